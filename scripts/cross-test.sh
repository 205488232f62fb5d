#!/bin/sh
# cross-test.sh - the user code on arm64 and riscv64, from an x86-64 host
# (make test-cross): for each ISA, the modelab program (every probe and
# the library: what the probe programs are made of) and exit0 cross-built
# with warnings as errors, then the unit tests built for it and run under
# qemu-user (make ARCH=A test-unit).  qemu-user refuses seccomp, so
# the unit tests that load a filter skip that part, by name.  Prints one
# line per ISA and step, and the closing summary.
#
#   scripts/cross-test.sh [ARCH...]     default: arm64 riscv64
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
# a make of its own per ISA: nothing of a calling make's variables
unset MAKEFLAGS MFLAGS MAKELEVEL
cd "$TOP" || exit 2
passed=0
failed=0
mkdir -p build
host=$(uname -m | sed 's/aarch64/arm64/')

# isa_facts ARCH: `modelab isa` of ARCH under qemu-user, its CPU's lines
isa_facts() {
	local arch=$1 sysroot facts div
	sysroot=$(sh scripts/cross-sysroot.sh "$arch") || return 0
	facts=$("qemu-$(echo "$arch" | sed s/arm64/aarch64/)-static" -L "$sysroot" \
		"build/$arch/bin/modelab" isa 2>&1)
	case $arch in arm64) div=0 ;; *) div=-1 ;; esac
	for want in "isa +$arch " \
		"divide_by_zero .*: no trap, gives $div\$" \
		"illegal .*: SIGILL \(ILL_ILLOP[CN]\), saved pc on it" \
		"breakpoint .*: SIGTRAP \(TRAP_BRKPT\), saved pc on it" \
		"unaligned_load .*: no trap, loads 0x908070605040302\$" \
		"aligned_only_load .*: SIGBUS \(BUS_ADRALN\)"; do
		if printf '%s\n' "$facts" | grep -qE "^$want"; then
			passed=$((passed + 1))
			echo "PASS: $arch: modelab isa under qemu-user: /$want/"
		else
			failed=$((failed + 1))
			echo "FAIL: $arch: modelab isa under qemu-user: no line /$want/ in:"
			printf '%s\n' "$facts" | sed 's/^/    /'
		fi
	done
}
for arch in ${*:-arm64 riscv64}; do
	if [ "$arch" = "$host" ]; then
		echo "SKIP: $arch: the host's own ISA (make test-unit tests it natively)"
		continue
	fi
	for step in programs test-unit; do
		log=build/cross-$arch-$step.log
		t0=$(date +%s)
		targets=$step
		[ "$step" = programs ] &&
			targets="build/$arch/bin/modelab build/$arch/bin/modelab-exit0"
		# shellcheck disable=SC2086
		if nice -n 10 make -j2 ARCH="$arch" $targets > "$log" 2>&1; then
			passed=$((passed + 1))
			ok=$(grep -c '^\[       OK \]' "$log")
			what=""
			[ "$step" = test-unit ] && what=", $ok unit tests passed under qemu-user"
			echo "PASS: $arch: make $step ($(($(date +%s) - t0)) s$what)"
			grep '^SKIP: ' "$log" | sed "s/^SKIP: /SKIP: $arch: /" | sort -u
		else
			failed=$((failed + 1))
			echo "FAIL: $arch: make $step (see $log):"
			grep -E 'error|FAILED|ERROR' "$log" | grep -v -- '-Werror' | head -n 10
		fi
	done
	# what the CPU answers, which qemu-user shows as the hardware would:
	# the ISA's own divide, illegal instruction, breakpoint and alignment
	isa_facts "$arch"
done
echo "cross: $passed passed, $failed failed"
[ $failed = 0 ]
