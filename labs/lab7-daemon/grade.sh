#!/bin/bash
# labs/lab7-daemon/grade.sh - the daemon and the reaper, built from the
# student's TODO regions inside the grader's own daemon.c, reaper.c and
# Makefile, each judged from what the kernel says, never from what the
# programs print about themselves:
#
#   - the daemon is started as from a login shell: a terminal as its
#     controlling terminal and standard input, stdout and stderr on a
#     file, three more descriptors open at numbers it cannot guess, umask
#     022.  One run, one snapshot of /proc/PID (stat, status, cwd, fd/),
#     then SIGTERM; each daemon check judges that snapshot.
#   - the reaper runs under strace (run by the grader, as root: the
#     student's code cannot touch its log), which sees every process exit
#     with its status and every wait4 the reaper makes: the "reaped PID
#     status S" lines must be exactly those processes and statuses.
#
# Counts, exit statuses and exact states; waits are bounded polls (10 s).
. "$(dirname "$0")/../lib.sh"
grade_begin lab7-daemon

D=$S/daemon		# the daemon's directory: it writes its log there
N=5
export D N
mkdir -p "$D"
[ -z "$GRADE_UID" ] || chown "$GRADE_UID:$GRADE_UID" "$D"

# stat_field PID N: field N of /proc/PID/stat (counted after the command's ')')
stat_field() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f$(($2 - 2)); }

# fact KEY [RUN]: the value the run (default daemon-starts) recorded for KEY
fact() { sed -n "s/^$1 //p" "$GRADE_TMP/out/${2:-daemon-starts}" | head -n 1; }

# The one run of the daemon (its checks judge what this records).  The
# check runs with a pseudo-terminal as its session's controlling terminal
# (CHECK_PTY), on standard input: a daemon that skips setsid() keeps it.
daemon_starts() {
	local rc p i fds s sid
	[ -x "$B/daemon" ] || why "no ./daemon (the build failed)"
	cd "$D" || why "no $D"
	umask 022
	fds="$((3 + RANDOM % 5)) $((10 + RANDOM % 90)) $((200 + RANDOM % 800))"
	for i in $fds; do
		eval "exec $i< \"$B/Makefile\""
	done
	echo "fds_given $fds"
	echo "judge_sid $(stat_field $$ 6)"
	student timeout 10 "$B/daemon" "$D/daemon.log" > "$D/stdout" 2>&1
	rc=$?
	for i in $fds; do
		eval "exec $i<&-"
	done
	[ $rc -ne 124 ] || why "'daemon LOG' did not return within 10 s: the process the shell started must exit once the daemon runs"
	[ $rc -eq 0 ] || why "'daemon LOG' exited with status $rc, not 0: $(tail -n 1 "$D/stdout")"
	poll grep -q '^started [0-9]' "$D/daemon.log" ||
		why "no 'started PID' line in the log within 10 s"
	p=$(sed -n 's/^started \([0-9]*\).*/\1/p' "$D/daemon.log" | head -n 1)
	s=$(stat_field "$p" 3)
	[ -n "$s" ] && [ "$s" != Z ] || why "the daemon $p is gone right after it started"
	[ -z "$GRADE_UID" ] || [ "$(awk '/^Uid:/ { print $2 }' "/proc/$p/status")" = "$GRADE_UID" ] ||
		why "the log names $p, which is no process the daemon started"
	echo "pid $p"
	sid=$(stat_field "$p" 6)
	echo "sid $sid"
	echo "pgid $(stat_field "$p" 5)"
	echo "tty_nr $(stat_field "$p" 7)"
	echo "cwd $(readlink "/proc/$p/cwd")"
	echo "umask $(awk '$1 == "Umask:" { print $2 }' "/proc/$p/status")"
	for i in /proc/$p/fd/*; do
		[ -e "$i" ] || [ -L "$i" ] || continue
		echo "fd ${i##*/} $(readlink "$i")"
	done
	echo "log_mode $(stat -c %a "$D/daemon.log")"
	kill -TERM "$p"
	gone() { s=$(stat_field "$p" 3); [ -z "$s" ] || [ "$s" = Z ]; }
	if poll gone; then echo "after_sigterm gone"; else echo "after_sigterm running"; fi
	# what the daemon started is part of it: its session must end with it
	left() {
		cat /proc/[0-9]*/stat 2>/dev/null |
			awk -v s="$sid" '{ sub(/.*\) /, "") } $4 == s && $1 != "Z" { n++ } END { print n + 0 }'
	}
	settled() { [ "$(left)" = 0 ]; }
	if [ "$sid" != "$(stat_field $$ 6)" ]; then
		poll settled
		echo "session_left $(left)"
	fi
	grep -q '^stopping on SIGTERM' "$D/daemon.log" && echo "logged_stop yes"
	echo "the daemon $p started"
}

