# guest-check.sh - how an in-guest suite reports (busybox sh): one line a
# check, "PASS: name", "FAIL: name: why" or "SKIP: name: why", counted in
# PASSED, FAILED and SKIPPED for the suite's summary line.  Sourced by
# guest-suite.sh and stress/stress.sh from /guest-check.sh.
PASSED=0
FAILED=0
SKIPPED=0

pass() { PASSED=$((PASSED + 1)); echo "PASS: $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $1: $2"; }
skip() { SKIPPED=$((SKIPPED + 1)); echo "SKIP: $1: $2"; }
info() { echo "  info: $*"; }
# check NAME WHY-IF-FAILED COMMAND...: pass when COMMAND succeeds
check() {
	name=$1 why=$2
	shift 2
	if "$@"; then pass "$name"; else fail "$name" "$why"; fi
}
# in_range V LO HI: LO <= V <= HI, V not empty
in_range() { [ -n "$1" ] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }
