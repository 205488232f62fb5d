// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_proc.c - libFuzzer over the /proc parsers of user/: the first byte
 * picks /proc/interrupts and /proc/softirqs (procirq.c) or /proc/modelab
 * (kcounts.c); the rest is the text.  Every look-up on what they parsed.
 */
#include "fuzz.h"
#include "measure/machine.h"

#include <string.h>

static void interrupts(const char *text)
{
	struct ml_irq_table t;

	if (ml_irq_parse(text, &t))
		return;
	for (size_t i = 0; i < t.nlines; i++) {
		const struct ml_irq_line *l = &t.lines[i];

		if (!ml_irq_find(&t, l->name))
			fuzz_fail("proc", "a line not found by its name", l->name);
		(void)ml_irq_is_device(l);
		for (int c = -1; c <= (int)t.ncpus; c++)
			(void)ml_irq_count(l, c);
		(void)ml_irq_delta(&t, &t, l->name, -1);
	}
	for (int cpu = -1; cpu < 70; cpu++)
		(void)ml_irq_column(&t, cpu);
	ml_irq_free(&t);
}

static void modelab_counts(const char *text)
{
	struct ml_kcounts k;

	if (ml_kernel_parse(text, &k))
		return;
	/* ncpus counts every column; the first ML_K_MAX_CPUS are kept */
	if (!k.ncpus)
		fuzz_fail("proc", "parsed without a CPU column", text);
	for (int row = 0; row < ML_K_NROWS; row++)
		for (int cpu = -1; cpu < 70; cpu++)
			(void)ml_kernel_cpu_count(&k, row, cpu);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (!size)
		return 0;
	text = malloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (data[0] & 1)
		modelab_counts(text);
	else
		interrupts(text);
	free(text);
	return 0;
}
