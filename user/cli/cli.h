/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli.h - the command line of modelab and of every probe program
 * (options.c); the driver that runs it is main.c (ml_main: modelab.h).
 */
#ifndef MODELAB_CLI_H
#define MODELAB_CLI_H

#include "measure/measuring.h"
#include "report/output.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* ---- options.c: the command line ---------------------------------------- */

enum ml_command { ML_CMD_RUN, ML_CMD_LIST, ML_CMD_ENV, ML_CMD_HELP,
		  ML_CMD_VERSION };

#define ML_MAX_SELECT 32

struct ml_options {
	enum ml_command command;
	enum ml_format format;
	bool quick;
	bool histograms;
	int cpu;			/* -1: wherever we start */
	double budget_s;		/* 0: the default */
	unsigned int forks;		/* processes a figure runs in; 0: default */
	enum ml_clock_kind clock;
	bool no_kernel;			/* do not use /proc/modelab */
	const char *kernel_counts;	/* CSV from the lab VM, or NULL */
	const char *json_out;		/* the JSON report there too, or NULL */
	const char *plot_dir;		/* run --plot: the pictures go there */
	size_t nselect;
	const char *select[ML_MAX_SELECT];	/* probe names, or none: all */
};

/*
 * Parse argv.  single_probe: the program is one probe's own binary, so
 * there is no COMMAND word (run is implied).  On error returns -1 and
 * writes one line naming the problem into err.
 */
int ml_parse_options(int argc, char **argv, bool single_probe,
		     struct ml_options *o, char *err, size_t errlen);
void ml_usage(FILE *out, const char *prog, bool single_probe);

#endif /* MODELAB_CLI_H */
