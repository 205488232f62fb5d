// SPDX-License-Identifier: GPL-2.0
/*
 * procfs.c - /proc/modelab: counters out, commands in.
 *
 * Read: a versioned text table (docs/module.md), parsed by user space, so the
 * layout is fixed: header lines, a per-CPU table, a blank line and the
 * watched process's table.  Columns are separated by runs of spaces.  A
 * row the ISA cannot count (arch.h) reads "n/a" in every column.
 *
 * Write: one command per write(2), at most ML_CMD_MAX bytes, root only.
 * A malformed one gets -EINVAL and one log line naming it and pointing to
 * /proc/modelab-help, which lists the commands (from ml_cmds[]).  The line
 * is ratelimited (10 per 5 s), so a loop of bad writes cannot flood dmesg.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cpumask.h>
#include <linux/cred.h>
#include <linux/kernel.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/stringify.h>
#include <linux/uaccess.h>

#include "arch.h"
#include "command.h"

#define ML_CMD_MAX	64
#define ML_HELP_NAME	"modelab-help"
#define ML_NAME_W	17	/* strlen("faults_protection") */
#define ML_NA		"n/a"	/* a row this ISA cannot count (arch.h) */

static struct proc_dir_entry *ml_proc, *ml_help_proc;

/*
 * The CPUs of one read, under ml_lock: CPU hotplug may run between the
 * header and the rows, which must all have the same columns.  Static, as
 * a cpumask may be too large for the stack (NR_CPUS=8192).
 */
static struct cpumask ml_show_cpus;

static void ml_show_watching(struct seq_file *m, struct ml_watch *w)
{
	char comm[TASK_COMM_LEN];

	if (!w)
		seq_puts(m, "watching none\n");
	else if (ml_watch_alive(w, comm, sizeof(comm)))
		seq_printf(m, "watching %d %s\n", pid_vnr(w->pid), comm);
	else
		seq_printf(m, "watching %d (exited)\n", pid_vnr(w->pid));
}

/* Caller holds ml_lock. */
static void ml_show_percpu(struct seq_file *m)
{
	char name[16];
	unsigned int cpu;
	int c;

	cpumask_copy(&ml_show_cpus, cpu_online_mask);
	seq_printf(m, "%-*s", ML_NAME_W, "");
	for_each_cpu(cpu, &ml_show_cpus) {
		snprintf(name, sizeof(name), "CPU%u", cpu);
		seq_printf(m, " %10s", name);
	}
	seq_printf(m, " %10s\n", "total");

	for (c = 0; c < ML_NR_COUNTERS; c++) {
		seq_printf(m, "%-*s", ML_NAME_W, ml_counter_names[c]);
		if (ml_arch_unavailable & BIT(c)) {
			for_each_cpu(cpu, &ml_show_cpus)
				seq_printf(m, " %10s", ML_NA);
			seq_printf(m, " %10s\n", ML_NA);
			continue;
		}
		for_each_cpu(cpu, &ml_show_cpus)
			seq_printf(m, " %10llu", ml_counter_cpu(c, cpu));
		seq_printf(m, " %10llu\n", ml_counter_total(c));
	}
}

static void ml_show_watched(struct seq_file *m, struct ml_watch *w)
{
	int c;

	seq_printf(m, "%-*s %10s\n", ML_NAME_W, "watched", "total");
	for (c = 0; c < ML_NR_COUNTERS; c++) {
		if (ml_arch_unavailable & BIT(c))
			seq_printf(m, "%-*s %10s\n", ML_NAME_W,
				   ml_counter_names[c], ML_NA);
		else
			seq_printf(m, "%-*s %10lld\n", ML_NAME_W,
				   ml_counter_names[c],
				   w ? atomic64_read(&w->n[c]) : 0);
	}
}

static int ml_show(struct seq_file *m, void *v)
{
	struct ml_watch *w;
	int ret;

	ret = mutex_lock_killable(&ml_lock);
	if (ret)
		return ret;
	w = ml_watch_locked();
	seq_printf(m, "modelab %s\n", ML_VERSION);
	seq_printf(m, "counting %s\n", ml_probes_active() ? "on" : "off");
	ml_show_watching(m, w);
	ml_show_percpu(m);
	seq_putc(m, '\n');
	ml_show_watched(m, w);
	mutex_unlock(&ml_lock);
	return 0;
}

/* Command handlers: @arg is the text after the command word, or NULL. */
static int ml_cmd_watch(const char *arg)
{
	int nr;

	if (!arg)
		return -EINVAL;
	if (!strcmp(arg, "off")) {
		ml_watch_clear();
		return 0;
	}
	if (kstrtoint(arg, 10, &nr) || nr <= 0)
		return -EINVAL;
	return ml_watch_set(nr, false);
}

