// SPDX-License-Identifier: GPL-2.0
/*
 * csv.c - the report as CSV: one header line, one row a figure, every row
 * as wide as the header, RFC 4180 quoting.
 */
#include "measure/measuring.h"
#include "report/output.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* RFC 4180: quote a field that holds a comma, a quote or a line break. */
void ml_csv_field(FILE *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/*
 * One line of such a CSV split in place into at most max fields, quotes
 * undone; returns how many.  The line ends at its newline.
 */
int ml_csv_split(char *line, char **field, int max)
{
	char *r = line, *w = line;
	int n = 0;

	while (n < max) {
		bool quoted = *r == '"';

		field[n++] = w;
		r += quoted;
		for (; *r && (quoted || (*r != ',' && *r != '\n' && *r != '\r')); r++) {
			if (quoted && *r == '"') {
				if (r[1] != '"') {
					quoted = false;
					continue;
				}
				r++;
			}
			*w++ = *r;
		}
		if (*r != ',') {
			*w = '\0';
			break;
		}
		r++;
		*w++ = '\0';
	}
	return n;
}

/*
 * The CSV's columns, in order.  New ones go at the end: scripts (the lab
 * VM's importer among them) find columns by name, old ones by position.
 */
enum csv_col {
	COL_PROBE, COL_FIGURE, COL_SKIPPED, COL_MEDIAN, COL_P99, COL_CI_LOW,
	COL_CI_HIGH, COL_MIN, COL_MEAN, COL_P90, COL_MAX, COL_STDDEV,
	COL_BATCHES, COL_BATCH_OPS, COL_CONVERGED, COL_RATIO, COL_MINFLT,
	COL_MAJFLT, COL_PERF_MINFLT, COL_PERF_MAJFLT, COL_K_SYSCALLS,
	COL_K_FAULTS, COL_K_SIGNALS, COL_IRQ_DEVICE, COL_IRQ_TLB, COL_IRQ_CAL,
	COL_IRQ_IWI, COL_VERIFIED, COL_RATIO_LOW, COL_RATIO_HIGH, COL_ROUNDS,
	COL_FAILED, COL_FAIL_REASON, COL_PAIRED_WITH, COL_PAIR_RATIO,
	COL_PAIR_RATIO_LOW, COL_PAIR_RATIO_HIGH, COL_PAIR_DIFF,
	COL_PAIR_DIFF_LOW, COL_PAIR_DIFF_HIGH, COL_CLAIM, COL_MB_PER_S,
	COL_RATIO_CONVERGED, COL_PAIR_CONVERGED, COL_DECL_SYSCALLS,
	COL_DECL_FAULTS, COL_FORKS, COL_FORKS_SPAN, CSV_NCOLS
};

static const char *const csv_names[CSV_NCOLS] = {
	"probe", "figure", "skipped", "median_ns", "p99_ns", "ci95_low_ns",
	"ci95_high_ns", "min_ns", "mean_ns", "p90_ns", "max_ns", "stddev_ns",
	"batches", "batch_ops", "converged", "ratio_to_null_syscall",
	"rusage_minflt_per_op", "rusage_majflt_per_op", "perf_minflt_per_op",
	"perf_majflt_per_op", "kernel_syscalls_per_op", "kernel_faults_per_op",
	"kernel_signals_per_op", "irq_device_per_op", "irq_tlb_per_op",
	"irq_cal_per_op", "irq_iwi_per_op", "verified", "ratio_ci95_low",
	"ratio_ci95_high", "rounds", "failed", "fail_reason", "paired_with",
	"paired_ratio", "paired_ratio_ci95_low", "paired_ratio_ci95_high",
	"paired_diff_ns", "paired_diff_ci95_low_ns", "paired_diff_ci95_high_ns",
	"claim_outcome", "mb_per_s", "ratio_converged",
	"paired_ratio_converged", "declared_syscalls_per_op",
	"declared_faults_per_op", "forks", "forks_span_s",
};

/* One row: a cell per column, empty unless set. */
struct csv_row {
	char cell[CSV_NCOLS][160];
};

static void cell_num(struct csv_row *row, enum csv_col col, double v)
{
	if (isfinite(v))
		snprintf(row->cell[col], sizeof(row->cell[col]), "%.6g", v);
}

static void cell_str(struct csv_row *row, enum csv_col col, const char *v)
{
	snprintf(row->cell[col], sizeof(row->cell[col]), "%s", v ? v : "");
}

static void csv_timed(struct csv_row *row, const struct ml_result *res)
{
	const struct ml_stats *s = &res->st;
	const struct ml_witness *w = &res->w;

	cell_num(row, COL_MEDIAN, s->median);
	cell_num(row, COL_P99, s->p99);
	cell_num(row, COL_CI_LOW, s->ci_low);
	cell_num(row, COL_CI_HIGH, s->ci_high);
	cell_num(row, COL_MIN, s->min);
	cell_num(row, COL_MEAN, s->mean);
	cell_num(row, COL_P90, s->p90);
	cell_num(row, COL_MAX, s->max);
	cell_num(row, COL_STDDEV, s->stddev);
	cell_num(row, COL_BATCHES, (double)res->batches);
	cell_num(row, COL_BATCH_OPS, (double)res->batch_ops);
	cell_num(row, COL_CONVERGED, res->converged);
	cell_num(row, COL_RATIO, res->ratio_ref.value);
	cell_num(row, COL_RATIO_LOW, res->ratio_ref.low);
	cell_num(row, COL_RATIO_HIGH, res->ratio_ref.high);
	if (isfinite(res->ratio_ref.value))
		cell_num(row, COL_RATIO_CONVERGED, res->ratio_ref.converged);
	cell_num(row, COL_ROUNDS, (double)res->rounds);
	cell_num(row, COL_FORKS, (double)res->forks);
	cell_num(row, COL_FORKS_SPAN, res->span_s);
	cell_num(row, COL_MINFLT, w->have_rusage ? w->minflt : NAN);
	cell_num(row, COL_MAJFLT, w->have_rusage ? w->majflt : NAN);
	cell_num(row, COL_PERF_MINFLT, w->have_perf ? w->perf_minflt : NAN);
	cell_num(row, COL_PERF_MAJFLT, w->have_perf ? w->perf_majflt : NAN);
	cell_num(row, COL_K_SYSCALLS, w->have_kernel ? w->k_syscalls : NAN);
	cell_num(row, COL_K_FAULTS, w->have_kernel ? w->k_faults : NAN);
	cell_num(row, COL_K_SIGNALS, w->have_kernel ? w->k_signals : NAN);
	cell_num(row, COL_IRQ_DEVICE, w->have_irqs ? w->irq_device : NAN);
	cell_num(row, COL_IRQ_TLB, w->have_irqs ? w->irq_tlb : NAN);
	cell_num(row, COL_IRQ_CAL, w->have_irqs ? w->irq_cal : NAN);
	cell_num(row, COL_IRQ_IWI, w->have_irqs ? w->irq_iwi : NAN);
	if (res->pair_name) {
		cell_str(row, COL_PAIRED_WITH, res->pair_name);
		cell_num(row, COL_PAIR_RATIO, res->pair_ratio.value);
		cell_num(row, COL_PAIR_RATIO_LOW, res->pair_ratio.low);
		cell_num(row, COL_PAIR_RATIO_HIGH, res->pair_ratio.high);
		cell_num(row, COL_PAIR_DIFF, res->pair_diff.value);
		cell_num(row, COL_PAIR_DIFF_LOW, res->pair_diff.low);
		cell_num(row, COL_PAIR_DIFF_HIGH, res->pair_diff.high);
		cell_num(row, COL_PAIR_CONVERGED, res->pair_ratio.converged);
		if (res->fig->claim != ML_CLAIM_NONE)
			cell_str(row, COL_CLAIM, ml_claim_outcome_name(res));
	}
	cell_num(row, COL_MB_PER_S, ml_report_mb_per_s(res));
}

void ml_report_csv(FILE *out, const struct ml_report *r)
{
	struct csv_row *row = malloc(sizeof(*row));

	if (!row)
		return;
	for (int c = 0; c < CSV_NCOLS; c++)
		fprintf(out, "%s%s", c ? "," : "", csv_names[c]);
	fputc('\n', out);
	for (size_t i = 0; i < r->nresults; i++) {
		const struct ml_result *res = &r->results[i];
		const struct ml_witness *w = &res->w;
		const struct ml_declared *d = &res->fig->declared;

		memset(row, 0, sizeof(*row));
		cell_str(row, COL_PROBE, res->probe->name);
		cell_str(row, COL_FIGURE, res->fig->name);
		/* the skipped column holds the reason, or stays empty */
		cell_str(row, COL_SKIPPED, res->skipped ? res->skip_reason : "");
		cell_num(row, COL_FAILED, res->failed);
		if (res->failed)
			cell_str(row, COL_FAIL_REASON, res->fail_reason);
		if (ml_report_timed(res))
			csv_timed(row, res);
		if (d->set) {
			cell_num(row, COL_DECL_SYSCALLS, d->syscalls);
			cell_num(row, COL_DECL_FAULTS, d->faults);
		}
		if (res->demonstration)
			cell_num(row, COL_VERIFIED, res->w.verified);
		else if (w->ops && !res->skipped)
			cell_num(row, COL_VERIFIED, w->verified);
		for (int c = 0; c < CSV_NCOLS; c++) {
			if (c)
				fputc(',', out);
			ml_csv_field(out, row->cell[c]);
		}
		fputc('\n', out);
	}
	free(row);
}
