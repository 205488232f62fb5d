#!/bin/sh
# stress.sh - modelab.ko under the workloads that once took the kernel down
# (issue 21), run by /init inside the lab VM (tests/vm/stress/run.sh packs
# it with MODELAB_SUITE and the st-* programs with MODELAB_VM_PROGS).
#
# Each phase runs ML_STRESS_SECONDS (from the kernel command line; default
# 12; ML_STRESS_PHASES=a,b runs only those, by the names in phase()'s
# first word) and then checks two things: the kernel log has no new error line
# (oops, BUG, WARNING, GPF, KASAN, KFENCE, lockdep, RCU stall, hung task),
# and the counts add up: the watched table against the calls the st-*
# programs made, with bounds that allow what a kernel may add (a process's
# own fork, wait4, exit_group and libc calls: at most 64 each).  Busybox
# sh; prints "PASS: ...", "FAIL: ...", "SKIP: ..." and the summary line
# that tests/vm/run.sh reads.  Error patterns are never printed here, so
# run.sh's console scan finds only the kernel's own.

KO=/modelab.ko
PROC=/proc/modelab
GA=/bin/guest-actions
T=/tmp/stress
S=${ML_STRESS_SECONDS:-12}
mkdir -p $T

. /guest-check.sh	# pass, fail, skip, info, check, in_range
. /guest-lib.sh		# wait_stopped

BAD_LOG='Oops|BUG:|WARNING:|general protection fault[,:]|Call Trace|KASAN|KFENCE|lockdep|possible circular|inconsistent lock|suspicious RCU|detected stall|blocked for more than|Kernel panic|UBSAN'
CPU1=/sys/devices/system/cpu/cpu1/online
bad_log_lines() { dmesg | grep -cE "$BAD_LOG"; }
# watched ROW: ROW's value in the watched table now
watched() { awk -v r="$1" 'w && $1 == r { print $2 } /^watched/ { w = 1 }' $PROC; }
# field N FILE: the Nth word of FILE's last line that starts with its tag
field() { awk -v n="$1" -v t="$3" '$1 == t { v = $n } END { print v }' "$2"; }

# phase ID NAME: begin a phase (remember the log), or return 1 when
# ML_STRESS_PHASES leaves it out; end_phase: check the log
phase() {
	case ",${ML_STRESS_PHASES:-$1}," in
	*",$1,"*) ;;
	*) return 1 ;;
	esac
	PHASE=$2
	LOG0=$(bad_log_lines)
	echo "---- $PHASE ($S s)"
}
end_phase() {
	n=$(($(bad_log_lines) - LOG0))
	check "$PHASE: kernel log clean" "$n new error lines" test $n = 0
	lsmod | grep -q '^modelab' || insmod $KO
}

echo 4 > /proc/sys/kernel/printk
echo 30 > /proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
insmod $KO || fail "insmod" "insmod $KO failed"
# The walk's bound, as the module states it (none before issue 21).
GENS=$(sed -n 's/.*up to \([0-9][0-9]*\) generations.*/\1/p' /proc/modelab-help)
info "kernel $(uname -r), $S s a phase, watch-tree reaches ${GENS:-any number of} generations"

# ---- dying families ---------------------------------------------------------
# Threads still dying when their process goes, reaped or orphaned at once:
# every count of a task after its release used to walk freed parents.  Two
# CPU hogs outside the tree make every task wait for its turn, so that a
# released thread preempted before its last context switch waits long
# enough for its parent to be reaped and freed (a grace period later).
if phase family "dying families under watch-tree"; then
echo reset > $PROC
( while :; do :; done ) &
hog1=$!
( while :; do :; done ) &
hog2=$!
STRESS_WATCH=tree st-family $S 4 200 > $T/f 2>&1
rc=$?
kill $hog1 $hog2
wait $hog1 $hog2 2>/dev/null
set -- $(awk '$1 == "family" { print $2, $3, $4 }' $T/f)
v=$(watched syscalls)
info "family rounds ${1:-?}, getppid made ${2:-?}, in the tree ${3:-?}, watched syscalls $v"
if [ $rc = 0 ] && [ -n "${1:-}" ]; then
	# 64 a process or thread: C, P and 4 threads a round, 2 lanes, us.
	check "dying families: counts add up" "watched $v, want $3..$(($2 + $1 * 6 * 64 + 192))" \
		in_range "$v" "$3" $(($2 + $1 * 6 * 64 + 192))
