#!/bin/bash
# labs/lab4-allowlist/grade.sh - the student's profile.json, an OCI seccomp
# profile, against the given program (program/lines, built static) and the
# doors (doors.c, built static), both the grader's own: the profile
# parses, lines runs under it and counts right, its default refuses, it
# allows no more than lines needs (the calls strace sees lines make here,
# plus a short list of harmless ones), and every door is shut: those the
# handout names, and in the teacher's copy those listed in
# teacher/doors, which it does not.  Outcomes are exact: what a call
# returned, what the program printed, how it ended (128 + the signal when
# the filter killed it); never a timing.  A door this kernel lacks
# (refused even without a filter) counts as shut, SKIP.  Every program
# runs as the student (the check's uid when graded as root).
. "$(dirname "$0")/../lib.sh"
grade_begin lab4-allowlist

ML=${MODELAB:-$TOP/bin/modelab}
[ -x "$ML" ] || make -s -C "$TOP" bin/modelab > "$GRADE_TMP/modelab.log" 2>&1 ||
	grade_refuse "cannot build $ML: $(tail -n 1 "$GRADE_TMP/modelab.log")"
# the student's uid runs it: a copy in the grader's own directory, which
# it can reach wherever the tree lives (a clone in a private directory)
cp "$ML" "$GRADE_TMP/modelab" && chmod 755 "$GRADE_TMP/modelab" ||
	grade_refuse "cannot copy $ML"
ML=$GRADE_TMP/modelab
P=$B/profile.json
LINES=$GRADE_TMP/prog/lines
DOORS=$GRADE_TMP/doors
# the given program and the door test: built here, never taken from WORK
mkdir -p "$GRADE_TMP/prog"
cp "$LABDIR/program/Makefile" "$LABDIR/program/lines.c" "$GRADE_TMP/prog/"
make -s -C "$GRADE_TMP/prog" > "$GRADE_TMP/build.log" 2>&1 &&
	cc -std=c11 -O2 -static -o "$DOORS" "$LABDIR/doors.c" >> "$GRADE_TMP/build.log" 2>&1 ||
	grade_refuse "cannot build the program or the doors (static libc?): $(build_error "$GRADE_TMP/build.log")"
# the secret the doors try to read, like /etc/shadow: 0600, a token
# inside, readable by the student's uid without a filter (the doors run as
# it), so that only the profile can keep it unread
TOKEN=modelab-lab4-secret-$RANDOM$RANDOM
SECRET=$S/etc/shadow
mkdir -p "$S/etc"
(umask 077 && echo "root:$TOKEN:19000:0:99999:7:::" > "$SECRET")
[ -z "$GRADE_UID" ] || chown -R "$GRADE_UID:$GRADE_UID" "$S/etc"
# calls any program may make without opening a door: allowed beyond what
# lines makes (the handout lists them)
HARMLESS="exit exit_group rt_sigreturn rt_sigaction rt_sigprocmask sigaltstack
	brk mmap munmap mremap madvise mprotect fstat newfstatat lseek close
	getpid gettid uname clock_gettime gettimeofday time nanosleep
	clock_nanosleep futex sched_yield getrandom restart_syscall"
# the doors the handout does not name: the teacher's copy says which
HIDDEN=
[ -f "$LABDIR/teacher/doors" ] && HIDDEN=$(grep -v '^#' "$LABDIR/teacher/doors" | tr '\n' ' ')
SANDBOX_USER=
[ "$(id -u)" != 0 ] || [ -n "$GRADE_UID" ] || SANDBOX_USER=root
export ML P LINES DOORS TOKEN SECRET HARMLESS HIDDEN SANDBOX_USER

