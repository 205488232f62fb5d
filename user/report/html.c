// SPDX-License-Identifier: GPL-2.0
/*
 * html.c - `modelab report`: a run as one HTML page to open anywhere, with
 * no network: the CSS inline, the pictures (plot.c) inline as data: URIs,
 * no script.  The environment, each probe's medians and figures with their
 * pictures, the witnesses, the claims and demonstrations with their
 * outcomes, the lab VM's counts and, asked for, a comparison.
 */
#define _GNU_SOURCE
#include "proc/proc.h"
#include "report/view.h"
#include "cli/help.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char style[] =
	"body{font:15px/1.45 sans-serif;margin:2em auto;max-width:1100px;"
	"color:#222;padding:0 1em}table{border-collapse:collapse;margin:1em 0}"
	"td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;"
	"vertical-align:top}th{background:#eee}td.n{text-align:right}"
	"img{max-width:100%;border:1px solid #ddd}figure{margin:0}"
	".grid{display:grid;grid-template-columns:repeat(auto-fill,"
	"minmax(520px,1fr));gap:1em}"
	".held{color:#1a7f37}.not{color:#b2182b}.real{background:#fde0dd}"
	"pre{background:#f6f6f6;padding:.5em;white-space:pre-wrap}";

void ml_html_text(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '&':
			fputs("&amp;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			fputc(*s, out);
		}
	}
}

/* dir/stem.png as an <img> with a data: URI; nothing when it is absent. */
static void picture(FILE *out, const char *dir, const char *stem,
		    const char *alt)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqr"
				  "stuvwxyz0123456789+/";
	unsigned char in[3];
	char path[1024];
	size_t n;
	FILE *png;

	snprintf(path, sizeof(path), "%s/%s.png", dir ? dir : "", stem);
	png = dir ? fopen(path, "rb") : NULL;
	if (!png)
		return;
	fputs("<img alt=\"", out);
	ml_html_text(out, alt);
	fputs("\" src=\"data:image/png;base64,", out);
	while ((n = fread(in, 1, 3, png)) > 0) {
		unsigned v = (unsigned)in[0] << 16 |
			     (n > 1 ? (unsigned)in[1] << 8 : 0) |
			     (n > 2 ? in[2] : 0);

		for (size_t i = 0; i < 4; i++)
			fputc(i <= n ? b64[(v >> (18 - 6 * i)) & 63] : '=',
			      out);
	}
	fclose(png);
	fputs("\">\n", out);
}

static void cell_num(FILE *out, double v)
{
	if (isfinite(v))
		fprintf(out, "<td class=\"n\">%.4g</td>", v);
	else
		fputs("<td></td>", out);
}

static void name_cell(FILE *out, const struct ml_view_figure *f)
{
	fputs("<td>", out);
	ml_html_text(out, f->figure);
	fputs("</td>", out);
}

/* probe/figure, escaped */
static void full_name(FILE *out, const struct ml_view_figure *f)
{
	ml_html_text(out, f->probe);
	fputc('/', out);
	ml_html_text(out, f->figure);
}

