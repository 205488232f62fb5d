// SPDX-License-Identifier: GPL-2.0
/*
 * test_kcounts.c - the /proc/modelab parser against text in the module's
 * format (README: "/proc/modelab"), and the --kernel-counts importer.
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
#include <unistd.h>

#include "measure/measuring.h"
#include "measure/run.h"
#include "measure/machine.h"

#define ROWS(a, b, t)                                                        \
	"syscalls                 " a "         " b "         " t "\n"       \
	"faults                    10          20          30\n"              \
	"faults_read                1           2           3\n"              \
	"faults_write               9          18          27\n"              \
	"faults_exec                0           0           0\n"              \
	"faults_notpresent         10          19          29\n"              \
	"faults_protection          0           1           1\n"              \
	"irq_device                 0           5           5\n"              \
	"irq_timer                250         251         501\n"              \
	"irq_work                   0           0           0\n"              \
	"irq_resched                3           4           7\n"              \
	"irq_callfunc               1           1           2\n"              \
	"signals                    0         100         100\n"              \
	"ctxsw                     40          41          81\n"          \
	"syscall_exits           810        1019        1829\n"              \
	"migrations                 7           5          12\n"

static const char two_cpus[] =
	"modelab 0.1.0\n"
	"counting on\n"
	"watching 1234 modelab-syscall\n"
	"                        CPU0        CPU1       total\n"
	ROWS("812", "1020", "1832")
	"\n"
	"watched                total\n"
	"syscalls               10040\n"
	"faults                  1003\n"
	"faults_read                1\n"
	"faults_write            1002\n"
	"faults_exec                0\n"
	"faults_notpresent       1003\n"
	"faults_protection          0\n"
	"irq_device                 0\n"
	"irq_timer                  2\n"
	"irq_work                   0\n"
	"irq_resched                0\n"
	"irq_callfunc               0\n"
	"signals                  100\n"
	"ctxsw                      3\n"
	"syscall_exits          10039\n"
	"migrations                 4\n";

static void parses_header_table_and_watched(void **state)
{
	struct ml_kcounts k;

	(void)state;
	assert_int_equal(ml_kernel_parse(two_cpus, &k), 0);
	assert_string_equal(k.version, "0.1.0");
	assert_true(k.counting);
	assert_int_equal(k.watched_pid, 1234);
	assert_false(k.watched_exited);
	assert_int_equal(k.ncpus, 2);
	assert_int_equal(k.total[ML_K_SYSCALLS], 1832);	/* the total column */
	assert_int_equal(ml_kernel_cpu_count(&k, ML_K_SYSCALLS, 1), 1020);
	assert_int_equal(ml_kernel_cpu_count(&k, ML_K_IRQ_TIMER, 0), 250);
	assert_int_equal(ml_kernel_cpu_count(&k, ML_K_IRQ_TIMER, 5), 0);
	assert_int_equal(k.total[ML_K_IRQ_TIMER], 501);
	assert_int_equal(k.total[ML_K_CTXSW], 81);
	assert_int_equal(k.watched[ML_K_SYSCALLS], 10040);
	assert_int_equal(k.watched[ML_K_FAULTS_WRITE], 1002);
	assert_int_equal(k.watched[ML_K_SIGNALS], 100);
}

/* Lab 2's row, looked up by name so that the starter (no row) builds. */
static int migrations_row(void)
{
	for (int i = 0; i < ML_K_NROWS; i++)
		if (!strcmp(ml_kernel_row_name((enum ml_krow)i), "migrations"))
			return i;
	return -1;
}

static void parses_the_migrations_row(void **state)
{
	int row = migrations_row();
	struct ml_kcounts k;

	(void)state;
	if (row < 0)
		fail_msg("user/measure/kcounts.c has no row named \"migrations\"");
	assert_int_equal(ml_kernel_parse(two_cpus, &k), 0);
	assert_int_equal(ml_kernel_cpu_count(&k, (enum ml_krow)row, 0), 7);
	assert_int_equal(ml_kernel_cpu_count(&k, (enum ml_krow)row, 1), 5);
	assert_int_equal(k.total[row], 12);
	assert_int_equal(k.watched[row], 4);
}

static void exited_and_none_are_understood(void **state)
{
	char *text = strdup(two_cpus);
	struct ml_kcounts k;
	char *w = strstr(text, "watching ");

	(void)state;
	/* same length as the line it replaces */
	memcpy(w, "watching 77 (exited)         \n", 30);
	assert_int_equal(ml_kernel_parse(text, &k), 0);
	assert_int_equal(k.watched_pid, 77);
	assert_true(k.watched_exited);
	free(text);
	assert_int_equal(ml_kernel_parse("modelab 0.1.0\n"
					 "counting off\n"
					 "watching none\n"
					 "     CPU0 total\n" ROWS("1", "", "1")
					 "\nwatched total\n",
					 &k),
			 0);
	assert_false(k.counting);
	assert_int_equal(k.watched_pid, 0);
	assert_int_equal(k.ncpus, 1);
}

