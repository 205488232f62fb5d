// SPDX-License-Identifier: GPL-2.0
/*
 * test_argwidth.c - argument rules on the bits the kernel reads
 * (user/seccomp/argwidth.c): for each operator, each value and many arguments
 * (bit 32 set or not, at the edges, random), the rules it becomes match
 * exactly when the operator holds for the argument's low bits; widths
 * come from the kernel's prototypes; values that do not fit are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/profile.h"

static void widths_from_the_prototypes(void **state)
{
	(void)state;
	assert_int_equal(ml_arg_width("socket", 0), 32);
	assert_int_equal(ml_arg_width("socket", 2), 32);
	assert_int_equal(ml_arg_width("umask", 0), 32);
	assert_int_equal(ml_arg_width("chmod", 1), 16);	/* umode_t */
	assert_int_equal(ml_arg_width("chmod", 0), 64);	/* a pointer */
	assert_int_equal(ml_arg_width("ioctl", 1), 32);
	assert_int_equal(ml_arg_width("ioctl", 2), 64);
	assert_int_equal(ml_arg_width("clone", 0), 32);	/* lower_32_bits */
	assert_int_equal(ml_arg_width("mmap", 4), 64);
	assert_int_equal(ml_arg_width("uname", 0), 64);
	assert_int_equal(ml_arg_width("no_such_call", 0), 64);
}

/* what the kernel would decide: op on the low width bits */
static bool holds(enum scmp_compare op, uint64_t x, uint64_t a, uint64_t b,
		  unsigned int w)
{
	uint64_t m = w == 64 ? ~0ULL : (1ULL << w) - 1;

	x &= m;
	a &= m;
	b &= m;
	switch (op) {
	case SCMP_CMP_EQ: return x == a;
	case SCMP_CMP_NE: return x != a;
	case SCMP_CMP_LT: return x < a;
	case SCMP_CMP_LE: return x <= a;
	case SCMP_CMP_GT: return x > a;
	case SCMP_CMP_GE: return x >= a;
	case SCMP_CMP_MASKED_EQ: return (x & a) == b;
	default: return false;
	}
}

static bool matches(const struct ml_arg_rule *r, int n, uint64_t x)
{
	for (int i = 0; i < n; i++) {
		bool all = true;

		for (unsigned int k = 0; k < r[i].n; k++)
			all &= (x & r[i].cmp[k].datum_a) == r[i].cmp[k].datum_b;
		if (all)
			return true;
	}
	return false;
}

static void every_operator_on_the_low_bits(void **state)
{
	static struct ml_arg_rule out[256];
	const enum scmp_compare ops[] = { SCMP_CMP_EQ, SCMP_CMP_NE, SCMP_CMP_LT,
					  SCMP_CMP_LE, SCMP_CMP_GT, SCMP_CMP_GE,
					  SCMP_CMP_MASKED_EQ };
	const uint64_t values[] = { 0, 1, 2, 9, 16, 18, 40, 0x20000, 0x7fffffff,
				    0x80000000, 0xfffffffe, 0xffffffff,
				    0xffffffffffffff9cULL /* AT_FDCWD */ };
	const char *const calls[] = { "socket", "chmod" };
	const unsigned int args[] = { 0, 1 };
	char err[256];

	(void)state;
	srand(1);
	for (size_t c = 0; c < 2; c++) {
		unsigned int w = ml_arg_width(calls[c], args[c]);

		for (size_t o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
			for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
				struct scmp_arg_cmp cmp = { args[c], ops[o], values[v],
							    values[v] & 0x12 };
				int n = ml_arg_rules(calls[c], &cmp, 1, false, out, 256,
						     err, sizeof(err));

				if (w == 16 && ops[o] != SCMP_CMP_MASKED_EQ &&
				    values[v] > 0xffff &&
				    values[v] < 0xffffffffffff8000ULL) {
					assert_int_equal(n, -1);	/* does not fit */
					continue;
				}
				assert_true(n >= 0);
				for (int t = 0; t < 400; t++) {
					uint64_t x = t < 13 ? values[t] :
						     ((uint64_t)rand() << 33 ^ (uint64_t)rand());

					if (t >= 13 && t < 30)
						x = values[t % 13] + (uint64_t)(t % 3) - 1;
					if (t % 2)
						x |= 1ULL << 32;	/* what the kernel ignores */
					assert_int_equal(matches(out, n, x),
							 holds(ops[o], x, cmp.datum_a,
							       cmp.datum_b, w));
				}
			}
		}
	}
}

static void a_rule_is_the_product(void **state)
{
	static struct ml_arg_rule out[256];
	/* Podman's: socket(AF_NETLINK, *, NETLINK_AUDIT), and bit 32 does not help */
	struct scmp_arg_cmp two[2] = { { 0, SCMP_CMP_EQ, 16, 0 },
				       { 2, SCMP_CMP_EQ, 9, 0 } };
	struct scmp_arg_cmp nes[2] = { { 0, SCMP_CMP_NE, 1, 0 },
				       { 2, SCMP_CMP_NE, 2, 0 } };
	char err[256];
	int n;

	(void)state;
	n = ml_arg_rules("socket", two, 2, false, out, 256, err, sizeof(err));
	assert_int_equal(n, 1);
	assert_int_equal(out[0].n, 2);
	assert_int_equal(out[0].cmp[0].op, SCMP_CMP_MASKED_EQ);
	assert_true(out[0].cmp[0].datum_a == 0xffffffff && out[0].cmp[0].datum_b == 16);
	/* split (two comparisons on one argument, as crun): one rule each */
	n = ml_arg_rules("socket", two, 2, true, out, 256, err, sizeof(err));
	assert_int_equal(n, 2);
	/* 32 x 32 = 1024 rules: refused, with what to do instead */
	n = ml_arg_rules("socket", nes, 2, false, out, 256, err, sizeof(err));
	assert_int_equal(n, -1);
	assert_non_null(strstr(err, "more than 256 rules"));
	/* a value no int holds */
	two[0].datum_a = 0x100000010ULL;
	n = ml_arg_rules("socket", two, 1, false, out, 256, err, sizeof(err));
	assert_int_equal(n, -1);
	assert_non_null(strstr(err, "does not fit"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(widths_from_the_prototypes),
		cmocka_unit_test(every_operator_on_the_low_bits),
		cmocka_unit_test(a_rule_is_the_product),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
