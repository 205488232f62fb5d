// SPDX-License-Identifier: GPL-2.0
/*
 * later.c - a later process of a run: `PROG __fork ARGS PROBE/FIGURE:BATCH...`,
 * a fresh exec of the program that measures the timed figures it is named
 * with, each in its group and from the batch size the first process chose,
 * and sends back down a pipe, figure by figure, what it saw (forks.c says
 * why, and what the first process makes of it).  It runs no witness pass,
 * no demonstration, and touches no /proc/modelab.
 */
#define _GNU_SOURCE
#include "measure/measuring.h"
#include "measure/run.h"
#include "measure/machine.h"
#include "measure/forks.h"
#include "proc/proc.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * measure.c's batch_of hook in a later process: the batch the first
 * process chose, so that every process times the same batches and spends
 * no time choosing again.
 */
static uint64_t batch_of(void *arg, const struct ml_result *res)
{
	const struct ml_forks *f = arg;
	size_t lp = strlen(res->probe->name), lf = strlen(res->fig->name);

	for (size_t i = 0; i < f->nwords; i++) {
		const char *w = f->words[i];

		if (!strncmp(w, res->probe->name, lp) && w[lp] == '/' &&
		    !strncmp(w + lp + 1, res->fig->name, lf) &&
		    w[lp + 1 + lf] == ':')
			return strtoull(w + lp + lf + 2, NULL, 10);
	}
	return 0;
}

/* ---- a later process: `PROG __fork ARGS PROBE/FIGURE...` --------------- */

static int usage(void)
{
	fprintf(stderr, "modelab: %s is for modelab itself\n", FORK_COMMAND);
	return 2;
}

int ml_fork_main(int argc, char **argv, const struct ml_probe *const *probes,
		 size_t nprobes)
{
	struct ml_forks f = { .out = -1 };
	struct ml_measure_opts mo;
	struct ml_clock clock = { 0 };
	struct ml_result *results;
	int ppid, quick, cpu, kind, progress, rc = 0;
	unsigned int pass, forks;
	double budget, target;
	char label[32], *end;
	struct record r;

	if (argc < 3 || !getenv(FORK_ENV) ||
	    sscanf(argv[2], "%d %u %u %lf %d %d %lf %d %d %lf", &ppid, &pass,
		   &forks, &budget, &quick, &cpu, &clock.ticks_per_ns, &kind,
		   &progress, &target) != 10)
		return usage();
	f.out = (int)strtol(getenv(FORK_ENV), &end, 10);
	if (*end || f.out < 0 || fcntl(f.out, F_SETFD, FD_CLOEXEC))
		return usage();
	unsetenv(FORK_ENV);
	if (getppid() != ppid)
		return 1;
	clock.kind = (enum ml_clock_kind)kind;
	clock.tsc_invariant = ml_cpu_has_invariant_tsc();
	ml_cleanup_install(false);
	if (ml_pin_cpu(cpu) < 0)
		return 1;
	results = calloc((size_t)argc, sizeof(*results));
	if (!results)
		return 1;
	ml_measure_defaults(&mo, quick);
	mo.budget_s = budget / forks;
	mo.least_rounds = LEAST_ROUNDS;
	mo.target_ci = target;
	mo.progress = progress;
	mo.keep = ml_fork_keep;
	mo.keep_arg = &f;
	mo.batch_of = batch_of;
	f.words = argv + 3;
	f.nwords = (size_t)argc - 3;
	snprintf(label, sizeof(label), "process %u of %u", pass + 1, forks);
	mo.pass = label;
	mo.figures_total = (size_t)argc - 3;
	memset(&r, 0, sizeof(r));
	r.magic = MAGIC;
	r.kind = REC_SPEED;
	r.start_ns = ml_monotonic_ns();
	r.value = ml_speed_reference();
	r.ratio = ml_calls_reference();	/* REC_SPEED: see forks.h */
	/* each probe once, with every figure of it named after it */
	for (size_t p = 0; p < nprobes && !f.failed; p++) {
		const struct ml_probe *probe = probes[p];
		bool *want = calloc(probe->nfigures + 1, sizeof(*want));
		size_t len = strlen(probe->name), any = 0;
		ssize_t got;

		for (int i = 3; want && i < argc; i++)
			for (size_t g = 0; !strncmp(argv[i], probe->name, len) &&
					   argv[i][len] == '/' &&
					   g < probe->nfigures; g++) {
				const char *name = probe->figures[g].name;
				size_t lf = strlen(name);

				if (!strncmp(argv[i] + len + 1, name, lf) &&
				    argv[i][len + 1 + lf] == ':')
					any += want[g] = true;
			}
		got = !want ? -1 : any ? ml_measure_probe(&clock, &mo, NULL, probe,
							want, results) : 0;
		free(want);
		if (got < 0) {
			rc = 1;
			break;
		}
		for (ssize_t i = 0; i < got; i++) {
			struct record fr;

			if (!results[i].failed)
				continue;
			ml_fork_record(&fr, REC_FAILED, &results[i]);
			snprintf(fr.reason, sizeof(fr.reason), "%s",
				 results[i].fail_reason);
			if (ml_write_all(f.out, &fr, sizeof(fr)))
				f.failed = true;
		}
	}
	r.value = (r.value + ml_speed_reference()) / 2;
	r.ratio = (r.ratio + ml_calls_reference()) / 2;
	r.end_ns = ml_monotonic_ns();
	if (ml_write_all(f.out, &r, sizeof(r)))
		f.failed = true;
	free(results);
	return rc || f.failed ? 1 : 0;
}

bool ml_fork_asked(int argc, char **argv)
{
	return argc > 1 && !strcmp(argv[1], FORK_COMMAND) && getenv(FORK_ENV);
}

