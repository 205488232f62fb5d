// SPDX-License-Identifier: GPL-2.0
/*
 * sandbox.c - `modelab sandbox`: run a command under a seccomp filter.
 *
 * The filter is built in the parent (so a bad list or profile fails
 * before anything runs), with modelab's own rules in front (guard.c),
 * loaded in the child just before execve, and inherited by the command.
 * When the filter can answer NOTIFY (--action notify, or a profile's
 * SCMP_ACT_NOTIFY) the parent stays on as the supervisor: the kernel
 * hands it every call the filter sends its way, it prints the call and
 * allows or refuses it, until no process uses the filter any more.
 *
 * A filter alone is not a sandbox (docs/sandbox.md).  The parent
 * (modelab, unfiltered, maybe root) is a door the command could ptrace,
 * signal, or take descriptors from, and a terminal it shares is one it
 * could type into.  So the parent makes itself non-dumpable before the
 * fork; the command runs in a session of its own (setsid: no controlling
 * terminal, no process group with us; the signals we get are passed on),
 * with no_new_privs, a chosen capability set, not as root on the host
 * unless asked (--user), in a Landlock domain where the kernel has one
 * (jail.c), and with --isolate in new PID and mount (and user) namespaces
 * under a tiny init, where the parent has no pid.
 */
#define _GNU_SOURCE
#include "util/util.h"
#include "seccomp/policy.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_NAMES 512

struct sandbox_opts {
	const char *allow, *deny, *profile, *action, *notify_allow;
	bool explain;
	enum { ISOLATE_NONE, ISOLATE_PID, ISOLATE_USER } isolate;
	struct ml_jail jail;	/* --caps, --user, and what --isolate makes */
	char **cmd;
};

void ml_sandbox_usage(FILE *out)
{
	fprintf(out,
		"usage: modelab sandbox (--allow LIST | --deny LIST | --profile FILE)\n"
		"                       [--action ACTION] [--notify-allow LIST] [--explain]\n"
		"                       [--caps SET] [--user USER] [--isolate[=pid|user]]\n"
		"                       [--] COMMAND [ARG...]\n"
		"  --allow LIST        allow these syscalls (comma-separated), refuse the rest\n"
		"  --deny LIST         refuse these syscalls, allow the rest; a door names its\n"
		"                      siblings too (open: openat, openat2, creat,\n"
		"                      open_by_handle_at; execve: execveat; fork, vfork,\n"
		"                      clone: the others and clone3; anything io_uring can\n"
		"                      do, such as openat or socket: io_uring too)\n"
		"  --profile FILE      an OCI runtime-spec seccomp profile (Docker, Podman)\n"
		"  --action ACTION     what a refused call gets: errno (EPERM), errno:NAME,\n"
		"                      kill, trap, log or notify (default errno)\n"
		"  --notify-allow LIST with notify (--action, or a profile's SCMP_ACT_NOTIFY):\n"
		"                      the supervisor lets these through (exit and exit_group\n"
		"                      always); it serves until no process uses the filter\n"
		"  --explain           print the filter (libseccomp's PFC, modelab's own rules,\n"
		"                      then the BPF) and stop\n"
		"  --caps SET          the command's capabilities when it is root: docker\n"
		"                      (default: Docker's 14), none, all, or a list such as\n"
		"                      chown,CAP_KILL\n"
		"  --user USER         who the command is on the host: root, nobody or\n"
		"                      UID[:GID] (default: you; nobody when you are root)\n"
		"  --isolate[=pid|user] new PID and mount namespaces under a tiny init, a /proc\n"
		"                      of their own, /proc/sys and /sys read-only; user (the\n"
		"                      default): the command is root in a user namespace of\n"
		"                      its own, mapped to USER; pid: none (root only)\n"
		"Always: the command has its own session (no terminal to type into), no\n"
		"new privileges, and cannot trace its way past the filter, make a seccomp\n"
		"listener or a user namespace; with Landlock (5.13, 6.12) it cannot ptrace\n"
		"or signal a process outside its own tree.  Not protected: what the filter\n"
		"allows (a deny-list is incomplete by nature), and without --isolate\n"
		"whatever the uid may do to files.  docs/sandbox.md has the whole list.\n");
}

