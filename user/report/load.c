// SPDX-License-Identifier: GPL-2.0
/*
 * load.c - a JSON report of `modelab run --json` read back into structs
 * (view.h), so that plot, report and compare never touch JSON.  What the
 * report lacks stays NAN or NULL; what is not a report is refused, in one
 * line naming the file.
 */
#define _GNU_SOURCE
#include "measure/measuring.h"
#include "util/util.h"
#include "util/jsonread.h"
#include "report/view.h"

#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *const ml_view_witness_key[ML_VIEW_NWITNESS] = {
	"rusage_minflt_per_op",	  "rusage_majflt_per_op",
	"rusage_nvcsw_per_op",	  "rusage_nivcsw_per_op",
	"kernel_syscalls_per_op", "kernel_faults_per_op",
	"kernel_signals_per_op",  "irq_device_per_op",
	"irq_tlb_per_op",	  "irq_res_per_op",
};

const char *const ml_view_witness_label[ML_VIEW_NWITNESS] = {
	"minor faults",	   "major faults",    "voluntary switches",
	"involuntary sw.", "syscalls (kmod)", "faults (kmod)",
	"signals (kmod)",  "device irqs",     "TLB shootdowns",
	"resched IPIs",
};

/*
 * The loader's state: the first error, and where it reads (a figure's
 * index) so that the message names the field: "figures[3].median_ns".
 */
struct loader {
	const char *path;
	char *err;
	size_t errlen;
	bool failed;
	char where[64];		/* "" or "figures[3]." */
};

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static void refuse(struct loader *l, const char *key, const char *what)
{
	if (!l->failed)
		ml_errorf(l->err, l->errlen, "%s: %s%s: %s", l->path, l->where,
			  key, what);
	l->failed = true;
}

/*
 * A number, or NAN when null or absent.  Another type, or one beyond
 * ML_VIEW_MAX_NUMBER, is refused: whatever is drawn or divided stays
 * finite (a bucket's centre of 1e308 + 64 * 1e308 would not).
 */
static double num(struct loader *l, struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);
	double d;

	if (!v)
		return NAN;
	if (!json_object_is_type(v, json_type_double) &&
	    !json_object_is_type(v, json_type_int)) {
		refuse(l, key, "expected a number");
		return NAN;
	}
	d = json_object_get_double(v);
	if (!(fabs(d) <= ML_VIEW_MAX_NUMBER)) {
		refuse(l, key, "out of range (-1e18 to 1e18)");
		return NAN;
	}
	return d;
}

/* A count: a whole number from 0 to ML_VIEW_MAX_NUMBER; 0 when absent. */
static size_t count(struct loader *l, struct json_object *o, const char *key)
{
	double d = num(l, o, key);

	if (isnan(d))
		return 0;
	if (d < 0 || d != floor(d)) {
		refuse(l, key, "expected a whole number, 0 or more");
		return 0;
	}
	return (size_t)d;
}

static const char *str(struct loader *l, struct json_object *o,
		       const char *key)
{
	struct json_object *v = get(o, key);

	if (!v)
		return NULL;
	if (!json_object_is_type(v, json_type_string)) {
		refuse(l, key, "expected a string");
		return NULL;
	}
	return json_object_get_string(v);
}

/* A probe's or a figure's name: shown on terminals, so no control codes. */
static const char *name(struct loader *l, struct json_object *o,
			const char *key)
{
	const char *s = str(l, o, key);

	if (s && ml_json_has_control(s)) {
		refuse(l, key, "a control character in a name");
		return NULL;
	}
	return s ? s : "?";
}

/* true, false, or (absent, null) dflt */
static int flag(struct loader *l, struct json_object *o, const char *key,
		int dflt)
{
	struct json_object *v = get(o, key);

	if (!v)
		return dflt;
	if (!json_object_is_type(v, json_type_boolean)) {
		refuse(l, key, "expected true or false");
		return dflt;
	}
	return json_object_get_boolean(v);
}

