/* prompt.c - the ':' command prompt and the '/' filter: line editing,
 * history (Up/Down) and Tab completion of commands, options and names. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	/* a network name after --network */
	if (argc >= 1 && t->eng && ((wlen == 0 && strcmp(argv[argc - 1], "--network") == 0) ||
				    (wlen > 0 && argc >= 2 && strcmp(argv[argc - 2], "--network") == 0))) {
		char nets[64][ENG_NAME_MAX + 1];
		int nn = eng_network_names(t->eng, nets, 64, NULL);
		for (int i = 0; i < nn; i++)
			if (strncmp(nets[i], word, wlen) == 0)
				n = add_candidate(out, n, max, line, plen, nets[i]);
		goto out;
	}
	/* a VM name: the first argument of commands that take one */
	if ((def->flags & CMD_VM_ARG) && argc - words <= 1) {
		for (size_t i = 0; i < t->n_rows; i++)
			if (strncmp(t->rows[i].s.name, word, wlen) == 0)
				n = add_candidate(out, n, max, line, plen, t->rows[i].s.name);
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

static void do_complete(struct tui *t, char *buf, size_t len, size_t *pos)
{
	char cands[32][512];
	int n;

	buf[*pos] = '\0';   /* complete what is left of the cursor */
	n = tui_complete(t, buf, cands, 32);
	if (n == 0) {
		tui_set_status(t, false, "no completion");
		return;
	}
	if (n == 1) {
		snprintf(buf, len, "%s", cands[0]);
	} else {
		char shown[300] = "";
		common_prefix(cands, n, buf, len);
		for (int i = 0; i < n; i++) {
			const char *w = strrchr(cands[i], ' ');
			const char *start = cands[i];
			/* show only the completed word */
			for (const char *p = cands[i]; p < w; p++)
				if (*p == ' ')
					start = p + 1;
			size_t used = strlen(shown);
			snprintf(shown + used, sizeof(shown) - used, "%.*s  ", (int)(w - start), start);
		}
		tui_set_status(t, false, "%s", shown);
	}
	*pos = strlen(buf);
}

bool tui_prompt_read(struct tui *t, const char *prefix, char *buf, size_t len, bool complete)
{
	size_t pos = strlen(buf);
	int hist = t->n_history;
	int y = LINES - 1;

	nodelay(stdscr, FALSE);
	curs_set(1);
	for (;;) {
		int ch, plen = (int)strlen(prefix), off;

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
			nodelay(stdscr, TRUE);
			curs_set(0);
			return true;
		}
		if (ch == '\t' && complete) {
			do_complete(t, buf, len, &pos);
			tui_draw_status(t);
			y = LINES - 1;
			continue;
		}
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
	}
	nodelay(stdscr, TRUE);
	curs_set(0);
	return false;
}
