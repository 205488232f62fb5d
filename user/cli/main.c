// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - the driver shared by `modelab` and every probe program: parse
 * the options, pin, calibrate, measure, report.
 */
#define _GNU_SOURCE
#include "modelab.h"
#include "version.h"
#include "util/util.h"
#include "isa/isa.h"
#include "measure/measuring.h"
#include "measure/run.h"
#include "measure/machine.h"
#include "proc/proc.h"
#include "report/output.h"
#include "report/view.h"
#include "seccomp/policy.h"
#include "cli/cli.h"
#include "cli/help.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct ml_probe *find_probe(const struct ml_probe *const *probes,
					 size_t nprobes, const char *name)
{
	for (size_t i = 0; i < nprobes; i++)
		if (!strcmp(probes[i]->name, name))
			return probes[i];
	return NULL;
}

/* A probe to run, and the one figure of it asked for (NULL: all). */
struct selection {
	const struct ml_probe *probe;
	const char *figure;
};

/* "PROBE" or "PROBE/FIGURE". */
static int select_one(const struct ml_probe *const *probes, size_t nprobes,
		      const char *word, struct selection *sel, char *err,
		      size_t errlen)
{
	const char *slash = strchr(word, '/');
	char name[64];

	snprintf(name, sizeof(name), "%.*s",
		 (int)(slash ? (size_t)(slash - word) : strlen(word)), word);
	sel->probe = find_probe(probes, nprobes, name);
	sel->figure = slash ? slash + 1 : NULL;
	if (!sel->probe) {
		size_t used = (size_t)snprintf(err, errlen,
					       "unknown probe '%s' (", name);

		for (size_t i = 0; i < nprobes && used < errlen; i++)
			used += (size_t)snprintf(err + used, errlen - used,
						 "%s%s", i ? ", " : "",
						 probes[i]->name);
		if (used < errlen)
			snprintf(err + used, errlen - used, ")");
		return -1;
	}
	for (size_t f = 0; sel->figure && f < sel->probe->nfigures; f++)
		if (!strcmp(sel->probe->figures[f].name, sel->figure))
			return 0;
	if (sel->figure) {
		snprintf(err, errlen,
			 "unknown figure '%s' of probe '%s' ('modelab list %s' names them)",
			 sel->figure, name, name);
		return -1;
	}
	return 0;
}

static bool *wanted(const struct selection *chosen, size_t nchosen,
		    const struct ml_probe *probe);

/* All probes, or those chosen (a PROBE/FIGURE: that figure alone). */
static void list_probes(const struct ml_probe *const *probes, size_t nprobes,
			const struct selection *chosen, size_t nchosen)
{
	for (size_t i = 0; i < nprobes; i++) {
		const struct ml_probe *p = probes[i];
		bool *want = NULL;

		if (nchosen) {
			want = wanted(chosen, nchosen, p);
			if (!want)
				continue;
		}
		for (size_t f = 0, head = 0; f < p->nfigures; f++) {
			if (want && !want[f])
				continue;
			if (!head++)
				printf("%s: %s\n", p->name, p->summary);
			printf("  %-30s %s\n", p->figures[f].name,
			       p->figures[f].what);
		}
		free(want);
	}
}

/* One line naming the problem, one saying where the help is: exit 2. */
static int usage_error(const char *prog, bool single, const char *msg)
{
	fprintf(stderr, "%s: %s\ntry '%s%s --help'\n", prog, msg,
		single ? "modelab-" : "", prog);
	return 2;
}

/*
 * The observer effect: the null syscall with the module counting, against
 * the same call with counting off, in alternating slices of the same
 * rounds so that the machine's drift cancels.  Only the figure's hooks
 * switch counting; the reference slice runs with it off.
 */
static int counting_on(struct ml_ctx *ctx)
{
	if (ml_kernel_write("count on"))
		return ml_error(ctx, "cannot switch counting on: %s",
				strerror(errno));
	return 0;
}

static int counting_off(struct ml_ctx *ctx)
{
	(void)ctx;
	ml_kernel_write("count off");
	return 0;
}

static const struct ml_figure observer_figures[] = {
	{ .name = "null-counting-off",
	  .what = "the null syscall, modelab.ko not counting",
	  .run = ml_null_syscall, .group = "observer" },
	{ .name = "null-counting-on",
	  .what = "the null syscall, modelab.ko counting every syscall",
	  .run = ml_null_syscall, .group = "observer",
	  .enter = counting_on, .leave = counting_off,
	  .pair_with = "null-counting-off", .claim = ML_CLAIM_DEARER },
};

