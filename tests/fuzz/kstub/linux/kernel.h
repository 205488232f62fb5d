/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel helpers kmod/command.c calls, in user space, with the
 * kernel's semantics (lib/kstrtox.c, lib/string.c), for the fuzzer.
 */
#ifndef KSTUB_KERNEL_H
#define KSTUB_KERNEL_H

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>

/* kstrtouint: digits (a leading '+' allowed), one newline at most after */
static inline int kstrtouint(const char *s, unsigned int base,
			     unsigned int *res)
{
	unsigned long long v = 0;
	const char *p = s;

	(void)base;		/* command.c asks for base 10 only */
	if (*p == '+')
		p++;
	if (!(*p >= '0' && *p <= '9'))
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned int)(*p - '0');
		if (v > UINT_MAX)
			return -ERANGE;
	}
	if (*p == '\n')
		p++;
	if (*p)
		return -EINVAL;
	*res = (unsigned int)v;
	return 0;
}

static inline char *skip_spaces(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return (char *)s;
}

static inline char *strim(char *s)
{
	size_t size = strlen(s);
	char *end;

	if (!size)
		return s;
	end = s + size - 1;
	while (end >= s && isspace((unsigned char)*end))
		end--;
	*(end + 1) = '\0';
	return skip_spaces(s);
}

#endif
