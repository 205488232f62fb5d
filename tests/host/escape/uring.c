// SPDX-License-Identifier: GPL-2.0
/*
 * uring.c - a deny-list's door through io_uring.  Under `--deny
 * open,openat,openat2` (or `--deny socket`) the ring's own operations
 * (IORING_OP_OPENAT, IORING_OP_SOCKET) run in the kernel without passing
 * the syscall table, so a filter on openat or socket never sees them
 * (probes/seccomp/doors.c shows the same on bare filters).  CASE is open
 * SECRET or socket.  ESCAPED when the ring opened the secret or made the
 * socket; SKIP when io_uring is off here even without a filter.
 */
#include "attempt.h"

#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>

static void *map(int fd, size_t len, off_t off)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, fd, off);

	return p == MAP_FAILED ? NULL : p;
}

/* One operation through a new ring: its result, or -errno of the step that failed. */
static long ring_op(struct io_uring_sqe *op, const char **stage)
{
	struct io_uring_params p = { 0 };
	unsigned char *sq, *cq;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqe;
	unsigned int tail, head;
	size_t sq_len, cq_len;
	long fd;

	*stage = "io_uring_setup";
	fd = syscall(SYS_io_uring_setup, 4, &p);
	if (fd < 0)
		return -errno;
	*stage = "mmap";
	sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (p.features & IORING_FEAT_SINGLE_MMAP)
		sq_len = cq_len = sq_len > cq_len ? sq_len : cq_len;
	sq = map((int)fd, sq_len, IORING_OFF_SQ_RING);
	cq = p.features & IORING_FEAT_SINGLE_MMAP ?
		     sq : map((int)fd, cq_len, IORING_OFF_CQ_RING);
	sqes = map((int)fd, p.sq_entries * sizeof(*sqes), IORING_OFF_SQES);
	if (!sq || !cq || !sqes)
		return -errno;
	sqes[0] = *op;
	tail = atomic_load((_Atomic unsigned int *)(sq + p.sq_off.tail));
	((unsigned int *)(sq + p.sq_off.array))
		[tail & *(unsigned int *)(sq + p.sq_off.ring_mask)] = 0;
	atomic_store((_Atomic unsigned int *)(sq + p.sq_off.tail), tail + 1);
	*stage = "io_uring_enter";
	if (syscall(SYS_io_uring_enter, fd, 1, 1, IORING_ENTER_GETEVENTS,
		    NULL, 0) < 0)
		return -errno;
	head = atomic_load((_Atomic unsigned int *)(cq + p.cq_off.head));
	tail = atomic_load((_Atomic unsigned int *)(cq + p.cq_off.tail));
	if (head == tail)
		return -EAGAIN;
	cqe = (struct io_uring_cqe *)(cq + p.cq_off.cqes) +
	      (head & *(unsigned int *)(cq + p.cq_off.ring_mask));
	*stage = "the operation";
	return cqe->res;
}

int main(int argc, char **argv)
{
	struct io_uring_sqe op = { 0 };
	const char *stage = "";
	char secret[256];
	long rc;

	if (argc < 2 || (strcmp(argv[1], "socket") && argc != 3)) {
		fprintf(stderr, "usage: uring open SECRET | uring socket\n");
		return 2;
	}
	if (!strcmp(argv[1], "socket")) {
		op.opcode = IORING_OP_SOCKET;
		op.fd = AF_INET;
		op.off = SOCK_STREAM;
	} else {
		op.opcode = IORING_OP_OPENAT;
		op.fd = AT_FDCWD;
		op.addr = (unsigned long)argv[2];
		op.open_flags = O_RDONLY;
	}
	rc = ring_op(&op, &stage);
	if (rc >= 0 && op.opcode == IORING_OP_SOCKET)
		ESCAPED("io_uring made a socket (%ld) the filter never saw", rc);
	if (rc >= 0)
		ESCAPED("io_uring opened the secret: %s",
			first_line((int)rc, secret, sizeof(secret)) ?: "(empty)");
	if (!strcmp(stage, "the operation") && (rc == -EINVAL || rc == -EOPNOTSUPP))
		SKIP("this kernel's io_uring has no such operation (%s)", ename((int)-rc));
	HELD("%s: %s", stage, ename((int)-rc));
}
