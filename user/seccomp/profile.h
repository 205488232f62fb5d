/* SPDX-License-Identifier: GPL-2.0 */
/*
 * profile.h - what profile.c (reading an OCI seccomp profile) and rules.c
 * (adding its rules to libseccomp) share.
 */
#ifndef MODELAB_PROFILE_H
#define MODELAB_PROFILE_H

#include "seccomp/policy.h"

#include <seccomp.h>

/*
 * What a profile may hold, so that it is accepted or refused within a
 * second (docs/fuzzing.md): its size, the rules given to libseccomp,
 * each weighing 1 + its comparisons, whose cost grows with the square of
 * their number, and the comparisons on one syscall, whose cost grows
 * faster (rules.c).  Docker's profile: 14 KB, 415 rules; Podman's 16 KB, 473.
 */
#define ML_PROFILE_MAX_BYTES (1024 * 1024)
#define ML_PROFILE_MAX_WEIGHT 4096
#define ML_PROFILE_MAX_COMPARISONS 256	/* on one syscall */
#define ML_PROFILE_NR_SLOTS 1024

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
	size_t weight;		/* of the rules given to libseccomp */
	/*
	 * the comparisons on each syscall number, then on each of
	 * libseccomp's pseudo-numbers (-101.. and -10000..: calls this ISA
	 * lacks); the last slot: the rest
	 */
	unsigned int comparisons[3 * ML_PROFILE_NR_SLOTS + 1], most_comparisons;
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
 * The filter's length in instructions, built within its time bound and
 * at most BPF_MAXINSNS; else -1 with the error in p->err.
 */
long ml_profile_checked_length(struct profile_ctx *p);

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
