#!/bin/bash
# tests/host/untrusted.sh - untrusted input read strictly and in bounded
# time (issue 28, docs/fuzzing.md), end to end through the commands: each
# input the first fuzzing pass found, with its exact one-line refusal or
# its correct result within a time limit (a guard against a hang: the
# time is shown); the 21 HTML and gnuplot payloads in every string of a
# report; a report of 40,000 figures.  The inputs are the fuzz seeds of
# tests/fuzz/corpus/ named issue28-* and payload-*.
#
# BIN=dir picks the programs to test (default: bin/, as `make` builds them).
set -u
cd "$(dirname "$0")/../.."
. tests/host/lib.sh
ML=$BIN/modelab
export MODELAB_TMPDIR=$tmp/scratch
mkdir -p "$MODELAB_TMPDIR"
P=tests/fuzz/corpus/profile
R=tests/fuzz/corpus/report
# under ASan everything is slower: the limit is a guard, not a speed goal
limit=10

# within SECONDS NAME WANT_RC WANT_FIRST_LINE CMD...: CMD ends within
# SECONDS, exits WANT_RC and its stderr's first line is WANT_FIRST_LINE
within_s() {
	local secs=$1 name=$2 want_rc=$3 want=$4 out rc t0 t1
	shift 4
	t0=$(date +%s.%N)
	out=$(timeout "$secs" "$@" 2>&1 >/dev/null)
	rc=$?
	t1=$(date +%s.%N)
	if [ "$rc" -eq "$want_rc" ] && [ "$(head -n 1 <<<"$out")" = "$want" ]; then
		pass "$name ($(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f s", b - a }'))"
	else
		fail "$name" "exit $rc, said: $(head -n 2 <<<"$out" | tr '\n' '|')"
	fi
}

# ---- profiles: strict JSON, fields named, one line ---------------------------
refusal() {
	within_s "$limit" "profile $1: refused" 2 "modelab sandbox: profile: $2" \
		"$ML" sandbox --profile "$P/issue28-$1.json" -- true
}
refusal trailing-data "not valid JSON at byte 100: data after the JSON value"
refusal comment "not valid JSON at byte 35: data after the JSON value"
refusal trailing-comma "not valid JSON at byte 97: a trailing comma, or a key not in double quotes"
refusal single-quotes "not valid JSON at byte 1: a key not in double quotes"
refusal nan "not valid JSON at byte 124: NaN and Infinity are not JSON"
refusal infinity "not valid JSON at byte 124: NaN and Infinity are not JSON"
refusal int-too-large "syscalls[0].args[0].value: 18446744073709551616 is out of range (integers are -9223372036854775808 to 18446744073709551615)"
refusal name-nul 'syscalls[0].names[0]: a string with NUL (\u0000)'
refusal raw-escape "not valid JSON at byte 61: a control character in a string (escape it)"
refusal minkernel-wrap "syscalls[0].includes.minKernel: '4294967301.1' is not a kernel version (\"<kernel>.<major>\")"
refusal errnoret-4095 "syscalls[0].errnoRet: 4095 is out of range (0 to 4094)"
refusal action-newline "syscalls[0].action: unknown action 'X\\n\\nsecond line'"
printf '{"defaultAction":"SCMP_ACT_ALLOW"}\0{"defaultAction":"SCMP_ACT_KILL"}' >"$tmp/nul.json"
within_s "$limit" "profile with a NUL byte after the object: refused" 2 \
	"modelab sandbox: profile: not valid JSON at byte 34: data after the JSON value" \
	"$ML" sandbox --profile "$tmp/nul.json" -- true
head -c 1048577 /dev/zero | tr '\0' ' ' >"$tmp/big.json"
within_s "$limit" "profile over 1 MiB: refused before it is read further" 2 \
	"modelab sandbox: --profile: '$tmp/big.json' is over 1048576 bytes (the most a profile may have; Docker's has 14 KB)" \
	"$ML" sandbox --profile "$tmp/big.json" -- true

