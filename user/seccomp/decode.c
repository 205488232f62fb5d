// SPDX-License-Identifier: GPL-2.0
/*
 * decode.c - a system call's arguments spelled out like strace does, for
 * the notify supervisor of `modelab sandbox`: dirfds by name (AT_FDCWD),
 * paths and argv read from the caller's memory, open, AT_ and socket flags
 * and address families by name.  One table says what each known call's
 * arguments are; any other call keeps its six arguments in hex.
 */
#define _GNU_SOURCE
#include "util/util.h"
#include "isa/arch.h"
#include "seccomp/policy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <seccomp.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#define STR_MAX 64		/* characters of a string shown */
#define ARGV_MAX 8		/* argv entries shown */

/* Kernel values glibc hides or spells differently (user/isa/arch.h). */
#define K_O_LARGEFILE ML_ARCH_O_LARGEFILE
#define K_O_TMPFILE 020000000

struct bit {
	uint64_t bit;
	const char *name;
};

/* Appends to buf at *off, never past len. */
static void put(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n < len - *off ? (size_t)n : len - *off - 1;
}

/* Names the bits of v in table, '|'-joined, the rest in hex; "0" if none. */
static const char *bits(uint64_t v, const struct bit *t, size_t n,
			const char *first, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	if (first)
		put(buf, len, &off, "%s", first);
	for (size_t i = 0; i < n; i++) {
		if ((v & t[i].bit) == t[i].bit && t[i].bit) {
			put(buf, len, &off, "%s%s", off ? "|" : "", t[i].name);
			v &= ~t[i].bit;
		}
	}
	if (v || !off)
		put(buf, len, &off, "%s%#llx", off ? "|" : "",
		    (unsigned long long)v);
	return buf;
}

const char *ml_decode_open_flags(uint64_t flags, char *buf, size_t len)
{
	static const struct bit t[] = {
		{ K_O_TMPFILE | O_DIRECTORY, "O_TMPFILE" },
		{ O_CREAT, "O_CREAT" }, { O_EXCL, "O_EXCL" },
		{ O_NOCTTY, "O_NOCTTY" }, { O_TRUNC, "O_TRUNC" },
		{ O_APPEND, "O_APPEND" }, { O_NONBLOCK, "O_NONBLOCK" },
		{ O_SYNC, "O_SYNC" }, { O_DSYNC, "O_DSYNC" },
		{ O_ASYNC, "O_ASYNC" }, { O_DIRECT, "O_DIRECT" },
		{ K_O_LARGEFILE, "O_LARGEFILE" },
		{ O_DIRECTORY, "O_DIRECTORY" }, { O_NOFOLLOW, "O_NOFOLLOW" },
		{ O_NOATIME, "O_NOATIME" }, { O_CLOEXEC, "O_CLOEXEC" },
		{ O_PATH, "O_PATH" },
	};
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR",
					   "O_ACCMODE" };

	return bits(flags & ~(uint64_t)O_ACCMODE, t, ML_ARRAY_SIZE(t),
		    acc[flags & O_ACCMODE], buf, len);
}

