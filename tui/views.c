/* views.c - the table of views (the way htop's PanelClass and tmux's key
 * tables work) and what walks it: drawing, keys, the data the refresh
 * thread reads, the mouse. Adding a view is a row here and a file. */
#include <curses.h>
#include <string.h>

#include "tui.h"

const struct tui_view_class tui_views[VIEW__COUNT] = {
	[VIEW_LIST] = {
		.name = "list", .heading = "The guest list", .draw = tui_list_draw, .move_sel = tui_list_move,
		.select = tui_list_select, .also = VIEW_NONE, .next = VIEW_DETAILS, .wants = WANT_LISTED, .min_cols = 40, .min_lines = 8,
	},
	[VIEW_DETAILS] = {
		.name = "details", .heading = "Details of a guest", .draw = tui_details_draw, .also = VIEW_LIST,
		.wants = WANT_GUEST, .one_guest = true, .min_cols = 50, .min_lines = 12,
	},
	[VIEW_SNAPSHOTS] = {
		.name = "snapshots", .heading = "The snapshot tree of a guest", .draw = tui_snapshots_draw,
		.move_sel = tui_snapshots_move, .select = tui_snapshots_select, .item = tui_snapshots_item,
		.also = VIEW_LIST, .wants = WANT_GUEST | WANT_SNAPS, .one_guest = true, .min_cols = 50, .min_lines = 8,
	},
	[VIEW_MONITOR] = {
		.name = "monitor", .heading = "The monitor", .draw = tui_monitor_draw, .move_sel = tui_monitor_move,
		.select = tui_monitor_select, .item = tui_monitor_item,
		TUI_ACTIONS(tui_monitor_actions), .also = VIEW_LIST, .wants = WANT_FOCUS, .min_cols = 70,
		.min_lines = 8,
	},
	[VIEW_NETWORKS] = {
		.name = "networks", .heading = "Networks", .draw = tui_networks_draw, .move_sel = tui_networks_move,
		.select = tui_networks_select, .item = tui_networks_item, TUI_ACTIONS(tui_networks_actions),
		.also = VIEW_NONE, .wants = WANT_NETS | WANT_FWD, .min_cols = 60, .min_lines = 10,
	},
	[VIEW_LABS] = {
		.name = "labs", .heading = "Classroom labs", .draw = tui_labs_draw, .move_sel = tui_labs_move,
		.select = tui_labs_select, .item = tui_labs_item, TUI_ACTIONS(tui_labs_actions),
		.fetch = tui_labs_refresh, .also = VIEW_NONE, .min_cols = 60, .min_lines = 10,
	},
	[VIEW_HOSTS] = {
		.name = "hosts", .heading = "Hosts", .draw = tui_hosts_draw, .also = VIEW_NONE, .wants = WANT_HOSTS,
		.min_cols = 60, .min_lines = 6,
	},
	[VIEW_MIGRATE] = {
		.name = "migrate", .heading = "The migrate dialog", .draw = tui_migrate_draw,
		.move_sel = tui_migrate_move, TUI_ACTIONS(tui_migrate_actions), .also = VIEW_NONE, .wants = WANT_HOSTS,
		.min_cols = 50, .min_lines = 6,
	},
	[VIEW_SCREEN] = {
		.name = "screen", .heading = "The guest's screen", .draw = tui_screen_draw,
		.fetch = tui_screen_refresh, .also = VIEW_LIST, .wants = WANT_FAST, .one_guest = true,
		.remembers_back = true, .min_cols = 30, .min_lines = 6,
	},
	[VIEW_WIZARD] = {
		.name = "wizard", .heading = "The create wizard", .draw = tui_wizard_draw, .move_sel = tui_wizard_move,
		.text_key = tui_wizard_text, .key_view = tui_wizard_key_view, .fetch = tui_wizard_refresh,
		.fetch_always = true, .job_done = tui_wizard_job_done, TUI_ACTIONS(tui_wizard_actions),
		.also = VIEW_NONE, .wants = WANT_NETS, .min_cols = 60, .min_lines = 20,
	},
	[VIEW_PICKER] = {
		/* not shown by itself: the wizard's keys while one of its lists is open */
		.name = "picker", .heading = "A list of the create wizard", .draw = tui_wizard_draw,
		.move_sel = tui_wizard_move, TUI_ACTIONS(tui_picker_actions), .also = VIEW_NONE, .min_cols = 60,
		.min_lines = 20,
	},
	[VIEW_HELP] = {
		.name = "help", .heading = "Help", .draw = tui_help_draw, .move_sel = tui_help_move, .also = VIEW_NONE,
		.wants = WANT_BACK, .remembers_back = true, .min_cols = 30, .min_lines = 6,
	},
	[VIEW_OUTPUT] = {
		.name = "output", .heading = "A command's output", .draw = tui_output_draw, .move_sel = tui_output_move,
		.also = VIEW_NONE, .wants = WANT_BACK, .remembers_back = true, .min_cols = 30, .min_lines = 6,
	},
};

int tui_clamp(int v, int n)
{
	return v >= n ? (n > 0 ? n - 1 : 0) : v < 0 ? 0 : v;
}

const struct tui_action *tui_action_find(enum tui_view v, const char *name)
{
	if (v < VIEW__COUNT)
		for (size_t i = 0; i < tui_views[v].n_actions; i++)
			if (strcmp(tui_views[v].actions[i].name, name) == 0)
				return &tui_views[v].actions[i];
	for (size_t i = 0; i < tui_n_global_actions; i++)
		if (strcmp(tui_global_actions[i].name, name) == 0)
			return &tui_global_actions[i];
	return NULL;
}

