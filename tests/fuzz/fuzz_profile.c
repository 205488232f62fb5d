// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_profile.c - libFuzzer over the OCI profile reader (profile.c,
 * rules.c, jsonread.c) through its file loader: accepted or refused with
 * one printable line, no leak (LeakSanitizer), no hang (-timeout).
 */
#define _GNU_SOURCE
#include "fuzz.h"
#include "profile.h"

#include <seccomp.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ml_profile_info info;
	char path[64], err[1024];
	int fd = memfd_create("fuzz-profile", MFD_CLOEXEC);
	void *ctx;

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	err[0] = '\0';
	ctx = ml_profile_load(path, &info, err, sizeof(err));
	close(fd);
	if (ctx)
		seccomp_release(ctx);
	else
		fuzz_one_line("profile", err);
	return 0;
}
