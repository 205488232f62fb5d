// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - summarising a distribution of per-op times.
 *
 * The median, not the mean, is the headline: a timer interrupt landing in
 * one batch makes a sample many times too large, which drags the mean but
 * not the median.  The median's confidence interval is distribution-free
 * (order statistics), because these distributions are far from normal.
 */
#include "modelab.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double ml_quantile_sorted(const double *sorted, size_t n, double q)
{
	double pos, frac;
	size_t i;

	if (n == 0)
		return NAN;
	if (q <= 0)
		return sorted[0];
	if (q >= 1)
		return sorted[n - 1];
	pos = q * (double)(n - 1);
	i = (size_t)pos;
	frac = pos - (double)i;
	if (i + 1 >= n)
		return sorted[n - 1];
	return sorted[i] + frac * (sorted[i + 1] - sorted[i]);
}

/*
 * The number of samples below the median is Binomial(n, 1/2): the ranks
 * n/2 -+ 1.96 * sqrt(n) / 2 bound the median with 95% confidence.
 */
void ml_median_ci_ranks(size_t n, size_t *lo, size_t *hi)
{
	double half = 1.96 * sqrt((double)n) / 2.0;
	double l = floor((double)n / 2.0 - half);
	double h = ceil((double)n / 2.0 + half);

	if (n == 0) {
		*lo = *hi = 0;
		return;
	}
	/* ranks l and h are 1-based; clamp to the sample */
	*lo = l < 1 ? 0 : (size_t)l - 1;
	*hi = h > (double)n ? n - 1 : (size_t)h - 1;
}

int ml_stats_compute(double *s, size_t n, struct ml_stats *st)
{
	double sum = 0, sq = 0;
	size_t lo, hi;

	memset(st, 0, sizeof(*st));
	if (n == 0)
		return -1;
	qsort(s, n, sizeof(*s), cmp_double);
	for (size_t i = 0; i < n; i++)
		sum += s[i];
	st->n = n;
	st->mean = sum / (double)n;
	for (size_t i = 0; i < n; i++)
		sq += (s[i] - st->mean) * (s[i] - st->mean);
	st->stddev = n > 1 ? sqrt(sq / (double)(n - 1)) : 0;
	st->min = s[0];
	st->max = s[n - 1];
	st->median = ml_quantile_sorted(s, n, 0.5);
	st->p90 = ml_quantile_sorted(s, n, 0.90);
	st->p99 = ml_quantile_sorted(s, n, 0.99);
	ml_median_ci_ranks(n, &lo, &hi);
	st->ci_low = s[lo];
	st->ci_high = s[hi];
	return 0;
}

double ml_stats_ci_rel(const struct ml_stats *st)
{
	double half = fmax(st->median - st->ci_low, st->ci_high - st->median);

	if (st->median <= 0)
		return INFINITY;
	return half / st->median;
}

void ml_hist_build(const double *s, size_t n, double low, double high,
		   size_t nbuckets, struct ml_hist *h)
{
	memset(h, 0, sizeof(*h));
	if (nbuckets == 0 || nbuckets > ML_HIST_BUCKETS)
		nbuckets = ML_HIST_BUCKETS;
	h->nbuckets = nbuckets;
	h->low = low;
	h->width = high > low ? (high - low) / (double)nbuckets : 1.0;
	for (size_t i = 0; i < n; i++) {
		double pos = (s[i] - low) / h->width;

		if (pos < 0)
			h->below++;
		else if (pos >= (double)nbuckets)
			h->above++;
		else
			h->counts[(size_t)pos]++;
	}
}
