// SPDX-License-Identifier: GPL-2.0
/*
 * sandbox.c - `modelab sandbox`: run a command under a seccomp filter.
 *
 * The filter is built in the parent (so a bad list or profile fails
 * before anything runs), loaded in the child just before execve, and
 * inherited by the command.  With --action notify the parent stays on as
 * the supervisor: the kernel hands it every call the filter sends its
 * way, it prints the call and allows or refuses it.
 *
 * A filter alone is not a sandbox: the parent (modelab, unfiltered, maybe
 * root) is a door the command could ptrace, or take descriptors from with
 * pidfd_getfd.  So the parent makes itself non-dumpable before the fork,
 * and the command runs with no_new_privs, a chosen capability set (Docker's
 * 14 by default: no CAP_SYS_PTRACE) and, with --isolate, in new PID and
 * mount (and user) namespaces under a tiny init, where the parent has no pid.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
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
	uint64_t caps;		/* --caps, as asked */
	char **cmd;
};

/* ---- capabilities ------------------------------------------------------------ */

#define BIT(c) (1ULL << (c))
/* Docker's default (moby oci/caps/defaults.go): 0xa80425fb */
#define DOCKER_CAPS							\
	(BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_FSETID) |	\
	 BIT(CAP_FOWNER) | BIT(CAP_MKNOD) | BIT(CAP_NET_RAW) |		\
	 BIT(CAP_SETGID) | BIT(CAP_SETUID) | BIT(CAP_SETFCAP) |		\
	 BIT(CAP_SETPCAP) | BIT(CAP_NET_BIND_SERVICE) |			\
	 BIT(CAP_SYS_CHROOT) | BIT(CAP_KILL) | BIT(CAP_AUDIT_WRITE))
#define ALL_CAPS ((BIT(CAP_LAST_CAP) << 1) - 1)

/* A capability by its name without CAP_, in any case; 64 when unknown. */
static size_t cap_number(const char *name)
{
	char full[64] = "CAP_";
	size_t i;
	int c;

	for (i = 0; name[i] && i + 5 < sizeof(full); i++)
		full[i + 4] = (char)toupper((unsigned char)name[i]);
	full[i + 4] = '\0';
	c = name[i] ? -1 : ml_cap_parse(full);
	return c < 0 ? 64 : (size_t)c;
}

int ml_caps_parse(const char *s, uint64_t *mask, char *err, size_t len)
{
	char buf[1024];

	*mask = 0;
	if (!strcasecmp(s, "none"))
		return 0;
	if (strlen(s) >= sizeof(buf))
		return ml_errorf(err, len, "--caps: the list is too long");
	strcpy(buf, s);
	for (char *p = buf, *q;; p = q + 1) {
		const char *name = p;
		size_t c;

		q = strchr(p, ',');
		if (q)
			*q = '\0';
		if (!*p)
			return ml_errorf(err, len, "--caps: an empty name in '%s'", s);
		if (!strncasecmp(name, "CAP_", 4))
			name += 4;
		c = cap_number(name);
		if (c < 64)
			*mask |= BIT(c);
		else if (!strcasecmp(p, "docker"))
			*mask |= DOCKER_CAPS;
		else if (!strcasecmp(p, "all"))
			*mask |= ALL_CAPS;
		else if (!strcasecmp(p, "none"))
			return ml_errorf(err, len,
				    "--caps: 'none' goes alone, not in a list");
		else
			return ml_errorf(err, len,
				    "--caps: unknown capability '%s' (docker, none, all, or names such as chown,CAP_KILL)",
				    p);
		if (!q)
			return 0;
	}
}

static int cap_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};

	return syscall(SYS_capget, &h, d);
}

static uint64_t caps_permitted(void)
{
	struct __user_cap_data_struct d[2] = { 0 };

	if (cap_get(d))
		return 0;
	return d[0].permitted | (uint64_t)d[1].permitted << 32;
}

static uint64_t chosen_caps = DOCKER_CAPS;
static bool chosen_userns;

