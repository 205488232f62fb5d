// SPDX-License-Identifier: GPL-2.0
/*
 * modelab.c - the `modelab` command: every probe in one program.
 * Each probe files itself in the linker section ml_probes (ML_PROBE in
 * modelab.h); this lists them in their .order, so a new family only has
 * to be built in.
 */
#include "modelab.h"

#include <stdlib.h>

extern const struct ml_probe *const __start_ml_probes[] __attribute__((weak));
extern const struct ml_probe *const __stop_ml_probes[] __attribute__((weak));

static int by_order(const void *a, const void *b)
{
	const struct ml_probe *pa = *(const struct ml_probe *const *)a;
	const struct ml_probe *pb = *(const struct ml_probe *const *)b;

	return (pa->order > pb->order) - (pa->order < pb->order);
}

int main(int argc, char **argv)
{
	size_t n = __start_ml_probes ?
			   (size_t)(__stop_ml_probes - __start_ml_probes) :
			   0;
	const struct ml_probe **probes = calloc(n ? n : 1, sizeof(*probes));
	int rc;

	if (!probes)
		return 1;
	for (size_t i = 0; i < n; i++)
		probes[i] = __start_ml_probes[i];
	qsort(probes, n, sizeof(*probes), by_order);
	rc = ml_main(argc, argv, probes, n, false);
	free(probes);
	return rc;
}
