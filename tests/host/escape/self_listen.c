// SPDX-License-Identifier: GPL-2.0
/*
 * self_listen.c - a profile's SCMP_ACT_NOTIFY or SCMP_ACT_LOG on openat,
 * overridden by a listener of the command's own.  Run under such a
 * profile with SECRET: install a filter sending openat to our own
 * listener and answer it with CONTINUE.  Without a supervisor the
 * profile's NOTIFY gives ENOSYS, and ours (the newest, equal action)
 * decides; over LOG, USER_NOTIF is the stronger action: the call runs
 * and nothing is logged.
 */
#include "takeover.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: self_listen SECRET\n");
		return 2;
	}
	takeover(argv[1], 200);
}
