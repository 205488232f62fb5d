#!/bin/sh
# handin.sh - `make handin LAB=NAME [WORK=dir]`: grades WORK as `make
# grade` does, then packs what the teacher needs into
# build/handin/NAME-USER-DATE.tar.gz (HANDIN_OUT overrides build/handin):
#
#   work/       the student's files: for a lab with a solution/ tree, the
#               files its starter has plus those of labs/NAME/solution-only
#               (what the student produced), taken from WORK; for an
#               in-tree lab (labs/NAME/in-tree: the work is the project
#               tree), work.diff (`git diff` against the upstream, else
#               the first commit: the starter's) and the untracked files
#   grade.txt   the grader's output;  grade.json  its build/grade/NAME.json
#   MANIFEST    every file above with its sha256 (`sha256sum -c MANIFEST`)
#
# A grade below full marks is packed too, and said.  Unknown lab, missing
# WORK: one line, exit 2.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
lab=${1:-}
[ -n "$lab" ] || { echo "handin.sh: name the lab: make handin LAB=NAME" >&2; exit 2; }
[ -f "labs/$lab/grade.sh" ] || { echo "handin.sh: no lab '$lab' (labs/$lab/grade.sh)" >&2; exit 2; }
intree=0
[ -f "labs/$lab/in-tree" ] && intree=1
if [ -z "${WORK:-}" ]; then
	if [ $intree = 1 ]; then WORK=$top; else WORK=$top/labs/$lab/solution; fi
fi
[ -d "$WORK" ] || { echo "handin.sh: $lab: no work tree at $WORK" >&2; exit 2; }
WORK=$(cd "$WORK" && pwd)
GRADE_OUT=${GRADE_OUT:-$top/build/grade}
out=${HANDIN_OUT:-$top/build/handin}
name=$lab-$(id -un)-$(date +%Y-%m-%d)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pack=$stage/$name
mkdir -p "$pack/work" "$out"

# the grade, shown and kept
WORK=$WORK GRADE_OUT=$GRADE_OUT bash "labs/$lab/grade.sh" > "$pack/grade.txt" 2>&1
graded=$?
cat "$pack/grade.txt"
cp "$GRADE_OUT/$lab.json" "$pack/grade.json" 2>/dev/null ||
	echo "handin.sh: the grader wrote no $GRADE_OUT/$lab.json: packed without it" >&2

# the student's files
missing=
if [ $intree = 1 ]; then
	if git -C "$WORK" rev-parse --git-dir > /dev/null 2>&1; then
		# a clone of the project: against its upstream; the starter's
		# copy (one commit): against that first commit
		base=$(git -C "$WORK" merge-base HEAD '@{upstream}' 2>/dev/null ||
			git -C "$WORK" rev-list --max-parents=0 HEAD | tail -n 1)
		git -C "$WORK" diff "$base" > "$pack/work.diff"
		git -C "$WORK" ls-files --others --exclude-standard | while read -r f; do
			mkdir -p "$pack/work/$(dirname "$f")"
			cp -p "$WORK/$f" "$pack/work/$f"
		done
	else
		missing="(not a git tree: no work.diff)"
	fi
else
	files=$( (cd "labs/$lab/solution" && find . -type f | sed 's|^\./||; s|\.starter$||') |
		cat - "labs/$lab/solution-only" 2>/dev/null | sort -u)
	for f in $files; do
		if [ -f "$WORK/$f" ]; then
			mkdir -p "$pack/work/$(dirname "$f")"
			cp -p "$WORK/$f" "$pack/work/$f"
		else
			missing="$missing $f"
		fi
	done
fi

{
	echo "# $lab handed in by $(id -un) on $(date '+%Y-%m-%d %H:%M:%S %z') from $WORK"
	echo "# $(grep '^Score:' "$pack/grade.txt" || echo 'no score: the grader ended early')"
	[ -z "$missing" ] || echo "# missing from the work tree:$missing"
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
