// SPDX-License-Identifier: GPL-2.0
/*
 * test_caps.c - `modelab sandbox --caps`: every word to its mask, and what
 * each bad list says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "seccomp/policy.h"

static const struct {
	const char *list;
	uint64_t mask;
} good[] = {
	{ "none", 0 },
	{ "NONE", 0 },
	{ "docker", 0xa80425fbULL },
	{ "all", (1ULL << 41) - 1 },	/* CAP_CHOWN .. CAP_CHECKPOINT_RESTORE */
	{ "chown,kill", 0x21 },
	{ "CAP_CHOWN,cap_kill,Kill", 0x21 },
	{ "sys_ptrace", 1ULL << 19 },
	{ "checkpoint_restore", 1ULL << 40 },
	{ "docker,sys_ptrace", 0xa80425fbULL | 1ULL << 19 },
};

static const struct {
	const char *list, *message;
} bad[] = {
	{ "frob", "--caps: unknown capability 'frob' (docker, none, all, or names such as chown,CAP_KILL)" },
	{ "chown,CAP_FROB", "--caps: unknown capability 'CAP_FROB' (docker, none, all, or names such as chown,CAP_KILL)" },
	{ "", "--caps: an empty name in ''" },
	{ "chown,", "--caps: an empty name in 'chown,'" },
	{ "kill,none", "--caps: 'none' goes alone, not in a list" },
};

static void every_word_to_its_mask(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char err[256] = "";
		uint64_t mask = 1234;

		assert_int_equal(ml_caps_parse(good[i].list, &mask, err, sizeof(err)), 0);
		assert_int_equal(mask, good[i].mask);
	}
}

static void bad_lists_name_the_problem(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[256] = "";
		uint64_t mask;

		assert_int_equal(ml_caps_parse(bad[i].list, &mask, err, sizeof(err)), -1);
		assert_string_equal(err, bad[i].message);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_word_to_its_mask),
		cmocka_unit_test(bad_lists_name_the_problem),
	};

	return cmocka_run_group_tests_name("caps", tests, NULL, NULL);
}
