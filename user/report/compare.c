// SPDX-License-Identifier: GPL-2.0
/*
 * compare.c - runs side by side (machines, kernels, mitigations, a
 * change): per figure both medians, the ratio B/A with a 95% interval and
 * whether the difference is real.  One run against another, or several
 * runs a side pooled (A1 A2 A3 -- B1 B2 B3), each run a repetition: the
 * interval and the verdict are pool.c's, asked once of B/A and once of
 * B/A over the machine's own speed (the speed reference of forks.c).
 */
#include "measure/measuring.h"
#include "report/output.h"
#include "report/view.h"
#include "cli/help.h"
#include "util/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One side of a comparison: its runs, how to name them, their speed. */
struct side {
	const struct ml_view_report *reps;
	size_t n;
	char label[1024];	/* the paths, joined by ", " */
	/* speed reference k, its runs pooled, when every run has it */
	struct ml_view_log speed[ML_VIEW_NSPEED];
	bool has_speed[ML_VIEW_NSPEED];
};

/* A figure of a that b can be set against: timed in both. */
static const struct ml_view_figure *counterpart(const struct ml_view_figure *f,
						const struct ml_view_report *b)
{
	const struct ml_view_figure *g = ml_view_find(b, f->probe, f->figure);

	return f->kind == ML_VIEW_TIMED && g && g->kind == ML_VIEW_TIMED ? g
									 : NULL;
}

/* f's counterpart in any run of a side; NULL when none has one. */
static const struct ml_view_figure *in_side(const struct ml_view_figure *f,
					    const struct side *s)
{
	const struct ml_view_figure *g = NULL;

	for (size_t i = 0; i < s->n && !g; i++)
		g = counterpart(f, &s->reps[i]);
	return g;
}

/* A side's runs of figure f, pooled; -1 when one has no usable interval. */
static int pooled(const struct ml_view_figure *f, const struct side *s,
		  struct ml_view_log *out)
{
	struct ml_view_log runs[ML_VIEW_MAX_RUNS];
	size_t n = 0;

	for (size_t i = 0; i < s->n && n < ML_VIEW_MAX_RUNS; i++) {
		const struct ml_view_figure *g = counterpart(f, &s->reps[i]);

		if (g && ml_view_log_of(&g->median, g->forks, &runs[n++]))
			return -1;
	}
	if (!n)
		return -1;
	ml_view_pool(runs, n, out);
	return 0;
}

/*
 * A side's figure as the table shows it: one run's median and interval
 * as its report gives them, or several runs' pooled value and interval.
 */
static void side_figure(const struct ml_view_figure *f, const struct side *s,
			struct ml_view_interval *iv)
{
	const struct ml_view_figure *g = in_side(f, s);
	struct ml_view_log l;
	double half;

	*iv = g ? g->median : (struct ml_view_interval){ NAN, NAN, NAN };
	if (s->n < 2 || pooled(f, s, &l))
		return;
	half = (isfinite(l.dof) ? ml_t95(l.dof) : 1.96) * l.se;
	*iv = (struct ml_view_interval){ exp(l.y), exp(l.y - half),
					 exp(l.y + half) };
}

/*
 * Speed reference k (forks.c) of side s in logarithms, its runs pooled
 * like a figure's; -1 when a run has none.
 */
static int side_speed(const struct side *s, size_t k, struct ml_view_log *out)
{
	struct ml_view_log runs[ML_VIEW_MAX_RUNS];
	size_t n = 0;

	for (size_t i = 0; i < s->n && n < ML_VIEW_MAX_RUNS; i++) {
		const struct ml_view_speed *sp = &s->reps[i].speed[k];

		if (!(sp->ns > 0) || !isfinite(sp->ns))
			return -1;
		runs[n++] = (struct ml_view_log){
			log(sp->ns), sp->se,
			sp->n > 1 ? (double)(sp->n - 1) : INFINITY };
	}
	if (!n)
		return -1;
	ml_view_pool(runs, n, out);
	return 0;
}

/*
 * A figure over its side's speed: what is left of it once the machine's
 * own speed is taken out, with both uncertainties.
 */
