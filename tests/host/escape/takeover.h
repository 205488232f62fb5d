/* SPDX-License-Identifier: GPL-2.0 */
/*
 * takeover.h - answering one's own seccomp notifications.  A thread
 * installs a filter that sends openat to a listener of its own
 * (SECCOMP_FILTER_FLAG_NEW_LISTENER), then opens PATH; another thread
 * receives the notification and answers SECCOMP_USER_NOTIF_FLAG_CONTINUE.
 * Filters stack, and among equal actions the newest filter decides: an
 * older filter's USER_NOTIF (whose supervisor is gone), TRACE or LOG on
 * openat is overridden, and the call runs.
 */
#ifndef ESCAPE_TAKEOVER_H
#define ESCAPE_TAKEOVER_H

#include "attempt.h"

#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

struct takeover {
	const char *path;
	int ready[2];		/* the installing thread says it is done */
	int listener;		/* -1: refused, errno in err */
	int err;
	int fd, open_err;	/* what the openat under our filter got */
};

static void *takeover_thread(void *arg)
{
	struct takeover *t = arg;
	char c = 1;

	/* this thread only (no TSYNC): the other one must stay free */
	t->listener = own_openat_filter(SECCOMP_RET_USER_NOTIF,
					SECCOMP_FILTER_FLAG_NEW_LISTENER);
	t->err = errno;
	if (write(t->ready[1], &c, 1) != 1 || t->listener < 0)
		return NULL;
	t->fd = syscall(SYS_openat, AT_FDCWD, t->path, O_RDONLY);
	t->open_err = errno;
	return NULL;
}

/*
 * One try: 1 the open went through our own listener (fd in t->fd), 0 the
 * listener was refused (t->err), -1 something else failed (why in t->err).
 */
static int takeover_try(struct takeover *t, const char *path)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	struct pollfd p;
	pthread_t th;
	char c;
	int got = 0;

	memset(t, 0, sizeof(*t));
	t->path = path;
	t->fd = -1;
	if (pipe(t->ready) || pthread_create(&th, NULL, takeover_thread, t)) {
		t->err = errno;
		return -1;
	}
	if (read(t->ready[0], &c, 1) != 1 || t->listener < 0) {
		pthread_join(th, NULL);
		close(t->ready[0]);
		close(t->ready[1]);
		return t->listener < 0 ? 0 : -1;
	}
	p = (struct pollfd){ .fd = t->listener, .events = POLLIN };
	if (poll(&p, 1, 2000) == 1) {
		memset(&req, 0, sizeof(req));
		if (!ioctl(t->listener, SECCOMP_IOCTL_NOTIF_RECV, &req)) {
			memset(&resp, 0, sizeof(resp));
			resp.id = req.id;
			resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
			got = !ioctl(t->listener, SECCOMP_IOCTL_NOTIF_SEND,
				     &resp);
		}
	}
	pthread_join(th, NULL);
	close(t->listener);
	close(t->ready[0]);
	close(t->ready[1]);
	if (!got) {
		t->err = EAGAIN;
		return -1;
	}
	return t->fd >= 0 ? 1 : -1;
}

/* Tries for up to ms milliseconds (the supervisor's listener gives EBUSY
 * while it is held); the verdict. */
static void __attribute__((noreturn)) takeover(const char *path, int ms)
{
	struct takeover t;
	char secret[256];
	int rc, tries = 0;

	for (;;) {
		rc = takeover_try(&t, path);
		tries++;
		if (rc == 1) {
			if (!first_line(t.fd, secret, sizeof(secret)))
				strcpy(secret, "(empty)");
			ESCAPED("our own listener let openat through after %d tries: %s",
				tries, secret);
		}
		if (rc < 0 && t.err != EAGAIN)
			HELD("the takeover failed: %s", ename(t.err));
		if (rc < 0)
			HELD("our listener got no notification: openat never reached it (open: %s)",
			     ename(t.open_err));
		if (t.err != EBUSY || (ms -= 20) <= 0)
			break;
		usleep(20000);
	}
	HELD("SECCOMP_FILTER_FLAG_NEW_LISTENER refused (%s) for %d tries", ename(t.err),
	     tries);
}

#endif
