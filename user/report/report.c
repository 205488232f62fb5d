// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - one report, three formats: a table for people, JSON and CSV
 * for scripts (the CSV writer is csv.c).  The JSON keys are a stable interface, documented in the
 * README; bump MODELAB_JSON_SCHEMA when one changes meaning.
 */
#include "version.h"
#include "isa/arch.h"
#include "measure/measuring.h"
#include "measure/machine.h"
#include "report/output.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Enough digits to see a difference, never an exponent. */
static void fmt_ns(char *buf, size_t len, double v)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (fabs(v) < 10)
		snprintf(buf, len, "%.2f", v);
	else if (fabs(v) < 100)
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.0f", v);
}

static void text_histogram(FILE *out, const struct ml_result *res)
{
	size_t peak = 1;

	for (size_t b = 0; b < res->hist.nbuckets; b++)
		if (res->hist.counts[b] > peak)
			peak = res->hist.counts[b];
	if (res->fig->sample)
		fprintf(out, "\n  %s/%s: %zu samples (ns)\n", res->probe->name,
			res->fig->name, res->st.n);
	else
		fprintf(out,
			"\n  %s/%s: %zu batches of %llu ops (ns per op)\n",
			res->probe->name, res->fig->name, res->st.n,
			(unsigned long long)res->batch_ops);
	for (size_t b = 0; b < res->hist.nbuckets; b++) {
		double lo = res->hist.low + (double)b * res->hist.width;
		int bar = (int)(40.0 * (double)res->hist.counts[b] /
				(double)peak);
		char l[32], h[32];

		fmt_ns(l, sizeof(l), lo);
		fmt_ns(h, sizeof(h), lo + res->hist.width);
		fprintf(out, "  %9s - %-9s %7zu |%.*s\n", l, h,
			res->hist.counts[b], bar,
			"########################################");
	}
	fprintf(out, "  %21s %7zu (p99 and above)\n", ">=", res->hist.above);
}

static void text_env(FILE *out, const struct ml_report *r)
{
	const struct ml_env *e = r->env;

	fprintf(out, "\nEnvironment (every figure depends on it)\n");
	fprintf(out, "  cpu            %s, figures taken on CPU %d\n",
		e->cpu_model, e->cpu);
	fprintf(out, "  kernel         %s\n", e->kernel_release);
	if (r->clock->kind == ML_CLOCK_TSC)
		fprintf(out,
			"  clock          %s (%s), %.4f GHz %s\n",
			ML_ARCH_COUNTER_LABEL,
			r->clock->tsc_invariant ? "invariant" :
						  "not invariant: forced",
			r->clock->ticks_per_ns,
			r->clock->rate_from ? r->clock->rate_from :
					      "calibrated against CLOCK_MONOTONIC_RAW");
	else
		fprintf(out, "  clock          %s (%s)\n",
			ml_clock_name(r->clock->kind),
			r->clock->tsc_invariant ? "chosen by --clock" :
						  "no invariant TSC");
	fprintf(out, "  clocksource    %s\n", e->clocksource);
	fprintf(out, "  hypervisor     %s\n",
		*e->hypervisor ? e->hypervisor : "none (bare metal)");
	fprintf(out, "  governor       %s\n",
		*e->governor ? e->governor : "none (no cpufreq)");
	for (size_t i = 0; i < e->nvulns; i++)
		fprintf(out, "  %-14s %s: %s\n", i ? "" : "mitigations",
			e->vulns[i].name, e->vulns[i].state);
	if (!e->nvulns)
		fprintf(out, "  mitigations    none reported\n");
	fprintf(out, "  /proc/modelab  %s\n",
		e->proc_modelab ? "present" : "absent (module not loaded)");
}

/* Figures that map memory: the cost per KiB shows what a bigger page buys. */
static void text_per_kib(FILE *out, const struct ml_report *r)
{
	bool header = false;

	for (size_t i = 0; i < r->nresults; i++) {
		const struct ml_result *res = &r->results[i];
		char v[32];

		if (res->fig->kib_per_op <= 0 || !ml_report_timed(res))
			continue;
		if (!header)
			fprintf(out, "\nper KiB mapped:\n");
		header = true;
		if (!ml_report_timed(res))
			continue;
		fmt_ns(v, sizeof(v), res->st.median / res->fig->kib_per_op);
		fprintf(out, "  %-30s %9s ns/KiB (%g KiB per op)\n",
			res->fig->name, v, res->fig->kib_per_op);
	}
}

