#!/bin/bash
# labs.sh - `make handin` (scripts/handin.sh): the tarball holds the
# student's files, the grader's result and a MANIFEST whose sha256s check;
# a grade below full marks is still packed; bad input exits 2 with one line.
# The graders themselves are proved by `make grade-selftest`.
set -u
cd "$(dirname "$0")/../.."
. tests/host/lib.sh

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

check "lab7-daemon's solution: handin exits 0" handin lab7-daemon
check "lab7-daemon's solution: one tarball named lab-user-date" \
	test -f "$HANDIN_OUT/lab7-daemon-$(id -un)-$(date +%Y-%m-%d).tar.gz"
check "lab7-daemon's solution: the expected members" test "$(members)" = \
	"MANIFEST grade.json grade.txt work/Makefile work/daemon.c work/reaper.c "
check "lab7-daemon's solution: every MANIFEST sha256 checks" manifest_checks
check "lab7-daemon's solution: grade.json at full marks" \
	jqok .full_marks "$tmp/x/lab7-daemon-$(id -un)-$(date +%Y-%m-%d)/grade.json"
check "lab7-daemon's solution: said full marks" grep -q '^handin.sh: full marks; packed ' "$tmp/out.txt"

check "lab1-measure's solution: the solution-only files packed too" handin lab1-measure
check "lab1-measure's solution: the expected members" test "$(members)" = \
	"MANIFEST grade.json grade.txt work/answers.md work/lab1-vm.txt work/lab1.json "

sh scripts/starter.sh "$tmp/starter" lab7-daemon > /dev/null
handin lab7-daemon "$tmp/starter/lab7-daemon"
check "lab7-daemon's starter: packed anyway (exit 0)" test $? -eq 0
check "lab7-daemon's starter: said below full marks" \
	grep -q '^handin.sh: below full marks (grader exit 1), packed anyway: ' "$tmp/out.txt"
check "lab7-daemon's starter: MANIFEST checks" manifest_checks

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
		pass "bad input: handin $*"
	else
		fail "bad input: handin $*" "exit $rc, said: $(printf '%s' "$out" | tr '\n' '|')"
	fi
}
refused_handin "handin.sh: no lab 'nolab' (labs/nolab/grade.sh)" nolab
refused_handin "handin.sh: name the lab: make handin LAB=NAME"
WORK=$tmp/none refused_handin "handin.sh: lab7-daemon: no work tree at $tmp/none" lab7-daemon

summary
