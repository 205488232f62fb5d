#!/bin/sh
# bench.sh - modelab's figures beside its peers', measured in the same run
# on the same CPU.  Speed goals live here, never in a test: it prints
# ratios and whether each target was met, and always exits 0 when it ran.
set -eu
cd "$(dirname "$0")/.."
ML=${ML:-bin/modelab}
cpu=$(($(nproc) - 1))	# the last CPU: the first often takes more interrupts
repeats=5

median_of() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "modelab bench: every figure pinned to CPU $cpu, $repeats repeats"
echo

# ---- the null syscall against perf bench syscall basic ------------------
ours=$(mktemp)
peer=$(mktemp)
trap 'rm -f "$ours" "$peer"' EXIT
for i in $(seq "$repeats"); do
	"$ML" run --json --time 2 --cpu "$cpu" syscall |
		jq -r '.figures[] | select(.figure == "getppid-syscall") | .median_ns' >>"$ours"
	if command -v perf >/dev/null 2>&1; then
		# perf prints "N usecs/op": the mean over its loop, getppid() each
		taskset -c "$cpu" perf bench syscall basic 2>/dev/null |
			awk '/usecs\/op/ { print $1 * 1000 }' >>"$peer"
	fi
done
m_ours=$(median_of <"$ours")
spread=$(sort -g "$ours" | awk -v m="$m_ours" 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.1f", 100 * (hi - lo) / m }')
printf '%-44s %s\n' "modelab getppid-syscall medians (ns):" "$(tr '\n' ' ' <"$ours")"
printf '%-44s %.1f%% (target <= 3%%: %s)\n' "spread of the median over $repeats runs:" "$spread" \
	"$(awk -v s="$spread" 'BEGIN { print (s <= 3) ? "met" : "MISSED" }')"
if [ -s "$peer" ]; then
	m_peer=$(median_of <"$peer")
	printf '%-44s %s\n' "perf bench syscall basic (ns/op):" "$(tr '\n' ' ' <"$peer")"
	awk -v a="$m_ours" -v b="$m_peer" 'BEGIN {
		r = a / b
		printf "%-44s %.3f (modelab %.1f ns / perf %.1f ns; target 0.90 to 1.10: %s)\n",
			"ratio of medians, modelab / perf bench:", r, a, b,
			(r >= 0.90 && r <= 1.10) ? "met" : "MISSED"
	}'
else
	echo "perf bench: perf is not installed (package linux-perf); no ratio"
fi
