#!/bin/sh
# grade-selftest.sh - `make grade-selftest`: proves every lab's grader.
# Each lab's starter (scripts/starter.sh) must score below full marks, every
# failing check with a message and none timed out; its solution must score
# full marks.  Ends with `N passed, N failed`.
set -u
cd "$(dirname "$0")/.."
dir=build/grade-selftest
rm -rf "$dir"
mkdir -p "$dir"
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "PASS: $1"; }
bad() { failed=$((failed + 1)); echo "FAIL: $1${2:+: $2}"; }

for g in labs/*/grade.sh; do
	[ -f "$g" ] || continue
	lab=$(basename "$(dirname "$g")")
	if ! sh scripts/starter.sh "$dir/starter" "$lab" > /dev/null; then
		bad "$lab: the starter is made"
		continue
	fi
	WORK=$dir/starter/$lab GRADE_OUT=$dir/starter-result bash "$g" > "$dir/$lab.starter.txt" 2>&1
	rc=$?
	r=$dir/starter-result/$lab.json
	echo "$lab starter: $(grep '^Score:' "$dir/$lab.starter.txt")"
	if [ $rc -ne 0 ] && jq -e '.score < .max' "$r" > /dev/null 2>&1; then
		ok "$lab: the starter scores below full marks (exit $rc)"
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
	GRADE_OUT=$dir/solution-result bash "$g" > "$dir/$lab.solution.txt" 2>&1
	rc=$?
	echo "$lab solution: $(grep '^Score:' "$dir/$lab.solution.txt")"
	if [ $rc -eq 0 ] && jq -e '.full_marks' "$dir/solution-result/$lab.json" > /dev/null 2>&1; then
		ok "$lab: the solution scores full marks"
	else
		bad "$lab: the solution scores full marks" "$(grep FAIL "$dir/$lab.solution.txt" | head -n 3)"
	fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