static struct ml_view_log over_speed(const struct ml_view_log *x,
				     const struct ml_view_log *speed)
{
	return (struct ml_view_log){ x->y - speed->y, hypot(x->se, speed->se),
				     fmin(x->dof, speed->dof) };
}

/*
 * "real difference" when B/A's interval excludes 1 and, for each speed
 * reference, B/A over the reference's B/A still excludes 1 on the same
 * side.  When the machine itself ran 4% faster in B, figures 4% faster
 * are the machine's, not the op's; and a machine can slow its calls by
 * 40% while its multiplications do not move (a busy neighbour on the
 * core), so a figure whose change lies between the two references'
 * changes is the machine's too (docs/measuring.md, section 6).  Each
 * reference's uncertainty counts, from its processes' median deviation
 * (load.c), so one process that met a spike does not excuse every
 * figure.  adj[k]: B/A over reference k's B/A, NAN without one.
 */
static const char *verdict(const struct ml_view_figure *f, const struct side *a,
			   const struct side *b, struct ml_view_ratio *r,
			   struct ml_view_ratio *adj)
{
	struct ml_view_log la, lb, xa, xb;
	bool machine = false;

	for (size_t k = 0; k < ML_VIEW_NSPEED; k++)
		adj[k] = (struct ml_view_ratio){ NAN, NAN, NAN, false };
	if (pooled(f, a, &la) || pooled(f, b, &lb))
		return "undecided (no interval)";
	ml_view_ratio(&la, &lb, r);
	for (size_t k = 0; k < ML_VIEW_NSPEED; k++) {
		if (!a->has_speed[k] || !b->has_speed[k])
			continue;
		xa = over_speed(&la, &a->speed[k]);
		xb = over_speed(&lb, &b->speed[k]);
		ml_view_ratio(&xa, &xb, &adj[k]);
		machine |= !adj[k].real ||
			   (adj[k].value > 1) != (r->value > 1);
	}
	if (!r->real)
		return "no real difference";
	if (machine) {
		r->real = false;
		return "no real difference (the machine's speed)";
	}
	return "real difference";
}

/* A number of JSON: null when it is not one. */
static void json_num(FILE *out, const char *key, double v)
{
	fprintf(out, isfinite(v) ? ", \"%s\": %.6g" : ", \"%s\": null", key, v);
}

static void json_row(FILE *out, const struct ml_view_figure *f,
		     const struct ml_view_interval *a,
		     const struct ml_view_interval *b,
		     const struct ml_view_ratio *r,
		     const struct ml_view_ratio *adj, const char *v)
{
	fputs("\n      {\"probe\": ", out);
	ml_json_string(out, f->probe);
	fputs(", \"figure\": ", out);
	ml_json_string(out, f->figure);
	json_num(out, "a_median_ns", a->value);
	json_num(out, "a_ci95_low_ns", a->low);
	json_num(out, "a_ci95_high_ns", a->high);
	json_num(out, "b_median_ns", b->value);
	json_num(out, "b_ci95_low_ns", b->low);
	json_num(out, "b_ci95_high_ns", b->high);
	json_num(out, "ratio", r->value);
	json_num(out, "ratio_ci95_low", r->low);
	json_num(out, "ratio_ci95_high", r->high);
	json_num(out, "ratio_over_speed", adj[0].value);
	json_num(out, "ratio_over_speed_ci95_low", adj[0].low);
	json_num(out, "ratio_over_speed_ci95_high", adj[0].high);
	json_num(out, "ratio_over_calls", adj[1].value);
	json_num(out, "ratio_over_calls_ci95_low", adj[1].low);
	json_num(out, "ratio_over_calls_ci95_high", adj[1].high);
	fprintf(out, ", \"verdict\": \"%s\"}", v);
}

static void csv_start(FILE *out, const struct side *a, const struct side *b,
		      const struct ml_view_figure *f)
{
	ml_csv_field(out, a->label);
	fputc(',', out);
	ml_csv_field(out, b->label);
	fputc(',', out);
	ml_csv_field(out, f->probe);
	fputc(',', out);
	ml_csv_field(out, f->figure);
}

