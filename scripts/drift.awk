# drift.awk - how far a figure moves between short runs of one machine,
# and between windows as long as a run.  Input (tab-separated), one line
# per quick run: SECONDS-SINCE-START  MEDIAN-NS.  It prints the medians'
# range and spread, then the spread of the windows' means (WINDOW s each,
# default 8: about one `modelab run` of two figures).  When the windows
# move by several percent, no interval taken inside one run of that
# length can hold the next run's value, however many processes measure
# it (docs/measuring.md, section 7).  The half-width that holds the
# median of nine others 8 times in 10, for normal spread s between runs:
# 1.2816 * s * sqrt(1 + pi / 18) = 1.389 s.  scripts/aa.sh prints it.
BEGIN { FS = "\t"; if (!WINDOW) WINDOW = 8 }
function sd(a, n,   i, m, q) {
	if (n < 2) return 0
	for (i = 1; i <= n; i++) m += a[i] / n
	for (i = 1; i <= n; i++) q += (a[i] - m) ^ 2
	return sqrt(q / (n - 1))
}
$2 > 0 {
	n++; y[n] = log($2); ns[n] = $2
	w = int($1 / WINDOW); sum[w] += log($2); cnt[w]++
	if (w > last) last = w
	lo = (n == 1 || $2 < lo) ? $2 : lo; hi = (n == 1 || $2 > hi) ? $2 : hi
}
END {
	if (n < 2) { print "  drift: fewer than 2 runs gave the null syscall"; exit }
	for (i = 1; i <= n; i++) line = line sprintf("%s%.0f", i > 1 ? " " : "", ns[i])
	printf "  medians in order (ns): %s\n", line
	printf "  %d runs: %.4g to %.4g ns; spread between runs +-%.1f%% (one standard deviation)\n",
		n, lo, hi, 100 * sd(y, n)
	for (w = 0; w <= last; w++) if (cnt[w]) means[++k] = sum[w] / cnt[w]
	if (k >= 3)
		printf "  %d windows of %d s: their means move +-%.1f%% (one standard deviation); to hold the median of nine other runs that short in 8 of 10, a run's interval needs about +-%.1f%%\n",
			k, WINDOW, 100 * sd(means, k), 138.9 * sd(means, k)
}
