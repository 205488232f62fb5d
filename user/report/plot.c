// SPDX-License-Identifier: GPL-2.0
/*
 * plot.c - a report's pictures, drawn by gnuplot (the rt-tests convention):
 * per timed figure its histogram with the median, the median's 95%
 * interval and p99 marked; per probe its medians on a log axis with their
 * intervals, and what each op caused in the witness pass.  Each as SVG
 * and PNG.  One gnuplot script in the scratch directory, the data inline
 * as datablocks, one gnuplot process.
 */
#define _GNU_SOURCE
#include "util/util.h"
#include "proc/proc.h"
#include "report/view.h"
#include "cli/help.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define GNUPLOT_DEADLINE_S 300
/*
 * Bounds, so that a report of 40,000 figures is drawn in seconds: at most
 * this many pictures (each an SVG and a PNG; a full run draws 131), and a
 * probe's summary shows its first ML_PLOT_MAX_SUMMARY figures.
 */
#define ML_PLOT_MAX_PICTURES 150
#define ML_PLOT_MAX_SUMMARY 60
#define INK "'#4d4d4d'"
#define MEDIAN_INK "'#b2182b'"
#define CI_INK "'#f4a582'"
#define P99_INK "'#2166ac'"

/* Text longer than this is cut in a picture (at a character's start). */
#define GP_MAX_TEXT 160

/*
 * Text from the report into the script.  In a command, single-quoted
 * pieces, where nothing is special (a double-quoted string would run a
 * `command` in backquotes), each ' as the expression ' . "'" . ' (the
 * doubled '' escape fails at a string's start: '''x' is '' then x, and
 * gnuplot stops).  In a datablock (data, where nothing is substituted) a
 * word in double quotes with '"' as '\''.  Control characters are spaces
 * either way: a line break would end the line and let the report write
 * gnuplot commands.
 */
static void gp_quoted(FILE *gp, const char *s, bool data)
{
	const char *end = s + strlen(s);
	char quote = data ? '"' : '\'';

	if (end - s > GP_MAX_TEXT) {
		end = s + GP_MAX_TEXT;
		while (end > s && (*end & 0xc0) == 0x80)
			end--;	/* not inside a UTF-8 sequence */
	}
	fputc(quote, gp);
	for (; s < end; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			fputc(' ', gp);
		else if (*s == '"' && data)
			fputc('\'', gp);
		else if (*s == '\'' && !data)
			fputs("' . \"'\" . '", gp);
		else
			fputc(*s, gp);
	}
	fputc(quote, gp);
}

static void gp_str(FILE *gp, const char *s)
{
	gp_quoted(gp, s, false);
}

/*
 * The picture just set up (its plot command in plotcmd), as dir/stem.svg
 * and dir/stem.png.  Returns 2: the files made.
 */
static int emit(FILE *gp, const char *dir, const char *stem, int width,
		int height)
{
	for (int png = 0; png < 2; png++) {
		fprintf(gp,
			"set terminal %s size %d,%d font 'sans,%d' noenhanced "
			"background '#ffffff'\nset output ",
			png ? "pngcairo" : "svg", width, height, png ? 10 : 12);
		gp_str(gp, dir);
		fprintf(gp, " . '/%s.%s'\n%s\nunset output\n", stem,
			png ? "png" : "svg", png ? "replot" : "eval plotcmd");
	}
	return 2;
}

static int figure_picture(FILE *gp, const char *dir,
			  const struct ml_view_figure *f)
{
	char stem[256];

	fputs("reset\n$h << EOD\n", gp);
	for (size_t b = 0; b < f->nbuckets; b++)
		fprintf(gp, "%.6g %zu\n",
			f->hist_low + ((double)b + 0.5) * f->hist_width,
			f->counts[b]);
	fputs("EOD\nset title ", gp);
	gp_str(gp, f->what);
	fputs("\nset xlabel 'ns per op'\nset ylabel 'samples'\n"
	      "set yrange [0:*]\nset key top right opaque\n"
	      "set style fill solid 0.6 noborder\nset label 1 ",
	      gp);
	gp_str(gp, f->probe);
	fputs(" . '/' . ", gp);
	gp_str(gp, f->figure);
	fputs(" at graph 0.01, graph 1.04\n", gp);
	if (isfinite(f->median.low) && isfinite(f->median.high))
		fprintf(gp,
			"set object 1 rect from %.6g, graph 0 to %.6g, graph 1 "
			"fc rgb " CI_INK " fs solid 0.5 noborder behind\n",
			f->median.low, f->median.high);
	fprintf(gp,
		"set arrow 1 from %.6g, graph 0 to %.6g, graph 1 nohead lc "
		"rgb " MEDIAN_INK " lw 2 front\n",
		f->median.value, f->median.value);
	if (isfinite(f->p99))
		fprintf(gp,
			"set arrow 2 from %.6g, graph 0 to %.6g, graph 1 "
			"nohead dt 2 lc rgb " P99_INK " lw 2 front\n",
			f->p99, f->p99);
	fprintf(gp,
		"plotcmd = \"plot $h using 1:2:(%.6g) with boxes lc rgb " INK
		" title 'samples (%zu at or above p99 not drawn)', "
		"NaN with lines lc rgb " MEDIAN_INK
		" lw 2 title 'median %.4g ns', "
		"NaN with boxes fc rgb " CI_INK
		" title '95%% interval [%.4g, %.4g]', "
		"NaN with lines dt 2 lc rgb " P99_INK
		" lw 2 title 'p99 %.4g ns'\"\n",
		f->hist_width * 0.9, f->above, f->median.value, f->median.low,
		f->median.high, f->p99);
	ml_view_stem(stem, sizeof(stem), NULL, f->probe, f->figure);
	return emit(gp, dir, stem, 800, 450);
}

