# 60-modelab-run.sh - the modelab command in the lab VM, as a lab runs it
# (guest suite, sourced by guest-suite.sh), checked against the module's
# own counts: 1 syscall per syscall figure and 0 per vDSO call, 1 fault or
# signal per fault-probe op, 1 interrupt per interrupt-probe event; a run
# killed by a signal puts /proc/modelab back as it found it; the observer
# effect is measured, labelled emulated, and compared; `modelab kernel`
# names a refused command and its errno.
#
# On entry: modelab.ko loaded, counting on, watching none.  Leaves it so.
# Without a static modelab in /bin: one SKIP (has_modelab).

has_modelab || return 0

cmd "reset" >/dev/null
modelab run --quick --csv syscall > $T/ml.csv 2> $T/ml.err
check "modelab run --csv in the guest exits 0" "$(head -c 200 $T/ml.err)" test $? -eq 0
# Slack: COUNT_OPS is 10000; other calls of modelab's own between its
# two reads of /proc/modelab are taken off, but allow 1%.
for f in getppid-syscall getppid-raw invalid-nr clock_gettime-syscall \
	 getcpu-syscall read-devzero write-devnull; do
	v=$(csv_col $T/ml.csv $f kernel_syscalls_per_op)
	check "kernel counts 1 syscall per $f" "counted $v" between "$v" 0.99 1.01
done
v=$(csv_col $T/ml.csv function-call kernel_syscalls_per_op)
check "kernel counts 0 syscalls per function call" "counted $v" between "$v" 0 0.01
# The vDSO stays in user mode only with a clocksource it can read;
# under emulation the guest often falls back to one it cannot.
cs=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)
v=$(csv_col $T/ml.csv clock_gettime-vdso kernel_syscalls_per_op)
if vdso_clock $cs; then
	check "kernel counts 0 syscalls per vDSO clock_gettime ($cs)" "counted $v" \
		between "$v" 0 0.01
else
	check "vDSO clock_gettime falls back to 1 syscall with clocksource $cs" \
		"counted $v" between "$v" 0.99 1.01
fi
# riscv64's vDSO getcpu is a system call under a vDSO name: its code is
# the ecall (arch/riscv/kernel/vdso/getcpu.S; docs/isas.md)
if [ $ISA = riscv64 ]; then
	v=$(csv_col $T/ml.csv getcpu-vdso kernel_syscalls_per_op)
	check "kernel counts 1 syscall per vDSO getcpu on riscv64 (its ecall)" \
		"counted $v" between "$v" 0.99 1.01
elif measured $T/ml.csv getcpu-vdso "kernel counts 0 syscalls per vDSO getcpu"; then
	v=$(csv_col $T/ml.csv getcpu-vdso kernel_syscalls_per_op)
	check "kernel counts 0 syscalls per vDSO getcpu" "counted $v" between "$v" 0 0.01
fi
snap $T/after-ml
check "modelab restores counting and the watch after its run" \
	"$(sed -n 2,3p $T/after-ml | tr '\n' ' ')" \
	test "$(sed -n 2,3p $T/after-ml | tr '\n' ' ')" = "counting on watching none "
# An interrupted run puts the module back as it found it (user/proc/cleanup.c):
# counting on and a watched sleeper before; a signal in the middle of
# the witness and observer passes, which switch counting and the watch.
sleep 600 &
SLEEPER=$!
cmd "watch $SLEEPER" >/dev/null
cmd "count on" >/dev/null
want="counting on watching $SLEEPER sleep "
for sig in TERM INT HUP; do
	for delay in 300000 1500000; do
		# a shell's background job starts ignoring SIGINT:
		# guest-actions -x puts it back to default, then execs
		$GA -x modelab run --time 2 syscall > /dev/null 2>&1 &
		RUN=$!
		usleep $delay
		kill -$sig $RUN 2>/dev/null
		wait $RUN
		rc=$?
		snap $T/after-sig
		got=$(sed -n 2,3p $T/after-sig | tr '\n' ' ')
		check "SIG$sig after ${delay}us: /proc/modelab as before the run" \
			"got '$got', exit $rc" test "$got" = "$want"
		check "SIG$sig after ${delay}us: no modelab process left" \
			"left: $(running modelab | tr '\n' ' ')" test -z "$(running modelab)"
		check "SIG$sig after ${delay}us: the exit status names the signal" \
			"exit $rc" test $rc -eq $((128 + $(kill -l $sig)))
	done
