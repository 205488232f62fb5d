// SPDX-License-Identifier: GPL-2.0
/*
 * test_report.c - the JSON and CSV writers: valid escaping, null for what
 * does not exist, stable keys, RFC 4180 quoting.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "measure/measuring.h"
#include "measure/run.h"
#include "measure/machine.h"
#include "report/output.h"
#include "util/util.h"

static int nop(struct ml_ctx *ctx)
{
	(void)ctx;
	return 0;
}

static const struct ml_figure figs[] = {
	{ .name = "getppid-syscall", .what = "the null syscall", .run = nop },
	{ .name = "vdso", .what = "a \"quoted\", comma", .run = nop,
	  .kib_per_op = 4, .pair_with = "getppid-syscall",
	  .claim = ML_CLAIM_CHEAPER, .declared = ML_DECLARE(0, 1) },
	{ .name = "gone", .what = "skipped one", .run = nop },
};
static const struct ml_probe syscall_probe = { "syscall", "s", figs, 3, 0 };
static const struct ml_probe other_probe = { "other", "o", figs, 3, 0 };

static struct ml_env env;
static struct ml_clock clk = { ML_CLOCK_TSC, true, 2.5, NULL };
static struct ml_result res[3];

static const struct ml_method *method;	/* NULL: the report says none */

static char *render(enum ml_format fmt, const struct ml_probe *p)
{
	struct ml_report r = { .env = &env, .clock = &clk, .results = res,
			       .nresults = 3, .method = method };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	for (int i = 0; i < 3; i++)
		res[i].probe = p;
	ml_report_write(f, fmt, &r);
	fclose(f);
	return buf;
}

static int setup(void **state)
{
	(void)state;
	memset(&env, 0, sizeof(env));
	strcpy(env.cpu_model, "Test CPU \"X\"\\1");
	strcpy(env.kernel_release, "6.1.0-test");
	strcpy(env.clocksource, "tsc");
	env.nvulns = 1;
	strcpy(env.vulns[0].name, "spectre_v2");
	strcpy(env.vulns[0].state, "Mitigation: Retpolines");
	memset(res, 0, sizeof(res));
	method = NULL;
	for (int i = 0; i < 3; i++)
		res[i].fig = &figs[i];
	res[0].st.n = 100;
	res[0].st.median = 100;
	res[0].st.ci_low = 99;
	res[0].st.ci_high = 101;
	res[0].converged = true;
	res[0].rounds = 24;
	res[0].ratio_ref = (struct ml_interval){ 1, 1, 1, 0.957, 24, true };
	res[1].st.n = 100;
	res[1].st.median = 25;
	res[1].rounds = 24;
	res[1].ratio_ref = (struct ml_interval){ 0.25, 0.24, 0.26, 0.957, 24, false };
	res[1].pair_name = "getppid-syscall";
	res[1].pair_ratio = res[1].ratio_ref;
	res[1].pair_diff = (struct ml_interval){ -75, -76, -74, 0.957, 24, false };
	res[1].claim_outcome = ML_CLAIM_HELD;
	res[2].ratio_ref = (struct ml_interval){ NAN, NAN, NAN, 0, 0, false };
	res[1].w.ops = 1000;
	res[1].w.have_rusage = true;
	res[1].w.minflt = 1;
	res[1].w.have_kernel = true;
	res[1].w.k_syscalls = 0;
	res[1].w.k_faults = 1;
	res[1].w.where = "lab VM";
	strcpy(res[1].w.verify_error, "handler ran 3 times");
	res[2].skipped = true;
	strcpy(res[2].skip_reason, "no, really");
	return 0;
}

