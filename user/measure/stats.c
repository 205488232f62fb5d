// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - summarising a distribution of per-op times.
 *
 * The median, not the mean, is the headline: a timer interrupt landing in
 * one batch makes a sample many times too large, which drags the mean but
 * not the median.  The median's confidence interval is distribution-free
 * (order statistics), because these distributions are far from normal.
 */
#include "measure/measuring.h"

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
 * The number of independent samples below the true median is
 * Binomial(n, 1/2).  The k-th smallest and the k-th largest bound the
 * median with probability 1 - 2 P(B <= k - 1): take the largest k that
 * keeps that at 95% or more.  Exact, symmetric, and for any n; below six
 * samples no k reaches 95%, and the whole range (k = 1) is returned with
 * the coverage it really has.  Returns that coverage.
 */
double ml_median_ci_ranks(size_t n, size_t *lo, size_t *hi)
{
	double log_pmf = -(double)n * log(2.0);	/* P(B = 0) */
	double below = 0, covered = 1 - 2 * exp(log_pmf);
	size_t k = 1;

	*lo = *hi = 0;
	if (n == 0)
		return 0;
	/* candidate k = i + 1 needs P(B <= i) <= 2.5% */
	for (size_t i = 0; i < n / 2; i++) {
		below += exp(log_pmf);
		if (1 - 2 * below < 0.95)
			break;
		k = i + 1;
		covered = 1 - 2 * below;
		log_pmf += log((double)(n - i)) - log((double)(i + 1));
	}
	*lo = k - 1;
	*hi = n - k;
	return covered;
}

int ml_median_ci(double *v, size_t n, struct ml_interval *iv)
{
	size_t lo, hi;

	memset(iv, 0, sizeof(*iv));
	iv->value = iv->low = iv->high = NAN;
	if (n == 0)
		return -1;
	qsort(v, n, sizeof(*v), cmp_double);
	iv->n = n;
	iv->coverage = ml_median_ci_ranks(n, &lo, &hi);
	iv->value = ml_quantile_sorted(v, n, 0.5);
	iv->low = v[lo];
	iv->high = v[hi];
	return 0;
}

double ml_interval_rel(const struct ml_interval *iv)
{
	double half = fmax(iv->value - iv->low, iv->high - iv->value);

	if (!(iv->value > 0) || iv->coverage < 0.95)
		return INFINITY;
	return half / iv->value;
}

void ml_interval_floor(struct ml_interval *iv, double half)
{
	if (!iv->n || !isfinite(iv->value) || !(half > 0))
		return;
	iv->low = fmin(iv->low, iv->value - half);
	iv->high = fmax(iv->high, iv->value + half);
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
	(void)ml_median_ci_ranks(n, &lo, &hi);
	st->ci_low = s[lo];
	st->ci_high = s[hi];
	return 0;
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

/* ---- between processes: Student's t ------------------------------------ */

/*
 * The regularised incomplete beta function I_x(a, b), by its continued
 * fraction (modified Lentz), on the side where it converges fast.
 */
static double beta_fraction(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;

	d = 1 / (fabs(d) < tiny ? tiny : d);
	h = d;
	for (int m = 1; m <= 300; m++) {
		double aa = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
		double del;

		for (int half = 0; half < 2; half++) {
			d = 1 + aa * d;
			d = 1 / (fabs(d) < tiny ? tiny : d);
			c = 1 + aa / c;
			c = fabs(c) < tiny ? tiny : c;
			h *= del = d * c;
			aa = -(a + m) * (a + b + m) * x /
			     ((a + 2 * m) * (a + 2 * m + 1));
		}
		if (fabs(del - 1) < 1e-14)
			break;
	}
	return h;
}

static double incomplete_beta(double x, double a, double b)
{
	double front;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) +
		    b * log1p(-x));
	if (x < (a + 1) / (a + b + 2))
		return front * beta_fraction(a, b, x) / a;
	return 1 - front * beta_fraction(b, a, 1 - x) / b;
}

/*
 * P(|T| > t) = I_{dof / (dof + t^2)}(dof / 2, 1 / 2); the t where that is
 * 5%, by bisection (it falls as t grows).
 */
double ml_t95(double dof)
{
	double lo = 0, hi = 1e4;

	if (!(dof > 0))
		return NAN;
	for (int i = 0; i < 200 && hi - lo > 1e-10 * hi; i++) {
		double mid = (lo + hi) / 2;

		if (incomplete_beta(dof / (dof + mid * mid), dof / 2, 0.5) > 0.05)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

/*
 * One value per process: their mean and its 95% Student-t interval, with
 * n - 1 degrees of freedom.  Geometric, in logarithms, when asked and
 * every value is positive: a time or a ratio is a product of factors
 * (the machine's speed, the placement), and its interval is then
 * asymmetric as it should be and never below zero.
 */
int ml_interval_t(const double *v, size_t n, bool geometric,
		  struct ml_interval *iv)
{
	double sum = 0, sq = 0, mean, half;

	memset(iv, 0, sizeof(*iv));
	iv->value = iv->low = iv->high = NAN;
	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		geometric &= v[i] > 0 && isfinite(v[i]);
	for (size_t i = 0; i < n; i++)
		sum += geometric ? log(v[i]) : v[i];
	mean = sum / (double)n;
	for (size_t i = 0; i < n; i++) {
		double d = (geometric ? log(v[i]) : v[i]) - mean;

		sq += d * d;
	}
	iv->n = n;
	half = n > 1 ? ml_t95((double)(n - 1)) * sqrt(sq / (double)(n - 1) /
						      (double)n) :
		       0;
	iv->coverage = n > 1 ? 0.95 : 0;
	iv->value = geometric ? exp(mean) : mean;
	iv->low = geometric ? exp(mean - half) : mean - half;
	iv->high = geometric ? exp(mean + half) : mean + half;
	return 0;
}
