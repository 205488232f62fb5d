#!/bin/bash
# labs/lab1-measure/grade.sh - grades lab1.json (the report), lab1-vm.txt
# (what the lab VM said) and answers.md (see README.md, "Hand-in" and
# "Grading").  Only what a run must show is checked: the report's shape,
# that its kernel counts come with the run that made them (the lab VM's
# own counts, in lab1-vm.txt, equal the report's and look like a real
# kernel's; or a native run with modelab.ko loaded), the counts
# themselves, the one ordering the hardware guarantees, answers on the
# question (in English or Chinese, not the handout's words back), and that
# every number quoted is the report's.  The prose is graded by the rubric.
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
# an answer on the question names at least one of its terms (either language)
TERMS_Q1_1='TSC|tick|cycle|turbo|PMU|周期|时钟|频率'
TERMS_Q1_2='ENOSYS|table|entry|mitigat|real_parent|RCU|sys_getppid|表|入口|缓解'
TERMS_Q1_3='interrupt|preempt|tail|--cpu|CPU|noise|tenant|softirq|中断|抢占|尾'
TERMS_Q2_1='vDSO|vdso|vvar|rdtsc|page|user mode|页|用户态'
TERMS_Q2_2='hpet|HPET|clocksource|fall ?s? ?back|syscall|时钟源|退回|回退|系统调用'
TERMS_Q2_3='hpet|acpi_pm|syscalls/op|clocksource|vclock|时钟源'
TERMS_Q3_1='mitigation|PTI|IBRS|IBPB|retpoline|swapgs|Spectre|Meltdown|RSB|缓解|页表隔离'
TERMS_Q3_2='mitigations=off|reboot|predict|PTI|CR3|IBRS|重启|预测'
TERMS_Q4_1='vDSO|user mode|syscall|kernel|用户态|系统调用|内核'
TERMS_Q4_2='TIF_SYSCALL_TRACEPOINT|tracepoint|slow path|emulat|TCG|跟踪点|慢路径|模拟'
export SYSCALL_FIGURES ONE_SYSCALL QUESTIONS REQUIRED_QUOTES ${!TERMS_*}

# The report's figures, once, as "FIGURE KEY VALUE" lines (one jq for all
# checks); nothing when lab1.json does not parse
FIGS=$GRADE_TMP/figures
jq -r '.figures[]? | select(.probe == "syscall") | .figure as $f | to_entries[]
	| select(.value | type != "object" and type != "array")
	| "\($f) \(.key) \(.value)"' "$B/lab1.json" > "$FIGS" 2>/dev/null || : > "$FIGS"
REF_FIGS=$GRADE_TMP/reference-figures
[ -f "$LABDIR/solution/lab1.json" ] && [ "${REFERENCE:-0}" != 1 ] &&
	jq -r '.figures[]? | "\(.figure) \(.median_ns)"' "$LABDIR/solution/lab1.json" > "$REF_FIGS"
export FIGS REF_FIGS

# fig FIGURE KEY: one key of one syscall figure of the report
fig() { awk -v f="$1" -v k="$2" '$1 == f && $2 == k { $1 = $2 = ""; sub(/^  /, ""); print; found = 1; exit } END { if (!found) print "null" }' "$FIGS"; }

# between V LO HI
between() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v != "null" && v != "" && v + 0 >= lo && v + 0 <= hi) }'; }

report_parses() {
	local s
	[ -f lab1.json ] || why "no lab1.json in the hand-in (sh scripts/run.sh --json syscall > lab1.json 2> lab1-vm.txt)"
	jq -e . lab1.json > /dev/null 2>&1 ||
		why "lab1.json is not JSON (was anything but the report written to stdout?)"
	s=$(jq -r '.schema' lab1.json)
	[ "$s" = 2 ] || why "lab1.json has schema '$s', not 2"
	# the teacher's copy knows the reference's report: a copy is no run
	if [ -s "${REF_FIGS:-}" ] &&
	   [ "$(jq -r '.figures[]? | "\(.figure) \(.median_ns)"' lab1.json)" = "$(cat "$REF_FIGS")" ]; then
		why "lab1.json is the reference solution's report (its every median), not a run of yours"
	fi
}