static const struct ml_probe observer_probe = {
	.name = "observer",
	.summary = "what counting in modelab.ko costs every syscall",
	.figures = observer_figures,
	.nfigures = ML_ARRAY_SIZE(observer_figures),
};

static int observer_effect(const struct ml_clock *clock,
			   const struct ml_measure_opts *mo,
			   struct ml_result pair[2])
{
	const struct ml_figure *figs[] = { &observer_figures[0],
					   &observer_figures[1] };

	return ml_measure_group(clock, mo, &observer_probe, figs, 2, pair);
}

/*
 * Which figures of a probe the selections ask for: "PROBE" means all,
 * "PROBE/FIGURE" one; several of one probe are measured together, so
 * figures of a group still share their rounds.
 */
static bool *wanted(const struct selection *chosen, size_t nchosen,
		    const struct ml_probe *probe)
{
	bool *want = calloc(probe->nfigures, sizeof(*want));

	for (size_t p = 0; want && p < nchosen; p++)
		for (size_t f = 0; chosen[p].probe == probe &&
				   f < probe->nfigures; f++)
			want[f] |= !chosen[p].figure ||
				   !strcmp(chosen[p].figure,
					   probe->figures[f].name);
	return want;
}

/*
 * --plot DIR: the report as JSON into a scratch file, read back and drawn,
 * as `modelab plot` would.  0, or 1 when nothing could be drawn.
 */
static int plot_run(const struct ml_report *rep, const char *dir)
{
	struct ml_view_report view;
	char path[1024], err[1024];
	FILE *f;
	int n;

	if (ml_scratch_path(path, sizeof(path), "run.json") ||
	    !(f = fopen(path, "w"))) {
		fprintf(stderr, "modelab: --plot: no scratch file: %s\n",
			strerror(errno));
		return 1;
	}
	ml_report_write(f, ML_FMT_JSON, rep);
	n = fclose(f) ? ml_errorf(err, sizeof(err), "%s: %s", path,
				  strerror(errno)) :
			ml_view_load(path, &view, err, sizeof(err));
	if (!n) {
		n = ml_plot(&view, dir, err, sizeof(err));
		ml_view_free(&view);
	}
	if (n < 0) {
		fprintf(stderr, "modelab: --plot: %s\n", err);
		return 1;
	}
	fprintf(stderr, "modelab: %d pictures (%d SVG, %d PNG) in %s\n", n,
		n / 2, n / 2, dir);
	return 0;
}

/* Every failure, named, at the end: the run exits 1. */
static int report_failures(const struct ml_result *results, size_t n)
{
	size_t failed = 0;

	for (size_t i = 0; i < n; i++) {
		if (!results[i].failed)
			continue;
		if (!failed++)
			fprintf(stderr, "modelab: failed:\n");
		fprintf(stderr, "  %s/%s: %s\n", results[i].probe->name,
			results[i].fig->name, results[i].fail_reason);
	}
	if (failed)
		fprintf(stderr, "modelab: %zu of %zu figures failed\n", failed,
			n);
	return failed ? 1 : 0;
}

/* How many figures the selections name, each once: the progress's total. */
static size_t count_wanted(const struct selection *chosen, size_t nchosen)
{
	size_t total = 0;

	for (size_t p = 0; p < nchosen; p++) {
		bool *want, seen = false;

		for (size_t q = 0; q < p; q++)
			seen |= chosen[q].probe == chosen[p].probe;
		want = seen ? NULL : wanted(chosen, nchosen, chosen[p].probe);
		for (size_t f = 0; want && f < chosen[p].probe->nfigures; f++)
			total += want[f];
		free(want);
	}
	return total;
}

/* The report again, as JSON, into the file --json-out named (opened). */
static int write_json_out(FILE *f, const char *path,
			  const struct ml_report *rep)
{
	int failed;

	ml_report_write(f, ML_FMT_JSON, rep);
	failed = ferror(f);
	if (fclose(f) || failed) {
		fprintf(stderr, "modelab: --json-out: writing '%s' failed\n",
			path);
		return 1;
	}
	return 0;
}

/* The first pass, in this process: every figure, witnessed. */
static size_t first_pass(const struct ml_clock *clock,
			 struct ml_measure_opts *mo, struct ml_observer *ob,
			 const struct selection *chosen, size_t nchosen,
			 struct ml_result *results, int *rc)
{
	size_t n = 0;

