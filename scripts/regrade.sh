#!/bin/bash
# regrade.sh - `make regrade DIR=handins/ [OUT=file.csv]`: the teacher's
# grades for a folder of hand-ins (the tarballs `make handin` packs).
#
# For each DIR/*.tar.gz: its members are checked (no absolute path, no
# "..", regular files only) and unpacked in a scratch directory; the work
# is rebuilt from the student's owned files alone (work/; for a lab done
# in the project's tree whose work/ lacks them, from work.diff applied to
# a student tree of this copy); the teacher's grader grades it (labs/
# LAB/grade.sh of this tree, WORK the rebuilt work, so the grader's own
# files, tests and VM runner are used).  The student side's grade.txt,
# grade.json and MANIFEST only inform: a hand-in whose own score differs
# from the regrade is flagged, and so is one whose MANIFEST sha256s do not
# check.
#
# OUT (default build/regrade/grades.csv): one line per hand-in,
#   file,student,lab,score,max,student_side,flags,LAB:CHECK...
# the last columns the points of each check (a lab's columns stay empty
# for another lab's hand-in).  flags, ';'-separated: side-differs (the
# student-side score is not the teacher's: an older tree, another machine,
# or an edited grade file), manifest (sha256s do not
# check), reference (files byte for byte the reference solution's),
# same-as:FILE (the same graded files as another hand-in), unreadable
# (not a hand-in: no score).  Each grader's output is kept beside OUT, in
# STUDENT-LAB.txt and .json.  Exit 0 when every tarball was graded.
set -u
cd "$(dirname "$0")/.."
TOP=$(pwd)
. labs/tree.sh
dir=${1:-}
[ -n "$dir" ] && [ -d "$dir" ] || { echo "regrade.sh: name a folder of hand-ins: make regrade DIR=handins/" >&2; exit 2; }
csv=${OUT:-build/regrade/grades.csv}
outdir=$(dirname "$csv")
mkdir -p "$outdir"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
rows=$scratch/rows.jsonl
: > "$rows"
bad=0

# member_ok TARBALL: only regular files and directories, relative, no ".."
members_ok() {
	tar -tvzf "$1" > "$scratch/list" 2>/dev/null || return 1
	! grep -qvE '^[-d]' "$scratch/list" || return 1
	tar -tzf "$1" | grep -qE '^/|(^|/)\.\.(/|$)' && return 1
	return 0
}

# rebuild_intree LAB UNPACKED WORK: a lab done in the project's tree: the
# owned files from work/, or work.diff applied to a fresh student copy
rebuild_intree() {
	local lab=$1 u=$2 w=$3 f
	mkdir -p "$w"
	for f in $(owned "labs/$lab" regions) $(owned "labs/$lab" whole); do
		if [ -f "$u/work/$f" ]; then
			mkdir -p "$w/$(dirname "$f")"
			cp "$u/work/$f" "$w/$f"
		elif [ -s "$u/work.diff" ]; then
			[ -d "$scratch/tree" ] || project_copy "$TOP" "$scratch/tree" student
			mkdir -p "$w/$(dirname "$f")"
			cp "$scratch/tree/$f" "$w/$f"
			(cd "$w" && git apply --include="$f" "$u/work.diff" 2>/dev/null) ||
				echo "regrade: $f from work.diff did not apply" >> "$u/notes"
		fi
	done
}

