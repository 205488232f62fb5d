// SPDX-License-Identifier: GPL-2.0
/*
 * result.c - what a figure adds to its own result: a demonstration's
 * notes, extra figures beyond the distribution, and how a claim came out.
 */
#include "modelab.h"

#include <stdarg.h>
#include <string.h>

void ml_result_note(struct ml_result *res, const char *fmt, ...)
{
	size_t len = strlen(res->notes);
	va_list ap;

	if (len + 2 >= sizeof(res->notes))
		return;
	va_start(ap, fmt);
	vsnprintf(res->notes + len, sizeof(res->notes) - len - 1, fmt, ap);
	va_end(ap);
	len = strlen(res->notes);
	res->notes[len] = '\n';
	res->notes[len + 1] = '\0';
}

void ml_result_extra(struct ml_result *res, const char *key,
		     const char *label, double value)
{
	struct ml_extra *e;

	if (res->nextra == ML_MAX_EXTRA)
		return;
	e = &res->extra[res->nextra++];
	snprintf(e->key, sizeof(e->key), "%s", key);
	snprintf(e->label, sizeof(e->label), "%s", label);
	e->value = value;
}

const char *ml_claim_outcome_name(const struct ml_result *res)
{
	switch (res->claim_outcome) {
	case ML_CLAIM_HELD:
		return "held";
	case ML_CLAIM_NOT_HELD:
		return "not held";
	case ML_CLAIM_UNDECIDED:
		return res->pair_ratio.coverage < 0.95 ?
			       "undecided (too few rounds for a 95% interval)" :
			       "undecided (no difference detectable at 95%)";
	default:
		return "untested";
	}
}