static void fmt_count(char *buf, size_t len, bool have, double v)
{
	if (!have || !isfinite(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.3f", v);
}

/*
 * What each op caused, by each witness: for the figures where they have
 * something to say (memory mapped, a check to pass, or anything counted).
 */
static bool worth_witnessing(const struct ml_result *res)
{
	const struct ml_witness *w = &res->w;
	double sum = w->minflt + w->majflt + w->perf_minflt + w->perf_majflt;

	if (res->skipped || !w->ops)
		return false;
	if (w->have_kernel && isfinite(w->k_faults + w->k_signals))
		sum += w->k_faults + w->k_signals;
	/* a stray interrupt now and then is noise, not the op's doing */
	if (w->have_irqs &&
	    w->irq_device + w->irq_tlb + w->irq_cal + w->irq_iwi >= 0.5)
		return true;
	return sum >= 0.001 || res->fig->verify || res->fig->kib_per_op > 0 ||
	       res->fig->prepare || res->fig->sample;
}

static void text_witnesses(FILE *out, const struct ml_report *r)
{
	bool header = false, kernel = false;

	for (size_t i = 0; i < r->nresults; i++) {
		const struct ml_result *res = &r->results[i];
		const struct ml_witness *w = &res->w;
		char c[11][16];

		if (!worth_witnessing(res))
			continue;
		if (!header)
			fprintf(out,
				"\nwitnesses, per op          %-13s %-15s %-23s %-23s\n"
				"%-22s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s  %s\n",
				"getrusage", "perf events", "modelab.ko",
				"/proc/interrupts", "figure", "ops", "minflt",
				"majflt", "minflt", "majflt", "faults", "sigs",
				"sys", "dev", "TLB", "CAL", "IWI", "check");
		header = true;
		kernel |= w->have_kernel;
		fmt_count(c[0], 16, w->have_rusage, w->minflt);
		fmt_count(c[1], 16, w->have_rusage, w->majflt);
		fmt_count(c[2], 16, w->have_perf, w->perf_minflt);
		fmt_count(c[3], 16, w->have_perf, w->perf_majflt);
		fmt_count(c[4], 16, w->have_kernel, w->k_faults);
		fmt_count(c[5], 16, w->have_kernel, w->k_signals);
		fmt_count(c[6], 16, w->have_kernel, w->k_syscalls);
		fmt_count(c[7], 16, w->have_irqs, w->irq_device);
		fmt_count(c[8], 16, w->have_irqs, w->irq_tlb);
		fmt_count(c[9], 16, w->have_irqs, w->irq_cal);
		fmt_count(c[10], 16, w->have_irqs, w->irq_iwi);
		fprintf(out,
			"%-22s %6llu %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s  %s%s\n",
			res->fig->name, (unsigned long long)w->ops, c[0], c[1],
			c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10],
			w->verified || res->fig->sample ? "ok" : "FAILED: ",
			w->verify_error);
	}
	if (header && !kernel)
		fprintf(out, "(modelab.ko's columns need the module: load it, or use make run)\n");
}

/* What figures declare one op makes, beside what the kernel counted. */
static void text_declared(FILE *out, const struct ml_report *r)
{
	bool header = false;

	for (size_t i = 0; i < r->nresults; i++) {
		const struct ml_result *res = &r->results[i];
		const struct ml_declared *d = &res->fig->declared;
		char sys[16], flt[16];

		if (!d->set || res->skipped)
			continue;
		if (!header)
			fprintf(out, "\ndeclared per op, and what modelab.ko counted\n"
				"  %-30s %9s %9s %9s %9s\n", "figure",
				"syscalls", "counted", "faults", "counted");
		header = true;
		fmt_count(sys, sizeof(sys), res->w.have_kernel,
			  res->w.k_syscalls);
		fmt_count(flt, sizeof(flt), res->w.have_kernel,
			  res->w.k_faults);
		fprintf(out, "  %-30s %9g %9s %9g %9s\n", res->fig->name,
			d->syscalls, sys, d->faults, flt);
	}
}

/* What each demonstration did and saw, in its own words. */
static void text_notes(FILE *out, const struct ml_report *r)
{
	for (size_t i = 0; i < r->nresults; i++) {
		const struct ml_result *res = &r->results[i];
		const char *line = res->notes;

		if (res->skipped || !*line)
			continue;
		fprintf(out, "\n%s/%s (%s):\n", res->probe->name,
			res->fig->name, res->fig->what);
		while (*line) {
			const char *eol = strchr(line, '\n');
			int len = eol ? (int)(eol - line) : (int)strlen(line);

			fprintf(out, "  %.*s\n", len, line);
			line += len + (eol ? 1 : 0);
		}
	}
}

/* Figures beyond a distribution: a fraction of time, a granted privilege. */
static void text_extras(FILE *out, const struct ml_report *r)
{
	for (size_t i = 0; i < r->nresults; i++) {
		const struct ml_result *res = &r->results[i];

		if (res->skipped || !res->nextra)
			continue;
		fprintf(out, "\n%s/%s:\n", res->probe->name, res->fig->name);
		for (size_t e = 0; e < res->nextra; e++) {
			double v = res->extra[e].value;

			/* counts as counts, fractions with their digits */
			if (v == (double)(long long)v && fabs(v) < 1e15)
				fprintf(out, "  %-48s %.0f\n",
					res->extra[e].label, v);
			else
				fprintf(out, "  %-48s %.4g\n",
					res->extra[e].label, v);
		}
	}
}

static void text_throughput(FILE *out, const struct ml_report *r)
{
	bool header = false;

	for (size_t i = 0; i < r->nresults; i++) {
		const struct ml_result *res = &r->results[i];
		double mbs = ml_report_mb_per_s(res);

		if (!isfinite(mbs))
			continue;
		if (!header)
			fprintf(out, "\ndelivered (the receiver has every byte):\n");
		header = true;
		fprintf(out, "  %-30s %9.0f MB/s (%g B per message)\n",
			res->fig->name, mbs, res->fig->bytes_per_op);
	}
}

/* A ratio: three significant digits, never an exponent. */
static void fmt_ratio(char *buf, size_t len, double v)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (fabs(v) >= 100)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.3g", v);
}

