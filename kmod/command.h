/* SPDX-License-Identifier: GPL-2.0 */
/*
 * command.h - the pure part of a /proc/modelab write (command.c): shared
 * by procfs.c and raise.c, and built in user space by tests/fuzz/.
 */
#ifndef MODELAB_COMMAND_H
#define MODELAB_COMMAND_H

#include <linux/types.h>

/*
 * @buf holds the first @len bytes of a write of @count bytes, a NUL after
 * them.  Empty, cut (@count > @len) or with a NUL inside: -EINVAL.  Else
 * trims it in place, *@word its first word, *@arg the rest with its
 * leading blanks skipped, or NULL when there is none; 0.
 */
int ml_command_split(char *buf, size_t len, size_t count, char **word,
		     char **arg);

/*
 * "WORD N", already trimmed: *@word_len the length of WORD, *@n the number
 * (decimal, @min to @max).  -EINVAL when it is not so.
 */
int ml_command_word_number(const char *arg, size_t *word_len, unsigned int *n,
			   unsigned int min, unsigned int max);

#endif
