/* SPDX-License-Identifier: GPL-2.0 */
/*
 * version.h - the command's version and the JSON report's schema: one
 * place, which scripts/deb.sh holds against the module's and the packages'.
 */
#ifndef MODELAB_VERSION_H
#define MODELAB_VERSION_H

#define MODELAB_VERSION "0.1.0"
#define MODELAB_JSON_SCHEMA 2

#endif /* MODELAB_VERSION_H */