const char *ml_decode_at_flags(uint64_t flags, char *buf, size_t len)
{
	static const struct bit t[] = {
		{ AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW" },
		{ AT_REMOVEDIR, "AT_REMOVEDIR" },
		{ AT_SYMLINK_FOLLOW, "AT_SYMLINK_FOLLOW" },
		{ AT_NO_AUTOMOUNT, "AT_NO_AUTOMOUNT" },
		{ AT_EMPTY_PATH, "AT_EMPTY_PATH" },
	};

	return bits(flags, t, ML_ARRAY_SIZE(t), NULL, buf, len);
}

const char *ml_decode_dirfd(uint64_t fd, char *buf, size_t len)
{
	if ((int)fd == AT_FDCWD)
		snprintf(buf, len, "AT_FDCWD");
	else
		snprintf(buf, len, "%d", (int)fd);
	return buf;
}

const char *ml_decode_family(uint64_t family, char *buf, size_t len)
{
	static const struct {
		int af;
		const char *name;
	} t[] = {
		{ AF_UNSPEC, "AF_UNSPEC" }, { AF_UNIX, "AF_UNIX" },
		{ AF_INET, "AF_INET" }, { AF_INET6, "AF_INET6" },
		{ AF_NETLINK, "AF_NETLINK" }, { AF_PACKET, "AF_PACKET" },
		{ AF_VSOCK, "AF_VSOCK" },
	};

	for (size_t i = 0; i < ML_ARRAY_SIZE(t); i++) {
		if ((uint64_t)t[i].af == family) {
			snprintf(buf, len, "%s", t[i].name);
			return buf;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)family);
	return buf;
}

const char *ml_decode_sock_type(uint64_t type, char *buf, size_t len)
{
	static const struct bit t[] = {
		{ SOCK_CLOEXEC, "SOCK_CLOEXEC" },
		{ SOCK_NONBLOCK, "SOCK_NONBLOCK" },
	};
	static const char *const kinds[] = {
		[SOCK_STREAM] = "SOCK_STREAM", [SOCK_DGRAM] = "SOCK_DGRAM",
		[SOCK_RAW] = "SOCK_RAW", [SOCK_RDM] = "SOCK_RDM",
		[SOCK_SEQPACKET] = "SOCK_SEQPACKET",
	};
	uint64_t kind = type & 0xf;
	char first[24];

	if (kind < ML_ARRAY_SIZE(kinds) && kinds[kind])
		snprintf(first, sizeof(first), "%s", kinds[kind]);
	else
		snprintf(first, sizeof(first), "%llu",
			 (unsigned long long)kind);
	return bits(type & ~(uint64_t)0xf, t, ML_ARRAY_SIZE(t), first, buf,
		    len);
}

/* ---- memory of the caller ------------------------------------------------ */

/* A quoted, escaped string at addr, or the address if unreadable. */
static void put_string(char *buf, size_t len, size_t *off, uint64_t addr,
		       ml_mem_read *read, void *cookie)
{
	char s[STR_MAX + 1];
	ssize_t got = addr && read ? read(cookie, addr, s, sizeof(s)) : -1;
	size_t n;

	if (got <= 0) {
		put(buf, len, off, addr ? "%#llx" : "NULL",
		    (unsigned long long)addr);
		return;
	}
	n = strnlen(s, (size_t)got);
	put(buf, len, off, "\"");
	for (size_t i = 0; i < n && i < STR_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			put(buf, len, off, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			put(buf, len, off, "%c", c);
		else
			put(buf, len, off, "\\x%02x", c);
	}
	put(buf, len, off, n >= STR_MAX || n == (size_t)got ? "\"..." : "\"");
}

static void put_argv(char *buf, size_t len, size_t *off, uint64_t addr,
		     ml_mem_read *read, void *cookie)
{
	uint64_t p[ARGV_MAX + 1];
	ssize_t got = addr && read ? read(cookie, addr, p, sizeof(p)) : -1;
	size_t n = got > 0 ? (size_t)got / sizeof(p[0]) : 0, i;

	if (!n) {
		put(buf, len, off, "%#llx", (unsigned long long)addr);
		return;
	}
	put(buf, len, off, "[");
	for (i = 0; i < n && i < ARGV_MAX && p[i]; i++) {
		put(buf, len, off, i ? ", " : "");
		put_string(buf, len, off, p[i], read, cookie);
	}
	put(buf, len, off, i < n && !p[i] ? "]" : ", ...]");
}

static void put_open_how(char *buf, size_t len, size_t *off, uint64_t addr,
			 ml_mem_read *read, void *cookie)
{
	struct open_how how;
	char f[256];

	if (!read || read(cookie, addr, &how, sizeof(how)) !=
			     (ssize_t)sizeof(how)) {
		put(buf, len, off, "%#llx", (unsigned long long)addr);
		return;
	}
	put(buf, len, off, "{flags=%s, mode=%#llo, resolve=%#llx}",
	    ml_decode_open_flags(how.flags, f, sizeof(f)),
	    (unsigned long long)how.mode, (unsigned long long)how.resolve);
}

static void put_sockaddr(char *buf, size_t len, size_t *off, uint64_t addr,
			 ml_mem_read *read, void *cookie)
{
	struct sockaddr_storage ss;
	char a[INET6_ADDRSTRLEN], fam[24];
	ssize_t got = addr && read ? read(cookie, addr, &ss, sizeof(ss)) : -1;

	if (got < (ssize_t)sizeof(sa_family_t)) {
		put(buf, len, off, "%#llx", (unsigned long long)addr);
		return;
	}
	ml_decode_family(ss.ss_family, fam, sizeof(fam));
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
		put(buf, len, off, "{%s, %s:%u}", fam, a, ntohs(in->sin_port));
	} else if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a));
		put(buf, len, off, "{%s, [%s]:%u}", fam, a,
		    ntohs(in6->sin6_port));
	} else if (ss.ss_family == AF_UNIX) {
		struct sockaddr_un *un = (struct sockaddr_un *)&ss;

		put(buf, len, off, "{%s, \"%.*s\"}", fam,
		    (int)strnlen(un->sun_path, sizeof(un->sun_path)),
		    un->sun_path);
	} else {
		put(buf, len, off, "{%s, ...}", fam);
	}
}

