#!/bin/bash
# tests/vm/stress/run.sh - the stress suite (stress.sh) in the lab VM.
#
#   tests/vm/stress/run.sh [--seconds S] [--kernel K]
#
#   --seconds S  each of the 10 phases runs S seconds (default 12, CI's;
#                `make stress`: 120); fork-bound steps (a 500-deep
#                cascade, the deep chains) take what they take on top
#   --kernel K   default: the newest Debian kernel in /boot (as make
#                test-vm); a row of scripts/kernels.sh (6.1, sid, ...):
#                fetched, built for and booted as `make test-kernels` does,
#                logs in MODELAB_KCACHE/logs/K.stress.vm.log; debug: the
#                KASAN/lockdep kernel of scripts/debug-kernel.sh (built
#                first if it is not in its cache: that takes long)
#
# The guest boots with slub_debug=FZPU (sanity checks, red zones, poisoned
# frees: a use-after-free reads 0x6b..., as in issue 21's review) and full
# preemption where the kernel lets us choose.  Exit 0 only when every
# phase passed and the console stayed clean.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)
SECONDS_A_PHASE=12
KERNEL=default
while [ $# -gt 0 ]; do
	case $1 in
	--seconds)
		[[ ${2:-} =~ ^[1-9][0-9]*$ ]] || { echo "stress: --seconds needs a number of seconds" >&2; exit 2; }
		SECONDS_A_PHASE=$2
		shift 2
		;;
	--kernel)
		[ -n "${2:-}" ] || { echo "stress: --kernel needs a name" >&2; exit 2; }
		KERNEL=$2
		shift 2
		;;
	-h | --help)
		sed -n '/^set -eu/q; 2,$p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "stress: unknown argument '$1' (try --help)" >&2
		exit 2
		;;
	esac
done

export MODELAB_SUITE=$HERE/stress.sh
export MODELAB_VM_PROGS=$HERE
export MODELAB_VM_BIN=none	# only busybox, guest-actions and st-*
# 10 phases, boot and the fork-bound steps: a wide margin for TCG on a
# busy host (a 12 s run took 25 minutes at a load of 25 on 2 cores).
# 5,000 processes in one chain (the deep phase), each with its kernel
# stack and page tables: 1 GiB ran out of memory (the OOM killer took the
# suite's shell at depth ~4,900 on 6.1)
export MODELAB_VM_MEM=${MODELAB_VM_MEM:-3072}
export MODELAB_VM_TIMEOUT=$((10 * SECONDS_A_PHASE * 2 + 2400))
export MODELAB_VM_APPEND="slub_debug=FZPU preempt=full ML_STRESS_SECONDS=$SECONDS_A_PHASE ${MODELAB_VM_APPEND:-}"
echo "stress: $SECONDS_A_PHASE s a phase on kernel $KERNEL"

case $KERNEL in
default)
	exec bash "$TOP/tests/vm/run.sh"
	;;
debug)
	bash "$TOP/scripts/debug-kernel.sh" build > /dev/null
	ko=$(bash "$TOP/scripts/debug-kernel.sh" module)
	eval "export $(bash "$TOP/scripts/debug-kernel.sh" env | tr '\n' ' ')"
	MODELAB_VM_KO=$ko MODELAB_VM_DIR=${MODELAB_VM_DIR:-$TOP/build/vm-debug} \
		exec bash "$TOP/tests/vm/run.sh"
	;;
*)
	# scripts/kernels.sh does the fetching, the chroot build and the boot.
	MODELAB_KLOG_TAG=stress exec bash "$TOP/scripts/kernels.sh" "$KERNEL"
	;;
esac
