#!/bin/bash
# kernels.sh - modelab.ko on every Debian kernel from 5.10 to sid's newest.
#
#   scripts/kernels.sh [NAME...]   (make test-kernels; default: every row)
#
# For each kernel: its image and headers come from its own suite through a
# private apt state (the host's apt never sees another suite) and dpkg -x;
# the module is built W=1 and sparse (C=2) in a minimal debootstrap chroot
# of that suite, so with the gcc the kernel was built with; then the lab VM
# (tests/vm/run.sh) boots that kernel and runs the guest suite.  Prints one
# table at the end.  Everything downloaded lives under MODELAB_KCACHE
# (default build/kernels), so a second run only builds and boots;
# MODELAB_KREFRESH=1 looks for newer packages first.
# MODELAB_MIRROR overrides the Debian mirror.  MODELAB_SUITE (another
# in-guest script, e.g. the stress suite) passes to tests/vm/run.sh;
# MODELAB_KLOG_TAG=T names its console logs NAME.T.vm.log and its VM
# directory vm.T, so that it may run beside make test-kernels.
set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/debian-apt.sh"

# name suite flavour: flavour picks linux-image-<flavour>amd64.  The
# arm64 and riscv64 rows are trixie's kernels for those ISAs, built with
# trixie's cross compilers and booted in qemu-system-aarch64 / -riscv64
# (scripts/isa.sh, tests/vm/run.sh --arch).
KLIST="5.10:bullseye: 6.1:bookworm: 6.1-rt:bookworm:rt- 6.12:trixie:
6.12-rt:trixie:rt- sid:sid: 6.12-arm64:trixie:isa 6.12-riscv64:trixie:isa"

TAG=${MODELAB_KLOG_TAG:+.$MODELAB_KLOG_TAG}
mkdir -p "$CACHE/logs"
ROWS=()
PASSED=0
FAILED=0
SKIPPED=0

log() { echo "kernels.sh: $*" >&2; }

# A build mounts /proc in its chroot: never leave one mounted.
unmount_all() {
	local p
	for p in "$CACHE"/chroot/*/proc; do
		if mountpoint -q "$p"; then umount "$p"; fi
	done
}
trap unmount_all EXIT

# fetch NAME SUITE FLAVOUR: the kernel's packages, unpacked in $CACHE/k/NAME
fetch() {
	local k=$CACHE/k/$1 s=$2 f=$3 pkgs
	[ -f "$k/fetched" ] && return 0
	rm -rf "$k"
	# The image side: sid splits it into image, modules, binary and base
	# (config, modules.builtin) packages.  The headers side may name an
	# image too (trixie): take only its headers and kbuild.
	pkgs="$(deps "$s" "linux-image-${f}amd64" |
		grep -E '^linux-(image|modules|binary|base)-[0-9]')
$(deps "$s" "linux-headers-${f}amd64" | grep -E '^linux-(headers|kbuild)-[0-9]')"
	[ -n "$(echo $pkgs)" ] || { echo "no linux-image-${f}amd64 in $s"; return 1; }
	unpack "$s" "$k" $pkgs || return 1
	# The compiler the kernel was built with (CC = ... gcc-N): the
	# chroot of its suite gets that one.
	cat "$k"/root/usr/src/linux-headers-*/.kernelvariables 2>/dev/null |
		grep -oE '^CC = .*gcc-[0-9]+' | grep -oE 'gcc-[0-9]+$' | head -n 1 > "$k/gcc"
	[ -s "$k/gcc" ] || { echo "no CC = gcc-N in the headers"; return 1; }
	touch "$k/fetched"
}

# kver NAME: the kernel's version, from its modules directory
kver() { unpacked_kver "$CACHE/k/$1/root"; }

