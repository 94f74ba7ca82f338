/* footer.c - the hint line above the status line: the view's main keys
 * from its rows of the key table, most used first, as many as the width
 * takes, "q back" and "? help" always at the end (htop's F-key bar, fitted). */
#include <curses.h>
#include <string.h>

#include "tui.h"

static int hint_width(const struct tui_hint_in *h)
{
	return (int)(strlen(h->key) + 1 + strlen(h->word));
}

int tui_footer_fit(const struct tui_hint_in *h, int n, int width, bool *shown)
{
	int used = -2, count = 0;   /* (the first one has no gap before it) */

	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n; i++) {
			if (pass == 0)
				shown[i] = false;
			if (h[i].pin != (pass == 0))
				continue;
			if (used + 2 + hint_width(&h[i]) > width)
				continue;   /* a shorter later one may still fit */
			shown[i] = true;
			used += 2 + hint_width(&h[i]);
			count++;
		}
	return count;
}

/* a row whose key is taken by an earlier scope never shows */
static bool shadowed(const struct tui *t, enum tui_view v, const struct key_binding *kb)
{
	return tui_key_lookup(t, v, kb->key) != kb;
}

int tui_footer_hints(const struct tui *t, enum tui_view v, struct tui_hint_in *out, int *keys, int max,
		     char names[][16])
{
	/* the view's own keys, every view's (":", "q back"), then the ones it
	 * shares (the guest keys in details) */
	enum tui_view scopes[3] = { v, VIEW_ANY, v < VIEW__COUNT ? tui_views[v].also : VIEW_NONE };
	const struct key_binding *pinned[2] = { NULL, NULL };   /* q (back or quit), ? (help) */
	int n = 0;

	for (int s = 0; s < 3; s++) {
		if (scopes[s] == VIEW_NONE)
			continue;
		for (size_t i = 0; i < t->n_keys && n < max - 1; i++) {
			const struct key_binding *kb = &t->keys[i];
			if (kb->view != scopes[s] || !kb->hint[0] || (kb->flags & KB_NOHINT) || shadowed(t, v, kb))
				continue;
			if (t->g.readonly && tui_binding_changes(kb))
				continue;
			if (strcmp(kb->command, "@help") == 0 || strcmp(kb->command, "@back") == 0 ||
			    strcmp(kb->command, "@quit") == 0) {
				pinned[kb->command[1] == 'h'] = kb;   /* last, always */
				continue;
			}
			tui_key_name(kb->key, names[n], 16);
			out[n].key = names[n];
			out[n].word = kb->hint;
			out[n].pin = false;
			keys[n++] = kb->key;
		}
	}
	for (int p = 0; p < 2; p++)
		if (pinned[p]) {
			tui_key_name(pinned[p]->key, names[n], 16);
			out[n].key = names[n];
			out[n].word = pinned[p]->hint;
			out[n].pin = true;
			keys[n++] = pinned[p]->key;
		}
	return n;
}

void tui_footer_draw(struct tui *t)
{
	struct tui_hint_in h[24];
	char names[24][16];
	int keys[24], x = 0, y = LINES - 2;
	bool shown[24];
	int n = tui_footer_hints(t, tui_key_view(t), h, keys, 24, names);

	tui_footer_fit(h, n, COLS - 1, shown);
	move(y, 0);
	clrtoeol();
	t->n_hints = 0;
	for (int i = 0; i < n; i++) {
		if (!shown[i])
			continue;
		if (x)
			x += 2;
		attron(A_BOLD | A_REVERSE);
		mvaddstr(y, x, h[i].key);
		attroff(A_BOLD | A_REVERSE);
		mvaddch(y, x + (int)strlen(h[i].key), ' ');
		addstr(h[i].word);
		/* where a click runs it */
		if (t->n_hints < (int)(sizeof(t->hints) / sizeof(t->hints[0])))
			t->hints[t->n_hints++] = (struct tui_hint){ x, x + (int)(strlen(h[i].key) + 1 + strlen(h[i].word)),
								    keys[i] };
		x += (int)(strlen(h[i].key) + 1 + strlen(h[i].word));
	}
}
