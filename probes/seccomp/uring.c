// SPDX-License-Identifier: GPL-2.0
/*
 * probes/seccomp/uring.c - one io_uring operation, submitted and reaped
 * with the raw syscalls (io_uring_setup, mmap of the rings, io_uring_enter):
 * no liburing.  The doors demonstration uses it to show that an operation
 * the ring performs (IORING_OP_OPENAT, _OPENAT2, _SOCKET) never passes
 * through the syscall table, so a filter on openat or socket never sees it.
 */
#define _GNU_SOURCE
#include "seccomp_lab.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/openat2.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define RING_ENTRIES 4

static void *ring_map(int fd, size_t len, off_t off)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, fd, off);

	return p == MAP_FAILED ? NULL : p;
}

/* Fills the one submission for op: what it opens or creates. */
static void prep(struct io_uring_sqe *sqe, enum sc_uring_op op,
		 const char *path, struct open_how *how)
{
	memset(sqe, 0, sizeof(*sqe));
	switch (op) {
	case SC_URING_OPENAT:
		sqe->opcode = IORING_OP_OPENAT;
		sqe->fd = AT_FDCWD;
		sqe->addr = (unsigned long)path;
		sqe->open_flags = O_RDONLY;
		break;
	case SC_URING_OPENAT2:
		sqe->opcode = IORING_OP_OPENAT2;
		sqe->fd = AT_FDCWD;
		sqe->addr = (unsigned long)path;
		sqe->len = sizeof(*how);
		sqe->off = (unsigned long)how;
		break;
	case SC_URING_SOCKET:
		sqe->opcode = IORING_OP_SOCKET;
		sqe->fd = AF_INET;		/* domain */
		sqe->off = SOCK_STREAM;		/* type */
		sqe->len = 0;			/* protocol */
		break;
	}
}

/*
 * Runs op through a new ring.  Returns what the operation returned (a new
 * fd) or -1 with errno: the operation's error, or the error of the
 * syscall that failed first (*stage names it).
 */
long sc_uring(enum sc_uring_op op, const char *path, const char **stage)
{
	struct io_uring_params p = { 0 };
	struct open_how how = { .flags = O_RDONLY };
	size_t sq_len, cq_len;
	unsigned char *sq, *cq;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqe;
	unsigned int tail, head;
	long fd, ret;

	*stage = "io_uring_setup";
	fd = syscall(SYS_io_uring_setup, RING_ENTRIES, &p);
	if (fd < 0)
		return -1;
	*stage = "mmap of the rings";
	sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (p.features & IORING_FEAT_SINGLE_MMAP)
		sq_len = cq_len = sq_len > cq_len ? sq_len : cq_len;
	sq = ring_map((int)fd, sq_len, IORING_OFF_SQ_RING);
	cq = p.features & IORING_FEAT_SINGLE_MMAP ?
		     sq : ring_map((int)fd, cq_len, IORING_OFF_CQ_RING);
	sqes = ring_map((int)fd, p.sq_entries * sizeof(*sqes),
			IORING_OFF_SQES);
	if (!sq || !cq || !sqes)
		return -1;
	/* one submission in slot 0, published by the tail */
	prep(&sqes[0], op, path, &how);
	tail = atomic_load_explicit((_Atomic unsigned int *)(sq + p.sq_off.tail),
				    memory_order_acquire);
	((unsigned int *)(sq + p.sq_off.array))
		[tail & *(unsigned int *)(sq + p.sq_off.ring_mask)] = 0;
	atomic_store_explicit((_Atomic unsigned int *)(sq + p.sq_off.tail),
			      tail + 1, memory_order_release);
	*stage = "io_uring_enter";
	if (syscall(SYS_io_uring_enter, fd, 1, 1, IORING_ENTER_GETEVENTS,
		    NULL, 0) < 0)
		return -1;
	head = atomic_load_explicit((_Atomic unsigned int *)(cq + p.cq_off.head),
				    memory_order_acquire);
	tail = atomic_load_explicit((_Atomic unsigned int *)(cq + p.cq_off.tail),
				    memory_order_acquire);
	if (head == tail) {
		errno = EAGAIN;
		return -1;
	}
	cqe = (struct io_uring_cqe *)(cq + p.cq_off.cqes) +
	      (head & *(unsigned int *)(cq + p.cq_off.ring_mask));
	*stage = "the operation";
	ret = cqe->res;
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}
