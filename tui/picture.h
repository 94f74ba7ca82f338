/* picture.h - a screenshot fitted into a pane of terminal cells (pure: no
 * curses, so the unit tests link it). Each cell holds two pixels, drawn as an
 * upper-half block: foreground = the top pixel, background = the bottom one. */
#ifndef VMDECK_PICTURE_H
#define VMDECK_PICTURE_H

#include "engine.h"

struct pic_cell {
	unsigned char top[3], bot[3];
};

struct picture {
	int cols, rows;          /* cells; 0 x 0 when nothing fits */
	int src_w, src_h;        /* the screenshot's pixels */
	struct pic_cell *cells;  /* rows * cols, row by row */
};

/* img scaled (area average, never up) into at most max_cols x max_rows cells,
 * keeping its aspect with square half-cells. -1 only when out of memory. */
int pic_fit(const struct eng_image *img, int max_cols, int max_rows, struct picture *out);
void pic_free(struct picture *p);

/* Colour of one pixel in a terminal's palette: the xterm 256-colour index
 * (cube or grey ramp, whichever is nearer), the 8 ANSI colours, or 0..255
 * luminance for terminals without colour. */
int pic_xterm256(const unsigned char rgb[3]);
int pic_ansi8(const unsigned char rgb[3]);
int pic_luma(const unsigned char rgb[3]);

#endif
