#!/bin/bash
# tests/host/run.sh - runs the real programs on this machine and checks what
# they print: JSON that parses and holds every documented key, figures that
# are positive and finite, the orderings the hardware guarantees, and an
# exact message with exit status 2 for every bad input.
#
# BIN=dir picks the programs to test (default: bin/, as `make` builds them).
set -u
cd "$(dirname "$0")/../.."
. tests/host/lib.sh
BIN=${BIN:-bin}
ML=$BIN/modelab
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Every key the README documents for a measured figure.
FIGURE_KEYS='probe figure what skipped batches batch_ops converged seconds
empty_batch_ns min_ns median_ns mean_ns p90_ns p99_ns max_ns stddev_ns
ci95_low_ns ci95_high_ns median_ticks ratio_to_null_syscall
kernel_syscalls_per_op kernel_counted_in histogram'
ENV_KEYS='cpu_model cpu kernel_release clock tsc_invariant tsc_ghz clocksource
hypervisor governor mitigations proc_modelab'

median() { jq -r --arg f "$1" '.figures[] | select(.figure == $f) | .median_ns' "$tmp/run.json"; }
# less A B: figure A's median is below figure B's.
less() { awk -v a="$(median "$1")" -v b="$(median "$2")" 'BEGIN { exit !(a + 0 < b + 0) }'; }

# ---- version, list ------------------------------------------------------
check "version prints the version" \
	test "$("$ML" --version)" = "modelab 0.1.0"
check "list names every syscall figure" \
	bash -c "'$ML' list | grep -q 'getppid-syscall' && '$ML' list | grep -q 'clock_gettime-vdso'"

# ---- the JSON report ----------------------------------------------------
"$ML" run --quick --json syscall >"$tmp/run.json" 2>"$tmp/run.err"
check "run --json exits 0" test $? -eq 0
check "run --json parses as JSON" jq -e . "$tmp/run.json" >/dev/null
check "nothing on stderr when it is not a terminal" test ! -s "$tmp/run.err"
check "schema and version at the top" \
	jq -e '.schema == 1 and .modelab_version == "0.1.0"' "$tmp/run.json" >/dev/null
for k in $ENV_KEYS; do
	check "environment has key $k" jq -e --arg k "$k" '.environment | has($k)' "$tmp/run.json" >/dev/null
done
check "environment kernel_release is uname -r" \
	test "$(jq -r .environment.kernel_release "$tmp/run.json")" = "$(uname -r)"
nfig=$(jq '[.figures[] | select(.skipped == false)] | length' "$tmp/run.json")
check "at least 8 syscall figures measured" test "$nfig" -ge 8
for k in $FIGURE_KEYS; do
	check "every measured figure has key $k" \
		jq -e --arg k "$k" '[.figures[] | select(.skipped == false) | has($k)] | all' "$tmp/run.json" >/dev/null
done
check "every figure positive and finite" \
	jq -e '[.figures[] | select(.skipped == false) | .median_ns, .p99_ns, .min_ns, .mean_ns
		| (type == "number" and . > 0)] | all' "$tmp/run.json" >/dev/null
check "min <= median <= p99 <= max, CI brackets the median" \
	jq -e '[.figures[] | select(.skipped == false)
		| .min_ns <= .median_ns and .median_ns <= .p99_ns and .p99_ns <= .max_ns
		  and .ci95_low_ns <= .median_ns and .median_ns <= .ci95_high_ns] | all' \
	"$tmp/run.json" >/dev/null
check "histogram counts add up to the batches" \
	jq -e '[.figures[] | select(.skipped == false)
		| (.histogram.counts | add) + .histogram.below + .histogram.above == .batches] | all' \
	"$tmp/run.json" >/dev/null
check "the null syscall's ratio to itself is 1" \
	jq -e '.figures[] | select(.figure == "getppid-syscall") | .ratio_to_null_syscall == 1' \
	"$tmp/run.json" >/dev/null

# ---- orderings the hardware guarantees -----------------------------------
check "function call < null syscall" less function-call getppid-syscall
check "invalid-nr figure measured (the kernel said ENOSYS)" \
	jq -e '.figures[] | select(.figure == "invalid-nr") | .skipped == false' "$tmp/run.json" >/dev/null
# The vDSO reads the clock in user mode only with a clocksource it can read.
cs=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)
case "$cs" in
tsc | kvm-clock | hyperv_clocksource_tsc_page | arch_sys_counter)
	check "function call < vDSO clock_gettime" less function-call clock_gettime-vdso
	check "vDSO clock_gettime < syscall clock_gettime" less clock_gettime-vdso clock_gettime-syscall
	check "vDSO getcpu < syscall getcpu" less getcpu-vdso getcpu-syscall
	;;
*)
	skip "vDSO orderings" "clocksource '$cs' makes the vDSO fall back to the syscall"
	;;
esac

# ---- CSV, env, the probe's own program ------------------------------------
"$ML" run --quick --csv syscall >"$tmp/run.csv"
check "CSV: a header and one row per figure" \
	test "$(wc -l <"$tmp/run.csv")" -eq $(($(jq '.figures | length' "$tmp/run.json") + 1))
check "CSV: every row has as many fields as the header" \
	test "$(awk -F, '{ print NF }' "$tmp/run.csv" | sort -u | wc -l)" -eq 1
check "env --json parses and has no figures" \
	jq -e '.figures == [] and (.environment.cpu_model | length > 0)' \
	<("$ML" env --json) >/dev/null
check "env text names the clock" bash -c "'$ML' env | grep -q '^  clock '"
"$BIN/modelab-syscall" --quick --json --clock monotonic >"$tmp/probe.json"
check "the probe program runs on its own" jq -e '.figures | length >= 8' "$tmp/probe.json" >/dev/null
check "--clock monotonic is reported, with no TSC frequency" \
	jq -e '.environment.clock != "tsc" and .environment.tsc_ghz == null' "$tmp/probe.json" >/dev/null
check "--cpu pins to the CPU asked for" \
	test "$("$ML" env --json --cpu 0 | jq .environment.cpu)" = 0

# ---- bad input: one line naming the problem, usage, exit 2 ----------------
# bad_input "EXPECTED MESSAGE" ARGS...
bad_input() {
	local want=$1 out rc
	shift
	out=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -eq 2 ] && [ "$(printf '%s\n' "$out" | head -n 1)" = "$want" ] &&
		printf '%s\n' "$out" | grep -q '^usage:'; then
		pass "bad input: $*"
	else
		fail "bad input: $*" "exit $rc, said: $(printf '%s' "$out" | head -n 1)"
	fi
}
bad_input "modelab: missing command" "$ML"
bad_input "modelab: unknown command 'frob'" "$ML" frob
bad_input "modelab: unknown probe 'nosuch' ('modelab list' names them)" "$ML" run nosuch
bad_input "modelab: unknown option '--frob'" "$ML" run --frob
bad_input "modelab: --cpu: 'abc' is not a CPU number" "$ML" run --cpu abc
bad_input "modelab: cannot pin to CPU 1000: Invalid argument" "$ML" run --cpu 1000
bad_input "modelab: option '--time' needs a value" "$ML" run --time
bad_input "modelab: --time: '-1' is not a number of seconds in (0, 60]" "$ML" run --time -1
bad_input "modelab: --json and --csv exclude each other" "$ML" run --json --csv
bad_input "syscall: unexpected argument 'extra'" "$BIN/modelab-syscall" extra

summary
