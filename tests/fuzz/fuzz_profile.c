// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_profile.c - libFuzzer over the OCI profile reader (profile.c,
 * rules.c, jsonread.c) through its file loader: accepted or refused with
 * one printable line, no leak (LeakSanitizer), and in bounded time: at
 * most FUZZ_PROFILE_CPU_S of CPU, its children's included (the promise is
 * a second; ASan doubles it or more).  CPU, not the clock: a fuzzer niced
 * on a busy machine waits for the CPU (libFuzzer's -timeout is the
 * backstop for a real hang).
 */
#define _GNU_SOURCE
#include "fuzz.h"
#include "seccomp/policy.h"
#include "seccomp/profile.h"

#include <seccomp.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#define FUZZ_PROFILE_CPU_S 3.0

/* CPU seconds of this process and its reaped children */
static double cpu_seconds(void)
{
	struct rusage self, kids;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	return (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec +
			kids.ru_utime.tv_sec + kids.ru_stime.tv_sec) +
	       (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec +
			kids.ru_utime.tv_usec + kids.ru_stime.tv_usec) / 1e6;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ml_profile_info info;
	char path[64], err[1024];
	int fd = memfd_create("fuzz-profile", MFD_CLOEXEC);
	double t0 = cpu_seconds();
	void *ctx;

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	err[0] = '\0';
	ctx = ml_profile_load(path, &info, err, sizeof(err));
	close(fd);
	if (cpu_seconds() - t0 > FUZZ_PROFILE_CPU_S) {
		snprintf(path, sizeof(path), "%.2f s", cpu_seconds() - t0);
		fuzz_fail("profile", "accepted or refused after over 3 s of CPU", path);
	}
	if (ctx)
		seccomp_release(ctx);
	else
		fuzz_one_line("profile", err);
	return 0;
}
