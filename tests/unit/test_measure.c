// SPDX-License-Identifier: GPL-2.0
/*
 * test_measure.c - the rounds engine, on figures that cost next to
 * nothing: what it promises whatever the machine's speed.  Slices are
 * balanced by enter and leave, a failed figure has no median, a pair is
 * taken over the same rounds, the reference's ratio to itself is 1, and
 * no time is negative however slow and noisy what is subtracted is.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "measure/measuring.h"
#include "measure/run.h"

static int entered, left, ran;

static int spin(struct ml_ctx *ctx)
{
	for (volatile uint64_t i = 0; i < ctx->n; i++)
		;
	ran++;
	return 0;
}

static int enter(struct ml_ctx *ctx)
{
	(void)ctx;
	entered++;
	return 0;
}

static int leave(struct ml_ctx *ctx)
{
	(void)ctx;
	left++;
	return 0;
}

static int fails_at_once(struct ml_ctx *ctx)
{
	if (ctx->n)
		return ml_error(ctx, "the peer (pid %d) is gone", 42);
	return 0;
}

/* What the hooks of the "seen" figure were handed. */
static unsigned int passes_seen;	/* one bit per enum ml_pass */
static int data_seen;

static int records(struct ml_ctx *ctx)
{
	passes_seen |= 1u << ctx->pass;
	data_seen += ctx->data == &data_seen;
	return 0;
}

static int cannot_set_up(struct ml_ctx *ctx)
{
	return ml_error(ctx, "the shared memory is gone");
}

static int refuses(struct ml_ctx *ctx)
{
	return ml_skip(ctx, "no such device");
}

/* Busy until ns have passed: never shorter, whatever the machine does. */
static void busy_ns(uint64_t ns)
{
	uint64_t end = ml_monotonic_ns() + ns;

	while (ml_monotonic_ns() < end)
		;
}

/*
 * A transfer like ipc's shm-sem-4KiB-2cpu: n messages of 200 ns each,
 * then an acknowledgement that takes 20 to 200 us, different every time
 * (a peer asleep, or not).  The empty batch is the acknowledgement alone.
 */
static uint64_t ack_seed = 0x2545f4914f6cdd1dull;

static int slow_ack(struct ml_ctx *ctx)
{
	busy_ns(200 * ctx->n);
	ack_seed ^= ack_seed << 13;
	ack_seed ^= ack_seed >> 7;
	ack_seed ^= ack_seed << 17;
	busy_ns(20000 + ack_seed % 180000);
	return 0;
}

static const struct ml_figure figs[] = {
	{ .name = "a", .what = "a", .run = spin, .group = "g",
	  .enter = enter, .leave = leave },
	{ .name = "b", .what = "b", .run = spin, .group = "g",
	  .pair_with = "a", .claim = ML_CLAIM_CHEAPER },
	{ .name = "broken", .what = "fails", .run = fails_at_once },
	{ .name = "absent", .what = "skipped", .run = spin,
	  .setup = refuses },
	{ .name = "null", .what = "the reference", .run = ml_null_syscall,
	  .group = "g" },
	{ .name = "seen", .what = "records", .run = records,
	  .setup = records, .prepare = records, .data = &data_seen },
	{ .name = "unready", .what = "setup fails", .run = spin,
	  .setup = cannot_set_up },
	{ .name = "acked", .what = "a slow, noisy acknowledgement",
	  .run = slow_ack },
	{ .name = "acked-short", .what = "the same, batches capped short",
	  .run = slow_ack, .max_batch = 50 },
};
static const struct ml_probe probe = { "t", "test", figs, 9, 0 };

static struct ml_clock clk;
static struct ml_measure_opts opts;

static int setup(void **state)
{
	(void)state;
	entered = left = ran = 0;
	ml_clock_init(&clk, ML_CLOCK_MONOTONIC, 1);
	ml_measure_defaults(&opts, true);
	opts.budget_s = 0.02;
	return 0;
}

static void slices_are_balanced_and_rounds_counted(void **state)
{
	const struct ml_figure *group[] = { &figs[0], &figs[1] };
	struct ml_result res[2];

	(void)state;
	assert_int_equal(ml_measure_group(&clk, &opts, &probe, group, 2, res),
			 0);
	/* one enter for preparing, then one per round's slice */
	assert_int_equal(entered, left);
	assert_int_equal((size_t)entered, res[0].rounds + 1);
	assert_int_equal(res[0].rounds, res[1].rounds);
	assert_true(res[0].rounds >= 1);
	assert_false(res[0].failed);
	assert_true(res[0].st.n > 0);
	assert_true(res[0].st.ci_low <= res[0].st.median);
	assert_true(res[0].st.median <= res[0].st.ci_high);
	/* the null syscall was beside them: a ratio, per round */
	assert_int_equal(res[0].ratio_ref.n, res[0].rounds);
	assert_true(isfinite(res[0].ratio_ref.value));
}

static void a_pair_is_taken_over_the_same_rounds(void **state)
{
	const struct ml_figure *group[] = { &figs[0], &figs[1] };
	struct ml_result res[2];

	(void)state;
	assert_int_equal(ml_measure_group(&clk, &opts, &probe, group, 2, res),
			 0);
	assert_null(res[0].pair_name);
	assert_string_equal(res[1].pair_name, "a");
	assert_int_equal(res[1].pair_ratio.n, res[1].rounds);
	assert_int_equal(res[1].pair_diff.n, res[1].rounds);
	assert_true(res[1].claim_outcome != ML_CLAIM_UNTESTED);
}

