#!/bin/bash
# tests/host/run.sh - runs every host suite (tests/host/*.sh but lib.sh and
# this one), each on its own: cli.sh first, then one per probe family in the
# order syscall fault interrupt seccomp process memory ipc, then any other,
# ctrl_c.sh last.  Prints each suite's lines but its PASS ones, and adds up
# their counts into one closing line.
#
# BIN=dir picks the programs to test (default: bin/, as `make` builds them).
set -u
cd "$(dirname "$0")/../.."
. tests/host/lib.sh

first="cli syscall fault interrupt seccomp process memory ipc"
last=ctrl_c
suites=()
for s in $first; do
	[ -f "tests/host/$s.sh" ] && suites+=("tests/host/$s.sh")
done
for suite in tests/host/*.sh; do
	name=$(basename "$suite" .sh)
	case " lib run $last $first " in *" $name "*) continue ;; esac
	suites+=("$suite")
done
[ -f "tests/host/$last.sh" ] && suites+=("tests/host/$last.sh")

for suite in "${suites[@]}"; do
	echo "== $suite"
	out=$(BIN=$BIN bash "$suite" 2>&1)
	printf '%s\n' "$out" | grep -v '^PASS: '
	tail=$(printf '%s\n' "$out" | tail -n 1)
	if [[ $tail =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
		passed=$((passed + BASH_REMATCH[1]))
		failed=$((failed + BASH_REMATCH[2]))
		skipped=$((skipped + BASH_REMATCH[3]))
	else
		fail "$suite" "ended without its summary line"
	fi
done

summary
