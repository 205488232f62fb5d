// SPDX-License-Identifier: GPL-2.0
/*
 * test_filter.c - seccomp filters from words and profiles, one table row
 * per case: what is accepted, what each error says and which field it
 * names.  Nothing here loads a filter.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <seccomp.h>
#include <string.h>

#include "modelab.h"

static void actions_parse(void **state)
{
	static const struct {
		const char *word;
		uint32_t action;
	} ok[] = {
		{ "errno", SCMP_ACT_ERRNO(EPERM) },
		{ "errno:EACCES", SCMP_ACT_ERRNO(EACCES) },
		{ "errno:38", SCMP_ACT_ERRNO(38) },
		{ "kill", SCMP_ACT_KILL_PROCESS },
		{ "trap", SCMP_ACT_TRAP },
		{ "log", SCMP_ACT_LOG },
		{ "notify", SCMP_ACT_NOTIFY },
	};
	static const struct {
		const char *word, *message;
	} bad[] = {
		{ "frob", "--action: unknown action 'frob' (errno[:NAME], kill, trap, log, notify)" },
		{ "errno:EFROB", "--action: unknown errno 'EFROB'" },
		{ "errno:0", "--action: unknown errno '0'" },
		{ "errno:4096", "--action: unknown errno '4096'" },
		{ "errno:", "--action: unknown errno ''" },
		{ "", "--action: unknown action '' (errno[:NAME], kill, trap, log, notify)" },
	};
	char err[256];
	uint32_t a;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(ml_action_parse(ok[i].word, &a, err, sizeof(err)), 0);
		assert_int_equal(a, ok[i].action);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ml_action_parse(bad[i].word, &a, err, sizeof(err)), -1);
		assert_string_equal(err, bad[i].message);
	}
}

static void syscall_lists_parse(void **state)
{
	static const struct {
		const char *list, *message;
	} bad[] = {
		{ "read,nosuch", "--deny: unknown syscall 'nosuch'" },
		{ "read,,write", "--deny: empty syscall name in 'read,,write'" },
		{ "", "--deny: empty syscall name in ''" },
		{ "read,", "--deny: empty syscall name in 'read,'" },
	};
	int nrs[8];
	size_t n;
	char err[256];

	(void)state;
	assert_int_equal(ml_syscall_list_parse("read,write,getppid", nrs, 8, &n,
					       "--deny", err, sizeof(err)),
			 0);
	assert_int_equal(n, 3);
	assert_int_equal(nrs[2], SCMP_SYS(getppid));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ml_syscall_list_parse(bad[i].list, nrs, 8, &n,
						       "--deny", err, sizeof(err)),
				 -1);
		assert_string_equal(err, bad[i].message);
	}
	assert_int_equal(ml_syscall_list_parse("read,write", nrs, 1, &n, "--allow",
					       err, sizeof(err)),
			 -1);
	assert_string_equal(err, "--allow: too many syscalls");
}

/* Profiles that are wrong, and the field each error must name. */
static const struct {
	const char *json, *message;
} bad_profiles[] = {
	{ "{", "profile: not valid JSON at byte 1: unexpected end of data" },
	{ "{\"defaultAction\" \"x\"}",
	  "profile: not valid JSON at byte 17: object property name separator ':' expected" },
	{ "[]", "profile: the top level: expected an object" },
	{ "{}", "profile: defaultAction: missing" },
	{ "{\"defaultAction\": 1}", "profile: defaultAction: expected a string" },
	{ "{\"defaultAction\": \"SCMP_ACT_FROB\"}",
	  "profile: defaultAction: unknown action 'SCMP_ACT_FROB'" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/x\"}",
	  "profile: listenerPath: unsupported field" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": \"1\"}",
	  "profile: defaultErrnoRet: expected an integer" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": {}}",
	  "profile: syscalls: expected an array" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"]}]}",
	  "profile: syscalls[0].action: missing" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 70000}]}",
	  "profile: syscalls[0].errnoRet: 70000 is out of range" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": \"read\", \"action\": \"SCMP_ACT_ERRNO\"}]}",
	  "profile: syscalls[0].names: expected an array" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [7], \"action\": \"SCMP_ACT_ERRNO\"}]}",
	  "profile: syscalls[0].names[0]: expected a string" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"bogus\": 1}]}",
	  "profile: syscalls[0].bogus: unsupported field" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 6, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}",
	  "profile: syscalls[0].args[0].index: expected 0 to 5" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_ABOUT\"}]}]}",
	  "profile: syscalls[0].args[0].op: unknown operator 'SCMP_CMP_ABOUT'" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_VAX\"]}",
	  "profile: architectures[0]: unknown architecture 'SCMP_ARCH_VAX'" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"]}",
	  "profile: flags[0]: unsupported flag 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"includes\": {\"kernel\": \"5\"}}]}",
	  "profile: syscalls[0].includes.kernel: unsupported field" },
};

