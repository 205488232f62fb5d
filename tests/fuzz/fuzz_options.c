// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_options.c - libFuzzer over the command line (options.c): the
 * input is argv, its words split at NUL bytes; the first byte chooses
 * modelab or a probe's own program.  Accepted, or one printable line.
 */
#include "fuzz.h"
#include "cli/cli.h"
#include "cli/help.h"

#include <string.h>

#define MAX_ARGS 24

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy, *argv[MAX_ARGS + 2], err[256];
	struct ml_options o;
	int argc = 1;

	if (!size)
		return 0;
	copy = malloc(size);
	memcpy(copy, data + 1, size - 1);
	copy[size - 1] = '\0';
	argv[0] = (char *)(data[0] & 1 ? "modelab-syscall" : "modelab");
	for (char *p = copy; p < copy + size - 1 && argc <= MAX_ARGS;
	     p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	static FILE *null;

	if (!null)
		null = fopen("/dev/null", "w");
	if (ml_parse_options(argc, argv, data[0] & 1, &o, err, sizeof(err)))
		fuzz_one_line("options", err);
	else if (o.command == ML_CMD_HELP && o.nselect &&
		 ml_command_help(null, o.select[0]))
		fuzz_fail("options", "help refused the topic it accepted",
			  o.select[0]);
	free(copy);
	return 0;
}
