// SPDX-License-Identifier: GPL-2.0
/*
 * rules.c - a profile's rules into libseccomp, each exactly once, at a
 * cost bounded before libseccomp pays it, and the kernel's limit on the
 * length of a filter checked.
 *
 * What libseccomp spends adding rules grows with the square of their
 * number (on one syscall, 2,000 conditional rules take 6 ms, 20,000 take
 * 1.9 s): a profile may give it rules weighing ML_PROFILE_MAX_WEIGHT in
 * all, each 1 + its comparisons, and is refused at the first past that.
 * Adding rules and building the BPF grow faster still with the
 * comparisons (100 rules of two ordered comparisons on one syscall: 4.8 s
 * to build; 50 of six: 0.3 s to add, minutes to build; 64 distinct values
 * on each of 64 syscalls: 6 s to build): a syscall may carry
 * ML_PROFILE_MAX_COMPARISONS, and a filter past the easy bounds below is
 * built first in a child with a CPU limit, and refused past it.  Either way a profile is
 * accepted or refused within about a second (docs/fuzzing.md).
 */
#define _GNU_SOURCE
#include "util/util.h"
#include "seccomp/profile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Rules weighing at most this, with at most this many comparisons on one
 * syscall: the BPF is built in milliseconds.
 */
#define ML_PROFILE_EASY_WEIGHT 256
#define ML_PROFILE_EASY_COMPARISONS 16
/* Else it must be built within this much CPU time, or is refused. */
#define ML_PROFILE_BUILD_CPU_MS 300

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
 * Each syscall counts its comparisons apart, and so does each pseudo-number
 * (a name this ISA lacks: "open" on arm64): sharing a slot, ten such names
 * with 24 rules each refused a profile that x86-64 took.  Numbers past the
 * table share the last slot.
 */
static size_t comparison_slot(int nr)
{
	const long n = ML_PROFILE_NR_SLOTS;

	if (nr >= 0 && nr < n)
		return (size_t)nr;
	if (nr < 0 && -(long)nr < n)
		return (size_t)(n - nr);
	if (nr <= -10000 && -10000 - (long)nr < n)
		return (size_t)(2 * n + (-10000 - (long)nr));
	return (size_t)(3 * n);
}

/*
 * Counts the rule's weight and its comparisons on syscall nr; refuses a
 * profile past either bound, before libseccomp takes the rule.
 */
static int within_bounds(int nr, unsigned int nargs, const char *at,
			 struct profile_ctx *p)
{
	size_t i = comparison_slot(nr);

	p->weight += 1 + nargs;
	if (p->weight > ML_PROFILE_MAX_WEIGHT)
		return ml_errorf(p->err, p->len,
			    "profile: %s: more rules than a profile may have (%d, each weighing 1 + its comparisons)",
			    at, ML_PROFILE_MAX_WEIGHT);
	p->comparisons[i] += nargs;
	if (p->comparisons[i] > p->most_comparisons)
		p->most_comparisons = p->comparisons[i];
	if (p->comparisons[i] > ML_PROFILE_MAX_COMPARISONS)
		return ml_errorf(p->err, p->len,
			    "profile: %s: more comparisons on one syscall than a profile may have (%d)",
			    at, ML_PROFILE_MAX_COMPARISONS);
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
	if (within_bounds(nr, r->n, at, p))
		return -1;
	rc = seccomp_rule_add_array(p->ctx, action, nr, r->n, r->cmp);
	if (rc)
		return ml_errorf(p->err, p->len,
			    "profile: %s: libseccomp refused a rule for '%s': %s",
			    at, name, strerror(-rc));
	return 0;
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

/*
 * In a child that SIGVTALRM ends after ML_PROFILE_BUILD_CPU_MS of CPU in
 * user mode (what building the BPF spends; the child's copy-on-write
 * faults, many under ASan, are the kernel's and not counted).
 */
static long bpf_length_limited(struct profile_ctx *p)
{
	struct itimerval cpu = {
		.it_value = { .tv_sec = ML_PROFILE_BUILD_CPU_MS / 1000,
			      .tv_usec = ML_PROFILE_BUILD_CPU_MS % 1000 * 1000 },
	};
	long n = -1;
	int fds[2], status;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -1;
	pid = fork();
	if (!pid) {
		close(fds[0]);
		signal(SIGVTALRM, SIG_DFL);
		setitimer(ITIMER_VIRTUAL, &cpu, NULL);
		n = ml_profile_bpf_length(p->ctx);
		_exit(write(fds[1], &n, sizeof(n)) == sizeof(n) ? 0 : 1);
	}
	close(fds[1]);
	if (pid > 0 && read(fds[0], &n, sizeof(n)) != sizeof(n))
		n = -1;
	close(fds[0]);
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (pid > 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGVTALRM)
		return -2;
	return n;
}

long ml_profile_checked_length(struct profile_ctx *p)
{
	bool easy = p->weight <= ML_PROFILE_EASY_WEIGHT &&
		    p->most_comparisons <= ML_PROFILE_EASY_COMPARISONS;
	long n = easy ? ml_profile_bpf_length(p->ctx) : bpf_length_limited(p);

	if (n == -2)
		return ml_errorf(p->err, p->len,
			    "profile: libseccomp needs over %d ms to build this filter (rules weighing %zu, up to %u comparisons on one syscall): refused",
			    ML_PROFILE_BUILD_CPU_MS, p->weight, p->most_comparisons);
	if (n < 0)
		return ml_errorf(p->err, p->len,
			    "profile: libseccomp could not generate the filter");
	if (n > ML_BPF_MAXINSNS)
		return ml_errorf(p->err, p->len,
			    "profile: the filter would be %ld instructions; the kernel takes at most %d (BPF_MAXINSNS)",
			    n, ML_BPF_MAXINSNS);
	return n;
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