figures_present() {
	local f
	(report_parses) > /dev/null || why "no valid report"
	for f in $SYSCALL_FIGURES; do
		[ "$(fig "$f" figure)" = "$f" ] || why "syscall/$f is not in the report (run the syscall probe: run --json syscall)"
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

# vm_counts: the lab VM's CSV from lab1-vm.txt (between run.sh's markers)
vm_counts() { sed -n '/^=== the lab VM.s counts: /,/^=== end of the lab VM.s counts ===$/p' lab1-vm.txt 2>/dev/null | sed '1d;$d'; }

# csv_value PROBE FIGURE COLUMN: from the VM's CSV
csv_value() {
	vm_counts | awk -F, -v p="$1" -v f="$2" -v c="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == p && $2 == f { print (c in col) ? $col[c] : "none"; exit }'
}

# The counts come with the run that made them: counted in the lab VM, and
# lab1-vm.txt holds that VM's own counts (the kernel, the module, the whole
# CSV), equal to the report's, from a kernel that did what a kernel does;
# or counted here, natively, with the module loaded (the report says so,
# and measured the observer effect).
counts_bound() {
	local where f k v c head rows probes
	(kernel_counts_present) > /dev/null || why "no kernel counts"
	where=$(awk '$2 == "kernel_counted_in" { $1 = $2 = ""; sub(/^  /, ""); print }' "$FIGS" | sort -u | tr '\n' ',')
	case $where in
	"lab VM,")
		[ -f lab1-vm.txt ] || why "the counts were taken in the lab VM, and there is no lab1-vm.txt (sh scripts/run.sh --json syscall > lab1.json 2> lab1-vm.txt: both from one run)"
		head=$(grep -m1 "^=== the lab VM.s counts: " lab1-vm.txt)
		[ -n "$head" ] || why "lab1.json says its counts come from the lab VM, but lab1-vm.txt holds no counts of that VM (its '=== the lab VM's counts' block): take both from one run of sh scripts/run.sh --json syscall"
		grep -qE "kernel [0-9]+\.[0-9]+[^ ,]*, modelab\.ko [0-9.]+ ===" <<< "$head" ||
			why "lab1-vm.txt's counts name no kernel and module: '$head'"
		rows=$(vm_counts | grep -c .)
		probes=$(vm_counts | awk -F, 'NR > 1 { print $1 }' | sort -u | grep -c .)
		[ "$rows" -ge 40 ] && [ "$probes" -ge 5 ] ||
			why "lab1-vm.txt's counts hold $rows lines of $probes probes: the lab VM counts every probe (over 40 figures)"
		for f in $SYSCALL_FIGURES; do
			for k in kernel_syscalls_per_op kernel_faults_per_op kernel_signals_per_op; do
				v=$(fig "$f" "$k")
				c=$(csv_value syscall "$f" "$k")
				awk -v a="$v" -v b="$c" 'BEGIN { d = a - b; exit !(a != "null" && b != "" && b != "none" && d < 1e-9 && -d < 1e-9) }' ||
					why "syscall/$f $k is $v in lab1.json and ${c:-absent} in the lab VM's counts: the report's counts are not that run's"
			done
		done
		# what any real kernel with modelab.ko counts in the lab VM
		for c in "interrupt irq-work irq_iwi_per_op" "interrupt ipi irq_cal_per_op" \
			 "fault minor-anon-4k kernel_faults_per_op" "syscall getppid-syscall kernel_syscalls_per_op"; do
			set -- $c
			v=$(csv_value "$1" "$2" "$3")
			[ -z "$v" ] || [ "$v" = none ] || between "$v" 0.9 1.1 ||
				why "the lab VM's counts say $1/$2 $3 = $v: no kernel with modelab.ko loaded counts that (1 per op)"
		done
		;;
	"here,")
		[ "$(jq -r '.environment.proc_modelab' lab1.json)" = true ] ||
			why "lab1.json's counts were taken here, but its environment says /proc/modelab was not there"
		[ "$(jq -r '.observer_effect != null' lab1.json)" = true ] ||
			why "lab1.json's counts were taken here with modelab.ko, but the report has no observer effect: was it run with the module loaded?"
		;;
	*)
		why "lab1.json's counts say they were counted in '${where%,}': not one run, neither the lab VM's (with its counts in lab1-vm.txt) nor here with modelab.ko"
		;;
	esac
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

