#!/bin/bash
# tests/host/syscall.sh - the syscall probe on this machine: the orderings the
# hardware guarantees (a function call under the vDSO under a syscall, far
# apart) and the invalid syscall number measured.  Orderings nothing
# guarantees are shown as DEMO lines, never counted (lib.sh's demo).
#
# BIN=dir picks the programs to test (default: bin/, as `make` builds them).
set -u
cd "$(dirname "$0")/../.."
. tests/host/lib.sh
ML=$BIN/modelab

"$ML" run --quick --json syscall >"$tmp/run.json" 2>/dev/null
check "run --json syscall exits 0" test $? -eq 0
check "run --json syscall parses as JSON" jqok . "$tmp/run.json"

# ---- orderings the hardware guarantees -----------------------------------
check "function call < null syscall" less function-call getppid-syscall
check "invalid-nr figure measured (the kernel said ENOSYS)" \
	jqok '.figures[] | select(.figure == "invalid-nr") | .skipped == false' "$tmp/run.json"
# The vDSO reads the clock in user mode only with a clocksource it can read.
cs=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)
case "$cs" in
tsc | kvm-clock | hyperv_clocksource_tsc_page | arch_sys_counter)
	check "function call < vDSO clock_gettime" less function-call clock_gettime-vdso
	check "vDSO clock_gettime < syscall clock_gettime" less clock_gettime-vdso clock_gettime-syscall
	check "vDSO getcpu < syscall getcpu" less getcpu-vdso getcpu-syscall
	;;
*)
	skip "vDSO orderings" "clocksource '$cs' makes the vDSO fall back to the syscall"
	;;
esac

summary
