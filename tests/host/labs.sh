#!/bin/bash
# labs.sh - `make handin` (scripts/handin.sh) and `make regrade`
# (scripts/regrade.sh): the tarball holds the student's owned files, the
# grader's result and a MANIFEST whose sha256s check; a grade below full
# marks is still packed; no WORK, a WORK inside a reference solution and
# bad input exit 2 with one line; the teacher's regrade of the tarballs
# writes one CSV with the teacher's scores, an edited grade.json flagged.
# The graders themselves are proved by `make grade-selftest`.
set -u
cd "$(dirname "$0")/../.."
. tests/host/lib.sh
. labs/tree.sh
TOP=$(pwd)

if is_student_tree .; then
	skip "handin and regrade" "a student tree has no reference solution to hand in"
	summary
	exit
fi
if [ "${MODELAB_SANITIZED:-0}" = 1 ]; then
	skip "handin and regrade" "run once, by test-host: none of it uses the sanitized binaries"
	summary
	exit
fi
export GRADE_OUT=$tmp/grade HANDIN_OUT=$tmp/handin

# handin LAB [WORK]: packs into $tmp/handin; $tmp/out.txt is what it said
handin() {
	rm -rf "$HANDIN_OUT"
	WORK=${2:-} sh scripts/handin.sh "$1" > "$tmp/out.txt" 2>&1
}
tarball() { echo "$HANDIN_OUT"/*.tar.gz; }
# members: the tarball's files, without the top directory
members() { tar tzf "$(tarball)" | grep -v '/$' | sed 's|^[^/]*/||' | sort | tr '\n' ' '; }
manifest_checks() {
	rm -rf "$tmp/x" && mkdir "$tmp/x" && tar xzf "$(tarball)" -C "$tmp/x" &&
		(cd "$tmp/x"/* && sha256sum --quiet -c MANIFEST)
}
keep() { mkdir -p "$tmp/in" && cp "$(tarball)" "$tmp/in/$1.tar.gz"; }

cp -R labs/lab7-daemon/solution "$tmp/alice"
check "lab7-daemon, the work done: handin exits 0" handin lab7-daemon "$tmp/alice"
check "lab7-daemon, the work done: one tarball named lab-user-date" \
	test -f "$HANDIN_OUT/lab7-daemon-$(id -un)-$(date +%Y-%m-%d).tar.gz"
check "lab7-daemon, the work done: the owned files, the answers among them" test "$(members)" = \
	"MANIFEST grade.json grade.txt work/answers.md work/daemon.c work/reaper.c "
check "lab7-daemon, the work done: every MANIFEST sha256 checks" manifest_checks
check "lab7-daemon, the work done: grade.json at full marks" \
	jqok .full_marks "$tmp/x/lab7-daemon-$(id -un)-$(date +%Y-%m-%d)/grade.json"
check "lab7-daemon, the work done: said full marks" grep -q '^handin.sh: full marks; packed ' "$tmp/out.txt"
keep alice-lab7

mkdir -p "$tmp/starter"
lab_starter labs/lab7-daemon "$tmp/starter/lab7-daemon"
handin lab7-daemon "$tmp/starter/lab7-daemon"
check "lab7-daemon's starter: packed anyway (exit 0)" test $? -eq 0
check "lab7-daemon's starter: said below full marks" \
	grep -q '^handin.sh: below full marks (grader exit 1), packed anyway: ' "$tmp/out.txt"
check "lab7-daemon's starter: MANIFEST checks" manifest_checks
# the student's own grade edited to full marks, the MANIFEST made again
rm -rf "$tmp/e" && mkdir "$tmp/e" && tar xzf "$(tarball)" -C "$tmp/e"
d=$(echo "$tmp/e"/*)
jq '.score = .max | .full_marks = true | .checks[].ok = true' "$d/grade.json" > "$d/g" && mv "$d/g" "$d/grade.json"
sed -i 's/^Score: .*/Score: 75\/75/' "$d/grade.txt"
(cd "$d" && { grep '^#' MANIFEST; find . -type f ! -name MANIFEST | sed 's|^\./||' | sort | xargs sha256sum; } > M && mv M MANIFEST)
tar -czf "$tmp/in/bob-lab7.tar.gz" -C "$tmp/e" "$(basename "$d")"

rm "$tmp/starter/lab7-daemon/reaper.c"
handin lab7-daemon "$tmp/starter/lab7-daemon"
check "a missing file: said" grep -q "^handin.sh: missing from .*: reaper.c" "$tmp/out.txt"
check "a missing file: listed in MANIFEST" \
	bash -c "tar xzOf '$HANDIN_OUT'/*.tar.gz --wildcards '*/MANIFEST' | grep -qx '# missing from the work tree: reaper.c'"

# refused CMD "MESSAGE": exit 2 and exactly that one line
refused_handin() {
	local want=$1 out rc
	shift
	out=$(WORK=${WORK:-} sh scripts/handin.sh "$@" 2>&1)
	rc=$?
	if [ $rc -eq 2 ] && [ "$out" = "$want" ]; then
		pass "bad input: handin $* ${WORK:+(WORK=$WORK)}"
	else
		fail "bad input: handin $* ${WORK:+(WORK=$WORK)}" "exit $rc, said: $(printf '%s' "$out" | tr '\n' '|')"
	fi
}
refused_handin "handin.sh: no lab 'nolab' (labs/nolab/grade.sh)" nolab
refused_handin "handin.sh: name the lab: make handin LAB=NAME WORK=dir"
WORK=$tmp/none refused_handin "handin.sh: lab7-daemon: no work tree at $tmp/none" lab7-daemon
refused_handin "handin.sh: lab7-daemon: name your work: WORK=dir, your copy of the starter (make starter LAB=lab7-daemon DEST=dir)" lab7-daemon
WORK=$TOP/labs/lab7-daemon/solution refused_handin \
	"handin.sh: lab7-daemon: WORK=$TOP/labs/lab7-daemon/solution is inside a reference solution ($TOP/labs/lab7-daemon/solution): grade your own copy (REFERENCE=1 grades the reference)" lab7-daemon
refused_handin "handin.sh: lab3-command: this is the teacher's copy, its code the reference solution: name a student tree, WORK=dir (make student-tree DEST=dir makes one), or grade the reference with REFERENCE=1" lab3-command

# the teacher's regrade: the teacher's scores, an edited grade flagged
OUT=$tmp/regrade/grades.csv bash scripts/regrade.sh "$tmp/in" > "$tmp/regrade.txt" 2>&1
check "regrade: exit 0, one CSV" test -f "$tmp/regrade/grades.csv"
check "regrade: a header and 2 lines" test "$(grep -c . "$tmp/regrade/grades.csv")" = 3
row() { grep "^$1," "$tmp/regrade/grades.csv"; }
check "regrade: the work done at 75/75" bash -c "grep -q '^alice-lab7.tar.gz,$(id -un),lab7-daemon,75,75,75/75,reference,' '$tmp/regrade/grades.csv'"
check "regrade: the edited 75/75 graded as the starter, flagged" \
	bash -c "grep '^bob-lab7.tar.gz,' '$tmp/regrade/grades.csv' | awk -F, '\$4 < 20 && \$6 == \"75/75\" && \$7 ~ /side-differs/ { ok = 1 } END { exit !ok }'"
check "regrade: a column per check" bash -c "head -n 1 '$tmp/regrade/grades.csv' | grep -q ',lab7-daemon:daemon-fds,'"

summary
