/* SPDX-License-Identifier: GPL-2.0 */
/*
 * help.h - `modelab help COMMAND` (options.c), which the commands that
 * live beside their library (kernel, report, plot, compare) print too.
 */
#ifndef MODELAB_HELP_H
#define MODELAB_HELP_H

#include <stdio.h>

/* `modelab help COMMAND`: run, list, env, sandbox, plot, report,
 * compare; -1 for any other */
int ml_command_help(FILE *out, const char *command);

#endif /* MODELAB_HELP_H */
