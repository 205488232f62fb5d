#!/bin/bash
# tests/host/cli.sh - the command line and its report: version, list, the JSON
# report's keys and shape, CSV, env, PROBE/FIGURE selection, the probe's
# own program, --clock, --cpu, --forks (each figure in N processes, and
# nothing of them left), and an exact message with exit status 2 for
# every bad input.
#
# BIN=dir picks the programs to test (default: bin/, as `make` builds them).
set -u
cd "$(dirname "$0")/../.."
. tests/host/lib.sh
ML=$BIN/modelab

# Every key docs/json.md documents for a measured figure.
FIGURE_KEYS='probe figure what skipped failed fail_reason kind batches batch_ops
rounds converged forks forks_span_s forks_values seconds
empty_batch_ns min_ns median_ns mean_ns p90_ns p99_ns max_ns stddev_ns
ci95_low_ns ci95_high_ns median_ticks ratio_to_null_syscall ratio_ci95_low
ratio_ci95_high ratio_converged paired mb_per_s median_ns_per_kib
declared_syscalls_per_op declared_faults_per_op witness_ops rusage_minflt_per_op rusage_majflt_per_op rusage_nvcsw_per_op
rusage_nivcsw_per_op irq_device_per_op irq_tlb_per_op irq_cal_per_op
irq_iwi_per_op irq_res_per_op extra perf_minflt_per_op
perf_majflt_per_op kernel_syscalls_per_op kernel_faults_per_op
kernel_signals_per_op kernel_counted_in verified verify_error histogram'
ENV_KEYS='cpu_model cpu kernel_release clock tsc_invariant tsc_ghz clocksource
hypervisor governor mitigations proc_modelab'

# ---- version, list ------------------------------------------------------
check "version prints the version" \
	test "$("$ML" --version)" = "modelab 0.1.0"
check "list names every syscall figure" \
	bash -c "'$ML' list | grep -q 'getppid-syscall' && '$ML' list | grep -q 'clock_gettime-vdso'"
check "list PROBE lists that probe alone" \
	test "$("$ML" list ipc | grep -v '^ ' | cut -d: -f1)" = ipc
check "list PROBE/FIGURE lists that figure alone" \
	test "$("$ML" list syscall/getppid-syscall | wc -l)" -eq 2

# ---- help -------------------------------------------------------------------
check "help is --help" test "$("$ML" help)" = "$("$ML" --help)"
check "--help names PROBE/FIGURE, help COMMAND and the environment" \
	bash -c "'$ML' --help | grep -q 'PROBE/FIGURE' && '$ML' --help | grep -q 'help \[COMMAND\]' &&
		'$ML' --help | grep -q '^environment:'"
for c in run list env sandbox kernel plot report compare; do
	check "help $c: its usage, exit 0" \
		bash -c "'$ML' help $c | head -n 1 | grep -q '^usage: modelab .*$c'"
done
check "help sandbox is sandbox --help" \
	test "$("$ML" help sandbox)" = "$("$ML" sandbox --help)"
for c in run list env; do
	check "$c --help is help $c" test "$("$ML" $c --help)" = "$("$ML" help $c)"
done
check "run --quick --help is help run" \
	test "$("$ML" run --quick --help)" = "$("$ML" help run)"
# every variable read (getenv) is in --help, but for the internal ones
internal='MODELAB_HELPER MODELAB_IPC_TEST_STALL MODELAB_IPC_TEST_DIE MODELAB_FORK_FD'
read_env=$(grep -rhoE 'getenv\("[A-Z_]+"\)|define [A-Z_]+_ENV "[A-Z_]+"' user probes |
	grep -oE '"[A-Z_]+"' | tr -d '"' | sort -u)
help_env=$("$ML" --help | sed -n '/^environment:/,/^[^ ]/s/^  \([A-Z_][A-Z_]*\) .*/\1/p' | sort -u)
check "--help names every variable modelab reads" \
	test "$(comm -23 <(echo "$read_env") <(printf '%s\n' $internal | sort) | tr '\n' ' ')" = \
	"$(echo "$help_env" | tr '\n' ' ')"

# ---- the man page: renders cleanly and names what --help names -----------------
# man_render FILE: plain text; man_warnings FILE: what the renderer warns
if command -v man >/dev/null && command -v groff >/dev/null; then
	man_render() { MANWIDTH=80 man -l "$1" 2>/dev/null | col -b; }
	man_warnings() { MANROFFSEQ= man --warnings -l "$1" 2>&1 >/dev/null; }