/* An INTERVAL of the schema: { value, ci95_low, ci95_high, ... }. */
static struct ml_view_interval interval(struct loader *l, struct json_object *o)
{
	return (struct ml_view_interval){ num(l, o, "value"),
					  num(l, o, "ci95_low"),
					  num(l, o, "ci95_high") };
}

static void env_add(struct ml_view_report *r, const char *key,
		    const char *value)
{
	if (r->nenv == ML_VIEW_MAX_ENV)
		return;
	snprintf(r->env_key[r->nenv], sizeof(r->env_key[0]), "%s", key);
	snprintf(r->env_value[r->nenv], sizeof(r->env_value[0]), "%s", value);
	r->nenv++;
}

/* Every key of "environment" as text; mitigations one line each. */
static void load_env(struct ml_view_report *r, struct json_object *env)
{
	if (!json_object_is_type(env, json_type_object))
		return;
	json_object_object_foreach(env, key, v)
	{
		if (!strcmp(key, "mitigations") &&
		    json_object_is_type(v, json_type_object)) {
			json_object_object_foreach(v, vuln, state)
			{
				char label[48];

				snprintf(label, sizeof(label), "mitigation %s",
					 vuln);
				env_add(r, label, json_object_get_string(state));
			}
			continue;
		}
		env_add(r, key, v ? json_object_get_string(v) : "none");
	}
}

static void load_histogram(struct loader *l, struct ml_view_figure *f,
			   struct json_object *h)
{
	struct json_object *counts = get(h, "counts");
	size_t n = json_object_is_type(counts, json_type_array)
			   ? json_object_array_length(counts)
			   : 0;
	size_t at = strlen(l->where);

	if (!h)
		return;
	snprintf(l->where + at, sizeof(l->where) - at, "histogram.");
	f->hist_low = num(l, h, "low_ns");
	f->hist_width = num(l, h, "bucket_ns");
	f->below = count(l, h, "below");
	f->above = count(l, h, "above");
	if (isfinite(f->hist_low) && f->hist_width > 0) {
		f->nbuckets = n < ML_VIEW_MAX_BUCKETS ? n : ML_VIEW_MAX_BUCKETS;
		for (size_t b = 0; b < f->nbuckets && !l->failed; b++) {
			struct json_object *c = json_object_array_get_idx(counts, b);
			char key[32];

			snprintf(key, sizeof(key), "counts[%zu]", b);
			if (!json_object_is_type(c, json_type_int) ||
			    json_object_get_int64(c) < 0)
				refuse(l, key, "expected a whole number, 0 or more");
			else
				f->counts[b] = (size_t)json_object_get_int64(c);
		}
	}
	l->where[at] = '\0';
}

/* A demonstration's notes joined, one a line. */
static char *join_notes(struct json_object *notes)
{
	size_t n = json_object_is_type(notes, json_type_array)
			   ? json_object_array_length(notes)
			   : 0;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s\n",
			json_object_get_string(
				json_object_array_get_idx(notes, i)));
	fclose(out);
	return buf;
}

static void load_figure(struct loader *l, struct ml_view_figure *f,
			struct json_object *o)
{
	struct json_object *paired = get(o, "paired");
	const char *kind = str(l, o, "kind");