else
	fail "dying families: counts add up" "st-family: $(cat $T/f)"
fi
end_phase
fi

# ---- cascades -----------------------------------------------------------------
# 500-deep chains exiting in a cascade, each parent right after its child.
if phase cascade "500-deep cascades under watch-tree"; then
echo reset > $PROC
STRESS_WATCH=tree st-chain -d 500 -g 10 -t $S > $T/c 2>&1
rc=$?
set -- $(awk '$1 == "chain" && NF == 4 { print $2, $3, $4 }' $T/c)
v=$(watched syscalls)
info "cascades ${1:-?} of depth ${2:-?}, getppid made ${3:-?}, watched syscalls $v"
if [ $rc = 0 ] && [ -n "${1:-}" ]; then
	reach=${GENS:-500}
	[ "$reach" -le 500 ] || reach=500
	check "cascades: counts add up" \
		"watched $v, want $(($1 * reach * 10))..$(($3 + $1 * 501 * 64))" \
		in_range "$v" $(($1 * reach * 10)) $(($3 + $1 * 501 * 64))
else
	fail "cascades: counts add up" "st-chain: $(cat $T/c)"
fi
end_phase
fi

# ---- deep chains: what a count costs ----------------------------------------
# A chain DEPTH deep (ML_STRESS_DEPTH; default 5,000, or 200 when phases
# are short: a TCG fork is slow, and 200 is already 3 times the walk's
# bound) and one 2 deep; in each, the deepest process times 2,000
# getppid() and 2,000 pipe round trips (2 context switches each), with
# watch-tree on the chain's root, on a process outside it (the walk goes
# as far up as it may), and off.  Twice: with watch-tree's memo
# (kmod/tree.c), then with the module loaded again with tree_memo=0 (every
# event walks: what the memo saves).  Under TCG the times mean nothing
# alone; the ratio deep / shallow in the same boot does.  A demonstration
# (held / not held at 1.25), not a check: timing is never a test here.
if phase deep "deep chains"; then
D=${ML_STRESS_DEPTH:-5000}
[ -n "${ML_STRESS_DEPTH:-}" ] || [ $S -ge 60 ] || D=200
sleep 100000 &
other=$!
memos=on
[ -e /sys/module/modelab/parameters/tree_memo ] && memos="on off"
for memo in $memos; do
	if [ $memo = off ]; then
		rmmod modelab && insmod $KO tree_memo=0 || fail "deep chains: insmod tree_memo=0" "rmmod or insmod failed"
	fi
	for depth in 2 $D; do
		st-chain -d $depth -n 2000 -o $other > $T/d.$memo.$depth 2>&1 ||
			fail "deep chain depth $depth, memo $memo" "$(cat $T/d.$memo.$depth)"
		info "memo $memo, depth $depth: $(awk '$1 == "chain" && $3 == "root" {
			printf "getppid / pipe round trip, ns (TCG): watch-tree root %s / %s, outside %s / %s, off %s / %s",
				$4, $5, $7, $8, $10, $11 }' $T/d.$memo.$depth)"
	done
	# the deep chain's figure over the shallow one's: getppid (fields
	# 4, 7, 10) and round trip (5, 8, 11), watch-tree root, outside, off
	for f in "4 getppid root" "7 getppid outside" "10 getppid off" \
		 "5 round-trip root" "8 round-trip outside" "11 round-trip off"; do
		set -- $f
		info "demo: memo $memo, $2 at depth $D / depth 2, watch-tree $3: $(cat $T/d.$memo.2 $T/d.$memo.$D |
			awk -v f=$1 '$1 == "chain" && $3 == "root" { v[n++] = $f }
			END { if (n < 2 || !v[0]) { print "no figures"; exit }
			      r = v[1] / v[0]; printf "x%.2f: %s\n", r, r <= 1.25 ? "held" : "not held" }')"
	done