static int parse(int argc, char **argv, struct sandbox_opts *o, char *err,
		 size_t len)
{
	static const struct option opts[] = {
		{ "allow", required_argument, NULL, 'a' },
		{ "deny", required_argument, NULL, 'd' },
		{ "profile", required_argument, NULL, 'p' },
		{ "action", required_argument, NULL, 'c' },
		{ "notify-allow", required_argument, NULL, 'n' },
		{ "explain", no_argument, NULL, 'e' },
		{ "caps", required_argument, NULL, 'C' },
		{ "user", required_argument, NULL, 'u' },
		{ "isolate", optional_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool root = geteuid() == 0;
	int c, sources;

	memset(o, 0, sizeof(*o));
	o->jail.caps = ML_CAPS_DOCKER_DEFAULT;
	/* root on the host only when asked: nobody, when root runs us */
	o->jail.uid = root ? ML_NOBODY : geteuid();
	o->jail.gid = root ? ML_NOBODY : getegid();
	o->jail.landlock = true;
	optind = 0;
	opterr = 0;
	/* '+': the command's own options are its own */
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			o->allow = optarg;
			break;
		case 'd':
			o->deny = optarg;
			break;
		case 'p':
			o->profile = optarg;
			break;
		case 'c':
			o->action = optarg;
			break;
		case 'n':
			o->notify_allow = optarg;
			break;
		case 'e':
			o->explain = true;
			break;
		case 'C':
			if (ml_caps_parse(optarg, &o->jail.caps, err, len))
				return -1;
			break;
		case 'u':
			if (ml_user_parse(optarg, &o->jail.uid, &o->jail.gid,
					  err, len))
				return -1;
			if (!root && o->jail.uid != geteuid())
				return ml_errorf(err, len,
					    "--user: only root can run the command as another user (you are uid %u)",
					    (unsigned)geteuid());
			if (!root)
				o->jail.gid = getegid();
			break;
		case 'i':
			/* a PID namespace without a user one needs root */
			if (!optarg || !strcmp(optarg, "user") ||
			    (!strcmp(optarg, "pid") && !root))
				o->isolate = ISOLATE_USER;
			else if (!strcmp(optarg, "pid"))
				o->isolate = ISOLATE_PID;
			else
				return ml_errorf(err, len,
					    "--isolate: unknown value '%s' (pid, user)",
					    optarg);
			break;
		case 'h':
			return 1;
		case ':':
			return ml_errorf(err, len, "option '%s' needs a value",
				    argv[optind - 1]);
		default:
			return ml_errorf(err, len, "unknown option '%s'",
				    argv[optind - 1]);
		}
	}
	sources = !!o->allow + !!o->deny + !!o->profile;
	if (sources != 1)
		return ml_errorf(err, len,
			    "give exactly one of --allow, --deny and --profile");
	if (o->profile && o->action)
		return ml_errorf(err, len,
			    "--action does not apply to --profile: the profile names its actions");
	if (o->notify_allow && !o->profile &&
	    (!o->action || strcmp(o->action, "notify")))
		return ml_errorf(err, len, "--notify-allow needs --action notify");
	o->jail.userns = o->isolate == ISOLATE_USER;
	ml_jail_choose(&o->jail);
	o->cmd = argv + optind;
	if (!o->explain && !*o->cmd)
		return ml_errorf(err, len, "missing COMMAND");
	return 0;
}

/* ---- the filter -------------------------------------------------------------- */

/* A deny-list's doors: naming one names all (probes/seccomp/doors.c) */
static const char *const doors[][6] = {
	{ "open", "openat", "openat2", "creat", "open_by_handle_at", NULL },
	{ "execve", "execveat", NULL },
	{ "fork", "vfork", "clone", "clone3", NULL },
};

/*
 * What io_uring can do without passing the syscall table (its IORING_OP_*
 * run in the kernel: probes/seccomp/doors.c): a deny-list naming any of
 * these refuses the ring too, as Docker's default profile leaves it out.
 */
