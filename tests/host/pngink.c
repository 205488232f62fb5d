// SPDX-License-Identifier: GPL-2.0
/*
 * pngink.c - how many pixels of a PNG are not white (a channel below 240)
 * and how many are the plots' red (the median's line and points: much
 * red, little green and blue), for tests/host/view.sh: a screenshot of
 * the HTML report must show its pictures, where text alone has no red.
 * Prints the two counts; exit 2 when the file is not a PNG it can read.
 *
 *   cc -o pngink tests/host/pngink.c -lpng
 */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	png_image img;
	png_bytep px;
	size_t ink = 0, red = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: pngink FILE.png\n");
		return 2;
	}
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, argv[1])) {
		fprintf(stderr, "pngink: %s: %s\n", argv[1], img.message);
		return 2;
	}
	img.format = PNG_FORMAT_RGB;
	px = malloc(PNG_IMAGE_SIZE(img));
	if (!px || !png_image_finish_read(&img, NULL, px, 0, NULL)) {
		fprintf(stderr, "pngink: %s: %s\n", argv[1],
			px ? img.message : "out of memory");
		return 2;
	}
	for (size_t i = 0; i < (size_t)img.width * img.height; i++) {
		png_bytep p = px + 3 * i;

		ink += p[0] < 240 || p[1] < 240 || p[2] < 240;
		red += p[0] > 150 && p[1] < 90 && p[2] < 90;
	}
	printf("%zu %zu\n", ink, red);
	free(px);
	return 0;
}
