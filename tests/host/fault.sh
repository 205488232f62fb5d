#!/bin/bash
# tests/host/fault.sh - the fault probe on this machine: faults and exceptions,
# by what the witnesses counted (getrusage, perf): one minor fault per fresh
# page, fault-around, major faults, huge pages, every signal handler run once
# per op; a null syscall under a minor fault.  Timing orderings a busy
# machine can reverse are DEMO lines, never counted.
#
# BIN=dir picks the programs to test (default: bin/, as `make` builds them).
set -u
cd "$(dirname "$0")/../.."
. tests/host/lib.sh
ML=$BIN/modelab

# The null syscall too, for the one ordering against it.
"$ML" run --quick --json syscall/getppid-syscall fault >"$tmp/run.json" 2>/dev/null
check "run --json fault exits 0" test $? -eq 0
check "run --json fault parses as JSON" jqok . "$tmp/run.json"

# ---- faults and exceptions: what the witnesses counted ---------------------
for w in rusage_minflt_per_op perf_minflt_per_op; do
	v=$(field minor-anon-4k $w)
	check "K fresh pages: one minor fault each without THP ($w = $v)" within "$v" 1 1.05
	v=$(field file-minor-stride $w)
	check "one file page in 16: one minor fault each ($w = $v)" within "$v" 1 1.05
done
v=$(field file-minor-seq rusage_minflt_per_op)
check "fault-around maps more than one page per fault ($v faults per page)" within "$v" 0.001 0.5
# skipped_or FIGURE CHECK...: the machine may lack the feature; say so
skipped_or() {
	local f=$1 why
	shift
	if [ "$(field "$f" skipped)" = true ]; then
		why=$(field "$f" skip_reason)
		check "$f skipped with a reason" test -n "$why"
		skip "$f" "$why"
	else
		check "$@"
	fi
}
for f in zero-page-read zero-page-cow cow-after-fork; do
	v=$(field $f rusage_minflt_per_op)
	skipped_or $f "$f: one minor fault per page ($v)" within "$v" 1 1.05
done
v=$(field file-major rusage_majflt_per_op)
skipped_or file-major "a dropped page gives a major fault ($v per op)" within "$v" 1 1.05
skipped_or minor-anon-thp "huge page faults got huge pages" test "$(field minor-anon-thp verified)" = true
for f in sigsegv sigsegv-restore sigbus sigfpe sigill sigtrap kill-self; do
	check "$f: the handler ran exactly once per op and the program went on" \
		test "$(field $f verified)" = true
done
for f in sigsegv sigbus; do
	check "$f: a fault the kernel could not resolve is not accounted as a minor fault" \
		within "$(field $f rusage_minflt_per_op)" 0 0.002
done
# A minor fault is a kernel entry like the syscall's plus finding the VMA,
# allocating, zeroing and mapping a page: about ten null syscalls.
check "null syscall < minor fault" less getppid-syscall minor-anon-4k
# About twice a minor fault, and a huge page's allocation may compact
# memory first: orderings a busy or fragmented machine can reverse.
demo "minor fault < SIGSEGV round trip" less minor-anon-4k sigsegv
if [ "$(field minor-anon-thp skipped)" = false ]; then
	demo "4 KiB faults cost more per KiB than a huge page's" \
		below "$(field minor-anon-thp median_ns_per_kib)" "$(field minor-anon-4k median_ns_per_kib)"
fi

summary
