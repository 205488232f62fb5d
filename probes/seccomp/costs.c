// SPDX-License-Identifier: GPL-2.0
/*
 * probes/seccomp/costs.c - what filtering costs: the worker children
 * that installed their filters once and run getppid on request, one per
 * cost figure, timed side by side.  They check the notes' claims on how
 * rules, the binary tree and stacked filters change a call's price.
 */
#define _GNU_SOURCE
#include "seccomp_lab.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NEVER 0x5eccull			/* an argument no caller passes */

/* ---- what filtering costs -------------------------------------------------- */

/*
 * A filter cannot be taken off again, so each cost figure has a worker
 * child that installed its filters once and runs getppid on request: one
 * batch is "run n" down a pipe and one byte back.  The parent times that,
 * and the pipe's round trip is the empty batch the library subtracts.
 * All the workers wait side by side, so the figures share rounds with
 * each other and with the parent's own null syscall, and every added cost
 * is a difference taken per round, with its own interval.
 */
/*
 * Decoy rules on other real syscalls, each on an argument value nobody
 * passes: they change nothing but the length of the program.
 */
static int add_decoys(scmp_filter_ctx ctx, int rules)
{
	int nrs[512], n = 0, rc = 0;

	for (int nr = 0; nr < 512 && n < 512; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE,
							      nr);

		if (name && nr != SYS_getppid)
			nrs[n++] = nr;
		free(name);
	}
	for (int i = 0; i < rules && !rc && n; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nrs[i % n], 1,
				      SCMP_A0(SCMP_CMP_EQ,
					      NEVER + (uint64_t)(i / n), 0));
	return rc;
}

static int load_cost_filter(const struct cost *c)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc = 0;

	if (!ctx)
		return -1;
	if (c->tree)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (!rc && c->arg_rule)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
				      SCMP_SYS(getppid), 1,
				      SCMP_A0(SCMP_CMP_EQ, NEVER, 0));
	if (!rc)
		rc = add_decoys(ctx, c->rules);
	if (!rc)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc;
}

/* The worker: filters in, then "run n" and a byte back, until killed. */
static void cost_worker(const struct cost *c, int in, int out)
{
	uint64_t n;
	char done = 1;

	for (int f = 0; f < c->filters; f++)
		if (load_cost_filter(c))
			_exit(1);
	if (write(out, &done, 1) != 1)
		_exit(1);
	while (read(in, &n, sizeof(n)) == sizeof(n)) {
		for (uint64_t i = 0; i < n; i++)
			call_getppid();
		if (write(out, &done, 1) != 1)
			_exit(1);
	}
	_exit(0);
}

static void cost_stop(struct cost *c)
{
	int status;

	if (c->pid <= 0)
		return;
	/* not EOF: the workers forked after this one hold our pipe too */
	kill(c->pid, SIGKILL);
	close(c->to);
	close(c->from);
	ml_child_reap(c->pid, CHILD_TIMEOUT_MS / 1000.0, &status);
	c->pid = 0;
}

static const char *cost_start(struct cost *c)
{
	int down[2], up[2];
	char ready;

	if (pipe2(down, O_CLOEXEC))
		return "cannot make a pipe";
	if (pipe2(up, O_CLOEXEC)) {
		close(down[0]);
		close(down[1]);
		return "cannot make a pipe";
	}
	c->pid = ml_child_fork(-1);
	if (c->pid == 0) {
		close(down[1]);
		close(up[0]);
		cost_worker(c, down[0], up[1]);
	}
	close(down[0]);
	close(up[1]);
	c->to = down[1];
	c->from = up[0];
	if (c->pid < 0) {
		close(c->to);
		close(c->from);
		c->pid = 0;
		return "cannot fork the filtered worker";
	}
	if (read(c->from, &ready, 1) != 1) {
		cost_stop(c);
		return "the worker could not load its filters";
	}
	return NULL;
}

/* The hooks of every cost figure; ctx->data is its struct cost. */
int cost_setup(struct ml_ctx *ctx)
{
	return ml_skip_if(ctx, cost_start(ctx->data));
}

int cost_teardown(struct ml_ctx *ctx)
{
	cost_stop(ctx->data);
	return 0;
}

int cost_run(struct ml_ctx *ctx)
{
	struct cost *c = ctx->data;
	uint64_t n = ctx->n;
	char done;

	if (write(c->to, &n, sizeof(n)) != sizeof(n) ||
	    read(c->from, &done, 1) != 1)
		return ml_error(ctx, "the filtered worker (pid %d) is gone",
				(int)c->pid);
	return 0;
}