	for (size_t p = 0; p < nchosen; p++) {
		const struct ml_probe *probe = chosen[p].probe;
		bool *want, seen = false;
		ssize_t got;

		for (size_t q = 0; q < p; q++)
			seen |= chosen[q].probe == probe;
		if (seen)
			continue;
		want = wanted(chosen, nchosen, probe);
		got = want ? ml_measure_probe(clock, mo, ob, probe, want,
					      results + n) :
			     -1;
		free(want);
		if (got < 0) {
			fprintf(stderr, "modelab: %s: %s\n", probe->name,
				strerror(errno));
			*rc = 1;
			continue;
		}
		n += (size_t)got;
	}
	return n;
}

static int run_probes(const struct ml_options *o, const struct ml_clock *clock,
		      const struct selection *chosen, size_t nchosen,
		      struct ml_report *rep, FILE *json_out)
{
	struct ml_observer ob = { 0 };
	struct ml_measure_opts mo, full;
	struct ml_result *results, observer[2];
	uint64_t start = ml_monotonic_ns();
	struct ml_forks *forks = NULL;
	struct ml_fork_args fa = { .clock = clock, .quick = o->quick,
				   .cpu = rep->env->cpu };
	size_t total = 0, n;
	char err[512];
	int rc = 0;

	ml_measure_defaults(&mo, o->quick);
	if (o->budget_s > 0)
		mo.budget_s = o->budget_s;
	fa.progress = isatty(STDERR_FILENO);
	mo.progress = fa.progress;
	mo.figures_total = count_wanted(chosen, nchosen);
	full = mo;
	fa.budget_s = mo.budget_s;
	for (size_t p = 0; p < nchosen; p++)
		total += chosen[p].probe->nfigures;
	results = calloc(total ? total : 1, sizeof(*results));
	if (results)
		forks = ml_forks_begin(&mo, o->forks ? o->forks :
					    o->quick ? 1 : ML_DEFAULT_FORKS,
				       fa.budget_s, results, total);
	if (!forks) {
		free(results);
		return 1;
	}
	if (!o->no_kernel && !o->kernel_counts && rep->env->proc_modelab &&
	    ml_observe_begin(&ob))
		fprintf(stderr,
			"modelab: /proc/modelab is there but cannot be driven (%s); timings only\n",
			strerror(errno));
	n = first_pass(clock, &mo, &ob, chosen, nchosen, results, &rc);
	/* only beside the null syscall's own figure, so the two compare */
	for (size_t i = 0; ob.active && i < n; i++) {
		if (strcmp(results[i].probe->name, ML_REFERENCE_PROBE) ||
		    strcmp(results[i].fig->name, ML_REFERENCE_FIGURE) ||
		    results[i].skipped)
			continue;
		full.figures_total = 0;	/* beyond the count: no counter */
		if (!observer_effect(clock, &full, observer) &&
		    !observer[1].skipped && !observer[1].failed)
			rep->observer = &observer[1];
		break;
	}
	ml_observe_end(&ob);
	ml_forks_later(forks, &fa, n);
	rep->method = ml_forks_end(forks);
	if (o->kernel_counts &&
	    ml_observe_import(o->kernel_counts, results, n, err,
			      sizeof(err)) < 0) {
		fprintf(stderr, "modelab: %s\n", err);
		ml_forks_free(forks);
		free(results);
		return 2;
	}
	rep->results = results;
	rep->nresults = n;
	ml_report_write(stdout, o->format, rep);
	fflush(stdout);
	if (json_out && write_json_out(json_out, o->json_out, rep))
		rc = 1;
	if (o->plot_dir && plot_run(rep, o->plot_dir))
		rc = 1;
	if (report_failures(results, n))
		rc = 1;
	/* the last line, where people look: stdout unless it holds data */
	ml_report_summary(o->format == ML_FMT_TEXT ? stdout : stderr, rep,
			  (double)(ml_monotonic_ns() - start) / 1e9);
	ml_forks_free(forks);
	free(results);
	return rc;
}

