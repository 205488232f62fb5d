// SPDX-License-Identifier: GPL-2.0
/*
 * argwidth.c - argument rules compared the way the kernel reads the
 * arguments.  A system call's register is 64 bits, but the kernel casts
 * it to the type its prototype declares (SYSCALL_DEFINEn): socket's
 * family is an int, so socket((1 << 32) | AF_NETLINK, ...) makes an
 * AF_NETLINK socket.  libseccomp (and so crun: libseccomp issue 383)
 * compares all 64 bits, and a rule on AF_NETLINK does not see it.
 *
 * So each comparison on an argument narrower than 64 bits (argwidths.h,
 * generated from the kernel's prototypes) becomes comparisons of its low
 * bits alone, with libseccomp's masked equality, which can say "these
 * bits equal those":
 *
 *   EQ v          one: (arg & low) == v
 *   MASKED_EQ m v one: (arg & m & low) == v
 *   NE v          one per bit: (arg & bit) != (v & bit), for each bit
 *   LT, LE v      one per 1 bit of v: the bits above it equal v's, it is 0
 *   GT, GE v      one per 0 bit of v: the bits above it equal v's, it is 1
 *
 * (the terms of one comparison are or-ed, as rules of their own; the
 * comparisons of a rule are and-ed, so a rule becomes the product).  A
 * value that does not fit the argument (and is not a negative number
 * sign-extended) is refused: the kernel could never see it.
 */
#define _GNU_SOURCE
#include "util/util.h"
#include "seccomp/profile.h"

#include <stdlib.h>
#include <string.h>

#include "seccomp/argwidths.h"

static int by_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct arg_widths *)elem)->name);
}

unsigned int ml_arg_width(const char *name, unsigned int arg)
{
	const struct arg_widths *w;

	w = bsearch(name, arg_widths, ML_ARRAY_SIZE(arg_widths),
		    sizeof(arg_widths[0]), by_name);
	if (!w || arg >= strlen(w->widths))
		return 64;
	switch (w->widths[arg]) {
	case 'b':
		return 8;
	case 'h':
		return 16;
	case 'w':
		return 32;
	default:
		return 64;
	}
}

/* One argument's masked comparisons; "always" is a term with mask 0. */
struct terms {
	size_t n;
	struct scmp_arg_cmp t[64];
};

static void term(struct terms *ts, unsigned int arg, uint64_t mask,
		 uint64_t value)
{
	ts->t[ts->n++] = (struct scmp_arg_cmp){ .arg = arg,
						.op = SCMP_CMP_MASKED_EQ,
						.datum_a = mask,
						.datum_b = value & mask };
}

/* x < v on width bits: for each 1 bit of v, the bits above equal, it 0 */
static void below(struct terms *ts, unsigned int arg, unsigned int width,
		  uint64_t low, uint64_t v)
{
	for (unsigned int b = width; b-- > 0;)
		if (v >> b & 1)
			term(ts, arg, low & ~((1ULL << b) - 1),
			     v & ~(1ULL << b));
}

/* x > v on width bits: for each 0 bit of v, the bits above equal, it 1 */
static void above(struct terms *ts, unsigned int arg, unsigned int width,
		  uint64_t low, uint64_t v)
{
	for (unsigned int b = width; b-- > 0;)
		if (!(v >> b & 1))
			term(ts, arg, low & ~((1ULL << b) - 1),
			     v | 1ULL << b);
}

/* v as the kernel could see it in width bits; false if it cannot */
static bool fits(uint64_t v, unsigned int width, uint64_t *out)
{
	uint64_t low = (1ULL << width) - 1;

	*out = v & low;
	/* unsigned, or a negative number sign-extended to 64 bits */
	return v <= low ||
	       ((int64_t)v < 0 && (int64_t)v >= -(int64_t)(1ULL << (width - 1)));
}

static int expand_one(const char *name, const struct scmp_arg_cmp *c,
		      struct terms *ts, char *err, size_t len)
{
	unsigned int w = ml_arg_width(name, c->arg);
	uint64_t low = (1ULL << (w & 63)) - 1, v, m;