/*
 * Each timed figure of a probe (from its first): its median and interval,
 * on a log axis when every one is above 0 (log of 0 would leave gnuplot
 * nothing to draw, and it would stop).
 */
static int summary_picture(FILE *gp, const char *dir,
			   const struct ml_view_report *r, size_t first)
{
	const char *probe = r->figs[first].probe;
	bool positive = true;
	char stem[256];
	size_t n = 0, all = 0;

	for (size_t i = first; i != ML_VIEW_NONE; i = r->figs[i].next_timed)
		all++;
	fputs("reset\n$s << EOD\n", gp);
	for (size_t i = first; i != ML_VIEW_NONE && n < ML_PLOT_MAX_SUMMARY;
	     i = r->figs[i].next_timed) {
		const struct ml_view_figure *f = &r->figs[i];

		positive &= f->median.value > 0 &&
			    !(f->median.low <= 0) && !(f->median.high <= 0);
		fprintf(gp, "%zu %.6g %.6g %.6g ", n++, f->median.value,
			isfinite(f->median.low) ? f->median.low
						: f->median.value,
			isfinite(f->median.high) ? f->median.high
						 : f->median.value);
		gp_quoted(gp, f->figure, true);
		fputc('\n', gp);
	}
	fputs("EOD\nset title ", gp);
	gp_str(gp, probe);
	if (all > n)
		fprintf(gp, " . ' (the first %zu figures of %zu)'", n, all);
	fprintf(gp,
		"\n%s\nset grid ytics mytics\nset xrange [-0.7:%zu.7]\n"
		"set xtics rotate by -45 left\nset bmargin 10\nset rmargin 12\n"
		"set key top left\n"
		"plotcmd = \"plot $s using 1:2:3:4:xtic(5) with yerrorbars pt "
		"7 lc rgb " MEDIAN_INK " title 'median, 95%% interval'\"\n",
		positive ? "set logscale y\nset ylabel 'median ns per op (log)'" :
			   "set ylabel 'median ns per op'",
		n - 1);
	ml_view_stem(stem, sizeof(stem), "summary", probe, NULL);
	return emit(gp, dir, stem, n > 20 ? 1200 : 800, 520);
}

/* A count per op as a shade: none -1, 0.001 0, 1 1, 1000 and more 2. */
static double shade(double per_op)
{
	return per_op > 0 ? fmax(-1, fmin(2, 1 + log10(per_op) / 3)) : -1;
}

static bool has_witness(const struct ml_view_figure *f)
{
	for (size_t w = 0; w < ML_VIEW_NWITNESS; w++)
		if (isfinite(f->witness[w]))
			return true;
	return false;
}

/*
 * What each op of the probe's figures caused in the witness pass: a grid
 * of counts per op, darker for more (log).  0 when no figure has any.
 */
