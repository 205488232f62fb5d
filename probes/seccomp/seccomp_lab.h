/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probes/seccomp/seccomp_lab.h - what the files of the seccomp family
 * share.  The family (bin/modelab-seccomp, `modelab run seccomp`) shows
 * what a seccomp filter does to a call and what it costs: see seccomp.c.
 * (Not seccomp.h: that name is libseccomp's.)
 */
#ifndef PROBES_SECCOMP_LAB_H
#define PROBES_SECCOMP_LAB_H

#include "modelab.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define CHILD_TIMEOUT_MS 10000

/* ---- child.c: running a test in a child, the filters -------------------- */

/* What a child tells its parent about the forbidden call it made. */
struct report {
	long ret;
	int err;
	int trapped;		/* SIGSYS handler ran */
	int trap_nr;		/* si_syscall */
	unsigned int trap_arch;	/* si_arch */
	int trap_code;		/* si_code */
};

struct outcome {
	bool reported;		/* the child wrote its report */
	bool killed;
	int sig;		/* when killed */
	bool exited;
	int code;		/* exit status, when exited */
	struct report r;
};

enum action { A_ALLOW, A_LOG, A_TRACE, A_ERRNO, A_TRAP, A_KILL, A_NOTIFY };

extern const char *const sc_action_names[];

long call_getppid(void);
void sc_collect(pid_t pid, int fd, struct outcome *o);
void sc_in_child(void (*fn)(void *, struct report *), void *arg,
		 struct outcome *o);
/* The call a filter judges, its result in the report. */
void report_getppid(struct report *r);
int load_getppid_filter(enum action a);
enum action sc_classify(const struct outcome *o);

/* ---- demos.c: the demonstrations ---------------------------------------- */

const char *demo_actions(struct ml_result *res);
const char *demo_notify(struct ml_result *res);
const char *demo_precedence(struct ml_result *res);
const char *demo_denied(struct ml_result *res);
int sc_setup_module(struct ml_ctx *ctx);

/* ---- doors.c, uring.c: the doors a deny-list leaves open --------------- */

const char *demo_doors(struct ml_result *res);

enum sc_uring_op { SC_URING_OPENAT, SC_URING_OPENAT2, SC_URING_SOCKET };

long sc_uring(enum sc_uring_op op, const char *path, const char **stage);

/* ---- costs.c: what filtering costs --------------------------------------- */

#define COST_MIN_BATCH 4096	/* ops: the round trip is noise beside them */

struct cost {
	int rules;		/* decoy rules on other syscalls */
	bool tree;		/* SCMP_FLTATR_CTL_OPTIMIZE 2 */
	int filters;		/* stacked filters */
	bool arg_rule;		/* a rule on getppid's argument */
	/* the worker, while the figure is set up */
	pid_t pid;
	int to, from;
};

int cost_setup(struct ml_ctx *ctx);
int cost_run(struct ml_ctx *ctx);
int cost_teardown(struct ml_ctx *ctx);

#endif /* PROBES_SECCOMP_LAB_H */
