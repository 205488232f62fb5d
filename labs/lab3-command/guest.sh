#!/bin/sh
# labs/lab3-command/guest.sh - lab 3's checks inside the lab VM (busybox
# sh), run by /init in place of tests/vm/guest-suite.sh.  It prints one
# "lab3: KEY VALUE" line per measurement, on the console and, for
# grade.sh, on the second serial port (ttyS1) after this run's nonce
# (/nonce, read and removed before the student's module is loaded), so
# that one boot serves every check and nothing the module prints on the
# console can pass for a measurement.
PROC=/proc/modelab
GA=/bin/guest-actions
K=10000
NONCE=$(cat /nonce 2>/dev/null)
rm -f /nonce
say() {
	echo "lab3: $*"
	[ -z "$NONCE" ] || echo "$NONCE lab3: $*" > /dev/ttyS1
}
# watched_syscalls: the syscalls row of the watched table
watched_syscalls() { awk 'w && $1 == "syscalls" { print $2 } /^watched/ { w = 1 }' $PROC; }

. /guest-lib.sh	# wait_stopped

# tree_run CMD: a tree (a parent, 2 children, a grandchild under each; K
# getppid() each, all forked after CMD) started stopped; CMD PID; then K
# calls of a process outside the tree; then the tree runs to its end.
tree_run() {
	$GA -S -p $K -F 2 > /tmp/ga.out 2>&1 &
	p=$!
	if ! wait_stopped $p; then
		say "$1-accepted the helper never stopped"
		kill -9 $p
		return
	fi
	say "$1-accepted $($GA -w "$1 $p")"
	$GA -p $K > /dev/null
	say "$1-outsider $(watched_syscalls)"
	kill -CONT $p
	wait $p
	say "$1-helper status $? $(tr '\n' ' ' < /tmp/ga.out)"
	say "$1-tree $(watched_syscalls)"
}

echo	# the firmware's escape sequences end the console's line before ours
echo 4 > /proc/sys/kernel/printk
if insmod /modelab.ko 2> /tmp/insmod.err; then
	say "insmod OK"
else
	say "insmod failed: $(cat /tmp/insmod.err)"
fi
tree_run watch-tree
tree_run watch
$GA -w "watch off" > /dev/null

# errno KEY COMMAND: what one write(2) of COMMAND gets
errno() { say "errno $1 $($GA -w "$2")"; }
errno no-pid "watch-tree"
errno zero "watch-tree 0"
errno negative "watch-tree -5"
errno non-numeric "watch-tree abc"
errno trailing "watch-tree 1x"
errno two-args "watch-tree 1 1"
errno out-of-range "watch-tree 99999999999"
errno too-long "watch-tree $(printf '%060d' 1)"
errno no-such-pid "watch-tree 99999999"
errno unknown "watch-trees 1"
# a thread's id is no process id, as for watch
$GA -t > /tmp/thr 2>&1 &
tp=$!
i=0
while [ $i -lt 100 ] && ! grep -q tid /tmp/thr; do usleep 50000; i=$((i + 1)); done
errno thread-id "watch-tree $(awk '{ print $4 }' /tmp/thr)"
kill -9 $tp
$GA -w "watch off" > /dev/null
rmmod modelab
say "done"
