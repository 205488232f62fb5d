# lib.sh - what every host suite shares: the programs under test (BIN,
# default bin/ as `make` builds them), a scratch directory removed on exit,
# results counted the same way and one closing line CI can read.
BIN=${BIN:-bin}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0
skipped=0

pass() { passed=$((passed + 1)); echo "PASS: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1${2:+: $2}"; }
skip() { skipped=$((skipped + 1)); echo "SKIP: $1${2:+: $2}"; }

# check NAME CMD...: passes when CMD succeeds.
check() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}

summary() {
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}
