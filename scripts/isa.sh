#!/bin/bash
# isa.sh - the lab VM on arm64 and riscv64: Debian's kernel for that ISA,
# modelab.ko cross-built for it, and a busybox of that ISA.
#
#   scripts/isa.sh prepare ISA   fetch, build, and print what tests/vm/run.sh
#                                needs as NAME=VALUE lines (MODELAB_VM_*)
#   scripts/isa.sh build ISA     only (re)build modelab.ko, W=1 and sparse
#                                (C=2); the log's path and its count of
#                                warnings on the last two lines
#
# ISA is arm64 or riscv64 (x86_64 needs none of this: tests/vm/run.sh
# boots the host's own Debian kernel).  Trixie's linux-image-ISA (6.12)
# and linux-headers-ISA, the amd64 linux-kbuild the headers point to
# (Multi-Arch: foreign: its tools run here and build for any ISA) and
# busybox-static:ISA come through a private apt state for trixie and the
# three architectures (scripts/debian-apt.sh) and are unpacked with
# dpkg -x, never installed.  The module is built in a minimal trixie
# chroot holding trixie's cross compilers: the gcc the kernel was built
# with (its .kernelvariables), as scripts/kernels.sh does for amd64,
# because trixie's kbuild tools need trixie's libc and the kernel's
# configuration assumes its own compiler's options.
#
# Everything lives under MODELAB_KCACHE (default /var/cache/modelab/kernels,
# never the clone): isa/ISA/ (the packages, unpacked), chroot/trixie-cross,
# apt/trixie-isa, logs/.  A second run only rebuilds the module; about
# 600 MB the first time (measured: see docs/lab-vm.md).
set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
MODELAB_KCACHE=${MODELAB_KCACHE:-/var/cache/modelab/kernels}
. "$TOP/scripts/debian-apt.sh"

SUITE=trixie
STATE=trixie-isa
CHROOT=$CACHE/chroot/trixie-cross

log() { echo "isa.sh: $*" >&2; }
die() {
	echo "isa.sh: $*" >&2
	exit 1
}

# isa_vars ISA: the Debian architecture, kbuild's ARCH and the cross prefix
isa_vars() {
	case $1 in
	arm64) DEBARCH=arm64 KARCH=arm64 CROSS=aarch64-linux-gnu- ;;
	riscv64) DEBARCH=riscv64 KARCH=riscv CROSS=riscv64-linux-gnu- ;;
	*) die "unknown ISA '$1' (arm64 or riscv64)" ;;
	esac
	DIR=$CACHE/isa/$1
}

# fetch ISA: kernel, headers, kbuild and busybox, unpacked in $DIR/root
fetch() {
	local pkgs
	[ -f "$DIR/fetched" ] && return 0
	apt_update $STATE $SUITE amd64 arm64 riscv64 ||
		die "no package lists for $SUITE (see $CACHE/apt/$STATE/update.log)"
	rm -rf "$DIR"
	# The headers' dependencies name the image, the common headers and
	# the kbuild of every architecture: take the amd64 kbuild only.
	pkgs="$(deps $STATE "linux-image-$DEBARCH:$DEBARCH" |
		grep -E "^linux-image-[0-9].*:$DEBARCH\$" | grep -v unsigned)
$(deps $STATE "linux-headers-$DEBARCH:$DEBARCH" |
		grep -E "^linux-headers-[0-9]|^linux-kbuild-[0-9][^:]*\$")
busybox-static:$DEBARCH"
	log "fetching $(echo $pkgs)"
	unpack $STATE "$DIR" $pkgs > "$CACHE/logs/isa-$1.fetch" 2>&1 ||
		die "$(cat "$CACHE/logs/isa-$1.fetch")"
	touch "$DIR/fetched"
}

# kver: the kernel's version, from its modules directory
kver() { unpacked_kver "$DIR/root"; }

# kgcc: the compiler the kernel was built with (CC = gcc-N), e.g. gcc-14
kgcc() {
	grep -ohE '^CC = .*gcc-[0-9]+' "$DIR"/root/usr/src/linux-headers-*/.kernelvariables \
		2> /dev/null | grep -oE 'gcc-[0-9]+$' | head -n 1
}

# chroot_ready GCC: the trixie chroot with GCC's cross compilers for both
# ISAs, and what the kbuild tools link against
chroot_ready() {
	local inc kb
	[ -f "$CHROOT/.modelab-ready" ] && return 0
	rm -rf "$CHROOT"
	kb=$(basename "$(ls "$DIR"/debs/linux-kbuild-*.deb)")
	inc="make perl sparse libc6-dev $1 $1-aarch64-linux-gnu $1-riscv64-linux-gnu pahole"
	inc="$inc $(apt_ $STATE apt-cache depends "${kb%%_*}" |
		awk '$1 == "Depends:" && $2 !~ /^</ && $2 != "pahole" { print $2 }')"
	inc=$(echo $inc | tr ' ' ',')
	log "debootstrap $SUITE into $CHROOT (--include=$inc)"
	debootstrap --variant=minbase --include="$inc" $SUITE "$CHROOT" "$MIRROR" \
		> "$CACHE/logs/debootstrap-trixie-cross.log" 2>&1 ||
		die "debootstrap failed (see $CACHE/logs/debootstrap-trixie-cross.log)"
	touch "$CHROOT/.modelab-ready"
}

