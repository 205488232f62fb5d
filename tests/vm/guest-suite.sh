#!/bin/sh
# guest-suite.sh - modelab.ko checks, run by /init inside the lab VM.
#
# Each check prints "PASS: name", "FAIL: name: why" or "SKIP: name: why";
# the last lines are the kernel log between markers and a summary that
# tests/vm/run.sh reads.  Busybox sh only.  Kernel-log error patterns are
# never spelled out in what this script prints, so that run.sh's scan of the
# console only finds the kernel's own.

KO=/modelab.ko
PROC=/proc/modelab
GA=/bin/guest-actions
T=/tmp/suite
mkdir -p $T

START=$(date +%s)
. /guest-check.sh	# pass, fail, skip, info, check, in_range

COUNTERS="syscalls faults faults_read faults_write faults_exec
faults_notpresent faults_protection irq_device irq_timer irq_work
irq_resched irq_callfunc signals ctxsw syscall_exits migrations"
COUNTERS=$(echo $COUNTERS)
NROWS=$(echo $COUNTERS | wc -w)

# Kernel-log lines that mean the kernel is unhappy (run.sh scans for these).
BAD_LOG='Oops|BUG:|WARNING:|general protection|Call Trace|blocked for more than'
bad_log_lines() { dmesg | grep -cE "$BAD_LOG"; }

# snap FILE: one consistent copy of /proc/modelab
snap() { cat $PROC > "$1"; }
# total FILE ROW: last column of ROW in the per-CPU table
total() { awk -v r="$2" '/^watched/ { exit } $1 == r { print $NF }' "$1"; }
# watched FILE ROW: ROW's value in the watched table
watched() { awk -v r="$2" 'w && $1 == r { print $2 } /^watched/ { w = 1 }' "$1"; }
# cmd TEXT: write TEXT in one write(2), print OK or the errno name
cmd() { $GA -w "$1"; }

. /guest-lib.sh	# wait_stopped
. /guest-isa.sh	# ISA, FAIL_ATTACH_KS, has_fault_cause, ipi_label, vdso_clock

# watch_run OUT ARGS...: start the helper stopped, watch it ($WATCH_CMD,
# default watch), let it run to its end, snapshot /proc/modelab into OUT.
# Sets WPID.  Returns the helper's status (or 99 if it could not be watched).
watch_run() {
	out=$1
	shift
	$GA -S "$@" > $T/ga.out 2>&1 &
	WPID=$!
	if ! wait_stopped $WPID; then
		kill -9 $WPID 2>/dev/null
		wait $WPID 2>/dev/null
		echo "helper never stopped" > $T/ga.out
		return 99
	fi
	r=$(cmd "${WATCH_CMD:-watch} $WPID")
	if [ "$r" != OK ]; then
		kill -9 $WPID
		wait $WPID 2>/dev/null
		echo "${WATCH_CMD:-watch} $WPID: $r" > $T/ga.out
		return 99
	fi
	kill -CONT $WPID
	wait $WPID
	r=$?
	snap "$out"
	return $r
}


# check_format FILE: the layout user space parses (see kmod/procfs.c):
# 4 header lines, a row per counter, a blank line, "watched", a row each
check_format() {
	f=$1 last=$((4 + NROWS)) wlast=$((6 + 2 * NROWS))
	ncpu=$(grep -c '^processor' /proc/cpuinfo)
	[ "$(sed -n 1p $f)" = "modelab 0.1.0" ] || { echo "line 1"; return 1; }
	sed -n 2p $f | grep -qE '^counting (on|off)$' || { echo "line 2"; return 1; }
	sed -n 3p $f | grep -qE '^watching (none|[0-9]+ .+)$' ||
		{ echo "line 3"; return 1; }
	hdr=$(sed -n 4p $f | awk '{ $1 = $1; print }')
	want=$(i=0; while [ $i -lt $ncpu ]; do printf 'CPU%d ' $i;
		i=$((i + 1)); done; echo total)
	[ "$hdr" = "$want" ] || { echo "header '$hdr' != '$want'"; return 1; }
	rows=$(sed -n "5,${last}p" $f | awk '{ printf "%s ", $1 }')
	[ "$rows" = "$COUNTERS " ] || { echo "rows '$rows'"; return 1; }
	# name, one column per CPU, total; total = sum of the CPU columns
	sed -n "5,${last}p" $f | awk -v n=$ncpu '
		NF != n + 2 { bad = 1 }
		{ s = 0; for (i = 2; i <= n + 1; i++) s += $i
		  if ($(n + 2) + 0 < s) bad = 1 }
		END { exit bad }' || { echo "per-CPU columns"; return 1; }
	[ -z "$(sed -n $((last + 1))p $f)" ] || { echo "line $((last + 1)) not blank"; return 1; }
	[ "$(sed -n $((last + 2))p $f | awk '{ $1 = $1; print }')" = "watched total" ] ||
		{ echo "watched header"; return 1; }
	rows=$(sed -n "$((last + 3)),${wlast}p" $f | awk 'NF == 2 { printf "%s ", $1 }')
	[ "$rows" = "$COUNTERS " ] || { echo "watched rows '$rows'"; return 1; }
	[ "$(wc -l < $f)" -eq $wlast ] || { echo "$(wc -l < $f) lines"; return 1; }
	return 0
}

