#!/bin/bash
# labs/lab5-probe/grade.sh - lab5.c, a probe of three figures: the
# grader's own lab5.c (its table, with a .max_batch, its verify hooks) with
# the student's TODO regions laid in, built into modelab: the project's
# files are copied to a scratch tree, lab5.c added as probes/lab5.c, and
# `make` run there (as the student).  lab5.o may define no global but the
# probe and hold no constructor: it adds figures, it replaces nothing of
# modelab's.  Then on the host: the figures are listed, run (as the
# student, in a box of time and memory), verified, and declare what the
# lab asks; then in the lab VM (one boot: the grader's tests/vm/run.sh
# builds the scratch tree's module and static binaries; guest.sh, its
# suite, reports on the VM's second serial port with this run's nonce):
# modelab.ko's count of each figure's syscalls and faults per op equals
# what the figure declares.  Counts and statuses, never a timing.
. "$(dirname "$0")/../lib.sh"
grade_begin lab5-probe

T=$S/tree
VM_NONCE=lab5-$RANDOM$RANDOM$RANDOM
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
export T FIGURES WANT_one_syscall WANT_two_syscalls WANT_one_fault TOLERANCE VM_NONCE

# The project, the grader's own (in a student tree: as handed out), built
# once without lab5.c, by the grader, and kept (build/grade/lab5-base, keyed
# by the project's files): each hand-in gets a copy, lab5.c in it, and only
# what lab5.c makes is built again; the lab VM gets the base's modelab.ko,
# which lab5.c does not touch.  A teacher regrading a class builds the
# project once, not once a student.
base_key() {
	if is_student_tree "$TOP"; then handout_commit "$TOP"
	else (cd "$TOP" && tracked_files . | grep -E '^(user|probes|kmod)/|^(Makefile|Kbuild)$' | tr '\n' '\0' | xargs -0 sha256sum 2>/dev/null) | sha256sum | cut -d' ' -f1; fi
	cc --version | head -n 1
	sh "$TOP/scripts/kdir.sh" 2>/dev/null
}
BASE=${GRADE_CACHE:-$TOP/build/grade}/lab5-base
KO=$BASE/modelab.ko
mkdir -p "$(dirname "$BASE")"
exec 9> "$BASE.lock"	# two graders at once: one builds, the other waits
flock 9
if [ "$(cat "$BASE.key" 2>/dev/null)" != "$(base_key)" ] || [ ! -f "$KO" ]; then
	echo "building the project once for lab 5's grading (kept in $BASE)"
	rm -rf "$BASE" "$BASE.key"
	mkdir -p "$BASE"
	project_copy "$TOP" "$BASE" grader || grade_refuse "cannot copy the project (is $TOP a git tree?)"
	rm -f "$BASE/probes/lab5.c"
	nice make -C "$BASE" -j2 all static > "$GRADE_TMP/base.log" 2>&1 &&
		nice make -C "$BASE" modules KDIR="$(sh "$TOP/scripts/kdir.sh" | cut -d' ' -f2)" >> "$GRADE_TMP/base.log" 2>&1 ||
		grade_refuse "the grader's own project does not build: $(build_error "$GRADE_TMP/base.log")"
	base_key > "$BASE.key"
fi
mkdir -p "$T"
cp -a "$BASE/." "$T/"
exec 9>&-
cp "$B/lab5.c" "$T/probes/lab5.c"
[ -z "$GRADE_UID" ] || chown -R "$GRADE_UID:$GRADE_UID" "$T"
export KO

# fig FILE FIGURE KEY: one key of lab5/FIGURE in a JSON report
fig() {
	jq -r --arg f "$2" --arg k "$3" \
		'[.figures[] | select(.probe == "lab5" and .figure == $f)][0][$k]' "$1"
}

# near V WANT: |V - WANT| <= TOLERANCE
near() { awk -v v="$1" -v w="$2" -v t="$TOLERANCE" 'BEGIN { d = v - w; exit !(v != "null" && d <= t && -d <= t) }'; }

builds() {
	student make -C "$T" -j2 all > "$GRADE_TMP/build.log" 2>&1 ||
		why "make failed: $(build_error "$GRADE_TMP/build.log")"
	[ -x "$T/bin/modelab-lab5" ] || why "make built no bin/modelab-lab5: does lab5.c end with ML_PROBE_MAIN?"
	# adds figures, replaces nothing: no other global, no constructor
	object_check "$T/build/probes/lab5.o" "ml_probe_lab5" '.*' syscalls-ok
	object_check "$T/build/probes/lab5.standalone.o" "ml_probe_lab5 main" '.*' syscalls-ok
}