# prose Qn.m: the section without its quote lines
prose() { section "$1" | grep -v '^Q[0-9.]*: '; }

# length_ok TEXT: 15 words, or 30 Chinese characters (a mix: words plus
# half the Chinese characters); prints what it counted
length_of() {
	local words cjk
	words=$(LC_ALL=C tr -c 'A-Za-z0-9_\n' ' ' <<< "$1" | wc -w)
	cjk=$(LC_ALL=C grep -o $'[\xe4-\xe9]' <<< "$1" | wc -l)
	echo "$((words + cjk / 2)) $words $cjk"
}

# copied TEXT: most of TEXT is the handout's own words (either language):
# 20-character shingles of the text without spaces and punctuation
copied() {
	LC_ALL=C awk -v text="$1" '
		function norm(s) { gsub(/[ \t\r\n`*_.,:;()?!"-]/, "", s); return tolower(s) }
		{ h = h norm($0) }
		END {
			for (i = 1; i + 20 <= length(h); i++) seen[substr(h, i, 20)] = 1
			t = norm(text)
			for (i = 1; i + 20 <= length(t); i++) { n++; hit += (substr(t, i, 20) in seen) }
			exit !(n > 0 && hit * 2 > n)
		}' "$LABDIR/README.md" "$LABDIR/README.zh-CN.md"
}

every_question_answered() {
	local q text len terms
	[ -f answers.md ] || why "no answers.md in the hand-in"
	for q in $QUESTIONS; do
		grep -q "^## $q\b" answers.md || why "answers.md has no section '## $q'"
		section "$q" | grep -q 'TODO' && why "$q still holds a TODO"
		text=$(prose "$q")
		read -r len _ <<< "$(length_of "$text")"
		[ "$len" -ge 15 ] || why "$q: $(length_of "$text" | awk '{ print $2 " words and " $3 " Chinese characters" }') of answer: fewer than 15 words (or 30 Chinese characters)"
		copied "$text" && why "$q: the answer is the handout's own words: answer it in yours"
		terms=TERMS_${q//./_}
		grep -qE "${!terms}" <<< "$text" ||
			why "$q: the answer names nothing the question is about (such as $(cut -d'|' -f1-3 <<< "${!terms}" | sed 's/|/, /g'))"
	done
	if [ -f "$LABDIR/solution/answers.md" ] && [ "${REFERENCE:-0}" != 1 ] && cmp -s answers.md "$LABDIR/solution/answers.md"; then
		why "answers.md is the reference solution's"
	fi
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
	elif [ "${what%%/*}" = syscall ]; then
		want=$(fig "${what#*/}" "$key")
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

check report 5 "report: lab1.json parses, schema 2, a run of yours" report_parses
check figures 10 "report: every syscall figure measured and verified" figures_present
check counts 5 "report: the kernel's counts present" kernel_counts_present
check counts-bound 10 "kernel: the counts come with the run that made them (lab1-vm.txt's, or native)" counts_bound
check one-syscall 5 "kernel: 1 syscall per op for every syscall figure" one_syscall_each
check no-syscall 5 "kernel: 0 syscalls per function call and vDSO getcpu" no_syscall_in_user_mode
check ordering 5 "ordering: function call < null syscall" call_below_syscall
check answered 5 "answers: every question answered, on the question, in your words" every_question_answered
check quotes 5 "answers: the required numbers quoted" required_quotes_present
check quotes-match 10 "answers: every quoted number is the report's" quotes_match_report
grade_end
