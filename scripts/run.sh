#!/bin/sh
# run.sh - `make run`: the full lab report on any machine.
#
# Timings are always taken here, natively: under the lab VM's emulation
# they would mean nothing.  The kernel's counts come from /proc/modelab
# when this machine has the module loaded and we may drive it; otherwise
# from the lab VM, which boots Debian's kernel with the module, runs the
# same probes there and hands back its CSV.  The report labels each count
# with where it was taken.
#
# With --json or --csv, stdout holds that report alone (`sh scripts/run.sh
# --json syscall > lab1.json` parses); the lab VM's own text part, which
# the text report prints after it, goes to stderr instead.
set -eu
cd "$(dirname "$0")/.."
ML=bin/modelab
counts=build/vm/kernel-counts.csv

if [ -w /proc/modelab ]; then
	echo "modelab.ko is loaded here: the kernel's counts come from this machine." >&2
	exec "$ML" run "$@"
fi

if [ -r /proc/modelab ]; then
	why="/proc/modelab is here but only root may drive it"
elif [ ! -d "/lib/modules/$(uname -r)" ]; then
	why="this kernel ($(uname -r)) cannot load modules"
else
	why="modelab.ko is not loaded (sudo insmod modelab.ko to count natively)"
fi
machine=0
for a in "$@"; do
	case $a in --json | --csv) machine=1 ;; esac
done

echo "$why: counting in the lab VM (about a minute under emulation)..." >&2
mkdir -p build/vm
if bash tests/vm/run.sh --counts "$counts" >build/vm/counts.log 2>&1; then
	# a failed figure exits 1, after its report: show the VM's part too
	rc=0
	"$ML" run --kernel-counts "$counts" "$@" || rc=$?
	vm_part() {
		echo
		echo "In the lab VM, where modelab.ko is loaded (emulated: counts are real, nanoseconds are not):"
		# what only the module, or the VM's disk, can show
		awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
			function v(k) { return $c[k] == "" ? "-" : sprintf("%.2f", $c[k]) }
			$2 == "irq-work" { printf "  %-22s %s IWI interrupts per event raised\n", $2, v("irq_iwi_per_op") }
			$2 == "ipi" { printf "  %-22s %s CAL interrupts per event raised\n", $2, v("irq_cal_per_op") }
			$2 == "ipi-self" { printf "  %-22s %s CAL interrupts per event: a call to this CPU raises none\n", $2, v("irq_cal_per_op") }
			$2 == "device-read" { printf "  %-22s %s device interrupts per O_DIRECT read of the virtio disk\n", $2, v("irq_device_per_op") }
			$2 == "denied-enters-kernel" { printf "  %-22s %s\n", $2, $c["verified"] == 1 ? "calls refused by seccomp counted leaving the kernel (sys_exit), not entering (sys_enter)" : "not verified" }' \
			"$counts"
		if [ -s "${counts%.csv}.observer.txt" ]; then
			cat "${counts%.csv}.observer.txt"
		fi
	}
	if [ $machine = 1 ]; then vm_part >&2; else vm_part; fi
	exit "$rc"
fi
echo "the lab VM did not give counts (see build/vm/counts.log): timings only" >&2
exec "$ML" run --no-kernel "$@"
