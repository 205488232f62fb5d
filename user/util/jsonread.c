// SPDX-License-Identifier: GPL-2.0
/*
 * jsonread.c - JSON from someone else, read as the standard says.
 *
 * Profiles come from anywhere and reports are what students hand in, so
 * neither is trusted.  json-c alone, even in its strict mode, accepts
 * single quotes, NaN and Infinity, "1." and 1e999, and saturates an
 * integer too large to 0xFFFFFFFFFFFFFFFF; its strings may hold a NUL
 * that C's string functions stop at ("read\u0000x" reads as "read").
 * Docker's decoder refuses all of these, so we do too: this walks the
 * text once by RFC 8259's grammar, naming the field at fault, and only
 * then lets json-c build the tree.  Time and stack are linear in the
 * text and the nesting depth bounded.
 */
#define _GNU_SOURCE
#include "util/util.h"
#include "util/jsonread.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A number literal longer than this is refused: strtod's cost grows. */
#define MAX_NUMBER_CHARS 64
#define STR_(x) #x
#define STR(x) STR_(x)

struct reader {
	const unsigned char *start, *p, *end;
	const char *what;
	char *err;
	size_t errlen;
	char path[200];	/* the field being read: syscalls[2].names[0] */
	size_t plen;
	int depth;
};

static int syntax(struct reader *r, const char *why)
{
	return ml_errorf(r->err, r->errlen, "%s: not valid JSON at byte %zu: %s",
			 r->what, (size_t)(r->p - r->start),
			 r->p < r->end ? why : "unexpected end of data");
}

static const char *field(const struct reader *r)
{
	return r->plen ? r->path : "the top level";
}

static void skip_blanks(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
				 *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static bool at(const struct reader *r, char c)
{
	return r->p < r->end && *r->p == (unsigned char)c;
}

/* Appends to the path (cut when long); returns the length to go back to. */
static size_t path_push(struct reader *r, const char *fmt, const void *s,
			size_t n)
{
	size_t old = r->plen;
	int w;

	if (s)	/* a key: its raw text, which the grammar keeps printable */
		w = snprintf(r->path + old, sizeof(r->path) - old, fmt,
			     (int)(n > 40 ? 40 : n), (const char *)s);
	else
		w = snprintf(r->path + old, sizeof(r->path) - old, fmt, n);
	if (w > 0)
		r->plen = old + (size_t)w < sizeof(r->path) ?
				  old + (size_t)w : sizeof(r->path) - 1;
	return old;
}

static void path_pop(struct reader *r, size_t old)
{
	r->plen = old;
	r->path[old] = '\0';
}

static int hex4(const unsigned char *p, unsigned int *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		const char *hex = "0123456789abcdef0123456789ABCDEF";
		const char *d = p[i] ? strchr(hex, p[i]) : NULL;

		if (!d)
			return -1;
		*v = *v << 4 | (unsigned int)((d - hex) & 15);
	}
	return 0;
}

/* One UTF-8 sequence at p (a byte >= 0x80): its length, or 0 if invalid. */
static size_t utf8_length(const unsigned char *p, const unsigned char *end)
{
	size_t n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc2 ? 2 : 0;
	unsigned int cp;

	if (!n || *p > 0xf4 || (size_t)(end - p) < n)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if (n == 3) {
		cp = (p[0] & 0x0fu) << 12 | (p[1] & 0x3fu) << 6 | (p[2] & 0x3f);
		if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
	} else if (n == 4) {
		cp = (p[0] & 0x07u) << 18 | (p[1] & 0x3fu) << 12 |
		     (p[2] & 0x3fu) << 6 | (p[3] & 0x3f);
		if (cp < 0x10000 || cp > 0x10ffff)
			return 0;
	}
	return n;
}