elif command -v groff >/dev/null; then
	man_render() { groff -man -Tascii -P -cbou "$1" 2>/dev/null; }
	man_warnings() { groff -man -Tascii -ww -z "$1" 2>&1; }
elif command -v mandoc >/dev/null; then
	man_render() { mandoc -Tascii "$1" | col -b; }
	man_warnings() { mandoc -Tlint -W warning "$1" 2>&1; }
fi
# section NAME: the first word of each item (7 columns in) of that section
man_items() { man_render docs/modelab.1 | sed -n "/^$1\$/,/^[A-Z]/s/^       \([a-zA-Z_][a-zA-Z_]*\).*/\1/p" | sort; }
help_commands=$("$ML" --help | sed -n '/^commands:/,/^[^ ]/s/^  \([a-z][a-z]*\) .*/\1/p' | sort)
if ! declare -F man_render >/dev/null; then
	skip "the man page" "neither man, groff nor mandoc is installed"
else
	check "docs/modelab.1 renders without a warning" test -z "$(man_warnings docs/modelab.1)"
	check "the man page's COMMANDS are those of --help" \
		test "$(man_items COMMANDS | tr '\n' ' ')" = "$(echo "$help_commands" | tr '\n' ' ')"
	check "the man page's ENVIRONMENT is that of --help" \
		test "$(man_items ENVIRONMENT | tr '\n' ' ')" = "$(echo "$help_env" | tr '\n' ' ')"
fi

# ---- bash completion --------------------------------------------------------
# completes "WORDS...": what contrib/bash-completion/modelab offers for the
# last word of `modelab WORDS...`, one a line
completes() {
	bash -c '. contrib/bash-completion/modelab && COMP_WORDS=("$@") &&
		COMP_CWORD=$(($# - 1)) && _modelab && printf "%s\n" "${COMPREPLY[@]}"' _ "$ML" "$@"
}
check "completion: 'modelab run sys<TAB>' offers syscall" \
	bash -c "$(declare -f completes); ML='$ML'; completes run sys | grep -qx syscall"
check "completion: 'modelab run syscall/getppid-s<TAB>' offers the figure" \
	test "$(completes run syscall/getppid-s)" = syscall/getppid-syscall
check "completion: every command of --help" \
	test "$(completes '' | sort | tr '\n' ' ')" = "$(echo "$help_commands" | tr '\n' ' ')"
check "completion: the options of --help" \
	test "$(completes run --cl)" = --clock
check "completion: 'modelab list fa<TAB>' offers fault" test "$(completes list fa)" = fault
check "completion: 'modelab help s<TAB>': the topics of --help" test "$(completes help s)" = sandbox
check "completion: an option's value is not the command" \
	test "$(completes --json-out x.json run sys)" = syscall
check "completion: 'modelab-syscall --qu<TAB>': a probe's program, its options" \
	test "$(ML=${ML%/*}/modelab-syscall completes --qu)" = --quick
check "completion: a probe's program offers no command" \
	test -z "$(ML=${ML%/*}/modelab-syscall completes r)"
touch "$tmp/report-out.json"
check "completion: --json-out takes a file" \
	test "$(completes run --json-out "$tmp/report-o")" = "$tmp/report-out.json"
# the last CPU this suite may use, alone: --cpu offers what the mask allows
cpu=$(sed -n 's/^Cpus_allowed_list:.*[,-]\([0-9]*\)$/\1/p; s/^Cpus_allowed_list:[[:space:]]*\([0-9]*\)$/\1/p' /proc/self/status)
if command -v taskset >/dev/null; then
	check "completion: --cpu offers the CPUs allowed (taskset -c $cpu: $cpu alone)" \
		test "$(taskset -c "$cpu" bash -c "$(declare -f completes); ML='$ML'; completes run --cpu ''")" = "$cpu"
else
	skip "completion: --cpu under a CPU mask" "no taskset (apt-get install util-linux)"
fi

# ---- the JSON report ----------------------------------------------------
"$ML" run --quick --json syscall fault >"$tmp/run.json" 2>"$tmp/run.err"
check "run --json exits 0" test $? -eq 0
check "run --json parses as JSON" jqok . "$tmp/run.json"
check "stderr: the summary alone when it is not a terminal" summary_only "$tmp/run.err"
check "schema and version at the top" \
	jqok '.schema == 2 and .modelab_version == "0.1.0"' "$tmp/run.json"
for k in $ENV_KEYS; do
	check "environment has key $k" jqok --arg k "$k" '.environment | has($k)' "$tmp/run.json"
done
check "environment kernel_release is uname -r" \
	test "$(jq -r .environment.kernel_release "$tmp/run.json")" = "$(uname -r)"
nfig=$(jq '[.figures[] | select(.probe == "syscall" and .skipped == false)] | length' "$tmp/run.json")
check "at least 8 syscall figures measured" test "$nfig" -ge 8
for k in $FIGURE_KEYS; do
	check "every measured figure has key $k" \
		jqok --arg k "$k" '[.figures[] | select(.skipped == false) | has($k)] | all' "$tmp/run.json"
done
check "every figure positive and finite" \
	jqok '[.figures[] | select(.skipped == false) | .median_ns, .p99_ns, .min_ns, .mean_ns
		| (type == "number" and . > 0)] | all' "$tmp/run.json"
check "min <= median <= p99 <= max, CI brackets the median" \
	jqok '[.figures[] | select(.skipped == false)
		| .min_ns <= .median_ns and .median_ns <= .p99_ns and .p99_ns <= .max_ns
		  and .ci95_low_ns <= .median_ns and .median_ns <= .ci95_high_ns] | all' \
	"$tmp/run.json"
