/* run.c - what keys and the prompt do: command lines through the command
 * table on a worker thread (one job at a time, the rest queued), the console
 * with the screen suspended, y/n questions and the edit form. */
#include <curses.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui.h"

void tui_set_status(struct tui *t, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->status, sizeof(t->status), fmt, ap);
	va_end(ap);
	for (char *p = t->status; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	t->status_error = error;
}

/* Commands that need the real terminal run on the UI thread with curses
 * suspended, like a shell escape in htop or tmux's respawn. */
static const char *const terminal_commands[] = { "console" };

static bool needs_terminal(const struct cmd_def *def)
{
	for (size_t i = 0; i < sizeof(terminal_commands) / sizeof(terminal_commands[0]); i++)
		if (strcmp(def->name, terminal_commands[i]) == 0)
			return true;
	return false;
}

static int dispatch_line(struct tui *t, const char *line, FILE *out, FILE *err, bool interactive)
{
	char **argv, msg[96];
	int argc = cmd_split_line(line, &argv, msg, sizeof(msg)), rc;
	struct cmd_ctx ctx = {
		.eng = t->eng,
		.g = t->g,
		.out = out,
		.err = err,
		.interactive = interactive,
	};

	if (argc < 0) {
		cmd_errorf(err, "%s", msg);
		return 2;
	}
	ctx.g.json = false;
	if (t->cmd_fleet) {
		/* HOST:VM words reach their host; the rest is the first host's */
		ctx.fleet = t->cmd_fleet;
		t->cmd_fleet->current = -1;
	}
	rc = cmd_dispatch(&ctx, argc, argv);
	cmd_words_free(argc, argv);
	return rc;
}

static void *worker_main(void *arg)
{
	struct tui *t = arg;
	struct tui_job *j = t->job;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	eng_job_attach(&j->job);
	j->rc = f ? dispatch_line(t, j->line, f, f, false) : 1;
	eng_job_attach(NULL);
	if (f)
		fclose(f);
	j->output = text;
	j->done = true;
	tui_wake(t);
	return NULL;
}

static bool job_start(struct tui *t, const char *line, bool for_wizard)
{
	struct tui_job *j = calloc(1, sizeof(*j));

	if (!j) {
		tui_set_status(t, true, "out of memory");
		return false;
	}
	snprintf(j->line, sizeof(j->line), "%s", line);
	j->job.progress = -1;
	j->for_wizard = for_wizard;
	t->job = j;
	if (pthread_create(&t->worker, NULL, worker_main, t) != 0) {
		t->job = NULL;
		free(j);
		tui_set_status(t, true, "cannot start a worker thread");
		return false;
	}
	return true;
}

bool tui_job_start(struct tui *t, const char *line, bool for_wizard)
{
	if (t->job) {
		tui_set_status(t, true, "busy: %.200s (wait for it, or Esc to cancel it)", t->job->line);
		return false;
	}
	return job_start(t, line, for_wizard);
}

