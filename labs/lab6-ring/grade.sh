#!/bin/bash
# labs/lab6-ring/grade.sh - builds WORK's ring and counter (in a copy) and
# checks exact outcomes: every message arrives in order with the sender's
# checksum, a side with nothing to do sleeps in read() on an eventfd, the
# eventfd reads and writes (counted by strace, from the kernel's side)
# stay within what the protocol guarantees, and no increment is lost.
# Never a timing: runs are bounded (30 s, polls of 10 s) only so that a
# lost wake-up fails a check instead of hanging it.
. "$(dirname "$0")/../lib.sh"
grade_begin lab6-ring

B=$GRADE_TMP/work
SLOTS=1024	# RING_SLOTS in ring.h (given)
export B SLOTS
cp -r "$WORK"/. "$B"/

grade_cleanup() {
	local p
	for p in $(cat "$GRADE_TMP"/*.pid 2>/dev/null); do
		kill -KILL "$p" 2>/dev/null
	done
	true
}

# verdict OUT STATUS N WHAT: the run's lines say all N arrived, in order,
# with the checksum the producer computed
verdict() {
	local out=$1 rc=$2 n=$3 what=$4 got bad sum sent
	[ "$rc" -ne 124 ] || why "'$what' did not end within 30 s: a side sleeps that nobody wakes"
	read -r got bad sum <<< "$(sed -n 's/^received \([0-9]*\), \([0-9]*\) out of place, checksum \([0-9a-f]*\)$/\1 \2 \3/p' "$out")"
	sent=$(sed -n 's/^sent [0-9]*, checksum \([0-9a-f]*\)$/\1/p' "$out")
	[ -n "$got" ] || why "'$what' printed no 'received' line (status $rc): $(grep . "$out" | tail -n 1)"
	[ "$got" = "$n" ] || why "'$what': $got messages received, not $n"
	[ "$bad" = 0 ] || why "'$what': $bad of $n messages out of place (lost, repeated or reordered)"
	[ -n "$sent" ] || why "'$what' printed no 'sent' line (status $rc)"
	[ "$sum" = "$sent" ] || why "'$what': checksum received $sum, sent $sent"
	[ "$rc" = 0 ] || why "'$what' exited with status $rc"
}

# delivers MODE N: all N messages through the ring, in order
delivers() {
	[ -x "$B/ring" ] || why "no ./ring (the build failed)"
	timeout 30 "$B/ring" "$1" "$2" > "$GRADE_TMP/$1.out" 2>&1 < /dev/null
	verdict "$GRADE_TMP/$1.out" $? "$2" "ring $1 $2"
}

# at_most MODE N BOUND WHY: delivers under strace, and the two processes'
# read() and write() calls on an eventfd (strace -y names the file) are
# at most BOUND
at_most() {
	local log=$GRADE_TMP/$1.strace out=$GRADE_TMP/$1.strace.out rc calls
	[ -x "$B/ring" ] || why "no ./ring (the build failed)"
	command -v strace > /dev/null ||
		why "strace is not installed (sh scripts/deps.sh installs it)"
	timeout 30 strace -f -qq -y --seccomp-bpf -e trace=read,write -o "$log" \
		"$B/ring" "$1" "$2" > "$out" 2>&1 < /dev/null
	rc=$?
	# a call strace shows in two parts names the file in the first only
	calls=$(grep -c 'anon_inode:\[eventfd\]' "$log")
	[ "$calls" -le "$3" ] ||
		why "ring $1 $2: $calls eventfd reads and writes$([ $rc = 124 ] && echo " in 30 s"), more than $3 ($4)"
	verdict "$out" $rc "$2" "ring $1 $2 under strace"
	echo "ring $1 $2: $calls eventfd reads and writes (at most $3)"
}

READ_NR=$(printf '#include <sys/syscall.h>\nSYS_read\n' | cc -E -P - | tail -n 1)
export READ_NR

# asleep_on_eventfd PID: PID is blocked in read() on one of its eventfds
asleep_on_eventfd() {
	local nr fd
	read -r nr fd _ < "/proc/$1/syscall" 2>/dev/null || return 1
	[ "$nr" = "$READ_NR" ] &&
		[ "$(readlink "/proc/$1/fd/$((fd))")" = "anon_inode:[eventfd]" ]
}

# doing PID: what PID is doing instead, for a failure's message
doing() {
	local state nr
	state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
	read -r nr _ < "/proc/$1/syscall" 2>/dev/null
	case $state/$nr in
	/* | Z/*) echo "it ended" ;;
	*/running) echo "it is running (spinning?)" ;;
	*) echo "it is in system call $nr, state $state" ;;
	esac
}