check "histogram counts add up to the batches" \
	jqok '[.figures[] | select(.skipped == false)
		| (.histogram.counts | add) + .histogram.below + .histogram.above == .batches] | all' \
	"$tmp/run.json"
check "the null syscall's ratio to itself is 1" \
	jqok '.figures[] | select(.figure == "getppid-syscall") | .ratio_to_null_syscall == 1' \
	"$tmp/run.json"

# ---- CSV, env, the probe's own program ------------------------------------
"$ML" run --quick --csv syscall >"$tmp/run.csv" 2>/dev/null
check "CSV: a header and one row per figure" \
	test "$(wc -l <"$tmp/run.csv")" -eq $(($(jq '[.figures[] | select(.probe == "syscall")] | length' "$tmp/run.json") + 1))
check "CSV: every row has as many fields as the header" \
	test "$(awk -F, '{ print NF }' "$tmp/run.csv" | sort -u | wc -l)" -eq 1
check "env --json parses and has no figures" \
	jqok '.figures == [] and (.environment.cpu_model | length > 0)' \
	<("$ML" env --json)
check "env text names the clock" bash -c "'$ML' env | grep -q '^  clock '"
check "PROBE/FIGURE runs that one figure" \
	test "$("$ML" run --quick --json syscall/getppid-syscall 2>/dev/null | jq -r '[.figures[].figure] | join(",")')" = getppid-syscall
"$BIN/modelab-syscall" --quick --json --clock monotonic >"$tmp/probe.json" 2>/dev/null
check "the probe program runs on its own" jqok '.figures | length >= 8' "$tmp/probe.json"
check "--clock monotonic is reported, with no TSC frequency" \
	jqok '.environment.clock != "tsc" and .environment.tsc_ghz == null' "$tmp/probe.json"
check "--cpu pins to the CPU asked for" \
	test "$("$ML" env --json --cpu 0 | jq .environment.cpu)" = 0

# ---- --forks: every figure in N processes, each a fresh exec ---------------
check "--quick: one process a figure, and the report says so" \
	jqok '.method.forks == 1 and .method.processes == 1 and
		([.figures[] | select(.skipped == false) | .forks == 1] | all)' "$tmp/run.json"
mkdir -p "$tmp/forks"
MODELAB_TMPDIR=$tmp/forks "$ML" run --json --forks 3 --time 0.15 \
	syscall/getppid-syscall syscall/invalid-nr fault/sigsegv >"$tmp/forks.json" 2>"$tmp/forks.err"
check "--forks 3 exits 0" test $? -eq 0
check "--forks 3: the method says 3 processes, each with its two speed references" \
	jqok '.method.forks == 3 and .method.processes == 3 and .method.span_s > 0 and
		(.method.speed_reference_ns | length == 3 and all(. > 0)) and
		(.method.calls_reference_ns | length == 3 and all(. > 0))' "$tmp/forks.json"
