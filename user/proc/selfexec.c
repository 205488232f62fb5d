// SPDX-License-Identifier: GPL-2.0
/*
 * selfexec.c - helpers that run in a fresh exec of this same program.
 *
 * Some figures need a process that starts from nothing (a new heap, a
 * peer with its own mm).  Rather than a second program to find and
 * install, the probe's binary re-executes itself: ML_HELPER(name, fn)
 * files fn in the linker section ml_helpers, ml_child_spawn_helper()
 * (child.c) execs /proc/self/exe with MODELAB_HELPER=name, and the one
 * constructor below runs fn before main and exits with what it returns.
 */
#define _GNU_SOURCE
#include "proc/proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Provided by the linker; weak, so that a program with no helper links. */
extern const struct ml_helper __start_ml_helpers[] __attribute__((weak));
extern const struct ml_helper __stop_ml_helpers[] __attribute__((weak));

const struct ml_helper *ml_helper_find(const char *name)
{
	for (const struct ml_helper *h = __start_ml_helpers;
	     h && h < __stop_ml_helpers; h++)
		if (!strcmp(h->name, name))
			return h;
	return NULL;
}

/* glibc calls constructors with main's arguments. */
__attribute__((constructor)) static void ml_helper_if_asked(int argc,
							    char **argv,
							    char **envp)
{
	const char *v = getenv(ML_HELPER_ENV);
	const struct ml_helper *h;
	char name[128];

	(void)envp;
	if (!v || !*v)
		return;
	snprintf(name, sizeof(name), "%s", v);
	unsetenv(ML_HELPER_ENV);
	h = ml_helper_find(name);
	if (!h) {
		fprintf(stderr, "modelab: no helper named '%s' in this program\n",
			name);
		_exit(2);
	}
	_exit(h->fn(argc, argv));
}