echo "=== modelab VM suite: $(uname -r), $(grep -c '^processor' /proc/cpuinfo) CPUs ==="
echo 4 > /proc/sys/kernel/printk	# warnings and worse reach the console

# ---- load, format, unload, reload -----------------------------------------
if insmod $KO; then pass "insmod"; else fail "insmod" "insmod $KO failed"; fi
if [ -r $PROC ]; then
	snap $T/first
	if why=$(check_format $T/first); then
		pass "read format"
	else
		fail "read format" "$why"
		cat $T/first
	fi
	check "mode 0644" "$(ls -l $PROC)" \
		test "$(stat -c %a $PROC)" = 644
	check "counting on at load" "line 2: $(sed -n 2p $T/first)" \
		test "$(sed -n 2p $T/first)" = "counting on"
	check "watching none at load" "line 3: $(sed -n 3p $T/first)" \
		test "$(sed -n 3p $T/first)" = "watching none"
else
	fail "read format" "$PROC missing"
fi
if rmmod modelab && [ ! -e $PROC ] && insmod $KO && [ -r $PROC ]; then
	pass "rmmod and insmod again"
else
	fail "rmmod and insmod again" "$PROC not removed or not back"
fi
rmmod modelab
insmod $KO count_on_load=0
check "count_on_load=0" "line 2: $(sed -n 2p $PROC)" \
	test "$(sed -n 2p $PROC)" = "counting off"
rmmod modelab

# ---- load/unload cycles: no leak --------------------------------------------
# Memory is measured before, after N and after 2N cycles, caches dropped
# each time.  The first cycles also warm the kernel up (slab caches, module
# loader, per-CPU free lists: ~170 kB over 50 cycles seen on 7.2 with an
# empty module too), which does not repeat; a per-load leak grows as much
# in the second N cycles as in the first.  So only the second N's growth
# must stay under the limit, in kB: Slab and SUnreclaim 128 (noise +20..40),
# Percpu and VmallocUsed 64 (module memory and per-CPU data live there),
# MemAvailable's drop 2048 net of the pages parked on the per-CPU free
# lists (the "count:" lines of /proc/zoneinfo), which MemAvailable does not
# count.  A leak of one page per cycle (N * 4 kB) or of the module's memory
# is caught; one small object per cycle (under ~128 kB / N) hides in noise.
LEAK_N=40
LEAK_FIELDS="Slab:128 SUnreclaim:128 Percpu:64 VmallocUsed:64"
settle() { sync; echo 3 > /proc/sys/vm/drop_caches; sleep 1; }
# pages on the per-CPU free lists, in kB
pcp_kb() { awk '$1 == "count:" { n += $2 } END { print n * 4 }' /proc/zoneinfo; }
# measure FILE: /proc/meminfo, plus a PCP line, after settling
measure() { settle; cp /proc/meminfo $1; echo "PCP: $(pcp_kb) kB" >> $1; }
mem() { awk -v k="$2:" '$1 == k { print $2 }' $1; }
# cycles N: N insmod, read, rmmod; 1 if all went well
cycles() {
	i=0 ok=1
	while [ $i -lt $1 ]; do
		insmod $KO && cat $PROC > /dev/null && rmmod modelab || ok=0
		i=$((i + 1))
	done
	echo $ok
}
if quick; then
	skip "$((2 * LEAK_N)) load/unload cycles, no leak" "$QUICK_WHY"
