# labs/lib.sh - what every labs/NAME/grade.sh shares: the graded tree, one
# line per check, the score, the result file.  A grade.sh is
#
#	. "$(dirname "$0")/../lib.sh"
#	grade_begin NAME        # the graded tree $B: the student's files laid over the grader's
#	check ID POINTS "what is checked" FUNCTION ARGS...
#	...
#	grade_end               # Score, build/grade/NAME.json, exit status
#
# The graded tree.  labs/NAME/owned lists what the student owns: `whole
# FILE` (the student writes all of it), `regions FILE` (only its TODO
# regions: labs/regions.awk), `answers FILE` (packed by `make handin`, read
# by the teacher, not graded here).  grade_begin copies the grader's own
# files (the lab's starter, or the whole project for a lab done in it,
# labs/NAME/in-tree) to $B and lays WORK's owned files over them: every
# other file, Makefile, script, test and VM runner is the grader's.  What
# WORK changed anywhere else is reported, ignored and never run.
#
# Checks.  check ID POINTS WHAT CMD...: CMD, the grader's judge, runs in a
# fresh bash in $B, with every function of grade.sh and every exported
# variable, inside labs/contain.c: a session of its own, CHECK_TIMEOUT
# seconds (default 60), CHECK_MEM MiB of address space per process
# (default 2048); when it ends or times out, everything it started is
# killed.  What the student's files became runs through `student CMD...`:
# CHECK_NPROC processes (default 256) and, when the grader is root, as a
# uid of its own that no other process has (GRADE_UID): it can neither
# touch the judge nor outlive it.  Files a student's program must write
# go in $B or $S; the judge's own in $GRADE_TMP.  Status 0 earns the points; otherwise 0
# and the message is CMD's last line of output (`why "..."`).  A check with
# nothing to test here (a kernel without the feature) ends its output with
# `SKIP: why`: full points, and that line is its message.  check -r IDS
# marks a check others need (a build, a boot), IDS an ERE of their ids: it
# runs when CHECK= names one of them.  Checks assert counts, exit statuses, exact errors and orderings
# the hardware guarantees, never a timing.
#
# Environment: WORK (the student's tree; see grade_begin), CHECK (ids,
# comma-separated: run only those), REFERENCE=1 (grade the reference
# solution: the teacher's copy only), GRADE_OUT (default build/grade),
# GRADE_TIMEOUT_MAX (caps every check's time), GRADE_AS_ROOT=1 (no uid of
# its own even as root).

# why MESSAGE...: print the failure's reason and end the check (status 1).
# A check that calls another check runs it in a subshell: `(other) || why ...`
why() {
	echo "$*"
	exit 1
}

# poll CMD...: CMD until it succeeds, every 10 ms, for 10 s at most (by
# the clock, however long CMD takes): a bound that only ends a wait that
# would otherwise never end
poll() {
	local end=$((SECONDS + 11))
	while [ $SECONDS -lt $end ]; do
		"$@" && return 0
		sleep 0.01
	done
	"$@"
}

# first_line PATTERN FILE: FILE's first line matching PATTERN (ERE), cut
first_line() { grep -m1 -E "$1" "$2" | cut -c1-200; }

# build_error LOG: the first error of a build: the compiler's or the
# linker's message, else make's, else the last line (never a command line
# that merely holds -Werror)
build_error() {
	local l
	# the linker's own line first: its "collect2: error: ld returned 1"
	# would match the compiler's pattern and hide what it refused
	for p in 'undefined reference|multiple definition|cannot find -l' ': (fatal )?error: ' '\*\*\*'; do
		l=$(first_line "$p" "$1")
		[ -z "$l" ] || { echo "$l"; return; }
	done
	tail -n 1 "$1" | cut -c1-200
}

# syscall_name NR: the name of system call NR on this machine (wait4 for
# 61 on x86-64), or NR itself
syscall_name() {
	local t=$GRADE_TMP/syscalls
	[ -s "$t" ] || printf '#include <sys/syscall.h>\n' | cc -dM -E - 2>/dev/null |
		awk '$1 == "#define" && $2 ~ /^__NR_/ && $3 ~ /^[0-9]+$/ { print $3, substr($2, 6) }' > "$t"
	awk -v n="$1" '$1 == n { print $2; found = 1; exit } END { if (!found) print n }' "$t"
}