/* Called when the wake pipe fires: collects a finished job, starts the next. */
void tui_jobs_poll(struct tui *t)
{
	struct tui_job *j = t->job;

	if (j && j->done) {
		char *text = j->output ? j->output : strdup("");
		size_t len = strlen(text);
		int lines = 0;
		/* libvirt refused a revert as risky: a second question, never a
		 * silent retry with --force (it discards the guest's state) */
		bool risky = j->rc != 0 && strncmp(j->line, "snapshot revert ", 16) == 0 &&
			     !strstr(j->line, " --force") && strstr(text, "refused by libvirt as risky");
		char retry[TUI_LINE_MAX + 16];

		snprintf(retry, sizeof(retry), "%s --force", j->line);
		pthread_join(t->worker, NULL);
		while (len > 0 && text[len - 1] == '\n')
			text[--len] = '\0';
		for (const char *p = text; *p; p++)
			lines += *p == '\n';
		if (j->for_wizard && t->wiz) {
			tui_set_status(t, j->rc != 0, "%s", j->rc ? "create failed (its output is on the wizard's screen)"
								    : "created");
			tui_wizard_job_done(t, j->rc, text);
			text = NULL;
		} else if (lines > 0) {
			/* several lines: the output view, scrollable */
			free(t->output);
			t->output = text;
			text = NULL;
			t->out_top = 0;
			if (t->view != VIEW_OUTPUT)
				t->output_back = t->view;
			t->view = VIEW_OUTPUT;
			tui_set_status(t, j->rc != 0, "%s: %s", j->line, j->rc ? "failed" : "done");
		} else {
			const char *msg = strncmp(text, "vmdeck: error: ", 15) == 0 ? text + 15 : text;
			tui_set_status(t, j->rc != 0, "%s", *msg ? msg : (j->rc ? "failed" : "done"));
		}
		free(text);
		free(j);
		t->job = NULL;
		pthread_mutex_lock(&t->lock);
		t->refresh_wanted = true;
		pthread_cond_signal(&t->cond);
		pthread_mutex_unlock(&t->lock);
		if (risky && tui_confirm(t, "libvirt refused the revert as risky (the guest changed since the snapshot): "
				      "revert anyway, LOSING the guest's current memory and everything since?",
					 NULL, NULL))
			job_start(t, retry, false);
	}
	if (!t->job && t->n_queue > 0) {
		char line[TUI_LINE_MAX];
		snprintf(line, sizeof(line), "%s", t->queue[0]);
		memmove(t->queue[0], t->queue[1], sizeof(t->queue[0]) * (size_t)(--t->n_queue));
		job_start(t, line, false);
	}
}

void tui_job_cancel(struct tui *t)
{
	if (t->job && !t->job->done) {
		t->job->job.cancel = 1;
		t->n_queue = 0;
		tui_set_status(t, false, "cancelling %s...", t->job->line);
	}
}

static void run_in_terminal(struct tui *t, const char *line)
{
	def_prog_mode();
	endwin();
	dispatch_line(t, line, stdout, stderr, true);
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
}

void tui_run_line(struct tui *t, const char *line)
{
	char **argv, msg[96];
	int argc = cmd_split_line(line, &argv, msg, sizeof(msg)), words = 0;
	const struct cmd_def *def = argc > 0 ? cmd_find(argc, argv, &words) : NULL;

	if (argc <= 0) {
		if (argc < 0)
			tui_set_status(t, true, "%s", msg);
		return;
	}
	if (!t->eng && !(def && (def->flags & CMD_NO_CONN))) {
		tui_set_status(t, true, "not connected yet");
	} else if (!def) {
		tui_set_status(t, true, cmd_group_usage(argv[0], NULL) > 0 ? "'%s' needs a subcommand (? lists them)"
									   : "unknown command '%s' (? lists them)",
			       argv[0]);
	} else if (t->g.readonly && (def->flags & CMD_CHANGES)) {
		tui_set_status(t, true, "read-only connection: cannot %s%s%s", def->name,
			       argc > words ? " " : "", argc > words ? argv[words] : "");
	} else if (needs_terminal(def)) {
		run_in_terminal(t, line);
	} else if (t->job) {
		if (t->n_queue < (int)(sizeof(t->queue) / sizeof(t->queue[0]))) {
			snprintf(t->queue[t->n_queue++], sizeof(t->queue[0]), "%s", line);
			tui_set_status(t, false, "queued: %s", line);
		} else {
			tui_set_status(t, true, "too many queued commands");
		}
	} else {
		job_start(t, line, false);
	}
	cmd_words_free(argc, argv);
}

/* Appends word to out, quoted for the prompt's splitter: libvirt allows any
 * name ("web-1 --disks", "my vm"), and a name must stay one word. A name that
 * begins with '-' would still be read as an option: refused. */
static bool put_word(struct tui *t, char *out, size_t len, size_t *o, const char *w)
{
	char q[TUI_LINE_MAX];
	size_t ql;

	if (w[0] == '-') {
		tui_set_status(t, true, "'%.80s' begins with '-': give it to the command line after '--'", w);
		return false;
	}
	if (cmd_quote_word(w, q, sizeof(q)) < 0 || *o + (ql = strlen(q)) >= len) {
		tui_set_status(t, true, "'%.80s...' is too long for a command line", w);
		return false;
	}
	memcpy(out + *o, q, ql + 1);
	*o += ql;
	return true;
}

