/* SPDX-License-Identifier: GPL-2.0 */
/*
 * isa.h - what this machine's instruction set and kernel offer, observed:
 * the vDSO's calls (vdso.c) and `modelab isa` (isa.c, isatable.c), the
 * facts of one machine and the table of several side by side.
 */
#ifndef MODELAB_ISA_H
#define MODELAB_ISA_H

#include <stddef.h>
#include <stdio.h>

/* ---- vdso.c: the vDSO the kernel mapped into this process ------------- */

/*
 * The functions the vDSO exports, space-separated, without their __vdso_
 * or __kernel_ prefix ("clock_gettime gettimeofday ...").  0, or -1 with
 * buf "" when no vDSO is mapped.
 */
int ml_vdso_list(char *buf, size_t len);
/* The address of the vDSO's function NAME ("getcpu"), or NULL. */
void *ml_vdso_lookup(const char *name);

/* ---- isa.c, isatable.c: modelab isa --------------------------------------- */

/* `modelab isa [--table FILE...]`: argv[0] is "isa". */
int ml_isa_main(int argc, char **argv);
/* The facts of this machine, one "key  value" line each, to out. */
int ml_isa_facts(FILE *out);
/* Side by side: each file a `modelab isa` output, counts appended. */
int ml_isa_table(FILE *out, int nfiles, char **files);

#endif /* MODELAB_ISA_H */
