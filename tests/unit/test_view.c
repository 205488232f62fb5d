// SPDX-License-Identifier: GPL-2.0
/*
 * test_view.c - a JSON report read back (load.c): what it holds, what it
 * lacks, what is refused and in which words; and the ratio of two medians
 * with its interval and verdict (compare.c), table-driven.
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

#include "view.h"

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

static void ratio_interval_and_verdict(void **state)
{
	static const struct {
		struct ml_view_interval a, b;
		int rc;
		double value, low, high;
		bool real;
	} cases[] = {
		/* the same run: 1, its interval holds 1 */
		{ { 100, 95, 110 }, { 100, 95, 110 }, 0, 1, 95.0 / 110, 110.0 / 95, false },
		/* doubled, intervals tight: real */
		{ { 100, 99, 101 }, { 200, 198, 202 }, 0, 2, 198.0 / 101, 202.0 / 99, true },
		/* halved: real, below 1 */
		{ { 100, 99, 101 }, { 50, 49, 51 }, 0, 0.5, 49.0 / 101, 51.0 / 99, true },
		/* 10% apart but the intervals overlap: not real */
		{ { 100, 90, 110 }, { 110, 100, 120 }, 0, 1.1, 100.0 / 110, 120.0 / 90, false },
		/* asymmetric intervals kept as they are */
		{ { 10, 9, 30 }, { 40, 39, 41 }, 0, 4, 1.3, 41.0 / 9, true },
		/* just touching 1 from above: not real */
		{ { 100, 99, 100 }, { 101, 100, 102 }, 0, 1.01, 1, 102.0 / 99, false },
		/* missing, non-positive or inconsistent: no ratio */
		{ { NAN, 1, 2 }, { 1, 1, 1 }, -1, 0, 0, 0, false },
		{ { 1, NAN, 2 }, { 1, 1, 1 }, -1, 0, 0, 0, false },
		{ { 1, 0, 2 }, { 1, 1, 1 }, -1, 0, 0, 0, false },
		{ { 1, 2, 3 }, { 1, 1, 1 }, -1, 0, 0, 0, false },
		{ { 1, 1, 1 }, { -1, -2, 0 }, -1, 0, 0, 0, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ml_view_ratio r;
		int rc = ml_view_ratio(&cases[i].a, &cases[i].b, &r);

		assert_int_equal(rc, cases[i].rc);
		if (rc)
			continue;
		assert_float_equal(r.value, cases[i].value, 1e-12);
		assert_float_equal(r.low, cases[i].low, 1e-12);
		assert_float_equal(r.high, cases[i].high, 1e-12);
		assert_int_equal(r.real, cases[i].real);
	}
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
		cmocka_unit_test(ratio_interval_and_verdict),
		cmocka_unit_test(stems_are_file_names),
		cmocka_unit_test(stems_never_collide),
		cmocka_unit_test(verified_only_when_true),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
