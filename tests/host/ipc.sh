#!/bin/bash
# tests/host/ipc.sh - the ipc probe on this machine: every mechanism moves
# its bytes intact, the kernel transitions it is known for are there, and
# nothing is left behind: after a normal run, after SIGINT (also while a
# name exists that the peer has not opened yet), after a peer died, and a
# peer that never answers ends the run with a clear error instead of a hang.
#
# A failed figure does not change the exit status of the run (the library
# decides that): it is `verified: false` with the reason in verify_error,
# and one line "ipc: FIGURE: REASON" on stderr.  That is what is checked.
#
# BIN=dir picks the programs to test (default: bin/, as `make` builds them).
set -u
cd "$(dirname "$0")/../.."
. tests/host/lib.sh
P=$BIN/modelab-ipc
# the scratch rule (user/proc/scratch.c): MODELAB_TMPDIR, else TMPDIR, else /tmp
TMPROOT=${MODELAB_TMPDIR:-${TMPDIR:-/tmp}}
ncpu=$(nproc)	# the CPUs we may use: online, affinity, cpuset

# ---- where leftovers would be -------------------------------------------
# POSIX message queues are visible only through an mqueue mount: /dev/mqueue
# when the system has one, else a private one (root, unshare -m).
mkdir -p "$tmp/mq"
if mountpoint -q /dev/mqueue 2>/dev/null; then
	mq_names() { ls /dev/mqueue; }
elif [ "$(id -u)" -eq 0 ] &&
	unshare -m sh -c "mount -t mqueue none '$tmp/mq'" 2>/dev/null; then
	mq_names() { unshare -m sh -c "mount -t mqueue none '$tmp/mq' && ls '$tmp/mq'"; }
else
	mq_names() { :; }
	skip "POSIX message queue leftovers" "no /dev/mqueue, and not root to mount one"
fi

# leftovers PID: every name a run of PID could leave, one a line.  Names
# hold the pid: /dev/shm/modelab-PID-ipc-N, the run's directory
# $TMPROOT/modelab-PID-XXXXXX (the FIFOs ipc-N-to-peer, ipc-N-to-parent in
# it), mqueues modelab-PID-ipc-N-a, and the System V queue's key is
# 0x4d000000 | PID.  Peers, forked or exec'd, are named
# ipcpeerPID (their comm).  All of it is per run: another run at the same
# time does not disturb the check.
leftovers() {
	local pid=$1 key
	ls -d /dev/shm/modelab-"$pid"-* "$TMPROOT"/modelab-"$pid"-* 2>/dev/null
	key=$(printf '0x%08x' $((0x4d000000 | (pid & 0xffffff))))
	ipcs -q 2>/dev/null | awk -v k="$key" '$1 == k { print "System V queue " k }'
	mq_names | grep "^modelab-$pid-" | sed 's/^/mqueue /'
	pgrep -x "ipcpeer$pid" | sed 's/^/peer process /'
}
# no_leftovers NAME PID: passes when PID left nothing, else names it
no_leftovers() {
	local what
	sleep 0.2	# a peer's PDEATHSIG cleanup runs after its parent died
	what=$(leftovers "$2" | tr '\n' ' ')
	if [ -z "$what" ]; then pass "$1"; else fail "$1" "$what"; fi
}
# names_of PID: the names that exist right now (for the window tests)
names_of() {
	ls -d /dev/shm/modelab-"$1"-ipc-* "$TMPROOT"/modelab-"$1"-*/ipc-* 2>/dev/null
	ipcs -q 2>/dev/null | awk -v k="$(printf '0x%08x' $((0x4d000000 | ($1 & 0xffffff))))" '$1 == k'
	mq_names | grep "^modelab-$1-ipc-"
}

# names_or_gone PID: PID has a name, or is no more (nothing to wait for)
names_or_gone() { [ -n "$(names_of "$1")" ] || ! kill -0 "$1" 2>/dev/null; }