the_daemon() {
	[ -n "$(fact pid)" ] || why "no daemon ran: $(tail -n 1 "$GRADE_TMP/out/daemon-starts" 2>/dev/null)"
}

own_session() {
	local p sid
	the_daemon
	p=$(fact pid)
	sid=$(fact sid)
	[ "$((sid))" -ne "$(($(fact judge_sid)))" ] ||
		why "the daemon is still in the session of the shell that started it ($sid): setsid() was not called"
	[ "$((sid))" -ne "$((p))" ] ||
		why "the daemon $p leads its session: it could acquire a terminal (fork again after setsid)"
	[ "$(($(fact pgid)))" -ne "$((p))" ] || why "the daemon $p leads its process group"
	[ "$(fact tty_nr)" = 0 ] || why "the daemon has a controlling terminal (tty_nr $(fact tty_nr)), the one of the shell that started it"
}

cwd_root() {
	the_daemon
	[ "$(fact cwd)" = / ] || why "the daemon's working directory is $(fact cwd), not /"
}

umask_zero() {
	the_daemon
	[ "$(fact umask)" = 0000 ] || why "the daemon's umask is $(fact umask), not 0000"
}

three_fds_devnull() {
	local f n other
	the_daemon
	f=$GRADE_TMP/out/daemon-starts
	n=$(grep -c '^fd ' "$f")
	other=$(awk '$1 == "fd" && $3 != "/dev/null" { printf " %s->%s", $2, $3 }' "$f")
	[ "$n" -eq 3 ] || why "the daemon holds $n descriptors, not 3:$other (the shell left it $(fact fds_given) open besides 0, 1 and 2)"
	[ -z "$other" ] || why "descriptors not on /dev/null:$other"
	[ "$(awk '$1 == "fd" { printf "%s ", $2 }' "$f")" = "0 1 2 " ] ||
		why "the three descriptors are not 0, 1 and 2"
}

log_mode() {
	the_daemon
	[ "$(fact log_mode)" = 666 ] || why "the log was created $(fact log_mode), not 666: create it after umask(0)"
}

stops_on_sigterm() {
	the_daemon
	[ "$(fact after_sigterm)" = gone ] || why "the daemon $(fact pid) is still running 10 s after SIGTERM"
	[ "$(fact session_left)" = "" ] || [ "$(fact session_left)" = 0 ] ||
		why "$(fact session_left) processes of the daemon's session still run 10 s after it stopped: what a daemon starts stops with it"
	[ "$(fact logged_stop)" = yes ] ||
		why "the daemon ended without logging 'stopping on SIGTERM' (SIGTERM killed it: it never waited for it)"
}

# The one run of the reaper, with N children: under strace (the judge's,
# as root), standard input a fifo held open until /proc is read.
reaper_runs() {
	local p st=$GRADE_TMP/reaper.strace out=$GRADE_TMP/reaper.out r
	[ -x "$B/reaper" ] || why "no ./reaper (the build failed)"
	command -v strace > /dev/null || why "strace is not installed (sh scripts/deps.sh installs it)"
	mkfifo "$GRADE_TMP/fifo"
	strace -f -q -o "$st" -e trace=wait4,waitid -e signal=none \
		"$CONTAIN" -x -n "${CHECK_NPROC:-256}" ${GRADE_UID:+-u "$GRADE_UID"} -- \
		"$B/reaper" $N < "$GRADE_TMP/fifo" > "$out" 2>&1 &
	p=$!
	exec 3> "$GRADE_TMP/fifo"
	finished() { grep -q '^done$' "$out"; }
	poll finished || why "the reaper never printed 'done' within 10 s"
	read -r r _ < "/proc/$p/task/$p/children"	# strace's child: the reaper
	echo "reaper $r"
	# every process whose parent is the reaper, zombies included
	for s in /proc/[0-9]*/stat; do
		sed 's/.*) //' "$s" 2>/dev/null | awk -v p="$r" '$2 == p { print "child " $1 }'
	done
	exec 3>&-
	wait $p
	echo "exit $?"
	cat "$out" > /dev/null
}

