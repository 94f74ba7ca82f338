/* prompt.c - the ':' command prompt and the '/' filter: line editing,
 * history (Up/Down) and Tab completion of commands, options and names. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#include "tui.h"

#define CTRL(c) ((c) & 0x1f)

static int add_candidate(char out[][512], int n, int max, const char *prefix, size_t plen,
			 const char *word)
{
	if (n >= max)
		return n;
	/* a candidate that does not fit is dropped, never cut short */
	if (snprintf(out[n], 512, "%.*s%s ", (int)plen, prefix, word) >= 512)
		return n;
	return n + 1;
}

static int add_matching(char out[][512], int n, int max, const char *line, size_t plen, const char *word,
			const char *cand)
{
	return strncmp(cand, word, strlen(word)) == 0 ? add_candidate(out, n, max, line, plen, cand) : n;
}

/* file names under the typed word's directory ("~/" is the home) */
static int complete_files(const char *line, size_t plen, const char *word, bool dirs_only, char out[][512], int n,
			  int max)
{
	const char *slash = strrchr(word, '/');
	char dir[1024], prefix[1024];
	DIR *d;
	struct dirent *e;

	snprintf(prefix, sizeof(prefix), "%.*s", slash ? (int)(slash - word + 1) : 0, word);
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (strncmp(word, "~/", 2) == 0 && getenv("HOME"))
		snprintf(dir, sizeof(dir), "%s/%.*s", getenv("HOME"), (int)(slash - word - 1), word + 2);
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == word ? 1 : (int)(slash - word), word);
	if (!(d = opendir(dir)))
		return n;
	while ((e = readdir(d)) && n < max) {
		const char *base = slash ? slash + 1 : word;
		char full[1300], path[2400];
		struct stat st;
		bool is_dir;
		if (e->d_name[0] == '.' && base[0] != '.')
			continue;
		if (strncmp(e->d_name, base, strlen(base)) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		is_dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
		if (dirs_only && !is_dir)
			continue;
		snprintf(full, sizeof(full), "%s%s%s", prefix, e->d_name, is_dir ? "/" : "");
		if (n < max && snprintf(out[n], 512, "%.*s%s%s", (int)plen, line, full, is_dir ? "" : " ") < 512)
			n++;
	}
	closedir(d);
	return n;
}

/* the candidates of one kind of value, from what the TUI already holds
 * (the refresh thread's lists; files) - never a libvirt call here */
static int complete_kind(const struct tui *t, const char *kind, const char *choices, const char *vm,
			 const char *line, size_t plen, const char *word, char out[][512], int n, int max)
{
	if (strcmp(kind, "vm") == 0) {
		for (size_t i = 0; i < t->n_rows; i++)
			n = add_matching(out, n, max, line, plen, word, t->rows[i].s.name);
	} else if (strcmp(kind, "net") == 0) {
		for (size_t i = 0; t->nets_ok && i < t->n_nets; i++)
			n = add_matching(out, n, max, line, plen, word, t->nets[i].name);
	} else if (strcmp(kind, "snapshot") == 0) {
		for (int i = 0; t->comp_ok && strcmp(t->comp_vm, vm) == 0 && i < t->n_comp_snaps; i++)
			n = add_matching(out, n, max, line, plen, word, t->comp_snaps[i]);
	} else if (strcmp(kind, "host") == 0) {
		for (size_t i = 0; i < t->n_hosts; i++)
			n = add_matching(out, n, max, line, plen, word, t->hosts[i].name);
	} else if (strcmp(kind, "choice") == 0) {
		char buf[256], *save = NULL;
		snprintf(buf, sizeof(buf), "%s", choices);
		for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
			n = add_matching(out, n, max, line, plen, word, w);
	} else if (strcmp(kind, "profile") == 0 || strcmp(kind, "lab") == 0) {
		struct prof_entry *v = NULL;
		size_t nv = 0;
		if (kind[0] == 'p')
			prof_profile_list(&v, &nv);
		else
			prof_lab_list(&v, &nv);
		for (size_t i = 0; i < nv; i++)
			n = add_matching(out, n, max, line, plen, word, v[i].name);
		free(v);
		if (kind[0] == 'l')
			n = complete_files(line, plen, word, false, out, n, max);
	} else if (strcmp(kind, "file") == 0 || strcmp(kind, "dir") == 0) {
		n = complete_files(line, plen, word, kind[0] == 'd', out, n, max);
	}
	return n;
}

