#!/bin/sh
# modelab-vm - the lab VM of an installed modelab (the Debian package
# installs this as /usr/bin/modelab-vm; in the source tree, `make vm`).
#
#   modelab-vm                 a shell in the lab VM, modelab.ko loaded and
#                              the lab's programs on its PATH ('poweroff -f'
#                              ends it)
#   modelab-vm --counts FILE   the kernel's counts of every figure, taken in
#                              the VM, as CSV in FILE: then
#                              'modelab run --kernel-counts FILE' times here
#                              and shows them beside the timings
#   modelab-vm --suite         the lab VM's own test suite (minutes)
#
# For a machine whose kernel cannot load modelab.ko (no root, Secure Boot
# without the key enrolled, a container or cloud kernel): it boots the
# newest Debian kernel in /boot that DKMS built modelab.ko for (the
# modelab-dkms package does that for each kernel installed with its
# headers) under QEMU (TCG: emulated, so counts are real and times are
# not), with a busybox initramfs and the static programs in
# ../libexec/modelab/static; ../share/modelab/vm has tests/vm's scripts.  No root needed.  Scratch files:
# MODELAB_VM_DIR, default ~/.cache/modelab/vm.  MODELAB_VM_KO and
# MODELAB_VM_KVER: a module of one's own and its kernel's version, instead
# of DKMS's.  tests/vm/run.sh does the work (its other settings apply).
set -eu

die() {
	echo "modelab-vm: $*" >&2
	exit 2
}

PREFIX=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
STATIC=$PREFIX/libexec/modelab/static
VM=$PREFIX/share/modelab/vm
[ -x "$STATIC/modelab" ] && [ -f "$VM/run.sh" ] ||
	die "no $STATIC/modelab or $VM/run.sh: is modelab installed?"
case ${1:-} in
"" | --shell) mode=--shell ;;
--counts)
	[ $# = 2 ] || die "--counts needs one FILE (try --help)"
	mode=--counts
	;;
--suite) mode= ;;
-h | --help)
	sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
*) die "unknown argument '$1' (try --help)" ;;
esac
[ "$mode" = --counts ] || [ $# -le 1 ] || die "unexpected argument '$2' (try --help)"

# The newest kernel in /boot with a modelab.ko DKMS installed for it; or
# MODELAB_VM_KO, a module of one's own, for MODELAB_VM_KVER.
KVER=
KO=
if [ -n "${MODELAB_VM_KO:-}" ]; then
	KVER=${MODELAB_VM_KVER:-}
	KO=$MODELAB_VM_KO
	[ -n "$KVER" ] || die "MODELAB_VM_KO needs MODELAB_VM_KVER (its kernel's version)"
	[ -r "$KO" ] || die "MODELAB_VM_KO=$KO is not readable"
else
	for v in $(ls /boot/vmlinuz-* 2>/dev/null | sed 's|^/boot/vmlinuz-||' | sort -rV); do
		KO=$(ls "/lib/modules/$v/updates/dkms/"modelab.ko* 2>/dev/null | head -n 1)
		if [ -n "$KO" ]; then
			KVER=$v
			break
		fi
	done
fi
[ -n "$KVER" ] || die "no kernel in /boot has a modelab.ko from DKMS: install" \
	"modelab-dkms and that kernel's headers (sudo apt install modelab-dkms" \
	"linux-headers-amd64), or see 'dkms status'"
[ -r "/boot/vmlinuz-$KVER" ] || die "/boot/vmlinuz-$KVER is not readable by you"

DIR=${MODELAB_VM_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/modelab/vm}
mkdir -p "$DIR" || die "cannot make $DIR (set MODELAB_VM_DIR)"
# busybox insmod may not read a compressed module
case $KO in
*.xz) xz -dc "$KO" ;;
*.zst) zstd -qdc "$KO" ;;
*.gz) gzip -dc "$KO" ;;
*) cat "$KO" ;;
esac > "$DIR/modelab.ko.tmp" && mv "$DIR/modelab.ko.tmp" "$DIR/modelab.ko" ||
	die "cannot read $KO"

export MODELAB_VM_KERNEL="/boot/vmlinuz-$KVER" MODELAB_VM_KVER="$KVER" \
	MODELAB_VM_KO="$DIR/modelab.ko" MODELAB_VM_BIN="$STATIC" \
	MODELAB_VM_DIR="$DIR"
if [ "$mode" = --counts ]; then
	exec bash "$VM/run.sh" --counts "$2"
fi
exec bash "$VM/run.sh" $mode
