#!/bin/bash
# labs/lab2-migrations/grade.sh - lab 2, a migrations counter in modelab.ko.
# The graded tree is the grader's own project with the student's TODO
# regions (labs/lab2-migrations/owned) laid in: Makefile, unit test, VM
# runner and in-VM script are the grader's.  It builds there (as the
# student): the module W=1 against the lab VM's kernel, the programs, the
# parser's unit test.  Then ONE boot of the lab VM (2 CPUs, TCG) runs
# guest.sh with that tree's module and static programs: forced migrations
# of a watched and an unwatched process, counted exactly (guest.sh says the
# slack and why).  guest.sh reports on the VM's second serial port, each
# line with this run's nonce, so that nothing the module prints on the
# console can pass for a verdict.  Counts only, never a timing.
. "$(dirname "$0")/../lib.sh"
grade_begin lab2-migrations

VM=$GRADE_TMP/vm
CONSOLE=$VM/console.log
VM_NONCE=lab2-$RANDOM$RANDOM$RANDOM
export VM CONSOLE VM_NONCE
mkdir -p "$VM"

user_builds() {
	student make -C "$B" -j2 all > "$GRADE_TMP/user.log" 2>&1 ||
		why "make failed: $(build_error "$GRADE_TMP/user.log")"
	[ -x "$B/bin/modelab" ] || why "make built no bin/modelab"
}

# (built with the project's sanitizers: AddressSanitizer reserves terabytes
# of address space, so this check has no address-space limit)
unit_test_passes() {
	student make -C "$B" build/unit/test_kcounts > "$GRADE_TMP/unit.log" 2>&1 ||
		why "tests/unit/test_kcounts.c does not build: $(build_error "$GRADE_TMP/unit.log")"
	student "$B/build/unit/test_kcounts" > "$GRADE_TMP/unit.out" 2>&1 ||
		why "test_kcounts fails: $(first_line 'ERROR|FAILED' "$GRADE_TMP/unit.out")"
}

# The one boot: the tree's module and static programs, guest.sh as the
# suite, the grader's own VM runner.  Nothing written in the TODO regions:
# no boot, nothing to count.
vm_runs() {
	[ "$NOTHING_WRITTEN" = 0 ] || why "nothing written in the TODO regions: the lab VM was not booted"
	[ -f "$B/modelab.ko" ] || why "no module to load (its build failed)"
	student make -C "$B" -j2 static > "$GRADE_TMP/static.log" 2>&1 ||
		why "make static failed: $(build_error "$GRADE_TMP/static.log")"
	MODELAB_VM_DIR=$VM MODELAB_VM_KO=$B/modelab.ko MODELAB_VM_BIN=$B/build/static/bin \
		MODELAB_SUITE=$LABDIR/guest.sh MODELAB_VM_TIMEOUT=500 \
		MODELAB_VM_RESULTS=$VM/results MODELAB_VM_NONCE=$VM_NONCE \
		bash "$TOP/tests/vm/run.sh" > "$VM/run.out" 2>&1
	vm_said | grep -q '^modelab-suite summary: ' ||
		why "the lab VM never finished guest.sh: $(tail -n 1 "$VM/run.out")"
	vm_said | grep -q ' 2 CPUs ===' || why "the lab VM did not have 2 CPUs"
}

# vm_said: guest.sh's lines on the results port, this run's nonce taken off
vm_said() { tr -d '\r' < "$VM/results" 2>/dev/null | sed -n "s/^$VM_NONCE //p"; }

# in_vm NAME: guest.sh's verdict on NAME
in_vm() {
	local r
	[ -s "$VM/results" ] || why "the lab VM did not run"
	r=$(vm_said | grep -m1 -E "^(PASS|FAIL): $1(:|\$)")
	[ -n "$r" ] || why "not reached in the VM: $(vm_said | grep -m1 '^FAIL: ' || echo 'guest.sh stopped')"
	[ "$r" = "PASS: $1" ] || why "${r#FAIL: $1: }"
}

CHECK_TIMEOUT=300 check -r "vm|insmod|rows|unwatched|watched|percpu|quiet" module 10 "module: builds W=1 clean against the lab VM's kernel" module_builds "$B"
CHECK_TIMEOUT=400 check user 5 "user: make builds bin/modelab" user_builds
CHECK_TIMEOUT=300 CHECK_MEM=0 check unit 10 "parser: tests/unit/test_kcounts passes" unit_test_passes
CHECK_TIMEOUT=700 CHECK_MEM=4096 check -r "insmod|rows|unwatched|watched|percpu|quiet" vm 5 "VM: one boot, 2 CPUs, the tree's module and programs" vm_runs
check insmod 5 "VM: the module loads" in_vm insmod
check rows 10 "VM: /proc/modelab has a migrations row, per CPU and watched" in_vm rows
check unwatched 15 "VM: an unwatched process's migrations not counted as watched" in_vm unwatched
check watched 20 "VM: N forced migrations of the watched process counted N..N+2" in_vm watched
check percpu 10 "VM: the per-CPU columns hold every migration, on both CPUs" in_vm percpu
check quiet 10 "VM: no Oops, BUG or WARNING on the console" kernel_quiet "$CONSOLE"
grade_end
