#!/bin/bash
# tests/vm/run.sh - build modelab.ko and test it in a QEMU lab VM.
#
#   tests/vm/run.sh           run the in-guest suite; exit 0 only if it passed
#   tests/vm/run.sh --shell   same VM, module loaded, interactive busybox shell
#                             ('poweroff -f' ends it)
#   tests/vm/run.sh --counts FILE
#                             same VM, module loaded: runs 'modelab run --quick
#                             --csv' and writes its CSV (the kernel's counts
#                             per figure) to FILE, for 'make run', and
#                             FILE's .isa.txt: 'modelab isa' (make isas)
#   --keep                    keep build/vm/root and the initramfs afterwards
#   --arch ISA                x86_64 (the default), arm64 or riscv64: Debian
#                             trixie's kernel for that ISA under
#                             qemu-system-aarch64 / -riscv64 (TCG, -M virt),
#                             the module cross-built (scripts/isa.sh), the
#                             static programs from `make ARCH=ISA static`
#
# The host kernel may lack module support, so the module is built against the
# newest Debian kernel in /boot that has headers, and that kernel is booted
# under QEMU with a busybox initramfs.  TCG by default: KVM hangs or aborts on
# some hosts; MODELAB_KVM=1 opts in.  MODELAB_VM_TIMEOUT (seconds, default
# 600, 2400 on arm64 and riscv64) bounds a suite run; MODELAB_VM_MEM, the
# guest's memory in MiB (default 1024).  For debugging: MODELAB_SUITE=<script> runs
# another in-guest script instead of guest-suite.sh, MODELAB_VM_APPEND adds
# kernel parameters (e.g. loglevel=7).  The VM has a real device: a 64 MiB
# read-only virtio disk of random data (build/vm/disk.img), /dev/vda inside.
# Another kernel (scripts/kernels.sh): MODELAB_VM_KERNEL (its vmlinuz),
# MODELAB_VM_KVER, MODELAB_VM_MODDIR (its modules, with modules.dep) and
# MODELAB_VM_KO (a modelab.ko built for it, used as is); MODELAB_VM_DIR
# (default build/vm) lets two VMs run at once.  MODELAB_VM_BIN: a directory
# of static binaries (another tree's build/static/bin, for a grader) used
# instead of this tree's `make static` (none: no such binaries).  MODELAB_VM_PROGS: a directory
# whose *.c are built static for the guest too (tests/vm/stress/).
# MODELAB_VM_QUICK: the ISAs whose suite runs its quick subset
# (tests/vm/guest-isa.sh), e.g. "riscv64".  For a grader (x86-64 only):
# MODELAB_VM_RESULTS (a file) gets what the guest writes to a second
# serial port, /dev/ttyS1, where neither the kernel nor a module's printk
# writes, and MODELAB_VM_NONCE is packed as /nonce (mode 0400) for the
# suite to read and remove before it runs anything of the student's.
set -eu

MODE=suite
KEEP=0
ISA=
COUNTS_OUT=
while [ $# -gt 0 ]; do
	arg=$1
	shift
	case $arg in
	--shell) MODE=shell ;;
	--counts)
		[ $# -gt 0 ] || { echo "run.sh: --counts needs a file" >&2; exit 2; }
		MODE=counts
		COUNTS_OUT=$1
		shift
		;;
	--keep) KEEP=1 ;;
	--arch)
		[ $# -gt 0 ] || { echo "run.sh: --arch needs an ISA" >&2; exit 2; }
		ISA=$1
		shift
		;;
	-h | --help)
		sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "run.sh: unknown argument '$arg' (try --help)" >&2
		exit 2
		;;
	esac
done

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)

# ---- the ISA: its QEMU, its console, its compiler for the guest's helpers -------
case ${ISA:-x86_64} in
x86_64 | amd64 | x86) ISA=x86_64 ;;
arm64 | aarch64) ISA=arm64 ;;
riscv64) ;;
*)
	echo "run.sh: unknown ISA '$ISA' (x86_64, arm64 or riscv64)" >&2
	exit 2
	;;
esac
case $ISA in
x86_64)
	QEMU_BIN=qemu-system-x86_64 QEMU_PKG=qemu-system-x86 CROSS=
	CONSOLE=ttyS0
	# x86's own: the TSC as clocksource; the x32 ABI (seccomp doors);
	# no check of the IO-APIC timer, which a busy host fails under TCG
	# ("IO-APIC + timer doesn't work!", a panic at boot: seen at load 28)
	APPEND_ISA="tsc=reliable syscall.x32=y no_timer_check"
	MACHINE=()
	VMDIR=${MODELAB_VM_DIR:-$TOP/build/vm}
	;;
