// SPDX-License-Identifier: GPL-2.0
/*
 * load.c - a JSON report of `modelab run --json` read back into structs
 * (view.h), so that plot, report and compare never touch JSON.  What the
 * report lacks stays NAN or NULL; what is not a report is refused, in one
 * line naming the file.
 */
#define _GNU_SOURCE
#include "modelab.h"
#include "view.h"

#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
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

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* A number, or NAN for null, absent or not a number. */
static double num(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	if (!v || !(json_object_is_type(v, json_type_double) ||
		    json_object_is_type(v, json_type_int)))
		return NAN;
	return json_object_get_double(v);
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	return json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : NULL;
}

static bool flag(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	return json_object_is_type(v, json_type_boolean) &&
	       json_object_get_boolean(v);
}

/* An INTERVAL of the schema: { value, ci95_low, ci95_high, ... }. */
static struct ml_view_interval interval(struct json_object *o)
{
	return (struct ml_view_interval){num(o, "value"), num(o, "ci95_low"),
					 num(o, "ci95_high")};
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
				char name[48];

				snprintf(name, sizeof(name), "mitigation %s",
					 vuln);
				env_add(r, name, json_object_get_string(state));
			}
			continue;
		}
		env_add(r, key, v ? json_object_get_string(v) : "none");
	}
}

