#!/bin/bash
# bench_scripts.sh - the checks of `make bench` and scripts/aa.sh count
# what they say they count: coverage.awk never counts a flagged run as
# covering (it did, and made coverage look better than it was), and
# drift.awk's spreads are the standard deviations of the runs and of
# their 8-s windows.  Fixed inputs, exact lines.
set -u
cd "$(dirname "$0")/../.."
. tests/host/lib.sh

# five runs of one quantity: run 1 flagged (converged 0) and wide enough
# to hold the others' median; runs 2-4 hold it; run 5 does not
printf '%s\n' \
	"1	q	100	80	120	0" \
	"2	q	101	99	103	1" \
	"3	q	102	100	104	1" \
	"4	q	100	98	102	1" \
	"5	q	110	109	111	1" | tr -s ' ' >"$tmp/cov.tsv"
out=$(awk -f scripts/coverage.awk "$tmp/cov.tsv")
check "coverage.awk: a flagged run is never counted as covering" \
	test "$out" = "  q                                            covered 3 of 5 (target 8 in 10: MISSED); values 100 to 110; widest +-20.0%; 1 flagged"

# drift: 1000 and 1100 ns alternating windows of 8 s, two runs each
printf '%s\t%s\n' 0 1000 4 1000 8 1100 12 1100 16 1000 20 1000 24 1100 28 1100 >"$tmp/drift.tsv"
out=$(awk -f scripts/drift.awk "$tmp/drift.tsv")
check "drift.awk: the runs' spread, the windows' spread, the half-width it asks" \
	test "$out" = "  medians in order (ns): 1000 1000 1100 1100 1000 1000 1100 1100
  8 runs: 1000 to 1100 ns; spread between runs +-5.1% (one standard deviation)
  4 windows of 8 s: their means move +-5.5% (one standard deviation); to hold the median of nine other runs that short in 8 of 10, a run's interval needs about +-7.6%"
check "drift.awk: fewer than 2 runs: says so" \
	test "$(awk -f scripts/drift.awk /dev/null)" = "  drift: fewer than 2 runs gave the null syscall"

summary
