#!/bin/bash
# labs/lab2-migrations/grade.sh - lab 2, a migrations counter in modelab.ko.
# WORK (default: the project, an in-tree lab) is copied without its build
# products and built there: the module W=1 against the lab VM's kernel,
# the programs, the parser's unit test.  Then ONE boot of the lab VM (2
# CPUs, TCG) runs guest.sh with that copy's module and static programs:
# forced migrations of a watched and an unwatched process, counted exactly
# (guest.sh says the slack and why).  Counts only, never a timing.
. "$(dirname "$0")/../lib.sh"
grade_begin lab2-migrations

B=$GRADE_TMP/work
VM=$GRADE_TMP/vm
CONSOLE=$VM/console.log
export B VM CONSOLE
mkdir -p "$B" "$VM"
tar -C "$WORK" --exclude=./build --exclude=./bin --exclude=.git \
	--exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
	--exclude='.*.cmd' --exclude=modules.order --exclude=Module.symvers \
	-cf - . | tar -C "$B" -xf -

user_builds() {
	make -C "$B" -j4 all > "$GRADE_TMP/user.log" 2>&1 ||
		why "make failed: $(first_line 'error' "$GRADE_TMP/user.log")"
	[ -x "$B/bin/modelab" ] || why "make built no bin/modelab"
}

unit_test_passes() {
	make -C "$B" build/unit/test_kcounts > "$GRADE_TMP/unit.log" 2>&1 ||
		why "tests/unit/test_kcounts.c does not build: $(first_line 'error' "$GRADE_TMP/unit.log")"
	"$B/build/unit/test_kcounts" > "$GRADE_TMP/unit.out" 2>&1 ||
		why "test_kcounts fails: $(first_line 'ERROR|FAILED' "$GRADE_TMP/unit.out")"
}

# The one boot: the copy's module and static programs, guest.sh as the suite.
vm_runs() {
	[ -f "$B/modelab.ko" ] || why "no module to load (its build failed)"
	make -C "$B" -j4 static > "$GRADE_TMP/static.log" 2>&1 ||
		why "make static failed: $(first_line 'error' "$GRADE_TMP/static.log")"
	MODELAB_VM_DIR=$VM MODELAB_VM_KO=$B/modelab.ko \
		MODELAB_VM_BIN=$B/build/static/bin MODELAB_SUITE=$LABDIR/guest.sh \
		MODELAB_VM_TIMEOUT=500 bash "$TOP/tests/vm/run.sh" > "$VM/run.out" 2>&1
	grep -q '^modelab-suite summary: ' "$CONSOLE" ||
		why "the lab VM never finished guest.sh: $(tail -n 1 "$VM/run.out")"
	grep -q ' 2 CPUs ===' "$CONSOLE" || why "the lab VM did not have 2 CPUs"
}

# in_vm NAME: guest.sh's verdict on NAME
in_vm() {
	local r
	[ -f "$CONSOLE" ] || why "the lab VM did not run"
	r=$(tr -d '\r' < "$CONSOLE" | grep -m1 -E "^(PASS|FAIL): $1(:|\$)")
	[ -n "$r" ] || why "not reached in the VM: $(tr -d '\r' < "$CONSOLE" | grep -m1 '^FAIL: ' || echo 'guest.sh stopped')"
	[ "$r" = "PASS: $1" ] || why "${r#FAIL: $1: }"
}

CHECK_TIMEOUT=300 check "module: builds W=1 clean against the lab VM's kernel" 10 module_builds "$B"
CHECK_TIMEOUT=300 check "user: make builds bin/modelab" 5 user_builds
CHECK_TIMEOUT=300 check "parser: tests/unit/test_kcounts passes" 10 unit_test_passes
CHECK_TIMEOUT=600 check "VM: one boot, 2 CPUs, the tree's module and programs" 5 vm_runs
check "VM: the module loads" 5 in_vm insmod
check "VM: /proc/modelab has a migrations row, per CPU and watched" 10 in_vm rows
check "VM: an unwatched process's migrations not counted as watched" 15 in_vm unwatched
check "VM: N forced migrations of the watched process counted N..N+2" 20 in_vm watched
check "VM: the per-CPU columns hold every migration, on both CPUs" 10 in_vm percpu
check "VM: no Oops, BUG or WARNING on the console" 10 kernel_quiet "$CONSOLE"
grade_end
