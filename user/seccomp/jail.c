// SPDX-License-Identifier: GPL-2.0
/*
 * jail.c - what keeps the command of `modelab sandbox` in, besides its
 * filter: its capabilities, its uid (root on the host only when asked),
 * a Landlock domain (no ptrace, signal or abstract socket outside its own
 * tree), and under --isolate the mounts of its namespace: a /proc of its
 * own and the host's knobs (/proc/sys, /sys) read-only.  docs/sandbox.md
 * says what each protects against and what it does not.
 */
#define _GNU_SOURCE
#include "util/util.h"
#include "seccomp/policy.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---- capabilities ------------------------------------------------------------ */

#define BIT(c) (1ULL << (c))
/* Docker's default (moby oci/caps/defaults.go): 0xa80425fb */
#define DOCKER_CAPS							\
	(BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_FSETID) |	\
	 BIT(CAP_FOWNER) | BIT(CAP_MKNOD) | BIT(CAP_NET_RAW) |		\
	 BIT(CAP_SETGID) | BIT(CAP_SETUID) | BIT(CAP_SETFCAP) |		\
	 BIT(CAP_SETPCAP) | BIT(CAP_NET_BIND_SERVICE) |			\
	 BIT(CAP_SYS_CHROOT) | BIT(CAP_KILL) | BIT(CAP_AUDIT_WRITE))
#define ALL_CAPS ((BIT(CAP_LAST_CAP) << 1) - 1)

/* A capability by its name without CAP_, in any case; 64 when unknown. */
static size_t cap_number(const char *name)
{
	char full[64] = "CAP_";
	size_t i;
	int c;

	for (i = 0; name[i] && i + 5 < sizeof(full); i++)
		full[i + 4] = (char)toupper((unsigned char)name[i]);
	full[i + 4] = '\0';
	c = name[i] ? -1 : ml_cap_parse(full);
	return c < 0 ? 64 : (size_t)c;
}

int ml_caps_parse(const char *s, uint64_t *mask, char *err, size_t len)
{
	char buf[1024];

	*mask = 0;
	if (!strcasecmp(s, "none"))
		return 0;
	if (strlen(s) >= sizeof(buf))
		return ml_errorf(err, len, "--caps: the list is too long");
	strcpy(buf, s);
	for (char *p = buf, *q;; p = q + 1) {
		const char *name = p;
		size_t c;

		q = strchr(p, ',');
		if (q)
			*q = '\0';
		if (!*p)
			return ml_errorf(err, len, "--caps: an empty name in '%s'", s);
		if (!strncasecmp(name, "CAP_", 4))
			name += 4;
		c = cap_number(name);
		if (c < 64)
			*mask |= BIT(c);
		else if (!strcasecmp(p, "docker"))
			*mask |= DOCKER_CAPS;
		else if (!strcasecmp(p, "all"))
			*mask |= ALL_CAPS;
		else if (!strcasecmp(p, "none"))
			return ml_errorf(err, len,
				    "--caps: 'none' goes alone, not in a list");
		else
			return ml_errorf(err, len,
				    "--caps: unknown capability '%s' (docker, none, all, or names such as chown,CAP_KILL)",
				    p);
		if (!q)
			return 0;
	}
}

static int cap_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};

	return syscall(SYS_capget, &h, d);
}

static uint64_t caps_permitted(void)
{
	struct __user_cap_data_struct d[2] = { 0 };

	if (cap_get(d))
		return 0;
	return d[0].permitted | (uint64_t)d[1].permitted << 32;
}

/* ---- who the command is --------------------------------------------------------- */

static struct ml_jail chosen = { .caps = DOCKER_CAPS };

void ml_jail_choose(const struct ml_jail *j)
{
	chosen = *j;
}

uint64_t ml_sandbox_caps(void)
{
	/* root in a user namespace of its own: they are the namespace's */
	if (chosen.userns)
		return chosen.caps;
	/* host root kept: its bounding set, cut to what we hold */
	if (geteuid() == 0 && chosen.uid == 0)
		return chosen.caps & caps_permitted();
	return 0;	/* anyone else holds none after execve */
}

