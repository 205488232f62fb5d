// SPDX-License-Identifier: GPL-2.0
/*
 * test_procirq.c - /proc/interrupts and /proc/softirqs parsing, on captured
 * text: 1, 2 and many CPUs, an offline CPU, named and numbered lines, lines
 * with fewer counts than CPUs, descriptions with spaces and digits.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure/machine.h"

/* Captured from this project's development machine (trimmed). */
static const char two_cpus[] =
	"           CPU0       CPU1       \n"
	" 24:          1          0  IO-APIC   5-edge      ACPI:Ged\n"
	" 36:          0     147941 PCI-MSIX-0000:00:02.0   1-edge      virtio1-req.0\n"
	"NMI:          0          0   Non-maskable interrupts\n"
	"LOC:     499389     525172   Local timer interrupts\n"
	"IWI:          0          1   IRQ work interrupts\n"
	"CAL:     516078     464155   Function call interrupts\n"
	"TLB:      13487       7680   TLB shootdowns\n"
	"ERR:          0\n"
	"MIS:          0\n";

/* Captured from the lab VM: one CPU. */
static const char one_cpu[] = "           CPU0       \n"
			      "  0:         45   IO-APIC   2-edge      timer\n"
			      "  4:        310   IO-APIC   4-edge      ttyS0\n"
			      "LOC:       1823   Local timer interrupts\n"
			      "ERR:          0\n";

static const char softirqs[] = "                    CPU0       CPU1       \n"
			       "          HI:          0          0\n"
			       "       TIMER:      44231      56659\n"
			       "      NET_RX:         12          7\n"
			       "         RCU:      90210      80123\n";

/* CPU1 offline: the columns are CPU0 and CPU2. */
static const char offline[] = "           CPU0       CPU2\n"
			      "LOC:         10         30   Local timer interrupts\n";

static void two_cpus_named_and_numbered(void **state)
{
	struct ml_irq_table t;
	const struct ml_irq_line *l;

	(void)state;
	assert_int_equal(ml_irq_parse(two_cpus, &t), 0);
	assert_int_equal(t.ncpus, 2);
	assert_int_equal(t.nlines, 9);
	l = ml_irq_find(&t, "36");
	assert_non_null(l);
	assert_true(ml_irq_is_device(l));
	assert_int_equal(ml_irq_count(l, 1), 147941);
	assert_string_equal(l->desc, "PCI-MSIX-0000:00:02.0 1-edge virtio1-req.0");
	l = ml_irq_find(&t, "24");
	/* "5-edge" starts with a digit but is not a count */
	assert_int_equal(l->ncounts, 2);
	assert_string_equal(l->desc, "IO-APIC 5-edge ACPI:Ged");
	l = ml_irq_find(&t, "LOC");
	assert_false(ml_irq_is_device(l));
	assert_int_equal(ml_irq_count(l, -1), 499389 + 525172);
	assert_string_equal(l->desc, "Local timer interrupts");
	ml_irq_free(&t);
}

static void fewer_counts_than_cpus(void **state)
{
	struct ml_irq_table t;
	const struct ml_irq_line *l;

	(void)state;
	assert_int_equal(ml_irq_parse(two_cpus, &t), 0);
	l = ml_irq_find(&t, "ERR");
	assert_int_equal(l->ncounts, 1);
	assert_int_equal(ml_irq_count(l, 1), 0);	/* no such column */
	assert_string_equal(l->desc, "");
	ml_irq_free(&t);
}

static void one_cpu_and_offline_columns(void **state)
{
	struct ml_irq_table t;

	(void)state;
	assert_int_equal(ml_irq_parse(one_cpu, &t), 0);
	assert_int_equal(t.ncpus, 1);
	assert_int_equal(ml_irq_count(ml_irq_find(&t, "4"), 0), 310);
	assert_string_equal(ml_irq_find(&t, "0")->desc, "IO-APIC 2-edge timer");
	ml_irq_free(&t);
	assert_int_equal(ml_irq_parse(offline, &t), 0);
	assert_int_equal(ml_irq_column(&t, 2), 1);
	assert_int_equal(ml_irq_column(&t, 1), -1);
	assert_int_equal(ml_irq_count(ml_irq_find(&t, "LOC"), 1), 30);
	ml_irq_free(&t);
}

