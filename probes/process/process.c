// SPDX-License-Identifier: GPL-2.0
/*
 * probes/process/process.c - a process's life seen from kernel mode: fork,
 * exec, wait, zombies, orphans, daemons, and where its CPU time goes.
 *
 * THE TRANSITIONS
 *   Every step of a process's life is a system call, and the kernel does
 *   the work: fork() copies the caller's mm (its VMAs and, for private
 *   memory that has been touched, every page-table entry, made read-only
 *   for copy-on-write); exec() throws that mm away and builds a new one
 *   from a file; exit() frees everything but the task itself, which stays
 *   as a zombie holding its PID and exit status until the parent collects
 *   them with wait().  When a parent dies first, the kernel hands its
 *   children to a new parent: the nearest ancestor that declared itself a
 *   "subreaper" (prctl(PR_SET_CHILD_SUBREAPER)), else the init of the PID
 *   namespace.
 *
 * HOW IT IS TIMED (the costs: batches of n ops, see user/measure/measure.c)
 *   fork-wait-1m, -100m, -1g  fork(); the child _exit(0)s at once; the
 *                       parent waitpid()s.  The parent holds 1 MiB, 100 MiB
 *                       or 1 GiB of private memory, touched (THP off), set
 *                       up once by the figure: fork copies one page-table
 *                       entry per 4 KiB page of it, and the child's exit
 *                       tears them down again.  1 GiB is skipped, with the
 *                       reason, when MemAvailable or a memory cgroup cannot
 *                       hold it.
 *   vfork               vfork() + _exit(0) + waitpid(): no mm copied at all;
 *                       the parent sleeps until the child exits.
 *   posix-spawn         posix_spawn() of modelab-exit0 + waitpid().
 *   fork-exec           fork() + execve(modelab-exit0) + waitpid().
 *   thread-create       pthread_create() of an empty thread + pthread_join().
 *
 *   The exec'd program is modelab-exit0 (probes/helpers/exit0.c), found
 *   in $MODELAB_LIBEXEC when set, else beside the running program (the
 *   directory of /proc/self/exe), where make puts it, also in the static
 *   build the lab VM copies, else in ../libexec/modelab from there, where
 *   make install and the Debian package put it.  It is static and, on x86-64, has no libc at
 *   all: a _start that makes the exit system call.  So these figures are
 *   the exec itself, as lmbench's lat_proc exec times it with a minimal
 *   program, and not the loading, dynamic linking and start-up of modelab
 *   (over 1 MB, with libseccomp and json-c).  Without it both figures are
 *   skipped, naming the path looked for.
 *
 * THE DEMONSTRATIONS (each checked from outside, in /proc, by modelab)
 *   zombie      a child exits unwaited: Z in /proc/PID/stat, its PID still
 *               taken; SIGKILL changes nothing; wait() reaps it; so does
 *               the parent's death (then the new parent must wait);
 *               SIG_IGN for SIGCHLD or SA_NOCLDWAIT means no zombie at all.
 *   orphan      the parent exits first: the child's ppid changes to the
 *               subreaper (modelab) and, in a new PID namespace, to its
 *               init (PID 1): printed before and after.
 *   daemon      fork, setsid, fork, chdir /, umask 0, every descriptor
 *               closed, stdio on /dev/null; then its session, process
 *               group, terminal, parent, directory, umask and descriptors
 *               read from /proc; it logs to a file and stops on SIGTERM.
 *   wait        exact statuses for exit, signal, stop, continue; WNOHANG
 *               shows what would block.
 *   user-system-time  the user and kernel share of a pure computation and
 *               of a loop of null syscalls: getrusage() inside, the utime
 *               and stime fields of /proc/PID/stat outside.
 *
 *   modelab is a subreaper during zombie, orphan and daemon: the processes
 *   it creates two levels down come back to it when their parent dies, so
 *   it can wait for them and nothing is left behind.  Every child is named
 *   (prctl(PR_SET_NAME), "modelab-zombie", "modelab-orphan"...) so the
 *   tests can find leftovers, blocks on a pipe only modelab writes (EOF
 *   when modelab dies), and dies with modelab (PR_SET_PDEATHSIG) unless
 *   outliving its parent is the point.  Children come from ml_child_fork
 *   and the grandchildren modelab is told of are adopted
 *   (ml_children_adopt): on SIGINT, SIGTERM or SIGHUP user/proc/cleanup.c
 *   kills and reaps them all, removes the daemon's log and dies of the
 *   same signal.  Teardown does the same on every path.
 *   MODELAB_HOLD=FIGURE stops that demonstration for 60 s at its fullest
 *   moment (every child alive) so the tests can interrupt it there.
 *
 * WHAT TO EXPECT, AND WHY
 *   fork grows with the memory the parent holds: about one page-table
 *   entry copied (and torn down by the child's exit) per 4 KiB touched, so
 *   1 GiB costs milliseconds where 1 MiB costs tens of microseconds.  vfork
 *   and posix_spawn copy nothing and stay flat; exec costs what loading a
 *   program costs.  A thread is a clone() that shares the mm: the cheapest.
 *   A zombie is not a process that needs killing: it has already exited;
 *   only its parent's wait() (or the kernel, when SIGCHLD is ignored) can
 *   remove it.  A null-syscall loop spends most of its time in kernel
 *   mode; a computation spends almost none there.
 */
