#!/bin/sh
# deb.sh - `make deb`: the Debian packages, built by Debian's own tools.
#
#   sh scripts/deb.sh                  build/deb/: modelab_VER_ARCH.deb,
#                                      modelab-dkms_VER_all.deb and the
#                                      source package; then lintian
#   sh scripts/deb.sh --check-version  only check that the versions agree
#
# The package is built from a copy of this tree in build/deb/modelab-VER
# (the files git tracks, as they are in the working tree; every file but
# build/ and bin/ when this is no git checkout): dpkg-buildpackage writes
# into the parent directory, and `debian/rules clean` must never meet a
# developer's build/ (the lab VM's counts, the kernel cache).
#
# One version everywhere: kmod/modelab.h's ML_VERSION (modinfo), dkms.conf's
# PACKAGE_VERSION (/usr/src/modelab-VER, /var/lib/dkms/modelab/VER),
# user/version.h's MODELAB_VERSION (modelab --version, the JSON report) and
# debian/changelog's (a native package: no Debian revision).  Anything else
# exits 1 naming all four.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"

define() { sed -n "s/^#define $1[[:space:]]*\"\\(.*\\)\"/\\1/p" "$2"; }
ml=$(define ML_VERSION kmod/modelab.h)
cmd=$(define MODELAB_VERSION user/version.h)
conf=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
deb=$(sed -n '1s/^modelab (\([^)]*\)).*/\1/p' debian/changelog)
if [ -z "$ml" ] || [ "$ml" != "$cmd" ] || [ "$ml" != "$conf" ] || [ "$ml" != "$deb" ]; then
	echo "deb.sh: the versions differ: kmod/modelab.h ML_VERSION '$ml'," \
	     "user/version.h MODELAB_VERSION '$cmd', dkms.conf PACKAGE_VERSION" \
	     "'$conf', debian/changelog '$deb': make them one" >&2
	exit 1
fi
[ "${1:-}" = --check-version ] && exit 0
if [ $# -gt 0 ]; then
	echo "deb.sh: unknown argument '$1' (none, or --check-version)" >&2
	exit 2
fi

OUT=build/deb
SRC=$OUT/modelab-$ml
rm -rf "$OUT"
mkdir -p "$SRC"
if git rev-parse --show-toplevel 2>/dev/null | grep -qx "$TOP"; then
	# a tracked file deleted in the working tree is left out
	git ls-files -z | xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\n" "$f"; done; :' sh |
		tar -cf - -T - | tar -xf - -C "$SRC"
else
	tar -cf - --exclude=./build --exclude=./bin --exclude=./.git . | tar -xf - -C "$SRC"
fi

echo "deb.sh: dpkg-buildpackage -us -uc in $SRC (log: $OUT/build.log)"
if ! (cd "$SRC" && dpkg-buildpackage -us -uc) > "$OUT/build.log" 2>&1; then
	tail -n 30 "$OUT/build.log"
	echo "deb.sh: dpkg-buildpackage failed (log: $OUT/build.log)" >&2
	exit 1
fi
rm -rf "$SRC"

echo "deb.sh: the packages:"
for f in "$OUT"/*.deb "$OUT"/*.dsc "$OUT"/*.tar.*; do
	[ -f "$f" ] || continue
	inst=
	case $f in *.deb) inst=", installed $(dpkg-deb -f "$f" Installed-Size) KiB" ;; esac
	echo "  $f: $(stat -c %s "$f") bytes$inst"
done

# Every tag shown, info and pedantic ones too, overridden ones with their
# reason (debian/*.lintian-overrides); an error or a warning fails.  (Not
# lintian's --fail-on: with --show-overrides it fails on overridden tags.)
changes=$(ls "$OUT"/*.changes)
echo "deb.sh: lintian -I --pedantic --show-overrides $changes"
lrc=0
lintian -I --pedantic --show-overrides "$changes" > "$OUT/lintian.raw" 2>&1 || lrc=$?
grep -v '^running with root privileges' "$OUT/lintian.raw" > "$OUT/lintian.log" || true
rm -f "$OUT/lintian.raw"
cat "$OUT/lintian.log"
# 2: tags found (with --show-overrides, overridden ones too); else broken
if [ $lrc != 0 ] && [ $lrc != 2 ]; then
	echo "deb.sh: lintian itself failed (exit $lrc)" >&2
	exit 1
fi
bad=$(grep -c '^[EW]: ' "$OUT/lintian.log" || true)
echo "deb.sh: lintian: $bad errors and warnings," \
     "$(grep -c '^[IPX]: ' "$OUT/lintian.log" || true) info, pedantic and experimental tags," \
     "$(grep -c '^O: ' "$OUT/lintian.log" || true) overridden (each with its reason above)"
[ "$bad" = 0 ]
