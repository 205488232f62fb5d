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
set -eu
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: starter.sh DEST [LAB...]" >&2; exit 2; }
dest=$1
shift
if [ $# -eq 0 ]; then
	set -- $(for g in labs/*/grade.sh; do basename "$(dirname "$g")"; done)
fi

strip() {	# strip FILE OUT
	awk -v f="$1" '
		/BEGIN SOLUTION/ {
			if (in_sol) { print f ":" NR ": BEGIN SOLUTION inside another" > "/dev/stderr"; exit 3 }
			in_sol = 1; line = $0; sub(/BEGIN SOLUTION/, "TODO", line); print line; next
		}
		/END SOLUTION/ {
			if (!in_sol) { print f ":" NR ": END SOLUTION without BEGIN" > "/dev/stderr"; exit 3 }
			in_sol = 0; next
		}
		!in_sol { print }
		END { if (in_sol) { print f ": BEGIN SOLUTION never ended" > "/dev/stderr"; exit 3 } }
	' "$1" > "$2"
}

for lab in "$@"; do
	src=labs/$lab
	[ -f "$src/grade.sh" ] || { echo "starter.sh: no lab '$lab' (labs/$lab/grade.sh)" >&2; exit 2; }
	out=$dest/$lab
	rm -rf "$out"
	mkdir -p "$out"
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