else
	bad0=$(bad_log_lines)
	measure $T/mem0
	ok1=$(cycles $LEAK_N)
	measure $T/mem1
	ok2=$(cycles $LEAK_N)
	measure $T/mem2
	leak_ok=1 leak_msg=
	for fl in $LEAK_FIELDS MemAvailable:2048; do
		f=${fl%:*} max=${fl#*:}
		d1=$(($(mem $T/mem1 $f) - $(mem $T/mem0 $f)))
		d2=$(($(mem $T/mem2 $f) - $(mem $T/mem1 $f)))
		if [ $f = MemAvailable ]; then
			# a drop, net of what went to the per-CPU free lists
			d1=$((-d1 - ($(mem $T/mem1 PCP) - $(mem $T/mem0 PCP))))
			d2=$((-d2 - ($(mem $T/mem2 PCP) - $(mem $T/mem1 PCP))))
		fi
		leak_msg="$leak_msg $f $d1 then $d2 kB (max $max);"
		[ $d2 -le $max ] || leak_ok=0
	done
	info "over $LEAK_N then $LEAK_N more cycles:$leak_msg"
	check "$((2 * LEAK_N)) load/unload cycles" "an insmod, read or rmmod failed" \
		test "$ok1$ok2" = 11
	check "no per-load leak over $((2 * LEAK_N)) cycles" "$leak_msg" test $leak_ok = 1
	check "kernel log clean after cycles" "$(($(bad_log_lines) - bad0)) new error lines" \
		test "$(bad_log_lines)" -eq "$bad0"
fi
insmod $KO

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

# ---- count off / on ----------------------------------------------------------
r1=$(cmd "count off") r2=$(cmd "count off")
check "count off (twice)" "$r1 $r2" test "$r1 $r2" = "OK OK"
snap $T/off1
$GA -p 1000 > /dev/null
watch_run $T/w -p 1000
snap $T/off2
same=1
for c in $COUNTERS; do
	[ "$(total $T/off1 $c)" = "$(total $T/off2 $c)" ] || same=0
done
check "count off: nothing counted" "totals moved while off" test $same = 1
check "count off: watched not counted" "watched syscalls $(watched $T/w syscalls)" \
	test "$(watched $T/w syscalls)" = 0
check "count off shown" "line 2: $(sed -n 2p $T/off2)" \
	test "$(sed -n 2p $T/off2)" = "counting off"
r1=$(cmd "count on") r2=$(cmd "count on")
check "count on (twice)" "$r1 $r2" test "$r1 $r2" = "OK OK"
watch_run $T/w -p $N
v=$(watched $T/w syscalls)
check "count on: counted again" "got $v, want $N..$((N + 64))" \
	in_range "$v" $N $((N + 64))

# ---- reset -------------------------------------------------------------------
watch_run $T/w -p 1000
r=$(cmd reset)
snap $T/r
check "reset" "write: $r" test "$r" = OK
check "reset zeroes watched" "watched syscalls $(watched $T/r syscalls)" \
	test "$(watched $T/r syscalls)" = 0
v=$(total $T/r syscalls)
# Only what ran between the reset and the read (the helper's exit, cat).
check "reset zeroes per-CPU" "syscalls total $v after reset" test "$v" -lt 500

# ---- the commands, listed --------------------------------------------------------
HELP=/proc/modelab-help
check "$HELP mode 0444" "$(ls -l $HELP)" test "$(stat -c %a $HELP)" = 444
check "$HELP lists the 5 commands" "$(awk '{ printf "%s ", $1 }' $HELP)" \
	test "$(awk '{ printf "%s ", $1 }' $HELP)" = "watch watch-tree reset count raise "

# ---- bad writes --------------------------------------------------------------
# Every bad command gets its own errno.  A malformed one (EINVAL) logs one
# line naming it, ratelimited: the first one since the load is logged.
log_new() { dmesg | tail -n +$(($1 + 1)) | sed 's/^\[[^]]*\] //'; }
lines0=$(dmesg | wc -l)
r=$(cmd "frobnicate 1")
check "a bad write logs one line naming it" "$r; logged: $(log_new $lines0)" \
	test "$r: $(log_new $lines0)" = \
	"EINVAL: modelab: bad command 'frobnicate 1': the commands are in /proc/modelab-help"
long=$(printf '%0200d' 0)
just_over=$(printf 'watch %059d' 1)	# 65 bytes
bad_ok=1
expect() {
	got=$(cmd "$2")
	if [ "$got" != "$1" ]; then
		fail "bad write '$2'" "got $got, want $1"
		bad_ok=0
	fi
}
expect EINVAL "watch abc"
expect EINVAL "watch -1"
expect EINVAL "watch 0"
expect ESRCH "watch 99999999"
expect EINVAL "watch 99999999999"
expect EINVAL "watch 12x"
expect EINVAL "watch"
expect EINVAL "watch "
expect EINVAL "frobnicate"
expect EINVAL "reset now"
expect EINVAL "count"
expect EINVAL "count maybe"
expect EINVAL "watch-tree"
expect EINVAL "watch-tree abc"
expect EINVAL "watch-tree 0"
expect EINVAL "watch-tree -1"
expect EINVAL "watch-tree 12x"
expect EINVAL "watch-tree off"
expect EINVAL "watch-tree 99999999999"
expect ESRCH "watch-tree 99999999"
expect EINVAL "$long"
expect EINVAL "$just_over"
expect EINVAL ""
expect EINVAL "
"
expect OK "reset
"
expect OK "watch off"
check "bad writes rejected" "see above" test $bad_ok = 1

# A thread id is not a process id.
$GA -t > $T/thr 2>&1 &
tpid=$!
i=0
while [ $i -lt 100 ] && ! grep -q tid $T/thr; do usleep 50000; i=$((i + 1)); done
tid=$(awk '{ print $4 }' $T/thr)
if [ -n "$tid" ] && [ "$tid" != "$tpid" ]; then
	r=$(cmd "watch $tid")
	check "watch thread id" "watch $tid (thread of $tpid): got $r, want ESRCH" \
		test "$r" = ESRCH
	r=$(cmd "watch $tpid")
	check "watch its process" "watch $tpid: got $r" test "$r" = OK
else
	fail "watch thread id" "helper printed: $(cat $T/thr)"
fi
kill -9 $tpid
wait $tpid 2>/dev/null
cmd "watch off" > /dev/null

# Non-root: mode 0644 stops the open (EACCES); a root-opened file written
# after dropping privileges is refused by the module's own check (EPERM).
r=$($GA -u reset)
check "non-root open" "got $r, want EACCES" test "$r" = EACCES
r=$($GA -P reset)
check "non-root write" "got $r, want EPERM" test "$r" = EPERM
# pr_info_ratelimited: 10 lines per 5 s.  1000 bad writes from one process
# take milliseconds; 100 lines would need them to take 40 s or more.
lines1=$(dmesg | wc -l)
r=$($GA -n 1000 -w "frobnicate")
v=$(($(dmesg | wc -l) - lines1))
info "1000 bad writes logged $v lines"
check "1000 bad writes do not flood the log" "$r; $v lines" test "$r" = EINVAL -a $v -lt 100

watch_run $T/w -p $N
v=$(watched $T/w syscalls)
check "counts after bad writes" "got $v, want $N..$((N + 64))" \
	in_range "$v" $N $((N + 64))

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

# ---- interrupt rows ------------------------------------------------------------
# The guest has a local APIC timer (HZ=250) and 2 CPUs switching tasks.
cmd reset > /dev/null
$GA -p 1000 -f 100 > /dev/null
sleep 1
snap $T/irq
info "$(awk '/^watched/ { exit } /^(irq_|ctxsw)/ { printf "%s=%s ", $1, $NF }' $T/irq)"
v=$(total $T/irq irq_timer)
check "irq_timer counted" "irq_timer total $v" test "$v" -gt 0
v=$(total $T/irq ctxsw)
check "ctxsw counted" "ctxsw total $v" test "$v" -gt 0

# ---- rmmod while /proc/modelab is busy ------------------------------------------
# Four shell loops read, reset, toggle counting and watch while the module
# is unloaded and loaded again; errors (ENOENT, EIO) are expected and ignored.
# A hang is caught by run.sh's timeout, an oops by the kernel-log scan.
bad0=$(bad_log_lines)
stress_ok=1
round=0
while [ $round -lt $STRESS_ROUNDS ]; do
	lsmod | grep -q '^modelab' || insmod $KO
	( while :; do cat $PROC > /dev/null 2>&1; done ) &
	l1=$!
	( while :; do echo reset > $PROC; done ) 2>/dev/null &
	l2=$!
	( while :; do echo count off > $PROC; echo count on > $PROC
	  done ) 2>/dev/null &
	l3=$!
	( while :; do echo "watch $$" > $PROC; echo watch off > $PROC
	  done ) 2>/dev/null &
	l4=$!
	( exec 3< $PROC; while :; do cat <&3 > /dev/null 2>&1; done ) 2>/dev/null &
	l5=$!
	usleep 300000
	rmmod modelab || stress_ok=0
	usleep 200000
	insmod $KO || stress_ok=0
	usleep 300000
	rmmod modelab || stress_ok=0
	kill $l1 $l2 $l3 $l4 $l5
	wait $l1 $l2 $l3 $l4 $l5 2>/dev/null
	round=$((round + 1))
done
check "rmmod under load ($STRESS_ROUNDS rounds)" "an rmmod or insmod failed" \
	test $stress_ok = 1
check "kernel log clean after rmmod under load" \
	"$(($(bad_log_lines) - bad0)) new error lines" \
	test "$(bad_log_lines)" -eq "$bad0"

# ---- a probe that fails to attach at load ----------------------------------------
# fail_attach=K makes attaching the Kth source fail (guest-isa.sh): load must
# detach the ones before it, wait for those still running on the other CPU
# (tracepoint_synchronize_unregister()) and fail with ENOMEM, leaving
# nothing behind.  Processes making syscalls keep sys_enter busy meanwhile;
# a missing wait is a race (module memory freed under a running probe), so
# a pass here makes it unlikely, not impossible.
bad0=$(bad_log_lines)
( while :; do $GA -p 2000 > /dev/null; done ) &
busy=$!
fa_ok=1 fa_msg=
for k in $FAIL_ATTACH_LIST; do
	if insmod $KO fail_attach=$k 2> $T/fa; then
		fa_ok=0 fa_msg="$fa_msg fail_attach=$k loaded;"
		rmmod modelab
	elif ! grep -qi 'memory' $T/fa || [ -e $PROC ]; then
		fa_ok=0 fa_msg="$fa_msg fail_attach=$k: $(cat $T/fa);"
	fi
done
kill $busy
wait $busy 2>/dev/null
check "a failed probe attach fails the load cleanly" "$fa_msg" test $fa_ok = 1
check "kernel log clean after failed loads" \
	"$(($(bad_log_lines) - bad0)) new error lines" \
	test "$(bad_log_lines)" -eq "$bad0"
check "load after failed loads" "insmod failed" insmod $KO

# ---- CPU hotplug while reading ----------------------------------------------------
# One read takes one snapshot of the online CPUs: its header and every row
# have the same columns even when CPU 1 goes and comes back meanwhile.
CPU1=/sys/devices/system/cpu/cpu1/online
if [ -w $CPU1 ]; then
	( while :; do echo 0 > $CPU1; echo 1 > $CPU1; done ) 2>/dev/null &
	hp=$!
	i=0 torn=0 one=0
	while [ $i -lt $HOTPLUG_READS ]; do
		cat $PROC > $T/hp
		awk 'NR == 4 { n = NF + 1 }
			NR >= 5 && NR <= 19 && NF != n { bad = 1 }
			END { exit bad }' $T/hp || { torn=$((torn + 1)); cp $T/hp $T/torn; }
		[ "$(sed -n 4p $T/hp | wc -w)" = 2 ] && one=$((one + 1))
		i=$((i + 1))
	done
	kill $hp
	wait $hp 2>/dev/null
	echo 1 > $CPU1 2>/dev/null
	info "$HOTPLUG_READS reads during CPU 1 hotplug: $one with CPU 1 offline, $torn torn"
	check "reads during CPU hotplug: same columns in every row" \
		"$torn reads torn, e.g. $(head -c 400 $T/torn 2>/dev/null)" test $torn = 0
	check "CPU 1 online after the hotplug loop" "online: $(cat $CPU1)" \
		test "$(cat $CPU1)" = 1
else
	skip "reads during CPU hotplug" "cannot take CPU 1 offline"
fi

. /guest-irq.sh

# ---- the modelab command, counting itself through /proc/modelab -----------------
# csv_col FILE FIGURE COLUMN: a figure's value in modelab's CSV report
csv_col() {
	awk -F, -v f="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$2 == f { print $col[c] }' "$1"
}
# between V LO HI: LO <= V <= HI (V may be fractional)
between() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v != "" && v >= lo && v <= hi) }'; }

