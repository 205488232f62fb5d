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

# jqok ARGS...: jq -e, quiet: for `check NAME jqok FILTER FILE`.  (A
# redirection after `check ...` would hide the PASS or FAIL line too.)
jqok() { jq -e "$@" >/dev/null; }

# demo NAME CMD...: what usually happens but nothing guarantees, such as
# one timing below another (a busy machine can reverse any two that the
# hardware does not set far apart): shown, never a test.  Prints
# "DEMO: NAME: held", or "not held" with what CMD printed (the values);
# counted in neither passed nor failed.
demo() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		echo "DEMO: $name: held"
	else
		echo "DEMO: $name: not held${out:+ ($out)}"
	fi
}

# below A B: the number A is below B; above A B: above it.  When not, they
# print the two values ("A >= B"); an absent value (empty, null) never is.
below() { compare "$1" '<' "$2"; }
above() { compare "$1" '>' "$2"; }
compare() {
	awk -v a="$1" -v op="$2" -v b="$3" 'BEGIN {
		ok = a != "" && a != "null" && b != "" && b != "null" &&
		     (op == "<" ? a + 0 < b + 0 : a + 0 > b + 0)
		if (!ok)
			print a (op == "<" ? " >= " : " <= ") b
		exit !ok
	}'
}

# within V LO HI: LO <= V <= HI (empty or null never is)
within() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v != "null" && v != "" && v + 0 >= lo && v + 0 <= hi) }'; }

# A suite that checks a JSON report first writes `modelab run --json ...` to
# $tmp/run.json; these read it.
# field FIGURE KEY: one key of one figure
field() { jq -r --arg f "$1" --arg k "$2" '.figures[] | select(.figure == $f) | .[$k]' "$tmp/run.json"; }
median() { jq -r --arg f "$1" '.figures[] | select(.figure == $f) | .median_ns' "$tmp/run.json"; }
# less A B: figure A's median is below figure B's.
less() { below "$(median "$1")" "$(median "$2")"; }

# refused TRY "EXPECTED MESSAGE" CMD...: CMD exits 2 and says two lines on
# stderr: the message, then TRY (where the help is), not the whole usage.
refused() {
	local try=$1 want=$2 out rc
	shift 2
	out=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -eq 2 ] && [ "$out" = "$want"$'\n'"$try" ]; then
		pass "bad input: $*"
	else
		fail "bad input: $*" "exit $rc, said: $(printf '%s' "$out" | head -n 2 | tr '\n' '|')"
	fi
}

# SUMMARY_RE: the run's last line, "N figures in T s: ..." (user/report/result.c)
SUMMARY_RE='^[0-9]+ figures? in [0-9]+\.[0-9] s: [0-9]+ converged, [0-9]+ not converged, [0-9]+ skipped, [0-9]+ failed; demonstrations: [0-9]+ held, [0-9]+ not held; timing claims: [0-9]+ held, [0-9]+ not held, [0-9]+ undecided$'
# summary_only FILE: FILE (a run's stderr beside --json or --csv) holds
# the summary line and nothing else: no progress line off a terminal.
summary_only() { [ "$(wc -l < "$1")" -eq 1 ] && grep -qE "$SUMMARY_RE" "$1"; }

# unless_skipped FIGURE CHECK...: check CHECK..., or SKIP with the reason
# when FIGURE was skipped (reads $tmp/run.json)
unless_skipped() {
	local f=$1
	shift
	if [ "$(field "$f" skipped)" = true ]; then
		skip "$f" "$(field "$f" skip_reason)"
	else
		check "$@"
	fi
}

# wait_until SECONDS CMD...: polls CMD every 0.1 s until it succeeds, for
# at most SECONDS; its last status.  A generous bound costs nothing when
# things go right: it only ends a wait that would otherwise never end.
wait_until() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}

summary() {
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}

# "${default_int[@]}" CMD: CMD with SIGINT at its default.  When a suite
# was itself started with SIGINT ignored (nohup, or `&` in a script), bash
# cannot undo that, and modelab keeps an ignored SIGINT ignored by design
# (user/proc/cleanup.c): env resets it for the run (coreutils 9.0 and later).
if env --default-signal=INT true 2>/dev/null; then
	default_int=(env --default-signal=INT)
else
	default_int=()
fi
