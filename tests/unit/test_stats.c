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
#include <stdlib.h>
#include <string.h>

#include "measure/measuring.h"

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

/*
 * The ranks against published values of the exact binomial interval
 * (Conover, Practical Nonparametric Statistics, table A3): for n = 6 the
 * whole sample, n = 9 and 10 the 2nd and (n-1)th, n = 20 the 6th and 15th,
 * n = 100 the 40th and 61st.  1-based there; the function answers 0-based.
 */
static void median_ci_ranks_match_published_tables(void **state)
{
	static const struct {
		size_t n, lo, hi;
	} cases[] = { { 6, 0, 5 },   { 9, 1, 7 },    { 10, 1, 8 },
		      { 20, 5, 14 }, { 100, 39, 60 } };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t lo, hi;

		ml_median_ci_ranks(cases[i].n, &lo, &hi);
		assert_int_equal(lo, cases[i].lo);
		assert_int_equal(hi, cases[i].hi);
	}
}

/* P(B <= k) for B ~ Binomial(n, 1/2), summed the long way round. */
static double binomial_below(size_t n, size_t k)
{
	double sum = 0;

	for (size_t i = 0; i <= k; i++)
		sum += exp(lgamma((double)n + 1) - lgamma((double)i + 1) -
			   lgamma((double)(n - i) + 1) - (double)n * log(2.0));
	return sum;
}

/*
 * For every n: the ranks are symmetric, give at least 95% (from n = 6 on),
 * and are the narrowest that do: one rank further in falls below 95%.
 */
static void median_ci_ranks_are_symmetric_and_tightest(void **state)
{
	(void)state;
	for (size_t n = 1; n <= 400; n++) {
		size_t lo, hi;
		double cov = ml_median_ci_ranks(n, &lo, &hi);

		assert_int_equal(lo + hi, n - 1);
		assert_true(lo <= hi);
		if (n < 6) {
			assert_int_equal(lo, 0);
			assert_true(cov < 0.95);
			continue;
		}
		assert_true(cov >= 0.95);
		assert_float_equal(cov, 1 - 2 * binomial_below(n, lo), 1e-9);
		assert_true(1 - 2 * binomial_below(n, lo + 1) < 0.95);
	}
}

/* A fixed-seed generator: the simulations are the same every run. */
static uint64_t rng = 88172645463325252ull;

static double uniform01(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return ((double)(rng >> 11) + 0.5) / 9007199254740992.0;
}

static double gaussian(void)
{
	return sqrt(-2 * log(uniform01())) * cos(2 * 3.14159265358979323846 * uniform01());
}

static bool covers(double *v, size_t n, double truth)
{
	struct ml_interval iv;

	ml_median_ci(v, n, &iv);
	return iv.low <= truth && truth <= iv.high;
}

/*
 * Independent, skewed values (exponential, median ln 2): the interval
 * holds the true median about 95% of the time, as the ranks promise
 * (95.7% for n = 25).
 */
static void median_ci_covers_independent_samples(void **state)
{
	enum { TRIALS = 4000, N = 25 };
	double v[N];
	int hits = 0;

	(void)state;
	for (int t = 0; t < TRIALS; t++) {
		for (int i = 0; i < N; i++)
			v[i] = -log(uniform01());
		hits += covers(v, N, log(2.0));
	}
	assert_in_range(hits, (int)(0.94 * TRIALS), (int)(0.975 * TRIALS));
}

/*
 * Strongly correlated values, as batches taken back to back are (AR(1),
 * rho 0.99, true median 0): an interval that treats all 12,000 as
 * independent rarely holds the truth; one from the medians of 24 blocks
 * (what measure.c does with rounds) holds it as promised.
 */
static void median_ci_from_blocks_covers_correlated_samples(void **state)
{
	enum { TRIALS = 200, BLOCKS = 24, PER = 500, N = BLOCKS * PER };
	double *v = malloc(N * sizeof(*v)), medians[BLOCKS], x;
	int naive = 0, blocked = 0;

	(void)state;
	assert_non_null(v);
	for (int t = 0; t < TRIALS; t++) {
		x = gaussian() / sqrt(1 - 0.99 * 0.99);
		for (int i = 0; i < N; i++) {
			x = 0.99 * x + gaussian();
			v[i] = x;
		}
		for (int b = 0; b < BLOCKS; b++) {
			struct ml_interval iv;
			double block[PER];

			memcpy(block, v + b * PER, sizeof(block));
			ml_median_ci(block, PER, &iv);
			medians[b] = iv.value;
		}
		blocked += covers(medians, BLOCKS, 0);
		naive += covers(v, N, 0);
	}
	free(v);
	assert_true(naive < 0.6 * TRIALS);
	assert_true(blocked >= 0.9 * TRIALS);
}