static const char *const ring_does[] = {
	"open", "openat", "openat2", "creat", "read", "readv", "pread64",
	"preadv", "preadv2", "write", "writev", "pwrite64", "pwritev",
	"pwritev2", "fsync", "fdatasync", "sync_file_range", "poll", "ppoll",
	"sendmsg", "recvmsg", "sendto", "recvfrom", "accept", "accept4",
	"connect", "socket", "bind", "listen", "shutdown", "fallocate",
	"ftruncate", "close", "statx", "fadvise64", "madvise", "epoll_ctl",
	"epoll_wait", "splice", "tee", "rename", "renameat", "renameat2",
	"unlink", "unlinkat", "rmdir", "mkdir", "mkdirat", "symlink",
	"symlinkat", "link", "linkat", "setxattr", "fsetxattr", "getxattr",
	"fgetxattr", "waitid", "futex", "futex_waitv", "pipe", "pipe2",
	NULL,
};
static const char *const ring[] = { "io_uring_setup", "io_uring_enter",
				    "io_uring_register", NULL };

/* Adds the calls of names to nrs (when libseccomp knows them). */
static void add_names(const char *const *names, int *nrs, size_t *n,
		      size_t max)
{
	for (size_t k = 0; names[k] && *n < max; k++) {
		int nr = seccomp_syscall_resolve_name(names[k]);
		bool have = nr == __NR_SCMP_ERROR;

		for (size_t i = 0; i < *n; i++)
			have |= nrs[i] == nr;
		if (!have)
			nrs[(*n)++] = nr;
	}
}

/* Does nrs[0..n) name any of names? */
static bool names_any(const char *const *names, const int *nrs, size_t n)
{
	for (size_t k = 0; names[k]; k++)
		for (size_t i = 0; i < n; i++)
			if (nrs[i] == seccomp_syscall_resolve_name(names[k]))
				return true;
	return false;
}

static void whole_doors(int *nrs, size_t *n, size_t max)
{
	size_t given = *n;
	bool by_ring = names_any(ring_does, nrs, given);

	for (size_t d = 0; d < ML_ARRAY_SIZE(doors); d++)
		if (names_any(doors[d], nrs, given))
			add_names(doors[d], nrs, n, max);
	if (by_ring)
		add_names(ring, nrs, n, max);
}

/* The filter the options describe; NULL with a message in err. */
static scmp_filter_ctx build(const struct sandbox_opts *o,
			     struct ml_profile_info *info, char *err,
			     size_t len)
{
	uint32_t action = SCMP_ACT_ERRNO(EPERM);
	scmp_filter_ctx ctx;
	int nrs[MAX_NAMES];
	size_t n;

	memset(info, 0, sizeof(*info));
	if (o->profile) {
		ctx = ml_profile_load_caps(o->profile, ml_sandbox_caps(), info,
					   err, len);
		if (ctx && o->explain)
			printf("# profile %s: %zu rules, %zu redundant with the default, %zu not for this process, %zu names unknown to libseccomp\n",
			       o->profile, info->rules_added,
			       info->rules_redundant, info->rules_skipped,
			       info->names_unknown);
		return ctx;
	}
	if (o->action && ml_action_parse(o->action, &action, err, len))
		return NULL;
	if (ml_syscall_list_parse(o->allow ? o->allow : o->deny, nrs,
				  MAX_NAMES, &n,
				  o->allow ? "--allow" : "--deny", err, len))
		return NULL;
	for (size_t i = 0; action == SCMP_ACT_NOTIFY && o->deny && i < n; i++) {
		if (nrs[i] != SCMP_SYS(sendmsg))
			continue;
		/* see notify_channel() */
		ml_errorf(err, len,
			  "--deny sendmsg with --action notify: the command hands the supervisor its listener with sendmsg, which would wait for the supervisor itself");
		return NULL;
	}
	if (o->deny)
		whole_doors(nrs, &n, MAX_NAMES);
	ctx = seccomp_init(o->allow ? action : SCMP_ACT_ALLOW);
	if (!ctx) {
		ml_errorf(err, len, "libseccomp refused the action");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		int rc = seccomp_rule_add(ctx, o->allow ? SCMP_ACT_ALLOW : action,
					  nrs[i], 0);

		if (rc && rc != -EEXIST) {
			char *name = seccomp_syscall_resolve_num_arch(
				SCMP_ARCH_NATIVE, nrs[i]);

			ml_errorf(err, len, "cannot add a rule for '%s': %s",
			     name ? name : "?", strerror(-rc));
			free(name);
			seccomp_release(ctx);
			return NULL;
		}
	}
	return ctx;
}

