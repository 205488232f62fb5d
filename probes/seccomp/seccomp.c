// SPDX-License-Identifier: GPL-2.0
/*
 * probes/seccomp/seccomp.c - how the kernel restricts what a process may ask for.
 *
 * THE MECHANISM
 *   seccomp's filter mode hangs a small classic-BPF program on the syscall
 *   entry path.  On every system call the kernel runs it over struct
 *   seccomp_data (the syscall number, the architecture, the instruction
 *   pointer, six arguments) and it answers with an action: ALLOW, LOG
 *   (allow, and log it), ERRNO (skip the call, return an error), TRACE
 *   (hand it to a ptrace tracer; with none, -ENOSYS), TRAP (skip it, send
 *   SIGSYS), USER_NOTIF (hand it to a supervisor process), KILL_PROCESS.
 *   A filter can never be removed, only added to, and a process's filters
 *   are inherited across fork and exec: every test here runs in a child.
 *   libseccomp writes the BPF from rules.
 *
 * WHAT IS SHOWN (demonstrations: each claim checked, each outcome printed)
 *   actions          the same forbidden call, getppid, under every action.
 *   precedence       two stacked filters in both orders: the stronger
 *                    action wins, kill > trap > errno > trace > log > allow,
 *                    whatever the order of installation.
 *   doors            a deny-list leaks; every door below is tried in a
 *                    child under its filter and judged from outside
 *                    (went through, refused with an errno, killed by a
 *                    signal); a door this kernel lacks is skipped, with
 *                    the reason, after one try without any filter:
 *     open/openat/openat2  denying open leaves openat and openat2.
 *     clone3         denying fork, vfork and clone leaves clone3.
 *     execveat       denying execve leaves execveat (an fd with
 *                    AT_EMPTY_PATH, or a path).
 *     io_uring       IORING_OP_OPENAT, _OPENAT2 and _SOCKET run in the
 *                    kernel without passing the syscall table: a deny on
 *                    openat or socket never sees them, and neither does an
 *                    allow-list that allows io_uring_setup/io_uring_enter;
 *                    only an allow-list without io_uring_* stops them.
 *     int 0x80       the 32-bit table (getppid is 64 there): libseccomp
 *                    checks seccomp_data.arch first and kills a call from
 *                    an architecture the filter does not name.
 *     socketcall     i386 socketcall(SYS_SOCKET, args*) hides socket's
 *                    arguments behind a pointer: with x86 in the filter,
 *                    libseccomp turns a rule on socket's family into one on
 *                    socketcall's first argument alone, so a deny of
 *                    AF_INET refuses every family there, and an allow of
 *                    AF_UNIX lets AF_INET through.
 *     x32            numbers with 0x40000000 set: libseccomp's x86-64
 *                    filter kills them, even where the kernel has no x32
 *                    (ENOSYS without a filter; syscall.x32=y in the VM).
 *     the parent     the sandboxed command's parent is a door of its own: see
 *                    user/seccomp/sandbox.c.
 *                    An allow-list shuts every door nobody thought of.
 *   denied-enters-kernel  with modelab.ko: a call that a filter refuses
 *                    still entered kernel mode.  The module's sys_exit
 *                    tracepoint counts it leaving; its sys_enter
 *                    tracepoint never sees it, because seccomp runs first
 *                    and a refused call skips the rest of the entry work.
 *   (modelab sandbox --action notify prints each call it is handed as
 *   strace would, openat(AT_FDCWD, "/etc/hostname", O_RDONLY): strings
 *   read from the caller, then its notification id checked; user/seccomp/decode.c)
 *
 * WHAT IT COSTS (getppid in a worker child that carries the filters)
 *   no-filter, then filters with 10, 100 and 400 rules in libseccomp's
 *   default (linear) layout and as a binary tree (SCMP_FLTATR_CTL_OPTIMIZE
 *   2), 2, 4 and 8 stacked filters, and the kernel's action cache at work:
 *   a filter that always allows getppid (plain-allow) is never even run
 *   for it, while one rule that looks at getppid's argument (arg-rule)
 *   makes every getppid run the program.  Every timed filter but
 *   plain-allow carries that argument rule, so the program really runs.
 *   All the workers are measured in the same rounds, so each figure's
 *   added cost is a difference taken per round against the figure it is
 *   paired with (arg-rule against no-filter, 8 filters against one, a tree
 *   against the same rules in a line), with its 95% interval; the lesson's
 *   claims (the cache skips the program; eight filters cost more than
 *   one) are reported as held, not held or undecided, never assumed.
 */