/* ---- the calls ------------------------------------------------------------ */

enum kind { END, HEX, INT, DIRFD, PATH, OFLAGS, MODE, HOW, ARGV, ATFLAGS,
	    FAMILY, SOCKTYPE, SOCKADDR };

static const struct {
	const char *name;
	enum kind arg[7];
} calls[] = {
	{ "open", { PATH, OFLAGS, MODE } },
	{ "openat", { DIRFD, PATH, OFLAGS, MODE } },
	{ "openat2", { DIRFD, PATH, HOW, INT } },
	{ "execve", { PATH, ARGV, HEX } },
	{ "execveat", { DIRFD, PATH, ARGV, HEX, ATFLAGS } },
	{ "socket", { FAMILY, SOCKTYPE, INT } },
	{ "connect", { INT, SOCKADDR, INT } },
	{ "bind", { INT, SOCKADDR, INT } },
	{ "unlinkat", { DIRFD, PATH, ATFLAGS } },
	{ "unlink", { PATH } },
	{ "mkdirat", { DIRFD, PATH, MODE } },
	{ "mkdir", { PATH, MODE } },
};

size_t ml_decode_call(char *buf, size_t len, const char *name,
		      const uint64_t args[6], ml_mem_read *read, void *cookie)
{
	static const enum kind unknown[7] = { HEX, HEX, HEX, HEX, HEX, HEX };
	const enum kind *k = unknown;
	char tmp[256];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; name && i < ML_ARRAY_SIZE(calls); i++)
		if (!strcmp(calls[i].name, name))
			k = calls[i].arg;
	put(buf, len, &off, "%s(", name ? name : "?");
	for (size_t i = 0; i < 6 && k[i] != END; i++) {
		uint64_t a = args[i];

		/* a mode only matters when the call may create */
		if (k[i] == MODE && i > 0 && k[i - 1] == OFLAGS &&
		    !(args[i - 1] & (O_CREAT | K_O_TMPFILE)))
			break;
		put(buf, len, &off, i ? ", " : "");
		switch (k[i]) {
		case INT:
			put(buf, len, &off, "%d", (int)a);
			break;
		case DIRFD:
			put(buf, len, &off, "%s", ml_decode_dirfd(a, tmp, sizeof(tmp)));
			break;
		case PATH:
			put_string(buf, len, &off, a, read, cookie);
			break;
		case OFLAGS:
			put(buf, len, &off, "%s", ml_decode_open_flags(a, tmp, sizeof(tmp)));
			break;
		case MODE:
			put(buf, len, &off, "%#llo", (unsigned long long)a);
			break;
		case HOW:
			put_open_how(buf, len, &off, a, read, cookie);
			break;
		case ARGV:
			put_argv(buf, len, &off, a, read, cookie);
			break;
		case ATFLAGS:
			put(buf, len, &off, "%s", ml_decode_at_flags(a, tmp, sizeof(tmp)));
			break;
		case FAMILY:
			put(buf, len, &off, "%s", ml_decode_family(a, tmp, sizeof(tmp)));
			break;
		case SOCKTYPE:
			put(buf, len, &off, "%s", ml_decode_sock_type(a, tmp, sizeof(tmp)));
			break;
		case SOCKADDR:
			put_sockaddr(buf, len, &off, a, read, cookie);
			break;
		default:
			put(buf, len, &off, "%#llx", (unsigned long long)a);
			break;
		}
	}
	put(buf, len, &off, ")");
	return off;
}

/*
 * The caller's memory, read with process_vm_readv a page at a time (a
 * string may end just before an unmapped page); then the notification id
 * is checked, so that what was read is known to be the caller's and not
 * a recycled pid's.
 */
ssize_t ml_notif_mem_read(void *cookie, uint64_t addr, void *buf, size_t len)
{
	const struct ml_notif_mem *m = cookie;
	size_t done = 0;

	while (done < len) {
		uint64_t at = addr + done;
		size_t chunk = 4096 - (at & 4095);
		struct iovec local, remote;
		ssize_t got;

		if (chunk > len - done)
			chunk = len - done;
		local = (struct iovec){ (char *)buf + done, chunk };
		remote = (struct iovec){ (void *)(uintptr_t)at, chunk };
		got = process_vm_readv(m->pid, &local, 1, &remote, 1, 0);
		if (got <= 0)
			break;
		done += (size_t)got;
	}
	if (!done || seccomp_notify_id_valid(m->fd, m->id))
		return -1;
	return (ssize_t)done;
}
