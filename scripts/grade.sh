#!/bin/sh
# grade.sh - `make grade LAB=NAME WORK=dir [CHECK=id,...]`: run
# labs/NAME/grade.sh on the student's tree WORK; one line per check,
# `Score: X/Y`, build/grade/NAME.json; exit 0 only at full marks.
#
# WORK is the student's copy of the lab's starter; for a lab done in the
# project's own tree (labs 2 and 3), a student tree, which it defaults to
# in one.  CHECK runs only the checks named (and those they need).
# REFERENCE=1 grades the reference solutions instead (the teacher's
# copy): one lab, or every lab when none is named.  A grade given in a
# student tree is for the student's information: the teacher's `make
# regrade` of the hand-in is the grade.
set -u
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
	if [ "${REFERENCE:-0}" != 1 ]; then
		echo "grade.sh: name the lab: make grade LAB=NAME WORK=dir (REFERENCE=1 without LAB grades every reference solution)" >&2
		exit 2
	fi
	set -- $(for g in labs/*/grade.sh; do basename "$(dirname "$g")"; done)
fi
if [ $# -gt 1 ] && { [ -n "${WORK:-}" ] || [ -n "${CHECK:-}" ]; }; then
	echo "grade.sh: WORK and CHECK are one lab's: name the lab (LAB=NAME)" >&2
	exit 2
fi
rc=0
for lab in "$@"; do
	[ -f "labs/$lab/grade.sh" ] || { echo "grade.sh: no lab '$lab' (labs/$lab/grade.sh)" >&2; exit 2; }
	bash "labs/$lab/grade.sh"
	r=$?
	[ $r -eq 2 ] && exit 2
	[ $r -eq 0 ] || rc=1
	echo
done
exit $rc