arm64)
	QEMU_BIN=qemu-system-aarch64 QEMU_PKG=qemu-system-arm CROSS=aarch64-linux-gnu-
	CONSOLE=ttyAMA0 APPEND_ISA=
	# max: every feature TCG has (AArch32 at EL0 too); pauth-impdef:
	# a cheap pointer-authentication hash, the architected one is slow
	MACHINE=(-M virt,gic-version=3 -cpu max,pauth-impdef=on)
	VMDIR=${MODELAB_VM_DIR:-$TOP/build/vm-arm64}
	;;
riscv64)
	QEMU_BIN=qemu-system-riscv64 QEMU_PKG=qemu-system-misc CROSS=riscv64-linux-gnu-
	CONSOLE=ttyS0 APPEND_ISA=
	# OpenSBI (QEMU's own copy) starts the kernel in S-mode
	MACHINE=(-M virt -cpu rv64 -bios default)
	VMDIR=${MODELAB_VM_DIR:-$TOP/build/vm-riscv64}
	;;
esac
# The other ISAs' kernel, module and busybox (MODELAB_VM_* for all three).
if [ $ISA != x86_64 ] && [ -z "${MODELAB_VM_KERNEL:-}" ]; then
	command -v ${CROSS}gcc > /dev/null || {
		echo "run.sh: ${CROSS}gcc not found: sh scripts/deps.sh isas" >&2
		exit 2
	}
	prep=$(bash "$TOP/scripts/isa.sh" prepare $ISA) || {
		echo "run.sh: no $ISA kernel and module (scripts/isa.sh failed)" >&2
		exit 2
	}
	while IFS== read -r name value; do
		case $name in MODELAB_VM_*) export "$name=$value" ;; esac
	done <<< "$prep"
fi
ROOT=$VMDIR/root
INITRD=$VMDIR/initrd.gz
LOG=$VMDIR/console.log
# TCG runs arm64 and riscv64 several times slower than x86-64
TIMEOUT=${MODELAB_VM_TIMEOUT:-$([ $ISA = x86_64 ] && echo 600 || echo 2400)}

die() {
	echo "run.sh: $*" >&2
	exit 2
}

