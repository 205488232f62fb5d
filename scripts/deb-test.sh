#!/bin/bash
# deb-test.sh - `make test-deb`: make deb's packages on clean Debian systems.
#
# For each suite (MODELAB_DEB_SUITES, default "bookworm trixie"), in a fresh
# debootstrap chroot of it:
#   1. apt-get install ./modelab_*.deb ./modelab-dkms_*.deb linux-headers-amd64,
#      their dependencies from the suite's mirror: modelab-dkms's postinst
#      has DKMS build and install modelab.ko for that suite's kernel headers
#      (built only: this host's kernel cannot load it);
#   2. modelab run --quick syscall from / and from an empty directory, as
#      root and as nobody; process/fork-exec finds modelab-exit0 in
#      /usr/libexec/modelab; the lab VM's static programs run; the man page
#      and the completion are where man and bash look;
#   3. an upgrade to a newer modelab-dkms (this one with its version
#      raised, repacked): DKMS drops the old module and builds the new
#      (on the first suite; on each with MODELAB_DEB_FULL=1);
#   4. a kernel installed later (linux-headers-cloud-amd64): DKMS builds
#      for it too, from its hook, as it will on every kernel update (on the
#      last suite; on each with MODELAB_DEB_FULL=1);
#   5. apt-get purge modelab modelab-dkms: nothing is left: dpkg knows no
#      modelab file, no /usr/src/modelab-*, /var/lib/dkms/modelab or
#      modelab.ko under /lib/modules, no file named *modelab* anywhere.
# Then, on this host, the package's lab VM (modelab-vm, unpacked with
# dpkg -x) boots this host's Debian kernel with the module built from the
# package's sources, and tests/vm/guest-package.sh checks it inside
# (MODELAB_DEB_VM=0 leaves that out).
#
# The packages are `make deb`'s (scripts/deb.sh, run first; DEB_DIR=dir
# uses that dir's *.deb instead).  A suite's base chroot (debootstrap
# --variant=minbase) is made once and kept as a tarball in MODELAB_DEBCACHE
# (default /var/cache/modelab/deb), with apt's lists and the packages it
# downloads; each run unpacks a fresh copy into a tmpfs, gone after.  A suite the mirror does
# not serve is SKIPped with the reason.  Needs root.  Logs:
# $MODELAB_DEBCACHE/logs/SUITE.log.  Ends with "N passed, N failed, N skipped".
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
. tests/host/lib.sh

CACHE=${MODELAB_DEBCACHE:-/var/cache/modelab/deb}
MIRROR=${MODELAB_MIRROR:-http://deb.debian.org/debian}
SUITES=${MODELAB_DEB_SUITES:-bookworm trixie}
LATER=linux-headers-cloud-amd64
T0=$SECONDS
# phase TEXT: a heading with the seconds since the start, and the CPU
# seconds this script and its children used (on a shared machine the
# second is the cost, the first depends on the load)
phase() {
	times > "$tmp/times"	# here, not in a subshell: it counts this shell's children
	echo "---- $* [$((SECONDS - T0)) s, CPU $(awk '{ for (i = 1; i <= NF; i++) {
		split($i, t, /[ms]/); s += t[1] * 60 + t[2] } } END { printf "%.0f", s }' "$tmp/times") s]"
}

[ "$(id -u)" = 0 ] || { fail "deb-test.sh: needs root"; summary; exit; }
mkdir -p "$CACHE/logs"

# ---- the packages ------------------------------------------------------------
if [ -z "${DEB_DIR:-}" ]; then
	phase "make deb (log: $CACHE/logs/deb.log)"
	# what a developer has in build/ and bin/ (the lab VM's counts, the
	# kernel cache) must outlive it: dpkg-buildpackage cleans its copy
	mkdir -p build/vm bin
	echo kept > build/vm/.deb-test-kept
	echo kept > bin/.deb-test-kept
	sh scripts/deb.sh > "$CACHE/logs/deb.log" 2>&1
	rc=$?
	grep -E '^  build/deb/|^deb.sh: lintian:' "$CACHE/logs/deb.log"
	check "make deb builds the packages, lintian clean" test $rc = 0
	[ $rc = 0 ] || tail -n 20 "$CACHE/logs/deb.log"
	check "make deb left the tree's build/ and bin/ alone" \
		test "$(cat build/vm/.deb-test-kept bin/.deb-test-kept 2>&1)" = "kept"$'\n'"kept"
	rm -f build/vm/.deb-test-kept bin/.deb-test-kept
	DEB_DIR=build/deb