uint64_t ml_sandbox_caps(void)
{
	/* In a new user namespace the command is root there, with them all */
	if (chosen_userns)
		return chosen_caps;
	/* Root execs with its bounding set, which we cut to what we hold */
	if (geteuid() == 0)
		return chosen_caps & caps_permitted();
	return 0;	/* anyone else holds none after execve */
}

/*
 * In the child, before the filter: the bounding set cut to keep, ambient
 * cleared, permitted and effective keep (less what we do not hold), and
 * inheritable empty (as Moby since CVE-2022-24769); then no_new_privs.
 */
static int lock_down(uint64_t keep)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2] = { 0 };
	uint64_t have = caps_permitted();

	for (size_t c = 0; c < 64; c++) {
		if ((keep & BIT(c)) || prctl(PR_CAPBSET_READ, c) != 1)
			continue;
		/* without CAP_SETPCAP we hold nothing, and no_new_privs keeps it so */
		if (prctl(PR_CAPBSET_DROP, c) && (have & BIT(CAP_SETPCAP))) {
			fprintf(stderr, "modelab sandbox: cannot drop CAP_%s from the bounding set: %s\n",
				ml_cap_name((int)c) ? ml_cap_name((int)c) + 4 : "?",
				strerror(errno));
			return -1;
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) &&
	    errno != EINVAL) {
		perror("modelab sandbox: clearing the ambient capabilities");
		return -1;
	}
	keep &= have;
	d[0].permitted = d[0].effective = (uint32_t)keep;
	d[1].permitted = d[1].effective = (uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &h, d)) {
		perror("modelab sandbox: capset");
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		perror("modelab sandbox: PR_SET_NO_NEW_PRIVS");
		return -1;
	}
	return 0;
}