/*
 * With notify the command hands the listener to the supervisor with
 * sendmsg, after the filter is loaded: a filter that sent sendmsg to the
 * supervisor would wait for an answer nobody can give yet.  So that one
 * sendmsg, on this descriptor alone, is allowed; the socket is
 * close-on-exec, and the number is out of the way of the command's own.
 * (A command that made descriptor 1000 a socket of its own could sendmsg
 * on it unseen: the price of a listener handed over after the filter.)
 */
#define NOTIFY_SOCK_FD 1000

static int allow_hand_over(scmp_filter_ctx ctx)
{
	const struct scmp_arg_cmp on_it = { .arg = 0, .op = SCMP_CMP_EQ,
					    .datum_a = NOTIFY_SOCK_FD };
	uint32_t def = SCMP_ACT_ALLOW;
	int rc = 0;

	/* a deny-list allows it by default: nothing to add */
	if (seccomp_attr_get(ctx, SCMP_FLTATR_ACT_DEFAULT, &def) ||
	    def != SCMP_ACT_ALLOW)
		rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW,
					    SCMP_SYS(sendmsg), 1, &on_it);
	/* -EEXIST: sendmsg is allowed already */
	return rc && rc != -EEXIST ? rc : 0;
}

/* The program to load: the guard and the filter; notify: hand-over allowed */
static int program(scmp_filter_ctx ctx, const struct ml_profile_info *info,
		   struct ml_filter *f, char *err, size_t len)
{
	int rc;

	if (ml_guard_build(ctx, info, f, err, len))
		return -1;
	if (!f->notify)
		return 0;
	ml_guard_free(f);
	rc = allow_hand_over(ctx);
	if (rc)
		return ml_errorf(err, len,
				 "with notify the command hands the supervisor its listener with sendmsg on descriptor %d, and the filter will not let it (%s)",
				 NOTIFY_SOCK_FD, strerror(-rc));
	return ml_guard_build(ctx, info, f, err, len);
}

/* ---- the supervisor ------------------------------------------------------------ */

/* Memory reads of the decoder, counted: a line built from them says so. */
struct counted_mem {
	struct ml_notif_mem mem;
	int reads;
};

static ssize_t counted_read(void *cookie, uint64_t addr, void *buf, size_t len)
{
	struct counted_mem *c = cookie;

	c->reads++;
	return ml_notif_mem_read(&c->mem, addr, buf, len);
}

/*
 * One intercepted call: print it, then allow or refuse it by the list
 * (a process may always end: exit and exit_group are let through).  The
 * decision is by number only.  Strings are read from the caller's memory
 * when it stopped; a call let through reads them again, and whatever
 * shares that memory (a thread, a shared mapping, io_uring) may have
 * changed them in between: such a line says "as read".
 */
static void supervise(int fd, const int *allowed, size_t nallowed)
{
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	struct counted_mem mem;
	uint64_t args[6];
	bool allow = false, ending;
	char *name, call[1024];

	if (seccomp_notify_alloc(&req, &resp))
		return;
	if (seccomp_notify_receive(fd, req)) {
		seccomp_notify_free(req, resp);
		return;
	}
	for (size_t i = 0; i < nallowed; i++)
		allow |= allowed[i] == req->data.nr;
	name = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
	ending = name && (!strcmp(name, "exit") || !strcmp(name, "exit_group"));
	/* strings read from the caller, like strace (decode.c) */
	mem = (struct counted_mem){ { fd, req->id, (pid_t)req->pid }, 0 };
	for (int i = 0; i < 6; i++)
		args[i] = req->data.args[i];
	ml_decode_call(call, sizeof(call), name, args, counted_read, &mem);
	fprintf(stderr, "modelab sandbox: pid %u: %s -> %s\n", req->pid, call,
		ending ? "allowed (a process may always end)" :
		!allow ? "refused (EPERM)" :
		mem.reads ? "allowed (its strings as read when it stopped: the kernel reads them again)" :
			    "allowed");
	allow |= ending;
	free(name);
	resp->id = req->id;
	resp->val = 0;
	resp->error = allow ? 0 : -EPERM;
	resp->flags = allow ? SECCOMP_USER_NOTIF_FLAG_CONTINUE : 0;
	seccomp_notify_respond(fd, resp);	/* fails if the caller died */
	seccomp_notify_free(req, resp);
}