# ---- a whole run ----------------------------------------------------------
"$P" --quick --json >"$tmp/run.json" 2>"$tmp/run.err" &
pid=$!
wait $pid
rc=$?
check "ipc --quick --json exits 0" test $rc -eq 0
check "the report parses as JSON" jqok . "$tmp/run.json"
check "stderr: the summary alone, no figure failed ($(head -c 200 "$tmp/run.err"))" summary_only "$tmp/run.err"
no_leftovers "a normal run leaves no FIFO, shm object, queue or peer" $pid

J() { jq -e "$@" "$tmp/run.json" >/dev/null; }
# extra RANKING KEY (field FIGURE KEY is lib.sh's)
extra() { jq -r --arg f "$1" --arg k "$2" '.figures[] | select(.figure == $f) | .extra[$k]' "$tmp/run.json"; }

check "the report has every figure: 43 timed, 7 demonstrations" \
	J '.figures | length >= 50'
check "every figure is measured, or skipped with a reason" \
	J '[.figures[] | .skipped == false or ((.skip_reason // "") | length > 0)] | all'
# Nothing but missing kernel support may skip these on one CPU.
for m in pipe fifo unix-stream unix-dgram tcp eventfd signal shm-sem shm-futex shm-spin thread-condvar thread-futex; do
	check "$m-rtt-1cpu measured" test "$(field $m-rtt-1cpu skipped)" = false
done
if [ "$ncpu" -ge 2 ]; then
	check "with $ncpu CPUs every two-CPU figure is measured" \
		J '[.figures[] | select(.figure | endswith("-2cpu")) | .skipped == false] | all'
else
	check "with one CPU every two-CPU figure is skipped with the reason" \
		J '[.figures[] | select(.figure | endswith("-2cpu")) | select(.figure | startswith("ranking") | not)
		    | .skip_reason // "" | test("one CPU")] | all'
fi
# The median and p99 (a transfer takes microseconds, the empty batch that
# is subtracted tens of nanoseconds); not the fastest single batch, whose
# noise the subtraction may take below zero.
notpos=$(jq -r '[.figures[] | select(.skipped == false and .kind != "demonstration")
	| select([.median_ns, .p99_ns] | map(type == "number" and . > 0) | all | not)
	| .figure] | join(" ")' "$tmp/run.json")
check "every measured figure's median and p99 positive and finite (not: '$notpos')" \
	test -z "$notpos"
# verified: the witness pass checked every message's sequence number, one
# message in 17 whole against its pattern, checksums equal on both sides,
# and the peer handled exactly as many messages as we sent (and answered
# as many round trips).  (spin-cpu-cost reports the spinner's share of a
# CPU as a claim, held or not: it depends on what else runs.)
check "every measured figure verified: bytes intact, counts match" \
	J '[.figures[] | select(.skipped == false) | .verified == true] | all'
check "no figure failed" J '[.figures[] | .failed != true] | all'

