/* The guest's screen: PPM decoding (hostile headers refused), fitting into
 * cells (aspect kept, area average, never upscaled) and palette choice. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "engine.h"
#include "picture.h"

/* a P6 picture: w x h, the left half red, the right half blue */
static size_t make_ppm(unsigned char *buf, size_t cap, int w, int h, const char *header_extra)
{
	int n = snprintf((char *)buf, cap, "P6\n%s%d %d\n255\n", header_extra, w, h);
	size_t at = (size_t)n;

	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			buf[at++] = x < w / 2 ? 255 : 0;
			buf[at++] = 0;
			buf[at++] = x < w / 2 ? 0 : 255;
		}
	return at;
}

static void decode_good(void **state)
{
	unsigned char buf[4096];
	struct eng_image img;
	struct eng_error err = { 0 };
	size_t len = make_ppm(buf, sizeof(buf), 8, 4, "# a comment\n");

	(void)state;
	assert_int_equal(eng_ppm_decode(buf, len, &img, &err), 0);
	assert_int_equal(img.w, 8);
	assert_int_equal(img.h, 4);
	assert_int_equal(img.rgb[0], 255);               /* top left: red */
	assert_int_equal(img.rgb[(3 * 8 + 7) * 3 + 2], 255);  /* bottom right: blue */
	eng_image_free(&img);
}

static void decode_16bit(void **state)
{
	/* maxval 65535: two bytes a sample, scaled to 0..255 */
	unsigned char buf[64] = "P6 1 1 65535\n";
	size_t at = strlen((char *)buf);
	struct eng_image img;
	struct eng_error err = { 0 };

	(void)state;
	buf[at++] = 0xff, buf[at++] = 0xff, buf[at++] = 0x80, buf[at++] = 0x00, buf[at++] = 0, buf[at++] = 0;
	assert_int_equal(eng_ppm_decode(buf, at, &img, &err), 0);
	assert_int_equal(img.rgb[0], 255);
	assert_int_equal(img.rgb[1], 127);
	assert_int_equal(img.rgb[2], 0);
	eng_image_free(&img);
}

static void decode_bad(void **state)
{
	static const char *const bad[] = {
		"",                               /* empty */
		"P5\n1 1\n255\n\x01",             /* greyscale, not P6 */
		"P6\n-1 1\n255\n",                /* negative */
		"P6\n0 1\n255\n",                 /* zero width */
		"P6\n99999999 1\n255\n",          /* absurd width */
		"P6\n20000 20000\n255\n",         /* beyond any screen */
		"P6\n2 2\n255\n\x01\x02\x03",     /* cut short */
		"P6\n1 1\n0\n\x01\x02\x03",       /* maxval 0 */
		"P6\n1 1\n70000\n\x01\x02\x03",   /* maxval too large */
		"P6\n1 1",                        /* header ends early */
	};
	struct eng_image img;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct eng_error err = { 0 };
		assert_int_equal(eng_ppm_decode((const unsigned char *)bad[i], strlen(bad[i]), &img, &err), -1);
		assert_null(img.rgb);
		assert_true(err.msg[0] != '\0');
	}
}

static void decode_png(void **state)
{
	/* libvirt 9.0 asks QEMU 7.2 for PNG: a 3x2 picture written by libpng */
	unsigned char px[3 * 2 * 3] = { 255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90 };
	unsigned char mem[1024];
	png_alloc_size_t len = sizeof(mem);
	png_image pi = { .version = PNG_IMAGE_VERSION, .width = 3, .height = 2, .format = PNG_FORMAT_RGB };
	struct eng_image img;
	struct eng_error err = { 0 };

	(void)state;
	assert_true(png_image_write_to_memory(&pi, mem, &len, 0, px, 0, NULL));
	assert_int_equal(eng_png_decode(mem, len, &img, &err), 0);
	assert_int_equal(img.w, 3);
	assert_int_equal(img.h, 2);
	assert_memory_equal(img.rgb, px, sizeof(px));
	eng_image_free(&img);
	/* cut short, or not a PNG at all: refused with a reason */
	assert_int_equal(eng_png_decode(mem, len / 2, &img, &err), -1);
	assert_null(img.rgb);
	assert_int_equal(eng_png_decode((const unsigned char *)"P6 1 1 255\n", 11, &img, &err), -1);
	assert_non_null(strstr(err.msg, "PNG"));
}