# the issue's slow profiles: one ERRNO rule on 300 calls then 150 rules with
# "arg0 == i" on all of them (21.7 s before); 9,000 conditional read rules
calls=$(awk 'BEGIN { for (i = 0; i < 700; i++) print i }' |
	while read -r nr; do scmp_sys_resolver "$nr" 2>/dev/null; done |
	grep -v UNKNOWN | head -n 300 | jq -R . | jq -sc .)
jq -nc --argjson n "$calls" '{defaultAction: "SCMP_ACT_ALLOW", syscalls:
	([{names: $n, action: "SCMP_ACT_ERRNO"}] + [range(150) as $i |
	{names: $n, action: "SCMP_ACT_LOG", args: [{index: 0, value: $i, op: "SCMP_CMP_EQ"}]}])}' \
	>"$tmp/errno150.json"
within_s "$limit" "profile: ERRNO on 300 calls then 150 rules on each: refused at once" 2 \
	"modelab sandbox: profile: syscalls[7].names[98]: more rules than a profile may have (4096, each weighing 1 + its comparisons)" \
	"$ML" sandbox --profile "$tmp/errno150.json" -- true
jq -nc '{defaultAction: "SCMP_ACT_ALLOW", syscalls: ([{names: ["read"], action: "SCMP_ACT_ERRNO"}]
	+ [range(9000) as $i | {names: ["read"], action: "SCMP_ACT_LOG",
	args: [{index: 0, value: $i, op: "SCMP_CMP_EQ"}]}])}' >"$tmp/reads.json"
within_s "$limit" "profile: 9,000 conditional read rules: refused at once" 2 \
	"modelab sandbox: profile: syscalls[257].names[0]: more comparisons on one syscall than a profile may have (256)" \
	"$ML" sandbox --profile "$tmp/reads.json" -- true
# eleven rules of six ordered comparisons on one call (minutes before)
jq -nc '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [range(11) as $i | {names: ["read"],
	action: "SCMP_ACT_ERRNO", args: [range(6) as $a | {index: $a, value: ($i * 7 + $a),
	op: (["SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_GE", "SCMP_CMP_GT",
	"SCMP_CMP_EQ"][($i + $a) % 6])}]}]}' >"$tmp/ordered.json"
within_s "$limit" "profile: 11 rules of six ordered comparisons on one call: refused at once" 2 \
	"modelab sandbox: profile: syscalls[3].names[0]: more comparisons on one syscall than a profile may have (256)" \
	"$ML" sandbox --profile "$tmp/ordered.json" -- true

# ---- reports: refused naming the field, or drawn whole ---------------------------
bad_report() {
	within_s "$limit" "report $1: refused" 2 "modelab plot: $R/issue28-$1.json: $2" \
		"$ML" plot "$R/issue28-$1.json" "$tmp/p-$1"
}
bad_report inf-bucket "figures[0].histogram.bucket_ns: 1e999 is out of range (not a finite number)"
bad_report huge-buckets "figures[0].histogram.low_ns: out of range (-1e18 to 1e18)"
bad_report nan-median "not valid JSON at byte 1030: NaN and Infinity are not JSON"
bad_report trailing "not valid JSON at byte 3987: data after the JSON value"
bad_report nul-name 'figures[0].probe: a string with NUL (\u0000)'
bad_report esc-names "figures[0].probe: a control character in a name"
bad_report c1-name "figures[0].probe: a control character in a name"
bad_report neg-count "figures[0].histogram.counts[0]: expected a whole number, 0 or more"
bad_report big-int "figures[0].rounds: 18446744073709551616 is out of range (integers are -9223372036854775808 to 18446744073709551615)"
bad_report demo-verified-string "figures[0].verified: expected true or false"

# what once made gnuplot stop and the page lose every picture: now all drawn
if ! command -v gnuplot >/dev/null; then
	skip "reports gnuplot once stopped on" "gnuplot is not installed (make deps)"