# make_builds PROGRAM...: make succeeds in the graded tree $B (the grader's
# Makefile) and made each ./PROGRAM (-k: one program's error leaves the
# others built, for the checks that need only them)
make_builds() {
	local p
	student make -k -C "$B" > "$GRADE_TMP/build.log" 2>&1 ||
		why "make failed: $(build_error "$GRADE_TMP/build.log")"
	for p in "$@"; do
		[ -x "$B/$p" ] || why "make built no ./$p"
	done
}

# object_check OBJ MUST ALLOWED [syscalls-ok]: the student's OBJ (a .o the
# grader built) defines each global symbol of MUST and no other; calls
# nothing outside ALLOWED (an ERE of names); holds no constructor or
# destructor and (unless syscalls-ok) no system call instruction.  What the
# student's code may do is what its part of the program needs, never
# another part's work.
object_check() {
	local o=$1 must=$2 allowed=$3 src defs s extra calls
	src=$(basename "$o" .o)
	src=${src%.standalone}.c
	[ -f "$o" ] || why "$src was not compiled (the build failed)"
	defs=$(nm -P -g --defined-only "$o" | awk '{ print $1 }')
	for s in $must; do
		grep -qxF "$s" <<< "$defs" || why "$src defines no $s()"
	done
	extra=$(grep -vxF -f <(printf '%s\n' $must) <<< "$defs" | head -n 3 | tr '\n' ' ')
	[ -z "$extra" ] || why "$src defines ${extra% }: it defines only $(echo $must | sed 's/ /, /g') (make the rest static)"
	calls=$(nm -P -u "$o" | awk '{ print $1 }' | grep -vxE "$allowed" | head -n 3 | tr '\n' ' ')
	[ -z "$calls" ] || why "$src calls ${calls% }: its part of the program needs none of them"
	! objdump -h "$o" | grep -qE '\.(init_array|fini_array|preinit_array|ctors|dtors)' ||
		why "$src has a constructor or destructor: code that runs before main() is not its part"
	[ "${4:-}" = syscalls-ok ] ||
		! objdump -d --no-show-raw-insn "$o" | grep -qE '[[:space:]](syscall|sysenter|int[[:space:]]+\$0x80|svc|ecall)([[:space:]]|$)' ||
		why "$src makes a system call itself: only the given code enters the kernel"
}

# module_builds DIR: DIR's modelab.ko builds against the lab VM's kernel
# (scripts/kdir.sh) with W=1 and not one warning; the log in $GRADE_TMP
module_builds() {
	local kdir log=$GRADE_TMP/kmod.log
	kdir=$(sh "$TOP/scripts/kdir.sh" | cut -d' ' -f2) ||
		why "no kernel headers for the lab VM (scripts/kdir.sh)"
	student make -C "$kdir" M="$1" W=1 modules > "$log" 2>&1 ||
		why "the module does not build: $(build_error "$log")"
	! grep -qE 'warning:|error:' "$log" ||
		why "W=1 is not clean: $(first_line 'warning:|error:' "$log")"
	[ -f "$1/modelab.ko" ] || why "the build made no modelab.ko"
}

# kernel_quiet CONSOLE: the lab VM's console log shows no Oops, BUG or
# WARNING (the VM suite's rule)
kernel_quiet() {
	local e
	[ -f "$1" ] || why "the lab VM did not run (no console log)"
	e=$(tr -d '\r' < "$1" | grep -m1 -E 'Oops|BUG:|WARNING:|general protection|Call Trace')
	[ -z "$e" ] || why "the kernel said: $e"
}

# student CMD...: CMD (built from the student's files) with the student's
# limits and, as root, as the check's own uid.  (In the background, $!
# would be a subshell's: `(exec "$CONTAIN" -x ... -- CMD) &` instead.)
student() {
	"$CONTAIN" -x -m "${CHECK_MEM:-2048}" -n "${CHECK_NPROC:-256}" ${GRADE_UID:+-u "$GRADE_UID"} -- "$@"
}

