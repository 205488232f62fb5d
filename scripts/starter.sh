#!/bin/sh
# starter.sh - `make starter LAB=NAME DEST=dir`: a student's copy of a lab.
#
#   sh scripts/starter.sh DEST [LAB...]    (all labs when none is named)
#
# DEST/LAB/ gets the lab's handouts and its starter: the reference
# solution's files with every region a TODO (labs/regions.awk):
#
#	/* BEGIN SOLUTION: the goal */   ->   /* TODO: the goal */
#	...                                   /* END TODO */
#
# the student's code going between TODO and END TODO.  Files named in
# labs/LAB/solution-only are what the student writes whole: left out, or
# given as NAME.starter if there is one (JSON has no comment syntax).  In
# the teacher's copy the starter is made from labs/LAB/solution/; in a
# student tree (`make student-tree`) it is labs/LAB/starter/, as handed
# out.  Neither there: an error, exit 2.
#
# A lab done in the project's own tree (a file labs/LAB/in-tree: labs 2
# and 3) has no starter of its own: DEST/LAB becomes a student tree
# (scripts/student-tree.sh), or in a student tree a clone of it; its files
# to edit are listed in labs/LAB/owned.
set -eu
cd "$(dirname "$0")/.."
TOP=$(pwd)
. labs/tree.sh
[ $# -ge 1 ] && [ -n "$1" ] || { echo "usage: starter.sh DEST [LAB...] (make starter LAB=NAME DEST=dir)" >&2; exit 2; }
dest=$1
shift
if [ $# -eq 0 ]; then
	set -- $(for g in labs/*/grade.sh; do basename "$(dirname "$g")"; done)
fi

for lab in "$@"; do
	src=labs/$lab
	[ -f "$src/grade.sh" ] || { echo "starter.sh: no lab '$lab' (labs/$lab/grade.sh)" >&2; exit 2; }
	out=$dest/$lab
	rm -rf "$out"
	if [ -f "$src/in-tree" ]; then
		mkdir -p "$dest"
		if is_student_tree "$TOP"; then
			git clone -q "$TOP" "$out"
		else
			sh scripts/student-tree.sh "$out" > /dev/null
		fi
		echo "starter.sh: $out (the whole project: edit $(owned "$src" regions | tr '\n' ' '))"
		continue
	fi
	mkdir -p "$out"
	cp "$src"/README*.md "$out"/
	lab_starter "$src" "$out" || { rm -rf "$out"; exit 2; }
	if grep -rqE '(BEGIN|END) SOLUTION' "$out"; then
		echo "starter.sh: a solution marker survived in $out" >&2
		exit 1
	fi
	echo "starter.sh: $out"
done
