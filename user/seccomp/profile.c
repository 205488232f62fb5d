// SPDX-License-Identifier: GPL-2.0
/*
 * profile.c - an OCI runtime-spec seccomp profile (the JSON Docker and
 * Podman use) read as the container runtimes read it, into a libseccomp
 * filter (its rules go in through rules.c).  Parsing never prints: every
 * error is one line naming the field at fault.
 */
#define _GNU_SOURCE
#include "util/util.h"
#include "util/jsonread.h"
#include "isa/arch.h"
#include "seccomp/policy.h"
#include "seccomp/profile.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

/*
 * Read the way crun reads linux.seccomp (src/libcrun/seccomp.c), with
 * Docker's additions (archMap, includes/excludes, the old "name") read the
 * way moby's profiles/seccomp/seccomp_linux.go turns them into OCI.
 */

static const struct {
	const char *name;
	uint32_t action;	/* ERRNO and TRACE take their data later */
} profile_actions[] = {
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW },
	{ "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0) },
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL },
	{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL },
	{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS },
	{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP },
	{ "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0) },
	{ "SCMP_ACT_LOG", SCMP_ACT_LOG },
	{ "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY },
};

static const struct {
	const char *name;
	enum scmp_compare op;
} profile_ops[] = {
	{ "SCMP_CMP_NE", SCMP_CMP_NE },	{ "SCMP_CMP_LT", SCMP_CMP_LT },
	{ "SCMP_CMP_LE", SCMP_CMP_LE },	{ "SCMP_CMP_EQ", SCMP_CMP_EQ },
	{ "SCMP_CMP_GE", SCMP_CMP_GE },	{ "SCMP_CMP_GT", SCMP_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

/* Accepts only the keys listed; names the first other one. */
static int only_keys(struct json_object *obj, const char *where,
		     const char *const *keys, struct profile_ctx *p)
{
	json_object_object_foreach(obj, key, val) {
		bool known = false;

		(void)val;
		for (const char *const *k = keys; *k; k++)
			known |= !strcmp(key, *k);
		if (!known)
			return ml_errorf(p->err, p->len,
				    "profile: %s%s%s: unsupported field",
				    where, *where ? "." : "", key);
	}
	return 0;
}

static int want_type(struct json_object *v, enum json_type t,
		     const char *where, const char *what, struct profile_ctx *p)
{
	if (v && json_object_is_type(v, t))
		return 0;
	return ml_errorf(p->err, p->len, "profile: %s: expected %s", where, what);
}

/*
 * An array whose every element is a string; null counts as empty.  Each
 * is a name (a syscall, flag, architecture, capability), so a control
 * character in one is refused, not looked up.
 */
static int want_strings(struct json_object *v, const char *where,
			struct profile_ctx *p)
{
	char at[256];

	if (!v || json_object_is_type(v, json_type_null))
		return 0;
	if (want_type(v, json_type_array, where, "an array", p))
		return -1;
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		struct json_object *s = json_object_array_get_idx(v, i);

		snprintf(at, sizeof(at), "%s[%zu]", where, i);
		if (want_type(s, json_type_string, at, "a string", p))
			return -1;
		if (ml_json_has_control(json_object_get_string(s)))
			return ml_errorf(p->err, p->len,
					 "profile: %s: a control character in a name",
					 at);
	}
	return 0;
}

static size_t length_of(struct json_object *v)
{
	return v && json_object_is_type(v, json_type_array) ?
		       json_object_array_length(v) : 0;
}

static int parse_action(struct json_object *v, const char *where,
			uint32_t *action, struct profile_ctx *p)
{
	const char *s;

	if (want_type(v, json_type_string, where, "a string", p))
		return -1;
	s = json_object_get_string(v);
	for (size_t i = 0; i < ML_ARRAY_SIZE(profile_actions); i++) {
		if (!strcmp(s, profile_actions[i].name)) {
			*action = profile_actions[i].action;
			return 0;
		}
	}
	return ml_errorf(p->err, p->len, "profile: %s: unknown action '%s'", where,
		    s);
}

/*
 * ERRNO and TRACE carry a number: errnoRet (defaultErrnoRet for the
 * default action), else EPERM, as crun and the runtime spec say: a rule's
 * ERRNO without errnoRet is EPERM whatever defaultErrnoRet is.  crun
 * refuses the number beside any other action; so do we.  TRACE becomes
 * ERRNO(ENOSYS), what a call gets when no tracer is attached.
 */
static int with_data(uint32_t action, const char *name, struct json_object *ret,
		     const char *where, uint32_t *out, struct profile_ctx *p)
{
	bool takes = action == SCMP_ACT_ERRNO(0) || action == SCMP_ACT_TRACE(0);
	/* libseccomp's range: an errno below MAX_ERRNO, a 16-bit trace code */
	int64_t most = action == SCMP_ACT_ERRNO(0) ? 4094 : 65535;
	uint32_t data = EPERM;

	if (ret) {
		int64_t v;

		if (want_type(ret, json_type_int, where, "an integer", p))
			return -1;
		if (!takes)
			return ml_errorf(p->err, p->len,
				    "profile: %s: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take a number, not %s",
				    where, name);
		v = json_object_get_int64(ret);
		if (v < 0 || v > most)
			return ml_errorf(p->err, p->len,
				    "profile: %s: %s is out of range (0 to %lld)",
				    where, json_object_get_string(ret),
				    (long long)most);
		data = (uint32_t)v;
	}
	if (action == SCMP_ACT_ERRNO(0))
		*out = SCMP_ACT_ERRNO(data);
	else if (action == SCMP_ACT_TRACE(0))
		/*
		 * With no tracer attached TRACE gives ENOSYS, but the command
		 * could attach one of its own (a child it traces), and a
		 * traced call runs: so ENOSYS, always (docs/sandbox.md).
		 */
		*out = SCMP_ACT_ERRNO(ENOSYS);
	else
		*out = action;
	return 0;
}

/* Whether the capabilities named are all (all) or any (!all) in p->caps. */
static int caps_match(struct json_object *v, const char *where, bool all,
		      bool *out, struct profile_ctx *p)
{
	if (want_strings(v, where, p))
		return -1;
	*out = all;
	for (size_t i = 0; i < length_of(v); i++) {
		const char *s =
			json_object_get_string(json_object_array_get_idx(v, i));
		int cap = ml_cap_parse(s);
		bool held;

		/* one we do not know is one the command lacks, as moby
		 * and crun take it (a newer kernel's, or a typo) */
		held = cap >= 0 && ((p->caps >> cap) & 1);
		if (all && !held)
			*out = false;
		if (!all && held)
			*out = true;
	}
	return 0;
}

/*
 * moby's parseRelease: "kernel.major" only, so that 3.12.25-gentoo and
 * 3.12-1-amd64 are the same 3.12; anything after is ignored.  Each a
 * number of at most 9 digits: sscanf's %d would wrap 4294967301 to 5.
 */
static int parse_release(const char *s, int v[2])
{
	for (int i = 0; i < 2; i++) {
		int n = 0;

		v[i] = 0;
		while (*s >= '0' && *s <= '9' && n < 10) {
			v[i] = n < 9 ? v[i] * 10 + (*s - '0') : -1;
			s++;
			n++;
		}
		if (!n || n > 9 || (i == 0 && *s++ != '.'))
			return v[0] = v[1] = 0, -1;
	}
	return 0;
}

/* moby's kernelGreaterEqualThan: the running kernel is at least v. */
static int kernel_at_least(struct json_object *v, const char *where, bool *out,
			   struct profile_ctx *p)
{
	int want[2];

	if (want_type(v, json_type_string, where, "a string", p))
		return -1;
	if (parse_release(json_object_get_string(v), want))
		return ml_errorf(p->err, p->len,
			    "profile: %s: '%s' is not a kernel version (\"<kernel>.<major>\")",
			    where, json_object_get_string(v));
	*out = p->kernel[0] > want[0] ||
	       (p->kernel[0] == want[0] && p->kernel[1] >= want[1]);
	return 0;
}

/*
 * Docker's includes/excludes (moby's setupSeccomp): a rule is dropped when
 * excludes names our architecture (Go's name: "amd64", "arm64", "riscv64"), any capability in
 * the set, or a minKernel the running kernel reaches; or when includes
 * names architectures without ours, a capability not in the set, or a
 * minKernel newer than the running kernel.
 */
static int condition(struct json_object *rule, const char *key,
		     const char *where, bool *keep, struct profile_ctx *p)
{
	static const char *const keys[] = { "arches", "caps", "minKernel",
					    NULL };
	bool inc = !strcmp(key, "includes"), yes = false;
	struct json_object *c, *v;
	char at[128], at2[160];

	if (!json_object_object_get_ex(rule, key, &c) ||
	    json_object_is_type(c, json_type_null))
		return 0;
	snprintf(at, sizeof(at), "%s.%s", where, key);
	if (want_type(c, json_type_object, at, "an object", p) ||
	    only_keys(c, at, keys, p))
		return -1;
	if (json_object_object_get_ex(c, "arches", &v)) {
		bool ours = false;

		snprintf(at2, sizeof(at2), "%s.arches", at);
		if (want_strings(v, at2, p))
			return -1;
		for (size_t i = 0; i < length_of(v); i++)
			ours |= !strcmp(json_object_get_string(
						json_object_array_get_idx(v, i)),
					ML_ARCH_GO_NAME);
		if (length_of(v) && ours != inc)
			*keep = false;
	}
	if (json_object_object_get_ex(c, "caps", &v)) {
		snprintf(at2, sizeof(at2), "%s.caps", at);
		if (caps_match(v, at2, inc, &yes, p))
			return -1;
		if (length_of(v) && yes != inc)
			*keep = false;
	}
	if (json_object_object_get_ex(c, "minKernel", &v) &&
	    !(json_object_is_type(v, json_type_string) &&
	      !*json_object_get_string(v))) {
		snprintf(at2, sizeof(at2), "%s.minKernel", at);
		if (kernel_at_least(v, at2, &yes, p))
			return -1;
		if (yes != inc)
			*keep = false;
	}
	return 0;
}

static int parse_u64(struct json_object *a, const char *key, const char *at,
		     bool required, scmp_datum_t *out, struct profile_ctx *p)
{
	struct json_object *v;

	*out = 0;
	if (!json_object_object_get_ex(a, key, &v))
		return required ? ml_errorf(p->err, p->len,
					    "profile: %s.%s: missing", at, key) :
				  0;
	if (!json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0)
		return ml_errorf(p->err, p->len,
			    "profile: %s.%s: expected an unsigned integer", at,
			    key);
	*out = (scmp_datum_t)json_object_get_uint64(v);
	return 0;
}

/* *split: two comparisons on one argument, which crun turns into one rule each */
static int parse_args(struct json_object *args, const char *where,
		      struct scmp_arg_cmp *cmp, unsigned int *n, bool *split,
		      struct profile_ctx *p)
{
	static const char *const keys[] = { "index", "value", "valueTwo",
					    "op", NULL };
	unsigned int count[6] = { 0 };
	char at[128];

	*n = 0;
	*split = false;
	if (!args || json_object_is_type(args, json_type_null))
		return 0;
	if (want_type(args, json_type_array, where, "an array", p))
		return -1;
	if (json_object_array_length(args) > 6)
		return ml_errorf(p->err, p->len,
			    "profile: %s: %zu comparisons; at most 6 (crun ignores the rest)",
			    where, json_object_array_length(args));
	for (size_t i = 0; i < json_object_array_length(args); i++) {
		struct json_object *a = json_object_array_get_idx(args, i);
		struct json_object *idx, *op;
		const char *ops;
		bool found = false;

		snprintf(at, sizeof(at), "%s[%zu]", where, i);
		if (want_type(a, json_type_object, at, "an object", p) ||
		    only_keys(a, at, keys, p))
			return -1;
		if (!json_object_object_get_ex(a, "index", &idx) ||
		    !json_object_is_type(idx, json_type_int) ||
		    json_object_get_int64(idx) < 0 ||
		    json_object_get_int64(idx) > 5)
			return ml_errorf(p->err, p->len,
				    "profile: %s.index: expected 0 to 5", at);
		cmp[i].arg = (unsigned int)json_object_get_int(idx);
		if (count[cmp[i].arg]++)
			*split = true;
		if (parse_u64(a, "value", at, true, &cmp[i].datum_a, p) ||
		    parse_u64(a, "valueTwo", at, false, &cmp[i].datum_b, p))
			return -1;
		if (!json_object_object_get_ex(a, "op", &op) ||
		    !json_object_is_type(op, json_type_string))
			return ml_errorf(p->err, p->len,
				    "profile: %s.op: expected a string", at);
		ops = json_object_get_string(op);
		for (size_t k = 0; k < ML_ARRAY_SIZE(profile_ops); k++) {
			if (!strcmp(ops, profile_ops[k].name)) {
				cmp[i].op = profile_ops[k].op;
				found = true;
			}
		}
		if (!found)
			return ml_errorf(p->err, p->len,
				    "profile: %s.op: unknown operator '%s'", at,
				    ops);
		(*n)++;
	}
	return 0;
}

/*
 * A name libseccomp does not know: counted and listed (sandbox.c warns
 * before the command runs).  A refusal of a call newer than Linux 5.0 is
 * kept by number for guard.c, so that it is refused all the same.
 */
static void unknown_name(const char *s, uint32_t action,
			 struct profile_ctx *p)
{
	struct ml_profile_info *info = p->info;
	size_t used = strlen(info->unknown_list);
	uint32_t kind = action & 0xffff0000U;	/* SECCOMP_RET_ACTION_FULL */
	int nr = ml_syscall_newer(s);

	info->names_unknown++;
	snprintf(info->unknown_list + used, sizeof(info->unknown_list) - used,
		 "%s%s", used ? ", " : "", s);
	if (nr >= 0 && info->numbered < ML_ARRAY_SIZE(info->by_number) &&
	    (kind == SCMP_ACT_ERRNO(0) || kind == SCMP_ACT_TRAP ||
	     kind == SCMP_ACT_KILL || kind == SCMP_ACT_KILL_PROCESS)) {
		info->by_number[info->numbered].nr = nr;
		info->by_number[info->numbered++].action = action;
	}
}

static int parse_rule(struct json_object *rule, size_t i, struct profile_ctx *p)
{
	static const char *const keys[] = { "names", "name", "action",
					    "errnoRet", "errno", "args", "includes",
					    "excludes", "comment", NULL };
	struct json_object *names = NULL, *name = NULL, *act, *ret = NULL;
	struct json_object *args = NULL;
	struct scmp_arg_cmp cmp[6];
	char where[64], at[96];
	unsigned int nargs;
	uint32_t action;
	bool keep = true, split;

	snprintf(where, sizeof(where), "syscalls[%zu]", i);
	if (want_type(rule, json_type_object, where, "an object", p) ||
	    only_keys(rule, where, keys, p))
		return -1;
	snprintf(at, sizeof(at), "%s.action", where);
	if (!json_object_object_get_ex(rule, "action", &act))
		return ml_errorf(p->err, p->len, "profile: %s: missing", at);
	if (parse_action(act, at, &action, p))
		return -1;
	json_object_object_get_ex(rule, "errnoRet", &ret);
	snprintf(at, sizeof(at), "%s.errnoRet", where);
	if (with_data(action, json_object_get_string(act), ret, at, &action, p))
		return -1;
	json_object_object_get_ex(rule, "args", &args);
	snprintf(at, sizeof(at), "%s.args", where);
	if (parse_args(args, at, cmp, &nargs, &split, p) ||
	    condition(rule, "excludes", where, &keep, p) ||
	    condition(rule, "includes", where, &keep, p))
		return -1;
	json_object_object_get_ex(rule, "name", &name);
	json_object_object_get_ex(rule, "names", &names);
	snprintf(at, sizeof(at), "%s.name", where);
	if (name && want_type(name, json_type_string, at, "a string", p))
		return -1;
	snprintf(at, sizeof(at), "%s.names", where);
	if (names && (want_type(names, json_type_array, at, "an array", p) ||
		      want_strings(names, at, p)))
		return -1;
	if (!names && !name)
		return ml_errorf(p->err, p->len, "profile: %s.names: missing",
			    where);
	if (!keep) {
		p->info->rules_skipped++;
		return 0;
	}
	if (split)
		p->info->rules_split++;
	/* "name" is Docker's old format; beside "names", crun ignores it */
	for (size_t k = 0; k < (names ? json_object_array_length(names) : 1);
	     k++) {
		const char *s = json_object_get_string(
			names ? json_object_array_get_idx(names, k) : name);
		int nr;

		if (names)
			snprintf(at, sizeof(at), "%s.names[%zu]", where, k);
		else
			snprintf(at, sizeof(at), "%s.name", where);
		nr = seccomp_syscall_resolve_name(s);
		if (nr == __NR_SCMP_ERROR) {
			/* profiles name calls newer than our libseccomp */
			unknown_name(s, action, p);
			continue;
		}
		if (action == p->def_action) {
			/* crun skips these; libseccomp would refuse them */
			p->info->rules_redundant++;
			continue;
		}
		if (ml_profile_add_rules(action, nr, s, at, cmp, nargs, split, p))
			return -1;
	}
	return 0;
}

/* crun's way: "SCMP_ARCH_X86_64" to "x86_64" to libseccomp's token; 0 if unknown */
static uint32_t arch_token(const char *s)
{
	char low[32];
	size_t i;

	if (!strncmp(s, "SCMP_ARCH_", 10))
		s += 10;
	for (i = 0; s[i] && i < sizeof(low) - 1; i++)
		low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' :
							      s[i]);
	low[i] = '\0';
	return seccomp_arch_resolve_name(low);
}

/* Adds an architecture; one libseccomp does not know is counted, not added. */
static int add_arch(const char *s, const char *where, struct profile_ctx *p)
{
	uint32_t token = arch_token(s);
	int rc;

	if (!token) {
		p->info->arches_ignored++;
		return 0;
	}
	rc = seccomp_arch_add(p->ctx, token);
	if (rc && rc != -EEXIST)
		return ml_errorf(p->err, p->len, "profile: %s: cannot add %s: %s",
			    where, s, strerror(-rc));
	return 0;
}

static int parse_arches(struct json_object *root, struct profile_ctx *p)
{
	static const char *const keys[] = { "architecture", "subArchitectures",
					    NULL };
	struct json_object *list = NULL, *map = NULL;
	char at[64], at2[160];
	bool found = false;

	json_object_object_get_ex(root, "architectures", &list);
	json_object_object_get_ex(root, "archMap", &map);
	if (want_strings(list, "architectures", p))
		return -1;
	if (map && !json_object_is_type(map, json_type_null) &&
	    want_type(map, json_type_array, "archMap", "an array", p))
		return -1;
	if (length_of(list) && length_of(map))
		return ml_errorf(p->err, p->len,
			    "profile: archMap: give architectures or archMap, not both (as Docker requires)");
	for (size_t i = 0; i < length_of(list); i++) {
		snprintf(at, sizeof(at), "architectures[%zu]", i);
		if (add_arch(json_object_get_string(
				     json_object_array_get_idx(list, i)),
			     at, p))
			return -1;
	}
	/* Docker: only the entry for this machine, its arch and subarches */
	for (size_t i = 0; i < length_of(map); i++) {
		struct json_object *m = json_object_array_get_idx(map, i);
		struct json_object *a, *subs = NULL;
		const char *name;

		snprintf(at, sizeof(at), "archMap[%zu]", i);
		if (want_type(m, json_type_object, at, "an object", p) ||
		    only_keys(m, at, keys, p))
			return -1;
		snprintf(at2, sizeof(at2), "%s.architecture", at);
		if (!json_object_object_get_ex(m, "architecture", &a))
			return ml_errorf(p->err, p->len, "profile: %s: missing",
				    at2);
		if (want_type(a, json_type_string, at2, "a string", p))
			return -1;
		json_object_object_get_ex(m, "subArchitectures", &subs);
		snprintf(at2, sizeof(at2), "%s.subArchitectures", at);
		if (want_strings(subs, at2, p))
			return -1;
		name = json_object_get_string(a);
		if (found || arch_token(name) != seccomp_arch_native())
			continue;
		found = true;
		if (add_arch(name, at, p))
			return -1;
		for (size_t k = 0; k < length_of(subs); k++) {
			const char *sub = json_object_get_string(
				json_object_array_get_idx(subs, k));

			snprintf(at2, sizeof(at2), "%s.subArchitectures[%zu]",
				 at, k);
			/* crun: "seccomp unknown architecture" */
			if (!arch_token(sub))
				return ml_errorf(p->err, p->len,
					    "profile: %s: unknown architecture '%s' (libseccomp does not know it)",
					    at2, sub);
			if (add_arch(sub, at2, p))
				return -1;
		}
	}
	return 0;
}

static const char *const top_keys[] = { "defaultAction", "defaultErrnoRet",
					"defaultErrno", "architectures", "archMap", "flags",
					"syscalls", NULL };

/* json: n bytes (a NUL among them is refused), a NUL after them */
static void *parse_text(const char *json, size_t n, uint64_t caps,
			struct ml_profile_info *info, char *err, size_t len)
{
	struct json_object *root = NULL, *v, *calls, *def_ret = NULL;
	struct profile_ctx p = { .info = info, .caps = caps, .err = err,
				 .len = len };
	struct utsname u;
	long insns;

	memset(info, 0, sizeof(*info));
	if (uname(&u) || parse_release(u.release, p.kernel)) {
		ml_errorf(err, len, "profile: cannot read this kernel's version");
		return NULL;
	}
	if (n > ML_PROFILE_MAX_BYTES) {
		ml_errorf(err, len,
			  "profile: over %d bytes (the most a profile may have; Docker's has 14 KB)",
			  ML_PROFILE_MAX_BYTES);
		return NULL;
	}
	root = ml_json_read(json, n, "profile", err, len);
	if (!root)
		return NULL;
	if (want_type(root, json_type_object, "the top level", "an object",
		      &p) ||
	    only_keys(root, "", top_keys, &p))
		goto bad;
	if (!json_object_object_get_ex(root, "defaultAction", &v)) {
		ml_errorf(err, len, "profile: defaultAction: missing");
		goto bad;
	}
	json_object_object_get_ex(root, "defaultErrnoRet", &def_ret);
	if (parse_action(v, "defaultAction", &p.def_action, &p) ||
	    with_data(p.def_action, json_object_get_string(v), def_ret,
		      "defaultErrnoRet", &p.def_action, &p))
		goto bad;
	p.ctx = seccomp_init(p.def_action);
	if (!p.ctx) {
		ml_errorf(err, len, "profile: libseccomp refused the default action");
		goto bad;
	}
	if (json_object_object_get_ex(root, "flags", &v) &&
	    !json_object_is_type(v, json_type_null)) {
		if (want_strings(v, "flags", &p))
			goto bad;
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			const char *f = json_object_get_string(
				json_object_array_get_idx(v, i));

			if (!strcmp(f, "SECCOMP_FILTER_FLAG_LOG")) {
				seccomp_attr_set(p.ctx, SCMP_FLTATR_CTL_LOG, 1);
				continue;
			}
			ml_errorf(err, len, "profile: flags[%zu]: unsupported flag '%s'",
			     i, f);
			goto bad;
		}
	}
	if (parse_arches(root, &p))
		goto bad;
	if (json_object_object_get_ex(root, "syscalls", &calls) &&
	    !json_object_is_type(calls, json_type_null)) {
		if (want_type(calls, json_type_array, "syscalls", "an array",
			      &p))
			goto bad;
		for (size_t i = 0; i < json_object_array_length(calls); i++)
			if (parse_rule(json_object_array_get_idx(calls, i), i,
				       &p))
				goto bad;
	}
	insns = ml_profile_checked_length(&p);
	if (insns < 0)
		goto bad;
	info->bpf_insns = (size_t)insns;
	json_object_put(root);
	free(p.seen);
	return p.ctx;
bad:
	if (p.ctx)
		seccomp_release(p.ctx);
	json_object_put(root);
	free(p.seen);
	return NULL;
}