/* "1.3x (95% CI 1.2 to 1.4)"; a ratio when unit is "x", else ns. */
static void fmt_interval(char *buf, size_t len, const struct ml_interval *iv,
			 const char *unit)
{
	void (*fmt)(char *, size_t, double) = strcmp(unit, "x") ? fmt_ns :
								  fmt_ratio;
	char v[32], lo[32], hi[32];

	fmt(v, sizeof(v), iv->value);
	fmt(lo, sizeof(lo), iv->low);
	fmt(hi, sizeof(hi), iv->high);
	snprintf(buf, len, "%s%s (95%% CI %s to %s%s)%s", v, unit, lo, hi,
		 iv->coverage < 0.95 ? ", too few rounds" : "",
		 iv->converged ? "" : "*");
}

/*
 * Pairs measured in the same rounds: their ratio and difference, and what
 * the lesson claims of them, held or not at 95%.
 */
static void text_pairs(FILE *out, const struct ml_report *r)
{
	bool header = false;

	for (size_t i = 0; i < r->nresults; i++) {
		const struct ml_result *res = &r->results[i];
		char ratio[160], diff[160];

		if (!res->pair_name || !ml_report_timed(res))
			continue;
		if (!header)
			fprintf(out, "\npaired in the same rounds (a against b):\n");
		header = true;
		fmt_interval(ratio, sizeof(ratio), &res->pair_ratio, "x");
		fmt_interval(diff, sizeof(diff), &res->pair_diff, " ns");
		fprintf(out, "  %s against %s\n    ratio %s\n    difference %s\n",
			res->fig->name, res->pair_name, ratio, diff);
		if (res->fig->claim != ML_CLAIM_NONE)
			fprintf(out, "    claim: %s %s %s: %s\n", res->fig->name,
				res->fig->claim == ML_CLAIM_CHEAPER ?
					"costs less than" : "costs more than",
				res->pair_name, ml_claim_outcome_name(res));
	}
}