check "--forks 3: every figure measured in 3, over some time, 3 rounds each at least" \
	jqok '[.figures[] | .forks == 3 and .forks_span_s > 0 and .rounds >= 9] | all' "$tmp/forks.json"
check "--forks 3: the interval brackets the value, the null syscall's ratio is 1" \
	jqok '([.figures[] | .ci95_low_ns <= .median_ns and .median_ns <= .ci95_high_ns
		and .ci95_low_ns > 0] | all) and
		(.figures[] | select(.figure == "getppid-syscall") |
			.ratio_to_null_syscall == 1 and .ratio_ci95_low == 1)' "$tmp/forks.json"
check "--forks 3: the histogram holds every process's batches" \
	jqok '[.figures[] | (.histogram.counts | add) + .histogram.below + .histogram.above == .batches] | all' \
	"$tmp/forks.json"
check "--forks 3: the later processes left no scratch file" test -z "$(ls -A "$tmp/forks")"
check "--forks 3: no process of the run left" \
	test -z "$(grep -lszxF "MODELAB_TMPDIR=$tmp/forks" /proc/[0-9]*/environ)"
"$ML" run --forks 2 --time 0.1 syscall/getppid-syscall >"$tmp/forks.txt" 2>/dev/null
check "--forks 2: under the table, what the intervals cover" \
	grep -q '^95% intervals: each figure measured in 2 processes' "$tmp/forks.txt"
"$ML" run --quick syscall/getppid-syscall >"$tmp/one.txt" 2>/dev/null
check "--quick: under the table, that one process's interval leaves things out" \
	grep -q "^95% intervals from one process's rounds" "$tmp/one.txt"
refused "try 'modelab --help'" "modelab: unknown command '__fork'" "$ML" __fork
out=$(MODELAB_FORK_FD=1 "$ML" __fork 1 2>&1 >/dev/null)
check "__fork is modelab's own, refused with exit 2 when misused" \
	test "$?:$out" = "2:modelab: __fork is for modelab itself"

# ---- bad input: one line naming the problem, where the help is, exit 2 ----
# bad_input "EXPECTED MESSAGE" ARGS...: exit 2, the message, the try-line
bad_input() { refused "try 'modelab --help'" "$@"; }
cpus=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status)
bad_input "modelab: missing command" "$ML"
bad_input "modelab: unknown command 'frob'" "$ML" frob
bad_input "modelab: unknown probe 'nosuch' (syscall, fault, interrupt, seccomp, process, memory, ipc)" "$ML" run nosuch
bad_input "modelab: unknown option '--frob'" "$ML" run --frob
bad_input "modelab: unknown figure 'nope' of probe 'syscall' ('modelab list syscall' names them)" "$ML" run syscall/nope
bad_input "modelab: unknown probe 'nope' (syscall, fault, interrupt, seccomp, process, memory, ipc)" "$ML" run nope/getppid
bad_input "modelab: unknown probe 'nosuch' (syscall, fault, interrupt, seccomp, process, memory, ipc)" "$ML" list syscall nosuch
bad_input "modelab: help: unknown command 'frob' (run, list, env, sandbox, kernel, plot, report, compare, isa)" "$ML" help frob
bad_input "modelab: --cpu: 'abc' is not a CPU number" "$ML" run --cpu abc
bad_input "modelab: cannot pin to CPU 1000: this machine's allowed CPUs are $cpus" "$ML" run --cpu 1000
bad_input "modelab: option '--time' needs a value" "$ML" run --time
bad_input "modelab: --time: '-1' is not a number of seconds in (0, 60]" "$ML" run --time -1
bad_input "modelab: --json and --csv exclude each other" "$ML" run --json --csv
for n in 0 33 x 2.5; do
	bad_input "modelab: --forks: '$n' is not a number of processes from 1 to 32" "$ML" run --forks "$n"
done
refused "try 'modelab-syscall --help'" "syscall: unexpected argument 'extra'" "$BIN/modelab-syscall" extra
refused "try 'modelab help sandbox'" \
	"modelab sandbox: --caps: unknown capability 'sys_frob' (docker, none, all, or names such as chown,CAP_KILL)" \
	"$ML" sandbox --deny uname --caps sys_frob -- true
refused "try 'modelab help sandbox'" "modelab sandbox: --isolate: unknown value 'net' (pid, user)" \
	"$ML" sandbox --deny uname --isolate=net -- true

summary