	f->probe = name(l, o, "probe");
	f->figure = name(l, o, "figure");
	f->what = str(l, o, "what") ? str(l, o, "what") : "";
	f->kind = flag(l, o, "skipped", 0)		   ? ML_VIEW_SKIPPED
		  : flag(l, o, "failed", 0)		   ? ML_VIEW_FAILED
		  : kind && !strcmp(kind, "demonstration") ? ML_VIEW_DEMO
							   : ML_VIEW_TIMED;
	f->reason = f->kind == ML_VIEW_SKIPPED ? str(l, o, "skip_reason")
					       : str(l, o, "fail_reason");
	f->median = (struct ml_view_interval){ num(l, o, "median_ns"),
					       num(l, o, "ci95_low_ns"),
					       num(l, o, "ci95_high_ns") };
	if (f->kind == ML_VIEW_TIMED && !isfinite(f->median.value))
		f->kind = ML_VIEW_FAILED; /* no median: nothing to show */
	f->p90 = num(l, o, "p90_ns");
	f->p99 = num(l, o, "p99_ns");
	f->min = num(l, o, "min_ns");
	f->max = num(l, o, "max_ns");
	f->ratio_null = (struct ml_view_interval){
		num(l, o, "ratio_to_null_syscall"), num(l, o, "ratio_ci95_low"),
		num(l, o, "ratio_ci95_high") };
	f->rounds = count(l, o, "rounds");
	f->forks = count(l, o, "forks");
	f->converged = flag(l, o, "converged", 0);
	load_histogram(l, f, get(o, "histogram"));
	if (json_object_is_type(paired, json_type_object)) {
		size_t at = strlen(l->where);

		snprintf(l->where + at, sizeof(l->where) - at, "paired.");
		f->pair_with = str(l, paired, "with");
		f->claim = str(l, paired, "claim");
		f->claim_outcome = str(l, paired, "claim_outcome");
		snprintf(l->where + at, sizeof(l->where) - at, "paired.ratio.");
		f->pair_ratio = interval(l, get(paired, "ratio"));
		l->where[at] = '\0';
	}
	for (size_t w = 0; w < ML_VIEW_NWITNESS; w++)
		f->witness[w] = num(l, o, ml_view_witness_key[w]);
	f->counted_in = str(l, o, "kernel_counted_in");
	/* a demonstration is verified only when it says true */
	f->verified = flag(l, o, "verified", -1);
	f->verify_error = str(l, o, "verify_error");
	if (f->kind == ML_VIEW_DEMO)
		f->notes = join_notes(get(o, "notes"));
}

/*
 * A speed reference from its processes' times: their median (NAN without
 * one), how many there were, and the standard error of their logarithms
 * from their median absolute deviation (1.4826 MAD, the standard
 * deviation of normal spread): one process that met a spike does not make
 * the machine look noisy (compare.c).
 */
static struct ml_view_speed speed_reference(struct json_object *a)
{
	struct ml_view_speed s;
	double v[64], dev[64];
	struct ml_interval median, mad;
	size_t n = 0;

	for (size_t i = 0; json_object_is_type(a, json_type_array) &&
			   i < json_object_array_length(a) && n < 64; i++) {
		struct json_object *x = json_object_array_get_idx(a, i);

		double d = json_object_get_double(x);

		/* a time: positive and within what a report may hold */
		if ((json_object_is_type(x, json_type_double) ||
		     json_object_is_type(x, json_type_int)) &&
		    d > 0 && d <= ML_VIEW_MAX_NUMBER)
			v[n++] = d;
	}
	ml_median_ci(v, n, &median);
	for (size_t i = 0; i < n; i++)
		dev[i] = fabs(log(v[i] / median.value));
	ml_median_ci(dev, n, &mad);
	s.ns = median.value;
	s.n = n;
	s.se = n > 1 ? 1.4826 * mad.value / sqrt((double)n) : 0;
	return s;
}

