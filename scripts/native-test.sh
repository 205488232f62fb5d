#!/bin/bash
# native-test.sh ISA - the user code built and unit-tested *natively* on
# another ISA's Debian (issue 25): a debootstrap chroot of arm64 (bookworm)
# or riscv64 (trixie, the first Debian release with the port), its own
# gcc, make and libraries, every program of it run by qemu-user through
# binfmt_misc.  `make test-cross` cross-compiles on the host instead; this
# is what a student on a Raspberry Pi or a RISC-V board types: make, then
# make test-unit.
#
#   scripts/native-test.sh arm64|riscv64   (root; make test-native ARCH=...)
#
# The chroot is cached in MODELAB_NATIVE_CACHE (default
# /var/cache/modelab/native/ISA): built once (3-4 min here, every dpkg step
# emulated), reused after.  The tree is copied in (git ls-files) and
# built from scratch each run; the unit tests under ASan and UBSan, as on
# x86-64, where ASan can start under qemu-user (arm64), without its leak
# check (LeakSanitizer stops the world with ptrace, which qemu-user does
# not offer: "LeakSanitizer has encountered a fatal error"); where ASan
# cannot start (riscv64: an empty program dies on its shadow memory
# before main) under UBSan alone.  The output says which.  Prints the
# build's and the tests' summary; exit 0 only when both passed.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
MIRROR=${MODELAB_MIRROR:-http://deb.debian.org/debian}
case ${1:-} in
arm64) suite=bookworm qemu=aarch64 ;;
riscv64) suite=trixie qemu=riscv64 ;;
*)
	echo "native-test: name an ISA: arm64 or riscv64" >&2
	exit 2
	;;
esac
isa=$1
ch=${MODELAB_NATIVE_CACHE:-/var/cache/modelab/native}/$isa
log() { echo "native-test: $*"; }
[ "$(id -u)" = 0 ] || { echo "native-test: needs root (debootstrap, chroot)" >&2; exit 2; }
command -v "qemu-$qemu-static" > /dev/null ||
	{ echo "native-test: qemu-$qemu-static missing: sh scripts/deps.sh" >&2; exit 2; }

# binfmt_misc runs the chroot's programs through qemu-user.  F (fix
# binary): the kernel opens the interpreter now, so it need not exist
# inside the chroot.  Registered for this run only when it was not.
bf=/proc/sys/fs/binfmt_misc
# Left as found: what this run mounts or registers, it takes away.
mounted= registered=
cleanup() {
	! mountpoint -q "$ch/proc" || umount "$ch/proc"
	[ -z "$registered" ] || echo -1 > "$registered"
	[ -z "$mounted" ] || umount $bf
}
trap cleanup EXIT
mountpoint -q $bf || { mount -t binfmt_misc binfmt_misc $bf && mounted=1; }
if [ ! -e "$bf/qemu-$qemu" ]; then
	conf=/usr/lib/binfmt.d/qemu-$qemu.conf
	[ -f "$conf" ] || { echo "native-test: no $conf (qemu-user-static)" >&2; exit 2; }
	# Debian's line names a -P wrapper it may not ship: the static
	# emulator itself, without P (argv[0] is then its full path)
	sed "s|:[^:]*:[A-Z]*\$|:$(command -v qemu-$qemu-static):F|" "$conf" > $bf/register
	registered=$bf/qemu-$qemu
fi

if [ ! -f "$ch/.modelab-ready" ]; then
	rm -rf "$ch"
	mkdir -p "$ch"
	inc=gcc,make,pkg-config,libc6-dev,libseccomp-dev,libjson-c-dev,libcmocka-dev
	log "debootstrap $suite $isa (first run: a few minutes, emulated)"
	debootstrap --arch=$isa --variant=minbase --include=$inc "$suite" "$ch" "$MIRROR" \
		> "$ch.debootstrap.log" 2>&1 ||
		{ echo "native-test: debootstrap failed: $ch.debootstrap.log" >&2; exit 1; }
	touch "$ch/.modelab-ready"
fi

rm -rf "$ch/src"
mkdir -p "$ch/src"
(cd "$TOP" && git ls-files -z | xargs -0 cp --parents -t "$ch/src")
mountpoint -q "$ch/proc" || mount -t proc proc "$ch/proc"
log "$(chroot "$ch" uname -m) chroot of $suite: $(chroot "$ch" gcc -dumpfullversion)," \
	"$(chroot "$ch" sh -c 'dpkg-query -W -f "\${Version}" libseccomp-dev') libseccomp"
t0=$(date +%s)
build=0
chroot "$ch" make -C /src -j"$(nproc)" all > "$ch.build.log" 2>&1 || build=1
log "make all: $([ $build = 0 ] && echo ok || echo FAILED, see $ch.build.log)" \
	"($(($(date +%s) - t0)) s, $(grep -c 'warning' "$ch.build.log") warnings)"
# Can ASan start here at all?  An empty program answers.
san=
export ASAN_OPTIONS=detect_leaks=0
echo 'int main(void) { return 0; }' > "$ch/tmp/asan-start.c"
if chroot "$ch" sh -c 'gcc -fsanitize=address,undefined -o /tmp/asan-start /tmp/asan-start.c &&
		/tmp/asan-start' > /dev/null 2>&1; then
	log "unit tests under ASan (no leak check under qemu-user) and UBSan"
else
	san="SAN=-fsanitize=undefined -fno-sanitize-recover=all"
	log "ASan cannot start under qemu-$qemu (an empty program dies): unit tests under UBSan alone"
fi
t0=$(date +%s)
unit=0
[ $build = 0 ] && { chroot "$ch" make -C /src ${san:+"$san"} test-unit > "$ch.unit.log" 2>&1 || unit=1; }
passed=$(sed -nE 's/^\[  PASSED  \] ([0-9]+) test.*/\1/p' "$ch.unit.log" 2> /dev/null |
	awk '{ n += $1 } END { print n + 0 }')
failed=$(grep -cE '^\[  FAILED  \] [a-z_]' "$ch.unit.log" 2> /dev/null || true)
log "make test-unit: $passed passed, $failed failed ($(($(date +%s) - t0)) s, log $ch.unit.log)"
[ $build = 0 ] && [ $unit = 0 ] && [ "$failed" = 0 ] && [ "$passed" -gt 0 ]
