// SPDX-License-Identifier: GPL-2.0
/*
 * test_decode.c - a call's arguments spelled out for the notify
 * supervisor, one table row per case: flags, dirfds, families and socket
 * types by name, and whole calls whose strings, argv, open_how and
 * sockaddr are read through a reader over this process's own memory.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "isa/arch.h"
#include "seccomp/policy.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>


#define N(a) (sizeof(a) / sizeof((a)[0]))

static void open_flags(void **state)
{
	static const struct {
		uint64_t flags;
		const char *want;
	} t[] = {
		{ O_RDONLY, "O_RDONLY" },
		{ O_RDONLY | O_CLOEXEC, "O_RDONLY|O_CLOEXEC" },
		{ O_WRONLY | O_CREAT | O_TRUNC, "O_WRONLY|O_CREAT|O_TRUNC" },
		{ O_RDWR | O_APPEND | O_NONBLOCK, "O_RDWR|O_APPEND|O_NONBLOCK" },
		{ O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
		  "O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC" },
		{ O_WRONLY | O_SYNC, "O_WRONLY|O_SYNC" },
		{ O_WRONLY | O_DSYNC, "O_WRONLY|O_DSYNC" },
		{ O_RDWR | O_TMPFILE, "O_RDWR|O_TMPFILE" },
		{ O_PATH | O_CLOEXEC, "O_RDONLY|O_CLOEXEC|O_PATH" },
		{ ML_ARCH_O_LARGEFILE, "O_RDONLY|O_LARGEFILE" },
		{ O_RDONLY | 0x80000000u, "O_RDONLY|0x80000000" },
	};
	char buf[256];

	(void)state;
	for (size_t i = 0; i < N(t); i++)
		assert_string_equal(ml_decode_open_flags(t[i].flags, buf, sizeof(buf)),
				    t[i].want);
}

static void names(void **state)
{
	static const struct {
		const char *(*fn)(uint64_t, char *, size_t);
		uint64_t v;
		const char *want;
	} t[] = {
		{ ml_decode_dirfd, (uint32_t)AT_FDCWD, "AT_FDCWD" },
		{ ml_decode_dirfd, (uint64_t)(int64_t)AT_FDCWD, "AT_FDCWD" },
		{ ml_decode_dirfd, 3, "3" },
		{ ml_decode_family, AF_INET, "AF_INET" },
		{ ml_decode_family, AF_INET6, "AF_INET6" },
		{ ml_decode_family, AF_UNIX, "AF_UNIX" },
		{ ml_decode_family, AF_NETLINK, "AF_NETLINK" },
		{ ml_decode_family, 99, "99" },
		{ ml_decode_sock_type, SOCK_STREAM, "SOCK_STREAM" },
		{ ml_decode_sock_type, SOCK_DGRAM | SOCK_CLOEXEC,
		  "SOCK_DGRAM|SOCK_CLOEXEC" },
		{ ml_decode_sock_type, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		  "SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK" },
		{ ml_decode_at_flags, 0, "0" },
		{ ml_decode_at_flags, AT_EMPTY_PATH, "AT_EMPTY_PATH" },
		{ ml_decode_at_flags, AT_REMOVEDIR, "AT_REMOVEDIR" },
		{ ml_decode_at_flags, AT_SYMLINK_NOFOLLOW | 0x10000,
		  "AT_SYMLINK_NOFOLLOW|0x10000" },
	};
	char buf[128];

	(void)state;
	for (size_t i = 0; i < N(t); i++)
		assert_string_equal(t[i].fn(t[i].v, buf, sizeof(buf)), t[i].want);
}

/* The "caller" is this process; address 0 and 1 are unreadable. */
static ssize_t self_read(void *cookie, uint64_t addr, void *buf, size_t len)
{
	(void)cookie;
	if (addr < 4096)
		return -1;
	memcpy(buf, (const void *)(uintptr_t)addr, len);
	return (ssize_t)len;
}

#define P(x) ((uint64_t)(uintptr_t)(x))

