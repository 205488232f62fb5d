#!/bin/bash
# dkms-test.sh - modelab through DKMS, against two kernels' headers:
#
#   1. the host's installed headers (scripts/kdir.sh: Debian 12's 6.1):
#      make dkms-install DKMS_KVER=<that version>, which builds and
#      installs the module, then make dkms-remove;
#   2. bookworm-backports' 6.12 headers, built with bookworm's gcc-12 like
#      the host's: downloaded and unpacked under MODELAB_KCACHE (default
#      build/kernels), never installed, and given to `dkms build
#      --kernelsourcedir`.  Only built: nothing goes to /lib/modules.
#
# Needs root, dkms and pahole (6.12 builds BTF for modules): apt-get install
# dkms dwarves.  Ends with "N passed, N failed".
set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/debian-apt.sh"

VER=$(sed -n 's/^#define ML_VERSION[[:space:]]*"\(.*\)"/\1/p' "$TOP/kmod/modelab.h")
PASSED=0
FAILED=0
check() {
	local name=$1 why=$2
	shift 2
	if "$@"; then
		PASSED=$((PASSED + 1))
		echo "PASS: $name"
	else
		FAILED=$((FAILED + 1))
		echo "FAIL: $name: $why"
	fi
}
finish() {
	echo "$PASSED passed, $FAILED failed"
	[ $FAILED = 0 ]
	exit
}

[ "$(id -u)" = 0 ] || { echo "dkms-test.sh: needs root"; FAILED=1; finish; }
command -v dkms > /dev/null && command -v pahole > /dev/null ||
	{ echo "dkms-test.sh: apt-get install dkms dwarves"; FAILED=1; finish; }
LOG=$CACHE/logs
mkdir -p "$LOG"

# ---- 1. the host's headers: make dkms-install, make dkms-remove -----------
KV=$(sh "$TOP/scripts/kdir.sh" | cut -d' ' -f1)
KO=/lib/modules/$KV/updates/dkms/modelab.ko
make -C "$TOP" dkms-install DKMS_KVER="$KV" > "$LOG/dkms-install.log" 2>&1
check "make dkms-install DKMS_KVER=$KV" "see $LOG/dkms-install.log" test $? = 0
check "dkms status: installed for $KV" "$(dkms status modelab 2>&1)" \
	grep -q "^modelab/$VER, $KV, x86_64: installed" <(dkms status modelab)
ls "$KO"* > /dev/null 2>&1 || KO=
check "module installed under /lib/modules/$KV/updates/dkms" "not there" \
	test -n "$KO"
if [ -n "$KO" ]; then
	mi=$(modinfo -F vermagic "$(ls "$KO"*)" | cut -d' ' -f1)
	check "installed module is for $KV" "vermagic $mi" test "$mi" = "$KV"
fi
make -C "$TOP" dkms-remove > "$LOG/dkms-remove.log" 2>&1
check "make dkms-remove" "see $LOG/dkms-remove.log" test $? = 0
check "dkms-remove leaves nothing" \
	"$(dkms status modelab; ls -d /usr/src/modelab-$VER "$KO"* 2>&1)" \
	test -z "$(dkms status modelab)" -a ! -e "/usr/src/modelab-$VER" \
	-a -z "$(ls /lib/modules/"$KV"/updates/dkms/modelab.ko* 2>/dev/null)"

# ---- 2. bookworm-backports' headers, unpacked privately --------------------
BPO=$CACHE/k/bookworm-backports-headers
if [ ! -f "$BPO/fetched" ]; then
	rm -rf "$BPO"
	if apt_update bookworm-backports; then
		why=$(unpack bookworm-backports "$BPO" $(deps bookworm-backports \
			linux-headers-amd64 | grep -E '^linux-(headers|kbuild)-[0-9]')) &&
			touch "$BPO/fetched"
	else
		why="bookworm-backports unreachable"
	fi
fi
HDR=$(ls -d "$BPO"/root/usr/src/linux-headers-*-amd64 2>/dev/null | head -n 1)
if [ -z "$HDR" ]; then
	echo "SKIP: dkms build against bookworm-backports' headers: ${why:-none}"
	finish
fi
BV=${HDR##*/linux-headers-}
# Debian's arch Makefile includes the common one by its absolute path.
sed -i "s|^include /usr/src/|include $BPO/root/usr/src/|" "$HDR/Makefile"

install -d "/usr/src/modelab-$VER/kmod"
install -m 644 "$TOP/Kbuild" "$TOP/dkms.conf" "/usr/src/modelab-$VER/"
install -m 644 "$TOP"/kmod/*.c "$TOP"/kmod/*.h "/usr/src/modelab-$VER/kmod/"
dkms add "modelab/$VER" > "$LOG/dkms-bpo.log" 2>&1
dkms build "modelab/$VER" -k "$BV" --kernelsourcedir "$HDR" \
	>> "$LOG/dkms-bpo.log" 2>&1
check "dkms build against $BV headers in $BPO" "see $LOG/dkms-bpo.log" \
	test $? = 0
BKO=$(ls /var/lib/dkms/modelab/"$VER"/"$BV"/x86_64/module/modelab.ko* 2>/dev/null)
mi=$(modinfo -F vermagic "$BKO" 2>/dev/null | cut -d' ' -f1)
check "dkms built a module for $BV" "vermagic '$mi'" test "$mi" = "$BV"
make -C "$TOP" dkms-remove >> "$LOG/dkms-bpo.log" 2>&1
check "make dkms-remove after the private build" "$(dkms status modelab)" \
	test -z "$(dkms status modelab)" -a ! -e "/usr/src/modelab-$VER"
finish
