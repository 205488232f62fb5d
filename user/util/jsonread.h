/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jsonread.h - untrusted JSON (a profile, a report a student hands in)
 * read strictly and in bounded time: jsonread.c.
 */
#ifndef MODELAB_JSONREAD_H
#define MODELAB_JSONREAD_H

#include <json-c/json.h>
#include <stddef.h>

/* Nesting deeper than this is refused (json-c's own default is 32). */
#define ML_JSON_MAX_DEPTH 32

/*
 * Parses text (len bytes, no NUL among them) as RFC 8259 says and nothing
 * more: one value and only whitespace after it, no trailing commas, no
 * single quotes, comments, NaN or Infinity, valid UTF-8; numbers within
 * what a double (finite) or a 64-bit integer holds, never saturated;
 * strings without "\u0000" or unpaired surrogates.  Returns the tree, or
 * NULL with one line in err: "WHAT: not valid JSON at byte N: ..." or
 * "WHAT: FIELD: ..." naming the field (syscalls[2].args[0].value).
 */
struct json_object *ml_json_read(const char *text, size_t len,
				 const char *what, char *err, size_t errlen);

/*
 * Reads the file at path whole into *text (NUL after it, free() it), its
 * length in *len; at most max bytes: past that -1 with errno EFBIG, read
 * no further.  -1 with errno on any other failure.
 */
int ml_json_read_file(const char *path, size_t max, char **text, size_t *len);

/*
 * Whether s holds a control character: C0, DEL, or C1 (U+0080 to U+009F,
 * which some terminals obey as they obey ESC).  A name must not.
 */
int ml_json_has_control(const char *s);

#endif
