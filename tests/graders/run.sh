#!/bin/bash
# tests/graders/run.sh - the cheat suite: hand-ins that do not do the work,
# each of which the graders must score below full marks, saying why.
#
#   bash tests/graders/run.sh [LAB[/NAME]...]     (all when none is named)
#
# A cheat is a folder tests/graders/LAB/NAME/ holding
#   about    what it does (its first line is its summary)
#   base     what it starts from: starter (the lab's starter: for a lab
#            done in the project's tree, a clone of one student tree made
#            for the run), solution (the reference's files), none, or
#            dir:OTHER (another folder of tests/graders/LAB/)
#   files/   files laid over the base
#   edit.sh  run in the hand-in after that, with `fill FILE N` (stdin goes
#            after the N-th TODO marker of FILE: into its N-th region)
#   expect   one line each, all must hold:
#              below            the score is below full marks, and every
#                               failing check says why (the default)
#              full             full marks (a hand-in that does the work
#                               its own way, which the graders must accept)
#              fail ID REGEX    check ID fails, its message matching REGEX
#              ok ID            check ID passes
#              note REGEX       a note of the grader's matches REGEX
#              clean            nothing of the check's uid runs afterwards
#   env      VAR=VALUE lines for the grader (CHECK=host to run only the
#            checks a runaway needs, a shorter time limit...)
#   boots    the cheat boots the lab VM (minutes): GRADERS_VM=0 skips it
#
# The suite is teacher-only (make student-tree leaves it out): its cheats
# are built from the reference solutions.  Prints one line per cheat,
# `| lab | cheat | score | seconds |` rows in build/graders/table.md, and
# `N passed, N failed`.
set -u
cd "$(dirname "$0")/../.."
TOP=$(pwd)
. labs/tree.sh
out=${GRADERS_OUT:-$TOP/build/graders}
rm -rf "$out"
mkdir -p "$out/work" "$out/res"
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "PASS: $1"; }
bad() { failed=$((failed + 1)); echo "FAIL: $1${2:+: $2}"; }

fill() {	# fill FILE N: stdin after the N-th TODO marker (not END TODO) of FILE
	cat > "$1.text"
	awk -v n="$2" -v tf="$1.text" '
		{ print }
		/(\/\*|#|<!--|\/\/)[ \t]*TODO( lab[0-9]+-[a-z0-9-]+)?:/ { if (++k == n) while ((getline l < tf) > 0) print l }
		END { if (k < n) { print FILENAME ": no TODO number " n > "/dev/stderr"; exit 1 } }' "$1" > "$1.fill" &&
		cat "$1.fill" > "$1" && rm -f "$1.fill" "$1.text"
}
export -f fill

# materialize LAB CHEAT OUT
materialize() {
	local lab=$1 c=$2 w=$3 base
	base=$(cat "$c/base" 2>/dev/null || echo starter)
	case $base in
	starter)
		if [ -f "labs/$lab/in-tree" ]; then
			[ -d "$out/student-tree" ] || sh scripts/student-tree.sh "$out/student-tree" > /dev/null || return 1
			git clone -q "$out/student-tree" "$w" || return 1
		else
			mkdir -p "$w" && lab_starter "labs/$lab" "$w" || return 1
		fi
		;;
	solution) mkdir -p "$w" && cp -R "labs/$lab/solution/." "$w/" ;;
	none) mkdir -p "$w" ;;
	dir:*) mkdir -p "$w" && cp -R "$(dirname "$c")/${base#dir:}/." "$w/" ;;
	*) echo "base '$base'?" >&2; return 1 ;;
	esac
	[ ! -d "$c/files" ] || cp -R "$c/files/." "$w/"
	if [ -f "$c/edit.sh" ]; then
		(cd "$w" && CHEAT_DIR=$c bash "$c/edit.sh") || return 1
	fi
}