# ---- transitions: what each mechanism must cost -----------------------------
# A pipe round trip is a write() and a read() on each side, at least: the
# kernel's own per-task counters of read and write calls (syscr + syscw in
# /proc/PID/task/TID/io) say so, for us and for the peer.
for f in pipe-rtt-1cpu pipe-rtt-2cpu; do
	r=ranking-rtt-${f##*-rtt-}
	unless_skipped $f "$f: at least 2 read/write calls on our side (kernel: $(extra $r $f:rw))" \
		within "$(extra $r $f:rw)" 1.99 1e9
	unless_skipped $f "$f: at least 2 read/write calls on the peer's side (kernel: $(extra $r $f:prw))" \
		within "$(extra $r $f:prw)" 1.99 1e9
	unless_skipped $f "$f: at least 2 system calls a side (tracepoint or code: $(extra $r $f:sys)|$(extra $r $f:psys))" \
		bash -c "awk -v a='$(extra $r $f:sys)' -v b='$(extra $r $f:psys)' 'BEGIN { exit !(a >= 1.99 && b >= 1.99) }'"
done
# On one CPU the peer can only run while we are switched out, and it must
# run once per round trip: at least one switch per op on our side, whether
# we block (voluntary) or its wakeup preempts us (involuntary).
v=$(field pipe-rtt-1cpu rusage_nvcsw_per_op)
i=$(field pipe-rtt-1cpu rusage_nivcsw_per_op)
check "pipe-rtt-1cpu: at least one context switch per round trip ($v voluntary + $i involuntary)" \
	within "$(awk -v a="$v" -v b="$i" 'BEGIN { print a + b }')" 0.95 1e9
# Spinning on one CPU never blocks: only preemption at the end of a time
# slice lets the peer run.  Voluntary ~0, involuntary at least 1 per round
# trip; about 1 when nothing else wants the CPU, more when other tasks get
# slices in between (1.19 and 1.59 with a CPU hog there): no upper bound.
unless_skipped shm-spin-rtt-1cpu "shm-spin-rtt-1cpu: no voluntary switch ($(field shm-spin-rtt-1cpu rusage_nvcsw_per_op))" \
	within "$(field shm-spin-rtt-1cpu rusage_nvcsw_per_op)" 0 0.05
unless_skipped shm-spin-rtt-1cpu "shm-spin-rtt-1cpu: at least one preemption per round trip ($(field shm-spin-rtt-1cpu rusage_nivcsw_per_op))" \
	within "$(field shm-spin-rtt-1cpu rusage_nivcsw_per_op)" 0.9 1e9
if [ "$(field shm-spin-rtt-1cpu skipped)" = false ]; then
	demo "shm-spin-rtt-1cpu: about one preemption per round trip" \
		below "$(field shm-spin-rtt-1cpu rusage_nivcsw_per_op)" 1.5
fi
# Spinning shared memory on two CPUs: no system call on the data path.  Our
# side: the tracepoint's count when perf may attach it, else the code's;
# the kernel's read/write count; no voluntary switch (it would take a
# blocking call).  The peer's side: it ran its data path under a seccomp
# filter that kills it on any system call but exit, and answered anyway.
f=shm-spin-rtt-2cpu
unless_skipped $f "$f: no system call on our side ($(extra ranking-rtt-2cpu $f:sys))" \
	within "$(extra ranking-rtt-2cpu $f:sys)" 0 0.01
unless_skipped $f "$f: no read or write on our side, kernel-counted ($(extra ranking-rtt-2cpu $f:rw))" \
	within "$(extra ranking-rtt-2cpu $f:rw)" 0 0.01
unless_skipped $f "$f: never blocks ($(field $f rusage_nvcsw_per_op) voluntary switches per op)" \
	within "$(field $f rusage_nvcsw_per_op)" 0 0.01
unless_skipped $f "$f: the peer answered under a filter that forbids every system call" \
	test "$(extra ranking-rtt-2cpu $f:sealed)" = 1
# A ranking of medians: a peer that shares its CPU with other work waits
# for it, spinning or not.
fastest_2cpu() {
	local best
	best=$(jq -r '[.figures[] | select(.figure | endswith("-rtt-2cpu"))
	    | select(.skipped == false and .kind != "demonstration")]
	   | min_by(.median_ns) | "\(.figure) \(.median_ns)"' "$tmp/run.json")
	[ "${best%% *}" = shm-spin-rtt-2cpu ] && return
	echo "fastest: $best ns, shm-spin $(field shm-spin-rtt-2cpu median_ns) ns"
	return 1
}
if [ "$(field $f skipped)" = false ]; then
	demo "$f: spinning shared memory is the fastest round trip on two CPUs" fastest_2cpu
fi
for r in ranking-rtt-1cpu ranking-rtt-2cpu ranking-throughput; do
	unless_skipped $r "$r: its claims held (pipe >= 2 calls a side, spin 0, code and kernel counts agree)" \
		test "$(field $r verified)" = true
done

# ---- demonstrations ----------------------------------------------------------
check "pipe-one-way: a pipe end works one way only (EBADF)" \
	test "$(extra pipe-one-way write_read_end_errno)" = 9
check "pipe-one-way: a process that inherited nothing wrote into our pipe through /proc" \
	test "$(extra pipe-one-way unrelated_wrote)" = 1
check "volatile-counter: atomic_int counted every increment, on one CPU" \
	test "$(extra volatile-counter atomic_1cpu)" = "$(extra volatile-counter expected)"
check "volatile-counter: both final counts are in the report" \
	J '.figures[] | select(.figure == "volatile-counter") | .notes | map(select(test("volatile int [0-9]+.*atomic_int [0-9]+"))) | length >= 1'
check "thread-post-queue: every posted message received (3 x 10000)" \
	test "$(extra thread-post-queue received)" = "$(extra thread-post-queue expected)"
check "thread-post-queue: each sender's messages in order" \
	test "$(extra thread-post-queue out_of_order)" = 0
check "eventfd-event: 3 sets, one read of 3 (auto-reset)" test "$(extra eventfd-event counter_read)" = 3
check "eventfd-event: EFD_SEMAPHORE: three reads of 1, then EAGAIN" \
	test "$(extra eventfd-event semaphore_reads)" = 3
check "eventfd-event: one set woke all 3 pollers (manual-reset)" \
	test "$(extra eventfd-event manual_woken)" = 3
if [ "$ncpu" -ge 2 ]; then
	check "volatile-counter: atomic_int counted every increment, on two CPUs" \
		test "$(extra volatile-counter atomic_2cpu)" = "$(extra volatile-counter expected)"
	# not a guarantee: a data race may happen to lose nothing
	demo "volatile-counter: volatile int lost updates on two CPUs" \
		below "$(extra volatile-counter volatile_2cpu)" "$(extra volatile-counter expected)"
	check "volatile-flag: seq_cst atomics never let both threads read 0" \
		test "$(extra volatile-flag atomic_both_zero)" = 0
fi
# A sleeping peer takes no CPU while nothing is sent; a spinning one takes
# all the scheduler gives it: about half a CPU with a CPU hog beside it
# (0.5 seen), less with more, so its share is a demonstration.
check "spin-cpu-cost: a sleeping peer uses under 5% of a CPU, sending nothing ($(extra spin-cpu-cost futex_idle_cpu))" \
	within "$(extra spin-cpu-cost futex_idle_cpu)" 0 0.05
demo "spin-cpu-cost: a spinning peer burns over a quarter of a CPU, sending nothing" \
	above "$(extra spin-cpu-cost spin_idle_cpu)" 0.25

# ---- interrupted by SIGINT ------------------------------------------------------
# mid-run, at a few points, with every mechanism that creates a name (the
# default budget: the run lasts a few seconds even on one CPU)
named='fifo-*,posix-mq-*,shm-*,sysv-msg-*'
for t in 0.4 0.9 1.4; do
	MODELAB_IPC_FIGURES=$named timeout -s INT $t \
		sh -c 'echo $$ >"$1"; exec "$2" >/dev/null 2>&1' sh "$tmp/pid" "$P"
	rc=$?
	check "SIGINT at $t s ends the run (timeout says 124)" test $rc -eq 124
	no_leftovers "SIGINT at $t s leaves nothing behind" "$(cat "$tmp/pid")"
done
# In the window where a name exists and the peer has not opened it yet
# (held open by MODELAB_IPC_TEST_STALL=open): the SIGINT handler removes it.
for f in fifo-rtt-1cpu posix-mq-rtt-1cpu shm-sem-rtt-1cpu sysv-msg-rtt-1cpu; do
	# job control on while it starts: without, bash starts a background
	# job ignoring SIGINT, and user/proc/cleanup.c leaves an ignored one alone
	set -m
	MODELAB_IPC_TEST_STALL=open MODELAB_IPC_FIGURES=$f "${default_int[@]}" "$P" --quick >/dev/null 2>&1 &
	pid=$!
	set +m
	# the names come after the run's start-up, slower on a busy machine:
	# wait for them as long as the run is there (the stall holds 5 s)
	wait_until 30 names_or_gone $pid
	check "$f: its names exist while the peer has not opened them" test -n "$(names_of $pid)"
	kill -INT $pid
	wait $pid
	rc=$?
	check "$f: SIGINT in that window kills the run by SIGINT (status $rc)" test $rc -eq 130
	no_leftovers "$f: SIGINT in that window leaves nothing behind" $pid
done

# ---- a peer that dies, a peer that never answers ------------------------------
some='pipe-rtt-1cpu,fifo-rtt-2cpu,shm-futex-rtt-1cpu,thread-futex-rtt-2cpu,unix-stream-64B-2cpu'
# hooked NAME VAR=VALUE: runs the figures above with a test hook
hooked() {
	local start=$SECONDS
	env "$2" MODELAB_IPC_FIGURES=$some timeout 60 "$P" --quick --json \
		>"$tmp/$1.json" 2>"$tmp/$1.err" &
	pid=$!
	wait $pid
	rc=$?
	took=$((SECONDS - start))
}
# only_errors NAME REGEX: every figure of run NAME failed, matching REGEX
only_errors() {
	local all
	all=$(jq -r '.figures[] | select(.skipped == false) | .fail_reason // "none"' "$tmp/$1.json")
	[ -n "$all" ] && ! printf '%s\n' "$all" | grep -vqE "$2"
}

hooked die MODELAB_IPC_TEST_DIE=1
check "peers that die: the run ends by itself, exit 1 (took ${took} s)" test $rc -eq 1
check "peers that die: no failed figure prints a median" \
	jqok '[.figures[] | select(.failed) | has("median_ns") | not] | all' "$tmp/die.json"
check "peers that die: every figure fails, saying the peer died (or stopped, for a thread)" \
	only_errors die 'died: killed by signal 9|thread did not answer within 2 s'
check "peers that die: one line per figure on stderr" \
	test "$(grep -c '^ipc: .*: the peer' "$tmp/die.err")" -eq \
	"$(jq '[.figures[] | select(.skipped == false)] | length' "$tmp/die.json")"
no_leftovers "peers that die: nothing left behind" $pid

hooked stall MODELAB_IPC_TEST_STALL=1
# Ending by itself is the claim: exit 1 (every figure failed, and says
# so) before timeout's 60 s (124).  How soon is the machine's: five 2 s
# waits, and the rest took 3 s with a CPU hog here (13 s in all), so 20 s
# is shown, not tested.
check "peers that never answer: the run ends by itself (took ${took} s), exit 1" \
	test $rc -eq 1
demo "peers that never answer: the run gives up within 20 s" below "$took" 21
check "peers that never answer: every figure fails with 'did not answer within 2 s'" \
	only_errors stall 'did not answer within 2 s'
check "peers that never answer: the reason is on stderr too" \
	grep -q '^ipc: pipe-rtt-1cpu: the peer (pid [0-9]*) did not answer within 2 s$' "$tmp/stall.err"
no_leftovers "peers that never answer: nothing left behind" $pid

MODELAB_IPC_TEST_STALL=open MODELAB_IPC_FIGURES=posix-mq-rtt-1cpu timeout 30 "$P" --quick --json \
	>"$tmp/open.json" 2>/dev/null &
pid=$!
wait $pid
check "a peer that never opens its end: 'did not get ready within 5 s'" \
	test "$(jq -r '.figures[] | select(.figure == "posix-mq-rtt-1cpu") | .fail_reason' "$tmp/open.json")" = \
	"the peer did not get ready within 5 s"
no_leftovers "a peer that never opens its end: nothing left behind" $pid

summary
