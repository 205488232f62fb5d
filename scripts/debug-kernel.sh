#!/bin/bash
# debug-kernel.sh - a debug build of Debian's 6.1 kernel for the lab VM.
#
#   scripts/debug-kernel.sh build    build it (once; cached), print where
#   scripts/debug-kernel.sh env      print the MODELAB_VM_* settings that
#                                    boot it (exit 1 if not built yet)
#   scripts/debug-kernel.sh module   build modelab.ko against it, print its path
#   scripts/debug-kernel.sh built    exit 0 if it is in the cache (for CI)
#   scripts/debug-kernel.sh test     build it if needed, then boot it with
#                                    the lab VM's guest suite, then with the
#                                    stress suite (STRESS_SECONDS a phase,
#                                    default 12): make test-debug-kernel
#
# Debian ships no KASAN kernel, so this builds one from Debian's own
# source (bookworm's linux-source-6.1: the same patches as the lab VM's
# default kernel) with the checkers that catch what a module can do wrong:
# KASAN (use-after-free, out-of-bounds), KFENCE, lockdep with PROVE_RCU
# (lock order, RCU misuse: rcu_dereference outside a read-side section),
# DEBUG_ATOMIC_SLEEP (sleeping in a probe) and DEBUG_OBJECTS (freeing a
# live timer, RCU head or work), on a fully preemptible kernel.  The config
# is x86_64_defconfig, plus what the lab VM needs (virtio disk, serial
# console, tracepoints and syscall tracepoints, kprobes, seccomp, modules,
# CPU hotplug, x32), minus drivers it never uses, without debug info: a
# small build.
#
# Everything lives in MODELAB_DEBUG_KCACHE (default
# /var/cache/modelab/debug-kernel), never in the clone: the source package
# and its unpacked tree, the build tree, a stamp naming the config's hash.
# A changed config (this file) rebuilds.  Cold, it takes long (see
# docs/module.md): run it under nice, early.  MODELAB_MIRROR: as kernels.sh.
set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
DCACHE=${MODELAB_DEBUG_KCACHE:-/var/cache/modelab/debug-kernel}
# debian-apt.sh keeps its private apt state under MODELAB_KCACHE.
MODELAB_KCACHE=$DCACHE
. "$TOP/scripts/debian-apt.sh"

SUITE=bookworm
SRCPKG=linux-source-6.1
OUT=$DCACHE/build
JOBS=${MODELAB_JOBS:-$(nproc)}

log() { echo "debug-kernel.sh: $*" >&2; }
die() { echo "debug-kernel.sh: $*" >&2; exit 2; }

