// SPDX-License-Identifier: GPL-2.0
/*
 * env.c - the environment every figure depends on.
 *
 * A syscall costs twice as much with some Spectre mitigations in force, a
 * VM exit can hide in any figure, and clock_gettime only stays in user mode
 * with a clocksource the vDSO can read.  So the report always says which.
 * Everything is read below a root directory so the unit tests can feed
 * captured files.
 */
#define _GNU_SOURCE
#include "isa/arch.h"
#include "measure/machine.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

/* Reads root/path into buf (NUL-terminated, trailing newlines cut). */
static int read_text(const char *root, const char *path, char *buf,
		     size_t len)
{
	char full[512];
	size_t got;
	FILE *f;

	snprintf(full, sizeof(full), "%s%s", root, path);
	f = fopen(full, "re");
	if (!f)
		return -1;
	got = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[got] = '\0';
	while (got && (buf[got - 1] == '\n' || buf[got - 1] == ' '))
		buf[--got] = '\0';
	return 0;
}

static void copy_str(char *dst, size_t len, const char *src, size_t srclen)
{
	if (srclen >= len)
		srclen = len - 1;
	memcpy(dst, src, srclen);
	dst[srclen] = '\0';
}

/* The value of the first "key<spaces>: value" line of cpuinfo. */
static const char *cpuinfo_value(const char *text, const char *key,
				 size_t *vlen)
{
	size_t klen = strlen(key);

	for (const char *line = text; line && *line;) {
		const char *eol = strchr(line, '\n');
		const char *p = line + klen;

		if (!eol)
			eol = line + strlen(line);
		if (!strncmp(line, key, klen) && (*p == ' ' || *p == '\t' ||
						  *p == ':')) {
			while (p < eol && (*p == ' ' || *p == '\t'))
				p++;
			if (p < eol && *p == ':') {
				p++;
				while (p < eol && *p == ' ')
					p++;
				*vlen = (size_t)(eol - p);
				return p;
			}
		}
		line = *eol ? eol + 1 : NULL;
	}
	return NULL;
}

int ml_env_cpu_model(const char *cpuinfo, char *out, size_t len)
{
	static const char *const keys[] = { "model name", "Model", "cpu model",
					    "Hardware", "cpu" };
	size_t vlen;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = cpuinfo_value(cpuinfo, keys[i], &vlen);

		if (v && vlen) {
			copy_str(out, len, v, vlen);
			return 0;
		}
	}
	copy_str(out, len, "unknown", 7);
	return -1;
}

bool ml_env_cpuinfo_flag(const char *cpuinfo, const char *flag)
{
	size_t vlen, flen = strlen(flag);
	const char *v = cpuinfo_value(cpuinfo, "flags", &vlen);
	const char *end = v + vlen;

	if (!v)
		return false;
	while (v < end) {
		const char *sp = memchr(v, ' ', (size_t)(end - v));
		size_t wlen = sp ? (size_t)(sp - v) : (size_t)(end - v);

		if (wlen == flen && !memcmp(v, flag, flen))
			return true;
		v += wlen + 1;
	}
	return false;
}

bool ml_vuln_is_mitigated_or_open(const char *state)
{
	return *state && strncmp(state, "Not affected", 12) != 0;
}

/* Names the hypervisor from CPUID leaf 0x40000000 (live system only). */
static void hypervisor_vendor(char *out, size_t len)
{
#if defined(__x86_64__) || defined(__i386__)
	static const struct {
		const char *sig, *name;
	} known[] = {
		{ "KVMKVMKVM", "KVM" },	      { "Microsoft Hv", "Hyper-V" },
		{ "VMwareVMware", "VMware" }, { "XenVMMXenVMM", "Xen" },
		{ "TCGTCGTCGTCG", "QEMU TCG" }, { "bhyve bhyve ", "bhyve" },
		{ "ACRNACRNACRN", "ACRN" },   { "VBoxVBoxVBox", "VirtualBox" },
	};
	unsigned int eax, sig[3];
	char vendor[13];

	__cpuid(0x40000000, eax, sig[0], sig[1], sig[2]);
	memcpy(vendor, sig, 12);
	vendor[12] = '\0';
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (!strcmp(vendor, known[i].sig)) {
			snprintf(out, len, "%s", known[i].name);
			return;
		}
	}
	if (vendor[0] > ' ' && vendor[0] < 127) {
		snprintf(out, len, "%s", vendor);
		return;
	}
#endif
	snprintf(out, len, "unknown hypervisor");
}

/*
 * Two ways to run on a CPU this code was not built for, live only:
 * qemu-user translates our instructions on the host's kernel, whose
 * /proc/cpuinfo then describes another ISA (no line this ISA's kernel
 * always writes: user/isa/arch.h); QEMU's virt board (arm64, riscv64)
 * names itself in the device tree, TCG or KVM alike.
 */
