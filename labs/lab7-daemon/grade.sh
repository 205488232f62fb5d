#!/bin/bash
# labs/lab7-daemon/grade.sh - builds WORK's daemon and reaper (in a copy)
# and checks each property from /proc, as probes/process/daemon.c does:
# counts, exit statuses, exact states, never a timing.  Waits are bounded
# polls (10 s), which only end a wait that would otherwise never end.
. "$(dirname "$0")/../lib.sh"
grade_begin lab7-daemon

B=$GRADE_TMP/work
D=$GRADE_TMP/daemon
LOG=$D/daemon.log
N=5
export B D LOG N
mkdir -p "$D"
cp -r "$WORK"/. "$B"/

# What the student's programs may leave running: killed at the end.
grade_cleanup() {
	local p
	p=$(cat "$D/pid" 2>/dev/null)
	[ -n "$p" ] && kill -KILL "$p" 2>/dev/null
	true
}

# stat_field PID N: field N of /proc/PID/stat (counted after the command's ')')
stat_field() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f$(($2 - 2)); }

# Starts the daemon as a shell would, with stdout and stderr on a file and
# a fourth descriptor open (a daemon must close them all), umask 022.
daemon_starts() {
	local rc
	[ -x "$B/daemon" ] || why "no ./daemon (the build failed)"
	cd "$D" || why "no $D"
	umask 022
	timeout 10 "$B/daemon" "$LOG" < /dev/null > "$D/stdout" 2>&1 3< "$B/Makefile"
	rc=$?
	[ $rc -ne 124 ] || why "'daemon LOG' did not return within 10 s: the process the shell started must exit once the daemon runs"
	[ $rc -eq 0 ] || why "'daemon LOG' exited with status $rc, not 0"
	poll grep -q '^started [0-9]' "$LOG" ||
		why "no 'started PID' line in the log within 10 s"
	sed -n 's/^started \([0-9]*\).*/\1/p' "$LOG" | head -n 1 > "$D/pid"
	[ -d "/proc/$(cat "$D/pid")" ] || why "the daemon $(cat "$D/pid") is gone right after it started"
}

# the_daemon: its pid, alive (not a zombie), or fail
the_daemon() {
	local p s
	p=$(cat "$D/pid" 2>/dev/null)
	[ -n "$p" ] || why "no daemon started"
	s=$(stat_field "$p" 3)
	[ -n "$s" ] && [ "$s" != Z ] || why "the daemon $p is gone"
	echo "$p"
}

own_session() {
	local p sid pgid tty
	p=$(the_daemon) || why "$p"
	sid=$(stat_field "$p" 6)
	pgid=$(stat_field "$p" 5)
	tty=$(stat_field "$p" 7)
	[ "$sid" != "$(ps -o sid= $$ 2>/dev/null || stat_field $$ 6)" ] ||
		why "the daemon is still in the grader's session $sid: setsid() was not called"
	[ "$sid" != "$p" ] ||
		why "the daemon $p leads its session: it could acquire a terminal (fork again after setsid)"
	[ "$pgid" != "$p" ] || why "the daemon $p leads its process group"
	[ "$tty" = 0 ] || why "the daemon has a controlling terminal (tty_nr $tty)"
}

cwd_root() {
	local p c
	p=$(the_daemon) || why "$p"
	c=$(readlink "/proc/$p/cwd")
	[ "$c" = / ] || why "the daemon's working directory is $c, not /"
}

umask_zero() {
	local p u
	p=$(the_daemon) || why "$p"
	u=$(awk '$1 == "Umask:" { print $2 }' "/proc/$p/status")
	[ "$u" = 0000 ] || why "the daemon's umask is ${u:-unknown}, not 0000"
}

three_fds_devnull() {
	local p f t n=0 other=
	p=$(the_daemon) || why "$p"
	for f in /proc/$p/fd/*; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		n=$((n + 1))
		t=$(readlink "$f")
		[ "$t" = /dev/null ] || other="$other ${f##*/}->$t"
	done
	[ $n -eq 3 ] || why "the daemon holds $n descriptors, not 3:$other"
	[ -z "$other" ] || why "descriptors not on /dev/null:$other"
	[ -e /proc/$p/fd/0 ] && [ -e /proc/$p/fd/1 ] && [ -e /proc/$p/fd/2 ] ||
		why "the three descriptors are not 0, 1 and 2"
}

log_mode() {
	local m
	[ -f "$LOG" ] || why "no log file"
	m=$(stat -c %a "$LOG")
	[ "$m" = 666 ] || why "the log was created $m, not 666: create it after umask(0)"
}

