/* guestscreen.c - v: the selected guest's screen as a live picture in the
 * terminal. The refresh thread fetches libvirt's screenshot about once a
 * second while this view is shown (never otherwise) and fits it to the pane
 * (picture.c); the UI thread draws each cell as an upper-half block whose
 * foreground is the top pixel and background the bottom one, in true colour
 * on a direct-colour terminal, else the xterm 256 or the 8 ANSI colours, and
 * as a greyscale ramp of characters where the terminal has no colour. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui.h"

/* colour pairs of the picture, UI thread only: (fg, bg) -> pair number,
 * handed out from PAIR_BASE up; a frame that could run out starts over
 * (every cell of the picture is drawn again in that frame anyway) */
#define PAIR_BASE 16
#define PAIR_SLOTS 8192
static struct {
	long key[PAIR_SLOTS];   /* fg << 25 | bg, or -1 */
	int pair[PAIR_SLOTS];
	int next;
} pairs = { .next = -1 };

static void pairs_reset(void)
{
	memset(pairs.key, 0xff, sizeof(pairs.key));
	pairs.next = PAIR_BASE;
}

static int pair_for(int fg, int bg)
{
	long key = (long)fg << 25 | bg;
	size_t h = (size_t)((unsigned long)key * 2654435761u) % PAIR_SLOTS;

	while (pairs.key[h] != -1 && pairs.key[h] != key)
		h = (h + 1) % PAIR_SLOTS;
	if (pairs.key[h] == key)
		return pairs.pair[h];
	if (init_extended_pair(pairs.next, fg, bg) == ERR)
		return 0;
	pairs.key[h] = key;
	pairs.pair[h] = pairs.next;
	return pairs.next++;
}

enum shot_palette { PAL_DIRECT, PAL_256, PAL_8, PAL_GREY };

static enum shot_palette palette(const struct tui *t)
{
	if (!t->color)
		return PAL_GREY;
	/* a frame of 80x22 cells needs up to 1760 pairs of its own */
	if (COLORS >= 256 && COLOR_PAIRS >= PAIR_BASE + 4096)
		return COLORS >= 0x1000000 ? PAL_DIRECT : PAL_256;
	return COLORS >= 8 && COLOR_PAIRS >= PAIR_BASE + 64 ? PAL_8 : PAL_GREY;
}

static int colour(enum shot_palette p, const unsigned char rgb[3])
{
	switch (p) {
	case PAL_DIRECT: return rgb[0] << 16 | rgb[1] << 8 | rgb[2];
	case PAL_256: return pic_xterm256(rgb);
	default: return pic_ansi8(rgb);
	}
}

void tui_screen_open(struct tui *t)
{
	pthread_mutex_lock(&t->lock);
	pic_free(&t->shot);
	t->shot_err[0] = '\0';
	t->shot_cols = COLS;
	t->shot_rows = LINES - 3;
	pthread_mutex_unlock(&t->lock);
	tui_focus_show(t, VIEW_SCREEN);
}

/* refresh thread: one screenshot of the guest on screen, when it is shown */
void tui_screen_refresh(struct tui *t)
{
	char name[ENG_NAME_MAX + 1];
	struct eng_image img;
	struct picture pic = { 0 };
	struct eng_error err = { 0 };
	size_t bytes = 0;
	int cols, rows, rc;

	pthread_mutex_lock(&t->lock);
	snprintf(name, sizeof(name), "%s", t->details_name);   /* (called while the screen is shown) */
	cols = t->shot_cols;
	rows = t->shot_rows;
	pthread_mutex_unlock(&t->lock);
	if (!name[0])
		return;
	{
		const char *bare;
		struct eng *e = tui_guest_eng(t, name, &bare);
		rc = e ? eng_screenshot(e, bare, &img, &bytes, &err) : (eng_err_set(&err, ENG_E_FAILED, "its host does not answer"), -1);
	}
	if (rc == 0 && pic_fit(&img, cols, rows, &pic) < 0) {
		snprintf(err.msg, sizeof(err.msg), "out of memory for the picture");
		rc = -1;
	}
	eng_image_free(&img);
	if (t->trace)
		fprintf(t->trace, "screenshot %s bytes %zu rc %d\n", name, bytes, rc), fflush(t->trace);
	pthread_mutex_lock(&t->lock);
	if ((tui_view_wants(t) & WANT_FAST) && strcmp(name, t->details_name) == 0) {
		pic_free(&t->shot);
		t->shot = pic;
		t->shot_bytes = bytes;
		t->shot_ns = tui_now_ns();
		snprintf(t->shot_err, sizeof(t->shot_err), "%s", rc == 0 ? "" : err.msg);
		memset(&pic, 0, sizeof(pic));
	}
	pthread_mutex_unlock(&t->lock);
	pic_free(&pic);
}