static void json_strings_are_escaped(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	ml_json_string(f, "a\"b\\c\nd\te\x01");
	fclose(f);
	assert_string_equal(buf, "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
	free(buf);
}

/* For a terminal: one line, no control character left, no escape cut. */
static void text_for_a_terminal_is_escaped(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		const char *out;
	} cases[] = {
		{ "plain", 64, "plain" },
		{ "a\nb\tc", 64, "a\\nb\\tc" },
		{ "\x1b]0;pwned\x07\x1b[2J", 64, "\\x1b]0;pwned\\x07\\x1b[2J" },
		{ "x\xc2\x9b" "31m", 64, "x\\u009b31m" },	/* C1 CSI */
		{ "\x7f", 64, "\\x7f" },
		{ "\xc3\xa9t\xc3\xa9", 64, "\xc3\xa9t\xc3\xa9" },	/* UTF-8 kept */
		{ "ab\x1b", 6, "ab" },		/* "\x1b" would not fit whole */
		{ "ab\x1b", 7, "ab\\x1b" },
		{ "abc", 1, "" },
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(buf, 'Z', sizeof(buf));
		assert_ptr_equal(ml_escape_text(buf, cases[i].len, cases[i].in),
				 buf);
		assert_string_equal(buf, cases[i].out);
	}
}

static void json_has_ratios_against_the_null_syscall(void **state)
{
	char *j = render(ML_FMT_JSON, &syscall_probe);

	(void)state;
	assert_non_null(strstr(j, "\"schema\": 2"));
	assert_non_null(strstr(j, "\"cpu_model\": \"Test CPU \\\"X\\\"\\\\1\""));
	assert_non_null(strstr(j, "\"spectre_v2\": \"Mitigation: Retpolines\""));
	assert_non_null(strstr(j, "\"median_ns\": 100, "));
	assert_non_null(strstr(j, "\"median_ticks\": 250, "));
	assert_non_null(strstr(j, "\"ratio_to_null_syscall\": 1, "));
	assert_non_null(strstr(j, "\"ratio_to_null_syscall\": 0.25, "
				  "\"ratio_ci95_low\": 0.24, \"ratio_ci95_high\": 0.26, "
				  "\"ratio_converged\": false, "));
	assert_non_null(strstr(j, "\"ratio_ci95_high\": 1, "
				  "\"ratio_converged\": true, "));
	assert_non_null(strstr(j, "\"paired\": {\"with\": \"getppid-syscall\", "
				  "\"ratio\": {\"value\": 0.25, \"ci95_low\": 0.24, "
				  "\"ci95_high\": 0.26, \"rounds\": 24, "
				  "\"converged\": false}, "
				  "\"difference_ns\": {\"value\": -75, \"ci95_low\": -76, "
				  "\"ci95_high\": -74, \"rounds\": 24, "
				  "\"converged\": false}, "
				  "\"claim\": \"costs less\", \"claim_outcome\": \"held\"}"));
	assert_non_null(strstr(j, "\"rounds\": 24, \"converged\": true"));
	assert_non_null(strstr(j, "\"failed\": false, \"fail_reason\": null"));
	assert_non_null(strstr(j, "\"kernel_syscalls_per_op\": 0, "));
	assert_non_null(strstr(j, "\"kernel_counted_in\": \"lab VM\""));
	assert_non_null(strstr(j, "\"kernel_faults_per_op\": 1, "));
	assert_non_null(strstr(j, "\"rusage_minflt_per_op\": 1, "));
	assert_non_null(strstr(j, "\"median_ns_per_kib\": 6.25, "));
	assert_non_null(strstr(j, "\"verified\": false, \"verify_error\": \"handler ran 3 times\""));
	/* no witness pass: nothing to claim */
	assert_non_null(strstr(j, "\"witness_ops\": 0, \"rusage_minflt_per_op\": null"));
	assert_non_null(strstr(j, "\"skipped\": true, \"skip_reason\": \"no, really\"}"));
	assert_null(strstr(j, ": nan"));
	assert_null(strstr(j, ": -nan"));
	assert_non_null(strstr(j, "\"observer_effect\": null,"));
	free(j);
}

static void json_without_reference_says_null(void **state)
{
	char *j;

	(void)state;
	res[0].ratio_ref = (struct ml_interval){ NAN, NAN, NAN, 0, 0, false };
	res[1].w.have_kernel = false;
	j = render(ML_FMT_JSON, &other_probe);
	assert_non_null(strstr(j, "\"ratio_to_null_syscall\": null"));
	assert_non_null(strstr(j, "\"ratio_ci95_low\": null"));
	assert_non_null(strstr(j, "\"kernel_syscalls_per_op\": null"));
	assert_null(strstr(j, ": inf"));
	assert_null(strstr(j, ": -inf"));
	free(j);
}

