// SPDX-License-Identifier: GPL-2.0
/*
 * modelab.c - the `modelab` command: every probe in one program.
 * A new probe family adds one line to each list below.
 */
#include "modelab.h"

extern const struct ml_probe ml_probe_syscall;
extern const struct ml_probe ml_probe_fault;
extern const struct ml_probe ml_probe_interrupt;
extern const struct ml_probe ml_probe_seccomp;
extern const struct ml_probe ml_probe_process;
extern const struct ml_probe ml_probe_memory;
extern const struct ml_probe ml_probe_ipc;

static const struct ml_probe *const probes[] = {
	&ml_probe_syscall,
	&ml_probe_fault,
	&ml_probe_interrupt,
	&ml_probe_seccomp,
	&ml_probe_process,
	&ml_probe_memory,
	&ml_probe_ipc,
};

int main(int argc, char **argv)
{
	return ml_main(argc, argv, probes, ML_ARRAY_SIZE(probes), false);
}
