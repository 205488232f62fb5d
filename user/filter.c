// SPDX-License-Identifier: GPL-2.0
/*
 * filter.c - seccomp filters from words: syscall lists, actions, and OCI
 * runtime-spec profiles (the JSON Docker and Podman use), built with
 * libseccomp.  Parsing never prints: every error is one line naming what
 * is wrong, for the caller to print.
 */
#define _GNU_SOURCE
#include "modelab.h"

#include <errno.h>
#include <json-c/json.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/utsname.h>

/* ---- errno names -------------------------------------------------------- */

static const struct {
	const char *name;
	int value;
} errnos[] = {
	{ "EPERM", EPERM },   { "ENOENT", ENOENT }, { "EINTR", EINTR },
	{ "EIO", EIO },	      { "EBADF", EBADF },   { "EAGAIN", EAGAIN },
	{ "ENOMEM", ENOMEM }, { "EACCES", EACCES }, { "EFAULT", EFAULT },
	{ "EBUSY", EBUSY },   { "EEXIST", EEXIST }, { "EINVAL", EINVAL },
	{ "ENOSPC", ENOSPC }, { "EROFS", EROFS },   { "ENOSYS", ENOSYS },
	{ "ENOTSUP", ENOTSUP }, { "EOPNOTSUPP", EOPNOTSUPP },
};

/* "EACCES" or "13": the errno, or -1. */
int ml_errno_parse(const char *s)
{
	char *end;
	long v;

	for (size_t i = 0; i < ML_ARRAY_SIZE(errnos); i++)
		if (!strcmp(s, errnos[i].name))
			return errnos[i].value;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > 4095)
		return -1;
	return (int)v;
}

/* ---- actions and lists -------------------------------------------------- */

int ml_action_parse(const char *s, uint32_t *action, char *err, size_t len)
{
	if (!strcmp(s, "errno")) {
		*action = SCMP_ACT_ERRNO(EPERM);
	} else if (!strncmp(s, "errno:", 6)) {
		int e = ml_errno_parse(s + 6);

		if (e < 0)
			return ml_errorf(err, len, "--action: unknown errno '%s'",
				    s + 6);
		*action = SCMP_ACT_ERRNO((uint32_t)e);
	} else if (!strcmp(s, "kill")) {
		*action = SCMP_ACT_KILL_PROCESS;
	} else if (!strcmp(s, "trap")) {
		*action = SCMP_ACT_TRAP;
	} else if (!strcmp(s, "log")) {
		*action = SCMP_ACT_LOG;
	} else if (!strcmp(s, "notify")) {
		*action = SCMP_ACT_NOTIFY;
	} else {
		return ml_errorf(err, len,
			    "--action: unknown action '%s' (errno[:NAME], kill, trap, log, notify)",
			    s);
	}
	return 0;
}

int ml_syscall_list_parse(const char *list, int *nrs, size_t max, size_t *n,
			  const char *option, char *err, size_t len)
{
	const char *p = list;

	*n = 0;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t wlen = comma ? (size_t)(comma - p) : strlen(p);
		char name[64];
		int nr;

		if (!wlen)
			return ml_errorf(err, len, "%s: empty syscall name in '%s'",
				    option, list);
		if (wlen >= sizeof(name))
			return ml_errorf(err, len, "%s: syscall name too long",
				    option);
		memcpy(name, p, wlen);
		name[wlen] = '\0';
		nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR)
			return ml_errorf(err, len, "%s: unknown syscall '%s'",
				    option, name);
		if (*n == max)
			return ml_errorf(err, len, "%s: too many syscalls", option);
		nrs[(*n)++] = nr;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

/* ---- OCI / Docker profiles ---------------------------------------------- */

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

struct profile_ctx {
	scmp_filter_ctx ctx;
	struct ml_profile_info *info;
	char *err;
	size_t len;
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

/* ERRNO and TRACE carry a number: errnoRet, else the default. */
static int with_data(uint32_t action, struct json_object *ret,
		     const char *where, uint32_t fallback, uint32_t *out,
		     struct profile_ctx *p)
{
	uint32_t data = fallback;

