// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_plot.c - libFuzzer over the report loader with gnuplot itself as
 * the oracle: every report modelab reads must give a plot script that
 * gnuplot runs to the end (an error there drops every picture of the
 * page).  The script is plot.c's, with the terminal set to "unknown" and
 * no output file: gnuplot reads and evaluates all of it, draws nothing.
 * Slower than fuzz_report.c (a gnuplot a report), so a target of its own.
 */
#define _GNU_SOURCE
#include "fuzz.h"
#include "report/view.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The script without its outputs: "set terminal unknown" instead. */
static char *without_outputs(const char *script, size_t *len)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, len);

	for (const char *line = script; *line;) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) + 1 : strlen(line);

		if (!strncmp(line, "set terminal ", 13))
			fputs("set terminal unknown\n", f);
		else if (strncmp(line, "set output", 10) &&
			 strncmp(line, "unset output", 12))
			fwrite(line, 1, n, f);
		line += n;
	}
	fclose(f);
	return out;
}

static void gnuplot(const char *script, size_t len)
{
	int in[2], errp[2], status;
	char msg[4096];
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe(in) || pipe(errp))
		abort();
	pid = fork();
	if (!pid) {
		dup2(in[0], 0);
		dup2(errp[1], 2);
		dup2(errp[1], 1);
		close(in[1]);
		close(errp[0]);
		execlp("gnuplot", "gnuplot", "-", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(errp[1]);
	signal(SIGPIPE, SIG_IGN);
	if (write(in[1], script, len) != (ssize_t)len)
		; /* gnuplot stopped early: its status says why */
	close(in[1]);
	while ((n = read(errp[0], msg + got, sizeof(msg) - 1 - (size_t)got)) > 0)
		got += n;
	msg[got] = '\0';
	close(errp[0]);
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		fuzz_fail("plot", "gnuplot is not installed", "");
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "---- the script\n%s\n---- gnuplot said\n%s\n",
			script, msg);
		fuzz_fail("plot", "gnuplot stopped on the script", msg);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ml_view_report r;
	char *text = malloc(size + 1), err[1024], *script = NULL, *bare;
	size_t len = 0;
	FILE *f;

	memcpy(text, data, size);
	text[size] = '\0';
	if (!ml_view_parse_text(text, size, "fuzz.json", &r, err, sizeof(err))) {
		f = open_memstream(&script, &len);
		ml_plot_script(f, &r, "/nonexistent");
		fclose(f);
		bare = without_outputs(script, &len);
		gnuplot(bare, len);
		free(bare);
		free(script);
		ml_view_free(&r);
	}
	free(text);
	return 0;
}