static void emulator_or_board(struct ml_env *env, const char *cpuinfo)
{
	char compat[256] = "";
	const char *board;
	size_t vlen;
	FILE *f;

	if (!cpuinfo_value(cpuinfo, ML_ARCH_CPUINFO_KEY, &vlen)) {
		snprintf(env->hypervisor, sizeof(env->hypervisor),
			 "qemu-user (this /proc/cpuinfo is another ISA's)");
		return;
	}
	f = fopen("/proc/device-tree/compatible", "re");
	if (!f)
		return;
	vlen = fread(compat, 1, sizeof(compat) - 1, f);
	fclose(f);
	/* NUL-separated strings: the first is enough */
	board = !strcmp(compat, "linux,dummy-virt") ? "linux,dummy-virt" :
		!strcmp(compat, "riscv-virtio")	    ? "riscv-virtio" :
						      NULL;
	if (vlen && !*env->hypervisor && board)
		snprintf(env->hypervisor, sizeof(env->hypervisor),
			 "QEMU virt board (%s)", board);
}

static int cmp_vuln(const void *a, const void *b)
{
	const struct ml_vuln *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static void read_vulns(struct ml_env *env, const char *root)
{
	const char *dir = "/sys/devices/system/cpu/vulnerabilities";
	char path[512];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s%s", root, dir);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)) && env->nvulns < ML_ENV_MAX_VULNS) {
		char file[512], state[ML_ENV_STR];

		if (de->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s", dir, de->d_name);
		if (read_text(root, file, state, sizeof(state)) ||
		    !ml_vuln_is_mitigated_or_open(state))
			continue;
		copy_str(env->vulns[env->nvulns].name,
			 sizeof(env->vulns[0].name), de->d_name,
			 strlen(de->d_name));
		copy_str(env->vulns[env->nvulns].state,
			 sizeof(env->vulns[0].state), state, strlen(state));
		env->nvulns++;
	}
	closedir(d);
	/* readdir order is arbitrary: sort so reports compare line by line */
	qsort(env->vulns, env->nvulns, sizeof(env->vulns[0]), cmp_vuln);
}

void ml_env_read(struct ml_env *env, const char *root)
{
	char *cpuinfo = malloc(1 << 20);
	char path[128];
	int cpu = env->cpu;

	memset(env, 0, sizeof(*env));
	env->cpu = cpu;
	if (cpuinfo && !read_text(root, "/proc/cpuinfo", cpuinfo, 1 << 20)) {
		ml_env_cpu_model(cpuinfo, env->cpu_model,
				 sizeof(env->cpu_model));
		if (ml_env_cpuinfo_flag(cpuinfo, "hypervisor") &&
		    read_text(root, "/sys/hypervisor/type", env->hypervisor,
			      sizeof(env->hypervisor))) {
			if (*root)
				snprintf(env->hypervisor,
					 sizeof(env->hypervisor),
					 "unknown hypervisor");
			else
				hypervisor_vendor(env->hypervisor,
						  sizeof(env->hypervisor));
		}
		if (!*root)
			emulator_or_board(env, cpuinfo);
	} else {
		snprintf(env->cpu_model, sizeof(env->cpu_model), "unknown");
	}
	free(cpuinfo);
	if (read_text(root, "/proc/sys/kernel/osrelease", env->kernel_release,
		      sizeof(env->kernel_release)))
		snprintf(env->kernel_release, sizeof(env->kernel_release),
			 "unknown");
	if (read_text(root,
		      "/sys/devices/system/clocksource/clocksource0/current_clocksource",
		      env->clocksource, sizeof(env->clocksource)))
		snprintf(env->clocksource, sizeof(env->clocksource),
			 "unknown");
	snprintf(path, sizeof(path),
		 "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor",
		 cpu < 0 ? 0 : cpu);
	read_text(root, path, env->governor, sizeof(env->governor));
	read_vulns(env, root);
	snprintf(path, sizeof(path), "%s/proc/modelab", root);
	env->proc_modelab = access(path, R_OK) == 0;
}

/*
 * Under QEMU's TCG every instruction is emulated: a nanosecond there is
 * not a native one.  TCG names itself in CPUID when asked to; otherwise its
 * default CPU models ("QEMU Virtual CPU", "QEMU TCG CPU") under no
 * accelerating hypervisor give it away.
 */
bool ml_env_emulated(const struct ml_env *env)
{
	if (strstr(env->hypervisor, "TCG") ||
	    strstr(env->hypervisor, "qemu-user") ||
	    strstr(env->hypervisor, "QEMU virt board"))
		return true;
	return strstr(env->cpu_model, "QEMU") &&
	       !strstr(env->hypervisor, "KVM") &&
	       !strstr(env->hypervisor, "Hyper-V") &&
	       !strstr(env->hypervisor, "Xen");
}