lists() {
	local f
	[ -x "$T/bin/modelab-lab5" ] || why "no modelab with lab5 in it (the build failed)"
	student "$T/bin/modelab" list lab5 > "$GRADE_TMP/list" 2>&1 ||
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
	[ -x "$T/bin/modelab-lab5" ] || why "no modelab with lab5 in it (the build failed)"
	student "$T/bin/modelab" run --quick --json lab5 > "$j" 2> "$GRADE_TMP/host.err"
	rc=$?
	[ $rc -le 128 ] || echo "killed by signal $((rc - 128)) (a run here may use ${CHECK_MEM:-2048} MiB of address space a process, ${CHECK_TIMEOUT:-60} s in all)" >> "$GRADE_TMP/host.err"
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

# One boot: the scratch tree's static binaries (the student's probe among
# them), the grader's module, the grader's run.sh, guest.sh as the suite.
# Nothing written in the TODO regions: no boot.
runs_in_vm() {
	local log=$GRADE_TMP/vm/console.log
	[ "$NOTHING_WRITTEN" = 0 ] || why "nothing written in the TODO regions: the lab VM was not booted"
	[ -x "$T/bin/modelab-lab5" ] || why "no modelab with lab5 in it (the build failed)"
	student make -C "$T" -j2 static > "$GRADE_TMP/vm-build.log" 2>&1 ||
		why "the lab VM's static programs do not build: $(build_error "$GRADE_TMP/vm-build.log")"
	MODELAB_VM_DIR=$GRADE_TMP/vm MODELAB_VM_KO=$KO MODELAB_VM_BIN=$T/build/static/bin \
		MODELAB_SUITE=$LABDIR/guest.sh MODELAB_VM_TIMEOUT=$((CHECK_TIMEOUT - 120)) \
		MODELAB_VM_RESULTS=$GRADE_TMP/vm/results MODELAB_VM_NONCE=$VM_NONCE \
		bash "$TOP/tests/vm/run.sh" > "$GRADE_TMP/vm.log" 2>&1
	[ -f "$log" ] || why "the lab VM did not boot: $(grep -m1 'run.sh:' "$GRADE_TMP/vm.log")"
	! grep -qE 'Oops|BUG:|general protection|Call Trace' "$log" ||
		why "the lab VM's kernel complained: $(grep -m1 -E 'Oops|BUG:|general protection|Call Trace' "$log")"
	# guest.sh's lines on the results port, with this run's nonce
	tr -d '\r' < "$GRADE_TMP/vm/results" | sed -n "s/^$VM_NONCE //p" > "$GRADE_TMP/vm.said"
	sed -n '/^=== lab5 json begin ===$/,/^=== lab5 json end ===$/p' "$GRADE_TMP/vm.said" |
		sed '1d;$d' > "$GRADE_TMP/vm.json"
	[ -s "$GRADE_TMP/vm.json" ] && jq -e . "$GRADE_TMP/vm.json" > /dev/null 2>&1 ||
		why "the lab VM gave no report: $(grep -m1 -E '^lab5:' "$GRADE_TMP/vm.said" || grep -m1 'timed out' "$GRADE_TMP/vm.log" || echo 'guest.sh never said why (was it killed?)')"
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

CHECK_TIMEOUT=400 check -r ".*" build 10 "build: modelab builds with lab5.c as probes/lab5.c, which adds figures and replaces nothing" builds
check list 5 "list: modelab list lab5 shows its three figures" lists
CHECK_TIMEOUT=${HOST_RUN_TIMEOUT:-120} CHECK_MEM=1024 check -r "declared" host 10 "host: modelab run lab5 exits 0, every figure verified" runs_on_host
check declared 10 "declared: 1 syscall, 2 syscalls, 1 fault per op (ML_DECLARE)" declares
CHECK_TIMEOUT=${VM_CHECK_TIMEOUT:-900} CHECK_MEM=4096 check -r "vm-.*" vm 5 "vm: the lab VM runs lab5 with modelab.ko loaded" runs_in_vm
grep -o 'VM ran [0-9]*s' "$GRADE_TMP/vm.log" 2> /dev/null | sed 's/.*/  (the lab &)/'
check vm-one-syscall 20 "vm: one-syscall: the kernel counts what it declares" counted one-syscall
check vm-two-syscalls 20 "vm: two-syscalls: the kernel counts what it declares" counted two-syscalls
check vm-one-fault 20 "vm: one-fault: the kernel counts what it declares" counted one-fault
grade_end
