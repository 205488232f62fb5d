#!/bin/bash
# isas.sh - make isas: one experiment on x86_64, arm64 and riscv64, and
# one table of them side by side (modelab isa --table), every cell from a
# run made now.
#
#   scripts/isas.sh            (make isas; ISAS="arm64 riscv64" for fewer)
#
# For each ISA, the lab VM of that ISA (tests/vm/run.sh --counts FILE
# --arch ISA) boots its Debian kernel under QEMU with modelab.ko loaded and
# runs `modelab run --quick --csv` (the kernel's counts per op, and
# emulated timings) and `modelab isa` (how the kernel is entered, the
# numbers, the vDSO, what a / 0, the illegal instruction and the
# breakpoint do).  An ISA whose lab VM this tree does not have runs the
# same static programs under qemu-user instead: the facts the CPU gives
# are there, the kernel's are not (no module, no ptrace, no vDSO, and the
# host's kernel answers), and the column says so.  Everything lands in
# build/isas/: ISA.isa.txt, ISA.csv, ISA.log and table.txt.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 2
OUT=build/isas
mkdir -p "$OUT"
HOST_ARCH=$(uname -m | sed 's/aarch64/arm64/')
ISAS=${ISAS:-x86_64 arm64 riscv64}
PROBES="syscall fault"	# what the table shows of `modelab run`
specs=()

log() { echo "isas.sh: $*" >&2; }

# vm ISA: the lab VM's facts and counts; fails when there is no such VM
vm() {
	local isa=$1
	# run.sh boots its own ISA's VM only if it knows the name at all
	[ "$isa" = x86_64 ] || grep -q "$isa" tests/vm/run.sh || return 2
	local args=(--counts "$TOP/$OUT/$isa.csv")
	grep -q -- '--arch' tests/vm/run.sh && args+=(--arch "$isa")
	rm -f "$OUT/$isa.csv" "$OUT/$isa.isa.txt"
	log "$isa: the lab VM (emulated; minutes; log: $OUT/$isa.log)"
	[ "$isa" = x86_64 ] || sh scripts/deps.sh isas > /dev/null 2>&1 || true
	# the VM counts the probes the table shows, not all: minutes less
	MODELAB_VM_APPEND="modelab_probes=${PROBES// /,} ${MODELAB_VM_APPEND:-}" \
	ARCH=$isa MODELAB_VM_DIR="$TOP/$OUT/vm-$isa" \
		nice -n 10 bash tests/vm/run.sh "${args[@]}" \
		> "$OUT/$isa.log" 2>&1 || return 1
	# the VM must have been this ISA's: its own `modelab isa` says so
	grep -qE "^isa +$isa " "$OUT/$isa.isa.txt" 2>/dev/null
}

# user ISA: the same programs under qemu-user (or natively for the host)
user() {
	local isa=$1 bin emu=()
	if [ "$isa" = "$HOST_ARCH" ]; then
		bin=bin
	else
		nice -n 10 make -s ARCH="$isa" static > "$OUT/$isa.log" 2>&1 ||
			{ log "$isa: make ARCH=$isa static failed (see $OUT/$isa.log)"; return 1; }
		bin=build/$isa/static/bin
		emu=("qemu-${isa/arm64/aarch64}-static")
		command -v "${emu[0]}" > /dev/null ||
			{ log "$isa: no ${emu[0]} (apt-get install qemu-user-static)"; return 1; }
	fi
	log "$isa: $why: ${emu[0]:-natively} instead ($PROBES)"
	"${emu[@]}" "$bin/modelab" isa > "$OUT/$isa.isa.txt" 2>> "$OUT/$isa.log" &&
	"${emu[@]}" "$bin/modelab" run --quick --csv $PROBES > "$OUT/$isa.csv" \
		2>> "$OUT/$isa.log"
	# a failed figure still gives its row; no CSV header is a failure
	grep -q '^probe,figure,' "$OUT/$isa.csv"
}

failed=0
for isa in $ISAS; do
	case $isa in
	x86_64 | arm64 | riscv64) ;;
	*) log "ISAS: '$isa' is not x86_64, arm64 or riscv64"; exit 2 ;;
	esac
	vm "$isa"
	case $? in
	0) why= ;;
	2) why="no lab VM for it in this tree" ;;
	*) why="its lab VM gave no clean run (see $OUT/$isa.log)" ;;
	esac
	if [ -z "$why" ] || user "$isa"; then
		specs+=("$OUT/$isa.isa.txt,$OUT/$isa.csv")
	else
		log "$isa: no facts (see $OUT/$isa.log)"
		failed=$((failed + 1))
	fi
done
[ ${#specs[@]} -gt 0 ] || exit 1
bin/modelab isa --table "${specs[@]}" | tee "$OUT/table.txt"
[ $failed = 0 ]