void tui_view_show(struct tui *t, enum tui_view v)
{
	if (t->view != v)
		t->back[v] = tui_views[v].remembers_back ? t->view : VIEW_LIST;
	if (t->back[v] == v)
		t->back[v] = VIEW_LIST;
	if (t->view != v)
		t->status[0] = '\0';   /* what was said belonged to the view left */
	t->view = v;
	pthread_mutex_lock(&t->lock);
	t->refresh_wanted = true;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

void tui_view_back(struct tui *t)
{
	if (t->view != VIEW_LIST)
		tui_view_show(t, t->back[t->view]);
}

bool tui_focus_show(struct tui *t, enum tui_view v)
{
	const struct tui_row *r = tui_selected(t);

	if (!r) {
		tui_set_status(t, true, "no guest selected");
		return false;
	}
	pthread_mutex_lock(&t->lock);
	if (strcmp(t->details_name, r->s.name) != 0) {
		if (t->details_ok)
			eng_dom_info_free(&t->details);
		t->details_ok = false;
		snprintf(t->details_name, sizeof(t->details_name), "%s", r->s.name);
	}
	pthread_mutex_unlock(&t->lock);
	tui_view_show(t, v);
	return true;
}

enum tui_view tui_key_view(struct tui *t)
{
	const struct tui_view_class *c = &tui_views[t->view];

	return c->key_view ? c->key_view(t) : t->view;
}

unsigned tui_view_wants(const struct tui *t)
{
	unsigned w = tui_views[t->view].wants;

	if (w & WANT_BACK)
		w = (w & ~(unsigned)WANT_BACK) | tui_views[t->back[t->view]].wants;
	return w;
}

void tui_views_refresh(struct tui *t)
{
	enum tui_view shown;

	pthread_mutex_lock(&t->lock);
	shown = tui_views[t->view].wants & WANT_BACK ? t->back[t->view] : t->view;
	pthread_mutex_unlock(&t->lock);
	for (int v = 0; v < VIEW__COUNT; v++)
		if (tui_views[v].fetch && (v == (int)shown || tui_views[v].fetch_always))
			tui_views[v].fetch(t);
}

void tui_view_draw(struct tui *t)
{
	const struct tui_view_class *c = &tui_views[t->view];

	memset(t->row_item, 0, sizeof(t->row_item));
	t->n_hints = 0;
	if (COLS < c->min_cols || LINES < c->min_lines) {
		/* below what the view needs: said, instead of rows spilling into each other */
		char msg[160];
		erase();
		snprintf(msg, sizeof(msg), "vmdeck: the terminal (%dx%d) is too small for %s: it needs %dx%d (q: back)",
			 COLS, LINES, c->name, c->min_cols, c->min_lines);
		for (int y = 0, off = 0; y < LINES && off < (int)strlen(msg); y++, off += COLS)
			mvaddnstr(y, 0, msg + off, COLS);
		refresh();
		return;
	}
	c->draw(t);
	tui_footer_draw(t);
	refresh();
}

static void key_unbound(struct tui *t, int ch)
{
	char name[32];

	tui_key_name(ch, name, sizeof(name));
	tui_set_status(t, false, "key %s does nothing in %s (? shows the keys)", name, tui_views[t->view].name);
}

void tui_view_key(struct tui *t, int ch)
{
	const struct tui_view_class *c = &tui_views[t->view];
	const struct key_binding *kb, *lk;
	const struct tui_action *a, *la;
	enum tui_view v;

	if (ch == KEY_RESIZE) {
		tui_list_move(t, 0);
		return;
	}
	if (ch == KEY_MOUSE) {
		tui_mouse(t);
		return;
	}
	if (c->text_key && c->text_key(t, ch))
		return;
	v = tui_key_view(t);
	kb = tui_key_lookup(t, v, ch);
	/* the key that opened this view leaves it (m in the monitor, n in networks) */
	lk = tui_key_row(t, VIEW_LIST, ch);
	la = lk && lk->command[0] == '@' ? tui_action_find(VIEW_LIST, lk->command) : NULL;
	if (la && la->opens == t->view && (!kb || kb->view != v)) {
		tui_view_back(t);
		return;
	}
	if (!kb) {
		key_unbound(t, ch);
		return;
	}
	if (kb->command[0] != '@') {
		tui_run_key(t, kb);
		return;
	}
	if (!(a = tui_action_find(v, kb->command))) {
		tui_set_status(t, true, "%s: no such action in %s", kb->command, tui_views[v].name);
		return;
	}
	if (a->changes && t->g.readonly) {
		tui_refuse_readonly(t, kb->label);
		return;
	}
	a->fn(t);
}

void tui_mouse(struct tui *t)
{
	const struct tui_view_class *c = &tui_views[t->view];
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		if (c->move_sel)
			c->move_sel(t, ev.bstate & BUTTON4_PRESSED ? -3 : 3);
		return;
	}
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED)))
		return;
	if (ev.y == LINES - 2) {
		for (int i = 0; i < t->n_hints; i++)
			if (ev.x >= t->hints[i].x0 && ev.x < t->hints[i].x1) {
				tui_view_key(t, t->hints[i].key);
				return;
			}
		return;
	}
	if (ev.y >= 0 && ev.y < (int)(sizeof(t->row_item) / sizeof(t->row_item[0])) && t->row_item[ev.y] && c->select)
		c->select(t, t->row_item[ev.y] - 1);
}