/*
 * A ratio taken per round cancels a drift that hits both figures alike:
 * the machine's level moves by up to 40% between rounds, yet the paired
 * ratio's interval holds the true ratio (1.5).
 */
static void paired_ratio_cancels_a_common_drift(void **state)
{
	enum { TRIALS = 500, ROUNDS = 24 };
	double ratios[ROUNDS];
	int hits = 0;

	(void)state;
	for (int t = 0; t < TRIALS; t++) {
		for (int r = 0; r < ROUNDS; r++) {
			double level = 1 + 0.4 * uniform01();
			double a = 100 * level * (1 + 0.01 * gaussian());
			double b = 150 * level * (1 + 0.01 * gaussian());

			ratios[r] = b / a;
		}
		hits += covers(ratios, ROUNDS, 1.5);
	}
	assert_true(hits >= 0.93 * TRIALS);
}

static void interval_says_nothing_below_six_values(void **state)
{
	double v[5] = { 1, 2, 3, 4, 5 };
	struct ml_interval iv;

	(void)state;
	ml_median_ci(v, 5, &iv);
	assert_true(iv.coverage < 0.95);
	assert_true(isinf(ml_interval_rel(&iv)));
	assert_int_equal(ml_median_ci(v, 0, &iv), -1);
}

static void ci_of_a_constant_sample_is_zero_wide(void **state)
{
	double s[100];
	struct ml_interval iv;

	(void)state;
	for (int i = 0; i < 100; i++)
		s[i] = i < 30 ? 9.0 : 10.0;	/* ranks 40..61 are all 10 */
	ml_median_ci(s, 100, &iv);
	assert_float_equal(ml_interval_rel(&iv), 0, 0);
	for (int i = 0; i < 100; i++)
		s[i] = (double)(i + 1);
	ml_median_ci(s, 100, &iv);
	/* median 50.5, CI 40 .. 61: half-width 10.5 */
	assert_float_equal(ml_interval_rel(&iv), 10.5 / 50.5, 1e-12);
}

static void a_floor_widens_a_narrow_interval_and_keeps_a_wide_one(void **state)
{
	double s[100];
	struct ml_interval iv;

	(void)state;
	for (int i = 0; i < 100; i++)
		s[i] = 10.0;
	ml_median_ci(s, 100, &iv);
	ml_interval_floor(&iv, 0.05);
	assert_float_equal(iv.low, 9.95, 1e-12);
	assert_float_equal(iv.high, 10.05, 1e-12);
	assert_float_equal(iv.value, 10, 0);
	for (int i = 0; i < 100; i++)
		s[i] = (double)(i + 1);
	ml_median_ci(s, 100, &iv);
	ml_interval_floor(&iv, 0.05);	/* 40 .. 61 is already wider */
	assert_float_equal(iv.low, 40, 0);
	assert_float_equal(iv.high, 61, 0);
}

/* Student's t, two-sided 95%, against the published table. */
static void t95_matches_the_table(void **state)
{
	static const struct {
		double dof, t;
	} cases[] = { { 1, 12.7062 }, { 2, 4.3027 }, { 3, 3.1824 },
		      { 5, 2.5706 },  { 10, 2.2281 }, { 30, 2.0423 },
		      { 120, 1.9799 }, { 1e6, 1.9600 } };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_float_equal(ml_t95(cases[i].dof), cases[i].t, 1e-4);
	/* Welch's degrees of freedom are not whole: between the two */
	assert_true(ml_t95(2.5) < ml_t95(2) && ml_t95(2.5) > ml_t95(3));
	assert_true(isnan(ml_t95(0)));
}

static void t_interval_by_hand(void **state)
{
	const double v[] = { 1, 2, 3, 4, 5 }, same[] = { 7, 7, 7 };
	const double signs[] = { -1, 1, 3 };
	struct ml_interval iv;
	/* mean 3, sd sqrt(2.5), se sqrt(0.5), t(4) */
	double half = ml_t95(4) * sqrt(0.5);

	(void)state;
	assert_int_equal(ml_interval_t(v, 5, false, &iv), 0);
	assert_float_equal(iv.value, 3, 1e-12);
	assert_float_equal(iv.low, 3 - half, 1e-9);
	assert_float_equal(iv.high, 3 + half, 1e-9);
	assert_float_equal(iv.coverage, 0.95, 0);
	assert_int_equal(iv.n, 5);
	/* geometric: the same on the logarithms, back with exp */
	ml_interval_t(v, 5, true, &iv);
	assert_float_equal(log(iv.value), (log(2) + log(3) + log(4) + log(5)) / 5,
			   1e-12);
	assert_float_equal(log(iv.high) - log(iv.value),
			   log(iv.value) - log(iv.low), 1e-12);
	assert_true(iv.low > 0);
	ml_interval_t(same, 3, true, &iv);
	assert_float_equal(iv.low, 7, 1e-12);
	assert_float_equal(iv.high, 7, 1e-12);
	assert_float_equal(ml_interval_rel(&iv), 0, 1e-12);
	/* a value not positive: no logarithm, the plain mean */
	ml_interval_t(signs, 3, true, &iv);
	assert_float_equal(iv.value, 1, 1e-12);
	/* one value says nothing about the spread */
	ml_interval_t(v, 1, true, &iv);
	assert_true(iv.coverage < 0.95);
	assert_true(isinf(ml_interval_rel(&iv)));
	assert_int_equal(ml_interval_t(v, 0, true, &iv), -1);
}

