#!/bin/sh
# grade.sh - `make grade`: run labs/LAB/grade.sh for each lab named (all
# when none is), against WORK (default: each lab's solution/); one line per
# check, `Score: X/Y` per lab, build/grade/LAB.json.  Exit 0 only when
# every lab graded has full marks.
set -u
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
	set -- $(for g in labs/*/grade.sh; do basename "$(dirname "$g")"; done)
fi
if [ $# -gt 1 ] && [ -n "${WORK:-}" ]; then
	echo "grade.sh: WORK=$WORK is one lab's tree: name the lab (LAB=NAME)" >&2
	exit 2
fi
rc=0
for lab in "$@"; do
	[ -f "labs/$lab/grade.sh" ] || { echo "grade.sh: no lab '$lab' (labs/$lab/grade.sh)" >&2; exit 2; }
	bash "labs/$lab/grade.sh" || rc=1
	echo
done
exit $rc
