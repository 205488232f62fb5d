// SPDX-License-Identifier: GPL-2.0
/*
 * highbit.c - argument rules passed with bits above 32 set.  The kernel
 * reads an int argument's low 32 bits; a filter that compares all 64
 * (libseccomp, crun: libseccomp issue 383) sees another value.  CASE:
 *
 *   netlink  socket((1<<32)|AF_NETLINK, SOCK_RAW, (1<<32)|NETLINK_AUDIT)
 *            against a rule refusing socket(AF_NETLINK, *, NETLINK_AUDIT)
 *            with EOPNOTSUPP (tests/host/profiles/args.json, Podman's)
 *   umask    umask((1<<32)|0) against a rule refusing umask(arg <= 022)
 *            with EPERM (args.json)
 *   vsock    socket((1<<32)|AF_VSOCK, SOCK_STREAM, 0) against a rule that
 *            allows socket when the family is not AF_VSOCK, under a
 *            default that refuses with EPERM (escape/vsock.json, as
 *            Docker's default profile had it)
 *
 * ESCAPED when the call did not get the rule's refusal.
 */
#include "attempt.h"

#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define HIGH (1UL << 32)

int main(int argc, char **argv)
{
	long rc;

	if (argc != 2) {
		fprintf(stderr, "usage: highbit netlink|umask|vsock\n");
		return 2;
	}
	if (!strcmp(argv[1], "netlink")) {
		rc = syscall(SYS_socket, HIGH | AF_NETLINK, SOCK_RAW,
			     HIGH | NETLINK_AUDIT);
		if (rc < 0 && errno == EOPNOTSUPP)
			HELD("socket(AF_NETLINK, NETLINK_AUDIT) with high bits: the rule's EOPNOTSUPP");
		ESCAPED("socket(AF_NETLINK, NETLINK_AUDIT) with high bits: %s",
			rc >= 0 ? "a socket" : ename(errno));
	}
	if (!strcmp(argv[1], "umask")) {
		rc = syscall(SYS_umask, HIGH | 0);
		if (rc < 0 && errno == EPERM)
			HELD("umask(0) with high bits: the rule's EPERM");
		rc = syscall(SYS_umask, 0777);	/* what the kernel set */
		ESCAPED("umask(0) with high bits went through: the umask became %03lo",
			rc);
	}
	if (!strcmp(argv[1], "vsock")) {
		rc = syscall(SYS_socket, HIGH | 40 /* AF_VSOCK */, SOCK_STREAM, 0);
		if (rc < 0 && errno == EPERM)
			HELD("socket(AF_VSOCK) with high bits: the default's EPERM");
		ESCAPED("socket(AF_VSOCK) with high bits reached the kernel: %s",
			rc >= 0 ? "a socket" : ename(errno));
	}
	fprintf(stderr, "highbit: unknown case '%s'\n", argv[1]);
	return 2;
}
