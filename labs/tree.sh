# labs/tree.sh - the two copies of modelab a course has, sourced by the
# graders and by scripts/starter.sh, student-tree.sh, handin.sh and
# regrade.sh (POSIX sh; TOP is the tree's top directory).
#
# The teacher's copy is this repository: every lab's reference solution
# (labs/LAB/solution/, and for the labs done in the project's own tree,
# labs 2 and 3, modelab's own code in regions tagged with the lab's name),
# the answer keys (labs/LAB/teacher/) and the graders' cheat suite
# (tests/graders/).  The student tree (`make student-tree`) is a git tree
# of everything else: each region a TODO, each lab's starter in
# labs/LAB/starter/, and a file labs/STUDENT-TREE saying where it came
# from.  The graders work in both: in a student tree a grade is for the
# student's information; the teacher's copy grades hand-ins (`make
# regrade`), and that grade is the grade.


# the tag of an in-tree lab's regions, as an ERE
REGION_TAG='lab[0-9]+-[a-z0-9-]+'

# is_student_tree TOP: TOP was made by `make student-tree`
is_student_tree() { [ -f "$1/labs/STUDENT-TREE" ]; }

# handout_commit TOP: the student tree's first commit (what was handed out)
handout_commit() { git -C "$1" rev-list --max-parents=0 HEAD 2>/dev/null | tail -n 1; }

# teacher_only PATH: PATH is the teacher's alone
teacher_only() {
	case $1 in
	labs/*/solution/* | labs/*/teacher/* | tests/graders/*) return 0 ;;
	esac
	return 1
}

# tracked_files TOP: the project's files (git ls-files), the teacher's
# own left out; one a line
tracked_files() {
	git -C "$1" ls-files | grep -vE '^(labs/[^/]*/(solution|teacher)/|tests/graders/)'
}

# strip_file FILE OUT [TAG]: FILE with its regions (of lab TAG, or the
# untagged ones) emptied to TODO ... END TODO (labs/regions.awk)
strip_file() {
	awk -v mode=strip -v tag="${3:-}" -f "$TOP/labs/regions.awk" "$1" > "$2"
}

# lab_starter LABDIR OUT: what the student gets of a lab with a solution/
# tree (in a student tree: its starter/, as handed out): the solution's
# files with their regions TODOs, NAME.starter as NAME, the files of
# LABDIR/solution-only (what the student writes whole) left out
lab_starter() {
	_src=$1/solution
	if [ ! -d "$_src" ]; then
		[ -d "$1/starter" ] || { echo "no solution/ nor starter/ in $1" >&2; return 2; }
		mkdir -p "$2" && cp -R "$1/starter/." "$2/"
		return
	fi
	mkdir -p "$2"
	(cd "$_src" && find . -type f) | sort | while IFS= read -r _f; do
		_f=${_f#./}
		if [ -f "$1/solution-only" ] && grep -qxF "$_f" "$1/solution-only"; then
			continue
		fi
		case $_f in
		*.starter) ;;
		*) [ -f "$_src/$_f.starter" ] && continue ;;
		esac
		_to=${_f%.starter}
		mkdir -p "$2/$(dirname "$_to")"
		strip_file "$_src/$_f" "$2/$_to" || return 3
		[ -x "$_src/$_f" ] && chmod +x "$2/$_to"
		:
	done
}

# project_copy TOP OUT FORM: the project's files into OUT.  FORM student:
# every in-tree lab's regions TODOs (what a student tree holds); FORM
# grader: as they are (the teacher's code).  In a student tree both are
# what was handed out (the handout commit), not the working files.
project_copy() {
	if is_student_tree "$1" && _root=$(handout_commit "$1") && [ -n "$_root" ]; then
		mkdir -p "$2" && git -C "$1" archive "$_root" | tar -C "$2" -xf -
		return
	fi
	mkdir -p "$2"
	tracked_files "$1" | (cd "$1" && tar -cf - -T - 2>/dev/null) | tar -C "$2" -xf - || return 3
	[ "$3" = student ] || return 0
	# each in-tree lab's region files (labs/LAB/owned); one file may hold
	# the regions of two labs (kmod/modelab.h)
	for _l in "$1"/labs/*/in-tree; do
		_l=$(dirname "$_l")
		for _f in $(owned "$_l" regions); do
			[ -f "$2/$_f" ] || continue
			strip_file "$2/$_f" "$2/$_f.tmp" "$(basename "$_l")" &&
				cat "$2/$_f.tmp" > "$2/$_f" && rm "$2/$_f.tmp" || return 3
		done
	done
}

# owned LABDIR KIND: the paths of labs/LAB/owned of that kind (whole,
# regions, answers), one a line
owned() {
	[ -f "$1/owned" ] || return 0
	awk -v k="$2" '$1 == k { print $2 }' "$1/owned"
}
