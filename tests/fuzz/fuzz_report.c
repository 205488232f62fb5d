// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_report.c - libFuzzer over the report loader (load.c, jsonread.c),
 * with oracles for what it feeds: the page (html.c) must be well formed,
 * every tag one the page uses and every text escaped; compare's text
 * (compare.c) must hold no control character, its JSON must be JSON; the
 * plot script (plot.c) must keep every report string inside its quotes.
 * fuzz_plot.c runs gnuplot itself on the script.
 */
#define _GNU_SOURCE
#include "fuzz.h"
#include "util/jsonread.h"
#include "report/view.h"

#include <string.h>

/* The tags html.c writes; anything else came from a report. */
static const char *const tags[] = {
	"!DOCTYPE", "html", "head", "meta", "title", "style", "body", "h1",
	"h2", "h3", "p", "a", "table", "tr", "th", "td", "div", "figure",
	"figcaption", "img", "pre", "span", "br", "code", NULL,
};

static void check_tag(const char *p, size_t n, const char *page)
{
	size_t w = strcspn(p, " >");

	if (*p == '/')
		p++, w--;
	for (const char *const *t = tags; *t; t++)
		if (strlen(*t) == w && !strncmp(p, *t, w))
			goto attributes;
	fuzz_fail("report", "a tag the page does not use", page);
attributes:
	/* name="value" pairs: no quote, '<' or '>' inside a value */
	for (size_t i = w; i < n; i++)
		if (p[i] == '<')
			fuzz_fail("report", "'<' inside a tag", page);
}

static void check_page(const char *page)
{
	const char *p = page, *style = strstr(page, "<style>");

	while ((p = strpbrk(p, "<>&"))) {
		if (*p == '>')
			fuzz_fail("report", "a '>' in text", page);
		if (*p == '&') {
			static const char *const ents[] = { "&lt;", "&gt;", "&amp;",
							    "&quot;", "&#39;", NULL };
			bool ok = false;

			for (const char *const *e = ents; *e; e++)
				ok |= !strncmp(p, *e, strlen(*e));
			if (!ok)
				fuzz_fail("report", "a bare '&'", page);
			p++;
			continue;
		}
		{
			const char *end = strchr(p, '>');
			size_t quotes = 0;

			if (!end)
				fuzz_fail("report", "a tag never closed", page);
			for (const char *q = p; q < end; q++)
				quotes += *q == '"';
			if (quotes % 2)
				fuzz_fail("report", "a quote open in a tag", page);
			check_tag(p + 1, (size_t)(end - p - 1), page);
			if (p == style)	/* the CSS: ours, skip it whole */
				end = strstr(p, "</style>") + 7;
			p = end + 1;
		}
	}
}

/*
 * Every line of the script ends outside any string, and outside single
 * quotes no backquote (gnuplot runs `...` as a shell command, also in
 * double quotes).  In a command: '...' holds anything but ', "..." has
 * backslash escapes; in a datablock only "..." quotes, without escapes.
 */
static void check_script(const char *script)
{
	bool data = false;

	for (const char *line = script; *line;) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		char in = 0;

		if (data && n == 3 && !strncmp(line, "EOD", 3)) {
			data = false;
		} else {
			for (size_t i = 0; i < n; i++) {
				char c = line[i];

				if (!in && c == '`' && !data)
					fuzz_fail("report", "a backquote in a command", script);
				if (in == '"' && c == '`' && !data)
					fuzz_fail("report", "a backquote in double quotes", script);
				if (in == '"' && c == '\\' && !data)
					i++;
				else if (!in && (c == '"' || (c == '\'' && !data)))
					in = c;
				else if (in && c == in)
					in = 0;
			}
			if (in)
				fuzz_fail("report", "a string open at a line's end", script);
			/* "$h << EOD": a report's text may hold "<< EOD" too */
			data |= line[0] == '$' && memmem(line, n, " << EOD", 7);
		}
		line += n + (end != NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ml_view_report r[2];
	char *text = malloc(size + 1), err[1024], *out = NULL;
	size_t len = 0;
	FILE *f;

	memcpy(text, data, size);
	text[size] = '\0';
	if (ml_view_parse_text(text, size, "fuzz.json", &r[0], err, sizeof(err))) {
		fuzz_one_line("report", err);
		free(text);
		return 0;
	}
	r[1] = r[0];
	f = open_memstream(&out, &len);
	ml_html_page(f, &r[0], &r[1], NULL);
	fclose(f);
	check_page(out);
	free(out);

	f = open_memstream(&out, &len);
	ml_view_compare(f, ML_VIEW_TEXT, r, 2);
	fclose(f);
	for (const unsigned char *p = (const unsigned char *)out; *p; p++)
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
			fuzz_fail("report", "a control character in compare's text", out);
	free(out);

	f = open_memstream(&out, &len);
	ml_view_compare(f, ML_VIEW_JSON, r, 2);
	fclose(f);
	{
		struct json_object *j = ml_json_read(out, len, "compare --json",
						     err, sizeof(err));

		if (!j)
			fuzz_fail("report", "compare --json is not JSON", err);
		json_object_put(j);
	}
	free(out);

	f = open_memstream(&out, &len);
	ml_plot_script(f, &r[0], "/nonexistent");
	fclose(f);
	check_script(out);
	free(out);
	ml_view_free(&r[0]);
	free(text);
	return 0;
}
