/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz.h - what every harness in tests/fuzz/ checks the same way: an
 * error is one line of printable text; a failed check aborts, which
 * libFuzzer reports with the input that did it.
 */
#ifndef MODELAB_FUZZ_H
#define MODELAB_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void fuzz_fail(const char *what, const char *why,
			     const char *text)
{
	fprintf(stderr, "fuzz %s: %s: '%s'\n", what, why, text);
	abort();
}

/* err: not empty, no control character (ml_errorf escapes them) */
static inline void fuzz_one_line(const char *what, const char *err)
{
	if (!err[0])
		fuzz_fail(what, "refused without a message", err);
	for (const unsigned char *p = (const unsigned char *)err; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			fuzz_fail(what, "a control character in the message", err);
}

#endif