/* fmt's text is copied; with ap each %s becomes a quoted word (put_word); a
 * key's command (vm set, no ap) has %v for the guest, quoted the same way. */
static bool line_build(struct tui *t, char *out, size_t len, const char *fmt, const char *vm, va_list *ap)
{
	size_t o = 0;

	out[0] = '\0';
	for (const char *p = fmt; *p; p++) {
		if (p[0] == '%' && ((ap && p[1] == 's') || (vm && p[1] == 'v'))) {
			if (!put_word(t, out, len, &o, p[1] == 'v' ? vm : va_arg(*ap, const char *)))
				return false;
			p++;
			continue;
		}
		if (o + 1 >= len) {
			tui_set_status(t, true, "command line too long");
			return false;
		}
		out[o++] = *p;
		out[o] = '\0';
	}
	return true;
}

bool tui_line(struct tui *t, char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = line_build(t, out, len, fmt, NULL, &ap);
	va_end(ap);
	return ok;
}

bool tui_run_fmt(struct tui *t, const char *fmt, ...)
{
	char line[TUI_LINE_MAX];
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = line_build(t, line, sizeof(line), fmt, NULL, &ap);
	va_end(ap);
	if (ok)
		tui_run_line(t, line);
	return ok;
}

/* "start %v" -> "start web1"; "delete %v --yes" with 'my vm' -> "delete 'my vm' --yes" */
static bool expand(struct tui *t, const char *cmd, const char *vm, char *out, size_t len)
{
	return line_build(t, out, len, cmd, vm, NULL);
}

bool tui_confirm(struct tui *t, const char *question, const char *tick_label, bool *tick)
{
	bool answer = false;

	nodelay(stdscr, FALSE);
	for (;;) {
		int ch;
		move(LINES - 1, 0);
		clrtoeol();
		attron(A_BOLD);
		mvprintw(LINES - 1, 0, "%s", question);
		if (tick_label)
			printw(" [%c] %s (d toggles)", *tick ? 'x' : ' ', tick_label);
		printw(" y/n? ");
		attroff(A_BOLD);
		refresh();
		ch = getch();
		if (ch == KEY_RESIZE)
			continue;
		if (tick_label && ch == 'd') {
			*tick = !*tick;
			continue;
		}
		answer = ch == 'y' || ch == 'Y';
		break;
	}
	nodelay(stdscr, TRUE);
	tui_set_status(t, false, answer ? "" : "cancelled");
	return answer;
}

void tui_run_key(struct tui *t, const struct key_binding *kb)
{
	const struct tui_row *sel = tui_selected(t);
	const char *targets[256];
	size_t n = 0;

	/* marked guests first; else the selected one */
	for (size_t i = 0; i < t->n_rows && n < 256; i++)
		if (t->rows[i].marked)
			targets[n++] = t->rows[i].s.name;
	if (n == 0 && sel)
		targets[n++] = sel->s.name;
	if (strstr(kb->command, "%v") && n == 0) {
		tui_set_status(t, true, "no guest selected");
		return;
	}
	if (!strstr(kb->command, "%v")) {
		tui_run_line(t, kb->command);
		return;
	}
	{
		/* no question for a command this version does not have */
		char **argv, msg[96];
		int argc = cmd_split_line(kb->command, &argv, msg, sizeof(msg)), words;
		bool known = argc > 0 && cmd_find(argc, argv, &words);
		if (argc > 0 && !known)
			tui_set_status(t, true, "%s: not yet available in this version", argv[0]);
		if (argc >= 0)
			cmd_words_free(argc, argv);
		if (!known)
			return;
	}
	if (kb->flags & KB_CONFIRM) {
		char q[300], verb[64];
		bool disks = false;
		snprintf(verb, sizeof(verb), "%.*s", (int)strcspn(kb->command, "%"), kb->command);
		if (n == 1 && (kb->flags & KB_NAME_SNAPSHOT)) {
			char cur[ENG_NAME_MAX + 1];
			const char *bare;
			int host = tui_fleet_host_of(t, targets[0], &bare);
			/* (another host's connection is the refresh thread's: not asked from
			 * here; the revert command names what it reverted to) */
			if (host != 0) {
				snprintf(q, sizeof(q), "revert %s to its current snapshot?", targets[0]);
			} else if (eng_snapshot_current(t->eng, bare, cur, sizeof(cur)) < 0) {
				tui_set_status(t, true, "%s has no current snapshot (t takes one)", targets[0]);
				return;
			} else {
				snprintf(q, sizeof(q), "revert %s to snapshot %s?", targets[0], cur);
			}
		} else if (n == 1)
			snprintf(q, sizeof(q), "%s%s?", verb, targets[0]);
		else
			snprintf(q, sizeof(q), "%s%zu marked guests (%s, ...)?", verb, n, targets[0]);
		if (!tui_confirm(t, q, (kb->flags & KB_DELETE) ? "also delete its disks" : NULL, &disks))
			return;
		for (size_t i = 0; i < n; i++) {
			char line[TUI_LINE_MAX];
			if (!expand(t, kb->command, targets[i], line, sizeof(line)))
				return;
			if (disks)
				strncat(line, " --disks", sizeof(line) - strlen(line) - 1);
			tui_run_line(t, line);
		}
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char line[TUI_LINE_MAX];
		const char *cmd = kb->command;
		const struct tui_row *r = NULL;
		for (size_t k = 0; k < t->n_rows; k++)
			if (strcmp(t->rows[k].s.name, targets[i]) == 0)
				r = &t->rows[k];
		if ((kb->flags & KB_PAUSE_TOGGLE) && r && r->s.state == ENG_ST_PAUSED)
			cmd = "resume %v";
		if (!expand(t, cmd, targets[i], line, sizeof(line)))
			return;
		tui_run_line(t, line);
	}
}