/* Figures timed in x's first run and in no run of y: "only in A" (or B). */
static size_t only_in(FILE *out, enum ml_view_format fmt, const struct side *a,
		      const struct side *b, bool in_b)
{
	const struct side *x = in_b ? b : a, *y = in_b ? a : b;
	char which = in_b ? 'B' : 'A';
	size_t n = 0;

	if (fmt == ML_VIEW_JSON)
		fprintf(out, ", \"only_in_%c\": [", in_b ? 'b' : 'a');
	for (size_t i = 0; i < x->reps[0].nfigs; i++) {
		const struct ml_view_figure *f = &x->reps[0].figs[i];

		if (f->kind != ML_VIEW_TIMED || in_side(f, y))
			continue;
		if (fmt == ML_VIEW_TEXT) {
			char p[256], g[256];

			fprintf(out, "%s/%s: only in %c\n",
				ml_escape_text(p, sizeof(p), f->probe),
				ml_escape_text(g, sizeof(g), f->figure), which);
		} else if (fmt == ML_VIEW_CSV) {
			csv_start(out, a, b, f);
			fprintf(out, ",,,,,,,,,,only in %c\n", which);
		} else {
			fputs(n ? ", {\"probe\": " : "{\"probe\": ", out);
			ml_json_string(out, f->probe);
			fputs(", \"figure\": ", out);
			ml_json_string(out, f->figure);
			fputc('}', out);
		}
		n++;
	}
	if (fmt == ML_VIEW_JSON)
		fputc(']', out);
	return n;
}

/*
 * How a side is named: "a.json", or "a1.json, a2.json (2 runs pooled)".
 * Names come escaped: a file's name cannot move the cursor or retitle
 * the window (tests/host/untrusted.sh).
 */
static void side_header(FILE *out, char name, const struct side *s)
{
	char shown[sizeof(s->label) * 4];

	fprintf(out, "%c: %s", name,
		ml_escape_text(shown, sizeof(shown), s->label));
	if (s->n > 1)
		fprintf(out, " (%zu runs pooled)", s->n);
	fputc('\n', out);
}

/* Speed reference k's B/A: NAN when a run has none. */
static double speed_ratio(const struct side *a, const struct side *b,
			  size_t k)
{
	if (!a->has_speed[k] || !b->has_speed[k])
		return NAN;
	return exp(b->speed[k].y - a->speed[k].y);
}