int tui_complete(const struct tui *t, const char *line, char out[][512], int max)
{
	const char *word = strrchr(line, ' ');
	size_t plen, wlen;
	char **argv = NULL, err[64];
	int argc, n = 0, words = 0;
	const struct cmd_def *def;

	word = word ? word + 1 : line;
	plen = (size_t)(word - line);
	wlen = strlen(word);

	/* still typing the command name (names may have several words) */
	argc = cmd_split_line(line, &argv, err, sizeof(err));
	def = argc > 0 ? cmd_find(argc, argv, &words) : NULL;
	if (!def || (words == argc && wlen > 0)) {
		size_t llen = strlen(line);
		for (size_t i = 0; cmd_table[i] && n < max; i++) {
			const char *name = cmd_table[i]->name;
			if (strncmp(name, line, llen) == 0) {
				/* complete up to the end of the next word of the name */
				size_t end = llen + strcspn(name + llen, " ");
				char cand[128];
				snprintf(cand, sizeof(cand), "%.*s", (int)end, name);
				bool dup = false;
				for (int k = 0; k < n; k++)
					dup |= strncmp(out[k], cand, strlen(cand)) == 0 &&
					       out[k][strlen(cand)] == ' ';
				if (!dup)
					n = add_candidate(out, n, max, "", 0, cand);
			}
		}
		goto out;
	}
	if (word[0] == '-') {
		for (int k = 0; def->opts && def->opts[k].name; k++) {
			char opt[64];
			snprintf(opt, sizeof(opt), "--%s", def->opts[k].name);
			if (strncmp(opt, word, wlen) == 0)
				n = add_candidate(out, n, max, line, plen, opt);
		}
		goto out;
	}
	{
		/* which value this word is: an option's, or the pos-th positional */
		int last = argc - (wlen > 0 ? 1 : 0), pos = 0;
		const char *prev = last > words ? argv[last - 1] : NULL;
		char choices[256];
		for (int i = words; i < last; i++) {
			bool takes = false;
			if (argv[i][0] != '-') {
				pos++;
				continue;
			}
			for (int k = 0; argv[i][1] == '-' && def->opts && def->opts[k].name; k++)
				takes |= strcmp(def->opts[k].name, argv[i] + 2) == 0 && def->opts[k].arg;
			if (takes)
				i++;   /* its value is no positional word */
		}
		const char *kind = cmd_value_kind(def, prev && prev[0] == '-' ? prev : NULL, pos, choices, sizeof(choices));
		n = complete_kind(t, kind, choices, words < last ? argv[words] : "", line, plen, word, out, n, max);
	}
out:
	if (argv)
		cmd_words_free(argc, argv);
	return n;
}

static void common_prefix(char out[][512], int n, char *buf, size_t len)
{
	size_t l = strlen(out[0]);

	for (int i = 1; i < n; i++) {
		size_t k = 0;
		while (k < l && out[i][k] == out[0][k])
			k++;
		l = k;
	}
	snprintf(buf, len, "%.*s", (int)l, out[0]);
}

/* the VM of "snapshot revert VM <Tab>": its snapshot names are read by the
 * refresh thread while the prompt is open (the next Tab has them) */
static void want_snapshots_of(struct tui *t, const char *line)
{
	char **argv, msg[64];
	int argc = cmd_split_line(line, &argv, msg, sizeof(msg)), words = 0;
	const struct cmd_def *def = argc > 0 ? cmd_find(argc, argv, &words) : NULL;

	if (def && strncmp(def->name, "snapshot ", 9) == 0 && argc > words) {
		pthread_mutex_lock(&t->lock);
		if (strcmp(t->comp_vm, argv[words]) != 0) {
			snprintf(t->comp_vm, sizeof(t->comp_vm), "%s", argv[words]);
			t->comp_ok = false;
			t->refresh_wanted = true;
			pthread_cond_signal(&t->cond);
		}
		pthread_mutex_unlock(&t->lock);
	}
	if (argc >= 0)
		cmd_words_free(argc, argv);
}

/* the candidates, above the prompt line, as a shell lists them */
static void show_candidates(char cands[][512], int n)
{
	int y = LINES - 2, x = 0;

	move(y, 0);
	clrtoeol();
	for (int i = 0; i < n; i++) {
		const char *end = cands[i] + strlen(cands[i]);
		const char *start = cands[i];
		while (end > cands[i] && end[-1] == ' ')
			end--;
		for (const char *p = cands[i]; p < end; p++)
			if (*p == ' ')
				start = p + 1;
		int w = (int)(end - start) + 2;
		if (x + w >= COLS) {
			if (y <= 2 || y < LINES - 5)
				break;
			y--;
			x = 0;
			move(y, 0);
			clrtoeol();
		}
		mvaddnstr(y, x, start, (int)(end - start));
		x += w;
	}
}

