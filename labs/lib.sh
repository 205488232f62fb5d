# labs/lib.sh - what every labs/NAME/grade.sh shares: one line per check,
# the score, the result file.  A grade.sh is
#
#	. "$(dirname "$0")/../lib.sh"
#	grade_begin NAME              # WORK: the student's tree
#	check "what is checked" 5 FUNCTION ARGS...
#	...
#	grade_end                     # Score, build/grade/NAME.json, exit status
#
# check NAME POINTS CMD...: CMD runs in a fresh bash under `timeout`
# (CHECK_TIMEOUT seconds, default 60), with every function of grade.sh and
# every exported variable (export what a check reads).  Status 0 earns the
# points; otherwise the check earns 0 and its message is CMD's last line of
# output (a check says why it failed, e.g. `why "no lab1.json in $WORK"`).
# A check that passes because there is nothing to test here (a kernel
# without the feature) ends its output with a line `SKIP: why`: full
# points, and that line is its message.
# Checks assert counts, exit statuses, exact errors and orderings the
# hardware guarantees, never a timing.
#
# Environment: WORK (default labs/NAME/solution; the project itself for a
# lab with a file labs/NAME/in-tree), GRADE_OUT (default
# build/grade), CHECK_TIMEOUT.

# why MESSAGE...: print the failure's reason and end the check (status 1).
# A check that calls another check runs it in a subshell: `(other) || why ...`
why() {
	echo "$*"
	exit 1
}

# poll CMD...: CMD until it succeeds, every 10 ms, at most 10 s: a bound
# that only ends a wait that would otherwise never end
poll() {
	local i
	for ((i = 0; i < 1000; i++)); do
		"$@" && return 0
		sleep 0.01
	done
	return 1
}

# first_line PATTERN FILE: FILE's first line matching PATTERN (ERE), cut
first_line() { grep -m1 -E "$1" "$2" | cut -c1-200; }

# make_builds PROGRAM...: the hand-in copy $B has a Makefile, make succeeds
# there, and it made each ./PROGRAM
make_builds() {
	local p
	[ -f "$B/Makefile" ] || why "no Makefile in the hand-in"
	make -C "$B" > "$GRADE_TMP/build.log" 2>&1 ||
		why "make failed: $(first_line 'error' "$GRADE_TMP/build.log")"
	for p in "$@"; do
		[ -x "$B/$p" ] || why "make built no ./$p"
	done
}

# module_builds DIR: DIR's modelab.ko builds against the lab VM's kernel
# (scripts/kdir.sh) with W=1 and not one warning; the log in $GRADE_TMP
module_builds() {
	local kdir log=$GRADE_TMP/kmod.log
	kdir=$(sh "$TOP/scripts/kdir.sh" | cut -d' ' -f2) ||
		why "no kernel headers for the lab VM (scripts/kdir.sh)"
	make -C "$kdir" M="$1" W=1 modules > "$log" 2>&1 ||
		why "the module does not build: $(first_line 'error' "$log")"
	! grep -qE 'warning|error' "$log" ||
		why "W=1 is not clean: $(first_line 'warning|error' "$log")"
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

grade_begin() {
	LAB=$1
	LABDIR=$(cd "$(dirname "$0")" && pwd)
	TOP=$(cd "$LABDIR/../.." && pwd)
	# an in-tree lab (scripts/starter.sh) is done in the project itself
	if [ -f "$LABDIR/in-tree" ]; then
		WORK=${WORK:-$TOP}
	else
		WORK=${WORK:-$LABDIR/solution}
	fi
	[ -d "$WORK" ] || { echo "grade: $LAB: no work tree at $WORK" >&2; exit 2; }
	WORK=$(cd "$WORK" && pwd)
	GRADE_OUT=${GRADE_OUT:-$TOP/build/grade}
	CHECK_TIMEOUT=${CHECK_TIMEOUT:-60}
	mkdir -p "$GRADE_OUT"
	GRADE_TMP=$(mktemp -d)
	export LAB LABDIR TOP WORK GRADE_TMP
	trap 'grade_cleanup; rm -rf "$GRADE_TMP"' EXIT
	_checks=$GRADE_TMP/checks.jsonl
	: > "$_checks"
	_score=0
	_max=0
	echo "grading $LAB in $WORK"
}

# A grade.sh may define grade_cleanup (kill what the student's programs
# left running); this one does nothing.
grade_cleanup() { :; }

check() {
	local name=$1 points=$2 out rc earned msg
	shift 2
	out=$(cd "$WORK" && timeout -k 5 "$CHECK_TIMEOUT" \
		bash -c "$(declare -f); \"\$@\"" check "$@" 2>&1 </dev/null)
	rc=$?
	_max=$((_max + points))
	if [ $rc -eq 0 ]; then
		earned=$points
		msg=$(printf '%s\n' "$out" | grep . | tail -n 1 | grep '^SKIP: ')
		printf '%s ... ok [%d/%d]%s\n' "$name" "$points" "$points" "${msg:+ ($msg)}"
	else
		earned=0
		if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
			msg="timed out after ${CHECK_TIMEOUT} s"
		else
			msg=$(printf '%s\n' "$out" | grep . | tail -n 1)
			[ -n "$msg" ] || msg="failed with status $rc"
		fi
		printf '%s ... FAIL [0/%d]: %s\n' "$name" "$points" "$msg"
	fi
	_score=$((_score + earned))
	jq -nc --arg name "$name" --argjson points "$points" \
		--argjson earned "$earned" --arg msg "$msg" \
		'{name: $name, points: $points, earned: $earned, ok: ($earned == $points),
		  message: (if $msg == "" then null else $msg end)}' >> "$_checks"
}

grade_end() {
	local out=$GRADE_OUT/$LAB.json
	jq -s --arg lab "$LAB" --arg work "$WORK" \
		--argjson score "$_score" --argjson max "$_max" \
		'{lab: $lab, work: $work, score: $score, max: $max,
		  full_marks: ($score == $max), checks: .}' "$_checks" > "$out"
	echo "Score: $_score/$_max"
	[ "$_score" -eq "$_max" ]
}
