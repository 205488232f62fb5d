// SPDX-License-Identifier: GPL-2.0
/*
 * options.c - the command line of modelab and of every probe program.
 *
 * Parsing never prints and never exits: it fills a struct or says, in one
 * line, what is wrong.  The caller decides (exit status 2, usage on
 * stderr), and the unit tests can check every message.
 */
#define _GNU_SOURCE
#include "util/util.h"
#include "isa/arch.h"
#include "measure/measuring.h"
#include "measure/run.h"
#include "report/output.h"
#include "seccomp/policy.h"
#include "cli/cli.h"
#include "cli/help.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_JSON = 256, OPT_CSV, OPT_QUICK, OPT_TIME, OPT_CPU, OPT_CLOCK,
       OPT_HIST, OPT_NO_KERNEL, OPT_KERNEL_COUNTS, OPT_JSON_OUT, OPT_PLOT,
       OPT_FORKS };

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "json-out", required_argument, NULL, OPT_JSON_OUT },
	{ "quick", no_argument, NULL, OPT_QUICK },
	{ "time", required_argument, NULL, OPT_TIME },
	{ "forks", required_argument, NULL, OPT_FORKS },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "clock", required_argument, NULL, OPT_CLOCK },
	{ "histogram", no_argument, NULL, OPT_HIST },
	{ "no-kernel", no_argument, NULL, OPT_NO_KERNEL },
	{ "kernel-counts", required_argument, NULL, OPT_KERNEL_COUNTS },
	{ "plot", required_argument, NULL, OPT_PLOT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const struct {
	const char *word;
	enum ml_command cmd;
} commands[] = {
	{ "run", ML_CMD_RUN },	 { "list", ML_CMD_LIST },
	{ "env", ML_CMD_ENV },	 { "help", ML_CMD_HELP },
	{ "version", ML_CMD_VERSION },
};

static const char options_text[] =
	"options:\n"
	"  --json, --csv     machine-readable report (schema: docs/json.md)\n"
	"  --json-out FILE   the JSON report to FILE as well, from the same run\n"
	"  --quick           short run, about 50 ms a figure\n"
	"  --time SECONDS    time budget per figure (default 0.3), shared by\n"
	"                    its processes\n"
	"  --forks N         measure each figure in N processes spread over\n"
	"                    the run (1 to 32; default 6, and 1 when quick)\n"
	"  --cpu N           pin to CPU N (default: the CPU it starts on)\n"
	"  --clock " ML_ARCH_COUNTER "|monotonic  force the time base (default: " ML_ARCH_COUNTER_LABEL " if invariant)\n"
	"  --histogram       draw each figure's histogram\n"
	"  --no-kernel       ignore /proc/modelab even when it is there\n"
	"  --kernel-counts FILE  the kernel's counts from a CSV report taken\n"
	"                    in the lab VM (make run does this)\n"
	"  --plot DIR        run: also draw the report into DIR (modelab help plot)\n"
	"  -h, --help        this text\n"
	"  -V, --version     print the version\n";

/* Every variable a figure reads (getenv in user/ and probes/). */
static const char environment_text[] =
	"environment:\n"
	"  MODELAB_TMPDIR    the directory of the scratch files (before TMPDIR)\n"
	"  TMPDIR            the same when MODELAB_TMPDIR is not set (else /tmp)\n"
	"  MODELAB_BLOCKDEV  the block device interrupt/device-read reads\n"
	"                    (O_DIRECT, read-only); not set: the figure is skipped\n"
	"  MODELAB_IPC_FIGURES  only the ipc figures matching these patterns\n"
	"                    (comma-separated, such as 'pipe-*,shm-*')\n"
	"  MODELAB_LIBEXEC   the directory of modelab-exit0, which the process\n"
	"                    figures exec (default: beside the program, else\n"
	"                    ../libexec/modelab from it, where it is installed)\n"
	"  MODELAB_HOLD      FIGURE: that process demonstration waits there up\n"
	"                    to 60 s, for a test to interrupt it\n";

void ml_usage(FILE *out, const char *prog, bool single_probe)
{
	if (single_probe)
		fprintf(out, "usage: %s [OPTION...]\n", prog);
	else
		fprintf(out,
			"usage: %s [OPTION...] COMMAND [ARG...]\n"
			"commands:\n"
			"  run [PROBE|PROBE/FIGURE...]  measure the probes (all when none\n"
			"                    is named), or one figure: run syscall/getppid-syscall\n"
			"  list [PROBE...]   name the probes and what each figure measures\n"
			"  env               print the environment every figure depends on\n"
			"  sandbox ...       run a command under a seccomp filter\n"
			"  kernel [COMMAND]  write COMMAND to /proc/modelab (root), or list\n"
			"                    the commands modelab.ko accepts\n"
			"  plot REPORT.json DIR  draw a JSON report with gnuplot (SVG, PNG)\n"
			"  report REPORT.json -o FILE.html [--compare B.json]\n"
			"                    the report as one self-contained HTML page\n"
			"  compare A.json B.json [C.json...] [--json|--csv]\n"
			"                    medians side by side, B/A and whether it is real;\n"
			"                    A1.json A2.json -- B1.json B2.json pools runs\n"
			"  isa [--table FACTS[,COUNTS.csv]...]  this ISA's boundary,\n"
			"                    observed; or several side by side (make isas)\n"
			"  help [COMMAND]    this text, or one command's (run, list, env,\n"
			"                    sandbox, kernel, plot, report, compare, isa)\n"
			"  version           print the version\n",
			prog);
	fputs(options_text, out);
	fputs(environment_text, out);
	fputs("exit status: 0; 1 when a figure failed; 2 on bad input\n", out);
	if (!single_probe)
		fputs("more: 'modelab help COMMAND', man modelab, and the manual,\n"
		      "docs/*.md (installed: /usr/share/doc/modelab), from README.md\n",
		      out);
}

static const char *const topics[] = { "run",	"list",	  "env",    "sandbox",
				       "kernel", "plot",  "report", "compare",
				       "isa" };

static bool is_topic(const char *word)
{
	for (size_t i = 0; i < sizeof(topics) / sizeof(topics[0]); i++)
		if (!strcmp(word, topics[i]))
			return true;
	return false;
}

/* What plot, report and compare say of themselves (view.h). */
static const char plot_help[] =
	"usage: modelab plot REPORT.json DIR\n"
	"Draw a report of 'modelab run --json' with gnuplot into DIR (made if\n"
	"missing), each picture as SVG and PNG: PROBE-FIGURE, the histogram of\n"
	"a figure's times with its median, the median's 95% interval and p99\n"
	"marked; summary-PROBE, the probe's medians on a log axis with their\n"
	"intervals; witnesses-PROBE, what one op caused in the witness pass.\n"
	"At most 150 pictures, a summary showing a probe's first 60 figures.\n"
	"'modelab run --plot DIR' does the same for the run it makes.\n"
	"Exit status: 0; 1 when gnuplot fails; 2 on bad input.\n";
static const char report_help[] =
	"usage: modelab report REPORT.json -o FILE.html [--compare B.json]\n"
	"Write one HTML page that needs no network (CSS and pictures inline,\n"
	"no script): the environment, each probe's table and pictures, the\n"
	"witnesses and the kernel's own counts (host or lab VM), the claims\n"
	"with their outcomes and intervals, the demonstrations' notes, what was\n"
	"skipped.  --compare B.json adds 'modelab compare' of the two.  -o -:\n"
	"the page to stdout.  Without gnuplot the page has no pictures.\n"
	"Exit status: 0; 1 when FILE cannot be written; 2 on bad input.\n";
static const char compare_help[] =
	"usage: modelab compare A.json B.json [C.json...] [--json|--csv]\n"
	"       modelab compare A1.json [A2.json...] -- B1.json [B2.json...]\n"
	"Set runs side by side.  Without '--', every report after the first\n"
	"against the first; with it, the runs before '--' against the runs\n"
	"after it, each side's runs pooled as repetitions.  Per figure timed\n"
	"on both sides: the two medians, B/A with a 95% interval and a\n"
	"verdict.  A run's figure is the mean of its processes (run --forks)\n"
	"with a Student-t interval; B/A's interval is Welch's t on the\n"
	"logarithms.  Pooled, a side's figure is the mean of its runs, and its\n"
	"variance the larger of the spread between the runs and the runs' own.\n"
	"'real difference' when the interval excludes 1, and still does, on\n"
	"the same side, once either speed reference's B/A (the machine's own\n"
	"speed: multiplications, calls) is taken out; 'no real difference\n"
	"(the machine's speed)' when only the first holds; else 'no real\n"
	"difference'.  A 95% verdict: about one figure in 20 is called\n"
	"different between two runs of the same build, as far as each run's\n"
	"interval holds (docs/measuring.md).  A run measured in one process\n"
	"(--forks 1, --quick) has that process's interval only, which leaves\n"
	"out what changes between processes.  Figures timed on one side only\n"
	"are listed as 'only in A' or 'only in B'.\n"
	"Exit status: 0; 2 on bad input (a file missing, not a modelab report,\n"
	"another schema, '--' misplaced).\n";

/* The chapter of docs/ that explains a command (README.md lists them all). */
static const char *command_chapter(const char *command)
{
	if (!strcmp(command, "run") || !strcmp(command, "list"))
		return "docs/running.md, docs/cli.md; the method: "
		       "docs/measuring.md";
	if (!strcmp(command, "env"))
		return "docs/measuring.md, docs/running.md";
	if (!strcmp(command, "kernel"))
		return "docs/module.md";
	if (!strcmp(command, "isa"))
		return "docs/isas.md";
	if (!strcmp(command, "compare"))
		return "docs/reports.md; the verdict: docs/measuring.md";
	return "docs/reports.md"; /* plot, report */
}

int ml_command_help(FILE *out, const char *command)
{
	if (!strcmp(command, "run")) {
		fputs("usage: modelab [OPTION...] run [PROBE|PROBE/FIGURE...]\n"
		      "Measure the probes named, or all; PROBE/FIGURE measures one\n"
		      "figure of a probe (run syscall/getppid-syscall), and several\n"
		      "figures of one probe share their rounds.  'modelab list' names\n"
		      "them.  The report goes to stdout: a table, or --json, --csv.\n"
		      "On a terminal, stderr shows which figure is being measured;\n"
		      "the last line sums up how the figures came out (on stderr\n"
		      "when stdout holds --json or --csv).\n"
		      "Exit status: 0; 1 when a figure failed (each named on stderr);\n"
		      "2 on bad input.\n",
		      out);
		fputs(options_text, out);
		fputs(environment_text, out);
	} else if (!strcmp(command, "list")) {
		fputs("usage: modelab list [PROBE|PROBE/FIGURE...]\n"
		      "Name the probes (all, or those named) and, under each, its\n"
		      "figures and what each one measures.  The names are those\n"
		      "'modelab run' takes.\n",
		      out);
	} else if (!strcmp(command, "env")) {
		fputs("usage: modelab [OPTION...] env\n"
		      "Print the environment every figure depends on: the CPU and\n"
		      "the one pinned to, the kernel, the clock and the TSC, a\n"
		      "hypervisor, the governor, the mitigations, /proc/modelab.\n"
		      "--json and --csv print it as the report's environment;\n"
		      "--cpu and --clock apply.\n",
		      out);
	} else if (!strcmp(command, "sandbox")) {
		ml_sandbox_usage(out);
	} else if (!strcmp(command, "plot")) {
		fputs(plot_help, out);
	} else if (!strcmp(command, "report")) {
		fputs(report_help, out);
	} else if (!strcmp(command, "compare")) {
		fputs(compare_help, out);
	} else if (!strcmp(command, "isa")) {
		fputs("usage: modelab isa [--table FACTS[,COUNTS.csv]...]\n"
		      "Observe this machine's ISA at the kernel boundary: the\n"
		      "instruction that enters the kernel and the numbers the\n"
		      "kernel saw (ptrace), the vDSO's calls and whether they\n"
		      "enter the kernel, what a / 0, the illegal instruction,\n"
		      "the breakpoint and an unaligned load do, the 32-bit\n"
		      "doors.  --table sets such outputs side by side, each\n"
		      "with the CSV of 'modelab run --csv' from the same machine\n"
		      "if given (make isas: docs/isas.md).\n",
		      out);
	} else if (!strcmp(command, "kernel")) {
		fputs("usage: modelab kernel [COMMAND [ARG...]]\n"
		      "Write COMMAND ARG... to /proc/modelab in one write (root\n"
		      "only), e.g. 'modelab kernel watch-tree 42'; with no\n"
		      "COMMAND, list the commands modelab.ko accepts (it lists\n"
		      "them in /proc/modelab-help).  A refused command is named\n"
		      "with its errno, followed by that list.\n"
		      "Exit status: 0; 1 when the module is not loaded; 2 when it\n"
		      "refused the command.\n",
		      out);
	} else {
		return -1;
	}
	if (strcmp(command, "sandbox")) /* its usage names docs/sandbox.md */
		fprintf(out, "manual: %s\n", command_chapter(command));
	return 0;
}

static int parse_cpu(const char *s, int *cpu)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v >= CPU_SETSIZE)
		return -1;
	*cpu = (int)v;
	return 0;
}