done
if [ "$memos" != on ]; then
	rmmod modelab && insmod $KO || fail "deep chains: insmod" "rmmod or insmod failed"
fi
kill $other
wait $other 2>/dev/null
end_phase
fi

# ---- a watch change forgets what watch-tree remembered --------------------------
# kmod/tree.c: each CPU remembers its last answers, by epoch; a probe
# that read the old watch and the new epoch must not leave an answer of the
# old watch for the new one (st-memo.c).
if phase memo "a watch change forgets remembered answers"; then
st-memo $S > $T/mm 2>&1
rc=$?
set -- $(awk '$1 == "memo" { print $2, $3, $4 }' $T/mm)
info "memo rounds ${1:-?}, rounds that counted outside the tree ${2:-?} (largest count ${3:-?})"
check "memo: no answer outlives a watch change" "$(grep FAILED $T/mm | head -n 3)" test $rc = 0
end_phase
fi

# ---- a subreaper inside the tree -----------------------------------------------
if phase reaper "orphans adopted by a subreaper"; then
echo reset > $PROC
STRESS_WATCH=tree st-reaper $S 300 > $T/r 2>&1
rc=$?
set -- $(awk '$1 == "reaper" { print $2, $3, $4 }' $T/r)
v=$(watched syscalls)
info "reaper rounds ${1:-?}, calls after adoption ${2:-?}, polls before ${3:-?}, watched syscalls $v"
if [ $rc = 0 ] && [ -n "${3:-}" ]; then
	# Every call of the orphans is inside the tree, before adoption and after.
	check "subreaper: adopted orphans stay counted" \
		"watched $v, want $(($2 + $3))..$(($2 + $3 + $1 * 4 * 64 + 64))" \
		in_range "$v" $(($2 + $3)) $(($2 + $3 + $1 * 4 * 64 + 64))
else
	fail "subreaper: adopted orphans stay counted" "st-reaper: $(cat $T/r)"
fi
end_phase
fi

# ---- pid reuse ---------------------------------------------------------------------
if phase pidreuse "watched pid numbers reused"; then
st-pidreuse 40 2000 > $T/p 2>&1
rc=$?
info "$(cat $T/p | tail -n 3)"
check "pid reuse: a new process with the old number is not counted" \
	"$(grep FAILED $T/p | head -n 2)" test $rc = 0
r=$(field 3 $T/p pidreuse)
[ "${r:-0}" -gt 0 ] || skip "pid reuse happened" "no round got its pid number back"
end_phase
fi

# ---- migrations under CPU hotplug -----------------------------------------------
if phase hotplug "migrations under CPU hotplug"; then
if [ -w $CPU1 ]; then
	echo reset > $PROC
	STRESS_WATCH=one st-migrate $S > $T/m 2>&1 &
	mig=$!
	offs=0
	while kill -0 $mig 2>/dev/null; do
		echo 0 > $CPU1 2>/dev/null && offs=$((offs + 1))
		usleep 200000
		echo 1 > $CPU1
		usleep 300000
	done
	wait $mig
	rc=$?
	echo 1 > $CPU1
	set -- $(awk '$1 == "migrate" { print $2, $3 }' $T/m)
	v=$(watched migrations)
	info "moves ${1:-?} of ${2:-?} attempts, CPU 1 offline $offs times, watched migrations $v"
	if [ $rc = 0 ] && [ -n "${1:-}" ]; then
		check "migrations under hotplug: counts add up" \
			"watched $v, want $1..$(($2 + offs + 2))" in_range "$v" "$1" $(($2 + offs + 2))
	else
		fail "migrations under hotplug: counts add up" "st-migrate: $(cat $T/m)"
	fi
