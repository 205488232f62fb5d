#!/bin/bash
# tests/host/isa.sh - `modelab isa` on this machine: every fact the ISA
# fixes is what the run observed (on x86-64: syscall's bytes, 110 for
# getppid, SIGFPE for a / 0, ud2 a fault, int3 a trap, SIGBUS with AC
# set), the vDSO read from memory agrees with the syscall probe's skips,
# and --table refuses what is not modelab's output, with exit 2.
#
# BIN=dir picks the programs to test (default: bin/, as `make` builds them).
set -u
cd "$(dirname "$0")/../.."
. tests/host/lib.sh
ML=$BIN/modelab

"$ML" isa > "$tmp/isa.txt" 2> "$tmp/isa.err"
check "modelab isa exits 0" test $? -eq 0
check "modelab isa says nothing on stderr" test ! -s "$tmp/isa.err"
fact() { sed -n "s/^$1  *//p" "$tmp/isa.txt"; }
has() { case "$(fact "$1")" in *"$2"*) return 0 ;; esac; return 1; }

case $(uname -m) in
x86_64)
	check "isa: x86_64" has isa "x86_64 (uname: x86_64"
	if has kernel_entry "the kernel saw"; then
		check "kernel_entry: syscall, 0f 05 before the pc, nr 110" \
			has kernel_entry "syscall, the number in rax: getppid() answered; the kernel saw nr 110 entered from 0f 05"
		check "audit_arch: seen by the kernel" has audit_arch "AUDIT_ARCH_X86_64 0xc000003e, seen by the kernel"
		check "nr_getppid 110 seen" has nr_getppid "110, seen by the kernel"
		check "nr_openat 257 seen" has nr_openat "257, seen by the kernel"
	else
		skip "the kernel's view" "no ptrace here: $(fact kernel_entry)"
	fi
	check "divide_by_zero: SIGFPE (FPE_INTDIV)" has divide_by_zero "SIGFPE (FPE_INTDIV)"
	check "illegal: ud2 SIGILL (ILL_ILLOPN), pc on it" \
		has illegal "ud2: SIGILL (ILL_ILLOPN), saved pc on it"
	check "breakpoint: int3 SIGTRAP, pc past it" \
		has breakpoint "int3: SIGTRAP (SI_KERNEL), saved pc past it"
	check "unaligned_load loads the bytes at +1" \
		has unaligned_load "no trap, loads 0x908070605040302"
	check "aligned_only_load: SIGBUS (BUS_ADRALN) with AC set" \
		has aligned_only_load "SIGBUS (BUS_ADRALN)"
	;;
*)
	skip "the x86-64 facts" "this is $(uname -m): scripts/cross-test.sh checks its own"
	;;
esac

# The vDSO: the syscall probe skips a -vdso figure exactly when the vDSO
# table read here lacks the call.
"$ML" run --quick --csv syscall/getcpu-vdso > "$tmp/getcpu.csv" 2>/dev/null
skipped=$(awk -F, 'NR == 2 { print ($3 != "") }' "$tmp/getcpu.csv")
if has vdso getcpu; then
	check "getcpu in the vDSO: getcpu-vdso measured" test "$skipped" = 0
	check "vdso_getcpu traced, or said why not" \
		sh -c "grep -qE '^vdso_getcpu +(user mode|enters the kernel|in the vDSO \(not traced)' '$tmp/isa.txt'"
else
	check "no getcpu in the vDSO: getcpu-vdso skipped" test "$skipped" = 1
fi

# ---- --table: side by side, and bad input ----------------------------------
"$ML" run --quick --csv syscall/getppid-syscall > "$tmp/run.csv" 2>/dev/null
"$ML" isa --table "$tmp/isa.txt,$tmp/run.csv" "$tmp/isa.txt" > "$tmp/table.txt" 2>&1
check "isa --table of two exits 0" test $? -eq 0
check "isa --table: a row per fact, the figure's row" \
	sh -c "grep -q '^divide_by_zero ' '$tmp/table.txt' && grep -q '^syscall/getppid-syscall ' '$tmp/table.txt'"
check "isa --table: a figure missing from one column is '-'" \
	sh -c "grep '^syscall/getppid-syscall ' '$tmp/table.txt' | grep -q '| -  *\$'"

bad() {
	local want=$1
	shift
	"$ML" "$@" > "$tmp/out" 2> "$tmp/err"
	local rc=$?
	check "bad input: $* exits 2" test $rc -eq 2
	check "bad input: $* says: $want" grep -qF "$want" "$tmp/err"
}
printf 'not,a,csv\n' > "$tmp/x.csv"
head -c 4096 /dev/urandom > "$tmp/noise"
bad "is not the output of 'modelab isa' (no isa line)" isa --table /etc/hostname
bad "is not the output of 'modelab isa' (no isa line)" isa --table "$tmp/noise"
bad "has no probe column: not a modelab CSV report" isa --table "$tmp/isa.txt,$tmp/x.csv"
bad "cannot open '$tmp/missing'" isa --table "$tmp/missing"
bad "usage: modelab isa --table" isa --table
bad "usage: modelab isa --table" isa --table a b c d e
bad "unexpected argument '--frob'" isa --frob

summary