static int parse_seconds(const char *s, double *secs)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v <= 0 || v > 60)
		return -1;
	*secs = v;
	return 0;
}

static int parse_forks(const char *s, unsigned int *forks)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > ML_MAX_FORKS)
		return -1;
	*forks = (unsigned int)v;
	return 0;
}

static int parse_command(const char *word, enum ml_command *cmd)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(word, commands[i].word)) {
			*cmd = commands[i].cmd;
			return 0;
		}
	}
	return -1;
}

/*
 * What getopt_long refused, named as given.  Its optopt is the option's
 * code: for "--json=1" (a value to an option that takes none) that is
 * OPT_JSON, 256, no character; for "-x" the character.
 */
static int unknown_option(const char *arg, char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');

	if (!strncmp(arg, "--", 2) && optopt && eq)
		return ml_errorf(err, errlen, "option '%.*s' takes no value",
				 (int)(eq - arg), arg);
	if (!strncmp(arg, "--", 2) || !optopt || optopt >= 256)
		return ml_errorf(err, errlen, "unknown option '%s'", arg);
	return ml_errorf(err, errlen, "unknown option '-%c'", optopt);
}

int ml_parse_options(int argc, char **argv, bool single_probe,
		     struct ml_options *o, char *err, size_t errlen)
{
	bool have_cmd = single_probe, json = false, csv = false;
	int c;