n=0
for t in "$dir"/*.tar.gz; do
	[ -f "$t" ] || continue
	n=$((n + 1))
	file=$(basename "$t")
	u=$scratch/h$n
	mkdir -p "$u"
	lab= student= student_side= flags=
	if ! members_ok "$t" || ! tar -xzf "$t" -C "$u" --no-same-owner --no-same-permissions 2>/dev/null; then
		flags=unreadable
	else
		top=$(find "$u" -mindepth 1 -maxdepth 1 -type d | head -n 1)
		head=$(head -n 1 "$top/MANIFEST" 2>/dev/null)
		lab=$(sed -n 's/^# \([a-z0-9-]*\) handed in by .*/\1/p' <<< "$head")
		student=$(sed -n 's/^# [a-z0-9-]* handed in by \([^ ]*\) on .*/\1/p' <<< "$head")
		if [ -z "$lab" ]; then	# no MANIFEST: the tarball's name LAB-USER-DATE
			for g in labs/*/grade.sh; do
				l=$(basename "$(dirname "$g")")
				case $file in "$l"-*) lab=$l ;; esac
			done
			student=${file#"$lab"-}
			student=${student%-????-??-??.tar.gz}
		fi
		[ -f "labs/$lab/grade.sh" ] || { flags=unreadable; lab=; }
	fi
	if [ -n "$lab" ]; then
		[ -n "$student" ] || student=unknown
		student=$(printf '%s' "$student" | tr -c 'A-Za-z0-9._-' '_')
		(cd "$top" && sha256sum --quiet -c MANIFEST > /dev/null 2>&1) || flags="$flags;manifest"
		student_side=$(jq -r '"\(.score)/\(.max)"' "$top/grade.json" 2>/dev/null ||
			sed -n 's/^Score: //p' "$top/grade.txt" 2>/dev/null | head -n 1)
		w=$u/rebuilt
		if [ -f "labs/$lab/in-tree" ]; then
			rebuild_intree "$lab" "$top" "$w"
		else
			mkdir -p "$w"
			cp -R "$top/work/." "$w/" 2>/dev/null
		fi
		base=$outdir/$student-$lab
		WORK=$w GRADE_OUT=$scratch/grade REFERENCE=0 CHECK= bash "labs/$lab/grade.sh" > "$base.txt" 2>&1
		cp "$scratch/grade/$lab.json" "$base.json" 2>/dev/null || { flags="$flags;unreadable"; bad=1; }
		if [ -f "$base.json" ]; then
			[ "$student_side" = "$(jq -r '"\(.score)/\(.max)"' "$base.json")" ] || flags="$flags;side-differs"
			jq -e '.notes | any(startswith("the reference solution"))' "$base.json" > /dev/null 2>&1 &&
				flags="$flags;reference"
			# what was graded: the owned files as the grader used them
			(cd "$w" && for f in $(owned "$TOP/labs/$lab" whole) $(owned "$TOP/labs/$lab" regions); do
				[ -f "$f" ] && cat "$f"; done) | sha256sum | cut -d' ' -f1 > "$u/graded.sha"
		fi
	fi
	jq -nc --arg file "$file" --arg student "$student" --arg lab "$lab" \
		--arg side "$student_side" --arg flags "${flags#;}" \
		--arg sha "$(cat "$u/graded.sha" 2>/dev/null)" \
		--slurpfile g <(cat "$outdir/$student-$lab.json" 2>/dev/null || echo null) \
		'{file: $file, student: $student, lab: $lab, side: $side, flags: $flags, sha: $sha, grade: $g[0]}' >> "$rows"
	echo "regrade.sh: $file: ${lab:-not a hand-in} ${student:+of $student}: $(jq -r 'if .grade then "\(.grade.score)/\(.grade.max)" else "no score" end' <<< "$(tail -n 1 "$rows")")${flags:+ [${flags#;}]}"
done
[ $n -gt 0 ] || { echo "regrade.sh: no *.tar.gz in $dir" >&2; exit 2; }

# one CSV: the fixed columns, then every check of every lab seen
jq -rs '
	def q: tostring | if test("[,\"\n]") then "\"" + gsub("\""; "\"\"") + "\"" else . end;
	(map(select(.grade) | .lab as $l | .grade.checks[] | "\($l):\(.id)") | unique) as $cols
	| (map(select(.sha != "" and .sha != null)) | group_by(.lab + .sha) | map(select(length > 1))
	   | map(. as $g | $g[] | {key: .file, value: ($g | map(.file))}) | from_entries) as $same
	| (["file", "student", "lab", "score", "max", "student_side", "flags"] + $cols | map(q) | join(",")),
	  (.[] | . as $r
	   | ([$r.flags] + [($same[$r.file] // [])[] | select(. != $r.file) | "same-as:" + .] | map(select(. != "")) | join(";")) as $flags
	   | ([$r.file, $r.student, $r.lab,
	       (if $r.grade then $r.grade.score else "" end), (if $r.grade then $r.grade.max else "" end),
	       $r.side, $flags]
	      + ($cols | map(. as $c | ($r.grade.checks // []) | map(select("\($r.lab):\(.id)" == $c)) | if length > 0 then .[0].earned else "" end))
	      | map(q) | join(",")))' "$rows" > "$csv"
echo "regrade.sh: $n hand-ins graded: $csv"
exit $bad