# kimage NAME VER: the bootable image (sid: under /usr/lib/modules/VER/)
kimage() {
	local r=$CACHE/k/$1/root f
	for f in "$r/boot/vmlinuz-$2" "$r/usr/lib/modules/$2/vmlinuz" \
		 "$r/lib/modules/$2/vmlinuz"; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# moddir NAME VER: the modules directory, with modules.dep made for it
# (depmod runs in postinst, which dpkg -x does not run).
moddir() {
	local r=$CACHE/k/$1/root d
	for d in "$r/lib/modules/$2" "$r/usr/lib/modules/$2"; do
		[ -d "$d/kernel" ] || continue
		if [ ! -f "$d/modules.dep" ]; then
			/sbin/depmod -b "${d%/lib/modules/$2}" "$2" \
				2> "$CACHE/logs/depmod-$1.log" || return 1
		fi
		echo "$d"
		return 0
	done
	return 1
}

# chroot_for SUITE GCC KBUILD-PKG: a minimal chroot with SUITE's compiler
chroot_for() {
	local s=$1 ch=$CACHE/chroot/$1 inc p
	[ -f "$ch/.modelab-ready" ] && return 0
	rm -rf "$ch"
	# What the kbuild tools link against (libelf1 or libelf1t64...), and
	# pahole for BTF (dwarves before it was split out).
	inc="make perl sparse libc6-dev $2"
	inc="$inc $(apt_ "$s" apt-cache depends "$3" |
		awk '$1 == "Depends:" && $2 !~ /^</ && $2 != "pahole" { print $2 }')"
	if apt_ "$s" apt-cache show pahole > /dev/null 2>&1; then
		inc="$inc pahole"
	else
		inc="$inc dwarves"
	fi
	inc=$(echo $inc | tr ' ' ',')
	log "debootstrap $s (--include=$inc)"
	debootstrap --variant=minbase --include="$inc" "$s" "$ch" "$MIRROR" \
		> "$CACHE/logs/debootstrap-$s.log" 2>&1 ||
		{ echo "debootstrap $s failed (see $CACHE/logs/debootstrap-$s.log)"; return 1; }
	touch "$ch/.modelab-ready"
}

# build NAME SUITE VER: modelab.ko in SUITE's chroot; sets WARN, CCVER
build() {
	local k=$CACHE/k/$1 ch=$CACHE/chroot/$2 v=$3 d rc hdr
	# Headers and kbuild at the paths their symlinks expect; hard links,
	# not a dpkg -x, which would replace the chroot's /lib symlink.
	for d in "$k"/root/usr/src/* "$k"/root/usr/lib/linux-kbuild-*; do
		[ -e "$ch${d#$k/root}" ] || cp -al "$d" "$ch${d#$k/root}"
	done
	hdr=/usr/src/linux-headers-$v
	# Debian's 7.x headers call scripts/checker-valid.sh and leave it
	# out; kbuild then turns sparse off with a line that is no warning.
	# A stand-in that asks only whether the checker runs at all (sparse
	# 0.6.4 checks 7.2 clean); a log that still says so counts below.
	for d in "$ch"/usr/src/linux-headers-*; do
		[ -f "$d/Makefile" ] && grep -q checker-valid.sh "$d/Makefile" &&
			[ ! -e "$d/scripts/checker-valid.sh" ] || continue
		printf '#!/bin/sh\n"$@" /dev/null > /dev/null 2>&1 && echo 1 || echo 0\n' \
			> "$d/scripts/checker-valid.sh"
		chmod 755 "$d/scripts/checker-valid.sh"
	done
	rm -rf "$ch/src/$1"
	mkdir -p "$ch/src/$1"
	cp -r "$TOP/Kbuild" "$TOP/kmod" "$ch/src/$1/"
	# objtool on 7.x reads /proc.
	mountpoint -q "$ch/proc" || mount -t proc proc "$ch/proc"
	chroot "$ch" make -C "$hdr" M="/src/$1" W=1 C=2 modules \
		> "$CACHE/logs/$1.build.log" 2>&1
	rc=$?
	CCVER="$(cat "$k/gcc") $(chroot "$ch" "$(cat "$k/gcc")" -dumpfullversion)"
	umount "$ch/proc"
	WARN=$(grep -cE 'warning|error|C=2 specified' "$CACHE/logs/$1.build.log")
	[ $rc = 0 ] && [ -f "$ch/src/$1/modelab.ko" ]
}

# row NAME COMPILER BUILD WARN PASSED FAILED SKIPPED SECONDS
row() { ROWS+=("$(printf '%-24s %-14s %-7s %5s %6s %6s %7s %5s' "$@")"); }

# vm_row NAME VER COMPILER WARN T0: the row of a lab VM run, from its log
vm_row() {
	local vlog=$CACHE/logs/$1$TAG.vm.log p f s
	# run.sh's own total (host checks, oops scan) and the suite's skips
	p=$(sed -nE 's/^([0-9]+) passed, [0-9]+ failed$/\1/p' "$vlog" | tail -n 1)
	f=$(sed -nE 's/^[0-9]+ passed, ([0-9]+) failed$/\1/p' "$vlog" | tail -n 1)
	s=$(sed -nE 's/.*summary: [0-9]+ passed, [0-9]+ failed, ([0-9]+) skipped.*/\1/p' \
		"$vlog" | tail -n 1)
	row "$2" "$3" yes "$4" "${p:--}" "${f:--}" "${s:--}" $(($(date +%s) - $5))
	if [ "$f" = 0 ] && [ "$4" = 0 ]; then
		PASSED=$((PASSED + 1))
	else
		FAILED=$((FAILED + 1))
		ROWS+=("    $1: see $CACHE/logs/$1.build.log, $1$TAG.vm.log")
	fi
}

