// SPDX-License-Identifier: GPL-2.0
/*
 * test_view.c - a JSON report read back (load.c): what it holds, what it
 * lacks, what is refused and in which words; and the ratio of two medians
 * with its interval and verdict (pool.c), table-driven, with A/A runs
 * simulated: how often two runs of the same build are called different.
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
#include "report/view.h"

static const char report[] =
	"{\"modelab_version\": \"0.1.0\", \"schema\": 2,"
	" \"environment\": {\"cpu\": 1, \"kernel_release\": \"6.1\","
	"  \"governor\": null, \"mitigations\": {\"spectre_v2\": \"Vulnerable\"}},"
	" \"observer_effect\": null,"
	" \"figures\": ["
	"  {\"probe\": \"syscall\", \"figure\": \"getppid-syscall\", \"what\": \"w\","
	"   \"skipped\": false, \"failed\": false, \"kind\": \"batches\","
	"   \"rounds\": 24, \"converged\": true, \"median_ns\": 100,"
	"   \"ci95_low_ns\": 98, \"ci95_high_ns\": 103, \"p99_ns\": 150,"
	"   \"rusage_minflt_per_op\": 0, \"kernel_syscalls_per_op\": null,"
	"   \"kernel_counted_in\": \"lab VM\", \"verified\": true,"
	"   \"paired\": {\"with\": \"vdso\", \"ratio\": {\"value\": 2,"
	"     \"ci95_low\": 1.9, \"ci95_high\": 2.1}, \"claim\": \"costs more\","
	"     \"claim_outcome\": \"held\"},"
	"   \"histogram\": {\"low_ns\": 90, \"bucket_ns\": 3,"
	"     \"counts\": [1, 5, 2], \"below\": 0, \"above\": 4}},"
	"  {\"probe\": \"syscall\", \"figure\": \"gone\", \"what\": \"w\","
	"   \"skipped\": true, \"skip_reason\": \"no vDSO\"},"
	"  {\"probe\": \"seccomp\", \"figure\": \"actions\", \"what\": \"w\","
	"   \"skipped\": false, \"failed\": false, \"kind\": \"demonstration\","
	"   \"verified\": false, \"verify_error\": \"x\", \"notes\": [\"a\", \"b\"]},"
	"  {\"probe\": \"ipc\", \"figure\": \"broken\", \"what\": \"w\","
	"   \"skipped\": false, \"failed\": true, \"fail_reason\": \"peer died\","
	"   \"kind\": \"batches\"}"
	"]}";

static void loads_what_the_report_holds(void **state)
{
	struct ml_view_report r;
	const struct ml_view_figure *f;
	char err[256];

	(void)state;
	assert_int_equal(ml_view_parse(report, "r.json", &r, err, sizeof(err)), 0);
	assert_int_equal(r.nfigs, 4);
	assert_string_equal(r.version, "0.1.0");
	assert_false(r.have_observer);
	f = ml_view_find(&r, "syscall", "getppid-syscall");
	assert_non_null(f);
	assert_int_equal(f->kind, ML_VIEW_TIMED);
	assert_true(f->median.value == 100 && f->median.low == 98 &&
		    f->median.high == 103 && f->p99 == 150);
	assert_true(isnan(f->p90));		/* absent */
	assert_int_equal(f->rounds, 24);
	assert_int_equal(f->nbuckets, 3);
	assert_int_equal(f->counts[1], 5);
	assert_int_equal(f->above, 4);
	assert_true(f->hist_low == 90 && f->hist_width == 3);
	assert_string_equal(f->pair_with, "vdso");
	assert_string_equal(f->claim_outcome, "held");
	assert_true(f->pair_ratio.low == 1.9);
	assert_true(f->witness[0] == 0);	/* rusage_minflt_per_op */
	assert_true(isnan(f->witness[4]));	/* kernel_syscalls: null */
	assert_string_equal(f->counted_in, "lab VM");
	assert_int_equal(f->verified, 1);

	f = ml_view_find(&r, "syscall", "gone");
	assert_int_equal(f->kind, ML_VIEW_SKIPPED);
	assert_string_equal(f->reason, "no vDSO");
	f = ml_view_find(&r, "seccomp", "actions");
	assert_int_equal(f->kind, ML_VIEW_DEMO);
	assert_string_equal(f->notes, "a\nb\n");
	assert_int_equal(f->verified, 0);
	f = ml_view_find(&r, "ipc", "broken");
	assert_int_equal(f->kind, ML_VIEW_FAILED);
	assert_string_equal(f->reason, "peer died");
	assert_null(ml_view_find(&r, "ipc", "nosuch"));
	ml_view_free(&r);
}

