#!/bin/bash
# cross-sysroot.sh - the foreign half of a cross build: a Debian system's
# /usr for arm64 or riscv64, with libseccomp, json-c and cmocka in it, for
# `make ARCH=arm64|riscv64` to compile and link against (--sysroot).
#
#   scripts/cross-sysroot.sh ARCH     prints the sysroot's path, making it once
#
# The packages come from a private apt state with that architecture only
# (the host's apt never sees them) and are unpacked with dpkg -x, never
# installed.  arm64 takes bookworm's, the host's own suite; riscv64 became
# an official Debian architecture in trixie, so it takes trixie's, with
# trixie's C library (libc6-dev) in the sysroot too: its libraries need
# that glibc, not bookworm's cross one.  The compiler and its own runtime
# (crt*.o, libgcc) stay bookworm's gcc-*-linux-gnu.
#
# Cache: MODELAB_CROSS_CACHE, default /var/cache/modelab/cross when it can
# be written, else build/cross.  MODELAB_MIRROR overrides Debian's mirror.
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
ARCH=${1:-}
case $ARCH in
arm64) SUITE=bookworm; TRIPLET=aarch64-linux-gnu ;;
riscv64) SUITE=trixie; TRIPLET=riscv64-linux-gnu ;;
*) echo "cross-sysroot.sh: ARCH must be arm64 or riscv64, not '$ARCH'" >&2; exit 2 ;;
esac

if [ -z "${MODELAB_CROSS_CACHE:-}" ]; then
	MODELAB_CROSS_CACHE=/var/cache/modelab/cross
	mkdir -p "$MODELAB_CROSS_CACHE" 2>/dev/null && [ -w "$MODELAB_CROSS_CACHE" ] ||
		MODELAB_CROSS_CACHE=$TOP/build/cross
fi
MIRROR=${MODELAB_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
DIR=$MODELAB_CROSS_CACHE/$SUITE-$ARCH
SYSROOT=$DIR/sysroot

# What the user programs and the unit tests link against; and for riscv64
# trixie's C library.  Listed by name, not resolved: their other
# dependencies (libc6 itself) are what the cross compiler already brings
# for arm64, and what libc6-dev brings for riscv64.
PKGS="libseccomp-dev libseccomp2 libjson-c-dev libjson-c5 libcmocka-dev libcmocka0"
PKGS="$PKGS libc6-dev libc6 linux-libc-dev libcrypt-dev libcrypt1 libgcc-s1"

if [ -f "$SYSROOT/.done" ] && [ "$(cat "$SYSROOT/.done")" = "$PKGS" ]; then
	echo "$SYSROOT"
	exit 0
fi

apt_() {
	local tool=$1
	shift
	"$tool" -q -o Dir::Etc::sourcelist="$DIR/sources.list" \
		-o Dir::Etc::sourceparts=- -o Dir::State::Lists="$DIR/lists" \
		-o Dir::Cache="$DIR/cache" -o Dir::State::status=/dev/null \
		-o APT::Architecture="$ARCH" -o APT::Architectures::="$ARCH" \
		-o Debug::NoLocking=1 "$@"
}

echo "cross-sysroot.sh: making the $ARCH sysroot ($SUITE) in $SYSROOT" >&2
mkdir -p "$DIR/lists/partial" "$DIR/cache/archives/partial" "$DIR/debs"
echo "deb [arch=$ARCH signed-by=$KEYRING] $MIRROR $SUITE main" > "$DIR/sources.list"
if ! apt_ apt-get update > "$DIR/update.log" 2>&1 ||
   ! ls "$DIR"/lists/*_Packages* > /dev/null 2>&1; then
	echo "cross-sysroot.sh: no package lists for $SUITE $ARCH (see $DIR/update.log)" >&2
	exit 1
fi
rm -f "$DIR"/debs/*.deb
# shellcheck disable=SC2086
if ! (cd "$DIR/debs" && apt_ apt-get download $PKGS) > "$DIR/fetch.log" 2>&1; then
	echo "cross-sysroot.sh: download failed (see $DIR/fetch.log)" >&2
	exit 1
fi
rm -rf "$SYSROOT.new"
mkdir -p "$SYSROOT.new"
for deb in "$DIR"/debs/*.deb; do
	dpkg -x "$deb" "$SYSROOT.new" || { echo "cross-sysroot.sh: dpkg -x $deb failed" >&2; exit 1; }
done
# Absolute symlinks (libfoo.so -> /lib/...) would point into the host:
# make them relative to the sysroot.
find "$SYSROOT.new" -type l | while read -r l; do
	t=$(readlink "$l")
	case $t in
	/*) ln -sfn "$SYSROOT$t" "$l" ;;
	esac
done
# the links were made for the final name
rm -rf "$SYSROOT"
mv "$SYSROOT.new" "$SYSROOT"
# Debian's usrmerge: /lib is /usr/lib in the sysroot as on the system.
[ -e "$SYSROOT/lib" ] || ln -s usr/lib "$SYSROOT/lib"
echo "$PKGS" > "$SYSROOT/.done"
echo "$SYSROOT"
