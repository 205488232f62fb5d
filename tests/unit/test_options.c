// SPDX-License-Identifier: GPL-2.0
/*
 * test_options.c - the command line, one table row per case (libseccomp's
 * data-driven style): what is accepted and what each error says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "isa/arch.h"
#include "measure/measuring.h"
#include "report/output.h"
#include "cli/cli.h"
#include <string.h>


#define MAX_ARGS 10

struct bad_case {
	bool single;
	const char *argv[MAX_ARGS];
	const char *message;
};

static const struct bad_case bad[] = {
	{ false, { "modelab" }, "missing command" },
	{ false, { "modelab", "frob" }, "unknown command 'frob'" },
	{ false, { "modelab", "--frob", "run" }, "unknown option '--frob'" },
	{ false, { "modelab", "-x", "run" }, "unknown option '-x'" },
	/* getopt_long's optopt holds a long option's code, not a character */
	{ false, { "modelab", "--json=1", "run" },
	  "option '--json' takes no value" },
	{ false, { "modelab", "--no-kernel=1", "run" },
	  "option '--no-kernel' takes no value" },
	{ false, { "modelab", "--help=x" }, "option '--help' takes no value" },
	{ false, { "modelab", "-xV" }, "unknown option '-x'" },
	{ false, { "modelab", "run", "--cpu" }, "option '--cpu' needs a value" },
	{ false, { "modelab", "run", "--cpu", "abc" },
	  "--cpu: 'abc' is not a CPU number" },
	{ false, { "modelab", "run", "--cpu", "-1" },
	  "--cpu: '-1' is not a CPU number" },
	{ false, { "modelab", "run", "--cpu", "3x" },
	  "--cpu: '3x' is not a CPU number" },
	{ false, { "modelab", "run", "--time", "0" },
	  "--time: '0' is not a number of seconds in (0, 60]" },
	{ false, { "modelab", "run", "--time", "nan" },
	  "--time: 'nan' is not a number of seconds in (0, 60]" },
	{ false, { "modelab", "run", "--time", "61" },
	  "--time: '61' is not a number of seconds in (0, 60]" },
	{ false, { "modelab", "run", "--forks", "0" },
	  "--forks: '0' is not a number of processes from 1 to 32" },
	{ false, { "modelab", "run", "--forks", "33" },
	  "--forks: '33' is not a number of processes from 1 to 32" },
	{ false, { "modelab", "run", "--forks", "6x" },
	  "--forks: '6x' is not a number of processes from 1 to 32" },
	{ false, { "modelab", "run", "--json-out" },
	  "option '--json-out' needs a value" },
	{ false, { "modelab", "run", "--clock", "hpet" },
	  "--clock: 'hpet' is not " ML_ARCH_COUNTER " or monotonic" },
	{ false, { "modelab", "--json", "--csv", "run" },
	  "--json and --csv exclude each other" },
	{ false, { "modelab", "env", "syscall" },
	  "unexpected argument 'syscall'" },
	{ false, { "modelab", "help", "frob" },
	  "help: unknown command 'frob' (run, list, env, sandbox, kernel, plot, report, compare, isa)" },
	{ false, { "modelab", "help", "run", "list" },
	  "unexpected argument 'list'" },
	{ true, { "modelab-syscall", "run" }, "unexpected argument 'run'" },
};

static int argc_of(const char *const *argv)
{
	int n = 0;

	while (n < MAX_ARGS && argv[n])
		n++;
	return n;
}

static void bad_options_name_the_problem(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[MAX_ARGS + 1] = { 0 };
		struct ml_options o;
		char err[256];
		int argc = argc_of(bad[i].argv);

		memcpy(argv, bad[i].argv, sizeof(bad[i].argv));
		assert_int_equal(ml_parse_options(argc, argv, bad[i].single,
						  &o, err, sizeof(err)),
				 -1);
		assert_string_equal(err, bad[i].message);
	}
}

static struct ml_options parse_ok(bool single, const char **args)
{
	char *argv[MAX_ARGS + 1] = { 0 };
	struct ml_options o;
	char err[256];

	memcpy(argv, args, MAX_ARGS * sizeof(*args));
	assert_int_equal(ml_parse_options(argc_of(args), argv, single, &o,
					  err, sizeof(err)),
			 0);
	assert_string_equal(err, "");
	return o;
}