int ml_main(int argc, char **argv, const struct ml_probe *const *probes,
	    size_t nprobes, bool single_probe)
{
	const char *prog = single_probe ? probes[0]->name : "modelab";
	struct selection chosen[ML_MAX_SELECT];
	struct ml_report rep = { 0 };
	struct ml_options o;
	struct ml_clock clock;
	struct ml_env env;
	FILE *json_out = NULL;
	size_t nchosen = 0;
	char err[256];
	int cpu;

	/* a later process of a run (forks.c) */
	if (ml_fork_asked(argc, argv))
		return ml_fork_main(argc, argv, probes, nprobes);
	/* sandbox has options of its own, and runs a command */
	if (!single_probe && argc > 1 && !strcmp(argv[1], "sandbox"))
		return ml_sandbox_main(argc - 1, argv + 1);
	if (!single_probe && argc > 1 && !strcmp(argv[1], "kernel"))
		return ml_kernel_main(argc - 1, argv + 1);
	if (!single_probe && argc > 1 && !strcmp(argv[1], "isa"))
		return ml_isa_main(argc - 1, argv + 1);
	/* so do the commands that read a JSON report back (view.h) */
	if (!single_probe && argc > 1 && !strcmp(argv[1], "plot"))
		return ml_plot_main(argc - 1, argv + 1);
	if (!single_probe && argc > 1 && !strcmp(argv[1], "report"))
		return ml_report_main(argc - 1, argv + 1);
	if (!single_probe && argc > 1 && !strcmp(argv[1], "compare"))
		return ml_compare_main(argc - 1, argv + 1);
	if (ml_parse_options(argc, argv, single_probe, &o, err, sizeof(err)))
		return usage_error(prog, single_probe, err);
	switch (o.command) {
	case ML_CMD_HELP:
		if (o.nselect)
			return ml_command_help(stdout, o.select[0]) ? 2 : 0;
		ml_usage(stdout, prog, single_probe);
		return 0;
	case ML_CMD_VERSION:
		printf("modelab %s\n", MODELAB_VERSION);
		return 0;
	default:
		break;
	}
	for (size_t i = 0; i < o.nselect; i++) {
		if (select_one(probes, nprobes, o.select[i], &chosen[nchosen],
			       err, sizeof(err)))
			return usage_error(prog, single_probe, err);
		nchosen++;
	}
	if (o.command == ML_CMD_LIST) {
		list_probes(probes, nprobes, chosen, nchosen);
		return 0;
	}
	for (size_t i = 0; !o.nselect && i < nprobes && i < ML_MAX_SELECT; i++)
		chosen[nchosen++] = (struct selection){ probes[i], NULL };

	/* a bad --kernel-counts file fails now, not after a minute of work */
	if (o.kernel_counts &&
	    ml_observe_import(o.kernel_counts, NULL, 0, err, sizeof(err)) < 0)
		return usage_error(prog, single_probe, err);
	cpu = ml_pin_cpu(o.cpu);
	if (cpu < 0) {
		char cpus[128];

		if (o.cpu >= 0 && !ml_allowed_cpus(cpus, sizeof(cpus)))
			snprintf(err, sizeof(err),
				 "cannot pin to CPU %d: this machine's allowed CPUs are %s",
				 o.cpu, cpus);
		else
			snprintf(err, sizeof(err), "cannot pin to CPU %d: %s",
				 o.cpu, strerror(errno));
		return usage_error(prog, single_probe, err);
	}
	if (ml_clock_init(&clock, o.clock, o.quick ? 20 : 100)) {
		fprintf(stderr, "%s: this CPU has no TSC; use --clock monotonic\n",
			prog);
		return 2;
	}
	/*
	 * So does a --json-out file that cannot be written.  Closed on exec:
	 * the helpers the figures start get no descriptor of ours.
	 */
	if (o.json_out && !(json_out = fopen(o.json_out, "we"))) {
		snprintf(err, sizeof(err), "--json-out: cannot write '%s': %s",
			 o.json_out, strerror(errno));
		return usage_error(prog, single_probe, err);
	}
	env.cpu = cpu;
	ml_env_read(&env, "");
	env.clock_name = ml_clock_name(clock.kind);
	env.tsc_ghz = clock.kind == ML_CLOCK_TSC ? clock.ticks_per_ns : 0;
	rep.env = &env;
	rep.clock = &clock;
	rep.emulated = ml_env_emulated(&env);
	rep.histograms = o.histograms;
	if (o.command == ML_CMD_ENV) {
		ml_report_write(stdout, o.format, &rep);
		return json_out ? write_json_out(json_out, o.json_out, &rep) : 0;
	}
	/* before any probe runs: Ctrl-C then leaves nothing behind */
	ml_cleanup_install(!o.no_kernel);
	return run_probes(&o, &clock, chosen, nchosen, &rep, json_out);
}