static void csv_quotes_what_needs_quoting(void **state)
{
	char *c = render(ML_FMT_CSV, &syscall_probe);
	char *line2, *line4;

	(void)state;
	assert_memory_equal(c, "probe,figure,skipped,median_ns,", 31);
	line2 = strchr(c, '\n') + 1;
	assert_memory_equal(line2, "syscall,getppid-syscall,,100,", 29);
	line4 = strchr(strchr(line2, '\n') + 1, '\n') + 1;
	assert_memory_equal(line4, "syscall,gone,\"no, really\",,,", 28);
	free(c);
}

static void csv_rows_have_as_many_fields_as_the_header(void **state)
{
	char *c = render(ML_FMT_CSV, &syscall_probe);
	size_t header = 0, row = 0;
	char *line = c;

	(void)state;
	for (char *p = line; *p != '\n'; p++)
		header += *p == ',';
	for (int i = 0; i < 3; i++) {
		bool quoted = false;

		line = strchr(line, '\n') + 1;
		row = 0;
		for (char *p = line; *p != '\n'; p++) {
			quoted ^= *p == '"';
			row += *p == ',' && !quoted;
		}
		assert_int_equal(row, header);
	}
	free(c);
}

static void text_report_marks_skips_and_the_kernel_column(void **state)
{
	char *t = render(ML_FMT_TEXT, &syscall_probe);

	(void)state;
	assert_non_null(strstr(t, "syscall/gone"));
	assert_non_null(strstr(t, "skipped: no, really"));
	assert_non_null(strstr(t, "syscalls/op"));
	assert_non_null(strstr(t, "0.00 (lab VM)"));
	assert_non_null(strstr(t, "kernel         6.1.0-test"));
	/* the witness table, and the failed check said plainly */
	assert_non_null(strstr(t, "FAILED: handler ran 3 times"));
	assert_non_null(strstr(t, "6.25 ns/KiB"));
	/* a ratio whose interval is still wide is marked like a figure */
	assert_non_null(strstr(t, "0.25 (0.24-0.26)*"));
	assert_non_null(strstr(t, "ratio 0.25x (95% CI 0.24 to 0.26)*"));
	assert_non_null(strstr(t, "* not converged: the interval of the median (or of a ratio)"));
	free(t);
}

/* A figure's declared counts sit beside the kernel's, in every format. */
static void declared_counts_beside_the_kernels(void **state)
{
	char *j = render(ML_FMT_JSON, &syscall_probe);
	char *c = render(ML_FMT_CSV, &syscall_probe);
	char *t = render(ML_FMT_TEXT, &syscall_probe);
	char *vdso = strstr(c, "\nsyscall,vdso,");
	char *getppid = strstr(c, "\nsyscall,getppid-syscall,");

	(void)state;
	assert_non_null(strstr(j, "comma\", \"declared_syscalls_per_op\": 0, "
				  "\"declared_faults_per_op\": 1, \"skipped\": false"));
	/* the others declare nothing: null, not 0, even when skipped */
	assert_non_null(strstr(j, "one\", \"declared_syscalls_per_op\": null, "
				  "\"declared_faults_per_op\": null, \"skipped\": true"));
	assert_non_null(strstr(c, ",declared_syscalls_per_op,"
				  "declared_faults_per_op,forks,forks_span_s\n"));
	assert_non_null(vdso);
	assert_non_null(getppid);
	/* then forks and forks_span_s: none here */
	assert_memory_equal(strchr(vdso + 1, '\n') - 8, ",0,1,0,0\n", 9);
	assert_memory_equal(strchr(getppid + 1, '\n') - 6, ",,,0,0\n", 7);
	assert_non_null(strstr(t, "declared per op, and what modelab.ko counted"));
	assert_non_null(strstr(t, "  vdso                                   0     0.000         1     1.000\n"));
	assert_null(strstr(t, "  getppid-syscall                        0"));
	free(j);
	free(c);
	free(t);
}