. "$(dirname "${BASH_SOURCE[0]}")/graded.sh"

# A grade.sh may define grade_cleanup: run at the end, as the grader.
grade_cleanup() { :; }

# check [-r IDS] ID POINTS WHAT CMD...
check() {
	local needed_by= id points name out rc earned msg t mem rep left=0 c run
	[ "$1" = -r ] && { needed_by=$2; shift 2; }
	id=$1 points=$2 name=$3
	shift 3
	_ids="$_ids $id"
	if [ -n "${CHECK:-}" ] && [[ " ${CHECK//,/ } " != *" $id "* ]]; then
		run=0
		for c in ${CHECK//,/ }; do
			[ -n "$needed_by" ] && [[ $c =~ ^($needed_by)$ ]] && run=1
		done
		[ $run = 1 ] || return 0
	fi
	t=${CHECK_TIMEOUT:-60}
	[ -z "${GRADE_TIMEOUT_MAX:-}" ] || [ "$t" -le "$GRADE_TIMEOUT_MAX" ] || t=$GRADE_TIMEOUT_MAX
	mem=${CHECK_MEM:-2048}
	rep=$GRADE_PRIV/contain.$id
	out=$(cd "$B" && "$CONTAIN" -t "$t" -m "$mem" ${GRADE_UID:+-k "$GRADE_UID"} ${CHECK_PTY:+-p} -r "$rep" -- \
		bash -c "$(declare -f); \"\$@\"" check "$@" 2>&1 </dev/null)
	rc=$?
	mkdir -p "$GRADE_TMP/out"
	printf '%s\n' "$out" > "$GRADE_TMP/out/$id"
	read -r _ _ _ left _ < "$rep" 2>/dev/null
	_max=$((_max + points))
	if [ $rc -eq 0 ]; then
		earned=$points
		msg=$(printf '%s\n' "$out" | grep . | tail -n 1 | grep '^SKIP: ')
		printf '%s ... ok [%d/%d]%s\n' "$name" "$points" "$points" "${msg:+ ($msg)}"
	else
		earned=0
		if [ $rc -eq 124 ]; then
			msg="timed out after $t s: the check and all it started were killed"
		elif [ $rc -eq 125 ]; then
			msg="the grader could not run the check: $(printf '%s\n' "$out" | grep '^contain:' | tail -n 1)"
		else
			msg=$(printf '%s\n' "$out" | grep . | tail -n 1 | cut -c1-300)
			[ -n "$msg" ] || msg="failed with status $rc"
		fi
		printf '%s ... FAIL [0/%d]: %s\n' "$name" "$points" "$msg"
	fi
	[ "${left:-0}" = 0 ] || printf '  (%s processes it left running were killed)\n' "$left"
	_score=$((_score + earned))
	jq -nc --arg id "$id" --arg name "$name" --argjson points "$points" \
		--argjson earned "$earned" --arg msg "$msg" --argjson left "${left:-0}" \
		'{id: $id, name: $name, points: $points, earned: $earned, ok: ($earned == $points),
		  message: (if $msg == "" then null else $msg end), left_running: $left}' >> "$_checks"
}

grade_end() {
	local out=$GRADE_OUT/$LAB.json c
	if [ -n "${CHECK:-}" ]; then
		for c in ${CHECK//,/ }; do
			[[ "$_ids " == *" $c "* ]] ||
				{ echo "grade: $LAB has no check '$c' (its checks:$_ids)" >&2; exit 2; }
		done
	fi
	jq -s --arg lab "$LAB" --arg work "$WORK" --arg only "${CHECK:-}" \
		--argjson score "$_score" --argjson max "$_max" \
		--slurpfile notes "$GRADE_PRIV/notes.json" \
		'{lab: $lab, work: $work, score: $score, max: $max,
		  full_marks: ($score == $max), only: (if $only == "" then null else ($only | split(",")) end),
		  notes: $notes[0], checks: .}' "$_checks" > "$out"
	echo "Score: $_score/$_max${CHECK:+ (only the checks $CHECK and what they need)}"
	[ "$_score" -eq "$_max" ]
}
