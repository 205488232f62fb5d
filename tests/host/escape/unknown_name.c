// SPDX-License-Identifier: GPL-2.0
/*
 * unknown_name.c - a profile that refuses setxattr and setxattrat
 * (Linux 6.13), read by a libseccomp that knows only the first: the name
 * it cannot resolve is skipped, so setxattrat runs.  Run under such a
 * profile with FILE; ESCAPED when setxattrat reached the kernel (any
 * answer but the profile's EPERM).
 */
#include "attempt.h"

#include <fcntl.h>
#include <sys/syscall.h>

#define NR_SETXATTRAT 463	/* x86-64, arm64, riscv64 alike */

struct xattr_args {
	unsigned long long value;
	unsigned int size, flags;
};

int main(int argc, char **argv)
{
	struct xattr_args a = { (unsigned long)"x", 1, 0 };
	long rc;

	if (argc != 2) {
		fprintf(stderr, "usage: unknown_name FILE\n");
		return 2;
	}
	rc = syscall(NR_SETXATTRAT, AT_FDCWD, argv[1], 0, "user.modelab", &a,
		     sizeof(a));
	if (rc < 0 && errno == EPERM)
		HELD("setxattrat: the profile's EPERM");
	if (rc < 0 && errno == ENOSYS)
		SKIP("this kernel has no setxattrat (6.13)");
	ESCAPED("setxattrat reached the kernel: %s", rc < 0 ? ename(errno) : "done");
}
