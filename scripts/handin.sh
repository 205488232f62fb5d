#!/bin/sh
# handin.sh - `make handin LAB=NAME WORK=dir`: grades WORK as `make grade`
# does (the same WORK: the student's copy of the starter; for a lab done in
# the project's own tree, a student tree, the default in one), then packs
# build/handin/NAME-USER-DATE.tar.gz (HANDIN_OUT overrides build/handin,
# HANDIN_USER the login name USER):
#
#   work/       the files the student owns (labs/NAME/owned): those the
#               grader uses (whole files, files with TODO regions) and the
#               answers to the lab's questions, as they are in WORK
#   work.diff   for a lab done in the project's tree: `git diff` of WORK
#               against the handout (its first commit), for the teacher
#               to read; what it changes beside the owned files is never
#               graded
#   grade.txt   the grader's output;  grade.json  its result file: the
#               student's side, for information (`make regrade` grades
#               the hand-in again from work/ with the teacher's grader)
#   MANIFEST    who, when, the student-side score, what is missing, and
#               every file above with its sha256 (`sha256sum -c MANIFEST`)
#
# A grade below full marks is packed too, and said.  Unknown lab, no WORK,
# a WORK that is (inside) a reference solution: one line, exit 2.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
TOP=$top
. labs/tree.sh
lab=${1:-}
[ -n "$lab" ] || { echo "handin.sh: name the lab: make handin LAB=NAME WORK=dir" >&2; exit 2; }
[ -f "labs/$lab/grade.sh" ] || { echo "handin.sh: no lab '$lab' (labs/$lab/grade.sh)" >&2; exit 2; }
[ -z "${REFERENCE:-}" ] || [ "$REFERENCE" = 0 ] ||
	{ echo "handin.sh: a reference solution is not handed in" >&2; exit 2; }
intree=0
[ -f "labs/$lab/in-tree" ] && intree=1
if [ -z "${WORK:-}" ] && [ $intree = 1 ] && is_student_tree "$top"; then
	WORK=$top
fi
GRADE_OUT=${GRADE_OUT:-$top/build/grade}
out=${HANDIN_OUT:-$top/build/handin}
who=${HANDIN_USER:-$(id -un)}	# the name it is handed in under
name=$lab-$who-$(date +%Y-%m-%d)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pack=$stage/$name
mkdir -p "$pack/work"

# the grade, shown and kept; the grader refuses a bad WORK (exit 2)
WORK=${WORK:-} GRADE_OUT=$GRADE_OUT REFERENCE=0 CHECK= bash "labs/$lab/grade.sh" > "$pack/grade.txt" 2>&1
graded=$?
if [ $graded -eq 2 ]; then
	sed 's/^grade: /handin.sh: /' "$pack/grade.txt" >&2
	exit 2
fi
cat "$pack/grade.txt"
WORK=$(cd "$WORK" && pwd -P)
mkdir -p "$out"
cp "$GRADE_OUT/$lab.json" "$pack/grade.json" 2>/dev/null ||
	echo "handin.sh: the grader wrote no $GRADE_OUT/$lab.json: packed without it" >&2

# the student's files
missing=
for f in $(awk '$1 == "whole" || $1 == "regions" || $1 == "answers" { print $2 }' "labs/$lab/owned"); do
	if [ -f "$WORK/$f" ] && [ ! -L "$WORK/$f" ]; then
		mkdir -p "$pack/work/$(dirname "$f")"
		cp -p "$WORK/$f" "$pack/work/$f"
	else
		missing="$missing $f"
	fi
done
untracked=
if [ $intree = 1 ]; then
	base=$(handout_commit "$WORK")
	if [ -n "$base" ]; then
		git -C "$WORK" diff "$base" > "$pack/work.diff"
		untracked=$(git -C "$WORK" ls-files --others --exclude-standard | head -n 20 | tr '\n' ' ')
	else
		missing="$missing (not a git tree: no work.diff)"
	fi
fi

{
	echo "# $lab handed in by $who on $(date '+%Y-%m-%d %H:%M:%S %z') from $WORK"
	echo "# the student side's grade, for information (the teacher's regrade is the grade): $(grep '^Score:' "$pack/grade.txt" || echo 'no score: the grader ended early')"
	[ -z "$missing" ] || echo "# missing from the work tree:$missing"
	[ -z "$untracked" ] || echo "# untracked, not packed: $untracked"
	if [ -f "$top/labs/STUDENT-TREE" ]; then
		echo "# $(head -n 1 "$top/labs/STUDENT-TREE")"
	fi
	(cd "$pack" && find . -type f ! -name MANIFEST | sed 's|^\./||' | sort |
		while read -r f; do sha256sum "$f"; done)
} > "$pack/MANIFEST"
tar -czf "$out/$name.tar.gz" --sort=name --owner=0 --group=0 -C "$stage" "$name" || exit 1

[ -z "$missing" ] || echo "handin.sh: missing from $WORK:$missing" >&2
if [ $graded -eq 0 ]; then
	echo "handin.sh: full marks; packed $out/$name.tar.gz"
else
	echo "handin.sh: below full marks (grader exit $graded), packed anyway: $out/$name.tar.gz"
fi