	memset(o, 0, sizeof(*o));
	o->cpu = -1;
	o->command = ML_CMD_RUN;
	err[0] = '\0';
	optind = 0;	/* glibc: full reset, so the parser can be called again */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hV", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			json = true;
			break;
		case OPT_CSV:
			csv = true;
			break;
		case OPT_JSON_OUT:
			o->json_out = optarg;
			break;
		case OPT_QUICK:
			o->quick = true;
			break;
		case OPT_HIST:
			o->histograms = true;
			break;
		case OPT_NO_KERNEL:
			o->no_kernel = true;
			break;
		case OPT_KERNEL_COUNTS:
			o->kernel_counts = optarg;
			break;
		case OPT_PLOT:
			o->plot_dir = optarg;
			break;
		case OPT_TIME:
			if (parse_seconds(optarg, &o->budget_s))
				return ml_errorf(err, errlen,
					    "--time: '%s' is not a number of seconds in (0, 60]",
					    optarg);
			break;
		case OPT_FORKS:
			if (parse_forks(optarg, &o->forks))
				return ml_errorf(err, errlen,
					    "--forks: '%s' is not a number of processes from 1 to %d",
					    optarg, ML_MAX_FORKS);
			break;
		case OPT_CPU:
			if (parse_cpu(optarg, &o->cpu))
				return ml_errorf(err, errlen,
					    "--cpu: '%s' is not a CPU number",
					    optarg);
			break;
		case OPT_CLOCK:
			/* the ISA's counter (tsc, cntvct, rdtime) */
			if (!strcmp(optarg, ML_ARCH_COUNTER) ||
			    !strcmp(optarg, "counter"))
				o->clock = ML_CLOCK_TSC;
			else if (!strcmp(optarg, "monotonic"))
				o->clock = ML_CLOCK_MONOTONIC;
			else
				return ml_errorf(err, errlen,
					    "--clock: '%s' is not " ML_ARCH_COUNTER
					    " or monotonic",
					    optarg);
			break;
		case 'h':
			o->command = ML_CMD_HELP;
			/* COMMAND --help is 'help COMMAND' */
			for (int i = 1; !single_probe && i < argc; i++) {
				if (argv[i][0] != '-' && is_topic(argv[i])) {
					o->select[o->nselect++] = argv[i];
					break;
				}
			}
			return 0;
		case 'V':
			o->command = ML_CMD_VERSION;
			return 0;
		case ':':
			return ml_errorf(err, errlen, "option '%s' needs a value",
				    argv[optind - 1]);
		default:
			return unknown_option(argv[optind - 1], err, errlen);
		}
	}
	if (json && csv)
		return ml_errorf(err, errlen, "--json and --csv exclude each other");
	o->format = json ? ML_FMT_JSON : csv ? ML_FMT_CSV : ML_FMT_TEXT;
	for (int i = optind; i < argc; i++) {
		if (!have_cmd) {
			if (parse_command(argv[i], &o->command))
				return ml_errorf(err, errlen,
					    "unknown command '%s'", argv[i]);
			have_cmd = true;
		} else if (o->command == ML_CMD_HELP && !single_probe &&
			   !o->nselect) {
			if (!is_topic(argv[i]))
				return ml_errorf(err, errlen,
					    "help: unknown command '%s' (run, list, env, sandbox, kernel, plot, report, compare, isa)",
					    argv[i]);
			o->select[o->nselect++] = argv[i];
		} else if (single_probe || (o->command != ML_CMD_RUN &&
					    o->command != ML_CMD_LIST)) {
			return ml_errorf(err, errlen, "unexpected argument '%s'",
				    argv[i]);
		} else if (o->nselect == ML_MAX_SELECT) {
			return ml_errorf(err, errlen, "too many probes named");
		} else {
			o->select[o->nselect++] = argv[i];
		}
	}
	if (!have_cmd)
		return ml_errorf(err, errlen, "missing command");
	return 0;
}
