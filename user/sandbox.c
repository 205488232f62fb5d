// SPDX-License-Identifier: GPL-2.0
/*
 * sandbox.c - `modelab sandbox`: run a command under a seccomp filter.
 *
 * The filter is built in the parent (so a bad list or profile fails
 * before anything runs), loaded in the child just before execve, and
 * inherited by the command.  With --action notify the parent stays on as
 * the supervisor: the kernel hands it every call the filter sends its
 * way, it prints the call and allows or refuses it.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <getopt.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_NAMES 512

struct sandbox_opts {
	const char *allow, *deny, *profile, *action, *notify_allow;
	bool explain;
	char **cmd;
};

static void sandbox_usage(FILE *out)
{
	fprintf(out,
		"usage: modelab sandbox (--allow LIST | --deny LIST | --profile FILE)\n"
		"                       [--action ACTION] [--notify-allow LIST] [--explain]\n"
		"                       [--] COMMAND [ARG...]\n"
		"  --allow LIST        allow these syscalls (comma-separated), refuse the rest\n"
		"  --deny LIST         refuse these syscalls, allow the rest\n"
		"  --profile FILE      an OCI runtime-spec seccomp profile (Docker, Podman)\n"
		"  --action ACTION     what a refused call gets: errno (EPERM), errno:NAME,\n"
		"                      kill, trap, log or notify (default errno)\n"
		"  --notify-allow LIST with --action notify: the supervisor lets these through\n"
		"  --explain           print the filter (libseccomp's PFC, then the BPF) and stop\n");
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, sources;

	memset(o, 0, sizeof(*o));
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
		ctx = ml_profile_load(o->profile, &info, err, len);
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

static int run(scmp_filter_ctx ctx, const struct sandbox_opts *o,
	       const int *allowed, size_t nallowed)
{
	bool notify = o->action && !strcmp(o->action, "notify");
	int sv[2] = { -1, -1 }, nfd = -1, status;
	pid_t pid;

	if (notify && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		perror("modelab sandbox: socketpair");
		return 1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("modelab sandbox: fork");
		return 1;
	}
	if (pid == 0) {
		if (seccomp_load(ctx)) {
			fprintf(stderr, "modelab sandbox: the kernel refused the filter\n");
			_exit(126);
		}
		if (notify && ml_send_fd(sv[1], seccomp_notify_fd(ctx)))
			_exit(126);
		execvp(o->cmd[0], o->cmd);
		fprintf(stderr, "modelab sandbox: cannot run '%s': %s\n",
			o->cmd[0], strerror(errno));
		_exit(127);
	}
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
		sandbox_usage(stdout);
		return 0;
	}
	if (!rc && o.notify_allow &&
	    ml_syscall_list_parse(o.notify_allow, allowed, MAX_NAMES,
				  &nallowed, "--notify-allow", err,
				  sizeof(err)))
		rc = -1;
	ctx = rc ? NULL : build(&o, err, sizeof(err));
	if (!ctx) {
		fprintf(stderr, "modelab sandbox: %s\n", err);
		sandbox_usage(stderr);
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
