#!/bin/bash
# grade-selftest.sh - `make grade-selftest`: proves every lab's grader.
#
#   - each lab's starter (what the student gets, nothing written in it)
#     scores below full marks, every failing check with a message, none
#     timed out (a lab done in the project's tree: a clone of the student
#     tree; nothing written there, so its lab VM is never booted);
#   - each reference solution (REFERENCE=1) scores full marks;
#   - the cheat suite (tests/graders/run.sh): every hand-in that does not do
#     the work scores below full marks, saying why, and the ones that do
#     it their own way (answers in Chinese) full marks;
#   - the student tree (make student-tree): no reference solution in it,
#     and its own `make grade` and `make handin` work (lab 4's starter).
#
# In a student tree there is no reference and no cheat suite: one SKIP.
# Ends with `N passed, N failed`.  LABS=... limits it to some labs.
set -u
cd "$(dirname "$0")/.."
TOP=$(pwd)
. labs/tree.sh
if is_student_tree "$TOP"; then
	echo "SKIP: grade-selftest: a student tree holds no reference solution and no cheat suite"
	echo "0 passed, 0 failed"
	exit 0
fi
dir=$TOP/build/grade-selftest
rm -rf "$dir"
mkdir -p "$dir"
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "PASS: $1"; }
bad() { failed=$((failed + 1)); echo "FAIL: $1${2:+: $2}"; }
labs=${LABS:-$(for g in labs/*/grade.sh; do basename "$(dirname "$g")"; done)}

for lab in $labs; do
	g=labs/$lab/grade.sh
	w=$dir/starter/$lab
	mkdir -p "$dir/starter"
	if [ -f "labs/$lab/in-tree" ]; then
		[ -d "$dir/tree" ] || sh scripts/student-tree.sh "$dir/tree" > /dev/null
		git clone -q "$dir/tree" "$w"
	else
		lab_starter "labs/$lab" "$w"
	fi || { bad "$lab: the starter is made"; continue; }
	WORK=$w GRADE_OUT=$dir/starter-result REFERENCE=0 CHECK= bash "$g" > "$dir/$lab.starter.txt" 2>&1
	rc=$?
	r=$dir/starter-result/$lab.json
	echo "$lab starter: $(grep '^Score:' "$dir/$lab.starter.txt")"
	if [ $rc -eq 1 ] && jq -e '.score < .max' "$r" > /dev/null 2>&1; then
		ok "$lab: the starter scores below full marks"
	else
		bad "$lab: the starter scores below full marks" "exit $rc, see $dir/$lab.starter.txt"
	fi
	if jq -e '[.checks[] | select(.ok | not) | .message | select(. == null or . == "")] | length == 0' "$r" > /dev/null 2>&1; then
		ok "$lab: every failing check of the starter says why"
	else
		bad "$lab: every failing check of the starter says why" "$r"
	fi
	if jq -e '[.checks[] | select(.message != null and (.message | startswith("timed out")))] | length == 0' "$r" > /dev/null 2>&1; then
		ok "$lab: no check of the starter timed out"
	else
		bad "$lab: no check of the starter timed out" "$r"
	fi
	REFERENCE=1 WORK= GRADE_OUT=$dir/solution-result CHECK= bash "$g" > "$dir/$lab.solution.txt" 2>&1
	rc=$?
	echo "$lab solution: $(grep '^Score:' "$dir/$lab.solution.txt")"
	if [ $rc -eq 0 ] && jq -e '.full_marks' "$dir/solution-result/$lab.json" > /dev/null 2>&1; then
		ok "$lab: the solution scores full marks"
	else
		bad "$lab: the solution scores full marks" "$(grep FAIL "$dir/$lab.solution.txt" | head -n 3)"
	fi
done

# the cheat suite
GRADERS_OUT=$dir/graders bash tests/graders/run.sh $labs > "$dir/graders.txt" 2>&1
grep -E '^(FAIL|SKIP):|: Score:' "$dir/graders.txt"
set -- $(tail -n 1 "$dir/graders.txt" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
passed=$((passed + ${1:-0}))
failed=$((failed + ${2:-1}))
[ -n "${1:-}" ] || echo "FAIL: the cheat suite ended early: $(tail -n 1 "$dir/graders.txt")"

# the student tree: nothing of a reference, and its graders work
t=$dir/tree
[ -d "$t" ] || sh scripts/student-tree.sh "$t" > /dev/null
if [ -d "$t" ] && ! compgen -G "$t/labs/*/solution" > /dev/null && [ ! -d "$t/tests/graders" ] &&
   ! grep -rqE '^[[:space:]]*(/\*|#|<!--|//)[[:space:]]*(BEGIN|END) SOLUTION' "$t"; then
	ok "student tree: no solution/, no cheat suite, no SOLUTION marker"
else
	bad "student tree: no solution/, no cheat suite, no SOLUTION marker" "$t"
fi
if [ -f "$t/labs/lab4-allowlist/starter/profile.json" ]; then
	mkdir -p "$dir/home"
	(cd "$t" && make -s starter LAB=lab4-allowlist DEST="$dir/home" > /dev/null &&
		MODELAB=$TOP/bin/modelab make -s grade LAB=lab4-allowlist WORK="$dir/home/lab4-allowlist" CHECK=parses,runs > "$dir/tree-grade.txt" 2>&1)
	if grep -q '^Score: 5/20 ' "$dir/tree-grade.txt"; then
		ok "student tree: make starter, then make grade CHECK=parses,runs of the starter: 5/20"
	else
		bad "student tree: make starter, then make grade CHECK=parses,runs of the starter: 5/20" "$(tail -n 3 "$dir/tree-grade.txt")"
	fi
	(cd "$t" && MODELAB=$TOP/bin/modelab HANDIN_OUT=$dir/handin make -s handin LAB=lab4-allowlist WORK="$dir/home/lab4-allowlist" > "$dir/tree-handin.txt" 2>&1)
	if tar tzf "$dir"/handin/lab4-allowlist-*.tar.gz 2>/dev/null | grep -q '/work/profile.json$'; then
		ok "student tree: make handin packs work/profile.json"
	else
		bad "student tree: make handin packs work/profile.json" "$(tail -n 2 "$dir/tree-handin.txt")"
	fi
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
