// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_command.c - libFuzzer over the module's command parser: the very
 * kmod/command.c that modelab.ko runs on each write to /proc/modelab,
 * built here against the few kernel helpers of kstub/.  The input is one
 * write: its first ML_CMD_MAX bytes reach the parser, as in procfs.c.
 */
#include "fuzz.h"
#include "command.h"

#include <string.h>

#define ML_CMD_MAX 64		/* kmod/procfs.c */

static const char *const words[] = { "watch", "watch-tree", "reset",
				     "count", "raise" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[ML_CMD_MAX + 1], *word, *arg;
	size_t len = size < ML_CMD_MAX ? size : ML_CMD_MAX, wlen;
	unsigned int n;

	memcpy(buf, data, len);
	buf[len] = '\0';
	if (ml_command_split(buf, len, size, &word, &arg))
		return 0;
	/* what the split gives is inside the buffer, and trimmed */
	if (word < buf || word > buf + len || (arg && (arg < buf ||
						       arg > buf + len)))
		fuzz_fail("command", "a word outside the write", buf);
	if (*word == ' ' || (arg && (*arg == ' ' || *arg == '\t')))
		fuzz_fail("command", "not trimmed", word);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(word, words[i]) && !strcmp(word, "raise") &&
		    !ml_command_word_number(arg, &wlen, &n, 1, 100000) &&
		    (n < 1 || n > 100000 || wlen > strlen(arg)))
			fuzz_fail("command", "raise's number out of range", arg);
	return 0;
}