done
kill $SLEEPER
wait $SLEEPER 2>/dev/null
cmd "watch off" >/dev/null
modelab run --quick --json syscall > $T/ml.json 2>/dev/null
check "modelab measures the observer effect" "no counting_on_ns in the JSON" \
	grep -q '"counting_on_ns": [0-9]' $T/ml.json
# timed under TCG: it must say so, never pass for a native figure
check "the observer effect is labelled emulated in the lab VM" \
	"$(grep -o '"observer_effect": {[^,]*' $T/ml.json)" \
	grep -q '"observer_effect": {"emulated": true' $T/ml.json
check "the observer effect comes with its interval and an outcome" \
	"$(grep -o '"outcome": "[^"]*"' $T/ml.json)" \
	grep -qE '"ratio": \{"value": [0-9.e+-]+, "ci95_low": [0-9.e+-]+, "ci95_high": [0-9.e+-]+, "rounds": [0-9]+, "converged": (true|false)\}.*"outcome": "(slower|faster|no difference detectable)"' $T/ml.json
modelab run --quick --no-kernel --json syscall > $T/nk.json 2>/dev/null
check "--no-kernel leaves the kernel columns null" "kernel counts present" \
	grep -q '"kernel_syscalls_per_op": null' $T/nk.json
# modelab compare of the observer effect: the same runs with the
# module's counting off (A) and on (B).  Timed under TCG, so the
# verdicts are info, never checks; compare must run and name them.
cmd "count off" > /dev/null
modelab run --quick --no-kernel --json syscall > $T/off.json 2>/dev/null
cmd "count on" > /dev/null
modelab run --quick --no-kernel --json syscall > $T/on.json 2>/dev/null
modelab compare $T/off.json $T/on.json > $T/cmp.txt 2>&1
check "modelab compare: counting off against on, a verdict per figure" \
	"$(tail -n 1 $T/cmp.txt)" grep -q '^compare: [1-9][0-9]* figures in both' $T/cmp.txt
info "compare, counting off (A) against on (B): $(tail -n 1 $T/cmp.txt)"
grep -E '^syscall/(getppid-syscall|function-call|clock_gettime-vdso) ' $T/cmp.txt |
	while read -r l; do info "  $l"; done
# The fault probe: the module's watched counts for the same runs.
modelab run --quick --csv fault > $T/mf.csv 2> $T/mf.err
check "modelab run fault in the guest exits 0" "$(head -c 200 $T/mf.err)" test $? -eq 0
# 1% slack below: one run in several counted 0.999 for cow-after-fork
# (one fault fewer in 1000); the cause is not pinned down yet
for f in minor-anon-4k zero-page-read zero-page-cow cow-after-fork file-minor-stride; do
	v=$(csv_col $T/mf.csv $f kernel_faults_per_op)
	check "kernel counts 1 user page fault per $f" "counted $v" between "$v" 0.99 1.05
done
if [ -n "$(csv_col $T/mf.csv minor-anon-thp skipped)" ]; then
	skip "kernel counts 1 fault per huge page" "$(csv_col $T/mf.csv minor-anon-thp skipped)"
else
	v=$(csv_col $T/mf.csv minor-anon-thp kernel_faults_per_op)
	check "kernel counts 1 user page fault per 2 MiB huge page" "counted $v" between "$v" 1 1.05
fi
# A fault that ends in a signal is still a fault at the tracepoint;
# every handler returns through rt_sigreturn: one syscall per op.
for f in sigsegv sigbus; do
	v=$(csv_col $T/mf.csv $f kernel_faults_per_op)
	check "kernel counts 1 fault per $f" "counted $v" between "$v" 1 1.05
done
for f in sigsegv sigbus sigfpe sigill sigtrap kill-self; do
	measured $T/mf.csv $f "kernel counts 1 signal delivered per $f" || continue
	v=$(csv_col $T/mf.csv $f kernel_signals_per_op)
	check "kernel counts 1 signal delivered per $f" "counted $v" between "$v" 1 1.01
done
for f in sigfpe sigill sigtrap; do
	measured $T/mf.csv $f "kernel counts no page fault per $f" || continue
	v=$(csv_col $T/mf.csv $f kernel_faults_per_op)
	check "kernel counts no page fault per $f" "counted $v" between "$v" 0 0.01
done
v=$(csv_col $T/mf.csv sigsegv kernel_syscalls_per_op)
check "one syscall (rt_sigreturn) per exception round trip" "counted $v" between "$v" 1 1.01
v=$(csv_col $T/mf.csv kill-self kernel_syscalls_per_op)
check "two syscalls (kill, rt_sigreturn) per kill-self" "counted $v" between "$v" 2 2.01
v=$(csv_col $T/mf.csv file-major skipped)
case $(stat -f -c %T /tmp) in
tmpfs | ramfs)
	check "file-major skipped on tmpfs, with the reason" "skipped: '$v'" \
		test -n "$v" ;;