# verdict NAME RESULT OUTPUT: every line of expect
verdict() {
	local name=$1 r=$2 txt=$3 c=$4 kind id re uid
	local expect
	expect=$(grep -v '^#' "$c/expect" 2>/dev/null | grep . || echo below)
	if ! jq -e . "$r" > /dev/null 2>&1; then
		bad "$name: graded" "no result file: $(tail -n 1 "$txt")"
		return
	fi
	while read -r kind id re; do
		case $kind in
		below)
			if jq -e '.score < .max' "$r" > /dev/null &&
			   jq -e '[.checks[] | select(.ok | not) | select(.message == null or .message == "")] | length == 0' "$r" > /dev/null; then
				ok "$name: below full marks, every failing check says why"
			else
				bad "$name: below full marks, every failing check says why" "$(jq -r '"\(.score)/\(.max)"' "$r")"
			fi
			;;
		full)
			if jq -e .full_marks "$r" > /dev/null; then ok "$name: full marks"
			else bad "$name: full marks" "$(jq -r '[.checks[] | select(.ok | not) | "\(.id): \(.message)"][0]' "$r")"; fi
			;;
		fail)
			if jq -e --arg id "$id" --arg re "$re" '[.checks[] | select(.id == $id and (.ok | not) and ((.message // "") | test($re)))] | length == 1' "$r" > /dev/null; then
				ok "$name: $id fails: /$re/"
			else
				bad "$name: $id fails: /$re/" "$(jq -r --arg id "$id" '[.checks[] | select(.id == $id)][0] | "\(.ok): \(.message)"' "$r")"
			fi
			;;
		ok)
			if jq -e --arg id "$id" '[.checks[] | select(.id == $id and .ok)] | length == 1' "$r" > /dev/null; then
				ok "$name: $id passes"
			else
				bad "$name: $id passes" "$(jq -r --arg id "$id" '[.checks[] | select(.id == $id)][0].message' "$r")"
			fi
			;;
		note)
			re="$id${re:+ $re}"
			if jq -e --arg re "$re" '.notes | any(test($re))' "$r" > /dev/null; then ok "$name: note /$re/"
			else bad "$name: note /$re/" "$(jq -c .notes "$r")"; fi
			;;
		clean)
			uid=$(sed -n 's/^grading .* (as uid \([0-9]*\))$/\1/p' "$txt")
			if [ -z "$uid" ]; then
				echo "SKIP: $name: nothing left running (not root: no uid of its own to look for)"
			elif ps -e -o uid= | awk -v u="$uid" '$1 == u { f = 1 } END { exit f }'; then
				ok "$name: nothing of uid $uid left running"
			else
				bad "$name: nothing of uid $uid left running" "$(ps -e -o uid=,pid=,args= | awk -v u="$uid" '$1 == u' | head -n 3)"
			fi
			;;
		esac
	done <<< "$expect"
}

if [ $# -eq 0 ]; then
	set -- $(cd tests/graders && ls -d */*/ | sed 's|/$||')
fi
: > "$out/table.md"
for arg in "$@"; do
	for c in tests/graders/$arg tests/graders/$arg/*; do
		[ -f "$c/base" ] || continue
		lab=$(basename "$(dirname "$c")")
		name=$(basename "$c")
		w=$out/work/$lab-$name
		if [ -f "$c/boots" ] && [ "${GRADERS_VM:-1}" = 0 ]; then
			echo "SKIP: $lab/$name: it boots the lab VM, and GRADERS_VM=0"
			continue
		fi
		if ! materialize "$lab" "$TOP/$c" "$w" > "$out/res/$lab-$name.mat" 2>&1; then
			bad "$lab/$name: made" "$(tail -n 1 "$out/res/$lab-$name.mat")"
			continue
		fi
		t0=$(date +%s)
		(
			if [ -f "$c/env" ]; then set -a; . "$TOP/$c/env"; set +a; fi
			WORK=$w GRADE_OUT=$out/res/$lab-$name REFERENCE=0 CHECK=${CHECK:-} \
				bash "labs/$lab/grade.sh" > "$out/res/$lab-$name.txt" 2>&1
		)
		secs=$(($(date +%s) - t0))
		score=$(grep '^Score:' "$out/res/$lab-$name.txt" || echo "no score")
		echo "$lab/$name: $score in $secs s"
		echo "| $lab | $name | $score | $secs s |" >> "$out/table.md"
		verdict "$lab/$name" "$out/res/$lab-$name/$lab.json" "$out/res/$lab-$name.txt" "$c"
	done
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
