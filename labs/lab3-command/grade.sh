#!/bin/bash
# labs/lab3-command/grade.sh - the grader's own project with the
# student's TODO regions (labs/lab3-command/owned) laid in: builds its
# modelab.ko W=1 against the lab VM's kernel (as the student), boots the
# lab VM once with that module, the grader's own VM runner and guest.sh,
# and judges each check from what guest.sh reported on the VM's second
# serial port with this run's nonce: counts with bounds, exact errnos, and
# from the console no kernel error.
. "$(dirname "$0")/../lib.sh"
grade_begin lab3-command

VM=$GRADE_TMP/vm
LOG=$VM/console.log
K=10000
VM_NONCE=lab3-$RANDOM$RANDOM$RANDOM
export VM LOG K GRADE_OUT VM_NONCE
mkdir -p "$VM"

# lab3 KEY: the value guest.sh reported for KEY ("lab3: KEY VALUE")
lab3() { tr -d '\r' < "$VM/results" 2>/dev/null | sed -n "s/^$VM_NONCE lab3: $1 //p" | tail -n 1; }

# One boot for every check below; the console log is kept for the student.
# Nothing written in the TODO regions: no boot, nothing to count.
vm_runs() {
	[ "$NOTHING_WRITTEN" = 0 ] || why "nothing written in the TODO regions: the lab VM was not booted"
	[ -f "$B/modelab.ko" ] || why "no modelab.ko (the build failed)"
	student make -C "$B" -j2 static > "$GRADE_TMP/static.log" 2>&1 ||
		why "make static failed: $(build_error "$GRADE_TMP/static.log")"
	MODELAB_VM_KO=$B/modelab.ko MODELAB_VM_DIR=$VM MODELAB_VM_TIMEOUT=600 \
		MODELAB_VM_BIN=$B/build/static/bin MODELAB_SUITE=$LABDIR/guest.sh \
		MODELAB_VM_RESULTS=$VM/results MODELAB_VM_NONCE=$VM_NONCE \
		bash "$TOP/tests/vm/run.sh" > "$GRADE_TMP/run.out" 2>&1
	cp "$LOG" "$GRADE_OUT/lab3-command.console.log" 2>/dev/null
	tr -d '\r' < "$VM/results" 2>/dev/null | grep -qx "$VM_NONCE lab3: done" ||
		why "the lab VM did not run guest.sh to its end: $(grep -m1 -E 'run.sh:|FAIL' "$GRADE_TMP/run.out")"
}

insmod_ok() {
	[ "$(lab3 insmod)" = OK ] || why "insmod in the VM: $(lab3 insmod)"
}

# accepted: a valid watch-tree PID got OK (every other check needs it)
accepted() {
	local r
	r=$(lab3 watch-tree-accepted)
	[ "$r" = OK ] || why "'watch-tree PID' of a running process got ${r:-nothing}, not OK"
}

# Bounds: each of the 5 processes makes K getppid(); what else a process
# calls (fork, wait4, exit_group, libc's own) is at most 64 (the suite's
# slack for one process), and a kernel adds nothing it counts as ours.
tree_counted() {
	local v
	(accepted) > /dev/null || why "$(accepted)"
	lab3 watch-tree-helper | grep -q '^status 0 ' || why "the tree helper failed: $(lab3 watch-tree-helper)"
	v=$(lab3 watch-tree-tree)
	[ -n "$v" ] && [ "$v" -ge $((5 * K)) ] ||
		why "watch-tree counted ${v:-nothing} syscalls, fewer than 5 x $K: not every descendant counts (forked after the command)"
	[ "$v" -le $((5 * K + 320)) ] ||
		why "watch-tree counted $v syscalls, over 5 x $K + 320: processes outside the tree count"
}

outsider_not_counted() {
	local v
	(accepted) > /dev/null || why "$(accepted)"
	v=$(lab3 watch-tree-outsider)
	[ -n "$v" ] && [ "$v" -lt 64 ] ||
		why "a process outside the tree made $K calls; watch-tree counted ${v:-nothing}"
}

watch_parent_only() {
	local v r
	r=$(lab3 watch-accepted)
	[ "$r" = OK ] || why "'watch PID' got ${r:-nothing}, not OK"
	v=$(lab3 watch-tree)
	[ -n "$v" ] && [ "$v" -ge $K ] && [ "$v" -le $((K + 64)) ] ||
		why "plain watch of the tree's parent counted ${v:-nothing}, not $K..$((K + 64)): watch must still count one process"
}

# write_gets KEY ERRNO WHAT: one malformed form of the command
write_gets() {
	local r
	(accepted) > /dev/null ||
		why "watch-tree is no command yet, so '$3' failing proves nothing"
	r=$(lab3 "errno $1")
	[ "$r" = "$2" ] || why "'$3' got ${r:-nothing}, want $2"
}

CHECK_TIMEOUT=300 check -r ".*" build 10 "build: the module builds W=1 clean for the VM's kernel" module_builds "$B"
CHECK_TIMEOUT=900 CHECK_MEM=4096 check -r "insmod|accepted|tree|outsider|watch|errno-.*|quiet" vm 5 "VM: the tree's module and programs, guest.sh run to its end" vm_runs
check insmod 5 "VM: insmod" insmod_ok
check accepted 5 "watch-tree PID: accepted (OK)" accepted
check tree 15 "watch-tree: parent, 2 children, 2 grandchildren counted (5 x K)" tree_counted
check outsider 5 "watch-tree: a process outside the tree not counted" outsider_not_counted
check watch 10 "watch PID: still the parent alone (K)" watch_parent_only
check errno-no-pid 2 "bad write: no PID -> EINVAL" write_gets no-pid EINVAL "watch-tree"
check errno-zero 2 "bad write: PID 0 -> EINVAL" write_gets zero EINVAL "watch-tree 0"
check errno-negative 2 "bad write: negative -> EINVAL" write_gets negative EINVAL "watch-tree -5"
check errno-non-numeric 2 "bad write: not a number -> EINVAL" write_gets non-numeric EINVAL "watch-tree abc"
check errno-trailing 2 "bad write: trailing garbage -> EINVAL" write_gets trailing EINVAL "watch-tree 1x"
check errno-two-args 2 "bad write: two arguments -> EINVAL" write_gets two-args EINVAL "watch-tree 1 1"
check errno-range 2 "bad write: out of int's range -> EINVAL" write_gets out-of-range EINVAL "watch-tree 99999999999"
check errno-too-long 2 "bad write: over 64 bytes -> EINVAL" write_gets too-long EINVAL "watch-tree <60 digits>"
check errno-no-such-pid 2 "bad write: no such process -> ESRCH" write_gets no-such-pid ESRCH "watch-tree 99999999"
check errno-thread 2 "bad write: a thread id, not a process -> ESRCH" write_gets thread-id ESRCH "watch-tree TID"
check errno-unknown 2 "bad write: unknown command -> EINVAL" write_gets unknown EINVAL "watch-trees 1"
check quiet 5 "kernel: no Oops, BUG or WARNING on the console" kernel_quiet "$LOG"
grade_end
