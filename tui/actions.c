/* actions.c - the actions of every view and of the guest list ('@name' in
 * the key table); a view's own ones are in its file. */
#include <curses.h>
#include <string.h>

#include "tui.h"

static void act_quit(struct tui *t) { t->quit = 1; }
static void act_back(struct tui *t) { tui_view_back(t); }

static void act_cancel(struct tui *t)
{
	if (t->job && !t->job->done)
		tui_job_cancel(t);
	else
		tui_view_back(t);
}

static void move_by(struct tui *t, int delta)
{
	if (tui_views[tui_key_view(t)].move_sel)
		tui_views[tui_key_view(t)].move_sel(t, delta);
}

/* a page is what the view shows between its header and its footer */
static int page(void) { return LINES > 8 ? LINES - 6 : 1; }
static void act_down(struct tui *t) { move_by(t, 1); }
static void act_up(struct tui *t) { move_by(t, -1); }
static void act_page_down(struct tui *t) { move_by(t, page()); }
static void act_page_up(struct tui *t) { move_by(t, -page()); }
static void act_top(struct tui *t) { move_by(t, -1000000); }
static void act_bottom(struct tui *t) { move_by(t, 1000000); }
static void act_help(struct tui *t) { t->help_top = 0; tui_view_show(t, VIEW_HELP); }
static void act_sort(struct tui *t) { tui_list_cycle_sort(t); }
static void act_redraw(struct tui *t) { (void)t; clearok(curscr, TRUE); }
static void act_edit(struct tui *t) { tui_edit_form(t); }
static void act_details(struct tui *t) { tui_focus_show(t, VIEW_DETAILS); }

static void act_refresh(struct tui *t)
{
	pthread_mutex_lock(&t->lock);
	t->refresh_wanted = true;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
	tui_set_status(t, false, "refreshing");
}

static void act_next_view(struct tui *t)
{
	enum tui_view v = tui_views[t->view].next;

	if (tui_views[v].one_guest)
		tui_focus_show(t, v);
	else
		tui_view_show(t, v);
}

static void act_mark(struct tui *t)
{
	const struct tui_row *r = tui_selected(t);

	if (!r)
		return;
	t->rows[t->visible[t->sel]].marked = !r->marked;
	tui_list_move(t, 1);
}

static void act_prompt(struct tui *t)
{
	char line[512] = "";

	if (!tui_prompt_read(t, ":", line, sizeof(line), true) || !line[0])
		return;
	if (t->n_history == TUI_HISTORY) {
		memmove(t->history[0], t->history[1], sizeof(t->history[0]) * (TUI_HISTORY - 1));
		t->n_history--;
	}
	snprintf(t->history[t->n_history++], sizeof(t->history[0]), "%s", line);
	tui_run_line(t, line);
}

/* the list follows each key typed into the filter */
static void filter_changed(struct tui *t, const char *text)
{
	snprintf(t->filter, sizeof(t->filter), "%s", text);
	tui_list_refilter(t);
	tui_view_draw(t);
}

static void act_filter(struct tui *t)
{
	char f[64], before[64];

	snprintf(f, sizeof(f), "%s", t->filter);
	snprintf(before, sizeof(before), "%s", t->filter);
	if (!tui_prompt_live(t, "/", f, sizeof(f), filter_changed))
		filter_changed(t, before);   /* Esc: the filter it had */
}

static void act_monitor(struct tui *t) { tui_view_show(t, VIEW_MONITOR); }

const struct tui_action tui_global_actions[] = {
	{ "@quit", act_quit, false, VIEW_NONE },
	{ "@quit-all", act_quit, false, VIEW_NONE },
	{ "@back", act_back, false, VIEW_NONE },
	{ "@cancel", act_cancel, false, VIEW_NONE },
	{ "@down", act_down, false, VIEW_NONE },
	{ "@up", act_up, false, VIEW_NONE },
	{ "@page-down", act_page_down, false, VIEW_NONE },
	{ "@page-up", act_page_up, false, VIEW_NONE },
	{ "@top", act_top, false, VIEW_NONE },
	{ "@bottom", act_bottom, false, VIEW_NONE },
	{ "@help", act_help, false, VIEW_HELP },
	{ "@sort", act_sort, false, VIEW_NONE },
	{ "@refresh", act_refresh, false, VIEW_NONE },
	{ "@redraw", act_redraw, false, VIEW_NONE },
	{ "@edit", act_edit, true, VIEW_NONE },
	{ "@details", act_details, false, VIEW_DETAILS },
	{ "@next-view", act_next_view, false, VIEW_NONE },
	{ "@mark", act_mark, false, VIEW_NONE },
	{ "@prompt", act_prompt, false, VIEW_NONE },
	{ "@filter", act_filter, false, VIEW_NONE },
	{ "@snapshots", tui_snapshots_open, false, VIEW_SNAPSHOTS },
	{ "@create", tui_wizard_open, true, VIEW_WIZARD },
	{ "@monitor", act_monitor, false, VIEW_MONITOR },
	{ "@networks", tui_networks_open, false, VIEW_NETWORKS },
	{ "@labs", tui_labs_open, false, VIEW_LABS },
	{ "@hosts", tui_hosts_open, false, VIEW_HOSTS },
	{ "@migrate", tui_migrate_open, true, VIEW_MIGRATE },
	{ "@screen", tui_screen_open, false, VIEW_SCREEN },
};
const size_t tui_n_global_actions = sizeof(tui_global_actions) / sizeof(tui_global_actions[0]);