# build ISA VER GCC: modelab.ko in the chroot, W=1 and sparse; sets WARN.
# Not again while the sources, the kernel and this script are the same.
build() {
	local d hdr src=/src/isa-$1 blog=$CACHE/logs/isa-$1.build.log rc key
	key=$(cat "$TOP/Kbuild" "$TOP"/kmod/* "$0" | sha256sum | cut -d' ' -f1)
	key="$key $2 $3"
	if [ -f "$DIR/modelab.ko" ] && [ "$(cat "$DIR/modelab.key" 2> /dev/null)" = "$key" ]; then
		WARN=$(grep -cE 'warning|error|C=2 specified' "$blog")
		return 0
	fi
	rm -f "$DIR/modelab.ko" "$DIR/modelab.key"
	# Headers and kbuild at the paths their symlinks expect (hard links).
	for d in "$DIR"/root/usr/src/* "$DIR"/root/usr/lib/linux-kbuild-*; do
		[ -e "$CHROOT${d#$DIR/root}" ] || cp -al "$d" "$CHROOT${d#$DIR/root}"
	done
	hdr=/usr/src/linux-headers-$2
	rm -rf "${CHROOT:?}$src"
	mkdir -p "$CHROOT$src"
	cp -r "$TOP/Kbuild" "$TOP/kmod" "$CHROOT$src/"
	# sparse (0.6.4) stops at riscv's multi-letter extensions in -march
	# ("invalid argument to '-march': '_zicsr_zifencei'"): it gets the
	# single letters (rv64imac), which is all it reads from -march.
	cat > "$CHROOT/usr/local/bin/sparse-march" <<-'EOF'
	#!/bin/sh
	for a; do
		shift
		case $a in -march=*_*) a=${a%%_*} ;; esac
		set -- "$@" "$a"
	done
	exec sparse "$@"
	EOF
	chmod 755 "$CHROOT/usr/local/bin/sparse-march"
	# The caller's make (ARCH=riscv64 on its command line) must not leak
	# into kbuild, whose ARCH is riscv.
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS -u ARCH chroot "$CHROOT" \
		make -C "$hdr" M="$src" ARCH=$KARCH CROSS_COMPILE=$CROSS \
		CC="$CROSS$3" CHECK=sparse-march W=1 C=2 modules > "$blog" 2>&1
	rc=$?
	WARN=$(grep -cE 'warning|error|C=2 specified' "$blog")
	[ $rc = 0 ] && [ -f "$CHROOT$src/modelab.ko" ] || return 1
	cp "$CHROOT$src/modelab.ko" "$DIR/modelab.ko"
	echo "$key" > "$DIR/modelab.key"
}

# moddir VER: the modules directory, with modules.dep made for it
moddir() {
	local d
	for d in "$DIR/root/lib/modules/$1" "$DIR/root/usr/lib/modules/$1"; do
		[ -d "$d/kernel" ] || continue
		[ -f "$d/modules.dep" ] || /sbin/depmod -b "${d%/lib/modules/$1}" "$1" ||
			return 1
		echo "$d"
		return 0
	done
	return 1
}

# kimage VER: a kernel image QEMU loads (riscv's QEMU takes no gzip)
kimage() {
	local f
	for f in "$DIR/root/boot/vmlinuz-$1" "$DIR/root/boot/vmlinux-$1" \
		 "$DIR/root/usr/lib/modules/$1/vmlinuz"; do
		[ -f "$f" ] || continue
		if gzip -t "$f" 2> /dev/null; then
			[ -f "$DIR/Image-$1" ] || gzip -dc "$f" > "$DIR/Image-$1" ||
				return 1
			f=$DIR/Image-$1
		fi
		echo "$f"
		return 0
	done
	return 1
}

[ $# = 2 ] || die "usage: isa.sh prepare|build ISA"
isa_vars "$2"
sh "$TOP/scripts/deps.sh" isas >&2 || die "the host lacks what the $2 lab VM needs"
mkdir -p "$CACHE/logs"
fetch "$2"
ver=$(kver) || die "no modules directory in the $2 kernel package"
gcc=$(kgcc) || die "no CC = gcc-N in the $2 headers"
[ -n "$gcc" ] || die "no CC = gcc-N in the $2 headers"
chroot_ready "$gcc"
case $1 in
build)
	build "$2" "$ver" "$gcc"
	rc=$?
	echo "$CACHE/logs/isa-$2.build.log"
	echo "$WARN"
	exit $rc
	;;
prepare)
	build "$2" "$ver" "$gcc" ||
		die "modelab.ko did not build (see $CACHE/logs/isa-$2.build.log)"
	[ "$WARN" = 0 ] ||
		log "warning: $WARN warnings building modelab.ko (see $CACHE/logs/isa-$2.build.log)"
	img=$(kimage "$ver") || die "no kernel image in the $2 package"
	mods=$(moddir "$ver") || die "no modules for $ver"
	echo "MODELAB_VM_KERNEL=$img"
	echo "MODELAB_VM_KVER=$ver"
	echo "MODELAB_VM_MODDIR=$mods"
	echo "MODELAB_VM_KO=$DIR/modelab.ko"
	for f in "$DIR"/root/bin/busybox "$DIR"/root/usr/bin/busybox; do
		[ -x "$f" ] && { echo "MODELAB_VM_BUSYBOX=$f"; break; }
	done
	echo "MODELAB_VM_CC=${CROSS}gcc $gcc $(chroot "$CHROOT" "$CROSS$gcc" -dumpfullversion)"
	;;
*) die "usage: isa.sh prepare|build ISA" ;;
esac
