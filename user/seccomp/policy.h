/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policy.h - what a process may ask the kernel, and `modelab sandbox`:
 * seccomp filters from words and profiles (filter.c, profile.c), the
 * program read out (bpf.c), modelab's own rules in front (guard.c), the
 * calls spelled out for the supervisor (decode.c), what else keeps the
 * command in (jail.c) and the command itself (sandbox.c).
 */
#ifndef MODELAB_POLICY_H
#define MODELAB_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* ---- filter.c: seccomp filters from words and profiles ------------------- */

/* What a profile held, beyond what became rules. */
struct ml_profile_info {
	size_t rules_added;
	size_t rules_redundant;	/* same action as the default: no rule */
	size_t rules_skipped;	/* includes/excludes did not match us */
	size_t names_unknown;	/* syscalls this libseccomp does not know */
	size_t rules_split;	/* two comparisons on one argument: one rule each */
	size_t arches_ignored;	/* architectures libseccomp does not know */
	size_t bpf_insns;	/* the program's length, in instructions */
	/* the names libseccomp did not know, the first of them comma-separated */
	char unknown_list[160];
	/* of those, the ones refused by number (ml_syscall_newer): at most 32 */
	size_t numbered;
	struct {
		int nr;
		uint32_t action;
	} by_number[32];
};

/*
 * guard.c: the number of a system call newer than Linux 5.0 by its name,
 * for a libseccomp too old to know it (every architecture numbers those
 * alike since 5.1, from 424); -1 for any other name.
 */
int ml_syscall_newer(const char *name);

/*
 * The capabilities includes/excludes.caps are checked against (a bit per
 * CAP_*): Docker's 14 defaults unless the caller passes the container's.
 */
#define ML_CAP_BIT(c) (1ULL << (c))
#define ML_CAPS_DOCKER_DEFAULT                                              \
	(ML_CAP_BIT(0) /* CHOWN */ | ML_CAP_BIT(1) /* DAC_OVERRIDE */ |     \
	 ML_CAP_BIT(4) /* FSETID */ | ML_CAP_BIT(3) /* FOWNER */ |          \
	 ML_CAP_BIT(27) /* MKNOD */ | ML_CAP_BIT(13) /* NET_RAW */ |        \
	 ML_CAP_BIT(6) /* SETGID */ | ML_CAP_BIT(7) /* SETUID */ |          \
	 ML_CAP_BIT(31) /* SETFCAP */ | ML_CAP_BIT(8) /* SETPCAP */ |       \
	 ML_CAP_BIT(10) /* NET_BIND_SERVICE */ | ML_CAP_BIT(18) /* SYS_CHROOT */ | \
	 ML_CAP_BIT(5) /* KILL */ | ML_CAP_BIT(29) /* AUDIT_WRITE */)
/* "CAP_CHOWN" to 0 ... "CAP_CHECKPOINT_RESTORE" to 40; -1 when unknown. */
int ml_cap_parse(const char *name);
/* The name of capability number cap, or NULL. */
const char *ml_cap_name(int cap);

/* "EACCES" or "13" (1 to 4095); -1 when neither. */
int ml_errno_parse(const char *s);
/* "errno[:NAME]", "kill", "trap", "log", "notify" to a libseccomp action. */
int ml_action_parse(const char *s, uint32_t *action, char *err, size_t len);
/* "read,write" to syscall numbers; unknown names are an error. */
int ml_syscall_list_parse(const char *list, int *nrs, size_t max, size_t *n,
			  const char *option, char *err, size_t len);
/*
 * An OCI runtime-spec (or Docker/Podman) seccomp profile to a libseccomp
 * filter context (void *: scmp_filter_ctx), or NULL with one line in err
 * naming the field at fault.
 */
void *ml_profile_parse(const char *json, struct ml_profile_info *info,
		       char *err, size_t len);
void *ml_profile_load(const char *path, struct ml_profile_info *info,
		      char *err, size_t len);
/* The same, includes/excludes.caps checked against caps (ML_CAP_BIT). */
void *ml_profile_parse_caps(const char *json, uint64_t caps,
			    struct ml_profile_info *info, char *err, size_t len);
void *ml_profile_load_caps(const char *path, uint64_t caps,
			   struct ml_profile_info *info, char *err, size_t len);

/* ---- bpf.c: a classic-BPF seccomp program, for people ------------------ */

/* Prints the program libseccomp generated, one instruction a line. */
int ml_bpf_explain(FILE *out, void *ctx);
/* The same for a program of n struct sock_filter instructions. */
void ml_bpf_explain_prog(FILE *out, const void *insns, size_t n);

/* ---- sandbox.c: `modelab sandbox` --------------------------------------- */

int ml_sandbox_main(int argc, char **argv);
void ml_sandbox_usage(FILE *out);
/*
 * The capabilities the sandboxed command holds (bit N = capability N): what
 * --caps chose (Docker's 14 by default), less any modelab cannot give.
 * For the profile's includes/excludes "caps".
 */
uint64_t ml_sandbox_caps(void);
/* "docker", "none", "all" or "chown,CAP_KILL,...": a mask, or -1 with err. */
int ml_caps_parse(const char *s, uint64_t *mask, char *err, size_t len);

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

#endif /* MODELAB_POLICY_H */