/* FNV-1a of a name, or of two as one (b NULL: a alone). */
static uint64_t hash_names(const char *a, const char *b)
{
	uint64_t h = 1469598103934665603ULL;

	for (const char *s = a; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL; /* between them: no name has it */
	for (const char *s = b ? b : ""; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/*
 * Indexes the figures once, so that every command is linear in them: a
 * table of probe/figure for ml_view_find, and per probe the chain of its
 * timed figures (first_timed, next_timed) for the pages and pictures.
 */
static int index_figures(struct ml_view_report *r)
{
	size_t cap = 16, *last;

	while (cap < 2 * r->nfigs)
		cap *= 2;
	r->index = malloc(cap * sizeof(*r->index));
	last = malloc(cap * sizeof(*last)); /* per probe: its last timed */
	if (!r->index || !last) {
		free(last);
		return -1;
	}
	r->index_cap = cap;
	for (size_t i = 0; i < cap; i++)
		r->index[i] = last[i] = ML_VIEW_NONE;
	for (size_t i = 0; i < r->nfigs; i++) {
		struct ml_view_figure *f = &r->figs[i];
		size_t h = hash_names(f->probe, f->figure) & (cap - 1);

		while (r->index[h] != ML_VIEW_NONE &&
		       (strcmp(r->figs[r->index[h]].probe, f->probe) ||
			strcmp(r->figs[r->index[h]].figure, f->figure)))
			h = (h + 1) & (cap - 1);
		if (r->index[h] == ML_VIEW_NONE)
			r->index[h] = i; /* the first of a name is found */
		f->next_timed = ML_VIEW_NONE;
		if (f->kind != ML_VIEW_TIMED)
			continue;
		h = hash_names(f->probe, NULL) & (cap - 1);
		while (last[h] != ML_VIEW_NONE &&
		       strcmp(r->figs[last[h]].probe, f->probe))
			h = (h + 1) & (cap - 1);
		if (last[h] == ML_VIEW_NONE)
			f->first_timed = true;
		else
			r->figs[last[h]].next_timed = i;
		last[h] = i;
	}
	free(last);
	return 0;
}

int ml_view_parse_text(const char *text, size_t len, const char *path,
		       struct ml_view_report *r, char *err, size_t errlen)
{
	struct loader l = { .path = path, .err = err, .errlen = errlen };
	struct json_object *root, *figs, *obs;
	double schema;

	memset(r, 0, sizeof(*r));
	r->path = path;
	root = ml_json_read(text, len, path, err, errlen);
	if (!root)
		return -1;
	r->json = root;
	figs = get(root, "figures");
	schema = json_object_is_type(get(root, "schema"), json_type_int) ?
			 (double)json_object_get_int64(get(root, "schema")) : NAN;
	if (!json_object_is_type(get(root, "modelab_version"), json_type_string) ||
	    isnan(schema) || !json_object_is_type(figs, json_type_array)) {
		ml_view_free(r);
		return ml_errorf(err, errlen,
				 "%s: not a modelab report (no "
				 "modelab_version, schema and figures)",
				 path);
	}
	if (schema != ML_VIEW_SCHEMA) {
		ml_view_free(r);
		return ml_errorf(err, errlen,
				 "%s: schema %g, this modelab reads schema %d",
				 path, schema, ML_VIEW_SCHEMA);
	}
	r->version = str(&l, root, "modelab_version");
	load_env(r, get(root, "environment"));
	obs = get(root, "observer_effect");
	if (json_object_is_type(obs, json_type_object)) {
		snprintf(l.where, sizeof(l.where), "observer_effect.");
		r->have_observer = true;
		r->observer_on_ns = num(&l, obs, "counting_on_ns");
		r->observer_off_ns = num(&l, obs, "counting_off_ns");
		r->observer_outcome = str(&l, obs, "outcome");
		snprintf(l.where, sizeof(l.where), "observer_effect.ratio.");
		r->observer_ratio = interval(&l, get(obs, "ratio"));
	}
	r->speed[0] = speed_reference(get(get(root, "method"),
					  "speed_reference_ns"));
	r->speed[1] = speed_reference(get(get(root, "method"),
					  "calls_reference_ns"));
	r->nfigs = json_object_array_length(figs);
	if (r->nfigs > ML_VIEW_MAX_FIGURES) {
		ml_view_free(r);
		return ml_errorf(err, errlen,
				 "%s: over %d figures (the most a report may have)",
				 path, ML_VIEW_MAX_FIGURES);
	}
	r->figs = calloc(r->nfigs ? r->nfigs : 1, sizeof(*r->figs));
	if (!r->figs) {
		ml_view_free(r);
		return ml_errorf(err, errlen, "%s: out of memory", path);
	}
	for (size_t i = 0; i < r->nfigs && !l.failed; i++) {
		struct json_object *o = json_object_array_get_idx(figs, i);

		snprintf(l.where, sizeof(l.where), "figures[%zu]", i);
		if (!json_object_is_type(o, json_type_object)) {
			refuse(&l, "", "expected an object");
			break;
		}
		strcat(l.where, ".");
		load_figure(&l, &r->figs[i], o);
	}
	if (!l.failed && index_figures(r)) {
		ml_errorf(err, errlen, "%s: out of memory", path);
		l.failed = true;
	}
	if (l.failed) {
		ml_view_free(r);
		return -1;
	}
	return 0;
}

int ml_view_parse(const char *text, const char *path, struct ml_view_report *r,
		  char *err, size_t errlen)
{
	return ml_view_parse_text(text, strlen(text), path, r, err, errlen);
}

int ml_view_load(const char *path, struct ml_view_report *r, char *err,
		 size_t errlen)
{
	char *text;
	size_t len;
	int rc;

	memset(r, 0, sizeof(*r));
	if (ml_json_read_file(path, ML_VIEW_MAX_BYTES, &text, &len)) {
		if (errno == EFBIG)
			return ml_errorf(err, errlen,
					 "%s: over %d MiB (the most a report may have)",
					 path, ML_VIEW_MAX_BYTES >> 20);
		return ml_errorf(err, errlen, "%s: cannot read: %s", path,
				 strerror(errno));
	}
	rc = ml_view_parse_text(text, len, path, r, err, errlen);
	free(text);
	return rc;
}

void ml_view_free(struct ml_view_report *r)
{
	for (size_t i = 0; r->figs && i < r->nfigs; i++)
		free(r->figs[i].notes);
	free(r->figs);
	free(r->index);
	json_object_put(r->json);
	memset(r, 0, sizeof(*r));
}

const struct ml_view_figure *ml_view_find(const struct ml_view_report *r,
					  const char *probe, const char *figure)
{
	size_t h;

	if (!r->index_cap)
		return NULL;
	for (h = hash_names(probe, figure) & (r->index_cap - 1);
	     r->index[h] != ML_VIEW_NONE; h = (h + 1) & (r->index_cap - 1))
		if (!strcmp(r->figs[r->index[h]].probe, probe) &&
		    !strcmp(r->figs[r->index[h]].figure, figure))
			return &r->figs[r->index[h]];
	return NULL;
}

bool ml_view_first_timed(const struct ml_view_report *r, size_t i)
{
	return r->figs[i].first_timed;
}

static bool stem_char(char c, bool dash)
{
	return (c == '-' && dash) || c == '_' || (c >= '0' && c <= '9') ||
	       (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool plain(const char *s, bool dash, size_t most)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if (!stem_char(*s, dash) || n == most)
			return false;
	return n > 0;
}

void ml_view_stem(char *buf, size_t len, const char *kind, const char *probe,
		  const char *figure)
{
	const char *a = kind ? kind : probe, *b = kind ? probe : figure;
	uint64_t h;
	char *p;

	/*
	 * Read back, "KIND-PROBE" or "PROBE-FIGURE" names its picture alone
	 * when the probe has no '-' and no probe is called as a kind is.
	 */
	if (plain(probe, false, 60) && plain(b, true, 120) &&
	    (kind || (strcmp(probe, "summary") && strcmp(probe, "witnesses")))) {
		snprintf(buf, len, "%s-%s", a, b);
		return;
	}
	h = hash_names(kind ? kind : "", probe);
	h = (h ^ hash_names(figure ? figure : "", NULL)) * 1099511628211ULL;
	snprintf(buf, len, "%.40s-%.60s", a, b);
	for (p = buf; *p; p++)
		if (!stem_char(*p, true))
			*p = '_';
	snprintf(p, len - (size_t)(p - buf), "-h%016llx", (unsigned long long)h);
}

int ml_view_refused(const char *command, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "modelab %s: ", command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntry 'modelab help %s'\n", command);
	return 2;
}
