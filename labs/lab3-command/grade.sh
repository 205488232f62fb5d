#!/bin/bash
# labs/lab3-command/grade.sh - builds WORK's modelab.ko (in a copy) W=1
# against the lab VM's kernel, boots the lab VM once with WORK's module and
# programs (WORK's tests/vm/run.sh) running guest.sh, and judges each check
# from the console log: counts with bounds, exact errnos, no kernel error.
. "$(dirname "$0")/../lib.sh"
grade_begin lab3-command

B=$GRADE_TMP/work	# builds never touch the student's tree
VM=$GRADE_TMP/vm
LOG=$VM/console.log
K=10000
export B VM LOG K GRADE_OUT
mkdir -p "$B" "$VM"
tar -C "$WORK" --warning=no-file-changed --warning=no-file-removed --exclude=./.git --exclude=./build --exclude=./bin \
	--exclude='*.o' --exclude='*.ko' -cf - . | tar -C "$B" -xf -

# lab3 KEY: the value guest.sh printed for KEY ("lab3: KEY VALUE")
lab3() { tr -d '\r' < "$LOG" 2>/dev/null | sed -n "s/^lab3: $1 //p" | tail -n 1; }

# One boot for every check below; the console log is kept for the student.
vm_runs() {
	[ -f "$B/modelab.ko" ] || why "no modelab.ko (the build failed)"
	MODELAB_VM_KO=$B/modelab.ko MODELAB_VM_DIR=$VM MODELAB_VM_TIMEOUT=600 \
		MODELAB_SUITE=$LABDIR/guest.sh MAKEFLAGS=-j$(nproc) \
		bash "$B/tests/vm/run.sh" > "$GRADE_TMP/run.out" 2>&1
	cp "$LOG" "$GRADE_OUT/lab3-command.console.log" 2>/dev/null
	tr -d '\r' < "$LOG" 2>/dev/null | grep -q '^lab3: done$' ||
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

check "build: the module builds W=1 clean for the VM's kernel" 10 module_builds "$B"
CHECK_TIMEOUT=900 check "VM: WORK's module and programs, guest.sh run to its end" 5 vm_runs
check "VM: insmod" 5 insmod_ok
check "watch-tree PID: accepted (OK)" 5 accepted
check "watch-tree: parent, 2 children, 2 grandchildren counted (5 x K)" 15 tree_counted
check "watch-tree: a process outside the tree not counted" 5 outsider_not_counted
check "watch PID: still the parent alone (K)" 10 watch_parent_only
check "bad write: no PID -> EINVAL" 2 write_gets no-pid EINVAL "watch-tree"
check "bad write: PID 0 -> EINVAL" 2 write_gets zero EINVAL "watch-tree 0"
check "bad write: negative -> EINVAL" 2 write_gets negative EINVAL "watch-tree -5"
check "bad write: not a number -> EINVAL" 2 write_gets non-numeric EINVAL "watch-tree abc"
check "bad write: trailing garbage -> EINVAL" 2 write_gets trailing EINVAL "watch-tree 1x"
check "bad write: two arguments -> EINVAL" 2 write_gets two-args EINVAL "watch-tree 1 1"
check "bad write: out of int's range -> EINVAL" 2 write_gets out-of-range EINVAL "watch-tree 99999999999"
check "bad write: over 64 bytes -> EINVAL" 2 write_gets too-long EINVAL "watch-tree <60 digits>"
check "bad write: no such process -> ESRCH" 2 write_gets no-such-pid ESRCH "watch-tree 99999999"
check "bad write: a thread id, not a process -> ESRCH" 2 write_gets thread-id ESRCH "watch-tree TID"
check "bad write: unknown command -> EINVAL" 2 write_gets unknown EINVAL "watch-trees 1"
check "kernel: no Oops, BUG or WARNING on the console" 5 kernel_quiet "$LOG"
grade_end
