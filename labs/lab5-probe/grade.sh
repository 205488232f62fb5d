#!/bin/bash
# labs/lab5-probe/grade.sh - WORK/lab5.c, a probe of three figures, built
# into modelab: the project's tracked files are copied to a scratch tree,
# lab5.c added as probes/lab5.c, and `make` run there.  Then on the host:
# the figures are listed, run, verified, and declare what the lab asks;
# then in the lab VM (one boot: the scratch tree's tests/vm/run.sh, which
# builds that tree's module and static binaries, with guest.sh as its
# suite): modelab.ko's count of each figure's syscalls and faults per op
# equals what the figure declares.  Counts and statuses, never a timing.
. "$(dirname "$0")/../lib.sh"
grade_begin lab5-probe

T=$GRADE_TMP/tree
FIGURES="one-syscall two-syscalls one-fault"
# what each figure must declare: syscalls and faults per op
WANT_one_syscall="1 0"
WANT_two_syscalls="2 0"
WANT_one_fault="0 1"
# The witness pass counts only our process, between two reads of
# /proc/modelab whose own cost it takes off, over 1000 ops or more: a
# syscall count is exact by construction, and so is a fault count on fresh
# anonymous pages.  What a kernel may add is rare and whole (a timer's
# signal and its sigreturn, a first touch of a stack page): 0.001 per op
# at most.  0.05 leaves room for it and still tells 1 from 0 or 2.
TOLERANCE=0.05
export T FIGURES WANT_one_syscall WANT_two_syscalls WANT_one_fault TOLERANCE

mkdir -p "$T"
if ! git -C "$TOP" ls-files -z > "$GRADE_TMP/files" 2> "$GRADE_TMP/git.err"; then
	echo "grade: $TOP is not a git checkout: $(head -n 1 "$GRADE_TMP/git.err")" >&2
	exit 2
fi
tar -C "$TOP" --null -T "$GRADE_TMP/files" -cf - 2> /dev/null | tar -C "$T" -xf -

# fig FILE FIGURE KEY: one key of lab5/FIGURE in a JSON report
fig() {
	jq -r --arg f "$2" --arg k "$3" \
		'[.figures[] | select(.probe == "lab5" and .figure == $f)][0][$k]' "$1"
}

# near V WANT: |V - WANT| <= TOLERANCE
near() { awk -v v="$1" -v w="$2" -v t="$TOLERANCE" 'BEGIN { d = v - w; exit !(v != "null" && d <= t && -d <= t) }'; }

builds() {
	[ -f "$WORK/lab5.c" ] || why "no lab5.c in $WORK"
	cp "$WORK/lab5.c" "$T/probes/lab5.c"
	make -C "$T" -j"$(nproc)" all > "$GRADE_TMP/build.log" 2>&1 ||
		why "make failed: $(grep -m1 'error:' "$GRADE_TMP/build.log" || tail -n 1 "$GRADE_TMP/build.log")"
	[ -x "$T/bin/modelab-lab5" ] || why "make built no bin/modelab-lab5: does lab5.c end with ML_PROBE_MAIN?"
}

lists() {
	local f
	[ -x "$T/bin/modelab" ] || why "no modelab (the build failed)"
	"$T/bin/modelab" list lab5 > "$GRADE_TMP/list" 2>&1 ||
		why "modelab list lab5: $(head -n 1 "$GRADE_TMP/list")"
	for f in $FIGURES; do
		grep -q "^  $f " "$GRADE_TMP/list" || why "modelab list lab5 shows no figure $f"
	done
}

# report_ok FILE WHERE [FIGURE...]: each (default: all) there, measured
# and verified
report_ok() {
	local f j=$1 where=$2
	shift 2
	for f in ${@:-$FIGURES}; do
		[ "$(fig "$j" "$f" figure)" = "$f" ] || why "lab5/$f is not in the report $where"
		[ "$(fig "$j" "$f" skipped)" = false ] || why "lab5/$f was skipped $where: $(fig "$j" "$f" skip_reason)"
		[ "$(fig "$j" "$f" failed)" = false ] || why "lab5/$f failed $where: $(fig "$j" "$f" fail_reason)"
		[ "$(fig "$j" "$f" verified)" = true ] || why "lab5/$f is not verified $where: $(fig "$j" "$f" verify_error)"
	done
}