static void fit_keeps_aspect(void **state)
{
	static unsigned char buf[720 * 400 * 3 + 64];
	struct eng_image img;
	struct eng_error err = { 0 };
	struct picture p;
	size_t len = make_ppm(buf, sizeof(buf), 720, 400, "");

	(void)state;
	assert_int_equal(eng_ppm_decode(buf, len, &img, &err), 0);
	/* 80x22 cells = 80x44 half-cell pixels: 80 across would need 44.4 rows,
	 * so the height limits: 44 rows, 720 * 44 / 400 = 79 across */
	assert_int_equal(pic_fit(&img, 80, 22, &p), 0);
	assert_int_equal(p.cols, 79);
	assert_int_equal(p.rows, 22);
	assert_int_equal(p.src_w, 720);
	/* left half red, right half blue, averaged over whole boxes */
	assert_int_equal(p.cells[0].top[0], 255);
	assert_int_equal(p.cells[0].bot[2], 0);
	assert_int_equal(p.cells[78].top[2], 255);
	assert_int_equal(p.cells[78].top[0], 0);
	pic_free(&p);
	/* a wide pane: the width limits */
	assert_int_equal(pic_fit(&img, 72, 40, &p), 0);
	assert_int_equal(p.cols, 72);
	assert_int_equal(p.rows, 20);   /* 400 * 72 / 720 = 40 pixel rows */
	pic_free(&p);
	/* a short pane: the height limits, the aspect stays */
	assert_int_equal(pic_fit(&img, 200, 10, &p), 0);
	assert_int_equal(p.rows, 10);
	assert_int_equal(p.cols, 36);   /* 720 * 20 / 400 */
	pic_free(&p);
	/* never upscaled: a 4x2 picture in a big pane stays 4 cells by 1 */
	eng_image_free(&img);
	len = make_ppm(buf, sizeof(buf), 4, 2, "");
	assert_int_equal(eng_ppm_decode(buf, len, &img, &err), 0);
	assert_int_equal(pic_fit(&img, 200, 100, &p), 0);
	assert_int_equal(p.cols, 4);
	assert_int_equal(p.rows, 1);
	pic_free(&p);
	/* no room: nothing, no failure */
	assert_int_equal(pic_fit(&img, 0, 10, &p), 0);
	assert_int_equal(p.cols, 0);
	assert_null(p.cells);
	eng_image_free(&img);
}

static void palettes(void **state)
{
	static const unsigned char black[3] = { 0, 0, 0 }, white[3] = { 255, 255, 255 }, red[3] = { 255, 0, 0 },
				   grey[3] = { 128, 128, 128 }, teal[3] = { 0, 135, 135 };
	(void)state;
	assert_int_equal(pic_xterm256(black), 16);
	assert_int_equal(pic_xterm256(white), 231);
	assert_int_equal(pic_xterm256(red), 196);
	assert_int_equal(pic_xterm256(grey), 244);   /* the grey ramp is nearer than the cube */
	assert_int_equal(pic_xterm256(teal), 30);    /* 16 + 0*36 + 2*6 + 2 */
	assert_int_equal(pic_ansi8(red), 1);
	assert_int_equal(pic_ansi8(white), 7);
	assert_int_equal(pic_luma(white), 255);
	assert_int_equal(pic_luma(black), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decode_good), cmocka_unit_test(decode_16bit), cmocka_unit_test(decode_bad), cmocka_unit_test(decode_png),
		cmocka_unit_test(fit_keeps_aspect), cmocka_unit_test(palettes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
