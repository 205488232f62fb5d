#!/bin/bash
# fuzz.sh TARGET... - runs each libFuzzer harness of tests/fuzz/ (built by
# `make fuzz-build` in build/fuzz/) for FUZZ_SECONDS (default 60), FUZZ_JOBS
# at a time (default 2), niced.  Each starts from its seeds in
# tests/fuzz/corpus/ and what earlier runs found, kept outside the clone in
# MODELAB_FUZZ_CACHE (default /var/cache/modelab/fuzz, else build/fuzz/
# corpus).  A crash, a sanitizer report, a leak or an input slower than
# its timeout is a finding: its input goes to build/fuzz/findings/TARGET/.
# One line a target (runs, coverage), then "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-2}
cache=${MODELAB_FUZZ_CACHE:-/var/cache/modelab/fuzz}
mkdir -p "$cache" 2>/dev/null && [ -w "$cache" ] || cache=build/fuzz/corpus
logs=build/fuzz/logs
mkdir -p "$logs"

# ASan and UBSan stop at the first report; LeakSanitizer leaves out only
# what tests/fuzz/lsan.supp names (libseccomp's own leak, reproduced
# without modelab: docs/fuzzing.md).
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:allocator_may_return_null=1
export LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# seeds, the longest input tried, and the time one input may take (wall
# clock, niced on a busy machine: a backstop for hangs; fuzz_profile.c
# checks its CPU time against the promise)
seeds_of() { case $1 in plot) echo report ;; *) echo "$1" ;; esac; }
max_len_of() { case $1 in profile | report | plot) echo 65536 ;; *) echo 4096 ;; esac; }
timeout_of() { case $1 in profile | plot) echo 60 ;; *) echo 30 ;; esac; }

run_one() {
	local t=$1 seeds
	seeds=tests/fuzz/corpus/$(seeds_of "$t")
	mkdir -p "$cache/$t" "build/fuzz/findings/$t"
	nice -n 19 "build/fuzz/fuzz_$t" -max_total_time="$seconds" \
		-timeout="$(timeout_of "$t")" -rss_limit_mb=2048 \
		-max_len="$(max_len_of "$t")" -print_final_stats=1 \
		-artifact_prefix="build/fuzz/findings/$t/" \
		"$cache/$t" "$seeds" >"$logs/$t.log" 2>&1
	echo $? >"$logs/$t.rc"
}

passed=0
failed=0
running=0
for t in "$@"; do
	if [ ! -x "build/fuzz/fuzz_$t" ]; then
		echo "fuzz $t: build/fuzz/fuzz_$t missing (make fuzz-build)"
		failed=$((failed + 1))
		continue
	fi
	run_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

for t in "$@"; do
	[ -f "$logs/$t.rc" ] || continue
	rc=$(cat "$logs/$t.rc")
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$t.log")
	last=$(grep -E '^#[0-9]+' "$logs/$t.log" | tail -n 1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
	corpus=$(find "$cache/$t" -type f | wc -l)
	if [ "$rc" -eq 0 ]; then
		echo "fuzz $t: ${runs:-0} runs in ${seconds} s, cov ${cov:-?}, ft ${ft:-?}, corpus $corpus: nothing found"
		passed=$((passed + 1))
	else
		echo "fuzz $t: FOUND (exit $rc) after ${runs:-?} runs; input in build/fuzz/findings/$t/, log $logs/$t.log:"
		grep -E 'ERROR|SUMMARY|fuzz [a-z]+:|==[0-9]+==|timeout|leak' "$logs/$t.log" | head -n 8 | sed 's/^/  /'
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