# The options on top of x86_64_defconfig, checked after olddefconfig: an
# option that Kconfig drops (a missing dependency) fails the build.
FRAGMENT='CONFIG_LOCALVERSION="-modelab-debug"
# CONFIG_LOCALVERSION_AUTO is not set
CONFIG_MODULES=y
CONFIG_MODULE_UNLOAD=y
# CONFIG_MODULE_SIG is not set
CONFIG_SMP=y
CONFIG_NR_CPUS=8
CONFIG_HOTPLUG_CPU=y
CONFIG_PREEMPT=y
CONFIG_HZ_250=y
CONFIG_X86_X32_ABI=y
CONFIG_BLK_DEV_INITRD=y
CONFIG_RD_GZIP=y
CONFIG_DEVTMPFS=y
CONFIG_TMPFS=y
CONFIG_VIRTIO=y
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_BLK=y
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
CONFIG_FTRACE=y
CONFIG_FTRACE_SYSCALLS=y
CONFIG_KPROBES=y
CONFIG_KPROBE_EVENTS=y
CONFIG_SECCOMP=y
CONFIG_SECCOMP_FILTER=y
CONFIG_IRQ_WORK=y
CONFIG_DEBUG_KERNEL=y
CONFIG_DEBUG_INFO_NONE=y
CONFIG_KALLSYMS=y
CONFIG_KALLSYMS_ALL=y
CONFIG_KASAN=y
CONFIG_KASAN_GENERIC=y
CONFIG_KASAN_INLINE=y
CONFIG_KFENCE=y
CONFIG_PROVE_LOCKING=y
CONFIG_PROVE_RCU=y
CONFIG_DEBUG_ATOMIC_SLEEP=y
CONFIG_DEBUG_PREEMPT=y
CONFIG_DEBUG_LIST=y
CONFIG_DEBUG_OBJECTS=y
CONFIG_DEBUG_OBJECTS_FREE=y
CONFIG_DEBUG_OBJECTS_TIMERS=y
CONFIG_DEBUG_OBJECTS_WORK=y
CONFIG_DEBUG_OBJECTS_RCU_HEAD=y
CONFIG_DEBUG_OBJECTS_PERCPU_COUNTER=y
# CONFIG_DRM is not set
# CONFIG_FB is not set
# CONFIG_SOUND is not set
# CONFIG_USB_SUPPORT is not set
# CONFIG_WLAN is not set
# CONFIG_WIRELESS is not set
# CONFIG_CFG80211 is not set
# CONFIG_RFKILL is not set
# CONFIG_NETFILTER is not set
# CONFIG_IPV6 is not set
# CONFIG_NET_SCHED is not set
# CONFIG_XFRM_USER is not set
# CONFIG_NET_KEY is not set
# CONFIG_NETLABEL is not set
# CONFIG_NETDEVICES is not set
# CONFIG_NFS_FS is not set
# CONFIG_EXT4_FS is not set
# CONFIG_AUTOFS_FS is not set
# CONFIG_ISO9660_FS is not set
# CONFIG_VFAT_FS is not set
# CONFIG_MSDOS_FS is not set
# CONFIG_QUOTA is not set
# CONFIG_NLS is not set
# CONFIG_AGP is not set
# CONFIG_HID is not set
# CONFIG_INPUT_MOUSE is not set
# CONFIG_INPUT_JOYSTICK is not set
# CONFIG_INPUT_TABLET is not set
# CONFIG_INPUT_TOUCHSCREEN is not set
# CONFIG_INPUT_MISC is not set
# CONFIG_ATA is not set
# CONFIG_SCSI is not set
# CONFIG_MD is not set
# CONFIG_I2C is not set
# CONFIG_HWMON is not set
# CONFIG_WATCHDOG is not set
# CONFIG_PCCARD is not set
# CONFIG_CPU_FREQ is not set
# CONFIG_HIBERNATION is not set
# CONFIG_SUSPEND is not set
# CONFIG_KEXEC is not set
# CONFIG_CRASH_DUMP is not set
# CONFIG_AUDIT is not set
# CONFIG_SECURITY is not set
# CONFIG_ETHERNET is not set
# CONFIG_KVM is not set
# CONFIG_DEBUG_INFO_BTF is not set'

config_hash() { printf '%s\n' "$FRAGMENT" | sha256sum | cut -c1-16; }

# source_tree: download and unpack linux-source-6.1 once; prints its path
source_tree() {
	local src=$DCACHE/src tarball
	if [ ! -f "$src/unpacked" ]; then
		apt_update $SUITE || die "cannot reach $SUITE (see $DCACHE/apt/$SUITE/update.log)"
		rm -rf "$src"
		mkdir -p "$src"
		log "downloading $SRCPKG from $SUITE"
		(cd "$src" && apt_ $SUITE apt-get download $SRCPKG) > "$src/fetch.log" 2>&1 ||
			die "download failed (see $src/fetch.log)"
		dpkg -x "$src/${SRCPKG}"_*.deb "$src/pkg" || die "dpkg -x failed"
		tarball=$(ls "$src"/pkg/usr/src/linux-source-*.tar.xz | head -n 1)
		[ -f "$tarball" ] || die "no tarball in $SRCPKG"
		log "unpacking $(basename "$tarball")"
		tar -C "$src" -xJf "$tarball" || die "cannot unpack $tarball"
		rm -rf "$src/pkg"
		touch "$src/unpacked"
	fi
	ls -d "$src"/linux-source-*/ | head -n 1 | sed 's,/$,,'
}

