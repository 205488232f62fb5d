#!/bin/sh
# guest-package.sh - the lab VM as an installed modelab boots it
# (modelab-vm, the Debian package): run in place of guest-suite.sh by
# scripts/deb-test.sh (MODELAB_SUITE).  It checks what the package brings
# into the VM, not the module in depth (guest-suite.sh does that): the
# module DKMS-style built from the package's sources loads and counts, and
# the package's static programs run, modelab-exit0 beside them.  Busybox
# sh; ends with the summary line tests/vm/run.sh reads.

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "PASS: $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $1: $2"; }
check() {
	name=$1 why=$2
	shift 2
	if "$@"; then pass "$name"; else fail "$name" "$why"; fi
}

check "guest: insmod the package's module" "$(insmod /modelab.ko 2>&1)" \
	test -e /proc/modelab
check "guest: its version is the package's" "$(cat /sys/module/modelab/version 2>&1)" \
	test "$(cat /sys/module/modelab/version 2>/dev/null)" = "$(modelab --version | cut -d' ' -f2)"
modelab run --quick --csv syscall/getppid-syscall process/fork-exec > /tmp/run.csv 2> /tmp/run.err
rc=$?
check "guest: the static modelab runs two figures" "exit $rc: $(tail -n 1 /tmp/run.err)" \
	test $rc = 0
# the kernel's count of syscalls per getppid: 1 (modelab counts the
# figure's own process while it runs)
col() { awk -F, -v f="$1" -v k="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$2 == f { print $c[k] }' /tmp/run.csv; }
n=$(col getppid-syscall kernel_syscalls_per_op)
check "guest: modelab.ko counted 1 syscall per getppid" "counted '$n'" \
	awk -v n="$n" 'BEGIN { exit !(n != "" && n + 0 > 0.99 && n + 0 < 1.01) }'
check "guest: fork-exec found modelab-exit0 beside modelab" "skipped: $(col fork-exec skipped)" \
	test -z "$(col fork-exec skipped)"
check "guest: rmmod" "$(rmmod modelab 2>&1)" test ! -e /proc/modelab
echo "modelab-suite summary: $PASSED passed, $FAILED failed, 0 skipped"