# sandboxed OUT CMD...: CMD under the profile, stdout in OUT.out, stderr in
# OUT.err; prints the exit status (128 + the signal if killed).  modelab
# sandbox and CMD run as the student (the check's uid, which owns the
# secret); only when root grades as root (GRADE_AS_ROOT=1) does the sandbox
# need --user root, which keeps it from dropping CMD to nobody: the
# profile, not the secret's file mode, must be what keeps a door shut.
sandboxed() {
	local out=$1
	shift
	student timeout 20 "$ML" sandbox ${SANDBOX_USER:+--user "$SANDBOX_USER"} --profile "$P" -- "$@" \
		> "$out.out" 2> "$out.err" < "${IN:-/dev/null}"
	echo $?
}

has_profile() { [ -f "$P" ] || why "no profile.json in $WORK"; }

parses() {
	has_profile
	"$ML" sandbox --profile "$P" --explain > "$GRADE_TMP/explain" 2>&1 ||
		why "modelab sandbox --profile profile.json --explain refused it: $(head -n 1 "$GRADE_TMP/explain")"
}

# lines counts right under the profile: 1234 lines, then an empty file
runs() {
	local rc n hint
	has_profile
	for n in 1234 0; do
		if [ "$n" = 0 ]; then : > "$GRADE_TMP/in.$n"; else seq "$n" > "$GRADE_TMP/in.$n"; fi
		rc=$(IN=$GRADE_TMP/in.$n sandboxed "$GRADE_TMP/run.$n" "$LINES")
		hint=
		[ "$rc" != 127 ] || hint=" (127: lines died in the C library's start-up, before its own code ran, so a call it needs was refused; --action notify names each refused call)"
		[ "$rc" = 0 ] || why "lines < FILE ($n lines) under the profile ended with status $rc, not 0$hint: $(grep -v '^modelab sandbox:' "$GRADE_TMP/run.$n.err" | head -n 1)$(tail -n 1 "$GRADE_TMP/run.$n.err")"
		[ "$(cat "$GRADE_TMP/run.$n.out")" = "$n" ] ||
			why "lines printed '$(head -c 40 "$GRADE_TMP/run.$n.out" | tr '\n' ' ')' for a file of $n lines, not $n"
	done
}

refuses_by_default() {
	local a
	has_profile
	a=$(jq -r '.defaultAction // "none"' "$P" 2>/dev/null) || why "profile.json is not JSON"
	case $a in
	SCMP_ACT_ERRNO | SCMP_ACT_KILL | SCMP_ACT_KILL_PROCESS | SCMP_ACT_KILL_THREAD | SCMP_ACT_TRAP) ;;
	*) why "defaultAction is $a: an allow-list refuses what it does not name (SCMP_ACT_ERRNO or SCMP_ACT_KILL_PROCESS)" ;;
	esac
}