build() {
	local tree hash t0 missing
	hash=$(config_hash)
	if [ -f "$OUT/built-$hash" ]; then
		echo "$OUT"
		return 0
	fi
	command -v flex > /dev/null && command -v bison > /dev/null &&
		[ -f /usr/include/libelf.h ] ||
		die "needs flex, bison and libelf-dev: make deps"
	tree=$(source_tree) || exit 2
	t0=$(date +%s)
	# Reconfigured in place: Kbuild rebuilds only what a changed option
	# touches, so an interrupted or changed build goes on where it was.
	mkdir -p "$OUT"
	rm -f "$OUT"/built-*
	printf '%s\n' "$FRAGMENT" > "$OUT/fragment.config"
	log "configuring in $OUT (x86_64_defconfig + fragment $hash)"
	make -s -C "$tree" O="$OUT" x86_64_defconfig > "$OUT/config.log" 2>&1 &&
		(cd "$OUT" && "$tree/scripts/kconfig/merge_config.sh" -m -O "$OUT" \
			"$OUT/.config" "$OUT/fragment.config") >> "$OUT/config.log" 2>&1 &&
		make -s -C "$tree" O="$OUT" olddefconfig >> "$OUT/config.log" 2>&1 ||
		die "configuration failed (see $OUT/config.log)"
	missing=$(printf '%s\n' "$FRAGMENT" | grep -v '^#' |
		while read -r want; do
			grep -qxF "$want" "$OUT/.config" || echo "$want"
		done)
	[ -z "$missing" ] || die "Kconfig dropped:" $missing
	log "building with $JOBS jobs (log: $OUT/build.log)"
	make -C "$tree" O="$OUT" -j"$JOBS" bzImage modules > "$OUT/build.log" 2>&1 ||
		die "build failed (see $OUT/build.log)"
	rm -rf "$OUT/mods"
	make -C "$tree" O="$OUT" INSTALL_MOD_PATH="$OUT/mods" modules_install \
		> "$OUT/modules_install.log" 2>&1 || die "modules_install failed"
	echo "$(($(date +%s) - t0))" > "$OUT/build-seconds"
	touch "$OUT/built-$hash"
	log "built in $(cat "$OUT/build-seconds") s"
	echo "$OUT"
}

kver() { cat "$OUT/include/config/kernel.release"; }

case ${1:-} in
build)
	build
	;;
env)
	[ -f "$OUT/built-$(config_hash)" ] || { echo "debug kernel not built" >&2; exit 1; }
	v=$(kver)
	echo "MODELAB_VM_KERNEL=$OUT/arch/x86/boot/bzImage"
	echo "MODELAB_VM_KVER=$v"
	echo "MODELAB_VM_MODDIR=$OUT/mods/lib/modules/$v"
	;;
module)
	[ -f "$OUT/built-$(config_hash)" ] || { echo "debug kernel not built" >&2; exit 1; }
	d=$DCACHE/modelab
	rm -rf "$d"
	mkdir -p "$d"
	cp -r "$TOP/Kbuild" "$TOP/kmod" "$d/"
	make -C "$OUT" M="$d" W=1 modules > "$d/build.log" 2>&1 ||
		die "modelab.ko does not build against the debug kernel (see $d/build.log)"
	! grep -E 'warning|error' "$d/build.log" ||
		die "modelab.ko builds with warnings against the debug kernel"
	echo "$d/modelab.ko"
	;;
built)
	[ -f "$OUT/built-$(config_hash)" ]
	;;
test)
	build > /dev/null || exit 2
	ko=$("$0" module) || exit 2
	eval "export $("$0" env | tr '\n' ' ')"
	logs=$DCACHE/logs
	mkdir -p "$logs"
	log "guest suite on $(kver) (log: $logs/guest.log)"
	MODELAB_VM_KO=$ko MODELAB_VM_DIR=$TOP/build/vm-debug MODELAB_VM_TIMEOUT=1800 \
		bash "$TOP/tests/vm/run.sh" > "$logs/guest.log" 2>&1
	g=$?
	log "stress suite on $(kver) (log: $logs/stress.log)"
	MODELAB_VM_DIR=$TOP/build/vm-debug bash "$TOP/tests/vm/stress/run.sh" \
		--kernel debug --seconds "${STRESS_SECONDS:-12}" > "$logs/stress.log" 2>&1
	st=$?
	passed=0 failed=0
	for f in "$logs/guest.log" "$logs/stress.log"; do
		grep -E '^(FAIL|SKIP): ' "$f"
		set -- $(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$f" | tail -n 1)
		passed=$((passed + ${1:-0}))
		failed=$((failed + ${2:-1}))
	done
	[ $g = 0 ] && [ $st = 0 ] || [ $failed -gt 0 ] || failed=1
	echo "debug kernel $(kver): $passed passed, $failed failed"
	echo "$passed passed, $failed failed"
	[ $failed = 0 ]
	;;
*)
	echo "usage: debug-kernel.sh build | env | module | built | test" >&2
	exit 2
	;;
esac