int ml_user_parse(const char *s, uid_t *uid, gid_t *gid, char *err, size_t len)
{
	unsigned long u, g;
	char *end;

	if (!strcmp(s, "root")) {
		*uid = 0;
		*gid = 0;
		return 0;
	}
	if (!strcmp(s, "nobody")) {
		*uid = ML_NOBODY;
		*gid = ML_NOBODY;
		return 0;
	}
	errno = 0;
	u = strtoul(s, &end, 10);
	g = u;
	if (!errno && end != s && *end == ':' && end[1] != '\0') {
		const char *gs = end + 1;

		g = strtoul(gs, &end, 10);
		if (end == gs)
			end = (char *)"x";
	}
	if (errno || end == s || *end || *s == '-' || u >= 0xffffffffUL ||
	    g >= 0xffffffffUL)
		return ml_errorf(err, len,
				 "--user: '%s' is not root, nobody or UID[:GID]", s);
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 0;
}

/* ---- Landlock: no reaching out of the command's own tree --------------------- */

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_restrict_self 446
#endif
#define LL_CREATE_RULESET_VERSION 1U
#define LL_MAKE_CHAR (1ULL << 6)
#define LL_MAKE_BLOCK (1ULL << 11)
#define LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LL_SCOPE_SIGNAL (1ULL << 1)

/* struct landlock_ruleset_attr as of ABI 6 (Linux 6.12) */
struct ll_ruleset_attr {
	uint64_t handled_access_fs, handled_access_net, scoped;
};

/*
 * A Landlock domain of the command's own: a process in it cannot ptrace
 * (nor read the memory or /proc files of) a process outside it (ABI 1,
 * Linux 5.13), nor signal one or connect to its abstract Unix sockets
 * (ABI 6, 6.12).  Its file rules only refuse making device nodes.  A
 * kernel without Landlock gets none of it: returns the ABI, 0 for none.
 */
static int landlock(void)
{
	struct ll_ruleset_attr attr = { .handled_access_fs = LL_MAKE_CHAR |
							     LL_MAKE_BLOCK };
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
			   LL_CREATE_RULESET_VERSION);
	size_t size = 8;
	int fd;

	if (abi < 1)
		return 0;
	if (abi >= 6) {
		attr.scoped = LL_SCOPE_ABSTRACT_UNIX_SOCKET | LL_SCOPE_SIGNAL;
		size = sizeof(attr);
	}
	fd = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	if (fd < 0 || syscall(SYS_landlock_restrict_self, fd, 0)) {
		perror("modelab sandbox: Landlock");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return (int)abi;
}

/*
 * In the child, before the filter: the bounding set cut to j->caps,
 * ambient cleared; then (switch_uid) no supplementary groups and j's uid
 * and gid, which leaves a non-root uid no capabilities at all; permitted
 * and effective the chosen ones we still hold, inheritable empty (as
 * Moby since CVE-2022-24769); no_new_privs; a Landlock domain.
 */
int ml_jail_enter(const struct ml_jail *j, bool switch_uid)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2] = { 0 };
	uint64_t have = caps_permitted(), keep = j->caps;

	for (size_t c = 0; c < 64; c++) {
		if ((keep & BIT(c)) || prctl(PR_CAPBSET_READ, c) != 1)
			continue;
		/* without CAP_SETPCAP we hold nothing, and no_new_privs keeps it so */
		if (prctl(PR_CAPBSET_DROP, c) && (have & BIT(CAP_SETPCAP))) {
			fprintf(stderr, "modelab sandbox: cannot drop CAP_%s from the bounding set: %s\n",
				ml_cap_name((int)c) ? ml_cap_name((int)c) + 4 : "?",
				strerror(errno));
			return -1;
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) &&
	    errno != EINVAL) {
		perror("modelab sandbox: clearing the ambient capabilities");
		return -1;
	}
	if (switch_uid && (getuid() != j->uid || getgid() != j->gid ||
			   geteuid() != j->uid)) {
		if ((setgroups(0, NULL) && errno != EPERM) ||
		    setresgid(j->gid, j->gid, j->gid) ||
		    setresuid(j->uid, j->uid, j->uid)) {
			fprintf(stderr, "modelab sandbox: cannot become uid %u, gid %u: %s\n",
				(unsigned)j->uid, (unsigned)j->gid,
				strerror(errno));
			return -1;
		}
		have = caps_permitted();
	}
	keep &= have;
	d[0].permitted = d[0].effective = (uint32_t)keep;
	d[1].permitted = d[1].effective = (uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &h, d)) {
		perror("modelab sandbox: capset");
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		perror("modelab sandbox: PR_SET_NO_NEW_PRIVS");
		return -1;
	}
	return j->landlock && landlock() < 0 ? -1 : 0;
}

