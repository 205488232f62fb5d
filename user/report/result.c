// SPDX-License-Identifier: GPL-2.0
/*
 * result.c - what a figure adds to its own result: a demonstration's
 * notes, extra figures beyond the distribution, and how a claim came out;
 * whether it has a distribution to show, and its MB/s; and the one line
 * that sums up how a run's results came out.
 */
#include "measure/measuring.h"
#include "measure/run.h"
#include "report/output.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

void ml_result_note(struct ml_result *res, const char *fmt, ...)
{
	size_t len = strlen(res->notes);
	va_list ap;

	if (len + 2 >= sizeof(res->notes))
		return;
	va_start(ap, fmt);
	vsnprintf(res->notes + len, sizeof(res->notes) - len - 1, fmt, ap);
	va_end(ap);
	len = strlen(res->notes);
	res->notes[len] = '\n';
	res->notes[len + 1] = '\0';
}

void ml_result_extra(struct ml_result *res, const char *key,
		     const char *label, double value)
{
	struct ml_extra *e;

	if (res->nextra == ML_MAX_EXTRA)
		return;
	e = &res->extra[res->nextra++];
	snprintf(e->key, sizeof(e->key), "%s", key);
	snprintf(e->label, sizeof(e->label), "%s", label);
	e->value = value;
}

const char *ml_claim_outcome_name(const struct ml_result *res)
{
	switch (res->claim_outcome) {
	case ML_CLAIM_HELD:
		return "held";
	case ML_CLAIM_NOT_HELD:
		return "not held";
	case ML_CLAIM_UNDECIDED:
		return res->pair_ratio.coverage < 0.95 ?
			       "undecided (too few rounds for a 95% interval)" :
			       "undecided (no difference detectable at 95%)";
	default:
		return "untested";
	}
}

/* A figure with a distribution to show: not skipped, failed or a demo. */
bool ml_report_timed(const struct ml_result *res)
{
	return !res->skipped && !res->failed && !res->demonstration &&
	       res->st.n > 0;
}

/* Delivered bytes per second, for the figures that move data. */
double ml_report_mb_per_s(const struct ml_result *res)
{
	if (res->fig->bytes_per_op <= 0 || !ml_report_timed(res) || res->st.median <= 0)
		return NAN;
	return res->fig->bytes_per_op / res->st.median * 1e3;
}

/*
 * "115 figures in 41.2 s: 98 converged, 4 not converged, 0 skipped,
 * 0 failed; demonstrations: 12 held, 1 not held; timing claims: 5 held,
 * 0 not held, 1 undecided".  Every figure is in one of the first four
 * counts or is a demonstration; "not converged" is the table's '*' (the
 * median's interval or the ratio's did not reach the target).  A timing
 * claim is a figure's ordering against its pair, judged from the interval.
 */
void ml_report_summary(FILE *out, const struct ml_report *r, double seconds)
{
	size_t converged = 0, unconverged = 0, skipped = 0, failed = 0;
	size_t held = 0, not_held = 0, claims[3] = { 0 };

	for (size_t i = 0; i < r->nresults; i++) {
		const struct ml_result *res = &r->results[i];

		if (res->skipped)
			skipped++;
		else if (res->demonstration)
			*(res->w.verified ? &held : &not_held) += 1;
		else if (!ml_report_timed(res))
			failed++;
		else if (res->converged && (!isfinite(res->ratio_ref.value) ||
					    res->ratio_ref.converged))
			converged++;
		else
			unconverged++;
		if (!res->skipped && res->claim_outcome == ML_CLAIM_HELD)
			claims[0]++;
		else if (!res->skipped && res->claim_outcome == ML_CLAIM_NOT_HELD)
			claims[1]++;
		else if (!res->skipped && res->claim_outcome == ML_CLAIM_UNDECIDED)
			claims[2]++;
	}
	fprintf(out,
		"%zu figure%s in %.1f s: %zu converged, %zu not converged, %zu skipped, %zu failed; demonstrations: %zu held, %zu not held; timing claims: %zu held, %zu not held, %zu undecided\n",
		r->nresults, r->nresults == 1 ? "" : "s", seconds, converged,
		unconverged, skipped, failed, held, not_held, claims[0],
		claims[1], claims[2]);
	fflush(out);
}

/* A speed reference's median over the processes that measured it, and
 * how far it moved: (slowest - fastest) / median. */
