/* SPDX-License-Identifier: GPL-2.0 */
/*
 * profile.h - what profile.c (reading an OCI seccomp profile) and rules.c
 * (adding its rules to libseccomp) share.
 */
#ifndef MODELAB_PROFILE_H
#define MODELAB_PROFILE_H

#include "modelab.h"

#include <seccomp.h>

/* The kernel refuses a longer program (linux/bpf_common.h). */
#define ML_BPF_MAXINSNS 4096

/* One rule as given to libseccomp, to add each only once. */
struct rule_key {
	int nr;
	uint32_t action;
	unsigned int nargs;
	unsigned int used, split;	/* used: 0 marks a free slot */
	struct scmp_arg_cmp cmp[6];
};

struct profile_ctx {
	scmp_filter_ctx ctx;
	struct rule_key *seen;	/* open addressing, nseen of cap used */
	size_t nseen, cap;
	struct ml_profile_info *info;
	uint64_t caps;		/* the set includes/excludes.caps ask about */
	uint32_t def_action;
	int kernel[2];		/* uname's release, as moby parses it */
	char *err;
	size_t len;
};

/*
 * Adds a rule (or, split, one rule per comparison, as crun does) unless
 * the very same was added before; refuses a filter past BPF_MAXINSNS.
 */
int ml_profile_add_rules(uint32_t action, int nr, const char *name,
			 const char *at, struct scmp_arg_cmp *cmp,
			 unsigned int nargs, bool split, struct profile_ctx *p);
/*
 * argwidth.c: the width in bits the kernel gives argument arg of the
 * system call name (64 when it is a pointer, a long, or not known), and a
 * rule's comparisons (split: each its own rule, as crun does) as rules
 * that compare only those bits: how many went into out (0: the rule can
 * never match), or -1 with err (a value the argument cannot hold, or
 * more than max rules).
 */
struct ml_arg_rule {
	unsigned int n;
	struct scmp_arg_cmp cmp[6];
};
unsigned int ml_arg_width(const char *name, unsigned int arg);
int ml_arg_rules(const char *name, const struct scmp_arg_cmp *cmp,
		 unsigned int n, bool split, struct ml_arg_rule *out,
		 size_t max, char *err, size_t len);

/* How many instructions the filter would be; -1 when it cannot say. */
long ml_profile_bpf_length(scmp_filter_ctx ctx);

#endif
