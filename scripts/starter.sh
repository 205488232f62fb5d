#!/bin/sh
# starter.sh - the students' copy of a lab, without its solution.
#
#   sh scripts/starter.sh DEST [LAB...]    (all labs when none is named)
#
# DEST/LAB/ gets the lab's handouts and its solution/ tree with every
# marked region replaced by a TODO: a line holding "BEGIN SOLUTION", the
# lines after it and the line holding "END SOLUTION" become that first
# line with "BEGIN SOLUTION" changed to "TODO", in the file's own comment
# syntax:
#
#	/* BEGIN SOLUTION: fork; the parent exits 0 */   ->  /* TODO: fork; ... */
#	# BEGIN SOLUTION: ...                             ->  # TODO: ...
#	<!-- BEGIN SOLUTION: ... -->                      ->  <!-- TODO: ... -->
#
# Files named in labs/LAB/solution-only (one path a line, relative to
# solution/) are what the student produces whole: left out.  A file
# NAME.starter is the starter's NAME (for a file with no comment syntax,
# such as JSON: NAME itself is then solution-only).  An unbalanced
# marker is an error, and no marker survives into the copy.
#
# A lab whose folder holds a file `in-tree` (labs 2 and 3: a new counter,
# a new /proc/modelab command) is done in the project itself: its solution
# is part of modelab, in regions tagged with the lab's name,
#
#	/* BEGIN SOLUTION LAB: count the migration */
#	...
#	/* END SOLUTION LAB */
#
# (LAB the lab's folder name, e.g. lab2-migrations: lower case, so that
# this comment is no marker)
#
# and DEST/LAB/ is a copy of the project's tracked files (a git tree, one
# commit "starter", so that the student's changes are `git diff`) in
# which every in-tree lab's regions are TODOs and no lab's solution/ is
# left.  The copy builds and runs: what a region leaves out must be
# optional to the rest.
set -eu
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: starter.sh DEST [LAB...]" >&2; exit 2; }
dest=$1
shift
if [ $# -eq 0 ]; then
	set -- $(for g in labs/*/grade.sh; do basename "$(dirname "$g")"; done)
fi

# the tag of an in-tree lab's regions
TAGGED='SOLUTION lab[0-9]+-[a-z0-9-]+'

strip() {	# strip FILE OUT [TAG]: TAG, when given, follows "SOLUTION "
	awk -v f="$1" -v tag="${3:-}" '
		BEGIN { b = "BEGIN SOLUTION" (tag == "" ? "" : " " tag); e = "END SOLUTION" (tag == "" ? "" : " " tag) }
		$0 ~ b {
			if (in_sol) { print f ":" NR ": BEGIN SOLUTION inside another" > "/dev/stderr"; exit 3 }
			in_sol = 1; line = $0; sub(b, "TODO", line); print line; next
		}
		$0 ~ e {
			if (!in_sol) { print f ":" NR ": END SOLUTION without BEGIN" > "/dev/stderr"; exit 3 }
			in_sol = 0; next
		}
		!in_sol { print }
		END { if (in_sol) { print f ": BEGIN SOLUTION never ended" > "/dev/stderr"; exit 3 } }
	' "$1" > "$2"
}

in_tree() {	# in_tree OUT: the project, every in-tree lab's regions TODOs
	git ls-files | grep -v '^labs/[^/]*/solution/' | while read -r f; do
		mkdir -p "$1/$(dirname "$f")"
		if grep -qE "$TAGGED" "$f"; then
			strip "$f" "$1/$f" "lab[0-9]+-[a-z0-9-]+"
			[ -x "$f" ] && chmod +x "$1/$f"
		else
			cp -p "$f" "$1/$f"
		fi
		true
	done
	if grep -rqE "$TAGGED" "$1"; then
		echo "starter.sh: a solution marker survived in $1" >&2
		exit 1
	fi
	git -C "$1" init -q
	git -C "$1" add -A
	git -C "$1" -c user.name=modelab -c user.email=modelab@localhost \
		commit -qm "starter" --no-verify
}

for lab in "$@"; do
	src=labs/$lab
	[ -f "$src/grade.sh" ] || { echo "starter.sh: no lab '$lab' (labs/$lab/grade.sh)" >&2; exit 2; }
	out=$dest/$lab
	rm -rf "$out"
	mkdir -p "$out"
	if [ -f "$src/in-tree" ]; then
		git rev-parse --git-dir >/dev/null 2>&1 ||
			{ echo "starter.sh: $lab is done in the project's tree, and this is not a git tree" >&2; exit 2; }
		in_tree "$out"
		echo "starter.sh: $out"
		continue
	fi
	cp "$src"/README*.md "$out"/
	(cd "$src/solution" && find . -type f) | sort | while read -r f; do
		f=${f#./}
		if [ -f "$src/solution-only" ] && grep -qxF "$f" "$src/solution-only"; then
			continue
		fi
		to=${f%.starter}
		mkdir -p "$out/$(dirname "$to")"
		strip "$src/solution/$f" "$out/$to"
		[ -x "$src/solution/$f" ] && chmod +x "$out/$to"
		true
	done
	if grep -rq 'SOLUTION' "$out"; then
		echo "starter.sh: a solution marker survived in $out" >&2
		exit 1
	fi
	echo "starter.sh: $out"
done
