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
#
# The lab VM's counts are kept, keyed by what made them (scripts/vm-cache.sh):
# a second run with nothing changed reuses them; FRESH=1 counts again.
# The same run also leaves build/report.json and, when modelab has a
# `report` command, build/report.html.
set -eu
cd "$(dirname "$0")/.."
ML=bin/modelab
counts=build/vm/kernel-counts.csv
json=build/report.json
html=build/report.html

# native ARGS...: the timings, here; the text (or what ARGS ask for) on
# stdout and, from the same run, the JSON report in $json (the HTML one
# beside it); $where says where they are, for the last line
where="no JSON report was written"
native() {
	nfig=$("$ML" list | grep -c '^  ')
	echo "timing natively: $nfig figures, each in 6 processes, about $((nfig * 2 / 5 + 5)) s (a progress line shows on a terminal)" >&2
	mkdir -p build
	rm -f "$json"	# never an older run's
	rc=0
	"$ML" run --json-out "$json" "$@" || rc=$?
	[ -s "$json" ] || return $rc
	where="the JSON report: $json"
	if "$ML" help report >/dev/null 2>&1 && "$ML" report "$json" -o "$html" >&2; then
		where="$where; the HTML report: $html"
	fi
	return $rc
}

if [ -w /proc/modelab ]; then
	echo "modelab.ko is loaded here: the kernel's counts come from this machine." >&2
	rc=0
	native "$@" || rc=$?
	echo "$where" >&2
	exit $rc
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

echo "$why: the kernel's counts come from the lab VM." >&2
mkdir -p build/vm
# the programs the VM gets, current, before their hashes are compared
[ -x build/static/bin/modelab ] || echo "building the lab VM's static programs (make static)..." >&2
make -s static >build/vm/static.log 2>&1 || true
if [ "${FRESH:-0}" != 1 ] && said=$(sh scripts/vm-cache.sh check "$counts"); then
	echo "$said" >&2
	have=1
else
	[ "${FRESH:-0}" = 1 ] && said="FRESH=1"
	took=$(sh scripts/vm-cache.sh took "$counts")
	# no key until this count succeeds: a failed one is never reused
	rm -f "${counts%.csv}.key"
	kver=$(sh scripts/kdir.sh 2>/dev/null | cut -d' ' -f1) || true
	probes=$("$ML" list | sed -n 's/^\([a-z0-9_-]*\): .*/\1/p' | tr '\n' ' ')
	echo "counting in the lab VM: $said" >&2
	echo "waiting for: modelab.ko built for ${kver:-Debian's kernel}, that kernel booted" \
	     "under QEMU (emulated), 'modelab run --quick --csv' of ${probes}in it:" \
	     "about ${took:-120} s${took:+ (what the last count took)}; log: build/vm/counts.log" >&2
	start=$(date +%s)
	have=0
	if bash tests/vm/run.sh --counts "$counts" >build/vm/counts.log 2>&1; then
		sh scripts/vm-cache.sh save "$counts" $(($(date +%s) - start))
		have=1
	fi
fi
if [ $have = 1 ]; then
	# a failed figure exits 1, after its report: show the VM's part too
	rc=0
	native --kernel-counts "$counts" "$@" || rc=$?
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
	if [ $machine = 1 ]; then
		vm_part >&2
		# the counts themselves, with the kernel and module that made them:
		# a report and this block come from the same run (lab 1 checks it)
		{
			echo
			echo "=== the lab VM's counts: kernel ${kver:-$(sh scripts/kdir.sh 2>/dev/null | cut -d' ' -f1)}, modelab.ko $(sed -n 's/^#define ML_VERSION[[:space:]]*"\(.*\)"/\1/p' kmod/modelab.h) ==="
			cat "$counts"
			echo "=== end of the lab VM's counts ==="
		} >&2
	else
		vm_part
	fi
	echo "$where" >&2
	exit "$rc"
fi
echo "the lab VM did not give counts (see build/vm/counts.log): timings only" >&2
rc=0
native --no-kernel "$@" || rc=$?
echo "$where" >&2
exit $rc