/* A string at r->p (on its '"'); leaves r->p after the closing quote. */
static int string(struct reader *r)
{
	r->p++;
	while (r->p < r->end && *r->p != '"') {
		unsigned int u, low;
		size_t n;

		if (*r->p < 0x20)
			return syntax(r, "a control character in a string (escape it)");
		if (*r->p >= 0x80) {
			n = utf8_length(r->p, r->end);
			if (!n)
				return syntax(r, "not UTF-8");
			r->p += n;
			continue;
		}
		if (*r->p != '\\') {
			r->p++;
			continue;
		}
		if (r->end - r->p < 2)
			break;
		if (strchr("\"\\/bfnrt", r->p[1]) && r->p[1]) {
			r->p += 2;
			continue;
		}
		if (r->p[1] != 'u' || r->end - r->p < 6 || hex4(r->p + 2, &u))
			return syntax(r, "a bad escape in a string");
		if (!u)
			return ml_errorf(r->err, r->errlen,
					 "%s: %s: a string with NUL (\\u0000)",
					 r->what, field(r));
		if (u >= 0xdc00 && u <= 0xdfff)
			return syntax(r, "an unpaired surrogate (\\uDC00 to \\uDFFF)");
		if (u >= 0xd800 && u <= 0xdbff &&
		    (r->end - r->p < 12 || r->p[6] != '\\' || r->p[7] != 'u' ||
		     hex4(r->p + 8, &low) || low < 0xdc00 || low > 0xdfff))
			return syntax(r, "an unpaired surrogate (\\uD800 to \\uDBFF)");
		r->p += u >= 0xd800 && u <= 0xdbff ? 12 : 6;
	}
	if (!at(r, '"'))
		return syntax(r, "unexpected end of data in a string");
	r->p++;
	return 0;
}

static size_t digits(struct reader *r)
{
	const unsigned char *s = r->p;

	while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
		r->p++;
	return (size_t)(r->p - s);
}

/*
 * A number as the grammar says; an integer must fit int64 or uint64 (json-c
 * would saturate it), any other must be a finite double.
 */
static int number(struct reader *r)
{
	static const char max_u64[] = "18446744073709551615";
	static const char min_i64[] = "9223372036854775808";
	const unsigned char *s = r->p;
	bool neg = at(r, '-'), integer = true;
	char text[MAX_NUMBER_CHARS + 1];
	const unsigned char *d;
	size_t nd, len;

	r->p += neg;
	d = r->p;
	nd = digits(r);
	if (!nd)
		return syntax(r, "a number without digits");
	if (*d == '0' && nd > 1) {
		r->p = d;
		return syntax(r, "a number with a leading zero");
	}
	if (at(r, '.')) {
		r->p++;
		integer = false;
		if (!digits(r))
			return syntax(r, "no digit after the decimal point");
	}
	if (at(r, 'e') || at(r, 'E')) {
		r->p++;
		integer = false;
		if (at(r, '+') || at(r, '-'))
			r->p++;
		if (!digits(r))
			return syntax(r, "no digit in the exponent");
	}
	len = (size_t)(r->p - s);
	if (len > MAX_NUMBER_CHARS)
		return ml_errorf(r->err, r->errlen,
				 "%s: %s: a number of more than %d characters",
				 r->what, field(r), MAX_NUMBER_CHARS);
	memcpy(text, s, len);
	text[len] = '\0';
	if (integer) {
		const char *lim = neg ? min_i64 : max_u64;

		if (nd > strlen(lim) ||
		    (nd == strlen(lim) && memcmp(d, lim, nd) > 0))
			return ml_errorf(r->err, r->errlen,
					 "%s: %s: %s is out of range (integers are %s to %s)",
					 r->what, field(r), text,
					 "-9223372036854775808", max_u64);
	} else if (!isfinite(strtod(text, NULL))) {
		return ml_errorf(r->err, r->errlen,
				 "%s: %s: %s is out of range (not a finite number)",
				 r->what, field(r), text);
	}
	return 0;
}

static int value(struct reader *r);

static int literal(struct reader *r, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n))
		return syntax(r, "unexpected character");
	r->p += n;
	return 0;
}

