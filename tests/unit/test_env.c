// SPDX-License-Identifier: GPL-2.0
/*
 * test_env.c - the environment readers, fed captured /proc and /sys files
 * laid out below a temporary root.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "measure/machine.h"

/* Captured from an AMD EPYC guest under KVM (trimmed). */
static const char cpuinfo_x86[] =
	"processor\t: 0\n"
	"vendor_id\t: AuthenticAMD\n"
	"model name\t: AMD EPYC 7B13\n"
	"flags\t\t: fpu vme de pse tsc msr constant_tsc nonstop_tsc hypervisor lahf_lm\n"
	"\n"
	"processor\t: 1\n"
	"model name\t: AMD EPYC 7B13\n";

/* An arm64 board: no "model name", no flags line. */
static const char cpuinfo_arm[] = "processor\t: 0\n"
				  "BogoMIPS\t: 108.00\n"
				  "Features\t: fp asimd evtstrm\n"
				  "CPU implementer\t: 0x41\n";

static char root[64];

static void put(const char *path, const char *text)
{
	char full[256], *slash;
	FILE *f;

	snprintf(full, sizeof(full), "%s%s", root, path);
	for (slash = strchr(full + strlen(root) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(full, 0755);
		*slash = '/';
	}
	f = fopen(full, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int make_root(void **state)
{
	(void)state;
	strcpy(root, "/tmp/modelab-env-XXXXXX");
	assert_non_null(mkdtemp(root));
	return 0;
}

static int remove_root(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static void cpu_model_comes_from_model_name(void **state)
{
	char model[64];

	(void)state;
	assert_int_equal(ml_env_cpu_model(cpuinfo_x86, model, sizeof(model)), 0);
	assert_string_equal(model, "AMD EPYC 7B13");
	assert_int_equal(ml_env_cpu_model(cpuinfo_arm, model, sizeof(model)), -1);
	assert_string_equal(model, "unknown");
	assert_int_equal(ml_env_cpu_model("model name\t: A very long name",
					  model, 7),
			 0);
	assert_string_equal(model, "A very");	/* truncated, terminated */
}

static void flags_match_whole_words(void **state)
{
	(void)state;
	assert_true(ml_env_cpuinfo_flag(cpuinfo_x86, "hypervisor"));
	assert_true(ml_env_cpuinfo_flag(cpuinfo_x86, "fpu"));
	assert_true(ml_env_cpuinfo_flag(cpuinfo_x86, "lahf_lm"));
	assert_false(ml_env_cpuinfo_flag(cpuinfo_x86, "tsc_"));
	assert_false(ml_env_cpuinfo_flag(cpuinfo_x86, "nonstop"));
	assert_false(ml_env_cpuinfo_flag(cpuinfo_arm, "fp"));
}

static void vulnerability_states(void **state)
{
	(void)state;
	assert_false(ml_vuln_is_mitigated_or_open("Not affected"));
	assert_false(ml_vuln_is_mitigated_or_open(""));
	assert_true(ml_vuln_is_mitigated_or_open("Vulnerable"));
	assert_true(ml_vuln_is_mitigated_or_open("Mitigation: PTI"));
}

static void full_tree_is_read(void **state)
{
	const char *vd = "/sys/devices/system/cpu/vulnerabilities/";
	char path[256];
	struct ml_env env = { .cpu = 1 };

	(void)state;
	put("/proc/cpuinfo", cpuinfo_x86);
	put("/proc/sys/kernel/osrelease", "6.1.0-56-amd64\n");
	put("/sys/devices/system/clocksource/clocksource0/current_clocksource",
	    "tsc\n");
	put("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor",
	    "powersave\n");
	put("/sys/devices/system/cpu/cpu1/cpufreq/scaling_governor",
	    "performance\n");
	put("/sys/hypervisor/type", "xen\n");
	snprintf(path, sizeof(path), "%smeltdown", vd);
	put(path, "Mitigation: PTI\n");
	snprintf(path, sizeof(path), "%sl1tf", vd);
	put(path, "Not affected\n");
	snprintf(path, sizeof(path), "%sspectre_v2", vd);
	put(path, "Mitigation: Retpolines; STIBP: disabled\n");
	snprintf(path, sizeof(path), "%smds", vd);
	put(path, "Vulnerable: Clear CPU buffers attempted, no microcode\n");

	ml_env_read(&env, root);
	assert_int_equal(env.cpu, 1);
	assert_string_equal(env.cpu_model, "AMD EPYC 7B13");
	assert_string_equal(env.kernel_release, "6.1.0-56-amd64");
	assert_string_equal(env.clocksource, "tsc");
	assert_string_equal(env.governor, "performance");	/* CPU 1's */
	assert_string_equal(env.hypervisor, "xen");
	assert_false(env.proc_modelab);
	/* sorted by name, "Not affected" left out */
	assert_int_equal(env.nvulns, 3);
	assert_string_equal(env.vulns[0].name, "mds");
	assert_string_equal(env.vulns[1].name, "meltdown");
	assert_string_equal(env.vulns[1].state, "Mitigation: PTI");
	assert_string_equal(env.vulns[2].name, "spectre_v2");

	put("/proc/modelab", "modelab 0.1.0\n");
	ml_env_read(&env, root);
	assert_true(env.proc_modelab);
}

static void missing_files_leave_honest_blanks(void **state)
{
	struct ml_env env = { .cpu = 0 };

	(void)state;
	put("/proc/cpuinfo", cpuinfo_arm);
	ml_env_read(&env, root);
	assert_string_equal(env.cpu_model, "unknown");
	assert_string_equal(env.kernel_release, "unknown");
	assert_string_equal(env.clocksource, "unknown");
	assert_string_equal(env.hypervisor, "");	/* no flag: bare metal */
	assert_string_equal(env.governor, "");
	assert_int_equal(env.nvulns, 0);
}

static void hypervisor_flag_without_a_name(void **state)
{
	struct ml_env env = { .cpu = 0 };

	(void)state;
	put("/proc/cpuinfo", cpuinfo_x86);
	ml_env_read(&env, root);
	assert_string_equal(env.hypervisor, "unknown hypervisor");
}

static void emulation_is_told_from_the_cpu_and_hypervisor(void **state)
{
	struct ml_env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	strcpy(e.cpu_model, "QEMU Virtual CPU version 2.5+");
	assert_true(ml_env_emulated(&e));
	strcpy(e.hypervisor, "KVM");
	assert_false(ml_env_emulated(&e));
	strcpy(e.cpu_model, "AMD EPYC");
	strcpy(e.hypervisor, "QEMU TCG");
	assert_true(ml_env_emulated(&e));
	strcpy(e.hypervisor, "");
	assert_false(ml_env_emulated(&e));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(emulation_is_told_from_the_cpu_and_hypervisor),
		cmocka_unit_test(cpu_model_comes_from_model_name),
		cmocka_unit_test(flags_match_whole_words),
		cmocka_unit_test(vulnerability_states),
		cmocka_unit_test_setup_teardown(full_tree_is_read, make_root,
						remove_root),
		cmocka_unit_test_setup_teardown(missing_files_leave_honest_blanks,
						make_root, remove_root),
		cmocka_unit_test_setup_teardown(hypervisor_flag_without_a_name,
						make_root, remove_root),
	};

	return cmocka_run_group_tests_name("env", tests, NULL, NULL);
}