/* One comparison: text rows, CSV rows or one JSON object. */
static void compare_sides(FILE *out, enum ml_view_format fmt,
			  const struct side *a, const struct side *b, bool comma)
{
	double speed = speed_ratio(a, b, 0), calls = speed_ratio(a, b, 1);
	size_t both = 0, real = 0, only_a, only_b;

	if (fmt == ML_VIEW_TEXT) {
		side_header(out, 'A', a);
		side_header(out, 'B', b);
		if (isfinite(speed))
			fprintf(out,
				"speed references (fixed loops in every process), B/A: multiplications %.3g, calls %.3g: %s\n",
				speed, calls,
				fabs(log(speed)) < 0.02 && !(fabs(log(calls)) >= 0.02) ?
					"the machine ran at the same speed" :
					"the machine itself ran at another speed; a difference within that is the machine's");
	}
	if (fmt == ML_VIEW_TEXT) {
		fprintf(out, "%-44s %11s %11s  %-26s %s\n", "figure",
			"A median ns", "B median ns", "B/A [95% interval]",
			"verdict");
	}
	if (fmt == ML_VIEW_JSON) {
		fputs("    {\"a\": ", out);
		ml_json_string(out, a->label);
		fputs(", \"b\": ", out);
		ml_json_string(out, b->label);
		fprintf(out, ", \"a_runs\": %zu, \"b_runs\": %zu", a->n, b->n);
		json_num(out, "speed_reference_ratio", speed);
		json_num(out, "calls_reference_ratio", calls);
		fputs(", \"figures\": [", out);
	}
	for (size_t i = 0; i < a->reps[0].nfigs; i++) {
		const struct ml_view_figure *f = &a->reps[0].figs[i];
		struct ml_view_ratio r = {NAN, NAN, NAN, false}, adj[ML_VIEW_NSPEED];
		struct ml_view_interval am, bm;
		char name[160], shown[640], ratio[64];
		const char *v;

		if (f->kind != ML_VIEW_TIMED || !in_side(f, b))
			continue;
		v = verdict(f, a, b, &r, adj);
		side_figure(f, a, &am);
		side_figure(f, b, &bm);
		real += r.real;
		if (fmt == ML_VIEW_TEXT) {
			snprintf(name, sizeof(name), "%s/%s", f->probe,
				 f->figure);
			snprintf(ratio, sizeof(ratio), "%.3g [%.3g, %.3g]",
				 r.value, r.low, r.high);
			fprintf(out, "%-44s %11.4g %11.4g  %-26s %s\n",
				ml_escape_text(shown, sizeof(shown), name),
				am.value, bm.value, ratio, v);
		} else if (fmt == ML_VIEW_CSV) {
			csv_start(out, a, b, f);
			fprintf(out, ",%g,%g,%g,%g,%g,%g,%g,%g,%g,%s\n",
				am.value, am.low, am.high, bm.value, bm.low,
				bm.high, r.value, r.low, r.high, v);
		} else {
			fputs(both ? "," : "", out);
			json_row(out, f, &am, &bm, &r, adj, v);
		}
		both++;
	}
	if (fmt == ML_VIEW_JSON)
		fputc(']', out);
	only_a = only_in(out, fmt, a, b, false);
	only_b = only_in(out, fmt, a, b, true);
	if (fmt == ML_VIEW_JSON)
		fprintf(out, "}%s\n", comma ? "," : "");
	if (fmt == ML_VIEW_TEXT)
		fprintf(out,
			"compare: %zu figures in both: %zu real differences, "
			"%zu not; %zu only in A, %zu only in B\n",
			both, real, both - real, only_a, only_b);
}

static void make_side(struct side *s, const struct ml_view_report *reps,
		      size_t n)
{
	size_t used = 0;

	s->reps = reps;
	s->n = n;
	s->label[0] = '\0';
	for (size_t i = 0; i < n && used < sizeof(s->label); i++)
		used += (size_t)snprintf(s->label + used,
					 sizeof(s->label) - used, "%s%s",
					 i ? ", " : "", reps[i].path);
	for (size_t k = 0; k < ML_VIEW_NSPEED; k++)
		s->has_speed[k] = !side_speed(s, k, &s->speed[k]);
}

static void compare_start(FILE *out, enum ml_view_format fmt)
{
	if (fmt == ML_VIEW_JSON)
		fputs("{\n  \"comparisons\": [\n", out);
	if (fmt == ML_VIEW_CSV)
		fputs("a,b,probe,figure,a_median_ns,a_ci95_low_ns,a_ci95_high_"
		      "ns,"
		      "b_median_ns,b_ci95_low_ns,b_ci95_high_ns,ratio,"
		      "ratio_ci95_low,ratio_ci95_high,verdict\n",
		      out);
}

void ml_view_compare(FILE *out, enum ml_view_format fmt,
		     const struct ml_view_report *reps, size_t nreps)
{
	struct side a, b;

	compare_start(out, fmt);
	make_side(&a, reps, 1);
	for (size_t i = 1; i < nreps; i++) {
		if (fmt == ML_VIEW_TEXT && i > 1)
			fputc('\n', out);
		make_side(&b, &reps[i], 1);
		compare_sides(out, fmt, &a, &b, i + 1 < nreps);
	}
	if (fmt == ML_VIEW_JSON)
		fputs("  ]\n}\n", out);
}

void ml_view_compare_pooled(FILE *out, enum ml_view_format fmt,
			    const struct ml_view_report *a, size_t na,
			    const struct ml_view_report *b, size_t nb)
{
	struct side sa, sb;

	compare_start(out, fmt);
	make_side(&sa, a, na);
	make_side(&sb, b, nb);
	compare_sides(out, fmt, &sa, &sb, false);
	if (fmt == ML_VIEW_JSON)
		fputs("  ]\n}\n", out);
}

