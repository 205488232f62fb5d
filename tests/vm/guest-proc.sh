# guest-proc.sh - what the lab VM's subject files share (busybox sh):
# /proc/modelab read and written, a watched helper run to its end, the
# layout of /proc/modelab checked, modelab's CSV report read.  Sourced by
# guest-suite.sh after guest-check.sh, guest-lib.sh and guest-isa.sh; uses
# $KO, $PROC, $GA and $T, which the suite sets.

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

# ---- the modelab command, counting itself through /proc/modelab -----------------
# csv_col FILE FIGURE COLUMN: a figure's value in modelab's CSV report
csv_col() {
	awk -F, -v f="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$2 == f { print $col[c] }' "$1"
}
# between V LO HI: LO <= V <= HI (V may be fractional)
between() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v != "" && v >= lo && v <= hi) }'; }
