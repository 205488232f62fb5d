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

# ---- timer wakeup latency against cyclictest ----------------------------
# Same interval (1 ms), count, priority (SCHED_FIFO 80), mlockall, CPU and
# /dev/cpu_dma_latency 0; cyclictest's histogram has 1 us buckets.
echo
loops=2000
ours_t=$(mktemp)
peer_t=$(mktemp)
trap 'rm -f "$ours" "$peer" "$ours_t" "$peer_t"' EXIT
if command -v cyclictest >/dev/null 2>&1; then
	for i in 1 2 3; do
		"$ML" run --json --time $((loops / 1000)) --cpu "$cpu" interrupt/timer-wakeup |
			jq -r '.figures[0].median_ns / 1000' >>"$ours_t"
		cyclictest -m -p 80 -i 1000 -l "$loops" -t 1 -a "$cpu" -q -h 100000 2>/dev/null |
			awk '/^[0-9]+ [0-9]+$/ { n[$1 + 0] = $2; total += $2 }
			     END { half = total / 2; for (us = 0; us <= 100000; us++) {
				   seen += n[us]; if (seen >= half) { print us; exit } } }' >>"$peer_t"
	done
	printf '%-44s %s\n' "modelab timer-wakeup medians (us):" "$(tr '\n' ' ' <"$ours_t")"
	printf '%-44s %s\n' "cyclictest medians (us, 1 us buckets):" "$(tr '\n' ' ' <"$peer_t")"
	awk -v a="$(median_of <"$ours_t")" -v b="$(median_of <"$peer_t")" 'BEGIN {
		r = a / b
		printf "%-44s %.3f (modelab %.1f us / cyclictest %.1f us; target 0.80 to 1.20: %s)\n",
			"ratio of medians, modelab / cyclictest:", r, a, b,
			(r >= 0.80 && r <= 1.20) ? "met" : "MISSED"
	}'
else
	echo "cyclictest: not installed (package rt-tests); no ratio"
fi

# ---- a pipe round trip against perf bench sched pipe --------------------
# perf bench sched pipe forks two processes joined by two pipes; each of
# its ops is a write and a read on each side: one round trip.  It prints
# the mean ("N usecs/op").  taskset puts both on our CPU, as
# ipc/pipe-rtt-1cpu pins its peer to the CPU it measures on.
echo
ours_p=$(mktemp)
peer_p=$(mktemp)
trap 'rm -f "$ours" "$peer" "$ours_t" "$peer_t" "$ours_p" "$peer_p"' EXIT
if command -v perf >/dev/null 2>&1; then
	for i in $(seq "$repeats"); do
		"$ML" run --json --time 2 --cpu "$cpu" ipc/pipe-rtt-1cpu |
			jq -r '.figures[] | select(.figure == "pipe-rtt-1cpu") | .median_ns' >>"$ours_p"
		taskset -c "$cpu" perf bench sched pipe -l 200000 2>/dev/null |
			awk '/usecs\/op/ { print $1 * 1000 }' >>"$peer_p"
	done
	printf '%-44s %s\n' "modelab pipe-rtt-1cpu medians (ns):" "$(tr '\n' ' ' <"$ours_p")"
	printf '%-44s %s\n' "perf bench sched pipe, same CPU (ns/op):" "$(tr '\n' ' ' <"$peer_p")"
	awk -v a="$(median_of <"$ours_p")" -v b="$(median_of <"$peer_p")" 'BEGIN {
		r = a / b
		printf "%-44s %.3f (modelab %.0f ns / perf %.0f ns; target 0.85 to 1.15: %s)\n",
			"ratio of medians, modelab / perf bench:", r, a, b,
			(r >= 0.85 && r <= 1.15) ? "met" : "MISSED"
	}'
else
	echo "perf bench: perf is not installed (package linux-perf); no ratio"
fi