static int report_end(const char *cmd, int status)
{
	if (WIFEXITED(status)) {
		fprintf(stderr, "modelab sandbox: '%s' exited with status %d\n",
			cmd, WEXITSTATUS(status));
		return WEXITSTATUS(status);
	}
	fprintf(stderr, "modelab sandbox: '%s' was killed by signal %d (%s)%s\n",
		cmd, WTERMSIG(status), strsignal(WTERMSIG(status)),
		WTERMSIG(status) == SIGSYS ?
			": a seccomp filter's kill, or an unhandled trap" :
			"");
	return 128 + WTERMSIG(status);
}

/* ---- signals: passed on to the command, which has a session of its own ------- */

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1,
				 SIGUSR2 };
static volatile pid_t forward_to;
static volatile bool forward_group;

static void forward(int sig)
{
	int e = errno;

	/* its process group (Ctrl-C reaches a whole pipeline), else it */
	if (forward_to > 0 && (!forward_group || kill(-forward_to, sig)))
		kill(forward_to, sig);
	errno = e;
}

/* block: the forwarded signals blocked (before a fork); else handled, or default */
static void signals(bool block, bool handle)
{
	struct sigaction sa = { .sa_flags = SA_RESTART };
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < ML_ARRAY_SIZE(forwarded); i++)
		sigaddset(&set, forwarded[i]);
	if (block) {
		sigprocmask(SIG_BLOCK, &set, NULL);
		return;
	}
	sa.sa_handler = handle ? forward : SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ML_ARRAY_SIZE(forwarded); i++)
		sigaction(forwarded[i], &sa, NULL);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* ---- the command ---------------------------------------------------------------- */

/*
 * The command's side: a session of its own, then (root, --isolate=user)
 * a user namespace whose 0 PID 1 maps to the --user uid, then the jail,
 * the filter, and the command.  sync: to and from PID 1, or -1.
 */
static void __attribute__((noreturn))
command(const struct sandbox_opts *o, const struct ml_filter *f,
	int notify_sock, const int sync[2])
{
	bool switch_uid = geteuid() == 0 && !o->jail.userns;
	char c = 'u';
	int listener;

	signals(false, false);
	if (setsid() < 0) {
		perror("modelab sandbox: setsid");
		_exit(126);
	}
	if (sync[0] >= 0) {
		if (setgroups(0, NULL) || unshare(CLONE_NEWUSER) ||
		    write(sync[1], &c, 1) != 1 || read(sync[0], &c, 1) != 1 ||
		    c != 'g' || setresgid(0, 0, 0) || setresuid(0, 0, 0)) {
			fprintf(stderr, "modelab sandbox: --isolate: a user namespace for the command: %s\n",
				strerror(errno));
			_exit(126);
		}
		close(sync[0]);
		close(sync[1]);
	}
	if (ml_jail_enter(&o->jail, switch_uid))
		_exit(126);
	if (notify_sock >= 0) {
		if (dup3(notify_sock, NOTIFY_SOCK_FD, O_CLOEXEC) < 0) {
			perror("modelab sandbox: the notify channel");
			_exit(126);
		}
		close(notify_sock);
	}
	listener = ml_guard_load(f);
	if (listener < 0) {
		fprintf(stderr, "modelab sandbox: the kernel refused the filter: %s\n",
			strerror(errno));
		_exit(126);
	}
	if (f->notify && ml_send_fd(NOTIFY_SOCK_FD, listener))
		_exit(126);
	execvp(o->cmd[0], o->cmd);
	fprintf(stderr, "modelab sandbox: cannot run '%s': %s\n", o->cmd[0],
		strerror(errno));
	_exit(127);
}