static void draw_cell(enum shot_palette p, bool utf8, const struct pic_cell *c)
{
	static const char ramp_ascii[] = " .:-=+*#%@";
	static const wchar_t ramp_utf8[] = L" \u2591\u2592\u2593\u2588";
	wchar_t wc[2] = { 0x2580, 0 };   /* upper half block */
	cchar_t cc;
	int pair;

	if (p == PAL_GREY) {
		int l = (pic_luma(c->top) + pic_luma(c->bot)) / 2;
		if (!utf8) {
			addch((chtype)ramp_ascii[l * 10 / 256]);
			return;
		}
		wc[0] = ramp_utf8[l * 5 / 256];
		setcchar(&cc, wc, A_NORMAL, 0, NULL);
		add_wch(&cc);
		return;
	}
	if (!utf8) {
		/* no half blocks: one colour per cell, the two pixels' mean */
		unsigned char m[3];
		for (int i = 0; i < 3; i++)
			m[i] = (unsigned char)((c->top[i] + c->bot[i]) / 2);
		pair = pair_for(colour(p, m), colour(p, m));
		wc[0] = L' ';
	} else {
		pair = pair_for(colour(p, c->top), colour(p, c->bot));
	}
	setcchar(&cc, wc, A_NORMAL, 0, &pair);
	add_wch(&cc);
}

void tui_screen_draw(struct tui *t)
{
	char title[ENG_NAME_MAX + 96];
	enum shot_palette p = palette(t);

	erase();
	pthread_mutex_lock(&t->lock);
	/* the pane the next picture is fitted to follows the terminal's size */
	t->shot_cols = COLS;
	t->shot_rows = LINES - 3;
	if (t->shot.cols)
		snprintf(title, sizeof(title), "screen of %s (%dx%d, %zu KiB)", t->details_name, t->shot.src_w,
			 t->shot.src_h, t->shot_bytes / 1024);
	else
		snprintf(title, sizeof(title), "screen of %s", t->details_name);
	tui_draw_frame(t, title);
	if (t->shot_err[0])
		mvaddnstr(2, 2, t->shot_err, COLS - 3);
	else if (!t->shot.cols)
		mvaddstr(2, 2, "fetching the guest's screen...");
	if (p != PAL_GREY && pairs.next < 0)
		pairs_reset();
	if (p != PAL_GREY && pairs.next + t->shot.cols * t->shot.rows >= (COLOR_PAIRS < 32768 ? COLOR_PAIRS : 32768))
		pairs_reset();
	int x0 = t->shot.cols < COLS ? (COLS - t->shot.cols) / 2 : 0;
	for (int r = 0; !t->shot_err[0] && r < t->shot.rows && r + 1 < LINES - 2; r++) {
		move(r + 1, x0);
		for (int c = 0; c < t->shot.cols && x0 + c < COLS; c++)
			draw_cell(p, t->utf8, &t->shot.cells[(size_t)r * (size_t)t->shot.cols + (size_t)c]);
	}
	pthread_mutex_unlock(&t->lock);
}