# truth: "PID STATUS" of every process that ended under strace but the reaper
truth() {
	local r
	r=$(fact reaper reaper-runs)
	sed -n 's/^\([0-9]*\) *+++ exited with \([0-9]*\) +++$/\1 \2/p; s/^\([0-9]*\) *+++ killed by SIG\([A-Z0-9]*\).*/\1 killed/p' \
		"$GRADE_TMP/reaper.strace" | awk -v r="$r" '$1 != r' | sort
}

reaper_reaps_all() {
	local got want said
	[ -n "$(fact reaper reaper-runs)" ] || why "the reaper did not run: $(tail -n 1 "$GRADE_TMP/out/reaper-runs")"
	[ "$(fact exit reaper-runs)" = 0 ] || why "the reaper exited with status $(fact exit reaper-runs), not 0"
	want=$(truth)
	[ "$(grep -c . <<< "$want")" = $((2 * N)) ] ||
		why "$(grep -c . <<< "$want") processes ended, not $((2 * N)) (N children and N grandchildren)"
	said=$(sed -n 's/^reaped \([0-9]*\) status \([0-9]*\)$/\1 \2/p' "$GRADE_TMP/reaper.out" | sort)
	got=$(comm -13 <(echo "$want") <(echo "$said") | head -n 1)
	[ -z "$got" ] || why "the reaper printed 'reaped ${got% *} status ${got#* }', but no such process ended with that status"
	got=$(comm -23 <(echo "$want") <(echo "$said") | head -n 1)
	[ -z "$got" ] || why "process ${got% *} ended with status ${got#* }, and the reaper printed no 'reaped ${got% *} status ${got#* }'"
	[ "$(grep -c . <<< "$said")" = $((2 * N)) ] || why "the reaper printed a 'reaped' line more than once for a process"
	got=$(sed -n 's/^reaped \([0-9]*\) of .*/\1/p' "$GRADE_TMP/reaper.out")
	[ "$got" = $((2 * N)) ] || why "the reaper says it reaped ${got:-nothing} of $((2 * N))"
}

reaper_adopts() {
	local rp bad
	rp=$(fact reaper reaper-runs)
	[ -n "$rp" ] || why "the reaper did not run"
	[ "$(grep -c '^adopted ' "$GRADE_TMP/reaper.out")" = $N ] ||
		why "not $N 'adopted PID by PPID' lines"
	bad=$(awk -v rp="$rp" '/^adopted / && $4 != rp { print $2 " by " $4 }' "$GRADE_TMP/reaper.out" | head -n 1)
	[ -z "$bad" ] || why "grandchild $bad, not by the reaper $rp: is it a subreaper (PR_SET_CHILD_SUBREAPER)?"
}

no_zombie_left() {
	[ -n "$(fact reaper reaper-runs)" ] || why "the reaper did not run"
	[ -z "$(fact child reaper-runs)" ] ||
		why "after 'done' the reaper still had child processes (zombies): $(grep '^child ' "$GRADE_TMP/out/reaper-runs" | tr '\n' ' ')"
}

check -r ".*" build 5 "build: make gives ./daemon and ./reaper" make_builds daemon reaper
CHECK_PTY=1 check -r "daemon-.*" daemon-starts 5 "daemon: the command returns 0, the log says started" daemon_starts
check daemon-session 10 "daemon: a session of its own, not its leader, no terminal" own_session
check daemon-cwd 5 "daemon: working directory /" cwd_root
check daemon-umask 5 "daemon: umask 0" umask_zero
check daemon-fds 10 "daemon: exactly 3 descriptors, all /dev/null" three_fds_devnull
check daemon-log-mode 5 "daemon: log created 0666" log_mode
check daemon-sigterm 5 "daemon: stops on SIGTERM, and logs it" stops_on_sigterm
check -r "reaper-.*" reaper-runs 0 "reaper: runs to 'done' under strace" reaper_runs
check reaper-reaps 10 "reaper: reaps its N children and N grandchildren, each line the real PID and status, exits 0" reaper_reaps_all
check reaper-adopts 5 "reaper: every grandchild adopted by the reaper" reaper_adopts
check reaper-no-zombie 10 "reaper: no zombie left after 'done'" no_zombie_left
grade_end