/*
 * PID 1 of the new namespaces: its own user namespace's maps (when not
 * root), the mounts (jail.c), then the command (pid 2), whose user
 * namespace it maps when root made one for it; then it keeps only
 * CAP_KILL (to pass signals on), reaps every child until the command
 * ends and hands its wait status to the supervisor through status_fd.
 * When PID 1 exits the kernel kills whatever is left in the namespace.
 */
static void __attribute__((noreturn))
init(const struct sandbox_opts *o, const struct ml_filter *f, int notify_sock,
     int status_fd, bool own_userns, uid_t uid, gid_t gid)
{
	const struct ml_jail keep_kill = { .caps = 1ULL << 5 /* CAP_KILL */ };
	int to_init[2] = { -1, -1 }, to_cmd[2] = { -1, -1 }, sync[2];
	int status = 0;
	char pid[16], c;
	pid_t cmd, w;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (own_userns) {
		/* our own maps: /proc/self is ours only while dumpable */
		prctl(PR_SET_DUMPABLE, 1);
		if (ml_jail_map("self", uid, gid))
			_exit(126);
		prctl(PR_SET_DUMPABLE, 0);
	}
	if (ml_jail_mounts())
		_exit(126);
	if (!own_userns && o->jail.userns &&
	    (pipe2(to_init, O_CLOEXEC) || pipe2(to_cmd, O_CLOEXEC))) {
		perror("modelab sandbox: pipe");
		_exit(126);
	}
	cmd = fork();
	if (cmd < 0) {
		perror("modelab sandbox: fork");
		_exit(126);
	}
	if (cmd == 0) {
		close(status_fd);
		sync[0] = to_cmd[0];
		sync[1] = to_init[1];
		command(o, f, notify_sock, sync);
	}
	if (notify_sock >= 0)
		close(notify_sock);
	if (to_init[0] >= 0) {
		snprintf(pid, sizeof(pid), "%d", (int)cmd);
		if (read(to_init[0], &c, 1) != 1 ||
		    ml_jail_map(pid, o->jail.uid, o->jail.gid) ||
		    write(to_cmd[1], "g", 1) != 1) {
			kill(cmd, SIGKILL);
			_exit(126);
		}
	}
	if (ml_jail_enter(&keep_kill, false))
		_exit(126);
	forward_to = cmd;
	forward_group = true;
	signals(false, true);
	while ((w = wait(&status)) != cmd)
		if (w < 0 && errno != EINTR)
			_exit(126);
	if (write(status_fd, &status, sizeof(status)) != sizeof(status))
		_exit(126);
	_exit(0);
}

/* Reaps every child that ended (orphans come to us as subreaper). */
static void reap(pid_t pid, int *status, bool *done)
{
	int st;
	pid_t w;

	while ((w = waitpid(-1, &st, WNOHANG)) > 0)
		if (w == pid) {
			*status = st;
			*done = true;
		}
}