static void flattens_the_environment(void **state)
{
	struct ml_view_report r;
	char err[256], all[1024] = "";

	(void)state;
	assert_int_equal(ml_view_parse(report, "r.json", &r, err, sizeof(err)), 0);
	for (size_t i = 0; i < r.nenv; i++) {
		strcat(all, r.env_key[i]);
		strcat(all, "=");
		strcat(all, r.env_value[i]);
		strcat(all, ";");
	}
	assert_string_equal(all, "cpu=1;kernel_release=6.1;governor=none;"
				 "mitigation spectre_v2=Vulnerable;");
	ml_view_free(&r);
}

#define HEAD "{\"modelab_version\": \"0.1.0\", \"schema\": 2, \"figures\": [{\"probe\": \"p\", \"figure\": \"f\", "

static void refuses_what_is_not_a_report(void **state)
{
	static const struct {
		const char *text, *error;
	} cases[] = {
		{ "{\"schema\": 2", "x.json: not valid JSON at byte 12: unexpected end of data" },
		{ "[1, 2]", "x.json: not a modelab report (no modelab_version, schema and figures)" },
		{ "{\"modelab_version\": \"0.1.0\", \"schema\": 2}",
		  "x.json: not a modelab report (no modelab_version, schema and figures)" },
		{ "{\"modelab_version\": \"0.1.0\", \"schema\": 3, \"figures\": []}",
		  "x.json: schema 3, this modelab reads schema 2" },
		/* issue 28: strict JSON, every number finite and in range */
		{ "{\"modelab_version\": \"0.1.0\", \"schema\": 2, \"figures\": []} x",
		  "x.json: not valid JSON at byte 57: data after the JSON value" },
		{ HEAD "\"median_ns\": NaN}]}",
		  "x.json: not valid JSON at byte 97: NaN and Infinity are not JSON" },
		{ HEAD "\"histogram\": {\"low_ns\": 1, \"bucket_ns\": 1e999}}]}",
		  "x.json: figures[0].histogram.bucket_ns: 1e999 is out of range (not a finite number)" },
		{ HEAD "\"histogram\": {\"low_ns\": 1e308, \"bucket_ns\": 1e308}}]}",
		  "x.json: figures[0].histogram.low_ns: out of range (-1e18 to 1e18)" },
		{ HEAD "\"histogram\": {\"low_ns\": 1, \"bucket_ns\": 1, \"counts\": [1, -2]}}]}",
		  "x.json: figures[0].histogram.counts[1]: expected a whole number, 0 or more" },
		{ HEAD "\"rounds\": 18446744073709551616}]}",
		  "x.json: figures[0].rounds: 18446744073709551616 is out of range (integers are -9223372036854775808 to 18446744073709551615)" },
		{ HEAD "\"rounds\": 2.5}]}",
		  "x.json: figures[0].rounds: expected a whole number, 0 or more" },
		{ HEAD "\"median_ns\": \"12\"}]}",
		  "x.json: figures[0].median_ns: expected a number" },
		{ "{\"modelab_version\": \"0.1.0\", \"schema\": 2, \"figures\": [{\"probe\": \"p\\u001b[2J\"}]}",
		  "x.json: figures[0].probe: a control character in a name" },
		{ "{\"modelab_version\": \"0.1.0\", \"schema\": 2, \"figures\": [{\"figure\": \"x\\u009b31m\"}]}",
		  "x.json: figures[0].figure: a control character in a name" },
		{ "{\"modelab_version\": \"0.1.0\", \"schema\": 2, \"figures\": [{\"probe\": \"read\\u0000x\"}]}",
		  "x.json: figures[0].probe: a string with NUL (\\u0000)" },
		{ HEAD "\"verified\": \"yes\"}]}",
		  "x.json: figures[0].verified: expected true or false" },
		{ HEAD "\"paired\": {\"ratio\": {\"value\": true}}}]}",
		  "x.json: figures[0].paired.ratio.value: expected a number" },
		{ "{\"modelab_version\": \"0.1.0\", \"schema\": 2, \"figures\": [7]}",
		  "x.json: figures[0]: expected an object" },
	};
	struct ml_view_report r;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(ml_view_parse(cases[i].text, "x.json", &r, err,
					       sizeof(err)), -1);
		assert_string_equal(err, cases[i].error);
	}
	assert_int_equal(ml_view_load("/nonexistent/r.json", &r, err,
				      sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/r.json: cannot read: No such file or directory");
}

/* A run's figure from its interval, as pool.c reads it back. */
static void log_of_a_run(void **state)
{
	const struct ml_view_interval six = { 100, 100 / 1.05, 105 },
				      one = { 100, 98, 103 },
				      bad[] = { { NAN, 1, 2 }, { 1, NAN, 2 },
						{ 1, 0, 2 }, { 1, 2, 3 },
						{ -1, -2, 0 } };
	struct ml_view_log l;

	(void)state;
	/* six processes: t on 5 degrees of freedom */
	assert_int_equal(ml_view_log_of(&six, 6, &l), 0);
	assert_float_equal(l.y, log(100), 1e-12);
	assert_float_equal(l.se, log(1.05) / ml_t95(5), 1e-12);
	assert_float_equal(l.dof, 5, 0);
	/* one process, or a report that does not say: the wider half / 1.96 */
	assert_int_equal(ml_view_log_of(&one, 0, &l), 0);
	assert_float_equal(l.se, log(103.0 / 100) / 1.959963984540054, 1e-12);
	assert_true(isinf(l.dof));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ml_view_log_of(&bad[i], 6, &l), -1);
}

