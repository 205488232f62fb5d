// SPDX-License-Identifier: GPL-2.0
/*
 * probes/helpers/exit0.c - bin/modelab-exit0, the program that the
 * process probe's fork-exec and posix-spawn exec: it exits 0 at once.
 *
 * Built static and as small as it can be, so that those figures time the
 * exec itself (a new mm from a small file, no dynamic linking, no libc
 * start-up), as lmbench's lat_proc exec does with a minimal program.  On
 * x86-64, arm64 and riscv64 it is built -nostdlib: _start makes the exit
 * system call (syscall, svc #0 or ecall: user/isa/arch.h) and nothing else
 * runs in user mode.  Elsewhere it is a static glibc program.
 */
#include "isa/arch.h"

#if ML_ARCH_KNOWN
#include <asm/unistd.h>

void _start(void);

void _start(void)
{
	ml_arch_syscall1(__NR_exit, 0);
	__builtin_unreachable();
}
#else
int main(void)
{
	return 0;
}
#endif