else
	skip "migrations under hotplug" "no $CPU1"
fi
end_phase
fi

# ---- raise during rmmod ---------------------------------------------------------------
if phase rmmod "raise during rmmod"; then
ok=1 rounds=0
end=$(($(date +%s) + S))
while [ $(date +%s) -lt $end ]; do
	$GA -w "raise ipi 100000" > /dev/null 2>&1 &
	r1=$!
	$GA -w "raise irq_work 100000" > /dev/null 2>&1 &
	r2=$!
	usleep 100000
	rmmod modelab || ok=0
	wait $r1 $r2
	insmod $KO || ok=0
	rounds=$((rounds + 1))
done
check "raise during rmmod: $rounds rounds" "an rmmod or insmod failed" test $ok = 1
end_phase
fi

# ---- everything at once, with insmod/rmmod cycles -------------------------------------
# Families, cascades, a subreaper, writers storming watch-tree targets and
# migrations under hotplug, while the module is unloaded and loaded again.
if phase storm "storm: all of it, with insmod/rmmod cycles"; then
st-writers 8 $S > $T/w 2>&1 &
sw=$!
st-family $S 4 20 > /dev/null 2>&1 &
sf=$!
st-chain -d 500 -t $S > /dev/null 2>&1 &
sc=$!
st-reaper $S 50 > $T/sr 2>&1 &
sr=$!
st-migrate $S > /dev/null 2>&1 &
sm=$!
cycles=0 ok=1
# A CPU 1 offline/online with the module loaded, an rmmod and an insmod
# (both slow under TCG: grace periods, code patching), then 2 s loaded:
# the writers must meet the module loaded, not only its absence.
while kill -0 $sw 2>/dev/null; do
	[ -w $CPU1 ] && echo 0 > $CPU1 2>/dev/null
	[ -w $CPU1 ] && echo 1 > $CPU1
	rmmod modelab || ok=0
	insmod $KO || ok=0
	cycles=$((cycles + 1))
	sleep 2
done
wait $sw
rw=$?
wait $sf $sc $sm
wait $sr
rr=$?
info "$cycles insmod/rmmod cycles; $(tail -n 1 $T/w)"
check "storm: writers met only ESRCH, ENOENT and EIO" "$(grep FAILED $T/w | head -n 3)" test $rw = 0
check "storm: writers met a loaded module" "$(tail -n 1 $T/w)" test "$(field 3 $T/w writers)" -gt 0
check "storm: every orphan adopted" "$(cat $T/sr)" test $rr = 0
check "storm: $cycles insmod/rmmod cycles" "an rmmod or insmod failed" test $ok = 1
end_phase
fi

# ---- and the counts still add up --------------------------------------------------------
# The lab VM suite's own tree check, after all of the above: 5 processes of
# N getppid, watch-tree on their parent.
if phase final "counts after the storm"; then
N=10000
$GA -S -p $N -F 2 > $T/ga 2>&1 &
p=$!
if wait_stopped $p && [ "$($GA -w "watch-tree $p")" = OK ]; then
	kill -CONT $p
	wait $p
	v=$(watched syscalls)
	check "watch-tree after the storm (5 x N=$N)" "got $v, want $((5 * N))..$((5 * N + 320))" \
		in_range "$v" $((5 * N)) $((5 * N + 320))
else
	kill -9 $p 2>/dev/null
	fail "watch-tree after the storm" "helper: $(cat $T/ga)"
fi
end_phase
fi
rmmod modelab || fail "final rmmod" "rmmod failed"

echo "modelab-suite summary: $PASSED passed, $FAILED failed, $SKIPPED skipped"