	ts->n = 0;
	if (w == 64) {
		ts->t[ts->n++] = *c;
		return 0;
	}
	if (!fits(c->op == SCMP_CMP_MASKED_EQ ? c->datum_b : c->datum_a, w,
		  &v))
		return ml_errorf(err, len,
				 "%s's argument %u is %u bits wide in the kernel: the value %llu does not fit (the kernel reads only the low %u bits)",
				 name, c->arg, w,
				 (unsigned long long)(c->op == SCMP_CMP_MASKED_EQ ?
							      c->datum_b :
							      c->datum_a),
				 w);
	switch (c->op) {
	case SCMP_CMP_EQ:
		term(ts, c->arg, low, v);
		break;
	case SCMP_CMP_MASKED_EQ:
		m = c->datum_a & low;
		if (!(v & ~m))	/* else it never matches */
			term(ts, c->arg, m, v);
		break;
	case SCMP_CMP_NE:
		for (unsigned int b = 0; b < w; b++)
			term(ts, c->arg, 1ULL << b, ~v);
		break;
	case SCMP_CMP_LT:
		below(ts, c->arg, w, low, v);
		break;
	case SCMP_CMP_LE:
		if (v == low)
			term(ts, c->arg, 0, 0);
		else
			below(ts, c->arg, w, low, v + 1);
		break;
	case SCMP_CMP_GT:
		above(ts, c->arg, w, low, v);
		break;
	case SCMP_CMP_GE:
		if (!v)
			term(ts, c->arg, 0, 0);
		else
			above(ts, c->arg, w, low, v - 1);
		break;
	default:
		return ml_errorf(err, len, "unknown comparison");
	}
	return 0;
}

/* Appends rule r (n comparisons) to out, dropping "always" terms. */
static int emit(const struct scmp_arg_cmp *r, unsigned int n,
		struct ml_arg_rule *out, size_t max, size_t *count)
{
	struct ml_arg_rule *o;

	if (*count == max)
		return -1;
	o = &out[(*count)++];
	o->n = 0;
	for (unsigned int i = 0; i < n; i++)
		if (!(r[i].op == SCMP_CMP_MASKED_EQ && !r[i].datum_a))
			o->cmp[o->n++] = r[i];
	return 0;
}

int ml_arg_rules(const char *name, const struct scmp_arg_cmp *cmp,
		 unsigned int n, bool split, struct ml_arg_rule *out,
		 size_t max, char *err, size_t len)
{
	static struct terms ts[6];
	struct scmp_arg_cmp r[6] = { { 0 } };
	size_t idx[6] = { 0 }, count = 0;
	unsigned int k;

	for (k = 0; k < n; k++)
		if (expand_one(name, &cmp[k], &ts[k], err, len))
			return -1;
	if (!n)
		return emit(r, 0, out, max, &count) ? -1 : 1;
	if (split) {
		/* crun: each comparison a rule of its own (or) */
		for (k = 0; k < n; k++)
			for (size_t i = 0; i < ts[k].n; i++)
				if (emit(&ts[k].t[i], 1, out, max, &count))
					goto too_many;
		return (int)count;
	}
	for (k = 0; k < n; k++)
		if (!ts[k].n)
			return 0;	/* one comparison never holds */
	/* the product: every choice of one term per comparison (and) */
	for (;;) {
		for (k = 0; k < n; k++)
			r[k] = ts[k].t[idx[k]];
		if (emit(r, n, out, max, &count))
			goto too_many;
		for (k = 0; k < n && ++idx[k] == ts[k].n; k++)
			idx[k] = 0;
		if (k == n)
			return (int)count;
	}
too_many:
	return ml_errorf(err, len,
			 "its comparisons on narrow arguments of %s make more than %zu rules: compare one argument with NE, LT, LE, GT or GE at most, or use SCMP_CMP_EQ or SCMP_CMP_MASKED_EQ",
			 name, max);
}