# sleeps SIDE: ring stall-SIDE with stdin held open; the other side must
# end up asleep on its eventfd; then stdin ends and all must arrive
sleeps() {
	local stalled=$1 sleeper p who n=$((3 * SLOTS + 5)) rc
	local out=$GRADE_TMP/stall-$1.out fifo=$GRADE_TMP/stall-$1.fifo
	[ -x "$B/ring" ] || why "no ./ring (the build failed)"
	mkfifo "$fifo"
	"$B/ring" "stall-$stalled" $n < "$fifo" > "$out" 2>&1 &
	p=$!
	echo $p > "$GRADE_TMP/stall-$1.pid"
	exec 3> "$fifo"
	if [ "$stalled" = producer ]; then
		who="the consumer, with the ring empty,"
		child() { read -r sleeper _ < "/proc/$p/task/$p/children"; [ -n "$sleeper" ]; } 2> /dev/null
		poll child || why "ring stall-producer started no consumer"
	else
		who="the producer, with the ring full,"
		sleeper=$p
	fi
	poll asleep_on_eventfd "$sleeper" ||
		why "$who did not sleep in read() on an eventfd within 10 s: $(doing "$sleeper")"
	exec 3>&-
	ended() { [[ "$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null)" != [!Z]* ]]; }
	poll ended ||
		why "ring stall-$stalled $n did not end within 10 s after the stall: a sleeper nobody woke"
	wait $p
	rc=$?
	verdict "$out" $rc $n "ring stall-$stalled $n"
}

# counts_exactly: 5 runs of 4 threads x 1,000,000 increments, pinned to
# different CPUs when there are two; every total exact
counts_exactly() {
	local run out got cpus want=4000000 on=$(nproc)
	[ -x "$B/counter" ] || why "no ./counter (the build failed)"
	[ "$on" -lt 4 ] || on=4
	for run in 1 2 3 4 5; do
		out=$(timeout 30 "$B/counter" 4 1000000 2>&1 < /dev/null) ||
			why "run $run: ./counter 4 1000000 failed (status $?): $out"
		read -r got cpus <<< "$(echo "$out" | sed -n 's/^counter \([0-9]*\) of 4000000 on \([0-9]*\) CPUs$/\1 \2/p')"
		[ -n "$got" ] || why "run $run printed '$out', not 'counter C of 4000000 on K CPUs'"
		[ "$got" = $want ] ||
			why "run $run: counter $got of $want: $((want - got)) updates lost"
		[ "$cpus" = "$on" ] || why "run $run: the threads ran on $cpus CPUs, not $on"
	done
	echo "5 runs: counter $want of $want on $on CPUs"
}

check "build: make gives ./ring and ./counter" 5 make_builds ring counter
check "ring eager: 1,000,000 messages, in order, checksum" 10 delivers eager 1000000
check "ring batch: 1,000,000 messages, in order, checksum" 5 delivers batch 1000000
check "ring: the consumer sleeps on its eventfd when the ring is empty" 5 sleeps producer
check "ring: the producer sleeps on its eventfd when the ring is full" 5 sleeps consumer
check "ring prefill: no eventfd read or write when nobody has to wait" 10 \
	at_most prefill $SLOTS 0 "nobody ever waits: no wake-up is needed"
check "ring eager: at most 2 eventfd calls per message, plus 2" 5 \
	at_most eager 100000 $((2 * 100000 + 2)) "one wait, one write and one read, per index"
check "ring batch: at most 4 per ring's worth, plus 2 (< 1 per message)" 10 \
	at_most batch 1000000 $((4 * (1000000 / SLOTS) + 2)) "one wait per side per fill"
check "counter: exactly threads x increments, 5 runs" 15 counts_exactly
grade_end