/* Why the observer effect came out as it did, from its interval. */
static void text_observer(FILE *out, const struct ml_report *r)
{
	const struct ml_result *on = r->observer;
	char ratio[160], diff[160];

	if (!on || !ml_report_timed(on))
		return;
	fmt_interval(ratio, sizeof(ratio), &on->pair_ratio, "x");
	fmt_interval(diff, sizeof(diff), &on->pair_diff, " ns");
	fprintf(out,
		"\nobserver effect%s: the null syscall with modelab.ko counting, against counting\n"
		"off, alternated in the same rounds: ratio %s, difference %s.\n",
		r->emulated ? " (EMULATED under QEMU TCG: not a native timing)" :
			      "",
		ratio, diff);
	switch (on->claim_outcome) {
	case ML_CLAIM_HELD:
		fprintf(out,
			"Counting makes every syscall slower: an attached sys_enter tracepoint sends\n"
			"every syscall on the machine through the kernel's slow entry path.\n");
		break;
	case ML_CLAIM_NOT_HELD:
		fprintf(out,
			"Counting came out FASTER.  The tracepoint cannot speed a syscall up: a\n"
			"difference this sign comes from the machine (a change of level between the\n"
			"slices, a frequency change, or emulation), so this run cannot show the cost.\n");
		break;
	default:
		if (on->pair_ratio.coverage < 0.95)
			fprintf(out,
				"Too few rounds (%zu) for a 95%% interval: nothing can be concluded; a\n"
				"longer --time gives more.\n",
				on->pair_ratio.n);
		else
			fprintf(out,
				"No difference detectable at 95%%: the slow path's cost is smaller than what\n"
				"this run could resolve; a longer --time narrows the interval.\n");
		break;
	}
}

static void text_row(FILE *out, const struct ml_report *r,
		     const struct ml_result *res, bool *unconverged)
{
	char name[64], med[32], p99[32], lo[32], hi[32], ci[80];
	char rat[128], rlo[32], rhi[32], ticks[32];

	snprintf(name, sizeof(name), "%s/%s", res->probe->name,
		 res->fig->name);
	if (res->skipped) {
		fprintf(out, "%-38s skipped: %s\n", name, res->skip_reason);
		return;
	}
	if (res->demonstration) {
		fprintf(out, "%-38s demonstration: %s%s\n", name,
			res->w.verified ? "every claim held" : "FAILED: ",
			res->w.verify_error);
		return;
	}
	if (res->failed || !res->st.n) {
		fprintf(out, "%-38s FAILED: %s\n", name,
			res->failed ? res->fail_reason : "no sample taken");
		return;
	}
	fmt_ns(med, sizeof(med), res->st.median);
	fmt_ns(p99, sizeof(p99), res->st.p99);
	fmt_ns(lo, sizeof(lo), res->st.ci_low);
	fmt_ns(hi, sizeof(hi), res->st.ci_high);
	snprintf(ci, sizeof(ci), "%s - %s%s", lo, hi,
		 res->converged ? "" : "*");
	*unconverged |= !res->converged;
	fmt_ns(ticks, sizeof(ticks), res->st.median * r->clock->ticks_per_ns);
	if (r->clock->kind != ML_CLOCK_TSC)
		snprintf(ticks, sizeof(ticks), "-");
	fmt_ratio(rat, sizeof(rat), res->ratio_ref.value);
	fmt_ratio(rlo, sizeof(rlo), res->ratio_ref.low);
	fmt_ratio(rhi, sizeof(rhi), res->ratio_ref.high);
	if (isfinite(res->ratio_ref.value)) {
		snprintf(rat + strlen(rat), sizeof(rat) - strlen(rat),
			 " (%s-%s)%s", rlo, rhi,
			 res->ratio_ref.converged ? "" : "*");
		*unconverged |= !res->ratio_ref.converged;
	}
	fprintf(out, "%-38s %9s %9s %19s %10s %24s", name, med, p99, ci, ticks,
		rat);
	if (res->w.have_kernel)
		fprintf(out, " %7.2f (%s)", res->w.k_syscalls, res->w.where);
	fputc('\n', out);
}

