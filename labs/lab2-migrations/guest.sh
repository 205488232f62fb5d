#!/bin/sh
# labs/lab2-migrations/guest.sh - lab 2's checks inside the lab VM, run as
# its suite (MODELAB_SUITE) by grade.sh: an unwatched and a watched process
# each forced to migrate a known number of times (guest-actions -m), the
# migrations rows of /proc/modelab read before and after.  Prints
# "PASS: name" or "FAIL: name: why" per check and the summary run.sh reads,
# on the console and, for grade.sh, on the second serial port (ttyS1),
# each line there after this run's nonce: /nonce, read and removed before
# the student's module is loaded.  Busybox sh only; never prints the
# kernel-log error patterns itself.

PROC=/proc/modelab
GA=/bin/guest-actions
T=/tmp/lab2
N=40		# moves of the watched process
M=30		# moves of an unwatched process, at the same time
# The watched count may exceed N by what the kernel adds on its own: the
# wake-up after SIGCONT may place the process on the other CPU (one move),
# and so may the balancer between reading our CPU and pinning to it.
SLACK=2
PASSED=0
FAILED=0
mkdir -p $T

NONCE=$(cat /nonce 2>/dev/null)
rm -f /nonce
# say LINE: on the console, and with the nonce on the results port
say() {
	echo "$*"
	[ -z "$NONCE" ] || echo "$NONCE $*" > /dev/ttyS1
}
pass() { PASSED=$((PASSED + 1)); say "PASS: $1"; }
fail() { FAILED=$((FAILED + 1)); say "FAIL: $1: $2"; }
# row FILE: the per-CPU migrations row, numbers only (CPU columns, total)
row() { awk '/^watched/ { exit } $1 == "migrations" { $1 = ""; print }' "$1"; }
# cpus FILE: the sum of its CPU columns; cpu FILE K: the Kth CPU column
cpus() { row "$1" | awk '{ for (i = 1; i < NF; i++) s += $i; print s + 0 }'; }
cpu() { row "$1" | awk -v k="$2" '{ print $k + 0 }'; }
watched() { awk 'w && $1 == "migrations" { print $2 } /^watched/ { w = 1 }' "$1"; }
. /guest-lib.sh	# wait_stopped
summary() {
	say "modelab-suite summary: $PASSED passed, $FAILED failed"
	exit 0
}

ncpu=$(grep -c '^processor' /proc/cpuinfo)
say "=== lab2-migrations in the VM: $(uname -r), $ncpu CPUs ==="
echo 4 > /proc/sys/kernel/printk
if ! insmod /modelab.ko; then
	fail insmod "insmod of the tree's modelab.ko failed"
	summary
fi
pass insmod
cat $PROC > $T/s0
n=$(row $T/s0 | wc -w)
if [ "$n" != $((ncpu + 1)) ] || [ -z "$(watched $T/s0)" ]; then
	fail rows "/proc/modelab has no 'migrations' row with $ncpu CPU columns and a total, and one in the watched table"
	summary
fi
pass rows

$GA -S -m $N > $T/a.out 2>&1 &
A=$!
if ! wait_stopped $A || [ "$($GA -w "watch $A")" != OK ]; then
	fail unwatched "the watched helper could not be started and watched"
	kill -9 $A
	summary
fi
cat $PROC > $T/s0
$GA -m $M > $T/b.out 2>&1
b=$?
cat $PROC > $T/s1
dw=$(($(watched $T/s1) - $(watched $T/s0)))
dc=$(($(cpus $T/s1) - $(cpus $T/s0)))
if [ $b != 0 ]; then
	fail unwatched "the unwatched helper failed: $(cat $T/b.out)"
elif [ $dw != 0 ]; then
	fail unwatched "$M migrations of another process added $dw to the watched count"
elif [ $dc -lt $M ]; then
	fail unwatched "$M migrations of an unwatched process added only $dc to the CPU columns"
else
	pass unwatched
fi

kill -CONT $A
wait $A
a=$?
cat $PROC > $T/s2
dw=$(($(watched $T/s2) - $(watched $T/s0)))
echo "  info: watched migrations for $N moves: $dw"
if [ $a != 0 ]; then
	fail watched "the watched helper failed: $(cat $T/a.out)"
elif [ $dw -lt $N ] || [ $dw -gt $((N + SLACK)) ]; then
	fail watched "$N forced migrations counted $dw times for the watched process, not $N..$((N + SLACK))"
else
	pass watched
fi

# Each helper alternates between two CPUs: either one is the destination of
# at least half of each helper's moves.
dc=$(($(cpus $T/s2) - $(cpus $T/s0)))
least=$((N / 2 + M / 2))
k=1
low=
while [ $k -le $ncpu ]; do
	d=$(($(cpu $T/s2 $k) - $(cpu $T/s0 $k)))
	[ $d -ge $least ] || low="$low CPU$((k - 1)) +$d"
	k=$((k + 1))
done
if [ $dc -lt $((dw + M)) ]; then
	fail percpu "the CPU columns rose by $dc, less than the $((dw + M)) migrations of the two helpers"
elif [ -n "$low" ]; then
	fail percpu "a CPU that was the destination of at least $least moves rose less:$low"
else
	pass percpu
fi
summary