static void ratio_interval_and_verdict(void **state)
{
	static const struct {
		struct ml_view_log a, b;
		double value, low, high;
		bool real;
	} cases[] = {
		/* the same: 1, and its interval holds 1 */
		{ { 0, 0.02, 5 }, { 0, 0.02, 5 }, 1, 0.93892, 1.06505, false },
		/* doubled: real */
		{ { 0, 0.01, 5 }, { M_LN2, 0.01, 5 }, 2, 1.93796, 2.06402, true },
		/* halved: real, below 1 */
		{ { 0, 0.01, 5 }, { -M_LN2, 0.01, 5 }, 0.5, 0.48449, 0.51601, true },
		/* 5% apart, each +-5%: not real */
		{ { 0, 0.02, 5 }, { 0.04879, 0.02, 5 }, 1.05, 0.98587, 1.11830, false },
		/* one process each: the normal quantile */
		{ { 0, 0.01, INFINITY }, { 0.01, 0.01, INFINITY },
		  1.01005, 0.98244, 1.03844, false },
		/* no spread at all: real as soon as they differ */
		{ { 0, 0, 5 }, { 0.001, 0, 5 }, 1.001, 1.001, 1.001, true },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ml_view_ratio r;

		ml_view_ratio(&cases[i].a, &cases[i].b, &r);
		assert_float_equal(r.value, cases[i].value, 1e-4);
		assert_float_equal(r.low, cases[i].low, 1e-4);
		assert_float_equal(r.high, cases[i].high, 1e-4);
		assert_int_equal(r.real, cases[i].real);
	}
}

