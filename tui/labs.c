/* labs.c - L: the classroom labs (lab files of the user's, then shipped ones)
 * and the seats of the selected one as `lab status` shows them, refreshed by
 * the refresh thread. Its keys are rows of the key table naming %l (the
 * selected lab's file) and %s (its name): u up, D down (asks), e exec in
 * every seat and c collect (the prompt, prefilled), r (@lab-reset) asks
 * which seats. Every action is a `lab` command line. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui.h"

void tui_labs_open(struct tui *t)
{
	struct prof_entry *v = NULL;
	size_t n = 0;

	prof_lab_list(&v, &n);
	pthread_mutex_lock(&t->lock);
	free(t->labs);
	t->labs = v;
	t->n_labs = n;
	if (t->lab_sel >= (int)n)
		t->lab_sel = 0;
	snprintf(t->lab_path, sizeof(t->lab_path), "%s", n ? v[t->lab_sel].path : "");
	t->lab_ok = false;
	pthread_mutex_unlock(&t->lock);
	tui_view_show(t, VIEW_LABS);
}

/* refresh thread: the selected lab's seats */
void tui_labs_refresh(struct tui *t)
{
	char path[sizeof(t->lab_path)];
	struct lab_spec *l = calloc(1, sizeof(*l));
	struct eng_seat *seats = NULL;
	struct eng_error err = { 0 };
	bool want;
	int rc = -1;

	pthread_mutex_lock(&t->lock);
	want = t->lab_path[0];   /* (called while the labs are shown, or their output over them) */
	snprintf(path, sizeof(path), "%s", t->lab_path);
	pthread_mutex_unlock(&t->lock);
	if (!want || !l) {
		free(l);
		return;
	}
	if (prof_lab_load(path, l, &err) == 0 && l->n_hosts)
		/* the TUI holds one host's connection: a seat missing here may be on another */
		eng_err_set(&err, ENG_E_INVALID, "lab %s spreads over hosts ([lab] hosts): vmdeck lab status %s",
			    l->name, path);
	else if (!err.msg[0])
		rc = eng_lab_status(t->eng, l, &seats, &err);
	pthread_mutex_lock(&t->lock);
	if (strcmp(path, t->lab_path) == 0) {
		free(t->lab_seats);
		t->lab_seats = rc == 0 ? seats : NULL;
		t->n_lab_seats = rc == 0 ? l->seats : 0;
		snprintf(t->lab_snapshot, sizeof(t->lab_snapshot), "%s", l->snapshot);
		snprintf(t->lab_err, sizeof(t->lab_err), "%s", rc == 0 ? "" : err.msg);
		t->lab_ok = true;
		seats = NULL;
	}
	pthread_mutex_unlock(&t->lock);
	free(seats);
	free(l);
}

