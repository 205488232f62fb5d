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
# live timer, RCU head or work), on a fully preemptible kernel.
#
# The config is small on purpose: `make allnoconfig` with FRAGMENT below
# forced on, that is exactly what the lab VM uses (serial console,
# initramfs, ACPI to power off, virtio-pci and virtio-blk built in,
# modules, the tracepoints the probes attach to, syscall tracepoints,
# kprobes, seccomp filters, namespaces and the system calls the guest
# suite's probes make) and the checkers; everything else off, no debug
# info.  About 600 options on and 1,000 objects: a cold build is a few
# tens of minutes on 2 cores (docs/module.md has the figure), where
# x86_64_defconfig's 2,500 objects took hours.  Checked after
# configuration: an option that Kconfig drops fails the build.
#
# Everything lives in MODELAB_DEBUG_KCACHE (default
# /var/cache/modelab/debug-kernel), never in the clone: the source package
# and its unpacked tree, the build tree, a stamp naming the config's hash.
# A changed config (this file) reconfigures the same build tree, and an
# interrupted build goes on where it stopped: Kbuild rebuilds only what is
# missing or what a changed option touches.  It builds under nice, with
# MODELAB_JOBS jobs (default 2: the machine is shared).  MODELAB_MIRROR:
# as kernels.sh.
set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
DCACHE=${MODELAB_DEBUG_KCACHE:-/var/cache/modelab/debug-kernel}
# debian-apt.sh keeps its private apt state under MODELAB_KCACHE.
MODELAB_KCACHE=$DCACHE
. "$TOP/scripts/debian-apt.sh"

SUITE=bookworm
SRCPKG=linux-source-6.1
OUT=$DCACHE/build
JOBS=${MODELAB_JOBS:-2}

log() { echo "debug-kernel.sh: $*" >&2; }
die() { echo "debug-kernel.sh: $*" >&2; exit 2; }

# Forced on top of allnoconfig (KCONFIG_ALLCONFIG); allnoconfig keeps the
# defaults of options that only EXPERT may change (printk, futex, epoll,
# io_uring, /proc, shmem, SLUB, ...).
FRAGMENT='CONFIG_64BIT=y
CONFIG_LOCALVERSION="-modelab-debug"
# CONFIG_LOCALVERSION_AUTO is not set
CONFIG_SMP=y
CONFIG_NR_CPUS=8
CONFIG_HOTPLUG_CPU=y
CONFIG_PREEMPT=y
CONFIG_HZ_250=y
CONFIG_NO_HZ_IDLE=y
CONFIG_HIGH_RES_TIMERS=y
CONFIG_JUMP_LABEL=y
CONFIG_ACPI=y
CONFIG_PCI=y
CONFIG_PCI_MSI=y
CONFIG_MODULES=y
CONFIG_MODULE_UNLOAD=y
CONFIG_BINFMT_ELF=y
CONFIG_BINFMT_SCRIPT=y
CONFIG_X86_X32_ABI=y
CONFIG_BLK_DEV_INITRD=y
CONFIG_RD_GZIP=y
CONFIG_DEVTMPFS=y
CONFIG_TMPFS=y
CONFIG_TTY=y
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
CONFIG_BLK_DEV=y
CONFIG_VIRTIO_MENU=y
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_BLK=y
CONFIG_NET=y
CONFIG_UNIX=y
CONFIG_INET=y
CONFIG_SECCOMP=y
CONFIG_SECCOMP_FILTER=y
CONFIG_NAMESPACES=y
CONFIG_USER_NS=y
CONFIG_PID_NS=y
CONFIG_UTS_NS=y
CONFIG_IPC_NS=y
CONFIG_NET_NS=y
CONFIG_CGROUPS=y
CONFIG_SYSVIPC=y
CONFIG_POSIX_MQUEUE=y
CONFIG_USERFAULTFD=y
CONFIG_CROSS_MEMORY_ATTACH=y
CONFIG_INOTIFY_USER=y
CONFIG_FANOTIFY=y
CONFIG_KEYS=y
CONFIG_TRANSPARENT_HUGEPAGE=y
CONFIG_FTRACE=y
CONFIG_FTRACE_SYSCALLS=y
CONFIG_KPROBES=y
CONFIG_DEBUG_KERNEL=y
CONFIG_DEBUG_INFO_NONE=y
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
CONFIG_DETECT_HUNG_TASK=y
CONFIG_SOFTLOCKUP_DETECTOR=y'

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
	local tree hash t0 missing rc
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
	log "configuring in $OUT (allnoconfig + fragment $hash)"
	make -s -C "$tree" O="$OUT" KCONFIG_ALLCONFIG="$OUT/fragment.config" \
		allnoconfig > "$OUT/config.log" 2>&1 ||
		die "configuration failed (see $OUT/config.log)"
	missing=$(printf '%s\n' "$FRAGMENT" | grep -v '^#' |
		while read -r want; do
			grep -qxF "$want" "$OUT/.config" || echo "$want"
		done)
	[ -z "$missing" ] || die "Kconfig dropped:" $missing
	log "building with $JOBS jobs under nice (log: $OUT/build.log)"
	nice -n 10 make -C "$tree" O="$OUT" -j"$JOBS" bzImage modules \
		> "$OUT/build.log" 2>&1
	rc=$?
	# Each session's time and the machine's load, for the cold-build figure.
	echo "$(date -u +%FT%TZ) $hash $(($(date +%s) - t0)) s, exit $rc, load $(cut -d' ' -f1-3 /proc/loadavg)," \
		"$(find "$OUT" -name '*.o' | wc -l) objects" >> "$DCACHE/build-sessions.log"
	[ $rc = 0 ] || die "build failed (see $OUT/build.log)"
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
