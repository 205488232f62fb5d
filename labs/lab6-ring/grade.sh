#!/bin/bash
# labs/lab6-ring/grade.sh - the student's ring.c and counter.c, built
# with the grader's own ring.h, ring_main.c, counter.h, counter_main.c and
# Makefile, and checked for exact outcomes: every message arrives in order
# with the sender's checksum (of messages drawn at random for the run), a
# side with nothing to do sleeps in read() on an eventfd, the eventfd
# reads and writes (counted by strace, from the kernel's side) stay within
# what the protocol guarantees, and no increment is lost, under the
# grader's driver, for thread and increment counts drawn for the run.
# ring.c and counter.c may do only their part: the symbols they define
# and call are checked (no printing, no exiting, no system call of their
# own), and counter_add() must update indivisibly (a lock-prefixed
# instruction, an atomic, or a lock).  Never a timing: runs are bounded
# (30 s, polls of 10 s) only so that a lost wake-up fails a check instead
# of hanging it.
. "$(dirname "$0")/../lib.sh"
grade_begin lab6-ring

SLOTS=1024	# RING_SLOTS in ring.h (given)
export SLOTS

# ring_code: ring.c defines the ring's three functions and calls nothing
# but the given ring_sleep() and ring_wake(): every message goes through
# the ring, every system call through those two
ring_code() {
	object_check "$B/ring.o" "ring_push ring_pop ring_flush" \
		'ring_sleep|ring_wake|__atomic_[a-z0-9_]+|__sync_[a-z0-9_]+|__stack_chk_fail|abort|__assert_fail'
}

# ring_ok: ring_code passed, else the check fails with its message
ring_ok() {
	[ -x "$B/ring" ] || why "no ./ring: $(build_error "$GRADE_TMP/build.log")"
	(ring_code) > "$GRADE_TMP/ring_code" || why "$(tail -n 1 "$GRADE_TMP/ring_code")"
}

# ATOMIC_OP: an indivisible read-modify-write on this architecture
case $(uname -m) in
x86_64 | i?86) ATOMIC_OP='lock ' ;;
aarch64) ATOMIC_OP='ldadd|stadd|ldxr|ldaxr|cas|swp' ;;
riscv64) ATOMIC_OP='amoadd|lr\.|sc\.' ;;
*) ATOMIC_OP= ;;
esac
export ATOMIC_OP

# counter_code: counter.c defines counter_add() and counter_get(), calls
# nothing but a lock or an atomic, and counter_add() updates indivisibly
counter_code() {
	local d
	object_check "$B/counter.o" "counter_add counter_get" \
		'pthread_mutex_(init|lock|unlock|trylock|destroy)|pthread_spin_(init|lock|unlock|trylock|destroy)|__atomic_[a-z0-9_]+|__sync_[a-z0-9_]+|__stack_chk_fail|abort|__assert_fail'
	[ -n "$ATOMIC_OP" ] || return 0
	d=$(objdump -d --no-show-raw-insn --disassemble=counter_add "$B/counter.o")
	grep -qE "[[:space:]]($ATOMIC_OP)|call|bl[[:space:]]|jal[[:space:]]|jmp[[:space:]]+[^<]*<(pthread|__atomic)" <<< "$d" ||
		why "counter_add() has no indivisible update (no atomic read-modify-write, no lock): a load, an add and a store, and another CPU's store can land between them"
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
	ring_ok
	student timeout 30 "$B/ring" "$1" "$2" > "$GRADE_TMP/$1.out" 2>&1 < /dev/null
	verdict "$GRADE_TMP/$1.out" $? "$2" "ring $1 $2"
}

# at_most MODE N BOUND WHY: delivers under strace, and the two processes'
# read() and write() calls on an eventfd (strace -y names the file) are
# at most BOUND
at_most() {
	local log=$GRADE_TMP/$1.strace out=$GRADE_TMP/$1.strace.out rc calls
	ring_ok
	command -v strace > /dev/null ||
		why "strace is not installed (sh scripts/deps.sh installs it)"
	# strace is the judge's (root): the student's code cannot touch its log
	timeout 30 strace -f -qq -y --seccomp-bpf -e trace=read,write -o "$log" \
		"$CONTAIN" -x -n "${CHECK_NPROC:-256}" ${GRADE_UID:+-u "$GRADE_UID"} -- \
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
	*) echo "it is in system call $nr ($(syscall_name "$nr")), state $state" ;;
	esac
}