void ml_view_compare_html(FILE *out, const struct ml_view_report *a,
			  const struct ml_view_report *b)
{
	struct side sa, sb;

	make_side(&sa, a, 1);
	make_side(&sb, b, 1);
	fputs("<h2 id=\"compare\">Compared with another run</h2>\n<p>A: ", out);
	ml_html_text(out, a->path);
	fputs("<br>B: ", out);
	ml_html_text(out, b->path);
	fputs("</p>\n<p>B/A with its 95% interval, from each run's processes "
	      "(Welch's t on the logarithms): a difference is real when the "
	      "interval excludes 1, and still does once the speed reference's "
	      "B/A is taken out; <code>modelab help compare</code> says "
	      "more.</p>\n<table>\n<tr><th>"
	      "figure</th><th>A median ns</th><th>B median ns</th><th>B/A "
	      "[95%]</th><th>verdict</th></tr>\n",
	      out);
	for (size_t i = 0; i < a->nfigs; i++) {
		const struct ml_view_figure *f = &a->figs[i];
		const struct ml_view_figure *g = counterpart(f, b);
		struct ml_view_ratio r = {NAN, NAN, NAN, false}, adj[ML_VIEW_NSPEED];
		const char *v;

		if (!g)
			continue;
		v = verdict(f, &sa, &sb, &r, adj);
		fprintf(out, "<tr%s><td>", r.real ? " class=\"real\"" : "");
		ml_html_text(out, f->probe);
		fputc('/', out);
		ml_html_text(out, f->figure);
		fprintf(out,
			"</td><td>%.4g</td><td>%.4g</td>"
			"<td>%.3g [%.3g, %.3g]</td><td>%s</td></tr>\n",
			f->median.value, g->median.value, r.value, r.low,
			r.high, v);
	}
	fputs("</table>\n", out);
}

int ml_compare_main(int argc, char **argv)
{
	enum ml_view_format fmt = ML_VIEW_TEXT;
	struct ml_view_report *reps;
	size_t n = 0, split = 0;
	char err[1024];
	int rc = 0;

	reps = calloc((size_t)argc, sizeof(*reps));
	if (!reps)
		return 1;
	for (int i = 1; i < argc && !rc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			rc = ml_command_help(stdout, "compare") ? 2 : -1;
		} else if (!strcmp(a, "--json") || !strcmp(a, "--csv")) {
			if (fmt != ML_VIEW_TEXT)
				rc = ml_view_refused(
					"compare",
					"--json and --csv exclude each other");
			fmt = a[2] == 'j' ? ML_VIEW_JSON : ML_VIEW_CSV;
		} else if (!strcmp(a, "--")) {
			if (split || !n)
				rc = ml_view_refused("compare",
						     "'--' goes once, between A's reports and B's");
			split = n;
		} else if (a[0] == '-' && a[1]) {
			rc = ml_view_refused("compare", "unknown option '%s'",
					     a);
		} else if (n == ML_VIEW_MAX_RUNS * 2) {
			rc = ml_view_refused("compare",
					     "more than %d reports a side",
					     ML_VIEW_MAX_RUNS);
		} else if (ml_view_load(a, &reps[n], err, sizeof(err))) {
			rc = ml_view_refused("compare", "%s", err);
		} else {
			n++;
		}
	}
	if (!rc && split && (n == split || split > ML_VIEW_MAX_RUNS ||
			     n - split > ML_VIEW_MAX_RUNS))
		rc = ml_view_refused("compare",
				     "expected reports on both sides of '--', at most %d a side",
				     ML_VIEW_MAX_RUNS);
	if (!rc && !split && n < 2)
		rc = ml_view_refused("compare", "expected two reports or more, "
						"A.json B.json [C.json...]");
	if (!rc && split)
		ml_view_compare_pooled(stdout, fmt, reps, split, reps + split,
				       n - split);
	else if (!rc)
		ml_view_compare(stdout, fmt, reps, n);
	while (n)
		ml_view_free(&reps[--n]);
	free(reps);
	return rc < 0 ? 0 : rc;
}
