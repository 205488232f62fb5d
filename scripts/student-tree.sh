#!/bin/sh
# student-tree.sh - `make student-tree DEST=dir` (also `make handout`): the
# tree a class works in, without one reference solution.
#
#   sh scripts/student-tree.sh DEST
#
# DEST becomes a git tree (one commit, "handout") of the project's tracked
# files (labs/tree.sh), without what is the teacher's alone: the reference
# solutions (labs/*/solution/), the answer keys (labs/*/teacher/) and the
# graders' cheat suite (tests/graders/).  In it:
#
#   - every region of the labs done in the project's own tree (labs 2 and
#     3: modelab's code, tagged "SOLUTION lab2-migrations") is a TODO:
#     the line "TODO lab2-migrations: what to write", then "END TODO
#     lab2-migrations", the student's code between them;
#   - each other lab has labs/LAB/starter/: what `make starter` copies out
#     for the student (its solution's files, every region a TODO); an
#     in-tree lab's answers file is labs/LAB/answers.md;
#   - labs/STUDENT-TREE says it is a student tree, made from which commit.
#
# Its `make grade`, `make vm` and `make handin` work as in the teacher's
# copy; its grades are for the student's information: the teacher grades
# the hand-ins with `make regrade`.  Refused, exit 2: no DEST, a DEST that
# exists and is not empty, a DEST inside this tree.  After the copy, no
# "SOLUTION" marker and no line of a reference solution's own may be left
# in it (checked: exit 1 otherwise).
set -eu
cd "$(dirname "$0")/.."
TOP=$(pwd)
. labs/tree.sh
dest=${1:-}
[ -n "$dest" ] || { echo "student-tree.sh: name the new tree: make student-tree DEST=dir" >&2; exit 2; }
if [ -e "$dest" ] && [ -n "$(ls -A "$dest" 2>/dev/null)" ]; then
	echo "student-tree.sh: $dest exists and is not empty" >&2
	exit 2
fi
is_student_tree "$TOP" && { echo "student-tree.sh: this is a student tree already: copy it with git clone" >&2; exit 2; }
git rev-parse --git-dir > /dev/null 2>&1 ||
	{ echo "student-tree.sh: $TOP is not a git tree (its tracked files are what is copied)" >&2; exit 2; }
mkdir -p "$dest"
dest=$(cd "$dest" && pwd -P)
case $dest/ in
"$(pwd -P)"/build/*) ;;	# a test's scratch tree: build/ is never copied
"$(pwd -P)"/*) rmdir "$dest" 2>/dev/null; echo "student-tree.sh: DEST=$dest is inside this tree" >&2; exit 2 ;;
esac

project_copy "$TOP" "$dest" student
for g in labs/*/grade.sh; do
	lab=$(dirname "$g")
	if [ -f "$lab/in-tree" ]; then	# its answers file, where owned says
		[ -f "$lab/solution/answers.md" ] && strip_file "$lab/solution/answers.md" "$dest/$lab/answers.md"
	elif [ -d "$lab/solution" ]; then
		lab_starter "$lab" "$dest/$lab/starter"
	fi
done
commit=$(git rev-parse --short HEAD)
dirty=$(git status --porcelain --untracked-files=no | grep -c . || true)
{
	echo "A student tree (make student-tree), made from modelab $commit${dirty:+ with $dirty changed files}"
	echo "on $(date '+%Y-%m-%d %H:%M %z'). The reference solutions stay with the teacher."
} > "$dest/labs/STUDENT-TREE"
[ "$dirty" != 0 ] || sed -i 's/ with 0 changed files//' "$dest/labs/STUDENT-TREE"

# nothing of a reference solution survived: no marker, and no line of a
# solution's own: a line of a region (30 characters or more, not found
# outside the regions of its file), or a figure of lab 1's report
marked=$(cd "$dest" && { for l in labs/*/in-tree; do owned "$(dirname "$l")" regions; done; find labs/*/starter -type f; } |
	sort -u | xargs grep -lE "^[[:space:]]*(/\*|#|<!--|//)[[:space:]]*(BEGIN|END) SOLUTION" 2>/dev/null || true)
if [ -n "$marked" ]; then
	echo "student-tree.sh: a SOLUTION marker survived: $marked" >&2
	exit 1
fi
leak=$(mktemp)
outside=$(mktemp)
trap 'rm -f "$leak" "$outside"' EXIT
# every line the project holds outside a region (those a student tree has)
tracked_files . | tr '\n' '\0' | xargs -0 awk '
	FNR == 1 { on = 0 }
	/^[ \t]*(\/\*|#|<!--|\/\/)[ \t]*BEGIN SOLUTION/ { on = 1; next }
	/^[ \t]*(\/\*|#|<!--|\/\/)[ \t]*END SOLUTION/ { on = 0; next }
	!on { sub(/^[ \t]+/, ""); sub(/[ \t]+$/, ""); print }' 2>/dev/null | sort -u > "$outside"
for f in labs/*/solution/* $(for l in labs/*/in-tree; do owned "$(dirname "$l")" regions; done); do
	[ -f "$f" ] || continue
	awk '{ l = $0; sub(/^[ \t]+/, "", l); sub(/[ \t]+$/, "", l) }
		/BEGIN SOLUTION/ { on = 1; next } /END SOLUTION/ { on = 0; next }
		on && length(l) >= 30 { print l; next }
		FILENAME ~ /\.json$/ && l ~ /"median_ns": / { print l }' "$f"
done | sort -u | comm -23 - "$outside" > "$leak"
if [ -s "$leak" ] && grep -rqF -f "$leak" "$dest" 2>/dev/null; then
	echo "student-tree.sh: a reference solution's line survived in $dest:" >&2
	grep -rnF -f "$leak" "$dest" | head -n 3 | cut -c1-200 >&2
	exit 1
fi

git -C "$dest" init -q
git -C "$dest" add -A
git -C "$dest" -c user.name=modelab -c user.email=modelab@localhost \
	commit -qm "handout: modelab $commit, the student tree" --no-verify
echo "student-tree.sh: $dest ($(git -C "$dest" ls-files | wc -l) files; labs/STUDENT-TREE says what it is)"