/* An object or an array, its members each under its own path. */
static int container(struct reader *r)
{
	bool object = at(r, '{');
	char close = object ? '}' : ']';
	size_t i = 0;

	if (++r->depth > ML_JSON_MAX_DEPTH)
		return syntax(r, "nested deeper than " STR(ML_JSON_MAX_DEPTH));
	r->p++;
	skip_blanks(r);
	if (at(r, close)) {
		r->p++;
		r->depth--;
		return 0;
	}
	for (;; i++) {
		size_t old;

		if (object) {
			const unsigned char *key = r->p + 1;

			if (!at(r, '"'))
				return syntax(r, i ? "a trailing comma, or a key not in double quotes" :
						     "a key not in double quotes");
			if (string(r))
				return -1;
			old = path_push(r, r->plen ? ".%.*s" : "%.*s", key,
					(size_t)(r->p - 1 - key));
			skip_blanks(r);
			if (!at(r, ':'))
				return syntax(r, "':' expected after a key");
			r->p++;
		} else {
			old = path_push(r, "[%zu]", NULL, i);
		}
		skip_blanks(r);
		if (!object && at(r, ']'))
			return syntax(r, "a trailing comma");
		if (value(r))
			return -1;
		path_pop(r, old);
		skip_blanks(r);
		if (at(r, close))
			break;
		if (!at(r, ','))
			return syntax(r, object ? "',' or '}' expected" :
						  "',' or ']' expected");
		r->p++;
		skip_blanks(r);
	}
	r->p++;
	r->depth--;
	return 0;
}

static int value(struct reader *r)
{
	if (r->p >= r->end)
		return syntax(r, "unexpected end of data");
	switch (*r->p) {
	case '{':
	case '[':
		return container(r);
	case '"':
		return string(r);
	case 't':
		return literal(r, "true");
	case 'f':
		return literal(r, "false");
	case 'n':
		return literal(r, "null");
	default:
		if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9'))
			return number(r);
		return syntax(r, *r->p == '\'' ? "single quotes (JSON has double)" :
				 *r->p == 'N' || *r->p == 'I' ?
						 "NaN and Infinity are not JSON" :
						 "unexpected character");
	}
}

struct json_object *ml_json_read(const char *text, size_t len,
				 const char *what, char *err, size_t errlen)
{
	struct reader r = { .start = (const unsigned char *)text,
			    .p = (const unsigned char *)text,
			    .end = (const unsigned char *)text + len,
			    .what = what, .err = err, .errlen = errlen };
	struct json_tokener *tok;
	struct json_object *root;

	if (len > (size_t)1 << 30) {
		ml_errorf(err, errlen, "%s: over 1 GiB", what);
		return NULL;
	}
	skip_blanks(&r);
	if (value(&r))
		return NULL;
	skip_blanks(&r);
	if (r.p != r.end) {
		syntax(&r, "data after the JSON value");
		return NULL;
	}
	/* the grammar held: json-c builds the tree (and would say why not) */
	tok = json_tokener_new_ex(ML_JSON_MAX_DEPTH + 1);
	if (!tok) {
		ml_errorf(err, errlen, "%s: out of memory", what);
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
					    JSON_TOKENER_VALIDATE_UTF8);
	/* with the NUL after it: the tokener knows the text ended */
	root = json_tokener_parse_ex(tok, text, (int)len + 1);
	if (!root || json_tokener_get_error(tok) != json_tokener_success) {
		ml_errorf(err, errlen, "%s: not valid JSON at byte %zu: %s",
			  what, json_tokener_get_parse_end(tok),
			  json_tokener_error_desc(json_tokener_get_error(tok)));
		json_object_put(root);
		root = NULL;
	}
	json_tokener_free(tok);
	return root;
}

int ml_json_has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f ||
		    (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return 1;
	return 0;
}

int ml_json_read_file(const char *path, size_t max, char **text, size_t *len)
{
	FILE *f = fopen(path, "re");
	size_t cap = 4096, n = 0, got;
	char *buf = NULL, *t;
	bool oom = false;

	*text = NULL;
	*len = 0;
	if (!f)
		return -1;
	do {
		if (n == cap || !buf) {
			cap = buf ? cap * 2 : cap;
			t = realloc(buf, cap + 1);
			if (!t) {
				oom = true;	/* never a text cut short */
				break;
			}
			buf = t;
		}
		errno = 0;
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got && n <= max);
	if (oom || ferror(f) || n > max) {
		int e = oom ? ENOMEM : n > max ? EFBIG : errno ? errno : EIO;

		fclose(f);
		free(buf);
		errno = e;
		return -1;
	}
	fclose(f);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}