static int run(const struct sandbox_opts *o, const struct ml_filter *f,
	       const int *allowed, size_t nallowed)
{
	bool notify = f->notify, own_userns = o->isolate && geteuid() != 0;
	int sv[2] = { -1, -1 }, st[2] = { -1, -1 }, nfd = -1, status = 0, cmdst;
	const int no_sync[2] = { -1, -1 };
	bool done = false;
	pid_t pid;

	/*
	 * Nothing from inside may drive us: non-dumpable, a process needs
	 * CAP_SYS_PTRACE in our user namespace to ptrace us, pidfd_getfd from
	 * us or read our memory.  Before the fork: the child inherits it until
	 * its execve, so there is no moment it is open.
	 */
	if (prctl(PR_SET_DUMPABLE, 0)) {
		perror("modelab sandbox: PR_SET_DUMPABLE");
		return 1;
	}
	if (notify && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		perror("modelab sandbox: socketpair");
		return 1;
	}
	if (o->isolate && pipe2(st, O_CLOEXEC)) {
		perror("modelab sandbox: pipe");
		return 1;
	}
	/* notify serves every process under the filter: orphans come to us */
	if (notify && !o->isolate)
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	signals(true, false);
	fflush(NULL);
	if (o->isolate)
		/* like fork, in new namespaces (bubblewrap's raw clone) */
		pid = syscall(SYS_clone, SIGCHLD | CLONE_NEWPID | CLONE_NEWNS |
			      (own_userns ? CLONE_NEWUSER : 0),
			      NULL, NULL, NULL, NULL);
	else
		pid = fork();
	if (pid < 0) {
		fprintf(stderr, "modelab sandbox: %s: %s\n",
			o->isolate ? "--isolate: clone" : "fork", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		if (o->isolate) {
			close(st[0]);
			init(o, f, sv[1], st[1], own_userns, geteuid(),
			     getegid());
		}
		command(o, f, sv[1], no_sync);
	}
	forward_to = pid;
	forward_group = !o->isolate;
	signals(false, true);
	close(st[1]);
	if (notify) {
		close(sv[1]);
		nfd = ml_recv_fd(sv[0], -1);
		close(sv[0]);
	}
	/* until no process uses the filter: the kernel says POLLHUP */
	while (nfd >= 0) {
		struct pollfd p = { .fd = nfd, .events = POLLIN };
		int r = poll(&p, 1, 100);

		if (r == 1 && (p.revents & POLLIN))
			supervise(nfd, allowed, nallowed);
		else if (r == 1)
			break;
		reap(pid, &status, &done);
	}
	if (nfd >= 0)
		close(nfd);
	while (!done && waitpid(pid, &status, 0) != pid)
		if (errno != EINTR)
			break;
	reap(pid, &status, &done);
	/* under --isolate, the command's own end, as PID 1 saw it */
	if (st[0] >= 0) {
		if (WIFEXITED(status) && !WEXITSTATUS(status) &&
		    read(st[0], &cmdst, sizeof(cmdst)) == sizeof(cmdst))
			status = cmdst;
		close(st[0]);
	}
	return report_end(o->cmd[0], status);
}

/* Names the profile used that libseccomp could not: said before it runs. */
static void warn_unknown(const struct ml_profile_info *info)
{
	const struct scmp_version *v = seccomp_version();

	if (!info->names_unknown)
		return;
	fprintf(stderr,
		"modelab sandbox: warning: the profile names %zu system call%s libseccomp %u.%u.%u does not know (%s): %zu refused by number (every architecture numbers the calls of Linux 5.1 and later alike), the others left to the default action\n",
		info->names_unknown, info->names_unknown == 1 ? "" : "s",
		v ? v->major : 0, v ? v->minor : 0, v ? v->micro : 0,
		info->unknown_list, info->numbered);
}

int ml_sandbox_main(int argc, char **argv)
{
	struct ml_profile_info info;
	int allowed[MAX_NAMES];
	size_t nallowed = 0;
	struct sandbox_opts o;
	struct ml_filter f = { 0 };
	scmp_filter_ctx ctx;
	char err[512];
	int rc;

	rc = parse(argc, argv, &o, err, sizeof(err));
	if (rc > 0) {
		ml_sandbox_usage(stdout);
		return 0;
	}
	if (!rc && o.notify_allow &&
	    ml_syscall_list_parse(o.notify_allow, allowed, MAX_NAMES,
				  &nallowed, "--notify-allow", err,
				  sizeof(err)))
		rc = -1;
	ctx = rc ? NULL : build(&o, &info, err, sizeof(err));
	if (ctx && program(ctx, &info, &f, err, sizeof(err))) {
		seccomp_release(ctx);
		ctx = NULL;
	}
	if (!ctx) {
		fprintf(stderr, "modelab sandbox: %s\ntry 'modelab help sandbox'\n",
			err);
		return 2;
	}
	warn_unknown(&info);
	if (o.explain) {
		fflush(stdout);
		seccomp_export_pfc(ctx, STDOUT_FILENO);
		ml_guard_explain(stdout, ctx);
		fflush(stdout);
		ml_bpf_explain_prog(stdout, f.insns, f.n);
		rc = 0;
	} else {
		rc = run(&o, &f, allowed, nallowed);
	}
	ml_guard_free(&f);
	seccomp_release(ctx);
	return rc;
}