static void calls(void **state)
{
	/* the reader copies a fixed length: give every string room */
	static char path[128] = "/etc/hostname", sh[128] = "/bin/sh",
		    arg1[128] = "-c", arg2[128] = "echo \"hi\"\n",
		    empty[128] = "";
	static char *argv[16] = { sh, arg1, arg2, NULL };
	static char *longv[16] = { sh, sh, sh, sh, sh, sh, sh, sh, sh, sh };
	static char longpath[128];
	static struct open_how how = { .flags = O_RDONLY | O_CLOEXEC,
				       .resolve = 0x8 };
	static struct sockaddr_storage in, un;
	struct sockaddr_in *sin = (struct sockaddr_in *)&in;
	struct sockaddr_un *sun = (struct sockaddr_un *)&un;
	struct {
		const char *name;
		uint64_t a[6];
		const char *want;
	} t[] = {
		{ "openat", { (uint32_t)AT_FDCWD, P(path), O_RDONLY | O_CLOEXEC },
		  "openat(AT_FDCWD, \"/etc/hostname\", O_RDONLY|O_CLOEXEC)" },
		{ "openat", { 3, P(path), O_WRONLY | O_CREAT, 0644 },
		  "openat(3, \"/etc/hostname\", O_WRONLY|O_CREAT, 0644)" },
		{ "open", { P(path), O_RDONLY }, "open(\"/etc/hostname\", O_RDONLY)" },
		{ "openat2", { (uint32_t)AT_FDCWD, P(path), P(&how), sizeof(how) },
		  "openat2(AT_FDCWD, \"/etc/hostname\", {flags=O_RDONLY|O_CLOEXEC, mode=0, resolve=0x8}, 24)" },
		{ "execve", { P(sh), P(argv), 0x7ffd0000 },
		  "execve(\"/bin/sh\", [\"/bin/sh\", \"-c\", \"echo \\\"hi\\\"\\x0a\"], 0x7ffd0000)" },
		{ "execve", { P(sh), P(longv), 0 },
		  "execve(\"/bin/sh\", [\"/bin/sh\", \"/bin/sh\", \"/bin/sh\", \"/bin/sh\", \"/bin/sh\", \"/bin/sh\", \"/bin/sh\", \"/bin/sh\", ...], 0)" },
		{ "execveat", { 5, P(empty), P(argv), 0, AT_EMPTY_PATH },
		  "execveat(5, \"\", [\"/bin/sh\", \"-c\", \"echo \\\"hi\\\"\\x0a\"], 0, AT_EMPTY_PATH)" },
		{ "socket", { AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0 },
		  "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0)" },
		{ "connect", { 3, P(&in), sizeof(*sin) },
		  "connect(3, {AF_INET, 127.0.0.1:8080}, 16)" },
		{ "connect", { 4, P(&un), sizeof(*sun) },
		  "connect(4, {AF_UNIX, \"/run/x.sock\"}, 110)" },
		{ "unlinkat", { (uint32_t)AT_FDCWD, P(path), AT_REMOVEDIR },
		  "unlinkat(AT_FDCWD, \"/etc/hostname\", AT_REMOVEDIR)" },
		{ "mkdirat", { (uint32_t)AT_FDCWD, P(path), 0755 },
		  "mkdirat(AT_FDCWD, \"/etc/hostname\", 0755)" },
		{ "openat", { (uint32_t)AT_FDCWD, 1, O_RDONLY },
		  "openat(AT_FDCWD, 0x1, O_RDONLY)" },
		{ "openat", { (uint32_t)AT_FDCWD, 0, O_RDONLY },
		  "openat(AT_FDCWD, NULL, O_RDONLY)" },
		{ "open", { P(longpath), O_RDONLY },
		  "open(\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"..., O_RDONLY)" },
		{ "uname", { 0x7ffe1234, 0, 0, 0, 0, 0 },
		  "uname(0x7ffe1234, 0, 0, 0, 0, 0)" },
	};
	char buf[512];

	(void)state;
	memset(longpath, 'x', 100);
	sin->sin_family = AF_INET;
	sin->sin_port = htons(8080);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sun->sun_family = AF_UNIX;
	strcpy(sun->sun_path, "/run/x.sock");
	for (size_t i = 0; i < N(t); i++) {
		ml_decode_call(buf, sizeof(buf), t[i].name, t[i].a, self_read,
			       NULL);
		assert_string_equal(buf, t[i].want);
	}
	/* no reader: pointers stay hex; a short buffer is cut, never overrun */
	ml_decode_call(buf, sizeof(buf), "open", (uint64_t[6]){ 0x1000, 0 },
		       NULL, NULL);
	assert_string_equal(buf, "open(0x1000, O_RDONLY)");
	assert_int_equal(ml_decode_call(buf, 8, "openat", t[0].a, self_read,
					NULL), 7);
	assert_string_equal(buf, "openat(");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_flags),
		cmocka_unit_test(names),
		cmocka_unit_test(calls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
