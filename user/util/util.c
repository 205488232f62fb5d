// SPDX-License-Identifier: GPL-2.0
/*
 * util.c - small things several parts of modelab need the same way:
 * reading a /proc file whole, one-line error messages, and handing a
 * descriptor to another process over a Unix socket.
 */
#define _GNU_SOURCE
#include "util/util.h"

#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

ssize_t ml_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n, got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || len == 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((size_t)got < len - 1 &&
	       (n = read(fd, buf + got, len - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	return got;
}

long ml_meminfo_kib(const char *key)
{
	char buf[8192], *p;
	long kib = -1;

	if (ml_read_file("/proc/meminfo", buf, sizeof(buf)) <= 0)
		return -1;
	p = strstr(buf, key);
	if (p)
		sscanf(p + strlen(key), " %ld", &kib);
	return kib;
}

/*
 * One line, whatever src holds (a profile's action "X\n\nY", a file
 * name with ESC in it): control characters come out as \n, \t, \xNN or,
 * for C1 (which some terminals obey as they obey ESC), \u0080 to \u009f.
 * An escape is never cut in half; dst is always terminated.
 */
char *ml_escape_text(char *dst, size_t len, const char *src)
{
	size_t o = 0;

	if (!len)
		return dst;
	for (const unsigned char *p = (const unsigned char *)src;
	     *p && o + 1 < len; p++) {
		char esc[8];
		size_t n;

		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			n = (size_t)snprintf(esc, sizeof(esc), "\\u%04x", *++p);
		} else if (*p >= 0x20 && *p != 0x7f) {
			dst[o++] = (char)*p;
			continue;
		} else {
			n = (size_t)snprintf(esc, sizeof(esc),
					     *p == '\n' ? "\\n" :
					     *p == '\t' ? "\\t" : "\\x%02x", *p);
		}
		if (o + n >= len)
			break;
		memcpy(dst + o, esc, n);
		o += n;
	}
	dst[o] = '\0';
	return dst;
}

int ml_errorf(char *err, size_t len, const char *fmt, ...)
{
	char raw[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	ml_escape_text(err, len, raw);
	return -1;
}

/* The one byte of data a descriptor rides on, and room for the fd. */
struct fd_msg {
	char byte;
	struct iovec iov;
	struct msghdr msg;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;			/* last: clang sees CMSG_SPACE as variable */
};

static void fd_msg_init(struct fd_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->iov.iov_base = &m->byte;
	m->iov.iov_len = 1;
	m->msg.msg_iov = &m->iov;
	m->msg.msg_iovlen = 1;
	m->msg.msg_control = m->u.buf;
	m->msg.msg_controllen = sizeof(m->u.buf);
}

int ml_send_fd(int sock, int fd)
{
	struct fd_msg m;
	struct cmsghdr *cm;

	fd_msg_init(&m);
	cm = CMSG_FIRSTHDR(&m.msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &m.msg, 0) == 1 ? 0 : -1;
}

int ml_recv_fd(int sock, int timeout_ms)
{
	struct pollfd p = { .fd = sock, .events = POLLIN };
	struct cmsghdr *cm;
	struct fd_msg m;
	int fd = -1;

	fd_msg_init(&m);
	if (timeout_ms >= 0 && poll(&p, 1, timeout_ms) != 1)
		return -1;
	if (recvmsg(sock, &m.msg, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&m.msg);
	if (cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}
