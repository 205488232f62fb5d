// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_procirq.c - libFuzzer over the /proc/interrupts and /proc/softirqs
 * parser (procirq.c), and every look-up on what it parsed.
 */
#include "fuzz.h"
#include "modelab.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ml_irq_table t;
	char *text = malloc(size + 1);

	memcpy(text, data, size);
	text[size] = '\0';
	if (!ml_irq_parse(text, &t)) {
		for (size_t i = 0; i < t.nlines; i++) {
			const struct ml_irq_line *l = &t.lines[i];

			if (ml_irq_find(&t, l->name) == NULL)
				fuzz_fail("procirq", "a line not found by name", l->name);
			(void)ml_irq_is_device(l);
			(void)ml_irq_count(l, -1);
			for (size_t c = 0; c <= t.ncpus; c++)
				(void)ml_irq_count(l, (int)c);
			(void)ml_irq_delta(&t, &t, l->name, -1);
		}
		for (int cpu = -1; cpu < 70; cpu++)
			(void)ml_irq_column(&t, cpu);
		ml_irq_free(&t);
	}
	free(text);
	return 0;
}