# isa_row NAME: another ISA's row (NAME is 6.12-ISA): scripts/isa.sh
# fetches and builds, tests/vm/run.sh --arch boots it
isa_row() {
	local isa=${1#*-} t0 out blog warn ver cc
	t0=$(date +%s)
	if ! out=$(bash "$TOP/scripts/isa.sh" build $isa 2> "$CACHE/logs/$1.isa.log"); then
		blog=$(echo "$out" | head -n 1)
		row "$1" - no "$(echo "$out" | tail -n 1)" - - - $(($(date +%s) - t0))
		ROWS+=("    $1: no build: ${blog:-$(tail -n 1 "$CACHE/logs/$1.isa.log")}")
		FAILED=$((FAILED + 1))
		return
	fi
	blog=$(echo "$out" | head -n 1)
	warn=$(echo "$out" | tail -n 1)
	cp "$blog" "$CACHE/logs/$1.build.log"
	out=$(bash "$TOP/scripts/isa.sh" prepare $isa 2>> "$CACHE/logs/$1.isa.log")
	ver=$(echo "$out" | sed -n 's/^MODELAB_VM_KVER=//p')
	cc=$(echo "$out" | sed -n 's/^MODELAB_VM_CC=[^ ]* //p')
	log "$ver: built with $cc, $warn warnings; booting"
	MODELAB_VM_DIR=$CACHE/vm-$isa$TAG bash "$TOP/tests/vm/run.sh" --arch $isa \
		> "$CACHE/logs/$1$TAG.vm.log" 2>&1
	vm_row "$1" "$ver" "$cc" "$warn" "$t0"
}

WANT=" $* "
for spec in $KLIST; do
	IFS=: read -r name suite flavour <<< "$spec"
	[ "$WANT" = "  " ] || [ "${WANT/ $name /}" != "$WANT" ] || continue
	t0=$(date +%s)
	log "---- $name ($suite) ----"
	if [ "$flavour" = isa ]; then
		isa_row "$name"
		continue
	fi
	if ! apt_update "$suite"; then
		row "$name" - skipped - - - - 0
		SKIPPED=$((SKIPPED + 1))
		ROWS+=("    $name: $suite unreachable (see $CACHE/apt/$suite/update.log)")
		continue
	fi
	if ! why=$(fetch "$name" "$suite" "$flavour") ||
	   ! ver=$(kver "$name") || ! img=$(kimage "$name" "$ver") ||
	   ! mods=$(moddir "$name" "$ver"); then
		row "$name" - skipped - - - - $(($(date +%s) - t0))
		SKIPPED=$((SKIPPED + 1))
		ROWS+=("    $name: ${why:-no kernel image or modules in the packages}")
		continue
	fi
	kb=$(basename "$(ls "$CACHE/k/$name"/debs/linux-kbuild-*.deb)")
	if ! why=$(chroot_for "$suite" "$(cat "$CACHE/k/$name/gcc")" "${kb%%_*}"); then
		row "$ver" - skipped - - - - $(($(date +%s) - t0))
		SKIPPED=$((SKIPPED + 1))
		ROWS+=("    $name: $why")
		continue
	fi
	if ! build "$name" "$suite" "$ver"; then
		row "$ver" "$CCVER" no "$WARN" - - - $(($(date +%s) - t0))
		ROWS+=("    $name: build failed: $CACHE/logs/$name.build.log")
		FAILED=$((FAILED + 1))
		continue
	fi
	log "$ver: built with $CCVER, $WARN warnings; booting"
	MODELAB_VM_KERNEL=$img MODELAB_VM_MODDIR=$mods MODELAB_VM_KVER=$ver \
	MODELAB_VM_KO=$CACHE/chroot/$suite/src/$name/modelab.ko \
	MODELAB_VM_DIR=$CACHE/vm$TAG \
		bash "$TOP/tests/vm/run.sh" > "$CACHE/logs/$name$TAG.vm.log" 2>&1
	vm_row "$name" "$ver" "$CCVER" "$WARN" "$t0"
done

echo
printf '%-24s %-14s %-7s %5s %6s %6s %7s %5s\n' kernel compiler build \
	warns passed failed skipped secs
for r in "${ROWS[@]}"; do echo "$r"; done
[ $SKIPPED = 0 ] || echo "$SKIPPED kernels skipped: neither passed nor failed"
echo "$PASSED passed, $FAILED failed"
[ $FAILED = 0 ]