#define _GNU_SOURCE
#include "process.h"

static const struct ml_figure figures[] = {
	{ .name = "fork-wait-1m",
	  .what = "fork + waitpid, parent holding 1 MiB touched",
	  .run = run_fork_wait, .setup = setup_fork_1m,
	  .teardown = teardown_costs, .prepare = proc_prepare_count,
	  .verify = proc_verify_count, .witness_ops = 200 },
	{ .name = "fork-wait-100m",
	  .what = "fork + waitpid, parent holding 100 MiB touched",
	  .run = run_fork_wait, .setup = setup_fork_100m,
	  .teardown = teardown_costs, .prepare = proc_prepare_count,
	  .verify = proc_verify_count, .max_batch = 4, .witness_ops = 20 },
	{ .name = "fork-wait-1g",
	  .what = "fork + waitpid, parent holding 1 GiB touched",
	  .run = run_fork_wait, .setup = setup_fork_1g,
	  .teardown = teardown_costs, .prepare = proc_prepare_count,
	  .verify = proc_verify_count, .max_batch = 1, .witness_ops = 2 },
	{ .name = "vfork", .what = "vfork + _exit + waitpid: no mm copied",
	  .run = run_vfork, .teardown = teardown_costs,
	  .prepare = proc_prepare_count, .verify = proc_verify_count,
	  .witness_ops = 1000 },
	{ .name = "posix-spawn",
	  .what = "posix_spawn of modelab-exit0 (static, exits at once) + waitpid",
	  .run = run_posix_spawn, .setup = setup_exec,
	  .teardown = teardown_costs, .prepare = proc_prepare_count,
	  .verify = proc_verify_count, .witness_ops = 200 },
	{ .name = "thread-create",
	  .what = "pthread_create of an empty thread + pthread_join",
	  .run = run_thread_create, .teardown = teardown_costs, .prepare = proc_prepare_count,
	  .verify = proc_verify_count, .witness_ops = 1000 },
	{ .name = "fork-exec",
	  .what = "fork + execve of modelab-exit0 (static, exits at once) + waitpid",
	  .run = run_fork_exec, .setup = setup_exec,
	  .teardown = teardown_costs, .prepare = proc_prepare_count,
	  .verify = proc_verify_count, .witness_ops = 200 },
	{ .name = "zombie",
	  .what = "an unwaited child: Z, SIGKILL-proof, reaped; none when ignored",
	  .demonstrate = demo_zombie, .setup = setup_reaper_demo,
	  .teardown = teardown_demo },
	{ .name = "orphan",
	  .what = "the parent exits first: the child goes to the subreaper or init",
	  .demonstrate = demo_orphan, .setup = setup_reaper_demo,
	  .teardown = teardown_demo },
	{ .name = "daemon",
	  .what = "the classic daemon, each property read from /proc",
	  .demonstrate = demo_daemon, .setup = setup_daemon,
	  .teardown = teardown_demo },
	{ .name = "wait",
	  .what = "wait at once or blocking; exact statuses of exit, signal, stop, continue",
	  .demonstrate = demo_wait,
	  .teardown = teardown_demo },
	{ .name = "user-system-time",
	  .what = "user and kernel share of a computation and of a syscall loop",
	  .demonstrate = demo_user_system,
	  .teardown = teardown_demo },
};

const struct ml_probe ml_probe_process = {
	.name = "process",
	.summary = "fork, exec, threads; zombies, orphans, daemons, wait, CPU time",
	.figures = figures,
	.nfigures = ML_ARRAY_SIZE(figures),
	.order = 50,
};

ML_PROBE_MAIN(ml_probe_process)
