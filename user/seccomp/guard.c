// SPDX-License-Identifier: GPL-2.0
/*
 * guard.c - modelab's own rules, checked before the filter the options
 * or the profile describe, in one program with it.  A filter refuses
 * calls; these refuse the calls that would let the command get out of
 * its filter, or past it:
 *
 *   seccomp(SET_MODE_FILTER, NEW_LISTENER)  a listener of its own: its
 *       notifications, answered "continue", override an older filter's
 *       NOTIFY (once no supervisor listens), TRACE or LOG
 *   ptrace(SETOPTIONS or SEIZE, TRACESECCOMP)  a tracer of its own: a
 *       traced call runs, whatever a TRACE rule meant
 *   ioctl(TIOCSTI), ioctl(TIOCLINUX)  typing into a terminal (the command
 *       has its own session too: sandbox.c)
 *   unshare, clone, setns into a user namespace; clone3 (ENOSYS: its
 *       flags are behind a pointer no filter can read, and glibc falls
 *       back to clone, as under Docker's profile)  every capability back
 *
 * Each is refused with EPERM.  They run first: the guard's "allow" jumps
 * to the filter's first instruction, so one program is loaded (with the
 * listener a NOTIFY action needs) and the guard's refusal of a new
 * listener cannot refuse the supervisor's own.  Refusals of calls newer
 * than the libseccomp we build with are added here too, by number.
 */
#define _GNU_SOURCE
#include "util/util.h"
#include "seccomp/policy.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* ---- calls newer than libseccomp: one number on every architecture ---------- */

static const char *const newer[] = {
	[0] = "pidfd_send_signal", "io_uring_setup", "io_uring_enter",
	"io_uring_register", "open_tree", "move_mount", "fsopen", "fsconfig",
	"fsmount", "fspick", "pidfd_open", "clone3", "close_range", "openat2",
	"pidfd_getfd", "faccessat2", "process_madvise", "epoll_pwait2",
	"mount_setattr", "quotactl_fd", "landlock_create_ruleset",
	"landlock_add_rule", "landlock_restrict_self", "memfd_secret",
	"process_mrelease", "futex_waitv", "set_mempolicy_home_node",
	"cachestat", "fchmodat2", "map_shadow_stack", "futex_wake",
	"futex_wait", "futex_requeue", "statmount", "listmount",
	"lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules", "mseal",
	"setxattrat", "getxattrat", "listxattrat", "removexattrat",
	"open_tree_attr", "file_getattr", "file_setattr",
};
#define NEWER_FIRST 424		/* pidfd_send_signal, Linux 5.1 */

int ml_syscall_newer(const char *name)
{
	for (size_t i = 0; i < ML_ARRAY_SIZE(newer); i++)
		if (!strcmp(name, newer[i]))
			return NEWER_FIRST + (int)i;
	return -1;
}

/* ---- the guard's rules --------------------------------------------------------- */

#define LOW32 0xffffffffULL
#define PTRACE_OLDSETOPTIONS_X86 21

/* the architectures a filter may name, and the one the kernel reports */
static const struct {
	uint32_t token, audit;
	bool x32;
} arches[] = {
	{ SCMP_ARCH_X86_64, AUDIT_ARCH_X86_64, false },
	{ SCMP_ARCH_X86, AUDIT_ARCH_I386, false },
	{ SCMP_ARCH_X32, AUDIT_ARCH_X86_64, true },
	{ SCMP_ARCH_AARCH64, AUDIT_ARCH_AARCH64, false },
	{ SCMP_ARCH_ARM, AUDIT_ARCH_ARM, false },
	{ SCMP_ARCH_RISCV64, AUDIT_ARCH_RISCV64, false },
};

/* seccomp_arch_exist() answers 0 when the filter has the architecture */
static bool has_arch(scmp_filter_ctx ctx, uint32_t token)
{
	return seccomp_arch_exist(ctx, token) == 0;
}

static int rule(scmp_filter_ctx g, uint32_t action, int nr, unsigned int n,
		struct scmp_arg_cmp a, struct scmp_arg_cmp b)
{
	const struct scmp_arg_cmp cmp[2] = { a, b };