static double speed_spread(const struct ml_method *m, const double *ns,
			   double *median)
{
	double v[ML_MAX_FORKS], lo = INFINITY, hi = 0;
	struct ml_interval iv;
	size_t n = 0;

	for (size_t i = 0; i < m->forks && i < ML_MAX_FORKS; i++) {
		if (!(ns[i] > 0))
			continue;
		v[n++] = ns[i];
		lo = fmin(lo, ns[i]);
		hi = fmax(hi, ns[i]);
	}
	*median = NAN;
	if (!n)
		return NAN;
	ml_median_ci(v, n, &iv);
	*median = iv.value;
	return (hi - lo) / iv.value;
}

void ml_report_method(FILE *out, const struct ml_report *r, bool flagged)
{
	const struct ml_method *m = r->method;
	double target = m ? m->target_ci : ML_TARGET_CI, speed, spread;
	double calls, calls_spread;

	if (m && m->processes > 1) {
		fprintf(out,
			"95%% intervals: each figure measured in %zu processes (a fresh exec each: a new\n"
			"address-space layout), spread over %.1f s of the run; an interval holds the mean\n"
			"of such processes, not what changes over longer (pool runs: modelab help compare)\n",
			m->processes, m->span_s);
		spread = speed_spread(m, m->speed_ns, &speed);
		calls_spread = speed_spread(m, m->calls_ns, &calls);
		if (isfinite(spread) && isfinite(calls_spread))
			fprintf(out,
				"speed references (a fixed chain of dependent multiplications, a loop of calls):\n"
				"%.3g and %.3g ms in each process, %.1f%% and %.1f%% between the fastest and\n"
				"the slowest\n",
				speed / 1e6, calls / 1e6, 100 * spread,
				100 * calls_spread);
	} else if (m) {
		fprintf(out,
			"95%% intervals from one process's rounds: they leave out what changes from one\n"
			"process to the next (the address-space layout, the machine's slow changes);\n"
			"--forks N measures each figure in N processes\n");
	}
	if (flagged)
		fprintf(out,
			"* not converged: the interval of the median (or of a ratio) is wider than\n"
			"  +-%g%% of it: the figure moved between processes, or between rounds\n",
			100 * target);
}

/* A speed reference's time in each process, null where it has none. */
static void json_times(FILE *out, const struct ml_method *m, const double *ns)
{
	for (size_t i = 0; i < m->forks && i < ML_MAX_FORKS; i++)
		if (ns[i] > 0)
			fprintf(out, "%s%.6g", i ? ", " : "", ns[i]);
		else
			fprintf(out, "%snull", i ? ", " : "");
}

void ml_report_method_json(FILE *out, const struct ml_report *r)
{
	const struct ml_method *m = r->method;

	if (!m) {
		fputs("  \"method\": null,\n", out);
		return;
	}
	fprintf(out,
		"  \"method\": {\"forks\": %u, \"processes\": %zu, \"budget_s\": %.6g, \"target_ci95\": %.6g, \"span_s\": %.6g, \"speed_reference_ns\": [",
		m->forks, m->processes, m->budget_s, m->target_ci, m->span_s);
	json_times(out, m, m->speed_ns);
	fputs("], \"calls_reference_ns\": [", out);
	json_times(out, m, m->calls_ns);
	fputs("]},\n", out);
}

/* JSON has no NaN: null.  One array of a process's values. */
static void json_array(FILE *out, const char *key, const double *v, size_t n)
{
	fprintf(out, "\"%s\": [", key);
	for (size_t i = 0; i < n; i++) {
		if (isfinite(v[i]))
			fprintf(out, "%s%.6g", i ? ", " : "", v[i]);
		else
			fprintf(out, "%snull", i ? ", " : "");
	}
	fputc(']', out);
}

void ml_report_fork_values_json(FILE *out, const struct ml_report *r,
				const struct ml_result *res)
{
	const struct ml_method *m = r->method;
	const struct ml_fork_values *v;

	fputs("\"forks_values\": ", out);
	if (!m || !m->values || m->results != r->results ||
	    res < r->results || res >= r->results + r->nresults ||
	    !m->values[res - r->results].n) {
		fputs("null, ", out);
		return;
	}
	v = &m->values[res - r->results];
	fputc('{', out);
	json_array(out, "median_ns", v->value, v->n);
	fputs(", ", out);
	json_array(out, "ratio_to_null_syscall", v->ratio, v->n);
	fputs("}, ", out);
}