/* BEGIN SOLUTION lab3-command: the handler of "watch-tree PID" */
/* As watch, without "off": a PID that is not a running process is -ESRCH. */
static int ml_cmd_watch_tree(const char *arg)
{
	int nr;

	if (!arg || kstrtoint(arg, 10, &nr) || nr <= 0)
		return -EINVAL;
	return ml_watch_set(nr, true);
}
/* END SOLUTION lab3-command */

static int ml_cmd_reset(const char *arg)
{
	if (arg)
		return -EINVAL;
	ml_counters_reset();
	ml_watch_reset();
	return 0;
}

static int ml_cmd_count(const char *arg)
{
	if (arg && !strcmp(arg, "on"))
		return ml_probes_on();
	if (arg && !strcmp(arg, "off")) {
		ml_probes_off();
		return 0;
	}
	return -EINVAL;
}

/* New commands go here; /proc/modelab-help lists them. */
static const struct ml_cmd {
	const char *name;
	int (*run)(const char *arg);
	const char *usage;
	const char *what;
} ml_cmds[] = {
	{ "watch", ml_cmd_watch, "watch PID|off",
	  "count process PID's events (all its threads) apart; off: none" },
	/* BEGIN SOLUTION lab3-command: the table entry of watch-tree */
	{ "watch-tree", ml_cmd_watch_tree, "watch-tree PID",
	  "the same for PID and its descendants up to "
	  __stringify(ML_WATCH_GENERATIONS) " generations below, also those forked later" },
	/* END SOLUTION lab3-command */
	{ "reset", ml_cmd_reset, "reset", "zero every counter" },
	{ "count", ml_cmd_count, "count on|off",
	  "attach or detach the counting probes" },
	{ "raise", ml_cmd_raise, "raise KIND N",	/* raise.c */
	  "raise N (1..100000) interrupts; KIND: irq_work, ipi, ipi-self" },
};

/* /proc/modelab-help: one line per command, its usage then what it does. */
static int ml_help_show(struct seq_file *m, void *v)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ml_cmds); i++)
		seq_printf(m, "%-16s %s\n", ml_cmds[i].usage, ml_cmds[i].what);
	return 0;
}

/* Dispatch on the command word (command.c split the write). */
static int ml_run_command(const char *word, const char *arg)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(ml_cmds); i++) {
		if (strcmp(word, ml_cmds[i].name))
			continue;
		ret = mutex_lock_killable(&ml_lock);
		if (ret)
			return ret;
		ret = ml_cmds[i].run(arg);
		mutex_unlock(&ml_lock);
		return ret;
	}
	return -EINVAL;
}

static ssize_t ml_write(struct file *file, const char __user *ubuf,
			size_t count, loff_t *ppos)
{
	char buf[ML_CMD_MAX + 1], line[ML_CMD_MAX + 1], *word, *arg;
	size_t len = min_t(size_t, count, ML_CMD_MAX);
	int ret;

	/* The opener and the writer must both be privileged. */
	if (!file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN) ||
	    !capable(CAP_SYS_ADMIN))
		return -EPERM;
	/* Only the first ML_CMD_MAX bytes of a longer one: to name it. */
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	memcpy(line, buf, len + 1);	/* the parser cuts it up */
	ret = ml_command_split(line, len, count, &word, &arg);
	if (!ret)
		ret = ml_run_command(word, arg);
	/* %pE escapes what is not printable: the text is the writer's. */
	if (ret == -EINVAL)
		pr_info_ratelimited("bad command '%*pE%s': the commands are in /proc/%s\n",
				    (int)len, buf, count > len ? "..." : "",
				    ML_HELP_NAME);
	return ret ? ret : count;
}

static int ml_open(struct inode *inode, struct file *file)
{
	return single_open(file, ml_show, NULL);
}

static const struct proc_ops ml_proc_ops = {
	.proc_open	= ml_open,
	.proc_read	= seq_read,
	.proc_lseek	= seq_lseek,
	.proc_release	= single_release,
	.proc_write	= ml_write,
};

int ml_procfs_init(void)
{
	ml_help_proc = proc_create_single(ML_HELP_NAME, 0444, NULL,
					  ml_help_show);
	if (!ml_help_proc)
		return -ENOMEM;
	ml_proc = proc_create(ML_PROC_NAME, 0644, NULL, &ml_proc_ops);
	if (!ml_proc) {
		proc_remove(ml_help_proc);
		return -ENOMEM;
	}
	return 0;
}

/* Waits for readers and writers still inside our proc_ops. */
void ml_procfs_exit(void)
{
	proc_remove(ml_proc);
	proc_remove(ml_help_proc);
}