static void write_text(FILE *out, const struct ml_report *r)
{
	bool kernel = false, unconverged = false;

	if (!r->nresults) {	/* `modelab env` */
		text_env(out, r);
		return;
	}
	for (size_t i = 0; i < r->nresults; i++)
		kernel |= r->results[i].w.have_kernel;
	fprintf(out, "modelab %s: the cost of entering kernel mode%s\n\n",
		MODELAB_VERSION,
		r->emulated ? " (EMULATED: timings are not native)" : "");
	fprintf(out, "%-38s %9s %9s %19s %10s %24s", "figure", "median ns",
		"p99 ns", "95% CI of median", "ticks", "x syscall (95% CI)");
	if (kernel)
		fprintf(out, " %12s", "syscalls/op");
	fputc('\n', out);
	for (size_t i = 0; i < r->nresults; i++)
		text_row(out, r, &r->results[i], &unconverged);
	ml_report_method(out, r, unconverged);
	text_per_kib(out, r);
	text_throughput(out, r);
	text_pairs(out, r);
	text_witnesses(out, r);
	text_declared(out, r);
	text_extras(out, r);
	text_notes(out, r);
	text_observer(out, r);
	/* latency distributions always get their histogram: the tail is
	 * the point */
	for (size_t i = 0; i < r->nresults; i++)
		if (ml_report_timed(&r->results[i]) &&
		    (r->histograms || r->results[i].fig->histogram))
			text_histogram(out, &r->results[i]);
	text_env(out, r);
}

void ml_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* JSON has no NaN or infinity: a figure that does not exist is null. */
static void json_num(FILE *out, const char *key, double v, bool comma)
{
	fprintf(out, "\"%s\": ", key);
	if (isfinite(v))
		fprintf(out, "%.6g", v);
	else
		fputs("null", out);
	if (comma)
		fputs(", ", out);
}

static void json_str(FILE *out, const char *key, const char *v, bool comma)
{
	fprintf(out, "\"%s\": ", key);
	if (v)
		ml_json_string(out, v);
	else
		fputs("null", out);
	if (comma)
		fputs(", ", out);
}

static void json_env(FILE *out, const struct ml_report *r)
{
	const struct ml_env *e = r->env;

	fputs("  \"environment\": {", out);
	json_str(out, "cpu_model", e->cpu_model, true);
	fprintf(out, "\"cpu\": %d, ", e->cpu);
	json_str(out, "kernel_release", e->kernel_release, true);
	json_str(out, "clock", ml_clock_name(r->clock->kind), true);
	fprintf(out, "\"tsc_invariant\": %s, ",
		r->clock->tsc_invariant ? "true" : "false");
	json_num(out, "tsc_ghz",
		 r->clock->kind == ML_CLOCK_TSC ? r->clock->ticks_per_ns : NAN,
		 true);
	json_str(out, "clocksource", e->clocksource, true);
	json_str(out, "hypervisor", *e->hypervisor ? e->hypervisor : NULL,
		 true);
	json_str(out, "governor", *e->governor ? e->governor : NULL, true);
	fputs("\"mitigations\": {", out);
	for (size_t i = 0; i < e->nvulns; i++)
		json_str(out, e->vulns[i].name, e->vulns[i].state,
			 i + 1 < e->nvulns);
	fprintf(out, "}, \"proc_modelab\": %s},\n",
		e->proc_modelab ? "true" : "false");
}

static void json_witness(FILE *out, const struct ml_witness *w)
{
	bool k = w->have_kernel;

	fprintf(out, "\"witness_ops\": %llu, ", (unsigned long long)w->ops);
	json_num(out, "rusage_minflt_per_op", w->have_rusage ? w->minflt : NAN,
		 true);
	json_num(out, "rusage_majflt_per_op", w->have_rusage ? w->majflt : NAN,
		 true);
	json_num(out, "rusage_nvcsw_per_op", w->have_rusage ? w->nvcsw : NAN,
		 true);
	json_num(out, "rusage_nivcsw_per_op", w->have_rusage ? w->nivcsw : NAN,
		 true);
	json_num(out, "perf_minflt_per_op", w->have_perf ? w->perf_minflt : NAN,
		 true);
	json_num(out, "perf_majflt_per_op", w->have_perf ? w->perf_majflt : NAN,
		 true);
	json_num(out, "kernel_syscalls_per_op", k ? w->k_syscalls : NAN, true);
	json_num(out, "kernel_faults_per_op", k ? w->k_faults : NAN, true);
	json_num(out, "kernel_signals_per_op", k ? w->k_signals : NAN, true);
	json_str(out, "kernel_counted_in", k ? w->where : NULL, true);
	json_num(out, "irq_device_per_op", w->have_irqs ? w->irq_device : NAN,
		 true);
	json_num(out, "irq_tlb_per_op", w->have_irqs ? w->irq_tlb : NAN, true);
	json_num(out, "irq_cal_per_op", w->have_irqs ? w->irq_cal : NAN, true);
	json_num(out, "irq_iwi_per_op", w->have_irqs ? w->irq_iwi : NAN, true);
	json_num(out, "irq_res_per_op", w->have_irqs ? w->irq_res : NAN, true);
	if (!w->ops)
		fputs("\"verified\": null, ", out);
	else
		fprintf(out, "\"verified\": %s, ",
			w->verified ? "true" : "false");
	json_str(out, "verify_error",
		 w->ops && !w->verified ? w->verify_error : NULL, true);
}