static void many_cpus(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct ml_irq_table t;

	(void)state;
	fputs("     ", f);
	for (int c = 0; c < 96; c++)
		fprintf(f, "     CPU%d", c);
	fputs("\nRES:", f);
	for (int c = 0; c < 96; c++)
		fprintf(f, " %10d", c * 1000);
	fputs("   Rescheduling interrupts\n", f);
	fclose(f);
	assert_int_equal(ml_irq_parse(text, &t), 0);
	assert_int_equal(t.ncpus, 96);
	assert_int_equal(ml_irq_count(ml_irq_find(&t, "RES"), 95), 95000);
	assert_string_equal(ml_irq_find(&t, "RES")->desc,
			    "Rescheduling interrupts");
	ml_irq_free(&t);
	free(text);
}

static void softirqs_have_right_aligned_names(void **state)
{
	struct ml_irq_table t;

	(void)state;
	assert_int_equal(ml_irq_parse(softirqs, &t), 0);
	assert_int_equal(t.nlines, 4);
	assert_int_equal(ml_irq_count(ml_irq_find(&t, "TIMER"), 1), 56659);
	assert_int_equal(ml_irq_count(ml_irq_find(&t, "NET_RX"), -1), 19);
	ml_irq_free(&t);
}

static void deltas_per_cpu_and_in_all(void **state)
{
	struct ml_irq_table a, b;
	char *later = strdup(two_cpus);

	(void)state;
	/* LOC on CPU1: 525172 -> 525272; TLB on CPU0: 13487 -> 13497 */
	memcpy(strstr(later, "525172"), "525272", 6);
	memcpy(strstr(later, "13487"), "13497", 5);
	assert_int_equal(ml_irq_parse(two_cpus, &a), 0);
	assert_int_equal(ml_irq_parse(later, &b), 0);
	assert_int_equal(ml_irq_delta(&a, &b, "LOC", 1), 100);
	assert_int_equal(ml_irq_delta(&a, &b, "LOC", 0), 0);
	assert_int_equal(ml_irq_delta(&a, &b, "TLB", -1), 10);
	assert_int_equal(ml_irq_delta(&a, &b, "NOPE", -1), 0);
	assert_int_equal(ml_irq_delta(&a, &b, "LOC", 7), 0);	/* no CPU7 */
	/* a counter that went down (a reset) is not a negative delta */
	assert_int_equal(ml_irq_delta(&b, &a, "LOC", 1), 0);
	ml_irq_free(&a);
	ml_irq_free(&b);
	free(later);
}

static void rejects_what_is_not_the_format(void **state)
{
	struct ml_irq_table t;

	(void)state;
	assert_int_equal(ml_irq_parse("", &t), -1);
	assert_int_equal(ml_irq_parse("hello world\n", &t), -1);
	assert_int_equal(ml_irq_parse("   CPU0\nno colon here\n", &t), -1);
	assert_int_equal(ml_irq_parse("   CPUx\nLOC: 1\n", &t), -1);
	assert_int_equal(t.nlines, 0);
	/* a header alone is an empty table, not an error */
	assert_int_equal(ml_irq_parse("   CPU0\n", &t), 0);
	assert_int_equal(t.nlines, 0);
	ml_irq_free(&t);
}

static void the_live_files_parse(void **state)
{
	struct ml_irq_table t;

	(void)state;
	if (ml_irq_read("/proc/interrupts", &t)) {
		skip();
		return;
	}
	assert_true(t.ncpus >= 1);
	assert_true(t.nlines >= 1);
	ml_irq_free(&t);
	assert_int_equal(ml_irq_read("/proc/softirqs", &t), 0);
	assert_non_null(ml_irq_find(&t, "TIMER"));
	ml_irq_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(two_cpus_named_and_numbered),
		cmocka_unit_test(fewer_counts_than_cpus),
		cmocka_unit_test(one_cpu_and_offline_columns),
		cmocka_unit_test(many_cpus),
		cmocka_unit_test(softirqs_have_right_aligned_names),
		cmocka_unit_test(deltas_per_cpu_and_in_all),
		cmocka_unit_test(rejects_what_is_not_the_format),
		cmocka_unit_test(the_live_files_parse),
	};

	return cmocka_run_group_tests_name("procirq", tests, NULL, NULL);
}
