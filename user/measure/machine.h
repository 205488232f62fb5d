/* SPDX-License-Identifier: GPL-2.0 */
/*
 * machine.h - what the machine and its kernel say: the CPUs (cpu.c), the
 * environment every figure depends on (env.c), the module's counts in
 * /proc/modelab (kcounts.c) and /proc/interrupts (procirq.c).
 */
#ifndef MODELAB_MACHINE_H
#define MODELAB_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- cpu.c: pinning ----------------------------------------------------- */

/* Pin the calling thread to cpu (-1: the CPU it runs on now).  Returns the
 * CPU pinned to, or -1 with errno set. */
int ml_pin_cpu(int cpu);
/* the CPUs allowed at start as the kernel lists them ("0-3,6"); 0 or -1 */
int ml_allowed_cpus(char *buf, size_t len);
/*
 * A CPU other than self that this thread may run on (the allowed-CPU mask
 * read before pinning); -1 when there is none.
 */
int ml_other_cpu(int self);

/* cpu.c: back to the CPUs allowed before pinning (for a new program). */
int ml_unpin(void);

/* ---- env.c: what every figure depends on -------------------------------- */

#define ML_ENV_STR 128
#define ML_ENV_MAX_VULNS 32

struct ml_vuln {
	char name[48];
	char state[ML_ENV_STR];
};

struct ml_env {
	char cpu_model[ML_ENV_STR];
	char kernel_release[ML_ENV_STR];
	char clocksource[ML_ENV_STR];
	char hypervisor[ML_ENV_STR];	/* "" when bare metal */
	char governor[ML_ENV_STR];	/* "" when there is no cpufreq */
	size_t nvulns;
	struct ml_vuln vulns[ML_ENV_MAX_VULNS];	/* mitigated or open ones */
	bool proc_modelab;
	int cpu;			/* the CPU figures were taken on */
	const char *clock_name;
	double tsc_ghz;
};

/*
 * Read the environment below root ("" for the live system; tests give a
 * directory holding captured proc and sys files).
 */
void ml_env_read(struct ml_env *env, const char *root);
/* Parsers, exposed for the unit tests. */
int ml_env_cpu_model(const char *cpuinfo, char *out, size_t len);
bool ml_env_cpuinfo_flag(const char *cpuinfo, const char *flag);
bool ml_vuln_is_mitigated_or_open(const char *state);
/* Timings taken here are emulated (QEMU TCG), not native. */
bool ml_env_emulated(const struct ml_env *env);

/* ---- kcounts.c: /proc/modelab, what the kernel counted ------------------ */

#define ML_PROC_MODELAB "/proc/modelab"
#define ML_PROC_LATENCY "/proc/modelab-latency"
#define ML_PROC_HELP "/proc/modelab-help"

enum ml_krow {
	ML_K_SYSCALLS,
	ML_K_FAULTS,
	ML_K_FAULTS_READ,
	ML_K_FAULTS_WRITE,
	ML_K_FAULTS_EXEC,
	ML_K_FAULTS_NOTPRESENT,
	ML_K_FAULTS_PROTECTION,
	ML_K_IRQ_DEVICE,
	ML_K_IRQ_TIMER,
	ML_K_IRQ_WORK,
	ML_K_IRQ_RESCHED,
	ML_K_IRQ_CALLFUNC,
	ML_K_SIGNALS,
	ML_K_CTXSW,
	ML_K_SYSCALL_EXITS,
	/* BEGIN SOLUTION lab2-migrations: the migrations row */
	ML_K_MIGRATIONS,	/* per destination CPU; the watched one's moves */
	/* END SOLUTION lab2-migrations */
	ML_K_NROWS
};

#define ML_K_MAX_CPUS 64	/* per-CPU columns kept; totals cover all */

struct ml_kcounts {
	char version[16];
	bool counting;
	int watched_pid;	/* 0: none */
	bool watched_exited;
	size_t ncpus;
	int cpu_ids[ML_K_MAX_CPUS];	/* the CPU of each column kept */
	uint64_t percpu[ML_K_NROWS][ML_K_MAX_CPUS];
	uint64_t total[ML_K_NROWS];	/* summed over CPUs */
	uint64_t watched[ML_K_NROWS];	/* the watched process */
	bool unavailable[ML_K_NROWS];	/* "n/a": not countable on this ISA */
};

const char *ml_kernel_row_name(enum ml_krow row);
/* One CPU's count of a row, or 0 when that CPU's column was not kept. */
uint64_t ml_kernel_cpu_count(const struct ml_kcounts *k, enum ml_krow row,
			     int cpu);
/* Parses the text of /proc/modelab; -1 when it is not that format. */
int ml_kernel_parse(const char *text, struct ml_kcounts *k);
/* 0, or -errno (-EPROTO when the text does not parse). */
int ml_kernel_read(struct ml_kcounts *k);
/* Writes one command ("watch 42", "count off"...); 0 or -errno. */
int ml_kernel_write(const char *cmd);
/*
 * On a refused write: one line naming CMD and the errno ERR (positive),
 * then the commands the module accepts.
 */
void ml_kernel_refused(FILE *out, const char *cmd, int err);
/* `modelab kernel [COMMAND...]`: writes COMMAND, or lists the commands. */
int ml_kernel_main(int argc, char **argv);
/*
 * The latencies (ns) of the last `raise KIND N`, from /proc/modelab-latency.
 * Returns how many (at most cap), or -1 when the file holds another kind
 * or is not in its format.
 */
int ml_kernel_latencies(const char *kind, double *out, size_t cap);

/* ---- procirq.c: /proc/interrupts and /proc/softirqs --------------------- */

struct ml_irq_line {
	char name[24];		/* "24", "LOC", "TIMER" (without the colon) */
	char desc[96];		/* "IO-APIC 5-edge ACPI:Ged", blanks folded */
	size_t ncounts;		/* may be fewer than ncpus (ERR, MIS) */
	uint64_t *counts;	/* by column */
};

struct ml_irq_table {
	size_t ncpus;		/* columns */
	int *cpu_ids;		/* the CPU number of each column */
	size_t nlines;
	struct ml_irq_line *lines;
};

/* 0, or -1 when the text is not in that format (t is then empty). */
int ml_irq_parse(const char *text, struct ml_irq_table *t);
int ml_irq_read(const char *path, struct ml_irq_table *t);
void ml_irq_free(struct ml_irq_table *t);
/* The column of a CPU, or -1 when the table has none for it. */
int ml_irq_column(const struct ml_irq_table *t, int cpu);
const struct ml_irq_line *ml_irq_find(const struct ml_irq_table *t,
				      const char *name);
/* One column's count, or (column -1) the sum over every column. */
uint64_t ml_irq_count(const struct ml_irq_line *line, int column);
/* How much a line rose between two readings, on one CPU or (-1) all. */
uint64_t ml_irq_delta(const struct ml_irq_table *before,
		      const struct ml_irq_table *after, const char *name,
		      int cpu);
/* A numbered line: a device's interrupt, not a named vector. */
bool ml_irq_is_device(const struct ml_irq_line *line);

#endif /* MODELAB_MACHINE_H */