static void load_histogram(struct ml_view_figure *f, struct json_object *h)
{
	struct json_object *counts = get(h, "counts");
	size_t n = json_object_is_type(counts, json_type_array)
			   ? json_object_array_length(counts)
			   : 0;

	f->hist_low = num(h, "low_ns");
	f->hist_width = num(h, "bucket_ns");
	if (!isfinite(f->hist_low) || !(f->hist_width > 0))
		return;
	f->nbuckets = n < ML_VIEW_MAX_BUCKETS ? n : ML_VIEW_MAX_BUCKETS;
	for (size_t b = 0; b < f->nbuckets; b++)
		f->counts[b] = (size_t)json_object_get_int64(
			json_object_array_get_idx(counts, b));
	f->below = (size_t)json_object_get_int64(get(h, "below"));
	f->above = (size_t)json_object_get_int64(get(h, "above"));
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

static void load_figure(struct ml_view_figure *f, struct json_object *o)
{
	struct json_object *paired = get(o, "paired"), *v = get(o, "verified");
	const char *kind = str(o, "kind");

	f->probe = str(o, "probe") ? str(o, "probe") : "?";
	f->figure = str(o, "figure") ? str(o, "figure") : "?";
	f->what = str(o, "what") ? str(o, "what") : "";
	f->kind = flag(o, "skipped")			   ? ML_VIEW_SKIPPED
		  : flag(o, "failed")			   ? ML_VIEW_FAILED
		  : kind && !strcmp(kind, "demonstration") ? ML_VIEW_DEMO
							   : ML_VIEW_TIMED;
	f->reason = f->kind == ML_VIEW_SKIPPED ? str(o, "skip_reason")
					       : str(o, "fail_reason");
	f->median = (struct ml_view_interval){num(o, "median_ns"),
					      num(o, "ci95_low_ns"),
					      num(o, "ci95_high_ns")};
	if (f->kind == ML_VIEW_TIMED && !isfinite(f->median.value))
		f->kind = ML_VIEW_FAILED; /* no median: nothing to show */
	f->p90 = num(o, "p90_ns");
	f->p99 = num(o, "p99_ns");
	f->min = num(o, "min_ns");
	f->max = num(o, "max_ns");
	f->ratio_null = (struct ml_view_interval){
		num(o, "ratio_to_null_syscall"), num(o, "ratio_ci95_low"),
		num(o, "ratio_ci95_high")};
	f->rounds = (size_t)json_object_get_int64(get(o, "rounds"));
	f->forks = (size_t)json_object_get_int64(get(o, "forks"));
	f->converged = flag(o, "converged");
	load_histogram(f, get(o, "histogram"));
	if (json_object_is_type(paired, json_type_object)) {
		f->pair_with = str(paired, "with");
		f->claim = str(paired, "claim");
		f->claim_outcome = str(paired, "claim_outcome");
		f->pair_ratio = interval(get(paired, "ratio"));
	}
	for (size_t w = 0; w < ML_VIEW_NWITNESS; w++)
		f->witness[w] = num(o, ml_view_witness_key[w]);
	f->counted_in = str(o, "kernel_counted_in");
	f->verified = json_object_is_type(v, json_type_boolean)
			      ? json_object_get_boolean(v)
			      : -1;
	f->verify_error = str(o, "verify_error");
	if (f->kind == ML_VIEW_DEMO)
		f->notes = join_notes(get(o, "notes"));
}

/* The median of the speed reference's processes; NAN without one. */
static double speed_reference(struct json_object *a)
{
	double v[64];
	size_t n = 0;

	for (size_t i = 0; json_object_is_type(a, json_type_array) &&
			   i < json_object_array_length(a) && n < 64; i++) {
		struct json_object *x = json_object_array_get_idx(a, i);

		if (json_object_is_type(x, json_type_double) ||
		    json_object_is_type(x, json_type_int))
			v[n++] = json_object_get_double(x);
	}
	for (size_t i = 1; i < n; i++)	/* few: insertion sort */
		for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return !n ? NAN : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int ml_view_parse(const char *text, const char *path, struct ml_view_report *r,
		  char *err, size_t errlen)
{
	enum json_tokener_error jerr;
	struct json_object *root, *figs, *obs;
	double schema;

	memset(r, 0, sizeof(*r));
	r->path = path;
	root = json_tokener_parse_verbose(text, &jerr);
	if (!root)
		return ml_errorf(err, errlen, "%s: not JSON (%s)", path,
				 json_tokener_error_desc(jerr));
	r->json = root;
	figs = get(root, "figures");
	schema = num(root, "schema");
	if (!str(root, "modelab_version") || !isfinite(schema) ||
	    !json_object_is_type(figs, json_type_array)) {
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
	r->version = str(root, "modelab_version");
	load_env(r, get(root, "environment"));
	obs = get(root, "observer_effect");
	if (json_object_is_type(obs, json_type_object)) {
		r->have_observer = true;
		r->observer_on_ns = num(obs, "counting_on_ns");
		r->observer_off_ns = num(obs, "counting_off_ns");
		r->observer_ratio = interval(get(obs, "ratio"));
		r->observer_outcome = str(obs, "outcome");
	}
	r->speed_ns = speed_reference(get(get(root, "method"),
					  "speed_reference_ns"));
	r->nfigs = json_object_array_length(figs);
	r->figs = calloc(r->nfigs ? r->nfigs : 1, sizeof(*r->figs));
	if (!r->figs) {
		ml_view_free(r);
		return ml_errorf(err, errlen, "%s: out of memory", path);
	}
	for (size_t i = 0; i < r->nfigs; i++)
		load_figure(&r->figs[i], json_object_array_get_idx(figs, i));
	return 0;
}

int ml_view_load(const char *path, struct ml_view_report *r, char *err,
		 size_t errlen)
{
	FILE *in = fopen(path, "r");
	char *text = NULL;
	size_t len = 0;
	FILE *mem;
	int c, rc;

	if (!in)
		return ml_errorf(err, errlen, "%s: cannot read: %s", path,
				 strerror(errno));
	mem = open_memstream(&text, &len);
	while (mem && (c = getc(in)) != EOF)
		putc(c, mem);
	if (mem)
		fclose(mem);
	if (ferror(in) || !text) {
		fclose(in);
		free(text);
		return ml_errorf(err, errlen, "%s: cannot read: %s", path,
				 strerror(errno ? errno : EIO));
	}
	fclose(in);
	rc = ml_view_parse(text, path, r, err, errlen);
	free(text);
	return rc;
}

void ml_view_free(struct ml_view_report *r)
{
	for (size_t i = 0; r->figs && i < r->nfigs; i++)
		free(r->figs[i].notes);
	free(r->figs);
	json_object_put(r->json);
	memset(r, 0, sizeof(*r));
}

const struct ml_view_figure *ml_view_find(const struct ml_view_report *r,
					  const char *probe, const char *figure)
{
	for (size_t i = 0; i < r->nfigs; i++)
		if (!strcmp(r->figs[i].probe, probe) &&
		    !strcmp(r->figs[i].figure, figure))
			return &r->figs[i];
	return NULL;
}

bool ml_view_first_timed(const struct ml_view_report *r, size_t i)
{
	if (r->figs[i].kind != ML_VIEW_TIMED)
		return false;
	for (size_t j = 0; j < i; j++)
		if (r->figs[j].kind == ML_VIEW_TIMED &&
		    !strcmp(r->figs[j].probe, r->figs[i].probe))
			return false;
	return true;
}

void ml_view_stem(char *buf, size_t len, const char *a, const char *b)
{
	snprintf(buf, len, "%s-%s", a, b);
	for (char *p = buf; *p; p++)
		if (!(*p == '-' || *p == '_' || (*p >= '0' && *p <= '9') ||
		      (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			*p = '_';
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