/*
 * What forks.c faces: a figure whose level moves between processes (a
 * placement, a slow spell: here 4% from process to process, and a machine
 * that sits at one of two speeds 15% apart for a whole process), each
 * process measuring 24 rounds with 1% noise around its own level.  The
 * interval from all 144 rounds as if from one process holds the truth
 * about a third of the time; the t-interval over the 6 processes'
 * medians about 93% (t assumes a normal spread, and two speeds are not
 * one), and the median of another 9 such runs (scripts/aa.sh's coverage
 * check) as often.  Fixed seed: 631, 1869 and 1860 of 2000.
 */
static double one_process(double truth, double *rounds, size_t nrounds)
{
	double level = truth * exp(0.04 * gaussian()) *
		       (uniform01() < 0.5 ? 1 : 1.15);
	double copy[64];
	struct ml_interval iv;

	assert_true(nrounds <= 64);
	for (size_t r = 0; r < nrounds; r++)
		rounds[r] = level * (1 + 0.01 * gaussian());
	memcpy(copy, rounds, nrounds * sizeof(*copy));
	ml_median_ci(copy, nrounds, &iv);
	return iv.value;
}

/* How many of n runs' intervals hold the median of the other runs. */
static int others_held(const struct ml_interval *run, int n)
{
	int held = 0;

	for (int i = 0; i < n; i++) {
		struct ml_interval mid;
		double others[16];
		size_t m = 0;

		for (int j = 0; j < n; j++)
			if (j != i)
				others[m++] = run[j].value;
		ml_median_ci(others, m, &mid);
		held += run[i].low <= mid.value && mid.value <= run[i].high;
	}
	return held;
}

static void forks_cover_what_moves_between_processes(void **state)
{
	enum { TRIALS = 2000, FORKS = 6, ROUNDS = 24, RUNS = 10 };
	double rounds[FORKS * ROUNDS], medians[FORKS];
	double truth = 100 * sqrt(1.15);	/* the mean level, in logs */
	struct ml_interval run[RUNS];
	int pooled = 0, forked = 0, held = 0;

	(void)state;
	for (int t = 0; t < TRIALS; t++) {
		struct ml_interval *iv = &run[t % RUNS];

		for (int f = 0; f < FORKS; f++)
			medians[f] = one_process(100, rounds + f * ROUNDS,
						 ROUNDS);
		pooled += covers(rounds, FORKS * ROUNDS, truth);
		ml_interval_t(medians, FORKS, true, iv);
		forked += iv->low <= truth && truth <= iv->high;
		if (t % RUNS == RUNS - 1)
			held += others_held(run, RUNS);
	}
	print_message("rounds as one process: %d, forks: %d, the others' median: %d of %d\n",
		      pooled, forked, held, TRIALS);
	assert_true(pooled < 0.5 * TRIALS);
	assert_in_range(forked, (int)(0.92 * TRIALS), (int)(0.97 * TRIALS));
	assert_true(held >= 0.9 * TRIALS);
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
		cmocka_unit_test(median_ci_ranks_match_published_tables),
		cmocka_unit_test(median_ci_ranks_are_symmetric_and_tightest),
		cmocka_unit_test(median_ci_covers_independent_samples),
		cmocka_unit_test(median_ci_from_blocks_covers_correlated_samples),
		cmocka_unit_test(paired_ratio_cancels_a_common_drift),
		cmocka_unit_test(interval_says_nothing_below_six_values),
		cmocka_unit_test(ci_of_a_constant_sample_is_zero_wide),
		cmocka_unit_test(a_floor_widens_a_narrow_interval_and_keeps_a_wide_one),
		cmocka_unit_test(t95_matches_the_table),
		cmocka_unit_test(t_interval_by_hand),
		cmocka_unit_test(forks_cover_what_moves_between_processes),
		cmocka_unit_test(histogram_buckets_are_half_open),
		cmocka_unit_test(histogram_of_equal_values_does_not_divide_by_zero),
	};

	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