else
	for f in quote-name two-quotes median-zero median-neg long-names collide-a summary-probe; do
		n=$(jq '[.figures[] | select(.histogram != null)] | length' "$R/issue28-$f.json")
		probes=$(jq '[.figures[] | .probe] | unique | length' "$R/issue28-$f.json")
		# a histogram each, a summary and witnesses per probe
		want=$((2 * (n + 2 * probes)))
		timeout "$limit" "$ML" plot "$R/issue28-$f.json" "$tmp/p-$f" >/dev/null 2>&1
		check "report $f: plot exits 0" test $? -eq 0
		check "report $f: $want files, one for each" \
			test "$(find "$tmp/p-$f" -type f | wc -l)" -eq "$want"
		"$ML" report "$R/issue28-$f.json" -o "$tmp/$f.html" 2>/dev/null
		check "report $f: the page has every picture ($((want / 2)))" \
			test "$(grep -o 'data:image/png' "$tmp/$f.html" | wc -l)" -eq "$((want / 2))"
	done
	"$ML" report "$R/issue28-demo-no-verified.json" -o "$tmp/demo.html" 2>/dev/null
	check "a demonstration without a boolean verified: 'not checked', never verified" \
		grep -q 'seccomp/demo: <span class="">not checked</span>' "$tmp/demo.html"
fi

# ---- the 21 payloads in every string of a report ----------------------------------
rm -f /tmp/pwned
for f in "$R"/payload-*.json; do
	p=$(basename "$f" .json)
	out=$("$ML" report "$f" -o "$tmp/$p.html" 2>&1)
	rc=$?
	if [ "$rc" -eq 2 ]; then
		# a payload with a control character in a name: refused so
		check "$p: refused, naming the field" grep -q "a control character in a name" <<<"$out"
		continue
	fi
	check "$p: report exits 0 with every picture" \
		test "$rc" -eq 0 -a "$(grep -c 'no pictures' <<<"$out")" -eq 0
	check "$p: no tag of the payload in the page" \
		bash -c "! grep -qiE '<(svg|script|!--)|onload=\"|onerror=.alert' '$tmp/$p.html'"
done
check "payloads: nothing ran (/tmp/pwned absent)" test ! -e /tmp/pwned

# ---- compare's text: no terminal escape reaches the terminal ------------------------
esc=$tmp/$'\e]0;pwned\a\e[2J.json'
cp "$R/run-small.json" "$esc"
out=$("$ML" compare "$R/run-small.json" "$esc" 2>&1)
check "compare: no ESC from a file's name reaches the terminal" \
	test "$(printf '%s' "$out" | tr -d -c '\033\007' | wc -c)" -eq 0
check "compare: the name shown with \\x1b and \\x07" \
	grep -qF 'B: '"$tmp"'/\x1b]0;pwned\x07\x1b[2J.json' <<<"$out"

# ---- options: the long option named --------------------------------------------------
for o in --json=1 --no-kernel=1 --help=x; do
	out=$("$ML" "$o" run 2>&1 >/dev/null | head -n 1)
	check "option $o: named, one printable line" \
		test "$out" = "modelab: option '${o%%=*}' takes no value"
done

# ---- 40,000 figures in 2 MB: linear, and drawn in bounded time ----------------------
# (measured by the plain run; under ASan it would only add CI time)
if [ -n "${MODELAB_SANITIZED:-}" ]; then
	skip "40,000 figures" "sanitized build: the plain run measures it"
	summary
	exit $?
fi
jq -nc '{modelab_version: "0.1.0", schema: 2, environment: {}, figures:
	[range(40000) as $i | {probe: "p\($i % 100)", figure: "f\($i)", median_ns: (10 + $i % 97)}]}' \
	>"$tmp/big40k.json"
for c in "compare $tmp/big40k.json $tmp/big40k.json" "report $tmp/big40k.json -o $tmp/big40k.html"; do
	/usr/bin/time -o "$tmp/time" -f '%e %U %S' timeout 120 "$ML" $c >/dev/null 2>&1
	rc=$?
	t=$(tail -n 1 "$tmp/time")
	check "40,000 figures: ${c%% *} within 120 s" test "$rc" -eq 0 -a -n "$t"
	# the goal (under 5 s) depends on the machine's load: shown, not a test
	demo "40,000 figures: ${c%% *} under 5 s of CPU (wall user sys: $t)" \
		awk -v t="$t" 'BEGIN { split(t, a, " "); exit !(a[2] + a[3] < 5) }'
done

summary
