/* snapshots.c - T: the snapshot tree of the selected guest. Enter reverts,
 * x deletes (both after y/n), t takes one; the list comes from the refresh
 * thread like the details. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui.h"

void tui_snapshots_open(struct tui *t)
{
	if (!tui_focus_selected(t))
		return;
	free(t->snaps);
	t->snaps = NULL;
	t->n_snaps = 0;
	t->snaps_ok = false;
	t->snap_sel = 0;
	tui_focus_show(t, VIEW_SNAPSHOTS);
}

void tui_snapshots_draw(struct tui *t)
{
	char title[128];

	erase();
	snprintf(title, sizeof(title), "snapshots of %s (Enter revert, x delete, t take, q back)",
		 t->details_name);
	tui_draw_frame(t, title);
	pthread_mutex_lock(&t->lock);
	if (!t->snaps_ok)
		mvprintw(2, 2, "reading snapshots of %s...", t->details_name);
	else if (t->n_snaps == 0)
		mvprintw(2, 2, "%s has no snapshots: t takes one", t->details_name);
	if (t->snap_sel >= (int)t->n_snaps)
		t->snap_sel = t->n_snaps ? (int)t->n_snaps - 1 : 0;
	for (size_t i = 0; i < t->n_snaps && (int)i < LINES - 4; i++) {
		const struct eng_snapshot *s = &t->snaps[i];
		char when[32];
		time_t tt = (time_t)s->created;
		struct tm tm;
		int y = 2 + (int)i;

		localtime_r(&tt, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		if ((int)i == t->snap_sel) {
			attron(A_REVERSE);
			mvhline(y, 0, ' ', COLS);
		}
		mvprintw(y, 0, "%c %*s%s%-*.*s %-8s %-8s %s", s->current ? '*' : ' ', s->depth * 2, "",
			 s->depth ? (t->utf8 ? "\u2514 " : "`-") : "", 36 - s->depth * 2 > 8 ? 36 - s->depth * 2 : 8,
			 36, s->name, s->state, s->external ? "external" : "internal", when);
		attroff(A_REVERSE);
	}
	if (t->snaps_ok && t->n_snaps)
		mvprintw(LINES - 2, 0, "* = current (R on the list reverts to it)");
	pthread_mutex_unlock(&t->lock);
}

bool tui_snapshots_key(struct tui *t, int ch)
{
	char q[256], name[ENG_NAME_MAX + 1] = "";

	pthread_mutex_lock(&t->lock);
	if (t->snaps_ok && t->snap_sel >= 0 && (size_t)t->snap_sel < t->n_snaps)
		snprintf(name, sizeof(name), "%s", t->snaps[t->snap_sel].name);
	pthread_mutex_unlock(&t->lock);

	switch (ch) {
	case 'j':
	case KEY_DOWN:
		if (t->snap_sel + 1 < (int)t->n_snaps)
			t->snap_sel++;
		return true;
	case 'k':
	case KEY_UP:
		if (t->snap_sel > 0)
			t->snap_sel--;
		return true;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (!name[0])
			return true;
		snprintf(q, sizeof(q), "revert %s to snapshot %s?", t->details_name, name);
		if (tui_confirm(t, q, NULL, NULL))
			tui_run_fmt(t, "snapshot revert %s %s", t->details_name, name);
		return true;
	case 'x':
		if (!name[0])
			return true;
		snprintf(q, sizeof(q), "delete snapshot %s of %s?", name, t->details_name);
		if (tui_confirm(t, q, NULL, NULL))
			tui_run_fmt(t, "snapshot delete %s %s", t->details_name, name);
		return true;
	case 't':
		tui_run_fmt(t, "snapshot take %s", t->details_name);
		return true;
	case '\t':
		t->view = VIEW_LIST;
		return true;
	default:
		return false;   /* q, Esc, ?, : ... as everywhere */
	}
}
