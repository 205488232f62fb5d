#!/bin/bash
# labs/lab1-measure/grade.sh - grades WORK/lab1.json (the report) and
# WORK/answers.md (see README.md, "Hand-in" and "Grading").  Only what a
# run must show is checked: the report's shape, the kernel's counts, the
# one ordering the hardware guarantees, and that every number quoted in the
# answers is the report's.  The prose is graded by the rubric.
. "$(dirname "$0")/../lib.sh"
grade_begin lab1-measure

SYSCALL_FIGURES="function-call getppid-syscall getppid-raw invalid-nr
	clock_gettime-vdso clock_gettime-syscall getcpu-vdso getcpu-syscall
	read-devzero write-devnull"
ONE_SYSCALL="getppid-syscall getppid-raw invalid-nr clock_gettime-syscall
	getcpu-syscall read-devzero write-devnull"
QUESTIONS="Q1.1 Q1.2 Q1.3 Q2.1 Q2.2 Q2.3 Q3.1 Q3.2 Q4.1 Q4.2"
# what the answers must quote (README.md, "Numbers in the answers")
REQUIRED_QUOTES="Q1.1:syscall/getppid-syscall:median_ns
	Q1.1:syscall/function-call:median_ns
	Q1.1:syscall/getppid-syscall:median_ticks
	Q1.1:environment:tsc_ghz
	Q2.1:syscall/clock_gettime-vdso:median_ns
	Q2.1:syscall/clock_gettime-syscall:median_ns
	Q4.1:syscall/getppid-syscall:kernel_syscalls_per_op
	Q4.1:syscall/clock_gettime-vdso:kernel_syscalls_per_op"
export SYSCALL_FIGURES ONE_SYSCALL QUESTIONS REQUIRED_QUOTES

# fig FIGURE KEY: one key of one syscall figure of the report
fig() {
	jq -r --arg f "$1" --arg k "$2" \
		'[.figures[] | select(.probe == "syscall" and .figure == $f)][0][$k]' lab1.json
}

# between V LO HI
between() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v != "null" && v != "" && v + 0 >= lo && v + 0 <= hi) }'; }

report_parses() {
	[ -f lab1.json ] || why "no lab1.json in the hand-in (bin/modelab run --json syscall > lab1.json)"
	jq -e . lab1.json > /dev/null 2>&1 ||
		why "lab1.json is not JSON (was anything but the report written to stdout?)"
	local s
	s=$(jq -r '.schema' lab1.json)
	[ "$s" = 2 ] || why "lab1.json has schema '$s', not 2"
}

figures_present() {
	local f v
	(report_parses) > /dev/null || why "no valid report"
	for f in $SYSCALL_FIGURES; do
		v=$(fig "$f" figure)
		[ "$v" = "$f" ] || why "syscall/$f is not in the report (run the syscall probe: run --json syscall)"
		[ "$(fig "$f" skipped)" = false ] || why "syscall/$f was skipped: $(fig "$f" skip_reason)"
		[ "$(fig "$f" failed)" = false ] || why "syscall/$f failed: $(fig "$f" fail_reason)"
		[ "$(fig "$f" verified)" = true ] || why "syscall/$f is not verified: $(fig "$f" verify_error)"
	done
}

kernel_counts_present() {
	local f
	(report_parses) > /dev/null || why "no valid report"
	for f in $SYSCALL_FIGURES; do
		[ "$(fig "$f" kernel_syscalls_per_op)" != null ] ||
			why "syscall/$f has no kernel count (kernel_syscalls_per_op is null): take the report with sh scripts/run.sh --json syscall, or natively with modelab.ko loaded"
	done
}

one_syscall_each() {
	local f v
	(kernel_counts_present) > /dev/null || why "no kernel counts"
	for f in $ONE_SYSCALL; do
		v=$(fig "$f" kernel_syscalls_per_op)
		between "$v" 0.99 1.01 || why "syscall/$f: the kernel counted $v syscalls per op, not 1 (0.99 to 1.01)"
	done
}

no_syscall_in_user_mode() {
	local f v
	(kernel_counts_present) > /dev/null || why "no kernel counts"
	for f in function-call getcpu-vdso; do
		v=$(fig "$f" kernel_syscalls_per_op)
		between "$v" 0 0.01 || why "syscall/$f: the kernel counted $v syscalls per op, not 0 (0 to 0.01)"
	done
	# 0 with a clocksource the vDSO can read, 1 when it falls back (Q2.3)
	v=$(fig clock_gettime-vdso kernel_syscalls_per_op)
	between "$v" 0 0.01 || between "$v" 0.99 1.01 ||
		why "syscall/clock_gettime-vdso: the kernel counted $v syscalls per op, neither 0 nor 1"
}

