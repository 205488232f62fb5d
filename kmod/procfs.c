// SPDX-License-Identifier: GPL-2.0
/*
 * procfs.c - /proc/modelab: counters out, commands in.
 *
 * Read: a versioned text table (see README), parsed by user space, so the
 * layout is fixed: header lines, a per-CPU table, a blank line and the
 * watched process's table.  Columns are separated by runs of spaces.
 *
 * Write: one command per write(2), at most ML_CMD_MAX bytes, root only.
 * Errors are only returned, never logged, so bad writes cannot flood dmesg.
 */
#include <linux/capability.h>
#include <linux/cpumask.h>
#include <linux/cred.h>
#include <linux/kernel.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "modelab.h"

#define ML_CMD_MAX	64
#define ML_NAME_W	17	/* strlen("faults_protection") */

static struct proc_dir_entry *ml_proc;

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
		for_each_cpu(cpu, &ml_show_cpus)
			seq_printf(m, " %10llu", ml_counter_cpu(c, cpu));
		seq_printf(m, " %10llu\n", ml_counter_total(c));
	}
}

static void ml_show_watched(struct seq_file *m, struct ml_watch *w)
{
	int c;

	seq_printf(m, "%-*s %10s\n", ML_NAME_W, "watched", "total");
	for (c = 0; c < ML_NR_COUNTERS; c++)
		seq_printf(m, "%-*s %10lld\n", ML_NAME_W, ml_counter_names[c],
			   w ? atomic64_read(&w->n[c]) : 0);
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
	return ml_watch_set(nr);
}

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

/* New commands go here. */
static const struct ml_cmd {
	const char *name;
	int (*run)(const char *arg);
} ml_cmds[] = {
	{ "watch", ml_cmd_watch },
	{ "reset", ml_cmd_reset },
	{ "count", ml_cmd_count },
	{ "raise", ml_cmd_raise },	/* raise.c */
};

/* @line is trimmed; split off the first word and dispatch on it. */
static int ml_run_command(char *line)
{
	char *arg = line;
	const char *word = strsep(&arg, " \t");
	int i, ret;

	if (arg)
		arg = skip_spaces(arg);
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
	char buf[ML_CMD_MAX + 1];
	int ret;

	/* The opener and the writer must both be privileged. */
	if (!file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN) ||
	    !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!count || count > ML_CMD_MAX)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	/* An embedded NUL would hide trailing junk from the parser. */
	if (strlen(buf) != count)
		return -EINVAL;

	ret = ml_run_command(strim(buf));
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
	ml_proc = proc_create(ML_PROC_NAME, 0644, NULL, &ml_proc_ops);
	return ml_proc ? 0 : -ENOMEM;
}

/* Waits for readers and writers still inside our proc_ops. */
void ml_procfs_exit(void)
{
	proc_remove(ml_proc);
}