static void demonstrations_carry_their_notes(void **state)
{
	static const struct ml_figure demo_fig = { .name = "zombie",
						   .what = "a child not reaped",
						   .run = nop };
	static const struct ml_probe demo_probe = { "process", "p", &demo_fig,
						    1, 0 };
	struct ml_result one;
	struct ml_report r = { .env = &env, .clock = &clk, .results = &one,
			       .nresults = 1 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	memset(&one, 0, sizeof(one));
	one.probe = &demo_probe;
	one.fig = &demo_fig;
	one.demonstration = true;
	one.w.verified = false;
	strcpy(one.w.verify_error, "state was S");
	ml_result_note(&one, "saw \"%s\" in /proc/%d/stat", "S", 42);
	ml_result_note(&one, "second line");
	ml_result_extra(&one, "state_char", "state", 'S');
	f = open_memstream(&buf, &len);
	ml_report_write(f, ML_FMT_JSON, &r);
	fclose(f);
	assert_non_null(strstr(buf, "\"kind\": \"demonstration\", \"verified\": false, "
				    "\"verify_error\": \"state was S\", "
				    "\"notes\": [\"saw \\\"S\\\" in /proc/42/stat\", \"second line\"], "
				    "\"extra\": {\"state_char\": 83}}"));
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	ml_report_write(f, ML_FMT_CSV, &r);
	fclose(f);
	/* the verified column (the 28th) says 0; no median */
	assert_non_null(strstr(buf, "\nprocess,zombie,,,,,,,,,,,,,,,,,,,,,,,,,,0,"));
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	ml_report_write(f, ML_FMT_TEXT, &r);
	fclose(f);
	assert_non_null(strstr(buf, "demonstration: FAILED: state was S"));
	assert_non_null(strstr(buf, "  saw \"S\" in /proc/42/stat\n"));
	free(buf);
}

static void failed_figures_print_why_never_a_median(void **state)
{
	char *t, *j;

	(void)state;
	res[1].failed = true;
	strcpy(res[1].fail_reason, "the peer (pid 7) is gone");
	t = render(ML_FMT_TEXT, &syscall_probe);
	assert_non_null(strstr(t, "syscall/vdso"));
	assert_non_null(strstr(t, "FAILED: the peer (pid 7) is gone"));
	assert_null(strstr(t, "6.25 ns/KiB"));
	assert_null(strstr(t, "paired in the same rounds"));
	j = render(ML_FMT_JSON, &syscall_probe);
	assert_non_null(strstr(j, "\"figure\": \"vdso\", \"what\": \"a \\\"quoted\\\", comma\", "
				  "\"declared_syscalls_per_op\": 0, "
				  "\"declared_faults_per_op\": 1, "
				  "\"skipped\": false, \"failed\": true, "
				  "\"fail_reason\": \"the peer (pid 7) is gone\", "
				  "\"kind\": \"batches\"}"));
	free(t);
	free(j);
}

static char *render_observer(enum ml_format fmt, int outcome, bool emulated)
{
	static const struct ml_figure on_fig = { .name = "null-counting-on",
						 .what = "on", .run = nop,
						 .claim = ML_CLAIM_DEARER };
	struct ml_result on;
	struct ml_report r = { .env = &env, .clock = &clk, .results = res,
			       .nresults = 3, .observer = &on,
			       .emulated = emulated };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	for (int i = 0; i < 3; i++)
		res[i].probe = &syscall_probe;
	memset(&on, 0, sizeof(on));
	on.probe = &syscall_probe;
	on.fig = &on_fig;
	on.st.n = 24;
	on.st.median = 130;
	on.pair_name = "null-counting-off";
	on.pair_ratio = (struct ml_interval){ 1.3, 1.2, 1.4, 0.957, 24, false };
	on.pair_diff = (struct ml_interval){ 30, 20, 40, 0.957, 24, false };
	on.claim_outcome = outcome;
	ml_report_write(f, fmt, &r);
	fclose(f);
	return buf;
}

/* The explanation follows the interval: never "slower" beside a "-23%". */
/* What the intervals cover: how many processes, over how long, and '*'. */
static void the_method_says_what_the_intervals_cover(void **state)
{
	static const struct ml_method six = {
		.forks = 6, .processes = 6, .budget_s = 0.4, .target_ci = 0.05,
		.span_s = 41.25,
		.speed_ns = { 100000, 101000, 99000, 100500, 100200, 100100 },
		.calls_ns = { 120000, 120000, 120000, 120000, 120000, 120000 },
	}, one = { .forks = 1, .processes = 1, .target_ci = 0.05 };
	char *j, *t;

	(void)state;
	j = render(ML_FMT_JSON, &syscall_probe);
	assert_non_null(strstr(j, "\n  \"method\": null,\n"));
	free(j);
	method = &six;
	res[0].forks = res[1].forks = 6;
	res[0].span_s = 41;
	j = render(ML_FMT_JSON, &syscall_probe);
	t = render(ML_FMT_TEXT, &syscall_probe);
	assert_non_null(strstr(j, "\"method\": {\"forks\": 6, \"processes\": 6, "
				  "\"budget_s\": 0.4, \"target_ci95\": 0.05, "
				  "\"span_s\": 41.25, \"speed_reference_ns\": "
				  "[100000, 101000, 99000, 100500, 100200, 100100], "
				  "\"calls_reference_ns\": [120000, 120000, 120000, "
				  "120000, 120000, 120000]},\n"));
	assert_non_null(strstr(j, "\"forks\": 6, \"forks_span_s\": 41, "));
	assert_non_null(strstr(t, "\n95% intervals: each figure measured in 6 processes"));
	assert_non_null(strstr(t, "spread over 41.2 s of the run"));
	/* 99 to 101 us: 2% of 100.15; the calls did not move */
	assert_non_null(strstr(t, "\n0.1 and 0.12 ms in each process, 2.0% and 0.0% between the fastest and\nthe slowest\n"));
	assert_non_null(strstr(t, "* not converged: the interval of the median (or of a ratio) is wider than\n  +-5% of it"));
	free(j);
	free(t);
	method = &one;
	t = render(ML_FMT_TEXT, &syscall_probe);
	assert_non_null(strstr(t, "\n95% intervals from one process's rounds: they leave out"));
	free(t);
}

static void observer_effect_is_explained_by_its_interval(void **state)
{
	char *t;

	(void)state;
	t = render_observer(ML_FMT_TEXT, ML_CLAIM_HELD, false);
	assert_non_null(strstr(t, "Counting makes every syscall slower"));
	assert_non_null(strstr(t, "ratio 1.3x (95% CI 1.2 to 1.4)"));
	assert_null(strstr(t, "EMULATED"));
	free(t);
	t = render_observer(ML_FMT_TEXT, ML_CLAIM_NOT_HELD, false);
	assert_non_null(strstr(t, "Counting came out FASTER"));
	assert_null(strstr(t, "makes every syscall slower"));
	free(t);
	t = render_observer(ML_FMT_TEXT, ML_CLAIM_UNDECIDED, true);
	assert_non_null(strstr(t, "No difference detectable at 95%"));
	assert_non_null(strstr(t, "EMULATED under QEMU TCG"));
	free(t);
	t = render_observer(ML_FMT_JSON, ML_CLAIM_HELD, true);
	assert_non_null(strstr(t, "\"observer_effect\": {\"emulated\": true, "
				  "\"counting_on_ns\": 130, \"counting_off_ns\": 100, "));
	assert_non_null(strstr(t, "\"outcome\": \"slower\"}"));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_strings_are_escaped),
		cmocka_unit_test(text_for_a_terminal_is_escaped),
		cmocka_unit_test_setup(json_has_ratios_against_the_null_syscall,
				       setup),
		cmocka_unit_test_setup(json_without_reference_says_null, setup),
		cmocka_unit_test_setup(csv_quotes_what_needs_quoting, setup),
		cmocka_unit_test_setup(csv_rows_have_as_many_fields_as_the_header,
				       setup),
		cmocka_unit_test_setup(text_report_marks_skips_and_the_kernel_column,
				       setup),
		cmocka_unit_test_setup(declared_counts_beside_the_kernels,
				       setup),
		cmocka_unit_test_setup(demonstrations_carry_their_notes, setup),
		cmocka_unit_test_setup(failed_figures_print_why_never_a_median,
				       setup),
		cmocka_unit_test_setup(the_method_says_what_the_intervals_cover,
				       setup),
		cmocka_unit_test_setup(observer_effect_is_explained_by_its_interval,
				       setup),
	};

	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