	return seccomp_rule_add_array(g, action, nr, n, cmp);
}

#define MASKED(i, m, v) \
	((struct scmp_arg_cmp){ .arg = (i), .op = SCMP_CMP_MASKED_EQ, \
				.datum_a = (m), .datum_b = (v) })
#define EQ(i, v) \
	((struct scmp_arg_cmp){ .arg = (i), .op = SCMP_CMP_EQ, .datum_a = (v) })
#define NONE MASKED(0, 0, 0)

static scmp_filter_ctx guard_ctx(scmp_filter_ctx main)
{
	const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
	const unsigned long tracing[] = { PTRACE_SETOPTIONS, PTRACE_SEIZE,
					  PTRACE_OLDSETOPTIONS_X86 };
	scmp_filter_ctx g = seccomp_init(SCMP_ACT_ALLOW);
	int rc;

	if (!g)
		return NULL;
	/*
	 * The guard names every architecture the filter lets in; one the
	 * guard does not name, the filter decides (it refuses them all).
	 */
	rc = seccomp_attr_set(g, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
	for (size_t i = 0; i < ML_ARRAY_SIZE(arches) && !rc; i++)
		if (arches[i].token != seccomp_arch_native() &&
		    has_arch(main, arches[i].token))
			rc = seccomp_arch_add(g, arches[i].token);
	rc = rc ?: rule(g, eperm, SCMP_SYS(seccomp), 2,
			MASKED(0, LOW32, SECCOMP_SET_MODE_FILTER),
			MASKED(1, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			       SECCOMP_FILTER_FLAG_NEW_LISTENER));
	for (size_t i = 0; i < ML_ARRAY_SIZE(tracing) && !rc; i++)
		rc = rule(g, eperm, SCMP_SYS(ptrace), 2, EQ(0, tracing[i]),
			  MASKED(3, PTRACE_O_TRACESECCOMP,
				 PTRACE_O_TRACESECCOMP));
	/* the request is an unsigned int: its low 32 bits (flatpak's CVE-2019-10063) */
	rc = rc ?: rule(g, eperm, SCMP_SYS(ioctl), 1, MASKED(1, LOW32, TIOCSTI),
			NONE);
	rc = rc ?: rule(g, eperm, SCMP_SYS(ioctl), 1,
			MASKED(1, LOW32, TIOCLINUX), NONE);
	rc = rc ?: rule(g, eperm, SCMP_SYS(unshare), 1,
			MASKED(0, CLONE_NEWUSER, CLONE_NEWUSER), NONE);
	rc = rc ?: rule(g, eperm, SCMP_SYS(clone), 1,
			MASKED(0, CLONE_NEWUSER, CLONE_NEWUSER), NONE);
	rc = rc ?: rule(g, eperm, SCMP_SYS(setns), 1,
			MASKED(1, CLONE_NEWUSER, CLONE_NEWUSER), NONE);
	/* nstype 0: any type, a user namespace too */
	rc = rc ?: rule(g, eperm, SCMP_SYS(setns), 1, MASKED(1, LOW32, 0), NONE);
	rc = rc ?: seccomp_rule_add(g, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3),
				    0);
	if (rc) {
		seccomp_release(g);
		errno = -rc;
		return NULL;
	}
	return g;
}

/* ---- one program: the numbers, the guard, then the filter ----------------------- */

static int export(scmp_filter_ctx ctx, struct sock_filter **out, size_t *n)
{
	int fd = memfd_create("modelab-bpf", MFD_CLOEXEC);
	off_t size;
	int rc = -1;

	*out = NULL;
	if (fd < 0)
		return -1;
	if (!seccomp_export_bpf(ctx, fd) && (size = lseek(fd, 0, SEEK_END)) > 0) {
		*out = malloc((size_t)size);
		if (*out && pread(fd, *out, (size_t)size, 0) == size) {
			*n = (size_t)size / sizeof(**out);
			rc = 0;
		}
	}
	close(fd);
	if (rc) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

#define STMT(c, k) ((struct sock_filter)BPF_STMT(c, k))
#define JUMP(c, k, t, f) ((struct sock_filter)BPF_JUMP(c, k, t, f))

/* "arch == audit && nr == nr -> action": 5 instructions at p */
static void by_number(struct sock_filter *p, uint32_t audit, uint32_t nr,
		      uint32_t action)
{
	p[0] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	p[1] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, audit, 0, 3);
	p[2] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	p[3] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1);
	p[4] = STMT(BPF_RET | BPF_K, action);
}