fi
DEB_DIR=$(cd "$DEB_DIR" && pwd)
DEB_CMD=$(ls "$DEB_DIR"/modelab_*.deb 2>/dev/null | head -n 1)
DEB_DKMS=$(ls "$DEB_DIR"/modelab-dkms_*.deb 2>/dev/null | head -n 1)
if [ -z "$DEB_CMD" ] || [ -z "$DEB_DKMS" ]; then
	fail "packages in $DEB_DIR" "no modelab_*.deb or modelab-dkms_*.deb"
	summary
	exit
fi
VER=$(dpkg-deb -f "$DEB_DKMS" Version)

# The upgrade: modelab-dkms with the module's version raised everywhere it
# is written (its path, dkms.conf, modelab.h, the maintainer scripts), as
# the next release would be.
NEXT=${VER%.*}.$((${VER##*.} + 1))
rm -rf "$tmp/next"
dpkg-deb -R "$DEB_DKMS" "$tmp/next"
mv "$tmp/next/usr/src/modelab-$VER" "$tmp/next/usr/src/modelab-$NEXT"
sed -i "s/\"$VER\"/\"$NEXT\"/" "$tmp/next/usr/src/modelab-$NEXT/dkms.conf" \
	"$tmp/next/usr/src/modelab-$NEXT/kmod/modelab.h"
sed -i "s/^Version: $VER\$/Version: $NEXT/" "$tmp/next/DEBIAN/control"
sed -i "s/^DKMS_VERSION=$VER\$/DKMS_VERSION=$NEXT/" "$tmp/next/DEBIAN/postinst" "$tmp/next/DEBIAN/prerm"
(cd "$tmp/next" && find usr -type f -exec md5sum {} + > DEBIAN/md5sums)
dpkg-deb -b "$tmp/next" "$tmp/modelab-dkms_${NEXT}_all.deb" > /dev/null
DEB_NEXT=$tmp/modelab-dkms_${NEXT}_all.deb

# ---- a chroot --------------------------------------------------------------------
# R: the chroot, a tmpfs (it holds a few hundred MB for a minute; the disk
# would only slow dpkg down), with the suite's apt lists and downloaded
# packages bind-mounted from the cache and /proc mounted.
R=
cleanup() {
	local m
	[ -n "$R" ] || return 0
	for m in "$R/var/cache/apt/archives" "$R/var/lib/apt/lists" "$R/proc" "$R"; do
		if mountpoint -q "$m"; then umount "$m" || umount -l "$m"; fi
	done
	# never rm -rf across a mount still there
	if findmnt -rn -o TARGET | grep -q "^$R\(/\|$\)"; then
		echo "deb-test.sh: mounts left under $R: not removed" >&2
	else
		rm -rf --one-file-system "$R"
	fi
	R=
}
trap 'cleanup; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
# in SUITE-CHROOT CMD: run CMD (a shell line) in the chroot, as root
in_chroot() { chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive sh -c "$1"; }
APT="apt-get -y -q -o DPkg::Options::=--force-unsafe-io -o APT::Sandbox::User=root"

# base SUITE: the tarball of its minbase chroot, made once
base() {
	local s=$1 tarball=$CACHE/$1-minbase.tar.gz dir
	[ -f "$tarball" ] && return 0
	dir=$CACHE/work/$s-debootstrap
	rm -rf --one-file-system "$dir"
	mkdir -p "$dir"
	echo "deb-test.sh: debootstrap --variant=minbase $s (once; kept in $tarball)"
	if ! debootstrap --variant=minbase "$s" "$dir" "$MIRROR" \
		> "$CACHE/logs/debootstrap-$s.log" 2>&1; then
		rm -rf --one-file-system "$dir"
		return 1
	fi
	tar -C "$dir" -czf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
	rm -rf --one-file-system "$dir"
	[ -f "$tarball" ]
}

# modules_for KVER: modelab.ko's installed path for KVER, or nothing
modules_for() { ls "$R/lib/modules/$1/updates/dkms/"modelab.ko* 2>/dev/null | head -n 1; }
vermagic() { modinfo -F vermagic "$1" 2>/dev/null | cut -d' ' -f1; }
modversion() { modinfo -F version "$1" 2>/dev/null; }
# JSON of a run in the chroot: is FIGURE measured (not skipped)?
measured() { jq -e --arg f "$2" '.figures[] | select(.figure == $f) | .skipped == false' "$1" > /dev/null; }

# transcript FILE: FILE's lines about modelab and DKMS, indented
transcript() {
	grep -E 'modelab|dkms|DKMS|Building|Done\.|Deleting|Installing|depmod|Error|error' "$1" |
		grep -vE '^(Selecting|Reading|Building dependency|Get:|Preparing|  [a-z0-9.+-]+( [a-z0-9.+-]+)*$)' |
		sed 's/^/  /'
}

# apt_step CHECK ARGS...: apt-get ARGS in the chroot, logged, its lines
# about modelab and DKMS shown; CHECK passes when it succeeds
apt_step() {
	local name=$1 rc
	shift
	in_chroot "$APT $*" > "$tmp/apt.out" 2>&1
	rc=$?
	cat "$tmp/apt.out" >> "$log"
	transcript "$tmp/apt.out"
	check "$name" test $rc = 0
}

# test_suite SUITE UPGRADE LATER: steps 1 to 5 in SUITE's chroot; the
# upgrade (3) when UPGRADE is 1, the later kernel (4) when LATER is 1
test_suite() {
	local s=$1 upgrade=$2 later=$3 log=$CACHE/logs/$1.log k1 k2= ko out rc left f
	: > "$log"
	if ! base "$s"; then
		skip "$s" "debootstrap $s from $MIRROR failed (see $CACHE/logs/debootstrap-$s.log)"
		return
	fi
	R=$CACHE/work/$s
	rm -rf --one-file-system "$R"
	mkdir -p "$R" "$CACHE/apt/$s/archives/partial" "$CACHE/apt/$s/lists/partial"
	mount -t tmpfs -o size=3G,mode=755 tmpfs "$R"
	tar -C "$R" -xzf "$CACHE/$s-minbase.tar.gz"
	mount -t proc proc "$R/proc"
	mount --bind "$CACHE/apt/$s/archives" "$R/var/cache/apt/archives"
	mount --bind "$CACHE/apt/$s/lists" "$R/var/lib/apt/lists"
	printf '#!/bin/sh\nexit 101\n' > "$R/usr/sbin/policy-rc.d"
	chmod 755 "$R/usr/sbin/policy-rc.d"
	mkdir -p "$R/tmp/debs"
	cp "$DEB_CMD" "$DEB_DKMS" "$DEB_NEXT" "$R/tmp/debs/"
	local cmd=/tmp/debs/${DEB_CMD##*/} dkms=/tmp/debs/${DEB_DKMS##*/}

	phase "$s: apt-get install ./${cmd##*/} ./${dkms##*/} linux-headers-amd64"
	if ! in_chroot "$APT update" >> "$log" 2>&1; then
		skip "$s" "apt-get update from $MIRROR failed (see $log)"
		cleanup
		return
	fi
	# what apt would install by default: every Recommends is there
	out=$(in_chroot "$APT install -s $cmd $dkms" 2>&1)
	for p in busybox-static cpio gnuplot-nox qemu-system-x86; do
		check "$s: Recommends $p is installable" grep -q "^Inst $p " <<< "$out"
	done
	apt_step "$s: apt-get install of both packages and their dependencies" \
		install --no-install-recommends "$cmd" "$dkms" linux-headers-amd64
	check "$s: both packages installed" test "$(in_chroot 'dpkg-query -W -f "\${db:Status-Abbrev}\n" modelab modelab-dkms' 2>/dev/null | tr -d ' ' | sort -u)" = ii

	# ---- the program, from anywhere ----
	k1=$(ls "$R/lib/modules" | head -n 1)
	phase "$s: cd / && modelab run --quick syscall"
	in_chroot 'cd / && modelab run --quick syscall' > "$tmp/run.txt" 2> "$tmp/run.err"
	rc=$?
	sed -n '1,6p' "$tmp/run.txt" | sed 's/^/  /'
	echo "  ..."
	tail -n 1 "$tmp/run.txt" | sed 's/^/  /'
	check "$s: modelab run --quick syscall from / exits 0" test $rc = 0
	check "$s: it measured every syscall figure, none failed" \
		grep -qE "$SUMMARY_RE" <(tail -n 1 "$tmp/run.txt" | grep ' 0 skipped, 0 failed;')
	in_chroot 'mkdir -p /tmp/empty && chmod 777 /tmp/empty && cd /tmp/empty &&
		setpriv --reuid=nobody --regid=nogroup --clear-groups modelab run --quick --json syscall process/fork-exec process/posix-spawn' \
		> "$tmp/run.json" 2> "$tmp/run.err"
	check "$s: as nobody, from an empty directory: exits 0" test $? = 0
	check "$s: process/fork-exec execs /usr/libexec/modelab/modelab-exit0" measured "$tmp/run.json" fork-exec
	check "$s: process/posix-spawn too" measured "$tmp/run.json" posix-spawn
	check "$s: modelab-syscall, the probe's own program, runs" \
		in_chroot 'cd /tmp/empty && modelab-syscall --quick > /dev/null 2>&1'
	check "$s: the lab VM's static modelab runs" \
		in_chroot '/usr/libexec/modelab/static/modelab --version | grep -qx "modelab '"$VER"'"'
	check "$s: ... and is static" bash -c "! LC_ALL=C readelf -l '$R/usr/libexec/modelab/static/modelab' | grep -q 'program interpreter'"
	check "$s: man modelab and man modelab-syscall have a page" \
		test -s "$R/usr/share/man/man1/modelab.1.gz" -a -s "$R/usr/share/man/man1/modelab-syscall.1.gz"
	check "$s: bash completion for modelab and modelab-syscall" \
		test -s "$R/usr/share/bash-completion/completions/modelab" -a -s "$R/usr/share/bash-completion/completions/modelab-syscall"

	# ---- DKMS, for that suite's kernel headers ----
	phase "$s: dkms status"
	in_chroot 'dkms status' 2>&1 | sed 's/^/  /'
	check "$s: dkms status: modelab/$VER installed for $k1" \
		grep -q "^modelab/$VER, $k1, x86_64: installed" <(in_chroot 'dkms status' 2>/dev/null)
	ko=$(modules_for "$k1")
	check "$s: modelab.ko in /lib/modules/$k1/updates/dkms" test -n "$ko"
	check "$s: its vermagic is $k1" test "$(vermagic "$ko")" = "$k1"
	check "$s: its version is $VER" test "$(modversion "$ko")" = "$VER"
	check "$s: modules.dep knows it" grep -q '^updates/dkms/modelab.ko' "$R/lib/modules/$k1/modules.dep"

	if [ "$upgrade" = 1 ]; then
		phase "$s: upgrade: apt-get install ./modelab-dkms_${NEXT}_all.deb"
		apt_step "$s: the upgrade succeeds" install "/tmp/debs/modelab-dkms_${NEXT}_all.deb"
		check "$s: DKMS has $NEXT alone, installed for $k1" test \
			"$(in_chroot 'dkms status' 2>/dev/null)" = "modelab/$NEXT, $k1, x86_64: installed"
		check "$s: /usr/src/modelab-$VER is gone, modelab-$NEXT there" \
			test ! -e "$R/usr/src/modelab-$VER" -a -f "$R/usr/src/modelab-$NEXT/dkms.conf"
		check "$s: the module installed is $NEXT's" test "$(modversion "$(modules_for "$k1")")" = "$NEXT"
	fi

	if [ "$later" = 1 ]; then
		phase "$s: apt-get install $LATER (a kernel installed later)"
		apt_step "$s: apt-get install $LATER" install --no-install-recommends "$LATER"
		k2=$(ls "$R/lib/modules" | grep -vx "$k1" | head -n 1)
		ko=$(modules_for "$k2")
		check "$s: DKMS built and installed modelab.ko for ${k2:-the new kernel} by itself" \
			test -n "$k2" -a -n "$ko"
		check "$s: its vermagic is ${k2:-the new kernel}" test -n "$k2" -a "$(vermagic "$ko")" = "$k2"
		in_chroot 'dkms status' 2>&1 | sed 's/^/  /'
	fi

	# ---- purge ----
	in_chroot 'dpkg -L modelab modelab-dkms' > "$tmp/files" 2>/dev/null
	phase "$s: apt-get purge modelab modelab-dkms"
	apt_step "$s: apt-get purge" purge modelab modelab-dkms
	check "$s: dpkg knows neither package (not even config-files)" \
		test -z "$(in_chroot 'dpkg-query -W -f "\${db:Status-Abbrev} \${Package}\n" "modelab*"' 2>/dev/null | grep -v '^un ')"
	left=
	while read -r f; do
		case $f in "" | /.) continue ;; esac
		[ -e "$R$f" ] || [ -L "$R$f" ] || continue
		[ -d "$R$f" ] && in_chroot "dpkg -S '$f'" > /dev/null 2>&1 && continue
		left="$left $f"
	done < "$tmp/files"
	check "$s: dpkg -S: none of the packages' $(wc -l < "$tmp/files") paths is left (but directories other packages own)" \
		test -z "$left"
	[ -z "$left" ] || echo "  left:$left"
	check "$s: no /usr/src/modelab-*" test -z "$(ls -d "$R"/usr/src/modelab-* 2>/dev/null)"
	check "$s: no /var/lib/dkms/modelab" test ! -e "$R/var/lib/dkms/modelab"
	check "$s: no modelab.ko under /lib/modules/*/updates/dkms" \
		test -z "$(ls "$R"/lib/modules/*/updates/dkms/modelab.ko* 2>/dev/null)"
	check "$s: modules.dep of $k1${k2:+ and $k2} forgot it" \
		bash -c "! grep -qs modelab '$R/lib/modules/$k1/modules.dep' ${k2:+'$R/lib/modules/$k2/modules.dep'}"
	rm -rf "$R/tmp/debs" "$R/tmp/empty"
	out=$(find "$R" -xdev -iname '*modelab*' -print | sed "s|^$R||")
	check "$s: no file named *modelab* anywhere" test -z "$out"
	[ -z "$out" ] || echo "$out" | head -n 20 | sed 's/^/  left: /'
	cleanup
	phase "$s: done"
}

# ---- the lab VM from the package ------------------------------------------------------
# modelab-vm as the package installs it (dpkg -x: nothing installed on this
# host), booting this host's Debian kernel (scripts/kdir.sh) with a module
# built from modelab-dkms's /usr/src as DKMS builds it, and
# tests/vm/guest-package.sh in place of the guest suite.
test_vm() {
	local pkg=$tmp/pkg found kv kdir src rc
	phase "the lab VM from the package: modelab-vm --suite (guest-package.sh)"
	if ! found=$(sh scripts/kdir.sh 2>&1); then
		skip "lab VM from the package" "$found"
		return
	fi
	kv=${found%% *}
	kdir=${found#* }
	rm -rf "$pkg"
	dpkg -x "$DEB_CMD" "$pkg" && dpkg -x "$DEB_DKMS" "$pkg"
	src=$pkg/usr/src/modelab-$VER
	make -C "$kdir" M="$src" modules > "$CACHE/logs/vm-module.log" 2>&1
	check "the package's module source builds for $kv" test -f "$src/modelab.ko"
	MODELAB_VM_KO=$src/modelab.ko MODELAB_VM_KVER=$kv MODELAB_VM_DIR=$tmp/vm \
		MODELAB_SUITE=$TOP/tests/vm/guest-package.sh HOME=$tmp \
		"$pkg/usr/bin/modelab-vm" --suite > "$tmp/vm.log" 2>&1
	rc=$?
	cp "$tmp/vm.log" "$CACHE/logs/vm.log"
	tr -d '\r' < "$tmp/vm.log" | grep -oE '(PASS|FAIL|SKIP): .*|^[0-9]+ passed.*' | sed 's/^/  /'
	check "modelab-vm --suite: the packaged lab VM boots, loads and counts" test $rc = 0
	HOME=$tmp "$pkg/usr/bin/modelab-vm" --counts > "$tmp/vm.err" 2>&1
	rc=$?
	check "modelab-vm --counts without a FILE: exit 2, says so" \
		test "$rc $(cat "$tmp/vm.err")" = "2 modelab-vm: --counts needs one FILE (try --help)"
}

# The upgrade on the first suite and the later kernel on the last (each a
# DKMS build more; both on both with MODELAB_DEB_FULL=1): together they
# would take CI's time budget over.
set -- $SUITES
for s in $SUITES; do
	if [ "${MODELAB_DEB_FULL:-0}" = 1 ]; then
		test_suite "$s" 1 1
	else
		test_suite "$s" "$([ "$s" = "$1" ] && echo 1 || echo 0)" \
			"$([ "$s" = "${!#}" ] && echo 1 || echo 0)"
	fi
done
if [ "${MODELAB_DEB_VM:-1}" = 1 ]; then
	test_vm
else
	skip "lab VM from the package" "MODELAB_DEB_VM=0"
fi
summary
