// SPDX-License-Identifier: GPL-2.0
/*
 * compare.c - two runs side by side (machines, kernels, mitigations, a
 * change): per figure both medians, the ratio B/A with a 95% interval and
 * whether the difference is real.
 *
 * The interval of B/A is built from the two medians' own 95% intervals,
 * as the report gives them (already widened for what one process cannot
 * see, measure.c): from B's lowest over A's highest to B's highest over
 * A's lowest.  In logarithms that adds the two half-widths, where two
 * independent errors add in quadrature (sqrt(a^2 + b^2) <= a + b): the
 * interval is at least as wide as a 95% interval of the ratio, up to
 * sqrt(2) times wider, and it keeps each interval's asymmetry.  A
 * difference is "real" when that interval excludes 1: conservative on
 * purpose, so that a class pooling runs does not chase noise.
 */
#include "internal.h"
#include "view.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool usable(const struct ml_view_interval *iv)
{
	return isfinite(iv->value) && isfinite(iv->low) && isfinite(iv->high) &&
	       iv->value > 0 && iv->low > 0 && iv->low <= iv->value &&
	       iv->value <= iv->high;
}

int ml_view_ratio(const struct ml_view_interval *a,
		  const struct ml_view_interval *b, struct ml_view_ratio *out)
{
	if (!usable(a) || !usable(b))
		return -1;
	out->value = b->value / a->value;
	out->low = b->low / a->high;
	out->high = b->high / a->low;
	out->real = out->low > 1 || out->high < 1;
	return 0;
}

/*
 * s for a terminal: control characters (C0, DEL, C1) as \xNN, so that a
 * file's name cannot move the cursor or retitle the window.  (The loader
 * already refuses them in probe and figure names.)
 */
static const char *term_text(char *buf, size_t len, const char *s)
{
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)s;
	     *p && o + 5 < len; p++) {
		bool c1 = *p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;

		if (*p >= 0x20 && *p != 0x7f && !c1)
			buf[o++] = (char)*p;
		else
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x",
					      c1 ? *++p : *p);
	}
	buf[o] = '\0';
	return buf;
}

/* A figure of a that b can be set against: timed in both. */
static const struct ml_view_figure *counterpart(const struct ml_view_figure *f,
						const struct ml_view_report *b)
{
	const struct ml_view_figure *g = ml_view_find(b, f->probe, f->figure);

	return f->kind == ML_VIEW_TIMED && g && g->kind == ML_VIEW_TIMED ? g
									 : NULL;
}

static const char *verdict(const struct ml_view_figure *f,
			   const struct ml_view_figure *g,
			   struct ml_view_ratio *r)
{
	if (ml_view_ratio(&f->median, &g->median, r))
		return "undecided (no interval)";
	return r->real ? "real difference" : "no real difference";
}

/* A number of JSON: null when it is not one. */
static void json_num(FILE *out, const char *key, double v)
{
	fprintf(out, isfinite(v) ? ", \"%s\": %.6g" : ", \"%s\": null", key, v);
}

static void json_row(FILE *out, const struct ml_view_figure *f,
		     const struct ml_view_figure *g,
		     const struct ml_view_ratio *r, const char *v)
{
	fputs("\n      {\"probe\": ", out);
	ml_json_string(out, f->probe);
	fputs(", \"figure\": ", out);
	ml_json_string(out, f->figure);
	json_num(out, "a_median_ns", f->median.value);
	json_num(out, "a_ci95_low_ns", f->median.low);
	json_num(out, "a_ci95_high_ns", f->median.high);
	json_num(out, "b_median_ns", g->median.value);
	json_num(out, "b_ci95_low_ns", g->median.low);
	json_num(out, "b_ci95_high_ns", g->median.high);
	json_num(out, "ratio", r->value);
	json_num(out, "ratio_ci95_low", r->low);
	json_num(out, "ratio_ci95_high", r->high);
	fprintf(out, ", \"verdict\": \"%s\"}", v);
}

static void csv_start(FILE *out, const struct ml_view_report *a,
		      const struct ml_view_report *b,
		      const struct ml_view_figure *f)
{
	ml_csv_field(out, a->path);
	fputc(',', out);
	ml_csv_field(out, b->path);
	fputc(',', out);
	ml_csv_field(out, f->probe);
	fputc(',', out);
	ml_csv_field(out, f->figure);
}

