#!/bin/sh
# guest-suite.sh - modelab.ko checks, run by /init inside the lab VM: the
# driver.  The checks live in guest/, one file a subject, sourced in the
# order of their names (tests/vm/run.sh packs them as /guest/*.sh):
#
#   10-module.sh       loading, the /proc/modelab format, load/unload leaks
#   20-process.sh      the watched process: syscalls, threads, faults,
#                      signals, watch-tree, migrations, exit and pid reuse
#   30-commands.sh     the commands: count, reset, the help file, bad writes
#   40-unload.sh       rmmod under load, a failed probe attach, CPU hotplug
#   50-interrupts.sh   the interrupt rows, raise on demand, a real device
#   60-modelab-run.sh  the modelab command as a lab runs it, counted by the
#                      module (syscalls, faults, interrupts, modelab kernel)
#   70-seccomp.sh      seccomp: refused calls counted, the doors, the sandbox
#
# Each file says the state of modelab.ko it expects on entry and leaves;
# most expect it loaded, counting on.  Each check prints "PASS: name",
# "FAIL: name: why" or "SKIP: name: why"; the last lines are the kernel log
# between markers and a summary that tests/vm/run.sh reads.  Busybox sh only.
# Kernel-log error patterns are never spelled out in what this script
# prints, so that run.sh's scan of the console only finds the kernel's own.
# shellcheck disable=SC2034 # KO, NROWS...: the checks in guest/ use them

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
# "general protection fault," or ":" is the kernel's own; a user program's
# is "traps: prog[pid] general protection fault ip:..." (int 0x80 on a
# kernel without IA32 emulation, the debug kernel's), no kernel error.
BAD_LOG='Oops|BUG:|WARNING:|general protection fault[,:]|Call Trace|blocked for more than'
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


# csv_col FILE FIGURE COLUMN: a figure's value in modelab's CSV report
csv_col() {
	awk -F, -v f="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$2 == f { print $col[c] }' "$1"
}
# running NAME: the PIDs of the processes called NAME, zombies too, from
# /proc (the guest's busybox has no pgrep: a check built on it was empty,
# so it always passed)
running() {
	for _c in /proc/[0-9]*/comm; do
		[ "$(cat "$_c" 2> /dev/null)" = "$1" ] || continue
		_c=${_c#/proc/}
		echo "${_c%/comm}"
	done
}
# between V LO HI: LO <= V <= HI (V may be fractional)
between() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v != "" && v >= lo && v <= hi) }'; }

# has_modelab: is the static modelab command in /bin?  The checks that run
# it start with `has_modelab || return 0`; without it, one named SKIP for
# them all (the other ISAs' lab VM, or a failed make static).
has_modelab() {
	[ -x /bin/modelab ] && return 0
	[ -n "${MODELAB_SKIP_SAID:-}" ] ||
		skip "modelab in the guest" "no static modelab in /bin (make static failed?)"
	MODELAB_SKIP_SAID=1
	return 1
}

echo "=== modelab VM suite: $(uname -r), $(grep -c '^processor' /proc/cpuinfo) CPUs ==="
echo 4 > /proc/sys/kernel/printk	# warnings and worse reach the console

# ---- the checks, a subject a file --------------------------------------------
for GUEST_PART in /guest/[0-9]*.sh; do
	# shellcheck source=/dev/null
	. "$GUEST_PART"
done

# ---- end -------------------------------------------------------------------------
rmmod modelab
check "kernel log clean" "$(bad_log_lines) error lines in dmesg" \
	test "$(bad_log_lines)" -eq 0
echo "=== dmesg begin ==="
dmesg
echo "=== dmesg end ==="
echo "modelab-suite summary: $PASSED passed, $FAILED failed, $SKIPPED skipped ($(($(date +%s) - START)) s)"