static void run_takes_options_before_and_after_probes(void **state)
{
	const char *args[MAX_ARGS] = { "modelab", "--quick", "run", "syscall",
				       "--json", "--cpu", "1", "fault" };
	struct ml_options o = parse_ok(false, args);

	(void)state;
	assert_int_equal(o.command, ML_CMD_RUN);
	assert_true(o.quick);
	assert_int_equal(o.format, ML_FMT_JSON);
	assert_null(o.json_out);
	assert_int_equal(o.cpu, 1);
	assert_int_equal(o.nselect, 2);
	assert_string_equal(o.select[0], "syscall");
	assert_string_equal(o.select[1], "fault");
}

static void defaults_are_text_all_probes_any_cpu(void **state)
{
	const char *args[MAX_ARGS] = { "modelab", "run" };
	struct ml_options o = parse_ok(false, args);

	(void)state;
	assert_int_equal(o.format, ML_FMT_TEXT);
	assert_int_equal(o.cpu, -1);
	assert_int_equal(o.nselect, 0);
	assert_int_equal(o.clock, ML_CLOCK_AUTO);
	assert_false(o.quick);
	assert_float_equal(o.budget_s, 0, 0);
	assert_int_equal(o.forks, 0);	/* the default: forks.c decides */
}

static void value_options_parse_their_values(void **state)
{
	const char *args[MAX_ARGS] = { "modelab", "run", "--time", "0.25",
				       "--clock", "monotonic", "--csv",
				       "--histogram", "--forks", "32" };
	struct ml_options o = parse_ok(false, args);

	(void)state;
	assert_float_equal(o.budget_s, 0.25, 1e-12);
	assert_int_equal(o.clock, ML_CLOCK_MONOTONIC);
	assert_int_equal(o.format, ML_FMT_CSV);
	assert_true(o.histograms);
	assert_int_equal(o.forks, 32);
}

/* --json-out leaves stdout's format alone: text and JSON from one run */
static void json_out_names_a_file_beside_the_format(void **state)
{
	const char *args[MAX_ARGS] = { "modelab", "run", "--json-out",
				       "build/report.json", "syscall" };
	struct ml_options o = parse_ok(false, args);

	(void)state;
	assert_string_equal(o.json_out, "build/report.json");
	assert_int_equal(o.format, ML_FMT_TEXT);
	assert_int_equal(o.nselect, 1);
}

static void help_and_version_win_over_the_rest(void **state)
{
	const char *help[MAX_ARGS] = { "modelab", "--help", "frob" };
	const char *version[MAX_ARGS] = { "modelab-syscall", "-V" };

	(void)state;
	assert_int_equal(parse_ok(false, help).command, ML_CMD_HELP);
	assert_int_equal(parse_ok(true, version).command, ML_CMD_VERSION);
}

static void list_and_help_take_their_words(void **state)
{
	const char *list[MAX_ARGS] = { "modelab", "list", "syscall",
				       "ipc/pipe-rtt-1cpu" };
	const char *help[MAX_ARGS] = { "modelab", "help", "sandbox" };
	struct ml_options o = parse_ok(false, list);

	(void)state;
	assert_int_equal(o.command, ML_CMD_LIST);
	assert_int_equal(o.nselect, 2);
	assert_string_equal(o.select[1], "ipc/pipe-rtt-1cpu");
	o = parse_ok(false, help);
	assert_int_equal(o.command, ML_CMD_HELP);
	assert_int_equal(o.nselect, 1);
	assert_string_equal(o.select[0], "sandbox");
}

static void a_probe_program_needs_no_command(void **state)
{
	const char *args[MAX_ARGS] = { "modelab-syscall", "--quick" };
	struct ml_options o = parse_ok(true, args);

	(void)state;
	assert_int_equal(o.command, ML_CMD_RUN);
	assert_true(o.quick);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_options_name_the_problem),
		cmocka_unit_test(run_takes_options_before_and_after_probes),
		cmocka_unit_test(defaults_are_text_all_probes_any_cpu),
		cmocka_unit_test(value_options_parse_their_values),
		cmocka_unit_test(json_out_names_a_file_beside_the_format),
		cmocka_unit_test(help_and_version_win_over_the_rest),
		cmocka_unit_test(list_and_help_take_their_words),
		cmocka_unit_test(a_probe_program_needs_no_command),
	};

	return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
