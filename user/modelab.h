/* SPDX-License-Identifier: GPL-2.0 */
/*
 * modelab.h - the one public header of libmodelab, for probes.
 *
 * A probe describes what to time (measure/measuring.h); the library
 * decides how.  It may also read the machine and the module
 * (measure/machine.h), start children and make scratch files
 * (proc/proc.h), and use the small helpers (util/util.h).  The report
 * writers, the seccomp policies and the command line are not here: the
 * few probes that need one include that concern's header themselves.
 */
#ifndef MODELAB_H
#define MODELAB_H

#include "version.h"
#include "measure/machine.h"
#include "measure/measuring.h"
#include "proc/proc.h"
#include "util/util.h"

#include <stdbool.h>
#include <stddef.h>

/* ---- main.c: the shared driver of modelab and every probe program ------- */

int ml_main(int argc, char **argv, const struct ml_probe *const *probes,
	    size_t nprobes, bool single_probe);

/*
 * ML_PROBE(var) files a pointer to the probe in the linker section
 * ml_probes, which `modelab` reads (modelab.c): no list to keep by hand.
 */
#define ML_PROBE(var)                                                       \
	static const struct ml_probe *const ml_probe_entry_##var            \
	__attribute__((used, section("ml_probes"))) = &(var)

/*
 * Every probe file ends with ML_PROBE_MAIN(its probe).  Built with
 * -DML_STANDALONE the file is a program of its own (bin/modelab-NAME);
 * built without, it is one of the probes linked into `modelab`.
 */
#ifdef ML_STANDALONE
#define ML_PROBE_MAIN(probe)                                                \
	int main(int argc, char **argv)                                     \
	{                                                                   \
		const struct ml_probe *const one[] = { &(probe) };          \
		return ml_main(argc, argv, one, 1, true);                   \
	}
#else
#define ML_PROBE_MAIN(probe) ML_PROBE(probe);
#endif

#endif /* MODELAB_H */