static void json_extras(FILE *out, const struct ml_result *res)
{
	fputs("\"extra\": {", out);
	for (size_t e = 0; e < res->nextra; e++)
		json_num(out, res->extra[e].key, res->extra[e].value,
			 e + 1 < res->nextra);
	fputs("}", out);
}

static void json_demonstration(FILE *out, const struct ml_result *res)
{
	const char *line = res->notes;

	fputs("\"kind\": \"demonstration\", ", out);
	fprintf(out, "\"verified\": %s, ",
		res->w.verified ? "true" : "false");
	json_str(out, "verify_error",
		 res->w.verified ? NULL : res->w.verify_error, true);
	fputs("\"notes\": [", out);
	while (*line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		char buf[sizeof(res->notes)];

		snprintf(buf, sizeof(buf), "%.*s", (int)len, line);
		ml_json_string(out, buf);
		line += len + (eol ? 1 : 0);
		if (*line)
			fputs(", ", out);
	}
	fputs("], ", out);
	json_extras(out, res);
	fputs("}", out);
}

static void json_interval(FILE *out, const char *key,
			  const struct ml_interval *iv, bool comma)
{
	fprintf(out, "\"%s\": {", key);
	json_num(out, "value", iv->value, true);
	json_num(out, "ci95_low", iv->low, true);
	json_num(out, "ci95_high", iv->high, true);
	fprintf(out, "\"rounds\": %zu, \"converged\": %s}%s", iv->n,
		iv->converged ? "true" : "false", comma ? ", " : "");
}

/* Against the figure it is paired with, per round; null when none. */
static void json_paired(FILE *out, const struct ml_result *res)
{
	fputs("\"paired\": ", out);
	if (!res->pair_name) {
		fputs("null, ", out);
		return;
	}
	fputc('{', out);
	json_str(out, "with", res->pair_name, true);
	json_interval(out, "ratio", &res->pair_ratio, true);
	json_interval(out, "difference_ns", &res->pair_diff, true);
	json_str(out, "claim",
		 res->fig->claim == ML_CLAIM_CHEAPER ? "costs less" :
		 res->fig->claim == ML_CLAIM_DEARER  ? "costs more" : NULL,
		 true);
	json_str(out, "claim_outcome",
		 res->fig->claim == ML_CLAIM_NONE ? NULL :
						    ml_claim_outcome_name(res),
		 false);
	fputs("}, ", out);
}

