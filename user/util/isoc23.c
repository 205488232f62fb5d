// SPDX-License-Identifier: GPL-2.0
/*
 * isoc23.c - two C23 names for the riscv64 static build, and nothing
 * elsewhere.  riscv64's libseccomp and json-c come from trixie (the first
 * Debian release with riscv64), built against glibc 2.41 whose headers
 * turn strtoll into __isoc23_strtoll.  The static programs link them with
 * bookworm's cross glibc 2.36 (bookworm's binutils cannot link trixie's
 * libc.a), which predates those names: these give them.  The C23
 * versions differ only in also reading a 0b prefix, which neither library
 * feeds them.  The Makefile defines ML_ISOC23_SHIM for that build alone.
 */
#ifdef ML_ISOC23_SHIM
#include <stdlib.h>

long long __isoc23_strtoll(const char *s, char **end, int base);
unsigned long long __isoc23_strtoull(const char *s, char **end, int base);

long long __isoc23_strtoll(const char *s, char **end, int base)
{
	return strtoll(s, end, base);
}

unsigned long long __isoc23_strtoull(const char *s, char **end, int base)
{
	return strtoull(s, end, base);
}
#else
typedef int ml_isoc23_unused;	/* ISO C wants a translation unit to declare something */
#endif