static void the_reference_against_itself_is_one(void **state)
{
	const struct ml_figure *group[] = { &figs[4], &figs[0] };
	struct ml_result res[2];

	(void)state;
	assert_int_equal(ml_measure_group(&clk, &opts, &probe, group, 2, res),
			 0);
	assert_float_equal(res[0].ratio_ref.value, 1, 0);
	assert_float_equal(res[0].ratio_ref.low, 1, 0);
	assert_float_equal(res[0].ratio_ref.high, 1, 0);
}

static void a_failed_figure_has_no_median(void **state)
{
	const struct ml_figure *group[] = { &figs[2] };
	struct ml_result res;

	(void)state;
	assert_int_equal(ml_measure_group(&clk, &opts, &probe, group, 1, &res),
			 0);
	assert_true(res.failed);
	assert_string_equal(res.fail_reason, "the peer (pid 42) is gone");
	assert_int_equal(res.st.n, 0);
	assert_int_equal(res.rounds, 0);
}

static void a_refused_setup_skips_with_its_reason(void **state)
{
	const struct ml_figure *group[] = { &figs[3] };
	struct ml_result res;

	(void)state;
	assert_int_equal(ml_measure_group(&clk, &opts, &probe, group, 1, &res),
			 0);
	assert_true(res.skipped);
	assert_string_equal(res.skip_reason, "no such device");
	assert_int_equal(ran, 0);
}

static void hooks_are_told_the_pass_and_get_the_figures_data(void **state)
{
	const struct ml_figure *group[] = { &figs[5] };
	struct ml_result res;

	(void)state;
	passes_seen = 0;
	data_seen = 0;
	assert_int_equal(ml_measure_group(&clk, &opts, &probe, group, 1, &res),
			 0);
	assert_false(res.failed);
	assert_int_equal(passes_seen, (1u << ML_PASS_SETUP) |
					      (1u << ML_PASS_WARMUP) |
					      (1u << ML_PASS_TIMED));
	assert_true(data_seen > 0);
}

static void a_failed_setup_fails_the_figure_with_its_reason(void **state)
{
	const struct ml_figure *group[] = { &figs[6] };
	struct ml_result res;

	(void)state;
	assert_int_equal(ml_measure_group(&clk, &opts, &probe, group, 1, &res),
			 0);
	assert_false(res.skipped);
	assert_true(res.failed);
	assert_string_equal(res.fail_reason,
			    "cannot set up: the shared memory is gone");
	assert_int_equal(ran, 0);
}

/*
 * What is subtracted from a batch (the acknowledgement, median about
 * 110 us) is at most a twentieth of it once the batch may grow: about
 * 11,000 messages, not the 50 a 10 us batch would hold.  Capped at 50
 * messages (10 us of work beside 20 to 200 us of acknowledgement), half
 * the batches are shorter than the median acknowledgement: they count
 * as 0, never as a negative time.
 */
static void a_noisy_acknowledgement_never_makes_a_negative_time(void **state)
{
	const struct ml_figure *one[] = { &figs[7] }, *capped[] = { &figs[8] };
	struct ml_result res;

	(void)state;
	opts.budget_s = 0.2;
	assert_int_equal(ml_measure_group(&clk, &opts, &probe, one, 1, &res),
			 0);
	assert_false(res.failed);
	assert_true(res.st.min >= 0);
	assert_true(res.st.ci_low >= 0);
	assert_true(res.ratio_ref.low >= 0);
	assert_true(res.batch_ops > 50);
	print_message("acked: batches of %llu, empty %.0f ns, median %.1f ns [%.1f, %.1f], min %.1f\n",
		      (unsigned long long)res.batch_ops, res.empty_batch_ns,
		      res.st.median, res.st.ci_low, res.st.ci_high, res.st.min);
	assert_int_equal(ml_measure_group(&clk, &opts, &probe, capped, 1,
					  &res), 0);
	assert_int_equal(res.batch_ops, 50);
	assert_true(res.st.min >= 0);
	assert_true(res.st.ci_low >= 0);
	assert_true(res.ratio_ref.low >= 0);
	print_message("acked-short: batches of %llu, median %.1f ns [%.1f, %.1f], min %.1f\n",
		      (unsigned long long)res.batch_ops, res.st.median,
		      res.st.ci_low, res.st.ci_high, res.st.min);
}

static void ml_fail_outside_a_figure_does_nothing(void **state)
{
	(void)state;
	ml_fail("nobody to blame");	/* must not crash */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(slices_are_balanced_and_rounds_counted,
				       setup),
		cmocka_unit_test_setup(a_pair_is_taken_over_the_same_rounds,
				       setup),
		cmocka_unit_test_setup(the_reference_against_itself_is_one,
				       setup),
		cmocka_unit_test_setup(a_failed_figure_has_no_median, setup),
		cmocka_unit_test_setup(a_refused_setup_skips_with_its_reason,
				       setup),
		cmocka_unit_test_setup(
			hooks_are_told_the_pass_and_get_the_figures_data,
			setup),
		cmocka_unit_test_setup(
			a_failed_setup_fails_the_figure_with_its_reason, setup),
		cmocka_unit_test_setup(
			a_noisy_acknowledgement_never_makes_a_negative_time,
			setup),
		cmocka_unit_test(ml_fail_outside_a_figure_does_nothing),
	};

	return cmocka_run_group_tests_name("measure", tests, NULL, NULL);
}
