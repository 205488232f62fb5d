// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_kcounts.c - libFuzzer over the /proc/modelab parser (kcounts.c)
 * and the look-ups on what it parsed.
 */
#include "fuzz.h"
#include "modelab.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ml_kcounts k;
	char *text = malloc(size + 1);

	memcpy(text, data, size);
	text[size] = '\0';
	if (!ml_kernel_parse(text, &k)) {
		if (k.ncpus > ML_K_MAX_CPUS)
			fuzz_fail("kcounts", "more columns than kept", text);
		for (int row = 0; row < ML_K_NROWS; row++)
			for (int cpu = -1; cpu < 70; cpu++)
				(void)ml_kernel_cpu_count(&k, row, cpu);
	}
	free(text);
	return 0;
}