# close_to_need: every name the profile lets through (a rule whose action
# is not a refusal: ALLOW, LOG, TRACE, NOTIFY...) is one lines makes here
# (strace) or a harmless one
close_to_need() {
	local need allowed extra
	has_profile
	(refuses_by_default) > /dev/null || why "defaultAction $(jq -r '.defaultAction // "none"' "$P" 2>/dev/null) lets every call it does not name through"
	command -v strace > /dev/null || why "strace is not installed (sh scripts/deps.sh installs it)"
	seq 100 > "$GRADE_TMP/in.need"
	student strace -f -qq -o "$S/need.strace" "$LINES" < "$GRADE_TMP/in.need" > /dev/null 2>&1 ||
		why "lines did not run under strace"
	need=$(sed -E 's/^[0-9]+ +//; s/\(.*//' "$S/need.strace" | grep -E '^[a-z0-9_]+$' | sort -u)
	allowed=$(jq -r '.syscalls[]? | select((.action // "") | test("^SCMP_ACT_(ERRNO|KILL|KILL_PROCESS|KILL_THREAD|TRAP)$") | not)
		| (.names // [.name])[]? | select(. != null)' "$P" 2>/dev/null | sort -u) ||
		why "profile.json is not JSON"
	extra=$(comm -23 <(echo "$allowed") <(printf '%s\n' $need $HARMLESS | sort -u) | grep . | tr '\n' ' ')
	[ -z "$extra" ] || why "profile.json lets through $(echo $extra | wc -w) calls lines never makes: $(echo $extra | cut -d' ' -f1-8)$([ "$(echo $extra | wc -w)" -gt 8 ] && echo ' ...'): an allow-list names what the program needs (lines here: $(echo $need | tr '\n' ' '))"
}

# door NAME: shut under the profile (refused, or killed), the secret unread
door() {
	local d=$1 rc base brc
	has_profile
	rc=$(sandboxed "$GRADE_TMP/door.$d" "$DOORS" "$d" "$SECRET")
	grep -qx ready "$GRADE_TMP/door.$d.out" ||
		why "the door test (a static program, like lines) did not start under profile.json (status $rc): let lines run first"
	# without any filter: does this kernel have the door at all?
	student timeout 20 "$DOORS" "$d" "$SECRET" > "$GRADE_TMP/base.$d" 2>&1 < /dev/null
	brc=$?
	base=$(sed -n 's/^refused //p' "$GRADE_TMP/base.$d")
	[ -z "$base" ] || { echo "SKIP: this kernel refuses $d without any filter ($base): no door here"; return 0; }
	[ $brc -lt 128 ] || { echo "SKIP: $d kills the caller without any filter (status $brc): no door here"; return 0; }
	! grep -qF "$TOKEN" "$GRADE_TMP/door.$d.out" ||
		why "$d read the secret file under profile.json"
	case $d in
	execve)	# the sandbox starts the program with execve: it stays allowed
		[ "$rc" != 42 ] ||
			why "execve /bin/sh ran 'sh -c \"exit 42\"' under profile.json: the filter stays across execve, and it lets a dynamic shell load (does lines need openat or mmap?)"
		;;
	execveat)
		grep -q '^refused ' "$GRADE_TMP/door.$d.out" || [ "$rc" -ge 128 ] ||
			why "execveat went through under profile.json: /bin/sh started (status $rc); refuse execveat, lines never calls it"
		;;
	*)
		grep -q '^refused ' "$GRADE_TMP/door.$d.out" || [ "$rc" -ge 128 ] ||
			why "$d went through under profile.json (status $rc): $(sed -n 2p "$GRADE_TMP/door.$d.out")"
		;;
	esac
}

# unpublished: every door of teacher/doors shut (one SKIP line when this
# copy has none: a student tree)
unpublished() {
	local d msg shut=0 skipped=
	[ -n "$HIDDEN" ] || { echo "SKIP: the teacher's grader tries doors the handout does not name"; return 0; }
	for d in $HIDDEN; do
		msg=$( (door "$d") ) || why "a door the handout does not name: $(tail -n 1 <<< "$msg")"
		case $msg in SKIP:*) skipped="$skipped $d" ;; *) shut=$((shut + 1)) ;; esac
	done
	echo "$shut doors the handout does not name: all shut${skipped:+ (not on this kernel:$skipped)}"
}

check parses 5 "profile.json parses (modelab sandbox --profile profile.json --explain)" parses
check runs 15 "lines < FILE runs under it and prints the count (1234, 0), status 0" runs
check default 5 "defaultAction refuses (an allow-list)" refuses_by_default
check need 10 "allows only what lines makes, and a few harmless calls" close_to_need
check door-open 5 "door: open the secret" door open
check door-openat 5 "door: openat the secret" door openat
check door-openat2 5 "door: openat2 the secret" door openat2
check door-execve 5 "door: execve /bin/sh runs no shell" door execve
check door-execveat 5 "door: execveat /bin/sh refused" door execveat
check door-clone3 5 "door: clone3 refused" door clone3
check door-io-uring 5 "door: io_uring_setup refused" door io_uring_setup
check door-socket 5 "door: socket(AF_INET) refused" door socket
check door-int80 5 "door: int 0x80 (i386 open of the secret) refused" door int80
check door-x32 5 "door: x32 openat of the secret refused" door x32
CHECK_TIMEOUT=180 check door-unpublished 10 "door: the doors the handout does not name, each shut" unpublished
grade_end
