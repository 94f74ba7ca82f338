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
	t->status_ns = tui_now_ns();
}

void tui_refuse_readonly(struct tui *t, const char *what)
{
	tui_set_status(t, true, "read-only connection: cannot %s", what);
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

static bool job_start(struct tui *t, const char *line, enum tui_view owner, int batch, const char *target)
{
	struct tui_job *j = calloc(1, sizeof(*j));

	if (!j) {
		tui_set_status(t, true, "out of memory");
		return false;
	}
	snprintf(j->line, sizeof(j->line), "%s", line);
	j->job.progress = -1;
	j->owner = owner;
	j->batch = batch;
	snprintf(j->target, sizeof(j->target), "%s", target);
	t->job = j;
	if (pthread_create(&t->worker, NULL, worker_main, t) != 0) {
		t->job = NULL;
		free(j);
		tui_set_status(t, true, "cannot start a worker thread");
		return false;
	}
	return true;
}

bool tui_job_start(struct tui *t, const char *line, enum tui_view owner)
{
	if (t->job) {
		tui_set_status(t, true, "busy: %.200s (wait for it, or Esc to cancel it)", t->job->line);
		return false;
	}
	return job_start(t, line, owner, 0, "");
}

/* "start" -> "started": what "3 of 3 started" says */
static const struct {
	const char *verb, *done;
} past[] = {
	{ "start", "started" }, { "shutdown", "shut down" }, { "poweroff", "powered off" },
	{ "pause", "paused" }, { "resume", "resumed" }, { "snapshot take", "snapshotted" },
	{ "delete", "deleted" }, { "reboot", "rebooted" },
};

/* one line of a key on several guests ended: the tally, said when all did */
static void batch_ended(struct tui *t, const struct tui_job *j, const char *text)
{
	const char *done = "done";

	if (j->batch != t->batch.id)
		return;
	t->batch.ended++;
	if (j->rc != 0) {
		size_t used = strlen(t->batch.failures);
		const char *msg = strncmp(text, "vmdeck: error: ", 15) == 0 ? text + 15 : text;
		t->batch.failed++;
		snprintf(t->batch.failures + used, sizeof(t->batch.failures) - used, "%s%s (%.*s)", used ? ", " : "",
			 j->target, (int)strcspn(msg, "\n"), msg);
	}
	if (t->batch.ended < t->batch.total)
		return;
	for (size_t i = 0; i < sizeof(past) / sizeof(past[0]); i++)
		if (strcmp(past[i].verb, t->batch.verb) == 0)
			done = past[i].done;
	if (t->batch.failed)
		tui_set_status(t, true, "%d of %d %s; failed: %s", t->batch.total - t->batch.failed, t->batch.total, done,
			       t->batch.failures);
	else
		tui_set_status(t, false, "%d of %d %s", t->batch.total, t->batch.total, done);
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
		if (j->owner != VIEW_NONE && tui_views[j->owner].job_done) {
			tui_views[j->owner].job_done(t, j->rc, text);
			text = NULL;
		} else if (j->batch) {
			batch_ended(t, j, text);
		} else if (lines > 0) {
			/* several lines: the output view, scrollable */
			free(t->output);
			t->output = text;
			text = NULL;
			t->out_top = 0;
			tui_view_show(t, VIEW_OUTPUT);
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
			job_start(t, retry, VIEW_NONE, 0, "");
	}
	if (!t->job && t->n_queue > 0) {
		char line[TUI_LINE_MAX], target[ENG_NAME_MAX + 1];
		int batch = t->queued[0].batch;
		snprintf(line, sizeof(line), "%s", t->queue[0]);
		snprintf(target, sizeof(target), "%s", t->queued[0].target);
		--t->n_queue;
		memmove(t->queue[0], t->queue[1], sizeof(t->queue[0]) * (size_t)t->n_queue);
		memmove(&t->queued[0], &t->queued[1], sizeof(t->queued[0]) * (size_t)t->n_queue);
		job_start(t, line, VIEW_NONE, batch, target);
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

/* its errors are kept and said on the status line: the screen comes back
 * over whatever it printed (o on a stopped guest must not fail unseen) */
static void run_in_terminal(struct tui *t, const char *line)
{
	char *errtext = NULL;
	size_t errlen = 0;
	FILE *err = open_memstream(&errtext, &errlen);
	int rc;

	def_prog_mode();
	endwin();
	rc = dispatch_line(t, line, stdout, err ? err : stderr, true);
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	if (err)
		fclose(err);
	if (rc != 0) {
		const char *msg = errtext && strncmp(errtext, "vmdeck: error: ", 15) == 0 ? errtext + 15 : errtext;
		tui_set_status(t, true, "%.*s", msg ? (int)strcspn(msg, "\n") : 0, msg ? msg : "");
		if (!msg || !*msg)
			tui_set_status(t, true, "%s: failed (exit %d)", line, rc);
	}
	free(errtext);
}

static void run_line_as(struct tui *t, const char *line, int batch, const char *target)
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
	} else if (__atomic_load_n(&t->conn_lost, __ATOMIC_RELAXED) && def && !(def->flags & CMD_NO_CONN)) {
		tui_set_status(t, true, "the connection to %s is lost (reconnecting): cannot %s%s%.80s", eng_uri(t->eng),
			       def->name, argc > words ? " " : "", argc > words ? argv[words] : "");
	} else if (!def) {
		tui_set_status(t, true, cmd_group_usage(argv[0], NULL) > 0 ? "'%s' needs a subcommand (? lists them)"
									   : "unknown command '%s' (? lists them)",
			       argv[0]);
	} else if (t->g.readonly && (def->flags & CMD_CHANGES)) {
		char what[160];
		snprintf(what, sizeof(what), "%s%s%.100s", def->name, argc > words ? " " : "", argc > words ? argv[words] : "");
		tui_refuse_readonly(t, what);
	} else if (needs_terminal(def)) {
		run_in_terminal(t, line);
	} else if (t->job) {
		if (t->n_queue < (int)(sizeof(t->queue) / sizeof(t->queue[0]))) {
			t->queued[t->n_queue].batch = batch;
			snprintf(t->queued[t->n_queue].target, sizeof(t->queued[0].target), "%s", target);
			snprintf(t->queue[t->n_queue++], sizeof(t->queue[0]), "%s", line);
			if (!batch)
				tui_set_status(t, false, "queued: %s", line);
		} else {
			tui_set_status(t, true, "too many queued commands");
		}
	} else {
		job_start(t, line, VIEW_NONE, batch, target);
	}
	cmd_words_free(argc, argv);
}

void tui_run_line(struct tui *t, const char *line)
{
	run_line_as(t, line, 0, "");
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

/* A placeholder's text (NULL: the two characters are copied as they are). */
typedef const char *(*fill_fn)(void *ctx, char ph);

/* fmt's text copied, each placeholder get() knows replaced: quoted as one
 * word (put_word) for a command line, as it is for a question (quote
 * false) and for %* (words typed to be split: exec's argv) */
static bool line_build(struct tui *t, char *out, size_t len, const char *fmt, fill_fn get, void *ctx, bool quote)
{
	size_t o = 0;

	out[0] = '\0';
	for (const char *p = fmt; *p; p++) {
		const char *w = p[0] == '%' && p[1] ? get(ctx, p[1]) : NULL;
		if (w && quote && p[1] != '*') {
			if (!put_word(t, out, len, &o, w))
				return false;
			p++;
			continue;
		}
		if (w) {
			size_t wl = strlen(w);
			if (o + wl >= len) {
				tui_set_status(t, true, "command line too long");
				return false;
			}
			memcpy(out + o, w, wl + 1);
			o += wl;
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

static const char *from_args(void *ctx, char ph)
{
	return ph == 's' ? va_arg(*(va_list *)ctx, const char *) : NULL;
}

bool tui_line(struct tui *t, char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = line_build(t, out, len, fmt, from_args, &ap, true);
	va_end(ap);
	return ok;
}

bool tui_run_fmt(struct tui *t, const char *fmt, ...)
{
	char line[TUI_LINE_MAX];
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = line_build(t, line, sizeof(line), fmt, from_args, &ap, true);
	va_end(ap);
	if (ok)
		tui_run_line(t, line);
	return ok;
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

/* ---- a key's row run: its objects resolved once, then question, command ---- */

/* what a key's placeholders stand for, resolved when it is pressed */
struct key_fill {
	const char *vm;                    /* the guest of this line */
	char item[1100], lab[1100];        /* %s, %l */
	char snap[ENG_NAME_MAX + 1];       /* %c */
	char ans[2][TUI_LINE_MAX / 4];     /* %1 %2 (%* is ans[0]) */
	bool has_item, has_lab, has_snap;
};

static const char *from_key(void *ctx, char ph)
{
	struct key_fill *f = ctx;

	switch (ph) {
	case 'v': return f->vm;
	case 's': return f->has_item ? f->item : NULL;
	case 'l': return f->has_lab ? f->lab : NULL;
	case 'c': return f->has_snap ? f->snap : NULL;
	case '1': case '*': return f->ans[0];
	case '2': return f->ans[1];
	default: return NULL;
	}
}

static bool uses(const struct key_binding *kb, const char *ph)
{
	return strstr(kb->command, ph) || (kb->question && strstr(kb->question, ph));
}

/* the guests a key acts on: in a view of one guest that guest; else the
 * marked ones, or the selected one */
static size_t key_targets(struct tui *t, const char **out, size_t max)
{
	const struct tui_view_class *c = &tui_views[t->view];
	const struct tui_row *sel = tui_selected(t);
	static char own[ENG_NAME_MAX + 1];   /* (UI thread only) */
	size_t n = 0;

	if (c->one_guest) {
		out[0] = t->details_name;
		return t->details_name[0] ? 1 : 0;
	}
	if (c->item && c->item(t, 'v', own, sizeof(own))) {   /* the view's own row (the monitor's) */
		out[0] = own;
		return 1;
	}
	for (size_t i = 0; i < t->n_rows && n < max; i++)
		if (t->rows[i].marked)
			out[n++] = t->rows[i].s.name;
	if (n == 0 && sel)
		out[n++] = sel->s.name;
	return n;
}

static const struct tui_row *row_named(const struct tui *t, const char *name)
{
	for (size_t k = 0; k < t->n_rows; k++)
		if (strcmp(t->rows[k].s.name, name) == 0)
			return &t->rows[k];
	return NULL;
}

/* the command's own words before its first placeholder ("snapshot take") */
static void key_verb(const struct key_binding *kb, char *buf, size_t len)
{
	snprintf(buf, len, "%.*s", (int)strcspn(kb->command, "%"), kb->command);
	for (size_t l = strlen(buf); l && buf[l - 1] == ' ';)
		buf[--l] = '\0';
}

/* the rest of a key once every object is known (f->has_snap for %c) */
static void run_key_filled(struct tui *t, const struct key_binding *kb, const char **targets, size_t n,
			   struct key_fill *f)
{
	char verb[64], line[TUI_LINE_MAX];
	bool disks = false;

	key_verb(kb, verb, sizeof(verb));
	for (int i = 0; i < 2 && kb->ask[i]; i++) {
		if (!tui_prompt_read(t, kb->ask[i], f->ans[i], sizeof(f->ans[i]), false) || !f->ans[i][0])
			return;
		/* an answer never becomes an option ("+5G" grows, "-5G" is refused here) */
		if (f->ans[i][0] == '-' && !strstr(kb->command, "%*")) {
			tui_set_status(t, true, "'%.60s' is not a size, disk, network or directory", f->ans[i]);
			return;
		}
	}
	f->vm = n ? targets[0] : "";
	if (kb->flags & KB_PROMPT) {
		if (line_build(t, line, sizeof(line), kb->command, from_key, f, true) &&
		    tui_prompt_read(t, ":", line, sizeof(line), true) && line[0])
			tui_run_line(t, line);
		return;
	}
	if (kb->flags & KB_CONFIRM) {
		char q[400];
		const struct tui_row *r = n == 1 ? row_named(t, targets[0]) : NULL;
		bool running = r && r->s.state == ENG_ST_RUNNING;
		if (kb->question && n <= 1)
			line_build(t, q, sizeof(q), kb->question, from_key, f, false);
		else if (n == 1)
			snprintf(q, sizeof(q), "%s %s%s?", verb, targets[0],
				 (kb->flags & KB_DELETE) && running ? " (it is running: it is powered off first)" : "");
		else
			snprintf(q, sizeof(q), "%s %zu marked guests (%s, ...)?", verb, n, targets[0]);
		if (!tui_confirm(t, q, (kb->flags & KB_DELETE) ? "also delete its disks" : NULL, &disks))
			return;
	}
	int batch = 0;
	if (n > 1) {
		batch = ++t->next_batch;
		t->batch.id = batch;
		t->batch.total = (int)n;
		t->batch.ended = t->batch.failed = 0;
		t->batch.failures[0] = '\0';
		snprintf(t->batch.verb, sizeof(t->batch.verb), "%s", verb);
	}
	for (size_t i = 0; i < (n ? n : 1); i++) {
		const char *cmd = kb->command;
		const struct tui_row *r = n ? row_named(t, targets[i]) : NULL;
		f->vm = n ? targets[i] : "";
		if ((kb->flags & KB_PAUSE_TOGGLE) && r && r->s.state == ENG_ST_PAUSED)
			cmd = "resume %v";
		if (!line_build(t, line, sizeof(line), cmd, from_key, f, true))
			return;
		if (disks)
			strncat(line, " --disks", sizeof(line) - strlen(line) - 1);
		if (batch)
			run_line_as(t, line, batch, targets[i]);
		else
			tui_run_line(t, line);
	}
	if (batch)
		tui_set_status(t, false, "%s on %zu guests...", verb, n);
}

void tui_run_key(struct tui *t, const struct key_binding *kb)
{
	const struct tui_view_class *c = &tui_views[t->view];
	const char *targets[256];
	size_t n = 0;
	struct key_fill *f = calloc(1, sizeof(*f));
	char **argv, msg[96];
	int argc = cmd_split_line(kb->command, &argv, msg, sizeof(msg)), words;
	const struct cmd_def *def = argc > 0 ? cmd_find(argc, argv, &words) : NULL;

	if (argc >= 0)
		cmd_words_free(argc, argv);
	if (!f)
		return;
	if (!def) {   /* no question for a command this version does not have */
		tui_set_status(t, true, "%.60s: no such command in this version", kb->command);
		goto out;
	}
	if (uses(kb, "%v") && !(n = key_targets(t, targets, 256))) {
		tui_set_status(t, true, "no guest selected");
		goto out;
	}
	if (uses(kb, "%s") && !(f->has_item = c->item && c->item(t, 's', f->item, sizeof(f->item)))) {
		tui_set_status(t, true, "nothing selected in %s", c->name);
		goto out;
	}
	if (uses(kb, "%l") && !(f->has_lab = c->item && c->item(t, 'l', f->lab, sizeof(f->lab)))) {
		tui_set_status(t, true, "no lab selected");
		goto out;
	}
	/* read-only: refused before any question */
	if (t->g.readonly && (def->flags & CMD_CHANGES)) {
		char what[160];
		snprintf(what, sizeof(what), "%s %.100s", def->name, n ? targets[0] : f->has_item ? f->item : "");
		tui_refuse_readonly(t, what);
		goto out;
	}
	if (uses(kb, "%c")) {
		/* the current snapshot is read by the refresh thread (never here):
		 * the question waits for it (tui_run_asked) */
		if (n != 1) {
			tui_set_status(t, true, "%s: one guest at a time (unmark the others)", def->name);
			goto out;
		}
		pthread_mutex_lock(&t->lock);
		t->ask_kb = kb;
		snprintf(t->ask_vm, sizeof(t->ask_vm), "%s", targets[0]);
		t->ask_done = false;
		t->refresh_wanted = true;
		pthread_cond_signal(&t->cond);
		pthread_mutex_unlock(&t->lock);
		tui_set_status(t, false, "reading %s's current snapshot...", targets[0]);
		goto out;
	}
	run_key_filled(t, kb, targets, n, f);
out:
	free(f);
}

void tui_run_asked(struct tui *t)
{
	const struct key_binding *kb;
	struct key_fill *f;
	const char *targets[1];
	char vm[ENG_NAME_MAX + 1], why[256];
	bool found;

	pthread_mutex_lock(&t->lock);
	if (!t->ask_kb || !t->ask_done) {
		pthread_mutex_unlock(&t->lock);
		return;
	}
	kb = t->ask_kb;
	t->ask_kb = NULL;
	found = t->ask_found;
	snprintf(vm, sizeof(vm), "%s", t->ask_vm);
	snprintf(why, sizeof(why), "%s", t->ask_err);
	if (!(f = calloc(1, sizeof(*f)))) {
		pthread_mutex_unlock(&t->lock);
		return;
	}
	snprintf(f->snap, sizeof(f->snap), "%s", t->ask_snap);
	pthread_mutex_unlock(&t->lock);
	if (!found) {
		tui_set_status(t, true, "%s", why);
	} else {
		f->has_snap = true;
		targets[0] = vm;
		t->status[0] = '\0';
		run_key_filled(t, kb, targets, 1, f);
	}
	free(f);
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