static int witness_picture(FILE *gp, const char *dir,
			   const struct ml_view_report *r, size_t first)
{
	const char *probe = r->figs[first].probe;
	bool column[ML_VIEW_NWITNESS] = {false};
	size_t rows = 0, cols = 0;
	char stem[256];

	for (size_t i = first; i != ML_VIEW_NONE; i = r->figs[i].next_timed)
		for (size_t w = 0; w < ML_VIEW_NWITNESS; w++)
			column[w] |= isfinite(r->figs[i].witness[w]);
	fputs("reset\n$w << EOD\n", gp);
	for (size_t i = first; i != ML_VIEW_NONE; i = r->figs[i].next_timed) {
		const struct ml_view_figure *f = &r->figs[i];

		if (!has_witness(f))
			continue;
		for (size_t w = 0, c = 0; w < ML_VIEW_NWITNESS; w++) {
			if (!column[w])
				continue;
			if (isfinite(f->witness[w]))
				fprintf(gp, "%zu %zu %.3f \"%.3g\"\n", c, rows,
					shade(f->witness[w]), f->witness[w]);
			c++;
		}
		fprintf(gp, "# row %zu\n", rows);
		rows++;
	}
	if (!rows) {
		fputs("EOD\n", gp);
		return 0;
	}
	fputs("EOD\nset xtics (", gp);
	for (size_t w = 0; w < ML_VIEW_NWITNESS; w++)
		if (column[w]) {
			fprintf(gp, "%s'%s' %zu", cols ? ", " : "",
				ml_view_witness_label[w], cols);
			cols++;
		}
	fputs(") rotate by -30 left\nset ytics (", gp);
	rows = 0;
	for (size_t i = first; i != ML_VIEW_NONE; i = r->figs[i].next_timed) {
		const struct ml_view_figure *f = &r->figs[i];

		if (!has_witness(f))
			continue;
		fputs(rows ? ", " : "", gp);
		gp_str(gp, f->figure);
		fprintf(gp, " %zu", rows++);
	}
	fputs(")\nset title ", gp);
	gp_str(gp, probe);
	fputs(" . ': what one op caused (witness pass, per op)'\n", gp);
	fprintf(gp,
		"set xrange [-0.5:%zu.5]\nset yrange [%zu.5:-0.5]\n"
		"set palette defined (-1 'white', 0 '#fee0d2', 1 '#fb6a4a', 2 "
		"'#a50f15')\n"
		"set cbrange [-1:2]\nunset colorbox\nset bmargin 8\nunset key\n"
		"plotcmd = \"plot $w using 1:2:(0.5):(0.5):3 with boxxyerror "
		"fc palette fs solid, "
		"$w using 1:2:4 with labels\"\n",
		cols - 1, rows - 1);
	ml_view_stem(stem, sizeof(stem), "witnesses", probe, NULL);
	return emit(gp, dir, stem, 160 + 110 * (int)cols, 160 + 24 * (int)rows);
}

/* gnuplot SCRIPT, waited for; 0, or -1 with err saying why not. */
static int run_gnuplot(const char *script, char *err, size_t errlen)
{
	int status = 0;
	pid_t pid = ml_child_fork(-1);

	if (pid < 0)
		return ml_errorf(err, errlen, "cannot fork: %s",
				 strerror(errno));
	if (!pid) {
		execlp("gnuplot", "gnuplot", script, (char *)NULL);
		_exit(127);
	}
	if (ml_child_reap(pid, GNUPLOT_DEADLINE_S, &status) == 1)
		return ml_errorf(err, errlen, "gnuplot took over %d s: killed",
				 GNUPLOT_DEADLINE_S);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return ml_errorf(err, errlen,
				 "gnuplot not found (Debian: apt-get install "
				 "gnuplot-nox)");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return ml_errorf(err, errlen,
				 "gnuplot failed (its message above)");
	return 0;
}

int ml_plot_script(FILE *gp, const struct ml_view_report *r, const char *dir)
{
	int total = 0;

	fputs("set encoding utf8\n", gp);
	for (size_t i = 0; i < r->nfigs; i++) {
		const struct ml_view_figure *f = &r->figs[i];

		if (f->kind != ML_VIEW_TIMED)
			continue;
		if (f->nbuckets && total < 2 * ML_PLOT_MAX_PICTURES)
			total += figure_picture(gp, dir, f);
		if (ml_view_first_timed(r, i) &&
		    total < 2 * ML_PLOT_MAX_PICTURES - 2)
			total += summary_picture(gp, dir, r, i) +
				 witness_picture(gp, dir, r, i);
	}
	return total;
}

int ml_plot(const struct ml_view_report *r, const char *dir, char *err,
	    size_t errlen)
{
	char script[1024];
	int total;
	FILE *gp;

	if (mkdir(dir, 0777) && errno != EEXIST)
		return ml_errorf(err, errlen,
				 "cannot make the directory %s: %s", dir,
				 strerror(errno));
	if (ml_scratch_path(script, sizeof(script), "plot.gp") ||
	    !(gp = fopen(script, "w")))
		return ml_errorf(err, errlen,
				 "cannot write a scratch file in %s: %s",
				 ml_scratch_base(), strerror(errno));
	total = ml_plot_script(gp, r, dir);
	if (fclose(gp))
		return ml_errorf(err, errlen,
				 "cannot write the plot script: %s",
				 strerror(errno));
	if (run_gnuplot(script, err, errlen))
		return -1;
	return total;
}

int ml_plot_main(int argc, char **argv)
{
	struct ml_view_report r;
	char err[1024];
	int n;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return ml_command_help(stdout, "plot") ? 2 : 0;
	if (argc != 3 || (argv[1][0] == '-' && argv[1][1]))
		return ml_view_refused("plot", "expected REPORT.json DIR");
	if (ml_view_load(argv[1], &r, err, sizeof(err)))
		return ml_view_refused("plot", "%s", err);
	ml_cleanup_install(false);
	n = ml_plot(&r, argv[2], err, sizeof(err));
	ml_view_free(&r);
	if (n < 0) {
		fprintf(stderr, "modelab plot: %s\n", err);
		return 1;
	}
	printf("modelab plot: %d pictures (%d SVG, %d PNG) in %s\n", n, n / 2,
	       n / 2, argv[2]);
	return 0;
}