/* e: a small form for vCPUs and memory of the selected guest; the answer
 * (which part applies now, which on next boot) comes back from `set`. */
void tui_edit_form(struct tui *t)
{
	const struct tui_row *sel = tui_selected(t);
	char cpus[16], mem[24], name[ENG_NAME_MAX + 1];
	int w = 52, h = 8, y0, x0, field = 0;
	WINDOW *win;

	if (!sel) {
		tui_set_status(t, true, "no guest selected");
		return;
	}
	if (t->g.readonly) {
		tui_set_status(t, true, "read-only connection: cannot set %s", sel->s.name);
		return;
	}
	snprintf(name, sizeof(name), "%s", sel->s.name);
	snprintf(cpus, sizeof(cpus), "%u", sel->s.cpus);
	snprintf(mem, sizeof(mem), "%llu", sel->s.memory_mib);
	y0 = (LINES - h) / 2;
	x0 = (COLS - w) / 2;
	if (y0 < 0 || x0 < 0) {
		tui_set_status(t, true, "terminal too small for the form: use ':set %s --cpus N --memory S'",
			       name);
		return;
	}
	win = newwin(h, w, y0, x0);
	keypad(win, TRUE);
	curs_set(1);
	for (;;) {
		char *buf = field == 0 ? cpus : mem;
		size_t cap = field == 0 ? sizeof(cpus) : sizeof(mem);
		int ch;

		werase(win);
		box(win, 0, 0);
		mvwprintw(win, 0, 2, " edit %s ", name);
		mvwprintw(win, 2, 2, "vCPUs         : %-12s", cpus);
		mvwprintw(win, 3, 2, "memory (MiB)  : %-12s", mem);
		mvwprintw(win, 5, 2, "Tab: next field  Enter: apply  Esc: cancel");
		wmove(win, 2 + field, 18 + (int)strlen(buf));
		wrefresh(win);
		ch = wgetch(win);
		if (ch == 27) {
			tui_set_status(t, false, "edit cancelled");
			break;
		}
		if (ch == '\t' || ch == KEY_DOWN || ch == KEY_UP) {
			field = !field;
		} else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && buf[0]) {
			buf[strlen(buf) - 1] = '\0';
		} else if (((ch >= '0' && ch <= '9') || (field == 1 && strchr("KMGTkmgt", ch))) &&
			   strlen(buf) + 1 < cap) {
			buf[strlen(buf) + 1] = '\0';
			buf[strlen(buf)] = (char)ch;
		} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
			tui_run_fmt(t, "set %s --cpus %s --memory %s", name, cpus, mem);
			break;
		}
	}
	curs_set(0);
	delwin(win);
	touchwin(stdscr);
}