static void rejects_what_is_not_the_format(void **state)
{
	struct ml_kcounts k;

	(void)state;
	assert_int_equal(ml_kernel_parse("", &k), -1);
	assert_int_equal(ml_kernel_parse("hello\n", &k), -1);
	/* a row missing */
	assert_int_equal(ml_kernel_parse("modelab 0.1.0\n     CPU0 total\n"
					 "syscalls 1 1\n",
					 &k),
			 -1);
	/* a row whose total is not a number */
	assert_int_equal(ml_kernel_parse("modelab 0.1.0\n     CPU0 total\n"
					 ROWS("1", "", "x"),
					 &k),
			 -1);
	/* no CPU header */
	assert_int_equal(ml_kernel_parse("modelab 0.1.0\n" ROWS("1", "", "1"),
					 &k),
			 -1);
}

/* riscv's module cannot tell a missing page from a protected one. */
static void reads_a_row_that_is_not_available(void **state)
{
	char *text = strdup(two_cpus), *row;
	struct ml_kcounts k;

	(void)state;
	row = strstr(text, "faults_protection          0           1           1");
	memcpy(row + 17, "        n/a         n/a         n/a", 35);
	row = strstr(text, "faults_protection          0\n");
	memcpy(row + 17, "        n/a", 11);
	assert_int_equal(ml_kernel_parse(text, &k), 0);
	assert_true(k.unavailable[ML_K_FAULTS_PROTECTION]);
	assert_false(k.unavailable[ML_K_FAULTS_NOTPRESENT]);
	assert_int_equal(k.total[ML_K_FAULTS_PROTECTION], 0);
	assert_int_equal(k.watched[ML_K_FAULTS_PROTECTION], 0);
	assert_int_equal(k.total[ML_K_FAULTS_NOTPRESENT], 29);
	/* n/a beside numbers, or a word that only starts like it: not the format */
	row = strstr(text, "        n/a         n/a         n/a");
	memcpy(row, "        n/a           1         n/a", 35);
	assert_int_equal(ml_kernel_parse(text, &k), -1);
	memcpy(row, "        n/a         n/a        n/ax", 35);
	assert_int_equal(ml_kernel_parse(text, &k), -1);
	free(text);
}

static int nop(struct ml_ctx *ctx)
{
	(void)ctx;
	return 0;
}

static void imports_counts_from_a_vm_csv(void **state)
{
	static const struct ml_figure figs[] = {
		{ .name = "getppid-syscall", .what = "", .run = nop },
		{ .name = "sigsegv", .what = "", .run = nop },
	};
	static const struct ml_probe probe = { "syscall", "", figs, 2, 0 };
	struct ml_result res[2] = { { .probe = &probe, .fig = &figs[0] },
				    { .probe = &probe, .fig = &figs[1] } };
	char path[] = "/tmp/modelab-kc-XXXXXX", err[256];
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	(void)state;
	fputs("probe,figure,skipped,median_ns,kernel_syscalls_per_op,"
	      "kernel_faults_per_op,kernel_signals_per_op\n"
	      "syscall,getppid-syscall,,200,1.0002,0,0\n"
	      "syscall,sigsegv,,20,0.001,1,1\n"
	      "syscall,other,,20,5,0,0\n",
	      f);
	fclose(f);
	assert_int_equal(ml_observe_import(path, res, 2, err, sizeof(err)), 2);
	assert_true(res[0].w.have_kernel);
	assert_float_equal(res[0].w.k_syscalls, 1.0002, 1e-9);
	assert_string_equal(res[0].w.where, "lab VM");
	assert_float_equal(res[1].w.k_syscalls, 0.001, 1e-9);
	assert_float_equal(res[1].w.k_faults, 1, 0);
	assert_float_equal(res[1].w.k_signals, 1, 0);

	f = fopen(path, "w");
	fputs("a,b,c\n1,2,3\n", f);
	fclose(f);
	assert_int_equal(ml_observe_import(path, res, 2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not a modelab CSV report"));
	unlink(path);
	assert_int_equal(ml_observe_import(path, res, 2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot open"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_header_table_and_watched),
		cmocka_unit_test(parses_the_migrations_row),
		cmocka_unit_test(exited_and_none_are_understood),
		cmocka_unit_test(rejects_what_is_not_the_format),
		cmocka_unit_test(reads_a_row_that_is_not_available),
		cmocka_unit_test(imports_counts_from_a_vm_csv),
	};

	return cmocka_run_group_tests_name("kcounts", tests, NULL, NULL);
}