static void bad_profiles_name_the_field(void **state)
{
	struct ml_profile_info info;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad_profiles) / sizeof(bad_profiles[0]); i++) {
		assert_null(ml_profile_parse(bad_profiles[i].json, &info, err,
					     sizeof(err)));
		assert_string_equal(err, bad_profiles[i].message);
	}
}

/* An OCI profile (runtime-spec) and a Docker one (archMap, includes). */
static void good_profiles_count_their_rules(void **state)
{
	static const char oci[] =
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1,"
		" \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\"],"
		" \"syscalls\": ["
		"  {\"names\": [\"read\", \"write\", \"exit_group\", \"no_such_call\"],"
		"   \"action\": \"SCMP_ACT_ALLOW\"},"
		"  {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\","
		"   \"args\": [{\"index\": 0, \"value\": 0, \"valueTwo\": 0, \"op\": \"SCMP_CMP_EQ\"}]},"
		"  {\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13}"
		" ]}";
	static const char docker[] =
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
		" \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\","
		"   \"subArchitectures\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]},"
		"  {\"architecture\": \"SCMP_ARCH_AARCH64\", \"subArchitectures\": [\"SCMP_ARCH_ARM\"]}],"
		" \"syscalls\": ["
		"  {\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"comment\": \"\"},"
		"  {\"names\": [\"write\"], \"action\": \"SCMP_ACT_ALLOW\","
		"   \"includes\": {\"arches\": [\"s390x\"]}},"
		"  {\"names\": [\"uname\"], \"action\": \"SCMP_ACT_ALLOW\","
		"   \"includes\": {\"arches\": [\"amd64\"], \"minKernel\": \"2.6\"}},"
		"  {\"names\": [\"close\"], \"action\": \"SCMP_ACT_ALLOW\","
		"   \"excludes\": {\"arches\": [\"amd64\"]}}"
		" ]}";
	struct ml_profile_info info;
	char err[256];
	void *ctx;

	(void)state;
	ctx = ml_profile_parse(oci, &info, err, sizeof(err));
	assert_non_null(ctx);
	assert_int_equal(info.rules_added, 5);
	assert_int_equal(info.names_unknown, 1);
	seccomp_release(ctx);

	ctx = ml_profile_parse(docker, &info, err, sizeof(err));
	assert_non_null(ctx);
	assert_int_equal(info.rules_added, 2);	/* read, uname */
	assert_int_equal(info.rules_skipped, 2);	/* s390x only; not amd64 */
	seccomp_release(ctx);
}

static void errnos_parse(void **state)
{
	(void)state;
	assert_int_equal(ml_errno_parse("EPERM"), EPERM);
	assert_int_equal(ml_errno_parse("13"), 13);
	assert_int_equal(ml_errno_parse("13x"), -1);
	assert_int_equal(ml_errno_parse("-1"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(actions_parse),
		cmocka_unit_test(syscall_lists_parse),
		cmocka_unit_test(bad_profiles_name_the_field),
		cmocka_unit_test(good_profiles_count_their_rules),
		cmocka_unit_test(errnos_parse),
	};

	return cmocka_run_group_tests_name("filter", tests, NULL, NULL);
}