int ml_guard_build(void *main_ctx, const struct ml_profile_info *info,
		   struct ml_filter *f, char *err, size_t len)
{
	struct sock_filter *g = NULL, *m = NULL, *all;
	size_t ng = 0, nm = 0, np = 0, at = 0;
	scmp_filter_ctx guard = guard_ctx(main_ctx);
	uint32_t log = 0;

	memset(f, 0, sizeof(*f));
	if (!guard)
		return ml_errorf(err, len, "libseccomp refused modelab's own rules: %s",
				 strerror(errno));
	if (export(guard, &g, &ng) || export(main_ctx, &m, &nm)) {
		seccomp_release(guard);
		free(g);
		free(m);
		return ml_errorf(err, len, "libseccomp could not generate the filter");
	}
	seccomp_release(guard);
	/* the refusals by number, on each architecture the filter lets in */
	for (size_t i = 0; i < ML_ARRAY_SIZE(arches); i++)
		if (has_arch(main_ctx, arches[i].token))
			np += 5 * (info ? info->numbered : 0);
	f->n = np + ng + nm;
	if (f->n > 4096) {
		free(g);
		free(m);
		return ml_errorf(err, len,
				 "the filter with modelab's own rules would be %zu instructions; the kernel takes at most 4096 (BPF_MAXINSNS)",
				 f->n);
	}
	f->insns = all = calloc(f->n, sizeof(*all));
	if (!all) {
		free(g);
		free(m);
		return ml_errorf(err, len, "out of memory");
	}
	for (size_t i = 0; i < ML_ARRAY_SIZE(arches) && np; i++) {
		if (!has_arch(main_ctx, arches[i].token))
			continue;
		for (size_t k = 0; k < info->numbered; k++, at += 5)
			by_number(&all[at], arches[i].audit,
				  (uint32_t)info->by_number[k].nr |
					  (arches[i].x32 ? 0x40000000U : 0),
				  info->by_number[k].action);
	}
	/* the guard, whose "allow" goes on to the filter */
	for (size_t i = 0; i < ng; i++, at++) {
		all[at] = g[i];
		if (g[i].code == (BPF_RET | BPF_K) && g[i].k == SECCOMP_RET_ALLOW)
			all[at] = STMT(BPF_JMP | BPF_JA,
					    (uint32_t)(ng - i - 1));
	}
	memcpy(&all[at], m, nm * sizeof(*m));
	for (size_t i = 0; i < nm; i++)
		f->notify |= m[i].code == (BPF_RET | BPF_K) &&
			     (m[i].k & SECCOMP_RET_ACTION_FULL) ==
				     SECCOMP_RET_USER_NOTIF;
	seccomp_attr_get(main_ctx, SCMP_FLTATR_CTL_LOG, &log);
	f->log = log;
	free(g);
	free(m);
	return 0;
}

void ml_guard_free(struct ml_filter *f)
{
	free(f->insns);
	f->insns = NULL;
}

int ml_guard_load(const struct ml_filter *f)
{
	struct sock_fprog prog = { .len = (unsigned short)f->n,
				   .filter = f->insns };
	unsigned int flags = (f->notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0) |
			     (f->log ? SECCOMP_FILTER_FLAG_LOG : 0);

	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}

int ml_guard_explain(FILE *out, void *main_ctx)
{
	scmp_filter_ctx guard = guard_ctx(main_ctx);

	if (!guard)
		return -1;
	fprintf(out, "# modelab's own rules (user/seccomp/guard.c), checked first; their \"allow\" goes on to the filter:\n");
	fflush(out);
	seccomp_export_pfc(guard, fileno(out));
	seccomp_release(guard);
	return 0;
}