# ---- what we need on the host ------------------------------------------------
find_kernel() {
	local found
	found=$(sh "$TOP/scripts/kdir.sh" 2>/dev/null) || return 1
	KVER=${found%% *}
	KDIR=${found#* }
	KERNEL=/boot/vmlinuz-$KVER
}

if [ -n "${MODELAB_VM_KERNEL:-}" ]; then
	KERNEL=$MODELAB_VM_KERNEL
	KVER=${MODELAB_VM_KVER:?MODELAB_VM_KVER must go with MODELAB_VM_KERNEL}
	KDIR=
else
	find_kernel || die "no /boot/vmlinuz-<ver> with matching headers" \
		"(/lib/modules/<ver>/build): apt-get install linux-image-amd64" \
		"linux-headers-amd64"
fi
KO=${MODELAB_VM_KO:-$TOP/modelab.ko}
[ -r "$KERNEL" ] || die "$KERNEL is not readable (run as root?)"
command -v $QEMU_BIN > /dev/null ||
	die "$QEMU_BIN not found: apt-get install $QEMU_PKG"
command -v ${CROSS}gcc > /dev/null || die "${CROSS}gcc not found: sh scripts/deps.sh${CROSS:+ isas}"
command -v cpio > /dev/null || die "cpio not found: apt-get install cpio"

# A dynamically linked busybox would not run in the initramfs, which has no
# libc: busybox-static puts a static one in /bin.
BUSYBOX=
for b in ${MODELAB_VM_BUSYBOX:-} /bin/busybox /usr/bin/busybox; do
	if [ -x $b ] && ! LC_ALL=C readelf -l $b 2>/dev/null |
	   grep -q 'program interpreter'; then
		BUSYBOX=$b
		break
	fi
done
[ -n "$BUSYBOX" ] ||
	die "no static busybox found: apt-get install busybox-static"

echo "run.sh: $ISA kernel $KVER ($KERNEL), headers ${KDIR:-none}, module $KO"

# ---- build -----------------------------------------------------------------------
if [ -n "${MODELAB_VM_KO:-}" ]; then
	:	# built by the caller
elif [ -f "$TOP/Makefile" ] && grep -q '^modules:' "$TOP/Makefile"; then
	make -C "$TOP" modules KDIR="$KDIR"
else
	make -C "$KDIR" M="$TOP" modules
fi
[ -f "$KO" ] || die "no module at $KO"

rm -rf "$ROOT"
mkdir -p "$ROOT"/bin "$ROOT"/dev "$ROOT"/proc "$ROOT"/sys "$ROOT"/tmp
cp "$BUSYBOX" "$ROOT"/bin/busybox
# Applet links now, not in /init: /init itself needs /bin/sh.  Another
# ISA's busybox cannot run here: /init makes its links (busybox --install).
ln -s busybox "$ROOT"/bin/sh
if [ $ISA = x86_64 ]; then
	for applet in $("$BUSYBOX" --list); do
		[ -e "$ROOT/bin/$applet" ] || ln -s busybox "$ROOT/bin/$applet"
	done
fi

# The user-space side's static binaries are a bonus: never fail without them.
if [ "${MODELAB_VM_BIN:-}" = none ]; then
	:	# the suite needs none of them (the stress suite)
elif [ -n "${MODELAB_VM_BIN:-}" ]; then
	cp -f --remove-destination "$MODELAB_VM_BIN"/* "$ROOT"/bin/ ||
		die "no binaries in MODELAB_VM_BIN=$MODELAB_VM_BIN"
elif [ -f "$TOP/Makefile" ] && grep -q '^static:' "$TOP/Makefile"; then
	# x86_64 keeps build/static/bin; the others build/ISA/static/bin
	STATIC_BIN=$TOP/build/static/bin
	[ $ISA = x86_64 ] || STATIC_BIN=$TOP/build/$ISA/static/bin
	# (a Makefile that does not name the ISA cannot cross-build for it)
	if { [ $ISA = x86_64 ] || grep -qw "$ISA" "$TOP/Makefile"; } &&
	   make -C "$TOP" ARCH=$ISA static > "$VMDIR/static.log" 2>&1 &&
	   [ -d "$STATIC_BIN" ]; then
		for f in "$STATIC_BIN"/*; do
			if [ -f "$f" ]; then
				cp -f --remove-destination "$f" "$ROOT"/bin/
			fi
		done
	else
		echo "run.sh: warning: 'make static' failed (see" \
		     "$VMDIR/static.log); no user binaries in the VM" >&2
	fi
fi

for src in "$HERE"/*.c ${MODELAB_VM_PROGS:+"$MODELAB_VM_PROGS"/*.c}; do
	[ -f "$src" ] || continue	# installed: built already, in MODELAB_VM_BIN
	${CROSS}gcc -static -O2 -Wall -Wextra -pthread \
	    -o "$ROOT/bin/$(basename "$src" .c)" "$src"
done

cp "$KO" "$ROOT"/modelab.ko
install -m 0755 "$HERE/init.sh" "$ROOT"/init
install -m 0755 "${MODELAB_SUITE:-$HERE/guest-suite.sh}" "$ROOT"/suite.sh
install -m 0644 "$HERE/guest-lib.sh" "$ROOT"/guest-lib.sh
install -m 0644 "$HERE/guest-isa.sh" "$ROOT"/guest-isa.sh
install -m 0644 "$HERE/guest-check.sh" "$ROOT"/guest-check.sh
# the suite's checks, a subject a file: guest-suite.sh sources /guest/*.sh
mkdir -p "$ROOT"/guest
install -m 0644 "$HERE"/guest/*.sh "$ROOT"/guest/

# ---- a real device: a virtio disk --------------------------------------------
# Debian builds virtio_pci and virtio_blk as modules: copy them and what they
# need (modules.dep) into the initramfs; /init loads them in the order of
# /lib/modules/load-order, so /dev/vda exists before anything else runs.
MODDIR=${MODELAB_VM_MODDIR:-/lib/modules/$KVER}
declare -A MOD_SEEN=()
MOD_ORDER=()

# mod_path NAME: NAME's path in modules.dep (relative to $MODDIR), or nothing
mod_path() {
	awk -F: -v n="$1" '{ b = $1; sub(/.*\//, "", b); sub(/\.ko(\.(xz|zst|gz))?$/, "", b)
		gsub("-", "_", b); if (b == n) { print $1; exit } }' "$MODDIR/modules.dep"
}

# mod_add PATH: PATH after everything it depends on
mod_add() {
	local dep
	[ -z "${MOD_SEEN[$1]:-}" ] || return 0
	MOD_SEEN[$1]=1
	for dep in $(awk -F: -v m="$1" '$1 == m { print $2 }' "$MODDIR/modules.dep"); do
		mod_add "$dep"
	done
	MOD_ORDER+=("$1")
}

# mod_copy PATH: into $ROOT/lib/modules, decompressed: busybox insmod may
# not read compressed modules.
mod_copy() {
	local src=$MODDIR/$1 name
	name=$(basename "$1")
	name=${name%.xz}
	name=${name%.zst}
	name=${name%.gz}
	case $1 in
	*.ko.xz) xz -dc "$src" ;;
	*.ko.zst) zstd -qdc "$src" ;;
	*.ko.gz) gzip -dc "$src" ;;
	*) cat "$src" ;;
	esac > "$ROOT/lib/modules/$name" || die "cannot copy $src"
	echo "$name" >> "$ROOT/lib/modules/load-order"
}

DISK=$VMDIR/disk.img
DISK_BYTES=$((64 << 20))
DRIVE=()
mkdir -p "$ROOT/lib/modules"
: > "$ROOT/lib/modules/load-order"
disk_ok=1
for m in virtio_pci virtio_blk; do
	path=$(mod_path $m)
	if [ -n "$path" ]; then
		mod_add "$path"
	elif ! grep -q "/$m\.ko" "$MODDIR/modules.builtin" 2>/dev/null; then
		echo "run.sh: warning: no $m module for $KVER: no disk in the VM" >&2
		disk_ok=0
	fi
done
if [ $disk_ok = 1 ]; then
	for m in "${MOD_ORDER[@]}"; do
		mod_copy "$m"
	done
	# Random, not zero, so every read moves real data; made once, reused.
	if [ "$(stat -c %s "$DISK" 2>/dev/null)" != $DISK_BYTES ]; then
		head -c $DISK_BYTES /dev/urandom > "$DISK.tmp" ||
			die "cannot write $DISK.tmp"
		mv "$DISK.tmp" "$DISK"
	fi
	# cache=none: the host's page cache cannot answer for the device.
	# Read-only: the guest only reads it, and two VMs may share it.
	DRIVE=(-drive "file=$DISK,format=raw,if=virtio,cache=none,readonly=on")
fi
echo "$MODE" > "$ROOT"/mode
# MODELAB_VM_QUICK="riscv64 ...": those ISAs run the suite's quick subset
case " ${MODELAB_VM_QUICK:-} " in *" $ISA "*) : > "$ROOT"/quick ;; esac
if [ -n "${MODELAB_VM_NONCE:-}" ]; then
	echo "$MODELAB_VM_NONCE" > "$ROOT"/nonce
	chmod 0400 "$ROOT"/nonce
fi
(cd "$ROOT" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) > "$INITRD"

# ---- boot -----------------------------------------------------------------------
if [ "${MODELAB_KVM:-0}" = 1 ]; then
	ACCEL=(-accel kvm -cpu host)
else
	# One host thread for all vCPUs: with multi-threaded TCG (QEMU 7.2) a
	# vCPU can keep running a stale copy of kernel code that another vCPU
	# just patched (static keys flipped by tracepoint (un)registration) and
	# lock up in the kernel's int3 retry path, even without our module.
	ACCEL=(-accel tcg,thread=single)
fi
QEMU=($QEMU_BIN "${MACHINE[@]}" "${ACCEL[@]}" -m "${MODELAB_VM_MEM:-1024}" -smp 2
      -kernel "$KERNEL" -initrd "$INITRD" "${DRIVE[@]}"
      -append "console=$CONSOLE panic=-1 quiet loglevel=4 $APPEND_ISA ${MODELAB_VM_APPEND:-}"
      -nographic -no-reboot)
if [ -n "${MODELAB_VM_RESULTS:-}" ]; then
	[ "$ISA" = x86_64 ] || die "MODELAB_VM_RESULTS: a second serial port on x86-64 only"
	: > "$MODELAB_VM_RESULTS"
	QEMU+=(-chardev "file,id=results,path=$MODELAB_VM_RESULTS"
	       -device "isa-serial,chardev=results,index=1")
fi

cleanup() {
	[ $KEEP = 1 ] || rm -rf "$ROOT" "$INITRD"
}

if [ $MODE = shell ]; then
	"${QEMU[@]}" || true
	cleanup
	exit 0
fi

if [ $MODE = counts ]; then
	[ -f "$ROOT/bin/modelab" ] || die "no static modelab for the VM (see $VMDIR/static.log)"
	set +e
	timeout "$TIMEOUT" "${QEMU[@]}" < /dev/null > "$LOG" 2>&1
	rc=$?
	set -e
	cleanup
	tr -d '\r' < "$LOG" | sed -n '/=== modelab csv begin ===$/,/^=== modelab csv end ===$/p' |
		sed '1d;$d' > "$COUNTS_OUT"
	tr -d '\r' < "$LOG" | sed -n '/^=== modelab observer begin ===$/,/^=== modelab observer end ===$/p' |
		sed '1d;$d' > "${COUNTS_OUT%.csv}.observer.txt"
	tr -d '\r' < "$LOG" | sed -n '/^=== modelab isa begin ===$/,/^=== modelab isa end ===$/p' |
		sed '1d;$d' > "${COUNTS_OUT%.csv}.isa.txt"
	if [ $rc != 0 ] || ! grep -q '^probe,figure,' "$COUNTS_OUT" ||
	   grep -qE 'Oops|BUG:|WARNING:|general protection fault[,:]|Call Trace|blocked for more than' "$LOG"; then
		die "the VM gave no clean counts (qemu status $rc; console log: $LOG)"
	fi
	echo "run.sh: kernel counts from the lab VM (kernel $KVER) in $COUNTS_OUT"
	exit 0
fi

# What the kernel prints when it is unhappy: oopses, BUG (KASAN, KFENCE and
# sleeping in atomic context among them), WARNING (lockdep and RCU misuse
# among them), RCU stalls and hung tasks.
KERNEL_ERRORS='Oops|BUG:|WARNING:|general protection fault[,:]|Call Trace|Kernel panic|detected stalls|blocked for more than'

# ---- the suite ----------------------------------------------------------------
HOST_PASSED=0
HOST_FAILED=0
host_check() {
	if [ "$2" = "$3" ]; then
		HOST_PASSED=$((HOST_PASSED + 1))
		echo "PASS: host: $1"
	else
		HOST_FAILED=$((HOST_FAILED + 1))
		echo "FAIL: host: $1: got '$2', want '$3'"
	fi
}

MODINFO=$(command -v modinfo || echo /sbin/modinfo)
if [ -x "$MODINFO" ]; then
	mi() { "$MODINFO" -F "$1" "$KO"; }
	host_check "modinfo license" "$(mi license)" "GPL"
	host_check "modinfo version" "$(mi version)" "0.1.0"
	host_check "modinfo author" "$(mi author)" "modelab"
	host_check "modinfo description" "$(mi description | grep -c .)" 1
	host_check "modinfo parm count_on_load" \
		"$(mi parm | grep -c '^count_on_load:')" 1
else
	echo "SKIP: host: modinfo: no modinfo (apt-get install kmod)"
fi

echo "run.sh: booting (timeout ${TIMEOUT}s; console log: $LOG)"
t0=$(date +%s)
set +e
timeout "$TIMEOUT" "${QEMU[@]}" < /dev/null 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
set -e
elapsed=$(($(date +%s) - t0))
cleanup

CLEAN=$(tr -d '\r' < "$LOG")
PASSED=$HOST_PASSED
FAILED=$HOST_FAILED
echo
echo "run.sh: ---- results (VM ran ${elapsed}s) ----"
if [ $rc = 124 ]; then
	echo "FAIL: vm: timed out after ${TIMEOUT}s"
	FAILED=$((FAILED + 1))
fi
summary=$(echo "$CLEAN" | grep -E '^modelab-suite summary: [0-9]+ passed, [0-9]+ failed' | tail -n 1)
if [ -n "$summary" ]; then
	set -- $(echo "$summary" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/')
	PASSED=$((PASSED + $1))
	FAILED=$((FAILED + $2))
	echo "$CLEAN" | grep -E '^(FAIL|SKIP): ' || true
else
	echo "FAIL: vm: the suite never printed its summary (qemu status $rc)"
	FAILED=$((FAILED + 1))
fi
oops=$(echo "$CLEAN" |
       grep -E "$KERNEL_ERRORS" || true)
if [ -n "$oops" ]; then
	echo "FAIL: vm: kernel errors on the console or in dmesg:"
	echo "$oops" | head -n 20
	FAILED=$((FAILED + 1))
fi
[ -n "$summary" ] && echo "$summary"
echo "$PASSED passed, $FAILED failed"
[ $FAILED = 0 ]