/* ---- --isolate: the namespace's own /proc, and the host's read-only --------- */

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = -1;

	if (fd >= 0) {
		rc = write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : -1;
		close(fd);
	}
	if (rc)
		fprintf(stderr, "modelab sandbox: --isolate: cannot write %s: %s\n",
			path, strerror(errno));
	return rc;
}

/* pid's user namespace maps its 0 to uid and gid ("self": pid is us) */
int ml_jail_map(const char *pid, uid_t uid, gid_t gid)
{
	char path[64], map[64];

	snprintf(path, sizeof(path), "/proc/%s/setgroups", pid);
	if (write_file(path, "deny"))
		return -1;
	snprintf(path, sizeof(path), "/proc/%s/uid_map", pid);
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	if (write_file(path, map))
		return -1;
	snprintf(path, sizeof(path), "/proc/%s/gid_map", pid);
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	return write_file(path, map);
}

/* The mount flags a bind remount must keep (locked in a user namespace). */
static unsigned long kept_flags(const char *path)
{
	struct statvfs v;
	unsigned long f = 0;

	if (statvfs(path, &v))
		return 0;
	f |= v.f_flag & ST_NOSUID ? MS_NOSUID : 0;
	f |= v.f_flag & ST_NODEV ? MS_NODEV : 0;
	f |= v.f_flag & ST_NOEXEC ? MS_NOEXEC : 0;
	f |= v.f_flag & ST_NOATIME ? MS_NOATIME : 0;
	f |= v.f_flag & ST_NODIRATIME ? MS_NODIRATIME : 0;
	f |= v.f_flag & ST_RELATIME ? MS_RELATIME : 0;
	return f;
}

static int read_only(const char *path)
{
	if (mount(NULL, path, NULL,
		  MS_REMOUNT | MS_BIND | MS_RDONLY | kept_flags(path), NULL)) {
		fprintf(stderr, "modelab sandbox: --isolate: cannot make %s read-only: %s\n",
			path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The id of the mount that path reaches now, or 0 when statx cannot say.
 * A mount that another covers (the host's binfmt_misc, which systemd
 * mounts on most desktops, under the /proc that --isolate mounts over
 * the host's) stays in mountinfo under its path, but that path reaches
 * the covering mount, and a remount there fails with EINVAL.
 */
static unsigned long long reached_mount(const char *path)
{
	struct statx sx;

	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &sx) ||
	    !(sx.stx_mask & STATX_MNT_ID))
		return 0;
	return sx.stx_mnt_id;
}

/* path, and every mount below it that a path still reaches, read-only */
static int read_only_tree(const char *path)
{
	size_t len = strlen(path);
	char line[4096], mnt[4096];
	unsigned long long id, now;
	FILE *f;
	int rc = 0;

	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL)) {
		fprintf(stderr, "modelab sandbox: --isolate: cannot bind %s: %s\n",
			path, strerror(errno));
		return -1;
	}
	f = fopen("/proc/self/mountinfo", "re");
	if (!f) {
		perror("modelab sandbox: --isolate: /proc/self/mountinfo");
		return -1;
	}
	while (!rc && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llu %*s %*s %*s %4095s", &id, mnt) != 2 ||
		    strncmp(mnt, path, len) || (mnt[len] && mnt[len] != '/'))
			continue;
		now = reached_mount(mnt);
		if (!now || now == id)
			rc = read_only(mnt);
	}
	fclose(f);
	return rc;
}

/*
 * In PID 1 of the new namespaces: a /proc of this PID namespace, then
 * /proc/sys, /proc/sysrq-trigger and /sys read-only (with every mount
 * below them), so that even a root command cannot set core_pattern or a
 * uevent helper, nor write a cgroup's release_agent.  Any failure ends
 * it: --isolate promises all of it or runs nothing.
 */
int ml_jail_mounts(void)
{
	struct stat st;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL)) {
		fprintf(stderr, "modelab sandbox: --isolate: cannot mount a /proc of the new PID namespace: %s%s\n",
			strerror(errno),
			errno == EPERM ? " (something is mounted over part of the host's /proc, as in many containers: the kernel refuses a new one in a user namespace)" :
					 "");
		return -1;
	}
	if (read_only_tree("/proc/sys") ||
	    (!stat("/proc/sysrq-trigger", &st) &&
	     read_only_tree("/proc/sysrq-trigger")))
		return -1;
	if (!stat("/sys/kernel", &st) && read_only_tree("/sys"))
		return -1;
	return 0;
}