static void environment(FILE *out, const struct ml_view_report *r)
{
	fputs("<h2 id=\"environment\">Environment</h2>\n<table>\n", out);
	for (size_t i = 0; i < r->nenv; i++) {
		fputs("<tr><th>", out);
		ml_html_text(out, r->env_key[i]);
		fputs("</th><td>", out);
		ml_html_text(out, r->env_value[i]);
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
	if (!r->have_observer)
		return;
	fprintf(out,
		"<p>The observer effect: the null syscall took %.4g ns with "
		"modelab.ko counting, %.4g ns without; ratio %.4g [%.4g, "
		"%.4g]: ",
		r->observer_on_ns, r->observer_off_ns, r->observer_ratio.value,
		r->observer_ratio.low, r->observer_ratio.high);
	ml_html_text(out, r->observer_outcome);
	fputs(".</p>\n", out);
}

/*
 * One probe (its first timed figure first): its summary picture, one row
 * a timed figure, the pictures; its figures by their chain (load.c).
 */
static void probe_section(FILE *out, const struct ml_view_report *r,
			  const char *dir, size_t first)
{
	const char *probe = r->figs[first].probe;
	char stem[256];

	fputs("<h3>", out);
	ml_html_text(out, probe);
	fputs("</h3>\n", out);
	ml_view_stem(stem, sizeof(stem), "summary", probe, NULL);
	picture(out, dir, stem, "medians and their 95% intervals");
	fputs("<table>\n<tr><th>figure</th><th>what</th><th>median ns</th>"
	      "<th>95% low</th><th>95% high</th><th>p90</th><th>p99</th>"
	      "<th>× null syscall</th><th>rounds</th></tr>\n",
	      out);
	for (size_t i = first; i != ML_VIEW_NONE; i = r->figs[i].next_timed) {
		const struct ml_view_figure *f = &r->figs[i];

		fputs("<tr>", out);
		name_cell(out, f);
		fputs("<td>", out);
		ml_html_text(out, f->what);
		fputs("</td>", out);
		cell_num(out, f->median.value);
		cell_num(out, f->median.low);
		cell_num(out, f->median.high);
		cell_num(out, f->p90);
		cell_num(out, f->p99);
		cell_num(out, f->ratio_null.value);
		fprintf(out, "<td class=\"n\">%zu%s</td></tr>\n", f->rounds,
			f->converged ? "" : " (not converged)");
	}
	fputs("</table>\n<div class=\"grid\">\n", out);
	for (size_t i = first; i != ML_VIEW_NONE; i = r->figs[i].next_timed) {
		const struct ml_view_figure *f = &r->figs[i];

		ml_view_stem(stem, sizeof(stem), NULL, f->probe, f->figure);
		fputs("<figure>", out);
		picture(out, dir, stem, f->figure);
		fputs("<figcaption>", out);
		full_name(out, f);
		fputs("</figcaption></figure>\n", out);
	}
	fputs("</div>\n", out);
}

static void witnesses(FILE *out, const struct ml_view_report *r,
		      const char *dir)
{
	char stem[256];

	fputs("<h2 id=\"witnesses\">Witnesses: what each op caused</h2>\n",
	      out);
	for (size_t i = 0; i < r->nfigs; i++) {
		if (!ml_view_first_timed(r, i))
			continue; /* witness pictures are drawn per probe timed */
		ml_view_stem(stem, sizeof(stem), "witnesses", r->figs[i].probe,
			     NULL);
		picture(out, dir, stem, "witness counts per op");
	}
	fputs("<h3 id=\"labvm\">The kernel's own counts (modelab.ko)</h3>\n"
	      "<table>\n<tr><th>figure</th><th>counted in</th>"
	      "<th>syscalls / op</th><th>faults / op</th><th>signals / op</th>"
	      "</tr>\n",
	      out);
	for (size_t i = 0, rows = 0; i < r->nfigs; i++) {
		const struct ml_view_figure *f = &r->figs[i];

		if (i + 1 == r->nfigs && !rows && !f->counted_in)
			fputs("<tr><td colspan=\"5\">none in this report: "
			      "modelab.ko was not loaded (make run takes them "
			      "in the lab VM)</td></tr>\n",
			      out);
		if (!f->counted_in)
			continue;
		rows++;
		fputs("<tr><td>", out);
		full_name(out, f);
		fputs("</td><td>", out);
		ml_html_text(out, f->counted_in);
		fputs("</td>", out);
		for (size_t w = 4; w < 7; w++) /* the kernel_*_per_op */
			cell_num(out, f->witness[w]);
		fputs("</tr>\n", out);
	}
	fputs("</table>\n", out);
}

/* Each claim with its outcome and interval; each demonstration's notes. */
static void claims(FILE *out, const struct ml_view_report *r)
{
	fputs("<h2 id=\"claims\">Claims and demonstrations</h2>\n<table>\n"
	      "<tr><th>figure</th><th>claim</th><th>against</th>"
	      "<th>ratio [95%]</th><th>outcome</th></tr>\n",
	      out);
	for (size_t i = 0; i < r->nfigs; i++) {
		const struct ml_view_figure *f = &r->figs[i];
		const char *o = f->claim_outcome ? f->claim_outcome : "";

		if (!f->claim || f->kind != ML_VIEW_TIMED)
			continue;
		fputs("<tr><td>", out);
		full_name(out, f);
		fputs("</td><td>", out);
		ml_html_text(out, f->claim);
		fputs("</td><td>", out);
		ml_html_text(out, f->pair_with);
		fprintf(out, "</td><td>%.4g [%.4g, %.4g]</td><td class=\"%s\">",
			f->pair_ratio.value, f->pair_ratio.low,
			f->pair_ratio.high,
			!strcmp(o, "held")	 ? "held"
			: !strcmp(o, "not held") ? "not"
						 : "");
		ml_html_text(out, o);
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
	for (size_t i = 0; i < r->nfigs; i++) {
		const struct ml_view_figure *f = &r->figs[i];

		if (f->kind != ML_VIEW_DEMO)
			continue;
		fputs("<h3>", out);
		full_name(out, f);
		/* verified only when the report says true (-1: it did not) */
		fprintf(out, ": <span class=\"%s\">%s</span></h3>\n<p>",
			f->verified == 1 ? "held" : f->verified == 0 ? "not" : "",
			f->verified == 1 ? "verified" :
			f->verified == 0 ? "not verified" : "not checked");
		ml_html_text(out, f->what);
		ml_html_text(out, f->verify_error ? ": " : "");
		ml_html_text(out, f->verify_error);
		fputs("</p>\n<pre>", out);
		ml_html_text(out, f->notes);
		fputs("</pre>\n", out);
	}
}

static void not_measured(FILE *out, const struct ml_view_report *r)
{
	fputs("<h2 id=\"skipped\">Skipped and failed</h2>\n<table>\n", out);
	for (size_t i = 0; i < r->nfigs; i++) {
		const struct ml_view_figure *f = &r->figs[i];

		if (f->kind != ML_VIEW_SKIPPED && f->kind != ML_VIEW_FAILED)
			continue;
		fputs("<tr><td>", out);
		full_name(out, f);
		fprintf(out, "</td><td>%s</td><td>",
			f->kind == ML_VIEW_SKIPPED ? "skipped" : "failed");
		ml_html_text(out, f->reason);
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
}

void ml_html_page(FILE *out, const struct ml_view_report *r,
		  const struct ml_view_report *other, const char *dir)
{
	fprintf(out,
		"<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
		"charset=\"utf-8\">"
		"<title>modelab report</title><style>%s</style></head><body>\n"
		"<h1>modelab report</h1>\n<p>",
		style);
	ml_html_text(out, r->path);
	fputs(", modelab ", out);
	ml_html_text(out, r->version);
	fputs("</p>\n<p><a href=\"#environment\">environment</a> · <a "
	      "href=\"#figures\">"
	      "figures</a> · <a href=\"#witnesses\">witnesses</a> · <a "
	      "href=\"#claims\">"
	      "claims</a> · <a href=\"#skipped\">skipped</a></p>\n",
	      out);
	environment(out, r);
	fputs("<h2 id=\"figures\">Figures</h2>\n<p>Each picture is the "
	      "histogram "
	      "of one figure's times: the median (red line), its 95% interval "
	      "(shaded) and p99 (dashed).</p>\n",
	      out);
	for (size_t i = 0; i < r->nfigs; i++)
		if (ml_view_first_timed(r, i))
			probe_section(out, r, dir, i);
	witnesses(out, r, dir);
	claims(out, r);
	not_measured(out, r);
	if (other)
		ml_view_compare_html(out, r, other);
	fputs("</body></html>\n", out);
}

int ml_report_main(int argc, char **argv)
{
	const char *in = NULL, *outpath = NULL, *with = NULL;
	struct ml_view_report r, other;
	char err[1024] = "", dir[1024];
	int pictures, rc = 0;
	FILE *out;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return ml_command_help(stdout, "report") ? 2 : 0;
		if ((!strcmp(a, "-o") || !strcmp(a, "--compare")) &&
		    i + 1 == argc)
			return ml_view_refused("report", "%s needs a file", a);
		if (!strcmp(a, "-o"))
			outpath = argv[++i];
		else if (!strcmp(a, "--compare"))
			with = argv[++i];
		else if (a[0] == '-' && a[1])
			return ml_view_refused("report", "unknown option '%s'",
					       a);
		else if (in)
			return ml_view_refused("report",
					       "unexpected argument '%s'", a);
		else
			in = a;
	}
	if (!in || !outpath)
		return ml_view_refused("report",
				       "expected REPORT.json -o FILE.html");
	if (ml_view_load(in, &r, err, sizeof(err)))
		return ml_view_refused("report", "%s", err);
	if (with && ml_view_load(with, &other, err, sizeof(err))) {
		ml_view_free(&r);
		return ml_view_refused("report", "%s", err);
	}
	ml_cleanup_install(false);
	pictures = ml_scratch_subdir(dir, sizeof(dir), "plots")
			   ? -1
			   : ml_plot(&r, dir, err, sizeof(err));
	if (pictures < 0)
		fprintf(stderr, "modelab report: no pictures: %s\n",
			err[0] ? err : strerror(errno));
	out = strcmp(outpath, "-") ? fopen(outpath, "w") : stdout;
	if (out) {
		ml_html_page(out, &r, with ? &other : NULL,
			     pictures < 0 ? NULL : dir);
		if (out != stdout ? fclose(out) : fflush(out))
			out = NULL;
	}
	if (!out) {
		fprintf(stderr, "modelab report: cannot write %s: %s\n",
			outpath, strerror(errno));
		rc = 1;
	} else {
		fprintf(stderr,
			"modelab report: wrote %s (%d pictures inline)\n",
			outpath, pictures < 0 ? 0 : pictures / 2);
	}
	ml_view_free(&r);
	if (with)
		ml_view_free(&other);
	return rc;
}
