// SPDX-License-Identifier: GPL-2.0
/*
 * test_stats.c - the statistics against values worked out by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "modelab.h"

static void quantiles_interpolate_between_ranks(void **state)
{
	const double s[] = { 1, 2, 3, 4, 5 };

	(void)state;
	assert_float_equal(ml_quantile_sorted(s, 5, 0.5), 3.0, 1e-12);
	/* rank 0.9 * 4 = 3.6: 4 + 0.6 * (5 - 4) */
	assert_float_equal(ml_quantile_sorted(s, 5, 0.9), 4.6, 1e-12);
	assert_float_equal(ml_quantile_sorted(s, 5, 0.99), 4.96, 1e-12);
	assert_float_equal(ml_quantile_sorted(s, 5, 0.0), 1.0, 1e-12);
	assert_float_equal(ml_quantile_sorted(s, 5, 1.0), 5.0, 1e-12);
}

static void median_of_even_count_is_the_midpoint(void **state)
{
	const double s[] = { 1, 2, 3, 4 };

	(void)state;
	assert_float_equal(ml_quantile_sorted(s, 4, 0.5), 2.5, 1e-12);
	assert_true(isnan(ml_quantile_sorted(s, 0, 0.5)));
}

static void stats_sort_and_summarise(void **state)
{
	/* mean 5; squared deviations add to 32; sample variance 32 / 7 */
	double s[] = { 9, 4, 2, 5, 4, 7, 4, 5 };
	struct ml_stats st;

	(void)state;
	assert_int_equal(ml_stats_compute(s, 8, &st), 0);
	assert_int_equal(st.n, 8);
	assert_float_equal(st.min, 2, 1e-12);
	assert_float_equal(st.max, 9, 1e-12);
	assert_float_equal(st.mean, 5, 1e-12);
	assert_float_equal(st.stddev, sqrt(32.0 / 7.0), 1e-12);
	assert_float_equal(st.median, 4.5, 1e-12);
	/* sorted 2 4 4 4 5 5 7 9: p90 at rank 6.3 = 7 + 0.3 * 2 */
	assert_float_equal(st.p90, 7.6, 1e-12);
	assert_float_equal(s[0], 2, 0);	/* sorted in place */
	assert_float_equal(s[7], 9, 0);
}

static void stats_of_nothing_fail(void **state)
{
	struct ml_stats st;
	double s[1] = { 0 };

	(void)state;
	assert_int_equal(ml_stats_compute(s, 0, &st), -1);
	assert_int_equal(st.n, 0);
}

static void single_sample_has_zero_spread(void **state)
{
	double s[] = { 42 };
	struct ml_stats st;

	(void)state;
	assert_int_equal(ml_stats_compute(s, 1, &st), 0);
	assert_float_equal(st.stddev, 0, 0);
	assert_float_equal(st.ci_low, 42, 0);
	assert_float_equal(st.ci_high, 42, 0);
}

static void median_ci_ranks_match_the_binomial_bounds(void **state)
{
	/* n, expected 0-based lo and hi:
	 * n = 100: 50 -+ 1.96 * 10 / 2 = 40.2 .. 59.8 -> ranks 40, 60
	 * n = 10:  5 -+ 3.099 -> 1.9 .. 8.1 -> ranks 1, 9
	 * n = 1000: 500 -+ 30.99 -> 469.01 .. 530.99 -> ranks 469, 531
	 * n = 1:   clamped to the only sample
	 * (ranks are 1-based here, the function answers 0-based) */
	static const struct {
		size_t n, lo, hi;
	} cases[] = { { 100, 39, 59 }, { 10, 0, 8 }, { 1, 0, 0 },
		      { 1000, 468, 530 } };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t lo, hi;

		ml_median_ci_ranks(cases[i].n, &lo, &hi);
		assert_int_equal(lo, cases[i].lo);
		assert_int_equal(hi, cases[i].hi);
	}
}

static void ci_of_a_constant_sample_is_zero_wide(void **state)
{
	double s[100];
	struct ml_stats st;

	(void)state;
	for (int i = 0; i < 100; i++)
		s[i] = i < 30 ? 9.0 : 10.0;	/* ranks 39..59 are all 10 */
	ml_stats_compute(s, 100, &st);
	assert_float_equal(ml_stats_ci_rel(&st), 0, 0);
	for (int i = 0; i < 100; i++)
		s[i] = (double)(i + 1);
	ml_stats_compute(s, 100, &st);
	/* median 50.5, CI 40 .. 60: half-width 10.5 */
	assert_float_equal(ml_stats_ci_rel(&st), 10.5 / 50.5, 1e-12);
}

static void histogram_buckets_are_half_open(void **state)
{
	const double s[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	struct ml_hist h;

	(void)state;
	ml_hist_build(s, 10, 0, 10, 5, &h);
	assert_int_equal(h.nbuckets, 5);
	assert_float_equal(h.width, 2, 0);
	for (size_t b = 0; b < 5; b++)
		assert_int_equal(h.counts[b], 2);
	assert_int_equal(h.below + h.above, 0);

	/* [2,4) [4,6) [6,8); 0 and 1 below; 8 and 9 at or above the top */
	ml_hist_build(s, 10, 2, 8, 3, &h);
	assert_int_equal(h.counts[0], 2);
	assert_int_equal(h.counts[1], 2);
	assert_int_equal(h.counts[2], 2);
	assert_int_equal(h.below, 2);
	assert_int_equal(h.above, 2);
}

static void histogram_of_equal_values_does_not_divide_by_zero(void **state)
{
	const double s[] = { 3, 3, 3 };
	struct ml_hist h;

	(void)state;
	ml_hist_build(s, 3, 3, 3, 4, &h);
	assert_int_equal(h.counts[0], 3);
	ml_hist_build(s, 3, 0, 1, 1000, &h);	/* clamped bucket count */
	assert_int_equal(h.nbuckets, ML_HIST_BUCKETS);
	assert_int_equal(h.above, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quantiles_interpolate_between_ranks),
		cmocka_unit_test(median_of_even_count_is_the_midpoint),
		cmocka_unit_test(stats_sort_and_summarise),
		cmocka_unit_test(stats_of_nothing_fail),
		cmocka_unit_test(single_sample_has_zero_spread),
		cmocka_unit_test(median_ci_ranks_match_the_binomial_bounds),
		cmocka_unit_test(ci_of_a_constant_sample_is_zero_wide),
		cmocka_unit_test(histogram_buckets_are_half_open),
		cmocka_unit_test(histogram_of_equal_values_does_not_divide_by_zero),
	};

	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
