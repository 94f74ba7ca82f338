/* snapshots.c - T: the snapshot tree of the selected guest (its keys, Enter
 * revert, x delete, t take, are rows of the key table naming %s, the
 * snapshot selected here); the list comes from the refresh thread like the
 * details. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui.h"

void tui_snapshots_open(struct tui *t)
{
	pthread_mutex_lock(&t->lock);
	free(t->snaps);
	t->snaps = NULL;
	t->n_snaps = 0;
	t->snaps_ok = false;
	t->snap_sel = 0;
	pthread_mutex_unlock(&t->lock);
	tui_focus_show(t, VIEW_SNAPSHOTS);
}

void tui_snapshots_move(struct tui *t, int delta)
{
	pthread_mutex_lock(&t->lock);
	t->snap_sel = tui_clamp(t->snap_sel + delta, (int)t->n_snaps);
	pthread_mutex_unlock(&t->lock);
}

void tui_snapshots_select(struct tui *t, int item)
{
	tui_snapshots_move(t, item - t->snap_sel);
}

/* %s: the snapshot selected (the name the question shows and the command gets) */
bool tui_snapshots_item(struct tui *t, char what, char *buf, size_t len)
{
	bool ok;

	pthread_mutex_lock(&t->lock);
	ok = what == 's' && t->snaps_ok && t->snap_sel >= 0 && (size_t)t->snap_sel < t->n_snaps;
	if (ok)
		snprintf(buf, len, "%s", t->snaps[t->snap_sel].name);
	pthread_mutex_unlock(&t->lock);
	return ok;
}

void tui_snapshots_draw(struct tui *t)
{
	char title[128];

	erase();
	snprintf(title, sizeof(title), "snapshots of %s", t->details_name);
	tui_draw_frame(t, title);
	pthread_mutex_lock(&t->lock);
	if (!t->snaps_ok)
		mvprintw(2, 2, "reading snapshots of %s...", t->details_name);
	else if (t->n_snaps == 0)
		mvprintw(2, 2, "%s has no snapshots: t takes one", t->details_name);
	if (t->snap_sel >= (int)t->n_snaps)
		t->snap_sel = t->n_snaps ? (int)t->n_snaps - 1 : 0;
	for (size_t i = 0; i < t->n_snaps && (int)i < LINES - 6; i++) {
		const struct eng_snapshot *s = &t->snaps[i];
		char when[32];
		time_t tt = (time_t)s->created;
		struct tm tm;
		int y = 2 + (int)i;

		t->row_item[y] = (short)(i + 1);
		localtime_r(&tt, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		if ((int)i == t->snap_sel) {
			attron(A_REVERSE);
			mvhline(y, 0, ' ', COLS);
		}
		mvprintw(y, 0, "%c %*s%s%-*.*s %-8s %-8s %.20s", s->current ? '*' : ' ', s->depth * 2, "",
			 s->depth ? (t->utf8 ? "\u2514 " : "`-") : "", 36 - s->depth * 2 > 8 ? 36 - s->depth * 2 : 8,
			 36, s->name, s->state, s->external ? "external" : "internal", when);
		attroff(A_REVERSE);
	}
	if (t->snaps_ok && t->n_snaps)
		mvaddnstr(LINES - 3, 0, "* = current (R on the list reverts to it)", COLS);
	pthread_mutex_unlock(&t->lock);
}
