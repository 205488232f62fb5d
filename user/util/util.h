/* SPDX-License-Identifier: GPL-2.0 */
/*
 * util.h - small things several parts of modelab need the same way
 * (util.c), and two macros every part may use.
 */
#ifndef MODELAB_UTIL_H
#define MODELAB_UTIL_H

#include <stddef.h>
#include <sys/types.h>

/* Reads a file whole into buf (NUL-terminated); its length, or -1. */
ssize_t ml_read_file(const char *path, char *buf, size_t len);
/* A /proc/meminfo field ("MemAvailable:"), in KiB, or -1. */
long ml_meminfo_kib(const char *key);
/* src on one line, its control characters escaped (\n, \xNN); dst. */
char *ml_escape_text(char *dst, size_t len, const char *src);
/* Formats one line into err, escaped so; always -1, for `return ml_errorf()`. */
int ml_errorf(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Hands a descriptor over a Unix socket (SCM_RIGHTS); 0 or -1. */
int ml_send_fd(int sock, int fd);
/* Takes one, waiting at most timeout_ms (-1: forever); the fd, or -1. */
int ml_recv_fd(int sock, int timeout_ms);

#define ML_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * For an op that touches memory: AddressSanitizer would touch its shadow
 * memory too, and those faults would be counted as the op's.
 */
#define ML_NO_ASAN __attribute__((no_sanitize_address))

#endif /* MODELAB_UTIL_H */
