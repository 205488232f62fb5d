// SPDX-License-Identifier: GPL-2.0
/*
 * filter.c - seccomp filters from words: errno names, actions, syscall
 * lists and capability names.  The OCI profiles (the JSON Docker and
 * Podman use) are profile.c's; adding their rules to libseccomp is
 * rules.c's.  Parsing never prints: every error is one line naming what
 * is wrong, for the caller to print.
 */
#define _GNU_SOURCE
#include "util/util.h"
#include "seccomp/policy.h"

#include <errno.h>
#include <json-c/json.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

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


/* ---- capabilities, by name -------------------------------------------- */


/* <linux/capability.h>, every name, by number */
static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
	"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};
_Static_assert(ML_ARRAY_SIZE(cap_names) == CAP_LAST_CAP + 1,
	       "one name for every capability of <linux/capability.h>");

int ml_cap_parse(const char *name)
{
	for (size_t i = 0; i < ML_ARRAY_SIZE(cap_names); i++)
		if (!strcmp(name, cap_names[i]))
			return (int)i;
	return -1;
}

const char *ml_cap_name(int cap)
{
	return cap >= 0 && cap < (int)ML_ARRAY_SIZE(cap_names) ? cap_names[cap] :
								 NULL;
}