runs_on_host() {
	local rc j=$GRADE_TMP/host.json
	[ -x "$T/bin/modelab" ] || why "no modelab (the build failed)"
	"$T/bin/modelab" run --quick --json lab5 > "$j" 2> "$GRADE_TMP/host.err"
	rc=$?
	[ $rc -le 128 ] || echo "killed by signal $((rc - 128))" >> "$GRADE_TMP/host.err"
	[ -s "$j" ] && jq -e . "$j" > /dev/null 2>&1 ||
		why "modelab run --quick --json lab5 wrote no report (status $rc): $(tail -n 1 "$GRADE_TMP/host.err")"
	report_ok "$j" "on the host"
	[ $rc = 0 ] || why "modelab run --quick lab5 exited $rc: $(tail -n 1 "$GRADE_TMP/host.err")"
}

declares() {
	local f want got j=$GRADE_TMP/host.json
	[ -s "$j" ] && jq -e . "$j" > /dev/null 2>&1 || why "no report from the host run"
	for f in $FIGURES; do
		want=WANT_${f//-/_}
		want=${!want}
		got="$(fig "$j" "$f" declared_syscalls_per_op) $(fig "$j" "$f" declared_faults_per_op)"
		[ "$got" != "null null" ] ||
			why "lab5/$f declares nothing: .declared = ML_DECLARE(syscalls, faults) in its table entry"
		[ "$got" = "$want" ] ||
			why "lab5/$f declares ${got% *} syscalls and ${got#* } faults per op; the lab asks for ${want% *} and ${want#* }"
	done
}

# One boot: the scratch tree's own run.sh builds its module and static
# binaries (the student's probe among them) and packs guest.sh as the suite.
runs_in_vm() {
	local log=$T/build/vm/console.log
	[ -x "$T/bin/modelab" ] || why "no modelab (the build failed)"
	MODELAB_SUITE=$LABDIR/guest.sh MAKEFLAGS=-j$(nproc) \
		MODELAB_VM_TIMEOUT=$((CHECK_TIMEOUT - 120)) \
		bash "$T/tests/vm/run.sh" > "$GRADE_TMP/vm.log" 2>&1
	[ -f "$log" ] || why "the lab VM did not boot: $(grep -m1 'run.sh:' "$GRADE_TMP/vm.log")"
	! grep -qE 'Oops|BUG:|general protection|Call Trace' "$log" ||
		why "the lab VM's kernel complained: $(grep -m1 -E 'Oops|BUG:|general protection|Call Trace' "$log")"
	# the console's escape codes may precede the first marker
	tr -d '\r' < "$log" | sed -n '/=== lab5 json begin ===$/,/^=== lab5 json end ===$/p' |
		sed '1d;$d' > "$GRADE_TMP/vm.json"
	[ -s "$GRADE_TMP/vm.json" ] && jq -e . "$GRADE_TMP/vm.json" > /dev/null 2>&1 ||
		why "the lab VM gave no report: $(tr -d '\r' < "$log" | grep -m1 -E '^lab5:|timed out' || tail -n 1 "$GRADE_TMP/vm.log")"
}

# counted FIGURE: in the lab VM, modelab.ko counted what FIGURE declares
counted() {
	local f=$1 j=$GRADE_TMP/vm.json ds df ks kf
	[ -s "$j" ] || why "no report from the lab VM"
	report_ok "$j" "in the lab VM" "$f"
	ds=$(fig "$j" "$f" declared_syscalls_per_op)
	df=$(fig "$j" "$f" declared_faults_per_op)
	[ "$ds" != null ] || why "lab5/$f declares nothing to compare with"
	ks=$(fig "$j" "$f" kernel_syscalls_per_op)
	kf=$(fig "$j" "$f" kernel_faults_per_op)
	[ "$ks" != null ] && [ "$kf" != null ] || why "no kernel count of lab5/$f in the lab VM"
	near "$ks" "$ds" && near "$kf" "$df" ||
		why "lab5/$f: modelab.ko counted $ks syscalls and $kf faults per op; it declares $ds and $df (±$TOLERANCE)"
}

CHECK_TIMEOUT=300 check "build: modelab builds with lab5.c as probes/lab5.c" 10 builds
check "list: modelab list lab5 shows its three figures" 5 lists
check "host: modelab run lab5 exits 0, every figure verified" 10 runs_on_host
check "declared: 1 syscall, 2 syscalls, 1 fault per op (ML_DECLARE)" 10 declares
CHECK_TIMEOUT=${VM_CHECK_TIMEOUT:-900} check "vm: the lab VM runs lab5 with modelab.ko loaded" 5 runs_in_vm
grep -o 'VM ran [0-9]*s' "$GRADE_TMP/vm.log" 2> /dev/null | sed 's/.*/  (the lab &)/'
check "vm: one-syscall: the kernel counts what it declares" 20 counted one-syscall
check "vm: two-syscalls: the kernel counts what it declares" 20 counted two-syscalls
check "vm: one-fault: the kernel counts what it declares" 20 counted one-fault
grade_end
