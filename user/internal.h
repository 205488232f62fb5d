/* SPDX-License-Identifier: GPL-2.0 */
/*
 * internal.h - what the parts of libmodelab share and probes do not see.
 */
#ifndef MODELAB_INTERNAL_H
#define MODELAB_INTERNAL_H

#include "modelab.h"

/*
 * The result whose figure's hooks run from now on (NULL: none), so that
 * ml_fail() knows which figure failed.
 */
void ml_hooks_for(struct ml_result *res);
/* A figure's hooks, one context each (measure.c). */
void ml_ctx_init(struct ml_ctx *ctx, const struct ml_figure *fig,
		 struct ml_result *res);
/*
 * Calls hook (if any) for pass; a failure of any hook but setup and
 * verify fails the figure with the hook's reason.  Returns what it did.
 */
int ml_hook_call(ml_hook *hook, struct ml_ctx *ctx, enum ml_pass pass);
/* Fails ctx's figure with prefix and the hook's reason. */
void ml_hook_failed(struct ml_ctx *ctx, const char *prefix);

/* report.c, for csv.c: a figure with a median to show; its MB/s or NAN. */
bool ml_report_timed(const struct ml_result *res);
double ml_report_mb_per_s(const struct ml_result *res);
void ml_report_csv(FILE *out, const struct ml_report *r);
/* result.c: the run's last line, how many figures came out how. */
void ml_report_summary(FILE *out, const struct ml_report *r, double seconds);
/* csv.c: one field, quoted as RFC 4180 asks when it must be. */
void ml_csv_field(FILE *out, const char *s);
/* csv.c: a line of such a CSV split in place into fields, unquoted. */
int ml_csv_split(char *line, char **field, int max);

/* cleanup.c: installed by ml_main (kernel: restore /proc/modelab too). */
void ml_cleanup_install(bool kernel);
/* In a child of ml_child_fork: the caught signals back to their default. */
void ml_cleanup_in_child(void);

/* selfexec.c: the helper of that name in this program, or NULL. */
const struct ml_helper *ml_helper_find(const char *name);

/*
 * decode.c: a system call's arguments spelled out like strace, for the
 * notify supervisor.  read fetches len bytes at addr of the caller's
 * memory into buf and returns how many it got (-1: none); strings,
 * structures and argv are read through it.  Calls decode.c does not know
 * keep their six arguments in hex.
 */
typedef ssize_t ml_mem_read(void *cookie, uint64_t addr, void *buf,
			    size_t len);
size_t ml_decode_call(char *buf, size_t len, const char *name,
		      const uint64_t args[6], ml_mem_read *read, void *cookie);
/* The pieces, for the unit test: each writes into buf and returns it. */
const char *ml_decode_open_flags(uint64_t flags, char *buf, size_t len);
const char *ml_decode_dirfd(uint64_t fd, char *buf, size_t len);
const char *ml_decode_family(uint64_t family, char *buf, size_t len);
const char *ml_decode_at_flags(uint64_t flags, char *buf, size_t len);
const char *ml_decode_sock_type(uint64_t type, char *buf, size_t len);
/* Reads the memory of a notifying process, then checks that its
 * notification id (cookie: struct ml_notif_mem) is still valid. */
struct ml_notif_mem {
	int fd;			/* the listener */
	uint64_t id;		/* the notification */
	pid_t pid;
};
ssize_t ml_notif_mem_read(void *cookie, uint64_t addr, void *buf,
			  size_t len);

/*
 * jail.c: who the sandboxed command is.  caps: --caps; uid, gid: who it
 * is on the host (ML_NOBODY when root runs modelab, unless --user); userns:
 * root in a user namespace of its own mapped to uid; landlock: a domain
 * of its own where the kernel has Landlock.
 */
#define ML_NOBODY 65534
struct ml_jail {
	uint64_t caps;
	uid_t uid;
	gid_t gid;
	bool userns, landlock;
};
/* The choice ml_sandbox_caps() answers for. */
void ml_jail_choose(const struct ml_jail *j);
int ml_user_parse(const char *s, uid_t *uid, gid_t *gid, char *err,
		  size_t len);
/* In the child: capabilities, uid (switch_uid), no_new_privs, Landlock. */
int ml_jail_enter(const struct ml_jail *j, bool switch_uid);
/* pid's ("self" or a number) user namespace maps 0 to uid and gid. */
int ml_jail_map(const char *pid, uid_t uid, gid_t gid);
/* PID 1 of --isolate: a /proc of its own, /proc/sys and /sys read-only. */
int ml_jail_mounts(void);

/*
 * guard.c: a filter with modelab's own rules in front (refusals of a new
 * listener, of tracing seccomp stops, TIOCSTI, new user namespaces), as
 * one program, and whether it needs a supervisor (it returns USER_NOTIF)
 * or SECCOMP_FILTER_FLAG_LOG.  info (may be NULL): calls newer than
 * libseccomp a profile refuses, refused by number.
 */
struct ml_filter {
	void *insns;		/* struct sock_filter[n] */
	size_t n;
	bool notify, log;
};
int ml_guard_build(void *main_ctx, const struct ml_profile_info *info,
		   struct ml_filter *f, char *err, size_t len);
void ml_guard_free(struct ml_filter *f);
/* Loads it (no_new_privs first): the listener's descriptor, 0, or -1. */
int ml_guard_load(const struct ml_filter *f);
/* Prints the guard's rules as libseccomp's pseudo code. */
int ml_guard_explain(FILE *out, void *main_ctx);

#endif /* MODELAB_INTERNAL_H */
