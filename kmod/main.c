// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - load and unload of modelab.ko.
 *
 * modelab counts syscalls, page faults, interrupts, signals and context
 * switches per CPU and for one watched process, and shows them in
 * /proc/modelab.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/tracepoint.h>

#include "modelab.h"

DEFINE_MUTEX(ml_lock);

static bool count_on_load = true;
module_param(count_on_load, bool, 0444);
MODULE_PARM_DESC(count_on_load,
		 "Attach the counting probes at load time (default: on)");

static int __init modelab_init(void)
{
	int ret;

	ret = ml_probes_find();
	if (ret)
		return ret;
	if (count_on_load) {
		ret = ml_probes_on();
		if (ret)
			return ret;
	}
	ret = ml_raise_init();
	if (ret)
		goto out_probes;
	ret = ml_procfs_init();
	if (ret) {
		ml_raise_exit();
		goto out_probes;
	}
	pr_info("version %s loaded, counting %s\n", ML_VERSION,
		count_on_load ? "on" : "off");
	return 0;

out_probes:
	ml_probes_off();
	tracepoint_synchronize_unregister();
	return ret;
}

static void __exit modelab_exit(void)
{
	/* No command or reader can run after this... */
	ml_procfs_exit();
	ml_raise_exit();

	mutex_lock(&ml_lock);
	ml_probes_off();
	/* ...and no probe once this returns: now drop what they touch. */
	tracepoint_synchronize_unregister();
	ml_watch_clear();
	mutex_unlock(&ml_lock);
	pr_info("unloaded\n");
}

module_init(modelab_init);
module_exit(modelab_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("modelab");
MODULE_DESCRIPTION("Count syscalls, faults, IRQs, signals and task switches");
MODULE_VERSION(ML_VERSION);