void tui_labs_draw(struct tui *t)
{
	int y = 2;

	erase();
	tui_draw_frame(t, "labs");
	attron(A_BOLD | (t->color ? COLOR_PAIR(4) : 0));
	mvprintw(1, 0, "  %-20s %-9s %s", "LAB", "FROM", "FILE");
	attroff(A_BOLD | (t->color ? COLOR_PAIR(4) : 0));
	pthread_mutex_lock(&t->lock);
	if (!t->n_labs)
		mvaddnstr(3, 2, "no lab files: put NAME.ini in $XDG_CONFIG_HOME/vmdeck/labs (man vmdeck-lab)", COLS - 3);
	for (size_t i = 0; i < t->n_labs && y < LINES / 2; i++, y++) {
		t->row_item[y] = (short)(i + 1);
		if ((int)i == t->lab_sel)
			attron(A_REVERSE);
		mvprintw(y, 0, "  %-20.20s %-9s ", t->labs[i].name, t->labs[i].shipped ? "shipped" : "yours");
		addnstr(t->labs[i].path, COLS - getcurx(stdscr) - 1);
		if ((int)i == t->lab_sel)
			attroff(A_REVERSE);
	}
	y++;
	if (t->lab_ok && t->n_lab_seats) {
		/* what the seats share, above their table: the network, the last exec */
		const struct eng_seat *last = NULL;
		for (unsigned i = 0; i < t->n_lab_seats; i++)
			if (t->lab_seats[i].exec_status[0] && (!last || t->lab_seats[i].exec_time > last->exec_time))
				last = &t->lab_seats[i];
		mvprintw(y, 2, "network %s", t->lab_seats[0].network);
		if (last) {
			char when[16];
			time_t tt = (time_t)last->exec_time;
			struct tm tm;
			strftime(when, sizeof(when), "%H:%M:%S", localtime_r(&tt, &tm));
			printw("   last exec at %s: ", when);
			addnstr(last->exec_cmd, COLS - getcurx(stdscr) - 1);
		}
		y++;
	}
	if (t->n_labs) {
		attron(A_BOLD | (t->color ? COLOR_PAIR(4) : 0));
		mvprintw(y++, 0, "  %-14s %-8s %-15s %-5.5s %-4s %-18s %s", "SEAT", "STATE", "IPV4",
			 t->lab_snapshot[0] ? t->lab_snapshot : "clean", "EXEC", "OUTPUT", "FORWARDS");
		attroff(A_BOLD | (t->color ? COLOR_PAIR(4) : 0));
	}
	if (t->n_labs && !t->lab_ok)
		mvaddstr(y, 2, "reading the lab...");
	else if (t->lab_err[0])
		mvaddnstr(y, 2, t->lab_err, COLS - 3);
	for (unsigned i = 0; t->lab_ok && i < t->n_lab_seats && y < LINES - 3; i++, y++) {
		const struct eng_seat *s = &t->lab_seats[i];
		bool failed = s->exec_status[0] && strcmp(s->exec_status, "0") != 0;
		mvprintw(y, 0, "  %-14.14s %-8.8s %-15s %-5s ", s->name, s->exists ? eng_state_name(s->state) : "missing",
			 s->ipv4[0] ? s->ipv4 : "-", s->exists ? (s->clean ? "yes" : "NO") : "-");
		if (failed && t->color)
			attron(COLOR_PAIR(3) | A_BOLD);
		printw("%-4.4s ", s->exec_status[0] ? s->exec_status : "-");
		if (failed && t->color)
			attroff(COLOR_PAIR(3) | A_BOLD);
		printw("%-18.18s ", s->exec_status[0] ? s->exec_line : "");
		addnstr(s->forwards[0] ? s->forwards : "-", COLS - getcurx(stdscr) - 1);
	}
	pthread_mutex_unlock(&t->lock);
}

void tui_labs_move(struct tui *t, int delta)
{
	pthread_mutex_lock(&t->lock);
	t->lab_sel = tui_clamp(t->lab_sel + delta, (int)t->n_labs);
	if (t->n_labs && strcmp(t->lab_path, t->labs[t->lab_sel].path) != 0) {
		snprintf(t->lab_path, sizeof(t->lab_path), "%s", t->labs[t->lab_sel].path);
		t->lab_ok = false;
		t->refresh_wanted = true;
		pthread_cond_signal(&t->cond);
	}
	pthread_mutex_unlock(&t->lock);
}

void tui_labs_select(struct tui *t, int item)
{
	tui_labs_move(t, item - t->lab_sel);
}

/* %s the selected lab's name, %l its file */
bool tui_labs_item(struct tui *t, char what, char *buf, size_t len)
{
	if ((what != 's' && what != 'l') || !t->n_labs || t->lab_sel < 0 || (size_t)t->lab_sel >= t->n_labs)
		return false;
	snprintf(buf, len, "%s", what == 'l' ? t->labs[t->lab_sel].path : t->labs[t->lab_sel].name);
	return true;
}

/* r: which seats (numbers or names; empty: all), asked, then confirmed */
static void lab_reset(struct tui *t)
{
	char line[TUI_LINE_MAX], path[1100], q[1200], seats[256] = "";

	if (!t->n_labs)
		return;
	if (cmd_quote_word(t->labs[t->lab_sel].path, path, sizeof(path)) < 0) {
		tui_set_status(t, true, "the lab file's path is too long for a command line");
		return;
	}
	if (!tui_prompt_read(t, "reset which seats (numbers; empty: all)? ", seats, sizeof(seats), false))
		return;
	snprintf(q, sizeof(q), "reset %s of lab %s to the clean snapshot?", seats[0] ? seats : "every seat",
		 t->labs[t->lab_sel].name);
	if (!tui_confirm(t, q, NULL, NULL))
		return;
	snprintf(line, sizeof(line), "lab reset --yes %s", path);
	/* each seat typed becomes one word of the line (lab reset checks the names) */
	for (char *save = NULL, *w = strtok_r(seats, " ,", &save); w; w = strtok_r(NULL, " ,", &save)) {
		char qw[300];
		size_t used = strlen(line);
		if (w[0] == '-' || cmd_quote_word(w, qw, sizeof(qw)) < 0) {
			tui_set_status(t, true, "'%.40s' is not a seat", w);
			return;
		}
		snprintf(line + used, sizeof(line) - used, " %s", qw);
	}
	tui_run_line(t, line);
}

const struct tui_action tui_labs_actions[1] = {
	{ "@lab-reset", lab_reset, true, VIEW_NONE },
};
