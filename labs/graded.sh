# labs/graded.sh - grade_begin (sourced by labs/lib.sh): which work is
# graded, and the graded tree $B built from it.
#
# WORK is the student's tree: a copy of the lab's starter (`make starter`),
# or for a lab done in the project's tree (labs/LAB/in-tree) a student tree
# (`make student-tree`), which WORK defaults to when this is one.  Refused,
# exit 2: no WORK (for a lab with a starter), a WORK inside a reference
# solution (labs/*/solution/) or that is the teacher's copy itself.
# REFERENCE=1 grades the reference solution instead (the teacher's copy
# only).

# notes_add TEXT: one line of what the assembly found, shown before the
# checks and kept in the result's "notes"
notes_add() { printf '%s\n' "$*" >> "$GRADE_PRIV/notes"; }

grade_refuse() {
	echo "grade: $LAB: $*" >&2
	exit 2
}

# is_teacher_copy DIR: DIR holds reference solutions (labs/*/solution/)
is_teacher_copy() { compgen -G "$1/labs/*/solution" > /dev/null; }

choose_work() {
	local s
	if [ "${REFERENCE:-0}" = 1 ]; then
		is_teacher_copy "$TOP" || grade_refuse "REFERENCE=1: this tree holds no reference solution"
		[ -z "${WORK:-}" ] || grade_refuse "REFERENCE=1 grades the reference solution: leave WORK empty"
		if [ $INTREE = 1 ]; then WORK=$TOP; else WORK=$LABDIR/solution; fi
		return
	fi
	if [ -z "${WORK:-}" ]; then
		if [ $INTREE = 1 ] && is_student_tree "$TOP"; then
			WORK=$TOP
		elif [ $INTREE = 1 ]; then
			grade_refuse "this is the teacher's copy, its code the reference solution: name a student tree, WORK=dir (make student-tree DEST=dir makes one), or grade the reference with REFERENCE=1"
		else
			grade_refuse "name your work: WORK=dir, your copy of the starter (make starter LAB=$LAB DEST=dir)"
		fi
	fi
	[ -d "$WORK" ] || grade_refuse "no work tree at $WORK"
	WORK=$(cd "$WORK" && pwd -P)
	for s in "$TOP"/labs/*/solution; do
		[ -d "$s" ] || continue
		s=$(cd "$s" && pwd -P)
		case $WORK/ in
		"$s"/*) grade_refuse "WORK=$WORK is inside a reference solution ($s): grade your own copy (REFERENCE=1 grades the reference)" ;;
		esac
	done
	if [ $INTREE = 1 ] && is_teacher_copy "$WORK"; then
		grade_refuse "WORK=$WORK is a teacher's copy, its code the reference solution: name a student tree (make student-tree), or REFERENCE=1"
	fi
}

# pick_uid: a uid that no user and no process has
pick_uid() {
	local u i
	for i in 1 2 3 4 5 6 7 8; do
		u=$((200000 + RANDOM * 3 + RANDOM % 3))
		getent passwd "$u" > /dev/null && continue
		ps -e -o uid= | awk -v u="$u" '$1 == u { f = 1 } END { exit !f }' && continue
		echo "$u"
		return 0
	done
	return 1
}

# splice_notes FILE REPORT: REPORT's findings (labs/regions.awk) as notes
splice_notes() {
	local f=$1 kind rest
	while read -r kind rest; do
		case $kind in
		outside) notes_add "$f: $rest lines changed outside the TODO regions: ignored, the given code graded" ;;
		markers) [ "$src" = /dev/null ] || notes_add "$f: $rest; graded as if nothing were written in its TODO regions" ;;
		directive) notes_add "$f: TODO region ${rest%% *} holds '${rest#* }': a region holds code in its place, no #define, #include or unbalanced #if; graded empty" ;;
		esac
	done < "$2"
}

# regular FILE: a regular file (a symbolic link is refused: it could name
# the grader's own files), at most 4 MiB
regular() {
	[ -f "$1" ] && [ ! -L "$1" ] && [ "$(stat -c %s "$1")" -le 4194304 ]
}

# assemble: $B = the grader's files, WORK's owned files laid over them
assemble() {
	local f src rep=$GRADE_PRIV/splice tag= root base_list=$GRADE_PRIV/base-files regions written
	mkdir -p "$B"
	if [ $INTREE = 1 ]; then
		project_copy "$TOP" "$B" grader || grade_refuse "cannot copy the project"
		tag=$LAB
	else
		lab_starter "$LABDIR" "$B" || grade_refuse "cannot make the lab's starter"
	fi
	(cd "$B" && find . -type f | sed 's|^\./||') > "$base_list"
	for f in $(owned "$LABDIR" whole); do
		if regular "$WORK/$f"; then
			mkdir -p "$B/$(dirname "$f")"
			cp "$WORK/$f" "$B/$f"
		elif [ -e "$WORK/$f" ]; then
			notes_add "$f: not a regular file of at most 4 MiB: not used"
		else
			notes_add "$f: not in WORK (graded as the starter gives it, if it gives one)"
		fi
	done
	regions=0 written=0
	for f in $(owned "$LABDIR" regions); do
		: > "$rep"
		# the grader's file, its regions emptied, then the student's bodies:
		# never a body of the grader's own (the reference, in its copy)
		src=$WORK/$f
		if ! regular "$src"; then
			notes_add "$f: not in WORK (or not a regular file): its TODO regions graded empty"
			src=/dev/null
		fi
		if awk -v mode=splice -v tag="$tag" -v report="$rep" -v name="$f" \
			-f "$TOP/labs/regions.awk" "$B/$f" "$src" > "$B/$f.spliced" 2> "$GRADE_PRIV/splice.err"; then
			cat "$B/$f.spliced" > "$B/$f"
		else
			notes_add "$f: its regions could not be read ($(head -n 1 "$GRADE_PRIV/splice.err")): graded empty"
			strip_file "$B/$f" "$B/$f.spliced" "$tag" && cat "$B/$f.spliced" > "$B/$f" ||
				grade_refuse "cannot empty the regions of $f"
		fi
		rm -f "$B/$f.spliced"
		splice_notes "$f" "$rep"
		regions=$((regions + $(awk '$1 == "regions" { print $2 }' "$rep")))
		written=$((written + $(awk '$1 == "regions" { n = $2 } $1 == "empty" { n-- } END { print n + 0 }' "$rep")))
	done
	# nothing written anywhere (the starter as given): a grader may skip
	# what only work could pass (booting the lab VM)
	NOTHING_WRITTEN=0
	if [ $regions -gt 0 ] && [ $written = 0 ]; then
		NOTHING_WRITTEN=1
		notes_add "nothing written in any TODO region of $(owned "$LABDIR" regions | tr '\n' ' ')"
	fi
	# what WORK changed beside its own files: reported, never used
	if [ "$WORK" = "$TOP" ] && [ "${REFERENCE:-0}" = 1 ]; then
		:
	elif [ $INTREE = 1 ]; then
		if is_student_tree "$WORK" && root=$(handout_commit "$WORK") && [ -n "$root" ]; then
			{ git -C "$WORK" diff --name-only "$root"; git -C "$WORK" ls-files --others --exclude-standard; } |
				sort -u | grep -vxF -f <(awk '{ print $2 }' "$LABDIR/owned") |
				grep -v '^build/' | head -n 20 > "$GRADE_PRIV/outside"
			[ -s "$GRADE_PRIV/outside" ] &&
				notes_add "changed beside the lab's files, ignored (the grader's own are used): $(tr '\n' ' ' < "$GRADE_PRIV/outside")"
		fi
	else
		(cd "$WORK" && find . -maxdepth 3 -type f \( -name '*.[ch]' -o -name 'Makefile*' -o -name '*.mk' -o -name '*.sh' -o -name '*.json' \) |
			sed 's|^\./||') | sort | while IFS= read -r f; do
			grep -qxF "$f" <(awk '{ print $2 }' "$LABDIR/owned") && continue
			if grep -qxF "$f" "$base_list"; then
				cmp -s "$WORK/$f" "$B/$f" || echo "$f"
			else
				echo "$f"
			fi
		done > "$GRADE_PRIV/outside"
		[ -s "$GRADE_PRIV/outside" ] &&
			notes_add "files beside the lab's own, ignored (the grader's own are used): $(head -n 20 "$GRADE_PRIV/outside" | tr '\n' ' ')"
	fi
	same_as_reference
}

# same_as_reference: in the teacher's copy, the owned files that are the
# reference solution's, byte for byte (a whole file), or whose every
# region's body is the reference's (SAME_AS_REFERENCE lists them)
same_as_reference() {
	local f ref open=BEGIN\ SOLUTION: close='END SOLUTION'
	SAME_AS_REFERENCE=
	[ "${REFERENCE:-0}" = 1 ] && return 0
	if [ $INTREE = 1 ]; then
		is_teacher_copy "$TOP" || return 0
		open="BEGIN SOLUTION $LAB:" close="END SOLUTION $LAB"
	fi
	for f in $(owned "$LABDIR" whole); do
		[ -f "$LABDIR/solution/$f" ] && cmp -s "$B/$f" "$LABDIR/solution/$f" &&
			SAME_AS_REFERENCE="$SAME_AS_REFERENCE $f"
	done
	for f in $(owned "$LABDIR" regions); do
		if [ $INTREE = 1 ]; then ref=$TOP/$f; else ref=$LABDIR/solution/$f; fi
		[ -f "$ref" ] && grep -q "$open" "$ref" || continue
		sed "s/$open/${open/BEGIN SOLUTION/TODO}/; s/$close/${close/END SOLUTION/END TODO}/" "$ref" |
			cmp -s - "$B/$f" && SAME_AS_REFERENCE="$SAME_AS_REFERENCE $f"
	done
	[ -z "$SAME_AS_REFERENCE" ] ||
		notes_add "the reference solution's own, byte for byte:$SAME_AS_REFERENCE"
	:
}

grade_begin() {
	LAB=$1
	LABDIR=$(cd "$(dirname "$0")" && pwd)
	TOP=$(cd "$LABDIR/../.." && pwd)
	INTREE=0
	[ -f "$LABDIR/in-tree" ] && INTREE=1
	. "$TOP/labs/tree.sh"
	choose_work
	GRADE_OUT=${GRADE_OUT:-$TOP/build/grade}
	mkdir -p "$GRADE_OUT"
	GRADE_TMP=$(mktemp -d)
	GRADE_PRIV=$(mktemp -d)
	trap 'grade_cleanup; rm -rf "$GRADE_TMP" "$GRADE_PRIV"' EXIT
	CONTAIN=$GRADE_PRIV/contain
	cc -std=c11 -O2 -o "$CONTAIN" "$TOP/labs/contain.c" 2> "$GRADE_PRIV/contain.log" ||
		grade_refuse "cannot build labs/contain.c: $(head -n 1 "$GRADE_PRIV/contain.log")"
	B=$GRADE_TMP/work
	: > "$GRADE_PRIV/notes"
	assemble
	# the student's programs write in $B, $S and their HOME only
	S=$GRADE_TMP/s
	mkdir -p "$S" "$GRADE_TMP/home"
	chmod 755 "$GRADE_TMP"
	GRADE_UID=
	if [ "$(id -u)" = 0 ] && [ "${GRADE_AS_ROOT:-0}" != 1 ]; then
		GRADE_UID=$(pick_uid) || grade_refuse "no free uid to run the checks as"
		chown -R "$GRADE_UID:$GRADE_UID" "$B" "$S" "$GRADE_TMP/home"
	fi
	HOME=$GRADE_TMP/home
	export LAB LABDIR TOP WORK B S GRADE_TMP GRADE_UID CONTAIN HOME INTREE SAME_AS_REFERENCE NOTHING_WRITTEN
	jq -R . < "$GRADE_PRIV/notes" | jq -s . > "$GRADE_PRIV/notes.json"
	_checks=$GRADE_PRIV/checks.jsonl
	: > "$_checks"
	_score=0
	_max=0
	_ids=
	echo "grading $LAB in $WORK${GRADE_UID:+ (as uid $GRADE_UID)}"
	sed 's/^/note: /' "$GRADE_PRIV/notes"
}