/*
 * Runs pooled: the mean of their logarithms, with the larger of the
 * spread between them and their own variance.
 */
static void runs_pool_with_the_larger_variance(void **state)
{
	const struct ml_view_log apart[] = { { 0, 0.01, 5 }, { 0.1, 0.01, 5 } },
				 close[] = { { 0, 0.05, 5 }, { 0.001, 0.05, 5 },
					     { -0.001, 0.05, 5 } };
	struct ml_view_log p;

	(void)state;
	ml_view_pool(apart, 1, &p);
	assert_float_equal(p.se, 0.01, 0);
	/* far apart: the spread between them, on 1 degree of freedom */
	ml_view_pool(apart, 2, &p);
	assert_float_equal(p.y, 0.05, 1e-12);
	assert_float_equal(p.se, sqrt(0.005 / 2), 1e-12);
	assert_float_equal(p.dof, 1, 0);
	/* agreeing by chance: their own variance, and their own dof */
	ml_view_pool(close, 3, &p);
	assert_float_equal(p.y, 0, 1e-12);
	assert_float_equal(p.se, sqrt(3 * 0.0025 / 9), 1e-12);
	assert_float_equal(p.dof, 15, 0);
}

/* xorshift and Box-Muller, seeded: the same A/A every time */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static double gaussian(void)
{
	double u[2];

	for (int i = 0; i < 2; i++) {
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		u[i] = ((double)(rng >> 11) + 0.5) / 9007199254740992.0;
	}
	return sqrt(-2 * log(u[0])) * cos(2 * M_PI * u[1]);
}

/*
 * One run of a figure, as forks.c makes it: 6 processes, each 3% off the
 * truth, plus what holds for the whole run (the machine's state over
 * minutes, `drift`); its report's median and interval, read back.
 */
static void one_run(double drift, struct ml_view_log *l)
{
	double v[6], run = drift * gaussian();
	struct ml_view_interval iv;
	struct ml_interval t;

	for (int i = 0; i < 6; i++)
		v[i] = 100 * exp(run + 0.03 * gaussian());
	ml_interval_t(v, 6, true, &t);
	iv = (struct ml_view_interval){ t.value, t.low, t.high };
	assert_int_equal(ml_view_log_of(&iv, 6, l), 0);
}

/*
 * A/A: two runs of the same build.  With nothing but the processes'
 * spread, one run against one is called different about 5% of the time,
 * as a 95% verdict should.  When whole runs move too (here 2%, as the
 * machine's speed does over minutes), one against one is called
 * different far more often, and three runs a side pooled bring it back
 * to about 5%.  Fixed seed: 435, 2614 and 397 of 10000.
 */
static void a_a_runs_are_called_different_one_time_in_twenty(void **state)
{
	enum { TRIALS = 10000 };
	int one = 0, drifting = 0, pooled = 0;

	(void)state;
	for (int t = 0; t < TRIALS; t++) {
		struct ml_view_log a, b, as[3], bs[3], pa, pb;
		struct ml_view_ratio r;

		one_run(0, &a);
		one_run(0, &b);
		ml_view_ratio(&a, &b, &r);
		one += r.real;
		for (int i = 0; i < 3; i++) {
			one_run(0.02, &as[i]);
			one_run(0.02, &bs[i]);
		}
		ml_view_ratio(&as[0], &bs[0], &r);
		drifting += r.real;
		ml_view_pool(as, 3, &pa);
		ml_view_pool(bs, 3, &pb);
		ml_view_ratio(&pa, &pb, &r);
		pooled += r.real;
	}
	print_message("A/A called different: %d, with runs drifting %d, pooled %d of %d\n",
		      one, drifting, pooled, TRIALS);
	assert_in_range(one, 350, 650);
	assert_true(drifting > 1500);
	assert_true(pooled <= 650);
}

