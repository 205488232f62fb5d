#!/bin/bash
# labs/lab4-allowlist/grade.sh - WORK/profile.json, an OCI seccomp profile,
# against the given program (program/lines, built static) and the doors
# (doors.c, built static): the profile parses, lines runs under it and
# counts right, its default refuses, and every door is shut.  Outcomes are
# exact: what a call returned, what the program printed, how it ended
# (128 + the signal when the filter killed it); never a timing.  A door
# this kernel lacks (refused even without a filter) counts as shut, SKIP.
. "$(dirname "$0")/../lib.sh"
grade_begin lab4-allowlist

ML=${MODELAB:-$TOP/bin/modelab}
[ -x "$ML" ] || make -s -C "$TOP" bin/modelab > "$GRADE_TMP/modelab.log" 2>&1 ||
	{ echo "grade: cannot build $ML: $(tail -n 1 "$GRADE_TMP/modelab.log")" >&2; exit 2; }
P=$WORK/profile.json
LINES=$GRADE_TMP/prog/lines
DOORS=$GRADE_TMP/doors
# the given program and the door test: built here, never taken from WORK
mkdir -p "$GRADE_TMP/prog"
cp "$LABDIR/program/Makefile" "$LABDIR/program/lines.c" "$GRADE_TMP/prog/"
make -s -C "$GRADE_TMP/prog" > "$GRADE_TMP/build.log" 2>&1 &&
	cc -std=c11 -O2 -static -o "$DOORS" "$LABDIR/doors.c" >> "$GRADE_TMP/build.log" 2>&1 ||
	{ echo "grade: cannot build the program or the doors (static libc?): $(grep -m1 error "$GRADE_TMP/build.log")" >&2; exit 2; }
# the secret the doors try to read, like /etc/shadow: 0600, a token inside
TOKEN=modelab-lab4-secret-$RANDOM$RANDOM
SECRET=$GRADE_TMP/etc/shadow
mkdir -p "$GRADE_TMP/etc"
(umask 077 && echo "root:$TOKEN:19000:0:99999:7:::" > "$SECRET")
export ML P LINES DOORS TOKEN SECRET

# sandboxed OUT CMD...: CMD under the profile, stdout in OUT.out, stderr in
# OUT.err; prints the exit status (128 + the signal if killed).  As the
# grader's own user (--user root when root grades): the profile, not the
# secret's file mode, must be what keeps a door shut.
sandboxed() {
	local out=$1
	shift
	timeout 20 "$ML" sandbox --user "$(id -u)" --profile "$P" -- "$@" > "$out.out" 2> "$out.err" < "${IN:-/dev/null}"
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
	local rc n
	has_profile
	for n in 1234 0; do
		if [ "$n" = 0 ]; then : > "$GRADE_TMP/in.$n"; else seq "$n" > "$GRADE_TMP/in.$n"; fi
		rc=$(IN=$GRADE_TMP/in.$n sandboxed "$GRADE_TMP/run.$n" "$LINES")
		[ "$rc" = 0 ] || why "lines < FILE ($n lines) under the profile ended with status $rc, not 0: $(grep -v '^modelab sandbox:' "$GRADE_TMP/run.$n.err" | head -n 1)$(tail -n 1 "$GRADE_TMP/run.$n.err")"
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

# door NAME: shut under the profile (refused, or killed), the secret unread
door() {
	local d=$1 rc base brc
	has_profile
	rc=$(sandboxed "$GRADE_TMP/door.$d" "$DOORS" "$d" "$SECRET")
	grep -qx ready "$GRADE_TMP/door.$d.out" ||
		why "the door test (a static program, like lines) did not start under profile.json (status $rc): let lines run first"
	# without any filter: does this kernel have the door at all?
	timeout 20 "$DOORS" "$d" "$SECRET" > "$GRADE_TMP/base.$d" 2>&1 < /dev/null
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

check "profile.json parses (modelab sandbox --profile profile.json --explain)" 5 parses
check "lines < FILE runs under it and prints the count (1234, 0), status 0" 15 runs
check "defaultAction refuses (an allow-list)" 5 refuses_by_default
check "door: open the secret" 5 door open
check "door: openat the secret" 5 door openat
check "door: openat2 the secret" 5 door openat2
check "door: execve /bin/sh runs no shell" 5 door execve
check "door: execveat /bin/sh refused" 5 door execveat
check "door: clone3 refused" 5 door clone3
check "door: io_uring_setup refused" 5 door io_uring_setup
check "door: socket(AF_INET) refused" 5 door socket
check "door: int 0x80 (i386 open of the secret) refused" 5 door int80
check "door: x32 openat of the secret refused" 5 door x32
grade_end