void ml_sandbox_usage(FILE *out)
{
	fprintf(out,
		"usage: modelab sandbox (--allow LIST | --deny LIST | --profile FILE)\n"
		"                       [--action ACTION] [--notify-allow LIST] [--explain]\n"
		"                       [--caps SET] [--isolate[=pid|user]] [--] COMMAND [ARG...]\n"
		"  --allow LIST        allow these syscalls (comma-separated), refuse the rest\n"
		"  --deny LIST         refuse these syscalls, allow the rest\n"
		"  --profile FILE      an OCI runtime-spec seccomp profile (Docker, Podman)\n"
		"  --action ACTION     what a refused call gets: errno (EPERM), errno:NAME,\n"
		"                      kill, trap, log or notify (default errno)\n"
		"  --notify-allow LIST with --action notify: the supervisor lets these through\n"
		"  --explain           print the filter (libseccomp's PFC, then the BPF) and stop\n"
		"  --caps SET          the command's capabilities: docker (default: Docker's 14),\n"
		"                      none, all, or a list such as chown,CAP_KILL\n"
		"  --isolate[=pid|user] new PID and mount namespaces, under a tiny init (pid: and\n"
		"                      a user namespace when not root; user: one always)\n");
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
		{ "isolate", optional_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, sources;

	memset(o, 0, sizeof(*o));
	o->caps = DOCKER_CAPS;
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
			if (ml_caps_parse(optarg, &o->caps, err, len))
				return -1;
			break;
		case 'i':
			if (!optarg || !strcmp(optarg, "pid"))
				o->isolate = geteuid() ? ISOLATE_USER : ISOLATE_PID;
			else if (!strcmp(optarg, "user"))
				o->isolate = ISOLATE_USER;
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
	if (o->notify_allow && (!o->action || strcmp(o->action, "notify")))
		return ml_errorf(err, len, "--notify-allow needs --action notify");
	chosen_caps = o->caps;
	chosen_userns = o->isolate == ISOLATE_USER;
	o->cmd = argv + optind;
	if (!o->explain && !*o->cmd)
		return ml_errorf(err, len, "missing COMMAND");
	return 0;
}

/* The filter the options describe; NULL with a message in err. */
static scmp_filter_ctx build(const struct sandbox_opts *o, char *err,
			     size_t len)
{
	uint32_t action = SCMP_ACT_ERRNO(EPERM);
	struct ml_profile_info info;
	scmp_filter_ctx ctx;
	int nrs[MAX_NAMES];
	size_t n;

	if (o->profile) {
		ctx = ml_profile_load_caps(o->profile, ml_sandbox_caps(), &info,
					   err, len);
		if (ctx && o->explain)
			printf("# profile %s: %zu rules, %zu redundant with the default, %zu not for this process, %zu names unknown to libseccomp\n",
			       o->profile, info.rules_added,
			       info.rules_redundant, info.rules_skipped,
			       info.names_unknown);
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

/* ---- the command, and its supervisor --------------------------------------- */

/* One intercepted call: print it, then allow or refuse it by the list. */
static void supervise(int fd, const int *allowed, size_t nallowed)
{
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	struct ml_notif_mem mem;
	uint64_t args[6];
	bool allow = false;
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
	/* strings read from the caller, like strace (decode.c) */
	mem = (struct ml_notif_mem){ fd, req->id, (pid_t)req->pid };
	for (int i = 0; i < 6; i++)
		args[i] = req->data.args[i];
	ml_decode_call(call, sizeof(call), name, args, ml_notif_mem_read, &mem);
	fprintf(stderr, "modelab sandbox: pid %u: %s -> %s\n", req->pid, call,
		allow ? "allowed" : "refused (EPERM)");
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

/*
 * With --action notify the command hands the listener to the supervisor
 * with sendmsg, after the filter is loaded: a filter that sent sendmsg to
 * the supervisor would wait for an answer nobody can give yet.  So that
 * one sendmsg, on this descriptor alone, is allowed; the socket is
 * close-on-exec, and the number is out of the way of the command's own.
 * (A command that made descriptor 1000 a socket of its own could sendmsg
 * on it unseen: the price of a listener handed over after the filter.)
 */
#define NOTIFY_SOCK_FD 1000

static int notify_channel(scmp_filter_ctx ctx, int sock)
{
	const struct scmp_arg_cmp on_it = { .arg = 0, .op = SCMP_CMP_EQ,
					    .datum_a = NOTIFY_SOCK_FD };
	uint32_t def = SCMP_ACT_ALLOW;
	int rc = 0;

	if (dup3(sock, NOTIFY_SOCK_FD, O_CLOEXEC) < 0)
		return -1;
	close(sock);
	/* a deny-list allows it by default: nothing to add */
	if (seccomp_attr_get(ctx, SCMP_FLTATR_ACT_DEFAULT, &def) ||
	    def != SCMP_ACT_ALLOW)
		rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW,
					    SCMP_SYS(sendmsg), 1, &on_it);
	/* -EEXIST: sendmsg is allowed already */
	if (rc && rc != -EEXIST) {
		errno = -rc;
		return -1;
	}
	return NOTIFY_SOCK_FD;
}

/* The command's side, after lock_down: the filter, then the command. */
static void __attribute__((noreturn))
command(scmp_filter_ctx ctx, const struct sandbox_opts *o, int notify_sock)
{
	if (notify_sock >= 0) {
		notify_sock = notify_channel(ctx, notify_sock);
		if (notify_sock < 0) {
			perror("modelab sandbox: the notify channel");
			_exit(126);
		}
	}
	if (seccomp_load(ctx)) {
		fprintf(stderr, "modelab sandbox: the kernel refused the filter\n");
		_exit(126);
	}
	if (notify_sock >= 0 && ml_send_fd(notify_sock, seccomp_notify_fd(ctx)))
		_exit(126);
	execvp(o->cmd[0], o->cmd);
	fprintf(stderr, "modelab sandbox: cannot run '%s': %s\n", o->cmd[0],
		strerror(errno));
	_exit(127);
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = -1;

	if (fd >= 0) {
		rc = write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : -1;
		close(fd);
	}
	if (rc)
		fprintf(stderr, "modelab sandbox: --isolate: cannot write %s: %s\n",
			path, strerror(errno));
	return rc;
}

/*
 * PID 1 of the new namespaces: map our ids (a user namespace), mount a
 * /proc of this PID namespace, lock itself down as the command will be,
 * start the command (pid 2), reap every child until it ends, and hand its
 * wait status to the supervisor through status_fd.  When PID 1 exits the
 * kernel kills whatever is left in the namespace.
 */
static void __attribute__((noreturn))
init(scmp_filter_ctx ctx, const struct sandbox_opts *o, int notify_sock,
     int status_fd, uid_t uid, gid_t gid)
{
	char map[64];
	int status = 0;
	pid_t cmd, w;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (o->isolate == ISOLATE_USER) {
		/* our own maps: /proc/self is ours only while dumpable */
		prctl(PR_SET_DUMPABLE, 1);
		snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
		if (write_file("/proc/self/setgroups", "deny") ||
		    write_file("/proc/self/uid_map", map))
			_exit(126);
		snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
		if (write_file("/proc/self/gid_map", map))
			_exit(126);
		prctl(PR_SET_DUMPABLE, 0);
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		fprintf(stderr, "modelab sandbox: --isolate: /proc not remounted (%s): it shows the outer PID namespace\n",
			strerror(errno));
	if (lock_down(o->caps))
		_exit(126);
	cmd = fork();
	if (cmd < 0) {
		perror("modelab sandbox: fork");
		_exit(126);
	}
	if (cmd == 0) {
		close(status_fd);
		command(ctx, o, notify_sock);
	}
	if (notify_sock >= 0)
		close(notify_sock);
	while ((w = wait(&status)) != cmd)
		if (w < 0 && errno != EINTR)
			_exit(126);
	if (write(status_fd, &status, sizeof(status)) != sizeof(status))
		_exit(126);
	_exit(0);
}

static int run(scmp_filter_ctx ctx, const struct sandbox_opts *o,
	       const int *allowed, size_t nallowed)
{
	bool notify = o->action && !strcmp(o->action, "notify");
	int sv[2] = { -1, -1 }, st[2] = { -1, -1 }, nfd = -1, status, cmdst;
	uid_t uid = geteuid();
	gid_t gid = getegid();
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
	fflush(NULL);
	if (o->isolate)
		/* like fork, in new namespaces (bubblewrap's raw clone) */
		pid = syscall(SYS_clone, SIGCHLD | CLONE_NEWPID | CLONE_NEWNS |
			      (o->isolate == ISOLATE_USER ? CLONE_NEWUSER : 0),
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
			init(ctx, o, sv[1], st[1], uid, gid);
		}
		if (lock_down(o->caps))
			_exit(126);
		command(ctx, o, sv[1]);
	}
	close(st[1]);
	if (notify) {
		close(sv[1]);
		nfd = ml_recv_fd(sv[0], -1);
		close(sv[0]);
	}
	for (;;) {
		struct pollfd p = { .fd = nfd, .events = POLLIN };

		if (nfd >= 0 && poll(&p, 1, 50) == 1 && (p.revents & POLLIN))
			supervise(nfd, allowed, nallowed);
		if (waitpid(pid, &status, nfd >= 0 ? WNOHANG : 0) == pid)
			break;
	}
	if (nfd >= 0)
		close(nfd);
	/* under --isolate, the command's own end, as PID 1 saw it */
	if (st[0] >= 0) {
		if (WIFEXITED(status) && !WEXITSTATUS(status) &&
		    read(st[0], &cmdst, sizeof(cmdst)) == sizeof(cmdst))
			status = cmdst;
		close(st[0]);
	}
	return report_end(o->cmd[0], status);
}

int ml_sandbox_main(int argc, char **argv)
{
	int allowed[MAX_NAMES];
	size_t nallowed = 0;
	struct sandbox_opts o;
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
	ctx = rc ? NULL : build(&o, err, sizeof(err));
	if (!ctx) {
		fprintf(stderr, "modelab sandbox: %s\ntry 'modelab help sandbox'\n",
			err);
		return 2;
	}
	if (o.explain) {
		fflush(stdout);
		seccomp_export_pfc(ctx, STDOUT_FILENO);
		ml_bpf_explain(stdout, ctx);
		seccomp_release(ctx);
		return 0;
	}
	rc = run(ctx, &o, allowed, nallowed);
	seccomp_release(ctx);
	return rc;
}