#define _GNU_SOURCE
#include "seccomp_lab.h"

#define COST_FIGURE(fname, ...) \
	static struct cost cost_##fname = { __VA_ARGS__ };

COST_FIGURE(no_filter, .filters = 0)
COST_FIGURE(plain_allow, .filters = 1, .rules = 1)
COST_FIGURE(arg_rule, .filters = 1, .arg_rule = true)
COST_FIGURE(rules_10, .filters = 1, .rules = 10, .arg_rule = true)
COST_FIGURE(rules_100, .filters = 1, .rules = 100, .arg_rule = true)
COST_FIGURE(rules_400, .filters = 1, .rules = 400, .arg_rule = true)
COST_FIGURE(tree_10, .filters = 1, .rules = 10, .arg_rule = true,
	    .tree = true)
COST_FIGURE(tree_100, .filters = 1, .rules = 100, .arg_rule = true,
	    .tree = true)
COST_FIGURE(tree_400, .filters = 1, .rules = 400, .arg_rule = true,
	    .tree = true)
COST_FIGURE(stacked_2, .filters = 2, .arg_rule = true)
COST_FIGURE(stacked_4, .filters = 4, .arg_rule = true)
COST_FIGURE(stacked_8, .filters = 8, .arg_rule = true)

/*
 * A cost figure: its worker, the rounds it shares, and the figure its
 * added cost is taken against (and what the lesson claims of that).
 */
#define COST(fname, id, desc, against, claimed)                          \
	{ .name = id, .what = desc, .setup = cost_setup, .run = cost_run,     \
	  .teardown = cost_teardown, .data = &cost_##fname,                   \
	  .group = "cost", .min_batch = COST_MIN_BATCH, .in_child = true,     \
	  .pair_with = against, .claim = claimed }

static const struct ml_figure figures[] = {
	{ .name = "actions", .what = "getppid under every action",
	  .demonstrate = demo_actions },
	{ .name = "precedence",
	  .what = "two stacked filters, both orders: the stronger wins",
	  .demonstrate = demo_precedence },
	{ .name = "doors",
	  .what = "deny-lists leak through other doors; an allow-list does not",
	  .demonstrate = demo_doors },
	{ .name = "denied-enters-kernel",
	  .what = "a call refused by a filter still enters kernel mode",
	  .setup = sc_setup_module, .demonstrate = demo_denied },
	COST(no_filter, "null-no-filter", "getppid, no filter", NULL,
	     ML_CLAIM_NONE),
	COST(plain_allow, "null-plain-allow",
	     "a filter that always allows getppid: the action cache skips it",
	     "null-arg-rule", ML_CLAIM_CHEAPER),
	COST(arg_rule, "null-arg-rule",
	     "one rule on getppid's argument: the filter runs every call",
	     "null-no-filter", ML_CLAIM_DEARER),
	COST(rules_10, "null-10-rules-linear", "10 more rules, default layout",
	     "null-arg-rule", ML_CLAIM_NONE),
	COST(rules_100, "null-100-rules-linear",
	     "100 more rules, default layout", "null-arg-rule", ML_CLAIM_NONE),
	COST(rules_400, "null-400-rules-linear",
	     "400 more rules, default layout", "null-arg-rule",
	     ML_CLAIM_DEARER),
	COST(tree_10, "null-10-rules-tree", "10 more rules, binary tree",
	     "null-10-rules-linear", ML_CLAIM_NONE),
	COST(tree_100, "null-100-rules-tree", "100 more rules, binary tree",
	     "null-100-rules-linear", ML_CLAIM_NONE),
	COST(tree_400, "null-400-rules-tree", "400 more rules, binary tree",
	     "null-400-rules-linear", ML_CLAIM_NONE),
	COST(stacked_2, "null-2-filters", "2 stacked filters", "null-arg-rule",
	     ML_CLAIM_NONE),
	COST(stacked_4, "null-4-filters", "4 stacked filters", "null-arg-rule",
	     ML_CLAIM_NONE),
	COST(stacked_8, "null-8-filters", "8 stacked filters", "null-arg-rule",
	     ML_CLAIM_DEARER),
};

const struct ml_probe ml_probe_seccomp = {
	.name = "seccomp",
	.summary = "seccomp filters: every action, precedence, doors, cost",
	.figures = figures,
	.nfigures = ML_ARRAY_SIZE(figures),
	.order = 40,
};

ML_PROBE_MAIN(ml_probe_seccomp)
