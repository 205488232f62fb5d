/* SPDX-License-Identifier: GPL-2.0 */
/*
 * internal.h - what the parts of libmodelab share and probes do not see.
 */
#ifndef MODELAB_INTERNAL_H
#define MODELAB_INTERNAL_H

#include "modelab.h"

/*
 * The result whose figure's hooks run from now on (NULL: none), so that
 * ml_fail() knows which figure failed.
 */
void ml_hooks_for(struct ml_result *res);

#endif /* MODELAB_INTERNAL_H */