stops_on_sigterm() {
	local p s
	p=$(the_daemon) || why "$p"
	kill -TERM "$p"
	gone() { s=$(stat_field "$p" 3); [ -z "$s" ] || [ "$s" = Z ]; }
	poll gone || why "the daemon $p is still running 10 s after SIGTERM"
	grep -q '^stopping on SIGTERM' "$LOG" ||
		why "the daemon ended without logging 'stopping on SIGTERM' (SIGTERM killed it: it never waited for it)"
}

# Runs the reaper with N children, stdin on a fifo held open until the
# checks below are done; its output in $D/reaper.out, its pid in $D/rpid.
reaper_runs() {
	local p
	[ -x "$B/reaper" ] || why "no ./reaper (the build failed)"
	rm -f "$D/fifo"
	mkfifo "$D/fifo"
	"$B/reaper" $N < "$D/fifo" > "$D/reaper.out" 2>&1 &
	p=$!
	exec 3> "$D/fifo"
	finished() { grep -q '^done$' "$D/reaper.out"; }
	poll finished || { kill -KILL $p; why "the reaper never printed 'done' within 10 s"; }
	{
		echo "pid $p"
		grep -c . "$D/reaper.out" > /dev/null
		# every process whose parent is the reaper, zombies included
		for s in /proc/[0-9]*/stat; do
			sed 's/.*) //' "$s" 2>/dev/null | awk -v p=$p '$2 == p { print $1 }'
		done | sort | uniq -c | awk '{ printf "children %s in state %s\n", $1, $2 }'
	} > "$D/reaper.proc"
	exec 3>&-
	poll eval '! kill -0 $p 2>/dev/null' || { kill -KILL $p; why "the reaper did not exit at the end of its input"; }
	wait $p
	echo "exit $?" >> "$D/reaper.proc"
	cat "$D/reaper.proc" > /dev/null
}

reaper_reaps_all() {
	local got
	(reaper_runs) > "$D/run.msg" || why "$(tail -n 1 "$D/run.msg")"
	grep -q '^exit 0$' "$D/reaper.proc" || why "the reaper exited with status $(sed -n 's/^exit //p' "$D/reaper.proc"), not 0"
	got=$(sed -n 's/^reaped \([0-9]*\) of .*/\1/p' "$D/reaper.out")
	[ "$got" = $((2 * N)) ] || why "the reaper says it reaped ${got:-nothing} of $((2 * N)) (N children and N adopted grandchildren)"
	[ "$(grep -c '^reaped [0-9]* status 0$' "$D/reaper.out")" = $N ] ||
		why "not $N 'reaped PID status 0' lines (the children)"
	[ "$(grep -c '^reaped [0-9]* status 7$' "$D/reaper.out")" = $N ] ||
		why "not $N 'reaped PID status 7' lines (the grandchildren)"
}

reaper_adopts() {
	local rp bad
	[ -f "$D/reaper.proc" ] || why "the reaper did not run"
	rp=$(sed -n 's/^pid //p' "$D/reaper.proc")
	[ "$(grep -c '^adopted ' "$D/reaper.out")" = $N ] ||
		why "not $N 'adopted PID by PPID' lines"
	bad=$(awk -v rp="$rp" '/^adopted / && $4 != rp { print $2 " by " $4 }' "$D/reaper.out" | head -n 1)
	[ -z "$bad" ] || why "grandchild $bad, not by the reaper $rp: is it a subreaper (PR_SET_CHILD_SUBREAPER)?"
}

no_zombie_left() {
	local z
	[ -f "$D/reaper.proc" ] || why "the reaper did not run"
	z=$(grep -c '^children ' "$D/reaper.proc")
	[ "$z" = 0 ] || why "after 'done' the reaper still had child processes (zombies): $(grep '^children ' "$D/reaper.proc" | tr '\n' ' ')"
}

check "build: make gives ./daemon and ./reaper" 5 make_builds daemon reaper
check "daemon: the command returns 0, the log says started" 5 daemon_starts
check "daemon: a session of its own, not its leader, no terminal" 10 own_session
check "daemon: working directory /" 5 cwd_root
check "daemon: umask 0" 5 umask_zero
check "daemon: exactly 3 descriptors, all /dev/null" 10 three_fds_devnull
check "daemon: log created 0666" 5 log_mode
check "daemon: stops on SIGTERM, and logs it" 5 stops_on_sigterm
check "reaper: reaps its N children and N grandchildren, exits 0" 10 reaper_reaps_all
check "reaper: every grandchild adopted by the reaper" 5 reaper_adopts
check "reaper: no zombie left after 'done'" 10 no_zombie_left
grade_end
