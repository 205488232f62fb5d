#!/bin/bash
# tests/host/ctrl_c.sh - an interrupted run leaves nothing behind.
# For each family, `modelab run FAMILY` is sent SIGINT early and later on
# (and SIGTERM once): it must exit with the signal's status (130, 143),
# leave no child running, no process at all of its own (every descendant
# carries the run's MODELAB_TMPDIR in its environment: the process
# family's orphans and daemons too, which are nobody's children), an
# empty MODELAB_TMPDIR, no /dev/shm entry and no POSIX message queue of
# its own (user/proc/cleanup.c, user/proc/child.c, user/proc/scratch.c).  ipc runs a few
# figures (MODELAB_IPC_FIGURES) with exec'd peers, queues, shared memory
# and FIFOs, so that a signal comes in the middle of a transfer.
#
# BIN=dir picks the programs to test (default: bin/).
set -u
cd "$(dirname "$0")/../.."
. tests/host/lib.sh
ML=$BIN/modelab
IPC_FIGURES='posix-mq-rtt-1cpu,shm-futex-rtt-2cpu,fifo-rtt-1cpu'

# POSIX message queues are visible only through an mqueue mount: /dev/mqueue
# when the system has one, else a private one (root, unshare -m), else none
mkdir -p "$tmp/mq"
if mountpoint -q /dev/mqueue 2>/dev/null; then
	mq_of() { ls /dev/mqueue | grep -e "^modelab-$1-"; }
elif [ "$(id -u)" -eq 0 ] &&
	unshare -m sh -c "mount -t mqueue none '$tmp/mq'" 2>/dev/null; then
	mq_of() {
		unshare -m sh -c "mount -t mqueue none '$tmp/mq' && ls '$tmp/mq'" |
			grep -e "^modelab-$1-"
	}
else
	mq_of() { :; }
	skip "no POSIX message queue left" "no /dev/mqueue, and not root to mount one"
fi

# Children of pid (every thread's), one per line.
kids() { cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | grep . ; }
gone() { ! kill -0 "$1" 2>/dev/null; }
# none PID...: no process of these is alive and none has PPID among them
none_alive() {
	local p
	for p in "$@"; do
		kill -0 "$p" 2>/dev/null && return 1
		[ -z "$(pgrep -P "$p")" ] || return 1
	done
	return 0
}

# marked DIR: live processes with MODELAB_TMPDIR=DIR in their environment
marked() { grep -lszxF "MODELAB_TMPDIR=$1" /proc/[0-9]*/environ; }
none_marked() { [ -z "$(marked "$1")" ]; }
# held FIGURE FILE: the run said, on stderr (FILE), that it holds there
held() { grep -q "holding in $1" "$2"; }
held_or_gone() { held "$1" "$2" || gone "$3"; }

# a later process of the run (user/measure/forks.c), a fresh exec: `PROG __fork`
later_process() {
	local k
	for k in $(kids "$1"); do
		{ tr '\0' ' ' <"/proc/$k/cmdline"; } 2>/dev/null | grep -q ' __fork ' && return 0
	done
	return 1
}

# interrupt WHAT SIG WHEN WANT [ARGS...]: `modelab run --time 2 ARGS`
# (default: WHAT, a family) gets SIG after WHEN seconds or, when WHEN is
# hold:FIGURE, once it holds at that figure's fullest moment (MODELAB_HOLD),
# or, when WHEN is "later", once a later process measures (forks.c).
interrupt() {
	local family=$1 sig=$2 delay=$3 want=$4 dir pid rc seen hold=
	shift 4
	[ $# -gt 0 ] || set -- "$family"
	[ "${delay#hold:}" != "$delay" ] && hold=${delay#hold:}
	dir=$(mktemp -d "$tmp/run.XXXXXX")
	: >"$tmp/err"
	# --time 2: long enough a run for both delays.  Job control on while
	# it starts: without, bash starts a background job ignoring SIGINT.
	set -m
	MODELAB_TMPDIR=$dir MODELAB_HOLD=$hold MODELAB_IPC_FIGURES=$IPC_FIGURES \
		"${default_int[@]}" "$ML" run --time 2 "$@" >/dev/null 2>"$tmp/err" &
	pid=$!
	set +m
	if [ -n "$hold" ]; then
		wait_until 60 held_or_gone "$hold" "$tmp/err" "$pid"
		check "$family: held in $hold" held "$hold" "$tmp/err"
	elif [ "$delay" = later ]; then
		check "$family: a later process is measuring" \
			wait_until 60 later_process "$pid"
	else
		sleep "$delay"
	fi
	seen=$(kids "$pid" | tr '\n' ' ')
	kill -"$sig" "$pid" 2>/dev/null
	# bounded: a run that ignored the signal is killed, and fails
	if ! wait_until 20 gone "$pid"; then
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	rc=$?
	local what="$family: SIG$sig after ${delay}s"
	[ -n "$hold" ] && what="$family: SIG$sig held in $hold"
	[ "$delay" = later ] && what="$family: SIG$sig in a later process"
	if [ "$rc" -eq 0 ]; then
		# the run ended before the signal came: nothing to interrupt
		skip "$what" "the run ended before the signal"
	else
		check "$what: exit status $want" test "$rc" -eq "$want"
	fi
	check "$what: no child left running" wait_until 5 none_alive $seen
	check "$what: no process of the run left" wait_until 5 none_marked "$dir"
	check "$what: MODELAB_TMPDIR is empty" test -z "$(ls -A "$dir")"
	local p shm= mq=
	for p in "$pid" $seen; do
		shm+=$(ls /dev/shm 2>/dev/null | grep -e "modelab-$p-")
		mq+=$(mq_of "$p")
	done
	check "$what: no /dev/shm/*modelab-PID-* of the run's processes left" test -z "$shm"
	check "$what: no POSIX message queue modelab-PID-* of theirs left" test -z "$mq"
	rm -rf "$dir"
}

# memory is demonstrations only, about 0.1 s in all: earlier signals
for family in syscall fault interrupt seccomp memory ipc; do
	delays="0.3 1.5" term=1.0
	[ "$family" = memory ] && delays="0.06 0.12" term=0.09
	for delay in $delays; do
		interrupt "$family" INT "$delay" 130
	done
	interrupt "$family" TERM "$term" 143
done

# a later process (a fresh exec of modelab, forks.c) with its own scratch
# objects, peers and children: SIGTERM from the run, and time to clean up
interrupt syscall INT later 130 syscall/getppid-syscall
interrupt ipc INT later 130
interrupt fault TERM later 143 fault/cow-after-fork fault/file-major

# process: in the lessons, at their fullest moments (an orphan and a
# daemon adopted by modelab, the subreaper), and in the cost figures
lessons="process/zombie process/orphan process/daemon"
interrupt process INT hold:orphan 130 $lessons
interrupt process INT 1.5 130
interrupt process TERM hold:daemon 143 $lessons

summary
