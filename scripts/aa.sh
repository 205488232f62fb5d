#!/bin/sh
# aa.sh - do modelab's intervals hold from one run to the next?  Two
# checks on the same build, which no real difference can separate:
#
#   A/A      PAIRS pairs of `modelab run syscall fault`, back to back, each
#            pair set side by side with `modelab compare A B`: how many
#            comparisons are called a "real difference" (a 95% verdict
#            should call about 5 in 100; target at most 10 in 100).  Then
#            the same runs pooled, half a side: `compare A... -- B...`.
#   coverage RUNS runs of `modelab run syscall/getppid-syscall
#            syscall/invalid-nr`: how many runs' 95% interval of the null
#            syscall (and of invalid-nr's ratio to it) holds the median of
#            the other runs' values, by itself (a flagged `*` does not
#            count); target 8 of 10 each, and the null syscall's interval
#            at most +-5% of its median.
#   drift    DRIFT quick runs of the null syscall (one process each, GAP
#            seconds apart, 2 by default): how far it moves between
#            runs, and between windows as long as a coverage run.  When
#            those move by several percent, the coverage target cannot be
#            met with an interval of +-5% (docs/measuring.md, section 7).
#
# Usage: sh scripts/aa.sh [aa|coverage|drift|all] (default all).  ML
# (bin/modelab), PAIRS (4), RUNS (10), DRIFT (40), GAP (2), CPU (the last one) and
# ARGS (more `run` options)
# may be set.  It prints figures and "met"/"MISSED", and exits 0 when it
# ran: a target is a goal for `make bench`, never a test.
set -eu
cd "$(dirname "$0")/.."
ML=${ML:-bin/modelab}
PAIRS=${PAIRS:-4}
RUNS=${RUNS:-10}
DRIFT=${DRIFT:-40}
GAP=${GAP:-2}
CPU=${CPU:-$(($(nproc) - 1))}
ARGS=${ARGS:-}
what=${1:-all}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# AA_KEEP=DIR: the reports stay there, to be looked at or compared again
if [ -n "${AA_KEEP:-}" ]; then
	mkdir -p "$AA_KEEP"
	trap 'cp "$tmp"/*.json "$AA_KEEP"/ 2>/dev/null; rm -rf "$tmp"' EXIT
fi

load() { uptime | sed 's/.*load average: /load /'; }

# verdicts FILE: "real N of M" from a `compare --json` output
verdicts() {
	jq -r '[.comparisons[].figures[].verdict] |
		"\(map(select(. == "real difference")) | length) \(length)"' "$1"
}

