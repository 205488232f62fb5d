# guest-isa.sh - what the lab VM's checks must know of the ISA they run on
# (busybox sh; sourced by guest-suite.sh for its checks in guest/).  The
# checks are the same on x86_64, arm64 and riscv64; where an ISA lacks a
# feature, the check is a SKIP that names what is missing, never a silent
# pass.
ISA=$(uname -m)

# fail_attach=K (kmod/probes.c): the sources in attach order are probes.c's
# 6, then the ISA's (kmod/arch.h).  K: the second, the last common one and
# the last ISA one on x86 (12 sources, one optional); on arm64: the second,
# the perf fault counters (the 7th, not a tracepoint) and ipi_entry; on
# riscv (no ipi_entry): the second, the last common one, the perf counters.
case $ISA in
x86_64) FAIL_ATTACH_KS="2 6 11" ;;
aarch64) FAIL_ATTACH_KS="2 7 8" ;;
*) FAIL_ATTACH_KS="2 6 7" ;;
esac

# quick: the subset CI runs where the whole suite is too slow under TCG
# (run.sh writes /quick; MODELAB_VM_QUICK names the ISAs): no 80 load and
# unload cycles (the leak check), 1 round of rmmod under load instead of 5,
# each fail_attach once instead of three times, 50 reads during CPU
# hotplug instead of 500.  make test-kernels and make test-vm ARCH=...
# run everything.
quick() { [ -e /quick ]; }
QUICK_WHY="quick subset (CI) on $ISA: make test-kernels runs it"
if quick; then
	STRESS_ROUNDS=1 FAIL_ATTACH_LIST=$FAIL_ATTACH_KS HOTPLUG_READS=50
else
	STRESS_ROUNDS=5 HOTPLUG_READS=500
	FAIL_ATTACH_LIST="$FAIL_ATTACH_KS $FAIL_ATTACH_KS $FAIL_ATTACH_KS"
fi

# has_fault_cause: does the ISA tell a missing page from a protected one?
# x86's error code and arm64's syndrome do; riscv's scause does not, and
# modelab.ko shows those two rows as n/a there.
has_fault_cause() { [ $ISA != riscv64 ]; }

# ipi_label NAME X86LABEL: the /proc/interrupts label of an IPI kind.  x86
# names its vectors (IWI, CAL, RES); arm64 and riscv number their IPIs
# (IPI5:) and end the line with the kind's name, e.g. "IRQ work interrupts".
ipi_label() {
	if [ $ISA = x86_64 ]; then
		echo "$2"
	else
		awk -v n="$1" '$1 ~ /^IPI[0-9]+:$/ && substr($0, length($0) - length(n) + 1) == n {
			sub(/:$/, "", $1); print $1; exit }' /proc/interrupts
	fi
}

# vdso_clock: the clocksources whose time the vDSO reads in user mode
vdso_clock() {
	case $1 in
	tsc | kvm-clock | arch_sys_counter | riscv_clocksource) return 0 ;;
	esac
	return 1
}

# on_x86 NAME WHY: true on x86-64; elsewhere a SKIP of check NAME saying
# WHY it is x86's alone (its rows of /proc/interrupts, its traps)
on_x86() {
	[ $ISA = x86_64 ] && return 0
	skip "$1" "x86-64 only on $ISA: $2"
	return 1
}

# measured CSV FIGURE NAME: true when modelab measured FIGURE; else a SKIP
# of check NAME with the reason the run gave (a figure the ISA lacks:
# no vDSO getcpu, no trap on an integer divide by zero)
measured() {
	_why=$(awk -F, -v f="$2" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$2 == f { print $col["skipped"] }' "$1")
	[ -z "$_why" ] && return 0
	skip "$3" "$2 not measured on $ISA: $_why"
	return 1
}
