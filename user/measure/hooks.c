// SPDX-License-Identifier: GPL-2.0
/*
 * hooks.c - how the library calls a figure's hooks, and what a hook calls
 * to say why it skipped or failed (ml_skip, ml_error, ml_fail).  A hook
 * runs with its result "current", so that ml_fail() from deep inside a
 * figure's code knows which figure failed.
 */
#include "measure/measuring.h"
#include "measure/run.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The result whose hooks are running, for ml_fail(). */
static __thread struct ml_result *current;

void ml_fail(const char *fmt, ...)
{
	va_list ap;

	if (!current || current->failed)
		return;
	current->failed = true;
	va_start(ap, fmt);
	vsnprintf(current->fail_reason, sizeof(current->fail_reason), fmt, ap);
	va_end(ap);
}

void ml_hooks_for(struct ml_result *res)
{
	current = res;
}

static int say_why(struct ml_ctx *ctx, int rc, const char *fmt, va_list ap)
{
	vsnprintf(ctx->why, sizeof(ctx->why), fmt, ap);
	return rc;
}

int ml_skip(struct ml_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = say_why(ctx, ML_SKIP, fmt, ap);
	va_end(ap);
	return rc;
}

int ml_error(struct ml_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = say_why(ctx, -1, fmt, ap);
	va_end(ap);
	return rc;
}

int ml_skip_if(struct ml_ctx *ctx, const char *why)
{
	return why ? ml_skip(ctx, "%s", why) : 0;
}

int ml_error_if(struct ml_ctx *ctx, const char *why)
{
	return why ? ml_error(ctx, "%s", why) : 0;
}

void ml_ctx_init(struct ml_ctx *ctx, const struct ml_figure *fig,
		 struct ml_result *res)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->fig = fig;
	ctx->data = fig->data;
	ctx->res = res;
}

int ml_hook_call(ml_hook *hook, struct ml_ctx *ctx, enum ml_pass pass)
{
	struct ml_result *was = current;
	int rc;

	if (!hook)
		return 0;
	ctx->pass = pass;
	ctx->why[0] = '\0';
	current = ctx->res;
	rc = hook(ctx);
	current = was;
	/* setup's and verify's failures are worded by their callers */
	if (rc < 0 && hook != ctx->fig->setup && hook != ctx->fig->verify)
		ml_hook_failed(ctx, "");
	return rc;
}

void ml_hook_failed(struct ml_ctx *ctx, const char *prefix)
{
	struct ml_result *res = ctx->res;

	if (res->failed)
		return;
	res->failed = true;
	snprintf(res->fail_reason, sizeof(res->fail_reason), "%s%s", prefix,
		 ctx->why[0] ? ctx->why : "a hook failed without saying why");
}