if [ -x /bin/modelab ]; then
	cmd "reset" >/dev/null
	modelab run --quick --csv syscall > $T/ml.csv 2> $T/ml.err
	check "modelab run --csv in the guest exits 0" "$(head -c 200 $T/ml.err)" test $? -eq 0
	# Slack: COUNT_OPS is 10000; other calls of modelab's own between its
	# two reads of /proc/modelab are taken off, but allow 1%.
	for f in getppid-syscall getppid-raw invalid-nr clock_gettime-syscall \
		 getcpu-syscall read-devzero write-devnull; do
		v=$(csv_col $T/ml.csv $f kernel_syscalls_per_op)
		check "kernel counts 1 syscall per $f" "counted $v" between "$v" 0.99 1.01
	done
	v=$(csv_col $T/ml.csv function-call kernel_syscalls_per_op)
	check "kernel counts 0 syscalls per function call" "counted $v" between "$v" 0 0.01
	# The vDSO stays in user mode only with a clocksource it can read;
	# under emulation the guest often falls back to one it cannot.
	cs=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)
	v=$(csv_col $T/ml.csv clock_gettime-vdso kernel_syscalls_per_op)
	if vdso_clock $cs; then
		check "kernel counts 0 syscalls per vDSO clock_gettime ($cs)" "counted $v" \
			between "$v" 0 0.01
	else
		check "vDSO clock_gettime falls back to 1 syscall with clocksource $cs" \
			"counted $v" between "$v" 0.99 1.01
	fi
	v=$(csv_col $T/ml.csv getcpu-vdso kernel_syscalls_per_op)
	check "kernel counts 0 syscalls per vDSO getcpu" "counted $v" between "$v" 0 0.01
	snap $T/after-ml
	check "modelab restores counting and the watch after its run" \
		"$(sed -n 2,3p $T/after-ml | tr '\n' ' ')" \
		test "$(sed -n 2,3p $T/after-ml | tr '\n' ' ')" = "counting on watching none "
	# An interrupted run puts the module back as it found it (user/proc/cleanup.c):
	# counting on and a watched sleeper before; a signal in the middle of
	# the witness and observer passes, which switch counting and the watch.
	sleep 600 &
	SLEEPER=$!
	cmd "watch $SLEEPER" >/dev/null
	cmd "count on" >/dev/null
	want="counting on watching $SLEEPER sleep "
	for sig in TERM INT HUP; do
		for delay in 300000 1500000; do
			# a shell's background job starts ignoring SIGINT:
			# guest-actions -x puts it back to default, then execs
			$GA -x modelab run --time 2 syscall > /dev/null 2>&1 &
			RUN=$!
			usleep $delay
			kill -$sig $RUN 2>/dev/null
			wait $RUN
			rc=$?
			snap $T/after-sig
			got=$(sed -n 2,3p $T/after-sig | tr '\n' ' ')
			check "SIG$sig after ${delay}us: /proc/modelab as before the run" \
				"got '$got', exit $rc" test "$got" = "$want"
			check "SIG$sig after ${delay}us: no modelab process left" \
				"$(pgrep -x modelab)" test -z "$(pgrep -x modelab)"
			check "SIG$sig after ${delay}us: the exit status names the signal" \
				"exit $rc" test $rc -eq $((128 + $(kill -l $sig)))
		done
	done
	kill $SLEEPER
	wait $SLEEPER 2>/dev/null
	cmd "watch off" >/dev/null
	modelab run --quick --json syscall > $T/ml.json 2>/dev/null
	check "modelab measures the observer effect" "no counting_on_ns in the JSON" \
		grep -q '"counting_on_ns": [0-9]' $T/ml.json
	# timed under TCG: it must say so, never pass for a native figure
	check "the observer effect is labelled emulated in the lab VM" \
		"$(grep -o '"observer_effect": {[^,]*' $T/ml.json)" \
		grep -q '"observer_effect": {"emulated": true' $T/ml.json
	check "the observer effect comes with its interval and an outcome" \
		"$(grep -o '"outcome": "[^"]*"' $T/ml.json)" \
		grep -qE '"ratio": \{"value": [0-9.e+-]+, "ci95_low": [0-9.e+-]+, "ci95_high": [0-9.e+-]+, "rounds": [0-9]+, "converged": (true|false)\}.*"outcome": "(slower|faster|no difference detectable)"' $T/ml.json
	modelab run --quick --no-kernel --json syscall > $T/nk.json 2>/dev/null
	check "--no-kernel leaves the kernel columns null" "kernel counts present" \
		grep -q '"kernel_syscalls_per_op": null' $T/nk.json
	# modelab compare of the observer effect: the same runs with the
	# module's counting off (A) and on (B).  Timed under TCG, so the
	# verdicts are info, never checks; compare must run and name them.
	cmd "count off" > /dev/null
	modelab run --quick --no-kernel --json syscall > $T/off.json 2>/dev/null
	cmd "count on" > /dev/null
	modelab run --quick --no-kernel --json syscall > $T/on.json 2>/dev/null
	modelab compare $T/off.json $T/on.json > $T/cmp.txt 2>&1
	check "modelab compare: counting off against on, a verdict per figure" \
		"$(tail -n 1 $T/cmp.txt)" grep -q '^compare: [1-9][0-9]* figures in both' $T/cmp.txt
	info "compare, counting off (A) against on (B): $(tail -n 1 $T/cmp.txt)"
	grep -E '^syscall/(getppid-syscall|function-call|clock_gettime-vdso) ' $T/cmp.txt |
		while read -r l; do info "  $l"; done
	# The fault probe: the module's watched counts for the same runs.
	modelab run --quick --csv fault > $T/mf.csv 2> $T/mf.err
	check "modelab run fault in the guest exits 0" "$(head -c 200 $T/mf.err)" test $? -eq 0
	# 1% slack below: one run in several counted 0.999 for cow-after-fork
	# (one fault fewer in 1000); the cause is not pinned down yet
	for f in minor-anon-4k zero-page-read zero-page-cow cow-after-fork file-minor-stride; do
		v=$(csv_col $T/mf.csv $f kernel_faults_per_op)
		check "kernel counts 1 user page fault per $f" "counted $v" between "$v" 0.99 1.05
	done
	if [ -n "$(csv_col $T/mf.csv minor-anon-thp skipped)" ]; then
		skip "kernel counts 1 fault per huge page" "$(csv_col $T/mf.csv minor-anon-thp skipped)"
	else
		v=$(csv_col $T/mf.csv minor-anon-thp kernel_faults_per_op)
		check "kernel counts 1 user page fault per 2 MiB huge page" "counted $v" between "$v" 1 1.05
	fi
	# A fault that ends in a signal is still a fault at the tracepoint;
	# every handler returns through rt_sigreturn: one syscall per op.
	for f in sigsegv sigbus; do
		v=$(csv_col $T/mf.csv $f kernel_faults_per_op)
		check "kernel counts 1 fault per $f" "counted $v" between "$v" 1 1.05
	done
	for f in sigsegv sigbus sigfpe sigill sigtrap kill-self; do
		v=$(csv_col $T/mf.csv $f kernel_signals_per_op)
		check "kernel counts 1 signal delivered per $f" "counted $v" between "$v" 1 1.01
	done
	for f in sigfpe sigill sigtrap; do
		v=$(csv_col $T/mf.csv $f kernel_faults_per_op)
		check "kernel counts no page fault per $f" "counted $v" between "$v" 0 0.01
	done
	v=$(csv_col $T/mf.csv sigsegv kernel_syscalls_per_op)
	check "one syscall (rt_sigreturn) per exception round trip" "counted $v" between "$v" 1 1.01
	v=$(csv_col $T/mf.csv kill-self kernel_syscalls_per_op)
	check "two syscalls (kill, rt_sigreturn) per kill-self" "counted $v" between "$v" 2 2.01
	v=$(csv_col $T/mf.csv file-major skipped)
	case $(stat -f -c %T /tmp) in
	tmpfs | ramfs)
		check "file-major skipped on tmpfs, with the reason" "skipped: '$v'" \
			test -n "$v" ;;
	*)
		v=$(csv_col $T/mf.csv file-major rusage_majflt_per_op)
		check "a dropped page gives a major fault" "counted $v" between "$v" 1 1.05 ;;
	esac
	# The interrupt probe: interrupts raised on demand, a real device.
	modelab run --quick --csv interrupt > $T/mi.csv 2> $T/mi.err
	check "modelab run interrupt in the guest exits 0" "$(head -c 200 $T/mi.err)" test $? -eq 0
	v=$(csv_col $T/mi.csv irq-work irq_iwi_per_op)
	check "irq-work: one IWI interrupt per event raised" "counted $v" between "$v" 1 1.1
	v=$(csv_col $T/mi.csv ipi irq_cal_per_op)
	# below 1 when a call finds its target polling in idle (guest-irq.sh)
	check "ipi: one CAL interrupt per event raised" "counted $v" between "$v" 0.95 1.1
	v=$(csv_col $T/mi.csv ipi-self irq_cal_per_op)
	check "ipi-self: the call to this CPU raises no interrupt" "counted $v" between "$v" 0 0.2
	v=$(csv_col $T/mi.csv device-read irq_device_per_op)
	check "device-read: one device interrupt per O_DIRECT read" "counted $v" between "$v" 1 1.1
	a=$(csv_col $T/mi.csv munmap-alone irq_tlb_per_op)
	b=$(csv_col $T/mi.csv munmap-shootdown irq_tlb_per_op)
	check "munmap with a thread on the other CPU causes TLB shootdowns" "alone $a, with $b" \
		awk -v a="$a" -v b="$b" 'BEGIN { exit !(b != "" && b + 0 >= a + 0.1) }'
	v=$(modelab run --quick interrupt/os-noise 2>/dev/null | awk '/modelab.ko irq_timer on this CPU/ { print $NF }')
	check "os-noise attributes the stolen time with the module's per-CPU timer count" \
		"counted '$v'" awk -v v="$v" 'BEGIN { exit !(v != "" && v + 0 > 0) }'
	# seccomp: a refused call still enters the kernel, and is counted
	modelab run --quick --csv seccomp/denied-enters-kernel > $T/ms.csv 2>/dev/null
	v=$(csv_col $T/ms.csv denied-enters-kernel verified)
	check "a call refused by a seccomp filter is counted as a kernel entry" "verified '$v'" test "$v" = 1
	# seccomp doors with x32 on (run.sh boots with syscall.x32=y): an x32
	# number goes through with no filter; libseccomp's x86-64 filter kills it
	x32_door() { grep -qE '^ *door_none_x32 +0$' "$1" && grep -qE '^ *door_getpid_x32 +159$' "$1"; }
	modelab run --quick seccomp/doors > $T/md.txt 2>/dev/null
	check "seccomp doors in the guest: every claim held" "$(head -n 4 $T/md.txt | tail -n 1)" \
		grep -q '^seccomp/doors .*every claim held' $T/md.txt
	if [ $ISA != x86_64 ]; then
		skip "x32 door in the guest" "the x32 ABI is x86-64's"
	elif grep -q 'x32 getpid.*SKIP' $T/md.txt; then
		skip "x32 door in the guest" "$(grep -o 'SKIP: .*x32 ABI.*' $T/md.txt)"
	else
		check "x32 door in the guest: no filter goes through, an x86-64 filter kills (SIGSYS)" \
			"$(grep -E 'door_(none|getpid)_x32' $T/md.txt | tr -s ' ' | tr '\n' ';')" \
			x32_door $T/md.txt
	fi
	modelab sandbox --deny uname --action kill -- uname > /dev/null 2>&1
	v=$?
	check "modelab sandbox in the guest: kill ends the command with SIGSYS" "exit $v" test $v -eq 159
	# modelab kernel: a refused command, its errno, the module's commands
	modelab kernel watch-tree abc > $T/mk.out 2> $T/mk.err
	v=$?
	check "modelab kernel: a refused command exits 2" "exit $v" test $v -eq 2
	check "modelab kernel: names the command and its errno" "$(head -n 1 $T/mk.err)" \
		test "$(head -n 1 $T/mk.err)" = \
		"modelab: /proc/modelab refused 'watch-tree abc': Invalid argument (EINVAL)"
	check "modelab kernel: then the commands accepted" "$(tail -n +2 $T/mk.err | head -n 3)" \
		test "$(tail -n +3 $T/mk.err | sed 's/^  //')" = "$(cat /proc/modelab-help)" -a \
		"$(sed -n 2p $T/mk.err)" = "the module accepts:"
	check "modelab kernel: no command lists them" "$(modelab kernel | head -n 2)" \
		test "$(modelab kernel)" = "$(cat /proc/modelab-help)"
	modelab kernel watch-tree $$ && r=$(sed -n 3p $PROC | cut -d" " -f1,2)
	modelab kernel watch off
	check "modelab kernel watch-tree PID" "line 3: $r" test "$r" = "watching $$"
else
	skip "modelab in the guest" "no static modelab in /bin (make static failed?)"
fi

# ---- end -------------------------------------------------------------------------
rmmod modelab
check "kernel log clean" "$(bad_log_lines) error lines in dmesg" \
	test "$(bad_log_lines)" -eq 0
echo "=== dmesg begin ==="
dmesg
echo "=== dmesg end ==="
echo "modelab-suite summary: $PASSED passed, $FAILED failed, $SKIPPED skipped ($(($(date +%s) - START)) s)"
