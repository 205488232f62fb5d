// SPDX-License-Identifier: GPL-2.0
/*
 * rules.c - a profile's rules into libseccomp, each exactly once, and the
 * kernel's limit on the length of a filter checked as they go: a profile
 * of 100,000 rules is refused in about a second, never after minutes.
 */
#define _GNU_SOURCE
#include "profile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static size_t key_hash(const struct rule_key *k)
{
	const unsigned char *b = (const unsigned char *)k;
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	return (size_t)h;
}

/*
 * Whether this exact rule was added before (then true), remembering it.
 * libseccomp copies its whole rule database on every rule it adds, so
 * 100,000 copies of one rule would take minutes; the filter is the same.
 */
static bool seen_before(const struct rule_key *k, struct profile_ctx *p)
{
	size_t i;

	if (p->nseen * 2 >= p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 1024;
		struct rule_key *t = calloc(cap, sizeof(*t));

		if (!t)
			return false;	/* no memory: libseccomp merges it */
		for (size_t j = 0; j < p->cap; j++) {
			if (!p->seen[j].used)
				continue;
			for (i = key_hash(&p->seen[j]) % cap; t[i].used;
			     i = (i + 1) % cap)
				;
			t[i] = p->seen[j];
		}
		free(p->seen);
		p->seen = t;
		p->cap = cap;
	}
	for (i = key_hash(k) % p->cap; p->seen[i].used; i = (i + 1) % p->cap)
		if (!memcmp(&p->seen[i], k, sizeof(*k)))
			return true;
	p->seen[i] = *k;
	p->nseen++;
	return false;
}

/*
 * Past the kernel's limit already?  Checked every 256 new rules once there
 * are 1024: a filter that only grows stops there, not after minutes.
 */
static int too_long_yet(struct profile_ctx *p)
{
	long n;

	if (p->nseen < 1024 || p->nseen % 256)
		return 0;
	n = ml_profile_bpf_length(p->ctx);
	if (n > ML_BPF_MAXINSNS)
		return ml_errorf(p->err, p->len,
			    "profile: the filter would be at least %ld instructions; the kernel takes at most %d (BPF_MAXINSNS)",
			    n, ML_BPF_MAXINSNS);
	return 0;
}

/* One rule into libseccomp, unless the very same went in before. */
static int add_once(uint32_t action, int nr, const char *name, const char *at,
		    const struct ml_arg_rule *r, struct profile_ctx *p)
{
	struct rule_key k;
	int rc;

	memset(&k, 0, sizeof(k));
	k.nr = nr;
	k.action = action;
	k.used = 1;
	k.nargs = r->n;
	if (r->n)
		memcpy(k.cmp, r->cmp, r->n * sizeof(r->cmp[0]));
	if (seen_before(&k, p))
		return 0;
	rc = seccomp_rule_add_array(p->ctx, action, nr, r->n, r->cmp);
	if (rc)
		return ml_errorf(p->err, p->len,
			    "profile: %s: libseccomp refused a rule for '%s': %s",
			    at, name, strerror(-rc));
	return too_long_yet(p);
}

int ml_profile_add_rules(uint32_t action, int nr, const char *name,
			 const char *at, struct scmp_arg_cmp *cmp,
			 unsigned int nargs, bool split, struct profile_ctx *p)
{
	static struct ml_arg_rule rules[256];
	char why[256];
	int n;

	/* compared as the kernel reads them: argwidth.c */
	n = ml_arg_rules(name, cmp, nargs, split, rules, ML_ARRAY_SIZE(rules),
			 why, sizeof(why));
	if (n < 0)
		return ml_errorf(p->err, p->len, "profile: %s: %s", at, why);
	for (int i = 0; i < n; i++)
		if (add_once(action, nr, name, at, &rules[i], p))
			return -1;
	p->info->rules_added++;
	return 0;
}

long ml_profile_bpf_length(scmp_filter_ctx ctx)
{
	int fd = memfd_create("modelab-bpf", MFD_CLOEXEC);
	struct stat st;
	long n = -1;

	if (fd < 0)
		return -1;
	if (!seccomp_export_bpf(ctx, fd) && !fstat(fd, &st))
		n = (long)(st.st_size / 8);	/* struct sock_filter */
	close(fd);
	return n;
}