/* One speed reference's times in 6 processes, as "KEY": [...], or none
 * for 0; a negative speed: its last process 10 times off (a spike). */
static void reference(char *buf, size_t len, const char *key, double speed)
{
	double last = speed < 0 ? -speed * 10 : speed * 0.999;

	speed = fabs(speed);
	if (!speed) {
		snprintf(buf, len, "\"none\": 0");
		return;
	}
	snprintf(buf, len, "\"%s\": [%g, %g, %g, %g, %g, %g]", key, speed,
		 speed * 1.002, speed * 0.998, speed, speed * 1.001, last);
}

/*
 * A run with both speed references (forks.c) and two figures' medians,
 * each +-2% from 6 processes.
 */
static void two_figures(struct ml_view_report *r, const char *path,
			double speed, double calls, double op, double other)
{
	char text[2048], err[256], mul[128], call[128];

	reference(mul, sizeof(mul), "speed_reference_ns", speed);
	reference(call, sizeof(call), "calls_reference_ns", calls);
	snprintf(text, sizeof(text),
		 "{\"modelab_version\": \"0.1.0\", \"schema\": 2,"
		 " \"method\": {%s, %s},"
		 " \"figures\": ["
		 "  {\"probe\": \"p\", \"figure\": \"op\", \"kind\": \"batches\","
		 "   \"skipped\": false, \"failed\": false, \"forks\": 6,"
		 "   \"median_ns\": %g, \"ci95_low_ns\": %g, \"ci95_high_ns\": %g},"
		 "  {\"probe\": \"p\", \"figure\": \"other\", \"kind\": \"batches\","
		 "   \"skipped\": false, \"failed\": false, \"forks\": 6,"
		 "   \"median_ns\": %g, \"ci95_low_ns\": %g, \"ci95_high_ns\": %g}]}",
		 mul, call, op, op / 1.02, op * 1.02, other, other / 1.02,
		 other * 1.02);
	assert_int_equal(ml_view_parse(text, path, r, err, sizeof(err)), 0);
}

/*
 * Each figure's verdict when B is compared with A (references 100 and
 * 100, figures 1000 and 500), in JSON.
 */
static void verdicts(double speed_b, double calls_b, double op_b,
		     double other_b, const char *op, const char *other)
{
	struct ml_view_report reps[2];
	char *page = NULL, want[256];
	size_t len = 0;
	FILE *out;

	two_figures(&reps[0], "a.json", 100, calls_b ? 100 : 0, 1000, 500);
	two_figures(&reps[1], "b.json", speed_b, calls_b, op_b, other_b);
	out = open_memstream(&page, &len);
	ml_view_compare(out, ML_VIEW_JSON, reps, 2);
	fclose(out);
	assert_non_null(strstr(page, "\"figure\": \"other\""));
	snprintf(want, sizeof(want), "\"verdict\": \"%s\"}", op);
	assert_non_null(strstr(strstr(page, "\"figure\": \"op\""), want));
	snprintf(want, sizeof(want), "\"verdict\": \"%s\"}", other);
	assert_non_null(strstr(strstr(page, "\"figure\": \"other\""), want));
	free(page);
	ml_view_free(&reps[0]);
	ml_view_free(&reps[1]);
}

#define MACHINE "no real difference (the machine's speed)"

/*
 * The machine ran 6% slower in B (both references say so): a figure 6%
 * slower is the machine's, one 20% slower is the op's.  The same 6% with
 * the machine unchanged is real.  One of B's processes whose reference
 * met a spike ten times its value does not excuse the op.  A machine
 * whose calls ran 40% slower while its multiplications did not: a figure
 * 16% slower lies between the two, and is the machine's; 60% slower is
 * real.  A report with the multiplications only (older ones) is judged
 * on them.
 */