*)
	v=$(csv_col $T/mf.csv file-major rusage_majflt_per_op)
	check "a dropped page gives a major fault" "counted $v" between "$v" 1 1.05 ;;
esac
# The interrupt probe: interrupts raised on demand, a real device.
modelab run --quick --csv interrupt > $T/mi.csv 2> $T/mi.err
check "modelab run interrupt in the guest exits 0" "$(head -c 200 $T/mi.err)" test $? -eq 0
# modelab's irq_* columns read x86's rows of /proc/interrupts (IWI, CAL,
# TLB); the module's own IPI counts on every ISA are 50-interrupts.sh's
IRQ_WHY="modelab's irq_* columns read x86's /proc/interrupts rows (IWI, CAL, TLB); arm64 and riscv number their IPIs, and arm64 shoots TLBs down without one"
if on_x86 "modelab run interrupt: the irq_* columns" "$IRQ_WHY"; then
	v=$(csv_col $T/mi.csv irq-work irq_iwi_per_op)
	check "irq-work: one IWI interrupt per event raised" "counted $v" between "$v" 1 1.1
	v=$(csv_col $T/mi.csv ipi irq_cal_per_op)
	# below 1 when a call finds its target polling in idle (50-interrupts.sh)
	check "ipi: one CAL interrupt per event raised" "counted $v" between "$v" 0.95 1.1
	v=$(csv_col $T/mi.csv ipi-self irq_cal_per_op)
	check "ipi-self: the call to this CPU raises no interrupt" "counted $v" between "$v" 0 0.2
	a=$(csv_col $T/mi.csv munmap-alone irq_tlb_per_op)
	b=$(csv_col $T/mi.csv munmap-shootdown irq_tlb_per_op)
	check "munmap with a thread on the other CPU causes TLB shootdowns" "alone $a, with $b" \
		awk -v a="$a" -v b="$b" 'BEGIN { exit !(b != "" && b + 0 >= a + 0.1) }'
fi
v=$(csv_col $T/mi.csv device-read irq_device_per_op)
if on_x86 "device-read: one device interrupt per O_DIRECT read" \
	"arm64's virtio-pci disk gave 1.36 interrupts a read in the 6.12 lab VM (counted $v here), not yet explained"; then
	check "device-read: one device interrupt per O_DIRECT read" "counted $v" between "$v" 1 1.1
fi
v=$(modelab run --quick interrupt/os-noise 2>/dev/null | awk '/modelab.ko irq_timer on this CPU/ { print $NF }')
check "os-noise attributes the stolen time with the module's per-CPU timer count" \
	"counted '$v'" awk -v v="$v" 'BEGIN { exit !(v != "" && v + 0 > 0) }'

# modelab kernel: a refused command, its errno, the module's commands
modelab kernel watch-tree abc > $T/mk.out 2> $T/mk.err
v=$?
check "modelab kernel: a refused command exits 2" "exit $v" test $v -eq 2
check "modelab kernel: names the command and its errno" "$(head -n 1 $T/mk.err)" \
	test "$(head -n 1 $T/mk.err)" = \
	"modelab: /proc/modelab refused 'watch-tree abc': Invalid argument (EINVAL)"
check "modelab kernel: then the commands accepted" "$(tail -n +2 $T/mk.err | head -n 3)" \
	test "$(tail -n +3 $T/mk.err | sed 's/^  //')" = "$(cat /proc/modelab-help)" -a \
	"$(sed -n 2p $T/mk.err)" = "the module accepts:"
check "modelab kernel: no command lists them" "$(modelab kernel | head -n 2)" \
	test "$(modelab kernel)" = "$(cat /proc/modelab-help)"
modelab kernel watch-tree $$ && r=$(sed -n 3p $PROC | cut -d" " -f1,2)
modelab kernel watch off
check "modelab kernel watch-tree PID" "line 3: $r" test "$r" = "watching $$"