# sleeps SIDE: ring stall-SIDE with stdin held open; the other side must
# end up asleep on its eventfd; then stdin ends and all must arrive
sleeps() {
	local stalled=$1 sleeper p who n=$((3 * SLOTS + 5)) rc
	local out=$GRADE_TMP/stall-$1.out fifo=$GRADE_TMP/stall-$1.fifo
	ring_ok
	mkfifo "$fifo"
	# exec: $! is the producer itself, not a subshell
	(exec "$CONTAIN" -x -n "${CHECK_NPROC:-256}" ${GRADE_UID:+-u "$GRADE_UID"} -- \
		"$B/ring" "stall-$stalled" $n) < "$fifo" > "$out" 2>&1 &
	p=$!
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

# counts_exactly: 5 runs of the grader's driver, each with a number of
# threads (2 to 4) and of increments (500,000 to 990,000) drawn for the
# run, the threads pinned to different CPUs when there are two; every
# total exact, and the threads seen on as many CPUs as were asked for
counts_exactly() {
	local run out got cpus want on threads inc
	[ -x "$B/counter" ] || why "no ./counter: $(build_error "$GRADE_TMP/build.log")"
	(counter_code) > "$GRADE_TMP/counter_code" || why "$(tail -n 1 "$GRADE_TMP/counter_code")"
	for run in 1 2 3 4 5; do
		threads=$((2 + RANDOM % 3))
		inc=$((500000 + RANDOM % 50 * 10000))
		want=$((threads * inc))
		on=$(nproc)
		[ "$on" -lt "$threads" ] || on=$threads
		out=$(student timeout 30 "$B/counter" $threads $inc 2>&1 < /dev/null) ||
			why "run $run: ./counter $threads $inc failed (status $?): $out"
		read -r got cpus <<< "$(echo "$out" | sed -n "s/^counter \([0-9-]*\) of $want on \([0-9]*\) CPUs$/\1 \2/p")"
		[ -n "$got" ] || why "run $run printed '$out', not 'counter C of $want on K CPUs'"
		[ "$got" = $want ] ||
			why "run $run: counter $got of $want ($threads threads, $inc increments each): $((want - got)) updates lost"
		[ "$cpus" = "$on" ] || why "run $run: the threads ran on $cpus CPUs, not $on"
	done
	echo "5 runs, 2 to 4 threads: every total exact, on $on CPUs"
}

check -r ".*" build 5 "build: make gives ./ring and ./counter (the grader's mains and Makefile)" make_builds ring counter
check eager 10 "ring eager: 1,000,000 messages, in order, checksum" delivers eager 1000000
check batch 5 "ring batch: 1,000,000 messages, in order, checksum" delivers batch 1000000
check consumer-sleeps 5 "ring: the consumer sleeps on its eventfd when the ring is empty" sleeps producer
check producer-sleeps 5 "ring: the producer sleeps on its eventfd when the ring is full" sleeps consumer
check prefill-calls 10 "ring prefill: no eventfd read or write when nobody has to wait" \
	at_most prefill $SLOTS 0 "nobody ever waits: no wake-up is needed"
check eager-calls 5 "ring eager: at most 2 eventfd calls per message, plus 2" \
	at_most eager 100000 $((2 * 100000 + 2)) "one wait, one write and one read, per index"
check batch-calls 10 "ring batch: at most 4 per ring's worth, plus 2 (< 1 per message)" \
	at_most batch 1000000 $((4 * (1000000 / SLOTS) + 2)) "one wait per side per fill"
check counter 15 "counter: indivisible, exactly threads x increments, 5 runs under the grader's driver" counts_exactly
grade_end