void *ml_profile_parse_caps(const char *json, uint64_t caps,
			    struct ml_profile_info *info, char *err, size_t len)
{
	return parse_text(json, strlen(json), caps, info, err, len);
}

void *ml_profile_parse(const char *json, struct ml_profile_info *info,
		       char *err, size_t len)
{
	return ml_profile_parse_caps(json, ML_CAPS_DOCKER_DEFAULT, info, err,
				     len);
}

void *ml_profile_load_caps(const char *path, uint64_t caps,
			   struct ml_profile_info *info, char *err, size_t len)
{
	char *text = NULL;
	size_t size = 0;
	scmp_filter_ctx ctx;

	memset(info, 0, sizeof(*info));
	if (ml_json_read_file(path, ML_PROFILE_MAX_BYTES, &text, &size)) {
		if (errno == EFBIG)
			ml_errorf(err, len,
				  "--profile: '%s' is over %d bytes (the most a profile may have; Docker's has 14 KB)",
				  path, ML_PROFILE_MAX_BYTES);
		else
			ml_errorf(err, len, "--profile: cannot open '%s': %s",
				  path, strerror(errno));
		return NULL;
	}
	if (!size) {
		free(text);
		ml_errorf(err, len, "--profile: '%s' is empty", path);
		return NULL;
	}
	ctx = parse_text(text, size, caps, info, err, len);
	free(text);
	return ctx;
}

void *ml_profile_load(const char *path, struct ml_profile_info *info,
		      char *err, size_t len)
{
	return ml_profile_load_caps(path, ML_CAPS_DOCKER_DEFAULT, info, err,
				    len);
}
