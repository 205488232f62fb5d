#!/bin/bash
# make_run.sh - what `make run` relies on, without booting the lab VM: the
# key that lets it reuse the VM's counts (scripts/vm-cache.sh, on a fake
# tree), and what `modelab run` says while and after it runs: the progress
# line (on a terminal only), the one-line summary, --json-out.
set -u
cd "$(dirname "$0")/../.."
. tests/host/lib.sh
ML=$BIN/modelab
CACHE="sh $PWD/scripts/vm-cache.sh"

# ---- the lab VM's counts: reused only when nothing that made them changed ---
T=$tmp/tree
mkdir -p "$T/kmod" "$T/tests/vm" "$T/build/static/bin" "$T/build/vm"
echo 'int a;' > "$T/kmod/main.c"
echo 'obj-m := modelab.o' > "$T/Kbuild"
echo 'modelab run --quick --csv' > "$T/tests/vm/init.sh"
echo 'qemu' > "$T/tests/vm/run.sh"
echo 'ELF' > "$T/build/static/bin/modelab"
echo 'vmlinuz' > "$tmp/vmlinuz"
counts=$T/build/vm/kernel-counts.csv
# cache ARGS...: vm-cache.sh on the fake tree and kernel; its one line
cache() {
	MODELAB_TOP=$T MODELAB_VM_KERNEL=$tmp/vmlinuz MODELAB_VM_KVER=6.1.0-test \
		$CACHE "$@"
}
reuses() { out=$(cache check "$counts"); }
reason() { cache check "$counts"; }

check "no counts: not reused" test "$(reason)" = "no counts yet"
printf 'probe,figure,k_syscalls_per_op\nsyscall,getppid-syscall,1\n' > "$counts"
check "counts of unknown making: not reused" \
	test "$(reason)" = "no record of what made the counts in $counts"
cache save "$counts" 73
check "saved: reused" reuses
check "the reuse says so, with the counts' date and FRESH=1" test "$out" = \
	"reusing the lab VM's counts from $(date -r "$counts" '+%Y-%m-%d %H:%M') (nothing they depend on changed; make run FRESH=1 to count again)"
check "how long the last count took" test "$(cache took "$counts")" = 73
check "the key names each input" test "$(cache key | grep -v busybox |
	cut -d' ' -f1,2 | tr '\n' ' ')" = "module Kbuild module kmod/main.c programs build/static/bin/modelab kernel version kernel $tmp/vmlinuz guest tests/vm/init.sh guest tests/vm/run.sh "

# changes BYTE-EDIT WANT: after the edit, the counts are not reused and the
# reason is WANT; the edit undone, they are reused again
changes() {
	local name=$1 file=$2 want=$3 keep
	keep=$(cat "$file")
	printf 'x' >> "$file"
	check "$name changed: counted again" test "$(reason)" = "changed since the last count: $want"
	printf '%s\n' "$keep" > "$file"
	check "$name back as it was: reused" reuses
}
changes "a module source" "$T/kmod/main.c" "modelab.ko's sources (kmod/main.c)"
changes "a static program" "$T/build/static/bin/modelab" "the programs in the VM (build/static/bin/modelab)"
changes "the kernel image" "$tmp/vmlinuz" "the kernel ($tmp/vmlinuz)"
changes "the guest's script" "$T/tests/vm/init.sh" "the guest scripts (tests/vm/init.sh)"
echo 'int b;' > "$T/kmod/extra.h"
check "a new module header: counted again" \
	test "$(reason)" = "changed since the last count: modelab.ko's sources (kmod/extra.h)"
rm "$T/kmod/extra.h"
check "another kernel version: counted again" test "$(MODELAB_TOP=$T \
	MODELAB_VM_KERNEL=$tmp/vmlinuz MODELAB_VM_KVER=6.12.0-test $CACHE check "$counts")" = \
	"changed since the last count: the kernel (version)"
check "MODELAB_KVM=1: counted again" test "$(MODELAB_KVM=1 cache check "$counts")" = \
	"changed since the last count: the VM settings (MODELAB_KVM)"
check "MODELAB_KVM=0, TCG as before: reused" \
	test "$(MODELAB_KVM=0 cache check "$counts" | cut -d' ' -f1)" = reusing