static void json_result(FILE *out, const struct ml_report *r,
			const struct ml_result *res, double ticks_per_ns)
{
	const struct ml_stats *s = &res->st;
	const struct ml_declared *d = &res->fig->declared;

	fputs("    {", out);
	json_str(out, "probe", res->probe->name, true);
	json_str(out, "figure", res->fig->name, true);
	json_str(out, "what", res->fig->what, true);
	/* the figure's own words, whether it ran or not */
	json_num(out, "declared_syscalls_per_op", d->set ? d->syscalls : NAN,
		 true);
	json_num(out, "declared_faults_per_op", d->set ? d->faults : NAN, true);
	if (res->skipped) {
		fputs("\"skipped\": true, ", out);
		json_str(out, "skip_reason", res->skip_reason, false);
		fputs("}", out);
		return;
	}
	fputs("\"skipped\": false, ", out);
	fprintf(out, "\"failed\": %s, ", res->failed ? "true" : "false");
	json_str(out, "fail_reason", res->failed ? res->fail_reason : NULL,
		 true);
	if (res->demonstration) {
		json_demonstration(out, res);
		return;
	}
	if (!ml_report_timed(res)) {
		/* a failed figure has no median to print */
		fprintf(out, "\"kind\": \"%s\"}",
			res->fig->sample ? "samples" : "batches");
		return;
	}
	fprintf(out, "\"kind\": \"%s\", ", res->fig->sample ? "samples" : "batches");
	fprintf(out, "\"batches\": %zu, \"batch_ops\": %llu, ", res->batches,
		(unsigned long long)res->batch_ops);
	fprintf(out, "\"rounds\": %zu, \"converged\": %s, ", res->rounds,
		res->converged ? "true" : "false");
	fprintf(out, "\"forks\": %zu, ", res->forks);
	json_num(out, "forks_span_s", res->span_s, true);
	ml_report_fork_values_json(out, r, res);
	json_num(out, "seconds", res->seconds, true);
	json_num(out, "empty_batch_ns", res->empty_batch_ns, true);
	json_num(out, "min_ns", s->min, true);
	json_num(out, "median_ns", s->median, true);
	json_num(out, "mean_ns", s->mean, true);
	json_num(out, "p90_ns", s->p90, true);
	json_num(out, "p99_ns", s->p99, true);
	json_num(out, "max_ns", s->max, true);
	json_num(out, "stddev_ns", s->stddev, true);
	json_num(out, "ci95_low_ns", s->ci_low, true);
	json_num(out, "ci95_high_ns", s->ci_high, true);
	json_num(out, "median_ticks", s->median * ticks_per_ns, true);
	json_num(out, "ratio_to_null_syscall", res->ratio_ref.value, true);
	json_num(out, "ratio_ci95_low", res->ratio_ref.low, true);
	json_num(out, "ratio_ci95_high", res->ratio_ref.high, true);
	fprintf(out, "\"ratio_converged\": %s, ",
		!isfinite(res->ratio_ref.value) ? "null" :
		res->ratio_ref.converged	? "true" :
						  "false");
	json_paired(out, res);
	json_num(out, "mb_per_s", ml_report_mb_per_s(res), true);
	json_num(out, "median_ns_per_kib",
		 res->fig->kib_per_op > 0 ? s->median / res->fig->kib_per_op :
					    NAN,
		 true);
	json_witness(out, &res->w);
	json_extras(out, res);
	fputs(", ", out);
	fputs("\"histogram\": {", out);
	json_num(out, "low_ns", res->hist.low, true);
	json_num(out, "bucket_ns", res->hist.width, true);
	fputs("\"counts\": [", out);
	for (size_t b = 0; b < res->hist.nbuckets; b++)
		fprintf(out, "%s%zu", b ? ", " : "", res->hist.counts[b]);
	fprintf(out, "], \"below\": %zu, \"above\": %zu}}", res->hist.below,
		res->hist.above);
}

static void write_json(FILE *out, const struct ml_report *r)
{
	const struct ml_result *on = r->observer;
	double tpn = r->clock->kind == ML_CLOCK_TSC ? r->clock->ticks_per_ns :
						      NAN;

	fprintf(out, "{\n  \"modelab_version\": \"%s\",\n  \"schema\": %d,\n",
		MODELAB_VERSION, MODELAB_JSON_SCHEMA);
	json_env(out, r);
	ml_report_method_json(out, r);
	fputs("  \"observer_effect\": ", out);
	if (on && ml_report_timed(on)) {
		fputc('{', out);
		fprintf(out, "\"emulated\": %s, ",
			r->emulated ? "true" : "false");
		json_num(out, "counting_on_ns", on->st.median, true);
		json_num(out, "counting_off_ns",
			 on->st.median - on->pair_diff.value, true);
		json_interval(out, "ratio", &on->pair_ratio, true);
		json_interval(out, "difference_ns", &on->pair_diff, true);
		json_str(out, "outcome",
			 on->claim_outcome == ML_CLAIM_HELD ? "slower" :
			 on->claim_outcome == ML_CLAIM_NOT_HELD ? "faster" :
								  "no difference detectable",
			 false);
		fputs("},\n", out);
	} else {
		fputs("null,\n", out);
	}
	fputs("  \"figures\": [\n", out);
	for (size_t i = 0; i < r->nresults; i++) {
		json_result(out, r, &r->results[i], tpn);
		fputs(i + 1 < r->nresults ? ",\n" : "\n", out);
	}
	fputs("  ]\n}\n", out);
}

void ml_report_write(FILE *out, enum ml_format fmt, const struct ml_report *r)
{
	switch (fmt) {
	case ML_FMT_JSON:
		write_json(out, r);
		break;
	case ML_FMT_CSV:
		ml_report_csv(out, r);
		break;
	default:
		write_text(out, r);
		break;
	}
}