	if (ret) {
		int64_t v;

		if (want_type(ret, json_type_int, where, "an integer", p))
			return -1;
		v = json_object_get_int64(ret);
		if (v < 0 || v > 0xffff)
			return ml_errorf(p->err, p->len,
				    "profile: %s: %lld is out of range",
				    where, (long long)v);
		data = (uint32_t)v;
	}
	if (action == SCMP_ACT_ERRNO(0))
		*out = SCMP_ACT_ERRNO(data);
	else if (action == SCMP_ACT_TRACE(0))
		*out = SCMP_ACT_TRACE(data);
	else
		*out = action;
	return 0;
}

/* Docker's "arches" use Go's names; ours is amd64. */
static bool names_native_arch(struct json_object *arches)
{
	for (size_t i = 0; i < json_object_array_length(arches); i++) {
		const char *a =
			json_object_get_string(json_object_array_get_idx(arches, i));

		if (a && (!strcmp(a, "amd64") || !strcmp(a, "x86_64") ||
			  !strcmp(a, "SCMP_ARCH_X86_64")))
			return true;
	}
	return false;
}

static const struct {
	const char *name;
	int cap;
} cap_names[] = {
	{ "CAP_DAC_READ_SEARCH", CAP_DAC_READ_SEARCH },
	{ "CAP_NET_ADMIN", CAP_NET_ADMIN }, { "CAP_IPC_LOCK", CAP_IPC_LOCK },
	{ "CAP_SYS_MODULE", CAP_SYS_MODULE }, { "CAP_SYS_RAWIO", CAP_SYS_RAWIO },
	{ "CAP_SYS_CHROOT", CAP_SYS_CHROOT }, { "CAP_SYS_PTRACE", CAP_SYS_PTRACE },
	{ "CAP_SYS_PACCT", CAP_SYS_PACCT }, { "CAP_SYS_ADMIN", CAP_SYS_ADMIN },
	{ "CAP_SYS_BOOT", CAP_SYS_BOOT }, { "CAP_SYS_NICE", CAP_SYS_NICE },
	{ "CAP_SYS_RESOURCE", CAP_SYS_RESOURCE },
	{ "CAP_SYS_TIME", CAP_SYS_TIME },
	{ "CAP_SYS_TTY_CONFIG", CAP_SYS_TTY_CONFIG },
	{ "CAP_LEASE", CAP_LEASE }, { "CAP_AUDIT_WRITE", CAP_AUDIT_WRITE },
	{ "CAP_SYSLOG", CAP_SYSLOG }, { "CAP_WAKE_ALARM", CAP_WAKE_ALARM },
	{ "CAP_BLOCK_SUSPEND", CAP_BLOCK_SUSPEND },
	{ "CAP_PERFMON", CAP_PERFMON }, { "CAP_BPF", CAP_BPF },
	{ "CAP_CHECKPOINT_RESTORE", CAP_CHECKPOINT_RESTORE },
};

/* TODO(issue 14): judge caps by ml_sandbox_caps(), the command's set, not our CapEff. */
/* Whether this process holds a capability, by its name: CapEff says. */
static bool has_cap_named(const char *name)
{
	unsigned long long eff = 0;
	char line[128];
	int cap = -1;
	FILE *f;

	for (size_t i = 0; name && i < ML_ARRAY_SIZE(cap_names); i++)
		if (!strcmp(name, cap_names[i].name))
			cap = cap_names[i].cap;
	f = fopen("/proc/self/status", "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	if (f)
		fclose(f);
	return cap >= 0 && (eff >> cap) & 1;
}

static bool kernel_at_least(const char *version)
{
	struct utsname u;
	int a = 0, b = 0, x = 0, y = 0;

	if (uname(&u) || sscanf(version, "%d.%d", &a, &b) < 1)
		return false;
	sscanf(u.release, "%d.%d", &x, &y);
	return x > a || (x == a && y >= b);
}

/*
 * Docker's includes/excludes: a rule applies when every condition of
 * "includes" holds (our arch among its arches, every cap held, the kernel
 * at least minKernel) and none of "excludes" does.
 */
static int applies(struct json_object *rule, const char *where, bool *yes,
		   struct profile_ctx *p)
{
	static const char *const keys[] = { "arches", "caps", "minKernel",
					    NULL };
	struct json_object *inc, *exc, *v;
	char at[96];

	*yes = true;
	if (json_object_object_get_ex(rule, "includes", &inc)) {
		snprintf(at, sizeof(at), "%s.includes", where);
		if (want_type(inc, json_type_object, at, "an object", p) ||
		    only_keys(inc, at, keys, p))
			return -1;
		if (json_object_object_get_ex(inc, "arches", &v) &&
		    json_object_array_length(v) && !names_native_arch(v))
			*yes = false;
		if (json_object_object_get_ex(inc, "caps", &v))
			for (size_t i = 0; i < json_object_array_length(v); i++)
				*yes &= has_cap_named(json_object_get_string(
					json_object_array_get_idx(v, i)));
		if (json_object_object_get_ex(inc, "minKernel", &v) &&
		    !kernel_at_least(json_object_get_string(v)))
			*yes = false;
	}
	if (json_object_object_get_ex(rule, "excludes", &exc)) {
		snprintf(at, sizeof(at), "%s.excludes", where);
		if (want_type(exc, json_type_object, at, "an object", p) ||
		    only_keys(exc, at, keys, p))
			return -1;
		if (json_object_object_get_ex(exc, "arches", &v) &&
		    names_native_arch(v))
			*yes = false;
		if (json_object_object_get_ex(exc, "caps", &v))
			for (size_t i = 0; i < json_object_array_length(v); i++)
				if (has_cap_named(json_object_get_string(
					    json_object_array_get_idx(v, i))))
					*yes = false;
	}
	return 0;
}

static int parse_args(struct json_object *args, const char *where,
		      struct scmp_arg_cmp *cmp, unsigned int *n,
		      struct profile_ctx *p)
{
	static const char *const keys[] = { "index", "value", "valueTwo",
					    "op", NULL };
	char at[128];

	*n = 0;
	if (!args || json_object_is_type(args, json_type_null))
		return 0;
	if (want_type(args, json_type_array, where, "an array", p))
		return -1;
	if (json_object_array_length(args) > 6)
		return ml_errorf(p->err, p->len, "profile: %s: more than 6 args",
			    where);
	for (size_t i = 0; i < json_object_array_length(args); i++) {
		struct json_object *a = json_object_array_get_idx(args, i);
		struct json_object *idx, *val, *two, *op;
		const char *ops;
		bool found = false;

		snprintf(at, sizeof(at), "%s[%zu]", where, i);
		if (want_type(a, json_type_object, at, "an object", p) ||
		    only_keys(a, at, keys, p))
			return -1;
		if (!json_object_object_get_ex(a, "index", &idx) ||
		    !json_object_is_type(idx, json_type_int) ||
		    json_object_get_int(idx) < 0 || json_object_get_int(idx) > 5)
			return ml_errorf(p->err, p->len,
				    "profile: %s.index: expected 0 to 5", at);
		if (!json_object_object_get_ex(a, "value", &val) ||
		    !json_object_is_type(val, json_type_int))
			return ml_errorf(p->err, p->len,
				    "profile: %s.value: expected an integer",
				    at);
		if (!json_object_object_get_ex(a, "op", &op) ||
		    !json_object_is_type(op, json_type_string))
			return ml_errorf(p->err, p->len,
				    "profile: %s.op: expected a string", at);
		ops = json_object_get_string(op);
		cmp[i].arg = (unsigned int)json_object_get_int(idx);
		cmp[i].datum_a = (scmp_datum_t)json_object_get_uint64(val);
		cmp[i].datum_b = 0;
		if (json_object_object_get_ex(a, "valueTwo", &two))
			cmp[i].datum_b = (scmp_datum_t)json_object_get_uint64(two);
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

static int parse_rule(struct json_object *rule, size_t i, uint32_t def_errno,
		      struct profile_ctx *p)
{
	static const char *const keys[] = { "names", "name", "action",
					    "errnoRet", "errno", "args",
					    "includes", "excludes", "comment",
					    NULL };
	struct json_object *names, *name, *act, *ret = NULL, *args = NULL;
	struct scmp_arg_cmp cmp[6];
	char where[64], at[96];
	unsigned int nargs;
	uint32_t action;
	bool yes;

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
	if (with_data(action, ret, at, def_errno, &action, p))
		return -1;
	json_object_object_get_ex(rule, "args", &args);
	snprintf(at, sizeof(at), "%s.args", where);
	if (parse_args(args, at, cmp, &nargs, p) || applies(rule, where, &yes, p))
		return -1;
	if (!json_object_object_get_ex(rule, "names", &names)) {
		/* the old Docker format: one "name" */
		if (!json_object_object_get_ex(rule, "name", &name))
			return ml_errorf(p->err, p->len,
				    "profile: %s.names: missing", where);
		names = NULL;
	} else {
		snprintf(at, sizeof(at), "%s.names", where);
		if (want_type(names, json_type_array, at, "an array", p))
			return -1;
		name = NULL;
	}
	if (!yes) {
		p->info->rules_skipped++;
		return 0;
	}
	for (size_t k = 0; k < (names ? json_object_array_length(names) : 1);
	     k++) {
		struct json_object *n = names ? json_object_array_get_idx(names, k) :
						name;
		int nr;

		snprintf(at, sizeof(at), "%s.names[%zu]", where, k);
		if (want_type(n, json_type_string, at, "a string", p))
			return -1;
		nr = seccomp_syscall_resolve_name(json_object_get_string(n));
		if (nr == __NR_SCMP_ERROR) {
			/* profiles name calls newer than our libseccomp */
			p->info->names_unknown++;
			continue;
		}
		if (seccomp_rule_add_array(p->ctx, action, nr, nargs, cmp)) {
			/* a rule that repeats the default action is refused */
			p->info->rules_redundant++;
			continue;
		}
		p->info->rules_added++;
	}
	return 0;
}

static const struct {
	const char *name;
	uint32_t token;
} arches[] = {
	{ "SCMP_ARCH_X86", SCMP_ARCH_X86 },
	{ "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64 },
	{ "SCMP_ARCH_X32", SCMP_ARCH_X32 },
	{ "SCMP_ARCH_ARM", SCMP_ARCH_ARM },
	{ "SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64 },
	{ "SCMP_ARCH_MIPS", SCMP_ARCH_MIPS },
	{ "SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64 },
	{ "SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32 },
	{ "SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL },
	{ "SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64 },
	{ "SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32 },
	{ "SCMP_ARCH_PPC", SCMP_ARCH_PPC },
	{ "SCMP_ARCH_PPC64", SCMP_ARCH_PPC64 },
	{ "SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE },
	{ "SCMP_ARCH_S390", SCMP_ARCH_S390 },
	{ "SCMP_ARCH_S390X", SCMP_ARCH_S390X },
	{ "SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64 },
};

/* Adds an architecture the profile names, when it is one of ours. */
static int add_arch(struct json_object *v, const char *where,
		    struct profile_ctx *p)
{
	const char *s;

	if (want_type(v, json_type_string, where, "a string", p))
		return -1;
	s = json_object_get_string(v);
	for (size_t i = 0; i < ML_ARRAY_SIZE(arches); i++) {
		if (strcmp(s, arches[i].name))
			continue;
		/* only arches this machine can run: x86-64 and its subarches */
		if (arches[i].token == SCMP_ARCH_X86 ||
		    arches[i].token == SCMP_ARCH_X32) {
			int rc = seccomp_arch_add(p->ctx, arches[i].token);

			if (rc && rc != -EEXIST)
				return ml_errorf(p->err, p->len,
					    "profile: %s: cannot add %s", where,
					    s);
		}
		return 0;
	}
	return ml_errorf(p->err, p->len, "profile: %s: unknown architecture '%s'",
		    where, s);
}

static int parse_arches(struct json_object *root, struct profile_ctx *p)
{
	struct json_object *v;
	char at[96];

	if (json_object_object_get_ex(root, "architectures", &v)) {
		if (want_type(v, json_type_array, "architectures", "an array",
			      p))
			return -1;
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			snprintf(at, sizeof(at), "architectures[%zu]", i);
			if (add_arch(json_object_array_get_idx(v, i), at, p))
				return -1;
		}
	}
	if (json_object_object_get_ex(root, "archMap", &v)) {
		static const char *const keys[] = { "architecture",
						    "subArchitectures", NULL };

		if (want_type(v, json_type_array, "archMap", "an array", p))
			return -1;
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			struct json_object *m = json_object_array_get_idx(v, i);
			struct json_object *a, *subs;

			snprintf(at, sizeof(at), "archMap[%zu]", i);
			if (want_type(m, json_type_object, at, "an object", p) ||
			    only_keys(m, at, keys, p))
				return -1;
			if (!json_object_object_get_ex(m, "architecture", &a))
				return ml_errorf(p->err, p->len,
					    "profile: %s.architecture: missing",
					    at);
			if (add_arch(a, at, p))
				return -1;
			/* a map entry for another machine brings nothing */
			if (strcmp(json_object_get_string(a), "SCMP_ARCH_X86_64"))
				continue;
			if (json_object_object_get_ex(m, "subArchitectures",
						      &subs)) {
				if (want_type(subs, json_type_array, at,
					      "an array", p))
					return -1;
				for (size_t k = 0;
				     k < json_object_array_length(subs); k++)
					if (add_arch(json_object_array_get_idx(subs, k),
						     at, p))
						return -1;
			}
		}
	}
	return 0;
}

static const char *const top_keys[] = { "defaultAction", "defaultErrnoRet",
					"defaultErrno", "architectures",
					"archMap", "flags", "syscalls", NULL };

void *ml_profile_parse(const char *json, struct ml_profile_info *info,
		       char *err, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root, *v, *calls;
	struct profile_ctx p = { NULL, info, err, len };
	uint32_t def_action, def_errno = EPERM;

	memset(info, 0, sizeof(*info));
	if (!tok) {
		ml_errorf(err, len, "profile: out of memory");
		return NULL;
	}
	/* the terminating NUL included: the tokener knows the text ended */
	root = json_tokener_parse_ex(tok, json, (int)strlen(json) + 1);
	if (!root || json_tokener_get_error(tok) != json_tokener_success) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		/* "continue" means the text stopped in the middle */
		ml_errorf(err, len, "profile: not valid JSON at byte %zu: %s",
		     json_tokener_get_parse_end(tok),
		     e == json_tokener_continue ?
			     "unexpected end of data" :
			     json_tokener_error_desc(e));
		json_tokener_free(tok);
		json_object_put(root);
		return NULL;
	}
	json_tokener_free(tok);
	if (want_type(root, json_type_object, "the top level", "an object",
		      &p) ||
	    only_keys(root, "", top_keys, &p))
		goto bad;
	if (json_object_object_get_ex(root, "defaultErrnoRet", &v)) {
		if (want_type(v, json_type_int, "defaultErrnoRet",
			      "an integer", &p))
			goto bad;
		def_errno = (uint32_t)json_object_get_int(v);
	}
	if (!json_object_object_get_ex(root, "defaultAction", &v)) {
		ml_errorf(err, len, "profile: defaultAction: missing");
		goto bad;
	}
	if (parse_action(v, "defaultAction", &def_action, &p) ||
	    with_data(def_action, NULL, "defaultAction", def_errno,
		      &def_action, &p))
		goto bad;
	p.ctx = seccomp_init(def_action);
	if (!p.ctx) {
		ml_errorf(err, len, "profile: libseccomp refused the default action");
		goto bad;
	}
	if (json_object_object_get_ex(root, "flags", &v)) {
		if (want_type(v, json_type_array, "flags", "an array", &p))
			goto bad;
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			const char *f = json_object_get_string(
				json_object_array_get_idx(v, i));

			if (f && !strcmp(f, "SECCOMP_FILTER_FLAG_LOG")) {
				seccomp_attr_set(p.ctx, SCMP_FLTATR_CTL_LOG, 1);
				continue;
			}
			ml_errorf(err, len, "profile: flags[%zu]: unsupported flag '%s'",
			     i, f ? f : "(not a string)");
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
				       def_errno, &p))
				goto bad;
	}
	json_object_put(root);
	return p.ctx;
bad:
	if (p.ctx)
		seccomp_release(p.ctx);
	json_object_put(root);
	return NULL;
}

void *ml_profile_load(const char *path, struct ml_profile_info *info,
		      char *err, size_t len)
{
	FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t size = 0;
	scmp_filter_ctx ctx;

	memset(info, 0, sizeof(*info));
	if (!f) {
		ml_errorf(err, len, "--profile: cannot open '%s': %s", path,
		     strerror(errno));
		return NULL;
	}
	if (getdelim(&text, &size, '\0', f) < 0) {
		fclose(f);
		free(text);
		ml_errorf(err, len, "--profile: '%s' is empty", path);
		return NULL;
	}
	fclose(f);
	ctx = ml_profile_parse(text, info, err, len);
	free(text);
	return ctx;
}
