# coverage.awk - does each run's 95% interval hold the median of the other
# runs' values?  Input (tab-separated), one line per run and quantity:
#   RUN  QUANTITY  VALUE  CI_LOW  CI_HIGH  CONVERGED(1|0)
# Per quantity: how many runs' intervals cover the others' median by
# themselves (a run flagged `*` is counted apart, never as covering),
# against the target of 8 in 10; the values' range and the widest
# interval; then how many quantities met it.  scripts/aa.sh and
# scripts/bench.sh print it.
BEGIN { FS = "\t" }
function median(a, n,   i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
	k = $2; n[k]++; v[k, n[k]] = $3; lo[k, n[k]] = $4; hi[k, n[k]] = $5; conv[k, n[k]] = $6
	if (!(k in seen)) { seen[k] = 1; order[++keys] = k }
}
END {
	met = 0
	for (q = 1; q <= keys; q++) {
		k = order[q]; covered = 0; flagged = 0; widest = 0; vmin = v[k, 1]; vmax = v[k, 1]
		for (i = 1; i <= n[k]; i++) {
			m = 0
			for (j = 1; j <= n[k]; j++) if (j != i) others[++m] = v[k, j]
			mid = median(others, m)
			# a flagged run is counted apart, never as covering
			if (conv[k, i] && lo[k, i] <= mid && mid <= hi[k, i]) covered++
			flagged += !conv[k, i]
			up = hi[k, i] - v[k, i]; down = v[k, i] - lo[k, i]
			w = 100 * (up > down ? up : down) / v[k, i]
			if (w > widest) widest = w
			if (v[k, i] < vmin) vmin = v[k, i]
			if (v[k, i] > vmax) vmax = v[k, i]
		}
		ok = covered >= 0.8 * n[k]
		met += ok
		printf "  %-44s covered %d of %d (target 8 in 10: %s); values %.4g to %.4g; widest +-%.1f%%; %d flagged\n",
			k, covered, n[k], ok ? "met" : "MISSED", vmin, vmax, widest, flagged
	}
	if (keys > 2)
		printf "  quantities meeting their target: %d of %d\n", met, keys
}
