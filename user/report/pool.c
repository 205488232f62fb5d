// SPDX-License-Identifier: GPL-2.0
/*
 * pool.c - the verdict of `modelab compare`: is B really slower or faster
 * than A, one run each or several runs a side pooled?
 *
 * ONE RUN
 *   A report's 95% interval of a figure measured in N processes is
 *   Student's t on N - 1 degrees of freedom around the mean of the
 *   processes' logarithms (forks.c).  So, in logarithms, the figure is
 *   y = log(median), with standard error se = log(high / median) /
 *   t95(N - 1) on N - 1 degrees of freedom.  A figure measured in one
 *   process has only its rounds' interval: se is its wider half over
 *   1.96, with no degrees of freedom to lose; that interval leaves out
 *   what changes between processes, and so does a verdict built on it.
 *
 * SEVERAL RUNS A SIDE
 *   Each run is one repetition.  The side's figure is the mean of its
 *   runs' y; its variance is the larger of the spread between the runs
 *   (var(y) / m, on m - 1 degrees of freedom: everything that moves a
 *   run, the machine's state over minutes included) and the runs' own
 *   (mean se^2 / m): a small spread between two or three runs that
 *   happened to agree does not make the verdict bolder than the runs.
 *
 * THE VERDICT
 *   B/A = exp(yB - yA), and its 95% interval exp(d +- t95(dof) * se),
 *   se^2 = seA^2 + seB^2, dof by Welch and Satterthwaite.  A "real
 *   difference" when the interval excludes 1: a 95% verdict, so two runs
 *   of the same build are called different about once in 20 figures
 *   (scripts/aa.sh counts it).  compare.c asks it a second time of B/A
 *   over the speed reference's B/A, so that a machine that ran faster
 *   is not taken for a faster op.
 */
#include "measure/measuring.h"
#include "report/view.h"

#include <math.h>

#define Z95 1.959963984540054

static bool usable(const struct ml_view_interval *iv)
{
	return isfinite(iv->value) && isfinite(iv->low) && isfinite(iv->high) &&
	       iv->value > 0 && iv->low > 0 && iv->low <= iv->value &&
	       iv->value <= iv->high;
}

int ml_view_log_of(const struct ml_view_interval *iv, size_t forks,
		   struct ml_view_log *out)
{
	double up, down;

	if (!usable(iv))
		return -1;
	up = log(iv->high / iv->value);
	down = log(iv->value / iv->low);
	out->y = log(iv->value);
	if (forks >= 2) {
		out->dof = (double)(forks - 1);
		out->se = fmax(up, down) / ml_t95(out->dof);
	} else {
		out->dof = INFINITY;
		out->se = fmax(up, down) / Z95;
	}
	return 0;
}

void ml_view_pool(const struct ml_view_log *runs, size_t n,
		  struct ml_view_log *out)
{
	double sum = 0, spread = 0, own = 0, own_dof = 0;

	if (n == 1) {
		*out = runs[0];
		return;
	}
	for (size_t i = 0; i < n; i++)
		sum += runs[i].y;
	out->y = sum / (double)n;
	for (size_t i = 0; i < n; i++) {
		spread += (runs[i].y - out->y) * (runs[i].y - out->y);
		own += runs[i].se * runs[i].se;
		own_dof += runs[i].dof;
	}
	spread /= (double)(n - 1) * (double)n;
	own /= (double)n * (double)n;
	if (spread >= own) {
		out->se = sqrt(spread);
		out->dof = (double)(n - 1);
	} else {
		out->se = sqrt(own);
		out->dof = own_dof;
	}
}

void ml_view_ratio(const struct ml_view_log *a, const struct ml_view_log *b,
		   struct ml_view_ratio *out)
{
	double d = b->y - a->y, va = a->se * a->se, vb = b->se * b->se;
	double se = sqrt(va + vb), dof, half = 0;

	if (se > 0) {
		/* Welch-Satterthwaite; an infinite side adds nothing */
		dof = (va + vb) * (va + vb) /
		      ((isfinite(a->dof) ? va * va / a->dof : 0) +
		       (isfinite(b->dof) ? vb * vb / b->dof : 0));
		half = (isfinite(dof) ? ml_t95(dof) : Z95) * se;
	}
	out->value = exp(d);
	out->low = exp(d - half);
	out->high = exp(d + half);
	out->real = out->low > 1 || out->high < 1;
}