static void do_complete(struct tui *t, char *buf, size_t len, size_t *pos)
{
	char (*cands)[512] = calloc(64, 512);
	int n;

	if (!cands)
		return;
	buf[*pos] = '\0';   /* complete what is left of the cursor */
	want_snapshots_of(t, buf);
	pthread_mutex_lock(&t->lock);
	n = tui_complete(t, buf, cands, 64);
	bool reading = t->comp_vm[0] && !t->comp_ok && strncmp(buf, "snapshot ", 9) == 0;
	pthread_mutex_unlock(&t->lock);
	if (n == 0) {
		tui_set_status(t, false, reading ? "reading the snapshots... (Tab again)" : "no completion");
	} else if (n == 1) {
		snprintf(buf, len, "%s", cands[0]);
	} else {
		char before[TUI_LINE_MAX];
		snprintf(before, sizeof(before), "%s", buf);
		common_prefix(cands, n, buf, len);
		/* nothing more to complete: list them (a shell's second Tab) */
		if (strcmp(before, buf) == 0)
			show_candidates(cands, n);
	}
	*pos = strlen(buf);
	free(cands);
}

static bool prompt(struct tui *t, const char *prefix, char *buf, size_t len, bool complete,
		   void (*changed)(struct tui *t, const char *text));

bool tui_prompt_read(struct tui *t, const char *prefix, char *buf, size_t len, bool complete)
{
	return prompt(t, prefix, buf, len, complete, NULL);
}

bool tui_prompt_live(struct tui *t, const char *prefix, char *buf, size_t len,
		     void (*changed)(struct tui *t, const char *text))
{
	return prompt(t, prefix, buf, len, false, changed);
}

static bool prompt(struct tui *t, const char *prefix, char *buf, size_t len, bool complete,
		   void (*changed)(struct tui *t, const char *text))

{
	size_t pos = strlen(buf);
	int hist = t->n_history;
	int y = LINES - 1;

	nodelay(stdscr, FALSE);
	curs_set(1);
	if (complete) {
		/* the refresh thread reads what completion offers: the networks,
		 * the selected guest's snapshots */
		const struct tui_row *sel = tui_selected(t);
		pthread_mutex_lock(&t->lock);
		t->prompt_open = true;
		if (sel && !t->comp_vm[0])
			snprintf(t->comp_vm, sizeof(t->comp_vm), "%s", sel->s.name);
		t->refresh_wanted = true;
		pthread_cond_signal(&t->cond);
		pthread_mutex_unlock(&t->lock);
	}
	bool ok = false;
	for (;;) {
		int ch, plen = (int)strlen(prefix), off;
		char was[TUI_LINE_MAX];

		move(y, 0);
		clrtoeol();
		mvaddstr(y, 0, prefix);
		/* keep the cursor visible on long lines */
		off = (int)pos > COLS - plen - 2 ? (int)pos - (COLS - plen - 2) : 0;
		mvaddnstr(y, plen, buf + off, COLS - plen - 1);
		move(y, plen + (int)pos - off);
		refresh();
		ch = getch();
		if (t->quit) {
			ch = 27;
		}
		if (ch == KEY_RESIZE) {
			y = LINES - 1;
			continue;
		}
		if (ch == 27 || ch == CTRL('c') || ch == CTRL('g')) {
			buf[0] = '\0';
			break;
		}
		if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
			ok = true;
			break;
		}
		if (ch == '\t' && complete) {
			do_complete(t, buf, len, &pos);
			y = LINES - 1;
			continue;
		}
		snprintf(was, sizeof(was), "%s", buf);
		if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && pos > 0) {
			memmove(buf + pos - 1, buf + pos, strlen(buf + pos) + 1);
			pos--;
		} else if (ch == KEY_DC && pos < strlen(buf)) {
			memmove(buf + pos, buf + pos + 1, strlen(buf + pos));
		} else if (ch == KEY_LEFT && pos > 0) {
			pos--;
		} else if (ch == KEY_RIGHT && pos < strlen(buf)) {
			pos++;
		} else if (ch == KEY_HOME || ch == CTRL('a')) {
			pos = 0;
		} else if (ch == KEY_END || ch == CTRL('e')) {
			pos = strlen(buf);
		} else if (ch == CTRL('u')) {
			buf[0] = '\0';
			pos = 0;
		} else if (complete && ch == KEY_UP && hist > 0) {
			snprintf(buf, len, "%s", t->history[--hist]);
			pos = strlen(buf);
		} else if (complete && ch == KEY_DOWN) {
			if (hist < t->n_history - 1)
				snprintf(buf, len, "%s", t->history[++hist]);
			else {
				hist = t->n_history;
				buf[0] = '\0';
			}
			pos = strlen(buf);
		} else if (ch >= 32 && ch < 256 && ch != 127 && strlen(buf) + 1 < len) {
			memmove(buf + pos + 1, buf + pos, strlen(buf + pos) + 1);
			buf[pos++] = (char)ch;
		}
		if (changed && strcmp(was, buf) != 0)
			changed(t, buf);
	}
	nodelay(stdscr, TRUE);
	curs_set(0);
	if (complete) {
		pthread_mutex_lock(&t->lock);
		t->prompt_open = false;
		pthread_mutex_unlock(&t->lock);
	}
	return ok;
}