/* Figures timed in x and not in y: "only in A" (or B); how many. */
static size_t only_in(FILE *out, enum ml_view_format fmt,
		      const struct ml_view_report *a,
		      const struct ml_view_report *b, bool in_b)
{
	const struct ml_view_report *x = in_b ? b : a, *y = in_b ? a : b;
	char side = in_b ? 'B' : 'A';
	size_t n = 0;

	if (fmt == ML_VIEW_JSON)
		fprintf(out, ", \"only_in_%c\": [", in_b ? 'b' : 'a');
	for (size_t i = 0; i < x->nfigs; i++) {
		const struct ml_view_figure *f = &x->figs[i];

		if (f->kind != ML_VIEW_TIMED || counterpart(f, y))
			continue;
		if (fmt == ML_VIEW_TEXT) {
			char p[256], g[256];

			fprintf(out, "%s/%s: only in %c\n",
				term_text(p, sizeof(p), f->probe),
				term_text(g, sizeof(g), f->figure), side);
		} else if (fmt == ML_VIEW_CSV) {
			csv_start(out, a, b, f);
			fprintf(out, ",,,,,,,,,,only in %c\n", side);
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

/* One comparison: text rows, CSV rows or one JSON object. */
static void compare_two(FILE *out, enum ml_view_format fmt,
			const struct ml_view_report *a,
			const struct ml_view_report *b, bool comma)
{
	size_t both = 0, real = 0, only_a, only_b;

	if (fmt == ML_VIEW_TEXT) {
		char pa[1024], pb[1024];

		fprintf(out, "A: %s\nB: %s\n%-44s %11s %11s  %-26s %s\n",
			term_text(pa, sizeof(pa), a->path),
			term_text(pb, sizeof(pb), b->path), "figure",
			"A median ns", "B median ns", "B/A [95% interval]",
			"verdict");
	}
	if (fmt == ML_VIEW_JSON) {
		fputs("    {\"a\": ", out);
		ml_json_string(out, a->path);
		fputs(", \"b\": ", out);
		ml_json_string(out, b->path);
		fputs(", \"figures\": [", out);
	}
	for (size_t i = 0; i < a->nfigs; i++) {
		const struct ml_view_figure *f = &a->figs[i];
		const struct ml_view_figure *g = counterpart(f, b);
		struct ml_view_ratio r = {NAN, NAN, NAN, false};
		char name[160], shown[640], ratio[64];
		const char *v;

		if (!g)
			continue;
		v = verdict(f, g, &r);
		real += r.real;
		if (fmt == ML_VIEW_TEXT) {
			snprintf(name, sizeof(name), "%s/%s", f->probe,
				 f->figure);
			snprintf(ratio, sizeof(ratio), "%.3g [%.3g, %.3g]",
				 r.value, r.low, r.high);
			fprintf(out, "%-44s %11.4g %11.4g  %-26s %s\n",
				term_text(shown, sizeof(shown), name),
				f->median.value, g->median.value, ratio, v);
		} else if (fmt == ML_VIEW_CSV) {
			csv_start(out, a, b, f);
			fprintf(out, ",%g,%g,%g,%g,%g,%g,%g,%g,%g,%s\n",
				f->median.value, f->median.low, f->median.high,
				g->median.value, g->median.low, g->median.high,
				r.value, r.low, r.high, v);
		} else {
			fputs(both ? "," : "", out);
			json_row(out, f, g, &r, v);
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

void ml_view_compare(FILE *out, enum ml_view_format fmt,
		     const struct ml_view_report *reps, size_t nreps)
{
	if (fmt == ML_VIEW_JSON)
		fputs("{\n  \"comparisons\": [\n", out);
	if (fmt == ML_VIEW_CSV)
		fputs("a,b,probe,figure,a_median_ns,a_ci95_low_ns,a_ci95_high_"
		      "ns,"
		      "b_median_ns,b_ci95_low_ns,b_ci95_high_ns,ratio,"
		      "ratio_ci95_low,ratio_ci95_high,verdict\n",
		      out);
	for (size_t i = 1; i < nreps; i++) {
		if (fmt == ML_VIEW_TEXT && i > 1)
			fputc('\n', out);
		compare_two(out, fmt, &reps[0], &reps[i], i + 1 < nreps);
	}
	if (fmt == ML_VIEW_JSON)
		fputs("  ]\n}\n", out);
}

void ml_view_compare_html(FILE *out, const struct ml_view_report *a,
			  const struct ml_view_report *b)
{
	fputs("<h2 id=\"compare\">Compared with another run</h2>\n<p>A: ", out);
	ml_html_text(out, a->path);
	fputs("<br>B: ", out);
	ml_html_text(out, b->path);
	fputs("</p>\n<p>B/A's interval runs from B's lowest over A's highest "
	      "to "
	      "B's highest over A's lowest median (each a 95% interval): a "
	      "difference is real when it excludes 1.</p>\n<table>\n<tr><th>"
	      "figure</th><th>A median ns</th><th>B median ns</th><th>B/A "
	      "[95%]</th><th>verdict</th></tr>\n",
	      out);
	for (size_t i = 0; i < a->nfigs; i++) {
		const struct ml_view_figure *f = &a->figs[i];
		const struct ml_view_figure *g = counterpart(f, b);
		struct ml_view_ratio r = {NAN, NAN, NAN, false};
		const char *v;

		if (!g)
			continue;
		v = verdict(f, g, &r);
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
	size_t n = 0;
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
		} else if (a[0] == '-' && a[1]) {
			rc = ml_view_refused("compare", "unknown option '%s'",
					     a);
		} else if (ml_view_load(a, &reps[n], err, sizeof(err))) {
			rc = ml_view_refused("compare", "%s", err);
		} else {
			n++;
		}
	}
	if (!rc && n < 2)
		rc = ml_view_refused("compare", "expected two reports or more, "
						"A.json B.json [C.json...]");
	if (!rc)
		ml_view_compare(stdout, fmt, reps, n);
	while (n)
		ml_view_free(&reps[--n]);
	free(reps);
	return rc < 0 ? 0 : rc;
}
