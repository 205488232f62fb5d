// SPDX-License-Identifier: GPL-2.0
/*
 * command.c - one write to /proc/modelab checked and split into its
 * command word and argument, and "KIND N" split for raise.  Pure: no
 * locks, no tasks, no user memory, so the same file builds in user space
 * against a few stubs and is fuzzed there (tests/fuzz/fuzz_command.c).
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "command.h"

int ml_command_split(char *buf, size_t len, size_t count, char **word,
		     char **arg)
{
	char *line;

	/* Empty, too long, or an embedded NUL that would hide trailing junk. */
	if (!len || count > len || strlen(buf) != len)
		return -EINVAL;
	line = strim(buf);
	*arg = line;
	*word = strsep(arg, " \t");
	if (*arg)
		*arg = skip_spaces(*arg);
	return 0;
}

int ml_command_word_number(const char *arg, size_t *word_len, unsigned int *n,
			   unsigned int min, unsigned int max)
{
	if (!arg)
		return -EINVAL;
	*word_len = strcspn(arg, " \t");
	if (kstrtouint(skip_spaces(arg + *word_len), 10, n) || *n < min ||
	    *n > max)
		return -EINVAL;
	return 0;
}
