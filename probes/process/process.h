/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probes/process/process.h - what the files of the process family share.
 *
 * The family (bin/modelab-process, `modelab run process`) times fork, exec
 * and threads and demonstrates zombies, orphans, daemons, wait and CPU
 * time: see process.c for the whole story.
 */
#ifndef PROBES_PROCESS_H
#define PROBES_PROCESS_H

#include "modelab.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DEADLINE_MS 5000	/* for any answer from a child */
#define DEADLINE_S (DEADLINE_MS / 1000.0)	/* for ml_child_reap */

/* ---- children.c: reading /proc about another process ------------------- */

struct pstat {
	char state;
	int ppid, pgrp, session, tty_nr;
	unsigned long long utime, stime;	/* clock ticks */
};

/* 0, or -1 when the process is gone (or /proc is not there). */
int proc_read_stat(pid_t pid, struct pstat *ps);
/* The state letter, or '-' when the process is gone. */
char proc_state_of(pid_t pid);
/* The rest of the line of /proc/PID/status that starts with key. */
int proc_status_line(pid_t pid, const char *key, char *out, size_t len);
/* Polls (bounded) until pid is in one of the states, or gone ('-'). */
char await_state(pid_t pid, const char *states);

/* ---- children.c: naming and holding children ---------------------------- */

extern char proc_log_path[300];	/* the daemon's log (setup_daemon) */

/*
 * A named child, registered (ml_child_fork) and killed by the kernel when
 * modelab dies: 0 in it, its pid in modelab, -1 on failure.  Reap it with
 * ml_child_reap(pid, DEADLINE_S, &status).
 */
pid_t new_child(const char *name);
/* MODELAB_HOLD=FIGURE: the tests interrupt the demonstration here. */
void proc_hold(const char *figure);

/* ---- children.c: pipes between modelab and its children ----------------- */


/* A fixed-size message: one write is atomic, so children may share a pipe. */
struct msg {
	int tag;
	int v[3];
};

struct chan {
	int r, w;
};

/* The messages' tags. */
enum { M_PID = 1, M_WAITED, M_LEADER, M_DAEMON, M_NSERR, M_NSINIT,
       M_NSCHILD, M_PPID, M_TIMES };

int open_chan(struct chan *c);
void proc_close_fd(int *fd);
void close_chan(struct chan *c);
void proc_send_msg(int fd, int tag, int a, int b, int c);
/* Reads exactly len bytes within the deadline; false on EOF or timeout. */
bool proc_get(int fd, void *buf, size_t len);
/* Waits for the next message with this tag (others are dropped). */
bool proc_get_msg(int fd, int tag, struct msg *m);
/* True when the pipe reaches EOF within the deadline. */
bool proc_get_eof(int fd);
/* A child's side: 1 for a byte from modelab, 0 for EOF (modelab gone). */
int proc_child_wait(int fd);
void proc_poke(int fd);

/* ---- children.c: the demonstrations' setup and teardown ----------------- */

int setup_reaper_demo(struct ml_ctx *ctx);
int setup_daemon(struct ml_ctx *ctx);
int teardown_demo(struct ml_ctx *ctx);

/* ---- costs.c: the timed figures ----------------------------------------- */

extern volatile uint64_t proc_sink;

int setup_fork_1m(struct ml_ctx *ctx);
int setup_fork_100m(struct ml_ctx *ctx);
int setup_fork_1g(struct ml_ctx *ctx);
int setup_exec(struct ml_ctx *ctx);
int teardown_costs(struct ml_ctx *ctx);
int proc_prepare_count(struct ml_ctx *ctx);
int proc_verify_count(struct ml_ctx *ctx);
int run_fork_wait(struct ml_ctx *ctx);
int run_vfork(struct ml_ctx *ctx);
int run_posix_spawn(struct ml_ctx *ctx);
int run_fork_exec(struct ml_ctx *ctx);
int run_thread_create(struct ml_ctx *ctx);

/* ---- the demonstrations, one file each ---------------------------------- */

const char *demo_zombie(struct ml_result *res);		/* zombie.c */
const char *demo_orphan(struct ml_result *res);		/* orphan.c */
const char *demo_daemon(struct ml_result *res);		/* daemon.c */
const char *demo_wait(struct ml_result *res);		/* wait.c */
const char *demo_user_system(struct ml_result *res);	/* times.c */

#endif /* PROBES_PROCESS_H */
