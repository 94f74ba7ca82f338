/* picture.c - fitting a screenshot into terminal cells, and choosing the
 * palette colour of a pixel; see picture.h. */
#include <stdlib.h>
#include <string.h>

#include "picture.h"

void pic_free(struct picture *p)
{
	free(p->cells);
	memset(p, 0, sizeof(*p));
}

/* the average of the source box [x0,x1) x [y0,y1) */
static void box_average(const struct eng_image *img, int x0, int x1, int y0, int y1, unsigned char out[3])
{
	unsigned long sum[3] = { 0, 0, 0 }, n = 0;

	for (int y = y0; y < y1; y++) {
		const unsigned char *p = img->rgb + ((size_t)y * (size_t)img->w + (size_t)x0) * 3;
		for (int x = x0; x < x1; x++, p += 3, n++) {
			sum[0] += p[0];
			sum[1] += p[1];
			sum[2] += p[2];
		}
	}
	for (int c = 0; c < 3; c++)
		out[c] = (unsigned char)(n ? sum[c] / n : 0);
}

int pic_fit(const struct eng_image *img, int max_cols, int max_rows, struct picture *out)
{
	int ow, oh;   /* output pixels: ow = cells across, oh = 2 per cell row */

	memset(out, 0, sizeof(*out));
	out->src_w = img->w;
	out->src_h = img->h;
	if (img->w < 1 || img->h < 1 || !img->rgb || max_cols < 1 || max_rows < 1)
		return 0;
	/* the smaller of the two ratios, never above 1 (no upscaling) */
	if ((long)max_cols * img->h <= (long)2 * max_rows * img->w) {
		ow = max_cols < img->w ? max_cols : img->w;
		oh = (int)((long)img->h * ow / img->w);
	} else {
		oh = 2 * max_rows < img->h ? 2 * max_rows : img->h;
		ow = (int)((long)img->w * oh / img->h);
	}
	ow = ow < 1 ? 1 : ow;
	oh = oh < 1 ? 1 : oh;
	out->cols = ow;
	out->rows = (oh + 1) / 2;
	if (!(out->cells = calloc((size_t)out->cols * (size_t)out->rows, sizeof(*out->cells))))
		return -1;
	for (int py = 0; py < out->rows * 2; py++) {
		/* an odd last pixel row leaves the cell's lower half black */
		if (py >= oh)
			break;
		int y0 = (int)((long)py * img->h / oh), y1 = (int)((long)(py + 1) * img->h / oh);
		y1 = y1 > y0 ? y1 : y0 + 1;
		for (int px = 0; px < ow; px++) {
			int x0 = (int)((long)px * img->w / ow), x1 = (int)((long)(px + 1) * img->w / ow);
			struct pic_cell *c = &out->cells[(size_t)(py / 2) * (size_t)out->cols + (size_t)px];
			box_average(img, x0, x1 > x0 ? x1 : x0 + 1, y0, y1, py % 2 ? c->bot : c->top);
		}
	}
	return 0;
}

/* the six levels of xterm's colour cube */
static const int cube[6] = { 0, 95, 135, 175, 215, 255 };

static int nearest_level(int v)
{
	int best = 0;

	for (int i = 1; i < 6; i++)
		if (abs(cube[i] - v) < abs(cube[best] - v))
			best = i;
	return best;
}

static long dist2(int r, int g, int b, int r2, int g2, int b2)
{
	return (long)(r - r2) * (r - r2) + (long)(g - g2) * (g - g2) + (long)(b - b2) * (b - b2);
}

int pic_xterm256(const unsigned char rgb[3])
{
	int r = nearest_level(rgb[0]), g = nearest_level(rgb[1]), b = nearest_level(rgb[2]);
	int grey = (rgb[0] + rgb[1] + rgb[2]) / 3;
	/* the grey ramp: 24 steps 8, 18, ..., 238 */
	int gi = grey < 8 ? 0 : grey > 238 ? 23 : (grey - 8 + 5) / 10;
	int gv = 8 + gi * 10;

	if (dist2(rgb[0], rgb[1], rgb[2], gv, gv, gv) < dist2(rgb[0], rgb[1], rgb[2], cube[r], cube[g], cube[b]))
		return 232 + gi;
	return 16 + 36 * r + 6 * g + b;
}

int pic_ansi8(const unsigned char rgb[3])
{
	/* curses' COLOR_RED = 1, GREEN = 2, BLUE = 4: one bit per channel */
	return (rgb[0] >= 128 ? 1 : 0) | (rgb[1] >= 128 ? 2 : 0) | (rgb[2] >= 128 ? 4 : 0);
}

int pic_luma(const unsigned char rgb[3])
{
	return (rgb[0] * 299 + rgb[1] * 587 + rgb[2] * 114) / 1000;
}