call_below_syscall() {
	local a b
	(figures_present) > /dev/null || why "the figures are missing"
	a=$(fig function-call median_ns)
	b=$(fig getppid-syscall median_ns)
	awk -v a="$a" -v b="$b" 'BEGIN { exit !(a + 0 > 0 && a + 0 < b + 0) }' ||
		why "function-call median $a ns is not below getppid-syscall's $b ns: was the report edited?"
}

# section Qn.m: the text of answers.md under "## Qn.m", up to the next "## "
section() {
	awk -v q="$1" '/^## / { on = ($2 == q); next } on' answers.md
}

every_question_answered() {
	local q words
	[ -f answers.md ] || why "no answers.md in the hand-in"
	for q in $QUESTIONS; do
		grep -q "^## $q\b" answers.md || why "answers.md has no section '## $q'"
		section "$q" | grep -q 'TODO' && why "$q still holds a TODO"
		words=$(section "$q" | grep -v '^Q[0-9.]*: ' | wc -w)
		[ "$words" -ge 15 ] || why "$q: $words words of answer, fewer than 15"
	done
	true
}

# The quote lines: "Qn.m: PROBE/FIGURE KEY = VALUE" or "Qn.m: environment KEY = VALUE"
quotes() { grep -E '^Q[0-9]+\.[0-9]+: [a-z_]+(/[a-z0-9_-]+)? [a-z0-9_]+ = ' answers.md; }

required_quotes_present() {
	local r q what key
	[ -f answers.md ] || why "no answers.md in the hand-in"
	for r in $REQUIRED_QUOTES; do
		IFS=: read -r q what key <<< "$r"
		quotes | grep -qE "^$q: $what $key = " ||
			why "answers.md lacks the line '$q: $what $key = VALUE'"
	done
	true
}

# quote_matches WHAT KEY VALUE: VALUE is the report's within its rounding
# (half a unit of its last digit; 0.1% when written in e-notation)
quote_matches() {
	local what=$1 key=$2 val=$3 want
	if [ "$what" = environment ]; then
		want=$(jq -r --arg k "$key" '.environment[$k]' lab1.json)
	else
		want=$(jq -r --arg p "${what%%/*}" --arg f "${what#*/}" --arg k "$key" \
			'[.figures[] | select(.probe == $p and .figure == $f)][0][$k]' lab1.json)
	fi
	awk -v v="$val" -v w="$want" 'BEGIN {
		if (w == "null" || w == "" || v !~ /^-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?$/) exit 1
		if (v ~ /[eE]/) tol = (w < 0 ? -w : w) * 0.001
		else if (v ~ /\./) { d = v; sub(/.*\./, "", d); tol = 0.5 / 10 ^ length(d) }
		else tol = 0.5
		diff = v - w; if (diff < 0) diff = -diff
		exit !(diff <= tol * 1.000001 + 1e-9)
	}' || { echo "$want"; return 1; }
}

quotes_match_report() {
	local line q what key val want n=0
	(report_parses) > /dev/null || why "no valid report to compare the answers with"
	[ -f answers.md ] || why "no answers.md in the hand-in"
	while read -r line; do
		q=${line%%:*}
		set -- ${line#*: }
		what=$1 key=$2 val=$4
		want=$(quote_matches "$what" "$key" "$val") ||
			why "$q quotes $what $key = $val, the report says ${want:-nothing}"
		n=$((n + 1))
	done < <(quotes)
	[ $n -gt 0 ] || why "answers.md quotes no number ('Qn.m: PROBE/FIGURE KEY = VALUE')"
}

check "report: lab1.json parses, schema 2" 5 report_parses
check "report: every syscall figure measured and verified" 10 figures_present
check "report: the kernel's counts present" 5 kernel_counts_present
check "kernel: 1 syscall per op for every syscall figure" 5 one_syscall_each
check "kernel: 0 syscalls per function call and vDSO getcpu" 5 no_syscall_in_user_mode
check "ordering: function call < null syscall" 5 call_below_syscall
check "answers: every question answered" 5 every_question_answered
check "answers: the required numbers quoted" 5 required_quotes_present
check "answers: every quoted number is the report's" 10 quotes_match_report
grade_end