static void the_machines_speed_is_not_the_ops(void **state)
{
	(void)state;
	verdicts(106, 106, 1060, 600, MACHINE, "real difference");
	verdicts(100, 100, 1060, 600, "real difference", "real difference");
	verdicts(100, 100, 1000, 500, "no real difference",
		 "no real difference");
	/* faster machine, slower op: what was measured did not change */
	verdicts(94, 94, 1000, 470, "no real difference", MACHINE);
	verdicts(-106, -106, 1060, 600, MACHINE, "real difference");
	verdicts(-100, -100, 1060, 600, "real difference", "real difference");
	verdicts(100, 140, 1160, 800, MACHINE, "real difference");
	verdicts(106, 0, 1060, 600, MACHINE, "real difference");
}

static void stems_are_file_names(void **state)
{
	char stem[64];

	(void)state;
	ml_view_stem(stem, sizeof(stem), NULL, "ipc", "pipe-64KiB");
	assert_string_equal(stem, "ipc-pipe-64KiB");
	ml_view_stem(stem, sizeof(stem), "summary", "ipc", NULL);
	assert_string_equal(stem, "summary-ipc");
	/* not plain: cut, '_' for the rest, and a hash of the names */
	ml_view_stem(stem, sizeof(stem), NULL, "../x", "a b/c");
	assert_string_equal(stem, "___x-a_b_c-h01f518e7a6376990");
}

/* A demonstration that does not say "verified": true is never shown so. */
static void verified_only_when_true(void **state)
{
	static const char text[] =
		"{\"modelab_version\": \"0.1.0\", \"schema\": 2, \"figures\": ["
		"{\"probe\": \"seccomp\", \"figure\": \"d\", \"kind\": \"demonstration\"}]}";
	struct ml_view_report r;
	char err[256], *page = NULL;
	size_t len = 0;
	FILE *out;

	(void)state;
	assert_int_equal(ml_view_parse(text, "r.json", &r, err, sizeof(err)), 0);
	assert_int_equal(r.figs[0].verified, -1);
	out = open_memstream(&page, &len);
	ml_html_page(out, &r, NULL, NULL);
	fclose(out);
	assert_non_null(strstr(page, "seccomp/d: <span class=\"\">not checked</span>"));
	assert_null(strstr(page, ">verified<"));
	free(page);
	ml_view_free(&r);
}

/* No two pictures share a file, whatever the names; each fits NAME_MAX. */
static void stems_never_collide(void **state)
{
	static const char *const names[][3] = {
		{ NULL, "a-b", "c" }, { NULL, "a", "b-c" },
		{ "summary", "x", NULL }, { NULL, "summary", "x" },
		{ "witnesses", "x", NULL }, { NULL, "witnesses", "x" },
		{ NULL, "a/b", "c" }, { NULL, "a_b", "c" },
		{ NULL, "'x", "y" }, { NULL, "_x", "y" },
	};
	char stems[10][128], longname[300];

	(void)state;
	for (size_t i = 0; i < 10; i++) {
		ml_view_stem(stems[i], sizeof(stems[i]), names[i][0],
			     names[i][1], names[i][2]);
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(stems[i], stems[k]);
	}
	memset(longname, 'p', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ml_view_stem(stems[0], sizeof(stems[0]), NULL, longname, longname);
	assert_true(strlen(stems[0]) + strlen(".png") < 255);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads_what_the_report_holds),
		cmocka_unit_test(flattens_the_environment),
		cmocka_unit_test(refuses_what_is_not_a_report),
		cmocka_unit_test(log_of_a_run),
		cmocka_unit_test(ratio_interval_and_verdict),
		cmocka_unit_test(runs_pool_with_the_larger_variance),
		cmocka_unit_test(a_a_runs_are_called_different_one_time_in_twenty),
		cmocka_unit_test(the_machines_speed_is_not_the_ops),
		cmocka_unit_test(stems_are_file_names),
		cmocka_unit_test(stems_never_collide),
		cmocka_unit_test(verified_only_when_true),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
