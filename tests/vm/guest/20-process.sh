# 20-process.sh - the watched process (guest suite, sourced by
# guest-suite.sh): `watch PID` counts exactly the syscalls, page faults
# (by kind), signals and migrations the helper makes, its threads' too;
# `watch-tree PID` counts the whole tree of processes, `watch` the parent
# alone; a watched process that exits is shown as exited, no longer
# counted, and its pid number, when reused, is not adopted.
#
# On entry: modelab.ko loaded, counting on.  Leaves it so, watching none.

# ---- watched process: syscalls, threads, faults, signals -------------------
# Slack: after SIGCONT the helper still makes a few syscalls of its own
# (libc's raise() restores the signal mask, one write(2) of its "ok" line,
# exit_group): about 3.  N + 64 leaves room for libc differences; a count
# per probe call and not per syscall would overshoot it by far.
N=10000
watch_run $T/w -p $N	# warm-up: page cache, first exec
if watch_run $T/w -p $N; then
	v=$(watched $T/w syscalls)
	info "watched syscalls for $N getppid: $v"
	check "watched syscalls N=$N" "got $v, want $N..$((N + 64))" \
		in_range "$v" $N $((N + 64))
	check "watched shows exited" "line 3: $(sed -n 3p $T/w)" \
		test "$(sed -n 3p $T/w)" = "watching $WPID (exited)"
	v=$(total $T/w syscalls)
	check "global syscalls >= watched" "total $v" test "$v" -ge $N
else
	fail "watched syscalls N=$N" "helper: $(cat $T/ga.out)"
fi

# A second thread makes the calls: threads count for their process.  Slack
# as above plus thread setup and join (clone3, mmap, mprotect, futex...).
if watch_run $T/w -T $N; then
	v=$(watched $T/w syscalls)
	info "watched syscalls for $N getppid in a thread: $v"
	check "watched threads N=$N" "got $v, want $N..$((N + 64))" \
		in_range "$v" $N $((N + 64))
else
	fail "watched threads N=$N" "helper: $(cat $T/ga.out)"
fi

# Every fresh page is one not-present write fault.  Slack +64: the helper
# also faults in its stack, stdio buffer and libc data after SIGCONT.
K=1000
if watch_run $T/w -f $K; then
	f=$(watched $T/w faults) fw=$(watched $T/w faults_write)
	fn=$(watched $T/w faults_notpresent) fr=$(watched $T/w faults_read)
	fx=$(watched $T/w faults_exec) fp=$(watched $T/w faults_protection)
	info "watched faults $f: read $fr write $fw exec $fx," \
		"notpresent $fn protection $fp"
	check "watched faults K=$K" "got $f, want $K..$((K + 64))" \
		in_range "$f" $K $((K + 64))
	check "watched faults_write" "got $fw, want >= $K" test "$fw" -ge $K
	if has_fault_cause; then
		check "watched faults_notpresent" "got $fn, want >= $K" \
			test "$fn" -ge $K
		check "fault kinds add up" "r+w+x=$((fr + fw + fx)) p+np=$((fp + fn)) f=$f" \
			test $((fr + fw + fx)) -eq "$f" -a $((fp + fn)) -eq "$f"
	else
		skip "watched faults_notpresent" "$ISA: the trap cause does not say (n/a: $fn $fp)"
		check "fault kinds add up (access)" "r+w+x=$((fr + fw + fx)) f=$f" \
			test $((fr + fw + fx)) -eq "$f" -a "$fn $fp" = "n/a n/a"
	fi
else
	fail "watched faults K=$K" "helper: $(cat $T/ga.out)"
fi

# signal_deliver fires once per handled SIGUSR1.  The SIGCONT that resumes
# the helper is not counted: with its default action it is discarded when
# sent (it only wakes the stopped process) and never delivered.  The
# SIGSTOP was delivered before the watch began.  So exactly S.
S=100
if watch_run $T/w -s $S; then
	v=$(watched $T/w signals)
	check "watched signals S=$S" "got $v, want exactly $S" test "$v" = $S
else
	fail "watched signals S=$S" "helper: $(cat $T/ga.out)"
fi

# ---- watch-tree: a process and all its descendants ---------------------------
# The helper forks 2 children, each forking 1 grandchild, after the watch
# began; each of the 5 processes makes N getppid().  Slack: 64 a process, as
# above (fork, wait4, exit_group and libc's own calls).  A plain watch of
# the same tree counts the parent alone.
WATCH_CMD=watch-tree
if watch_run $T/w -p $N -F 2; then
	v=$(watched $T/w syscalls)
	info "watch-tree syscalls for 5 x $N getppid: $v"
	check "watch-tree counts the whole tree (5 x N=$N)" \
		"got $v, want $((5 * N))..$((5 * N + 320))" in_range "$v" $((5 * N)) $((5 * N + 320))
else
	fail "watch-tree counts the whole tree" "helper: $(cat $T/ga.out)"
fi
WATCH_CMD=watch
if watch_run $T/w -p $N -F 2; then
	v=$(watched $T/w syscalls)
	check "watch counts the parent of a tree alone" "got $v, want $N..$((N + 64))" \
		in_range "$v" $N $((N + 64))
else
	fail "watch counts the parent of a tree alone" "helper: $(cat $T/ga.out)"
fi

# sched_migrate_task: the helper moves itself M times between two CPUs.
# The kernel may add up to 2 moves of its own (the wake-up after SIGCONT,
# the balancer before the first pinning: labs/lab2-migrations/guest.sh).
M=40
if watch_run $T/w -m $M; then
	v=$(watched $T/w migrations)
	check "watched migrations M=$M" "got $v, want $M..$((M + 2))" \
		in_range "$v" $M $((M + 2))
	v=$(total $T/w migrations)
	check "global migrations >= watched" "total $v" test "$v" -ge $M
else
	fail "watched migrations M=$M" "helper: $(cat $T/ga.out)"
fi

# ---- watched process exits; its pid number is reused -------------------------
watch_run $T/w -p 100
dead=$WPID
snap $T/e1
check "exited process shown" "line 3: $(sed -n 3p $T/e1)" \
	test "$(sed -n 3p $T/e1)" = "watching $dead (exited)"
# Make the next fork get the same pid number (ns_last_pid), up to 5 tries.
reused=0
for try in 1 2 3 4 5; do
	echo $((dead - 1)) > /proc/sys/kernel/ns_last_pid
	$GA -p 5000 -f 100 > /dev/null &
	p=$!
	wait $p
	[ $p = $dead ] && { reused=1; break; }
done
$GA -p 5000 > /dev/null
snap $T/e2
same=1
for c in $COUNTERS; do
	[ "$(watched $T/e1 $c)" = "$(watched $T/e2 $c)" ] || same=0
done
check "no counting after exit" "watched counters moved" test $same = 1
if [ $reused = 1 ]; then
	check "reused pid not adopted" "line 3: $(sed -n 3p $T/e2)" \
		test "$(sed -n 3p $T/e2)" = "watching $dead (exited)" -a $same = 1
else
	skip "reused pid not adopted" "could not get pid $dead again"
fi
r=$(cmd "watch off")
snap $T/e3
zero=1
for c in $COUNTERS; do case $(watched $T/e3 $c) in 0 | n/a) ;; *) zero=0 ;; esac; done
check "watch off" "$r; line 3: $(sed -n 3p $T/e3); zeros: $zero" \
	test "$r" = OK -a "$(sed -n 3p $T/e3)" = "watching none" -a $zero = 1