aa() {
	echo "A/A: $PAIRS pairs of 'modelab run $ARGS syscall fault', the same build, back to back on CPU $CPU ($(load))"
	start=$(date +%s)
	for i in $(seq "$PAIRS"); do
		for side in a b; do
			# shellcheck disable=SC2086
			"$ML" run --json --cpu "$CPU" $ARGS syscall fault >"$tmp/$side$i.json" 2>"$tmp/$side$i.err" || true
		done
		"$ML" compare --json "$tmp/a$i.json" "$tmp/b$i.json" >"$tmp/cmp$i.json"
		set -- $(verdicts "$tmp/cmp$i.json")
		speed=$(jq '[.comparisons[].figures[] | select(.verdict | endswith("speed)"))] | length' "$tmp/cmp$i.json")
		echo "  pair $i: $1 of $2 called real, $speed put down to the machine speed (speed references B/A: $(jq -r '[.comparisons[0].speed_reference_ratio, .comparisons[0].calls_reference_ratio] | map(if type == "number" then . * 1000 | round / 1000 | tostring else "none" end) | "multiplications \(.[0]), calls \(.[1])"' "$tmp/cmp$i.json")): $(jq -r '[.comparisons[].figures[] | select(.verdict == "real difference") | .figure + " " + (.ratio * 1000 | round / 1000 | tostring)] | join(", ")' "$tmp/cmp$i.json")"
	done
	cat "$tmp"/cmp*.json | jq -s -r '[.[].comparisons[].figures[].verdict] |
		(map(select(. == "real difference")) | length) as $r | length as $n |
		"  one against one: \($r) of \($n) comparisons called a real difference (\(100 * $r / $n | round)%; target at most 10%: \(if $r * 10 <= $n then "met" else "MISSED" end))"'
	if "$ML" help compare 2>/dev/null | grep -q -- ' -- '; then
		a=$(seq "$PAIRS" | sed "s|^|$tmp/a|; s|$|.json|" | tr '\n' ' ')
		b=$(seq "$PAIRS" | sed "s|^|$tmp/b|; s|$|.json|" | tr '\n' ' ')
		# shellcheck disable=SC2086
		"$ML" compare --json $a -- $b >"$tmp/pooled.json"
		set -- $(verdicts "$tmp/pooled.json")
		echo "  pooled, $PAIRS runs a side: $1 of $2 called a real difference"
	fi
	jq -r -s '[.[].figures[] | select(.figure == "getppid-syscall" and .median_ns != null) |
		100 * ([.median_ns - .ci95_low_ns, .ci95_high_ns - .median_ns] | max) / .median_ns] |
		"  the null syscall'"'"'s interval: +-\(map(. * 10 | round / 10) | join("%, +-"))% of its median (target at most 5%: \(if max <= 5 then "met" else "MISSED" end))"' \
		"$tmp"/[ab]*.json
	summary=$(tail -n 1 "$tmp/a1.err")
	echo "  one run's summary: $summary"
	echo "  $((2 * PAIRS)) runs in $(($(date +%s) - start)) s ($(load))"
}

coverage() {
	echo "coverage: $RUNS runs of 'modelab run $ARGS syscall/getppid-syscall syscall/invalid-nr' on CPU $CPU ($(load))"
	start=$(date +%s)
	for i in $(seq "$RUNS"); do
		# shellcheck disable=SC2086
		"$ML" run --json --cpu "$CPU" $ARGS syscall/getppid-syscall syscall/invalid-nr >"$tmp/cov$i.json" 2>/dev/null || true
		jq -r --arg run "$i" '
			.figures[] | select(.skipped == false and .failed == false) |
			(select(.figure == "getppid-syscall") |
				[$run, "null syscall median ns", .median_ns, .ci95_low_ns, .ci95_high_ns,
				 (if .converged then 1 else 0 end)]),
			(select(.figure == "invalid-nr") |
				[$run, "invalid-nr x null syscall", .ratio_to_null_syscall, .ratio_ci95_low, .ratio_ci95_high,
				 (if .ratio_converged then 1 else 0 end)])
			| @tsv' "$tmp/cov$i.json" >>"$tmp/coverage.tsv"
	done
	awk -f scripts/coverage.awk "$tmp/coverage.tsv"
	echo "  $RUNS runs in $(($(date +%s) - start)) s ($(load))"
}

drift() {
	echo "drift: $DRIFT runs of 'modelab run --quick syscall/getppid-syscall' (one process each), $GAP s apart on CPU $CPU ($(load))"
	start=$(date +%s)
	for i in $(seq "$DRIFT"); do
		at=$(($(date +%s) - start))
		"$ML" run --json --quick --cpu "$CPU" syscall/getppid-syscall 2>/dev/null |
			jq -r --arg at "$at" '.figures[] | select(.figure == "getppid-syscall" and .median_ns != null) |
				"\($at)\t\(.median_ns)"' || true
		sleep "$GAP"
	done >"$tmp/drift.tsv"
	awk -f scripts/drift.awk "$tmp/drift.tsv"
	echo "  $DRIFT runs in $(($(date +%s) - start)) s ($(load))"
}

case $what in
aa) aa ;;
coverage) coverage ;;
drift) drift ;;
all) aa; echo; coverage; echo; drift ;;
*) echo "usage: sh scripts/aa.sh [aa|coverage|drift|all]" >&2; exit 2 ;;
esac