check "MODELAB_VM_APPEND: counted again" test "$(MODELAB_VM_APPEND=loglevel=7 cache check "$counts")" = \
	"changed since the last count: the VM settings (MODELAB_VM_APPEND)"
printf 'x' >> "$T/kmod/main.c"
printf 'x' >> "$T/tests/vm/run.sh"
check "two kinds changed: both named" test "$(reason)" = \
	"changed since the last count: modelab.ko's sources (kmod/main.c), the guest scripts (tests/vm/run.sh)"
check "a counts file that is not CSV counts: not reused" \
	test "$(MODELAB_TOP=$T $CACHE check "$T/Kbuild")" = "no counts yet"
$CACHE check >/dev/null 2>&1
check "check without COUNTS: exit 2" test $? -eq 2

# ---- the summary: the last line, every figure in one count ------------------
env -u MODELAB_BLOCKDEV "$ML" run --quick process/wait interrupt/device-read syscall/function-call \
	>"$tmp/run.txt" 2>"$tmp/run.err"
check "a text run exits 0" test $? -eq 0
last=$(tail -n 1 "$tmp/run.txt")
check "the summary is the text report's last line ($last)" grep -qE "$SUMMARY_RE" <<<"$last"
# count NAME: the number before NAME in the summary
count() { grep -oE "[0-9]+ $1" <<<"$last" | head -n 1 | cut -d' ' -f1; }
check "3 figures" test "$(count figures)" = 3
check "the timed one converged or not: 1 in all" \
	test $(($(count converged) + $(count 'not converged'))) = 1
check "device-read without MODELAB_BLOCKDEV: 1 skipped" test "$(count skipped)" = 1
check "0 failed" test "$(count failed)" = 0
check "the wait demonstration: 1 held, 0 not held" \
	grep -q 'demonstrations: 1 held, 0 not held; timing claims: 0 held, 0 not held, 0 undecided$' <<<"$last"
check "off a terminal, nothing on stderr (no progress line)" test ! -s "$tmp/run.err"
"$ML" run --quick --json syscall/function-call >"$tmp/run.json" 2>"$tmp/run.err"
check "with --json, the summary goes to stderr, alone" summary_only "$tmp/run.err"
check "and stdout stays JSON" jqok . "$tmp/run.json"

# ---- the progress line, on a terminal only ----------------------------------
if command -v script >/dev/null; then
	script -qc "$ML run --quick syscall/function-call syscall/getppid-raw >/dev/null" \
		/dev/null >"$tmp/tty.out" 2>&1
	check "on a terminal: '[1/2] syscall/function-call' overwritten in place" \
		grep -qF $'\r\033[K[1/2] syscall/function-call: ' "$tmp/tty.out"
	check "on a terminal: '[2/2] syscall/getppid-raw' too" \
		grep -qF '[2/2] syscall/getppid-raw: ' "$tmp/tty.out"
	check "on a terminal: the progress line erased at the end" \
		test "$(tr -d '\n' <"$tmp/tty.out" | tail -c 4 | od -An -c | tr -d ' ')" = '\r033[K'
else
	skip "the progress line on a terminal" "no script(1): apt-get install bsdutils"
fi

# ---- --json-out: the JSON report from the same run -------------------------
"$ML" run --quick --json --json-out "$tmp/out.json" syscall/function-call \
	>"$tmp/run.json" 2>/dev/null
check "--json-out writes what --json prints, byte for byte" cmp -s "$tmp/out.json" "$tmp/run.json"
"$ML" run --quick --json-out "$tmp/out.json" syscall/function-call >"$tmp/run.txt" 2>/dev/null
check "beside a text report, --json-out writes the JSON" \
	jqok '[.figures[].figure] == ["function-call"]' "$tmp/out.json"
check "and the text report stays text" grep -q '^syscall/function-call ' "$tmp/run.txt"
refused "try 'modelab --help'" \
	"modelab: --json-out: cannot write '$tmp/no/such.json': No such file or directory" \
	"$ML" run --quick --json-out "$tmp/no/such.json" syscall/function-call
check "an unwritable --json-out is refused before anything runs" test ! -e "$tmp/no"

summary
