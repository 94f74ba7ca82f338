/* wizard_pick.c - the create wizard's lists (profiles, OSes, template VMs,
 * networks with their reachability), filtered as the user types, and Tab
 * completion of paths. */
#include <curses.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "netcfg.h"
#include "wizard.h"

/* ---- path completion (Tab): the longest common prefix of the matches ---- */

void wiz_complete_path(char *buf, size_t cap)
{
	char pat[1100];
	glob_t g;

	snprintf(pat, sizeof(pat), "%.1024s*", buf);
	if (glob(pat, GLOB_MARK | GLOB_NOESCAPE, NULL, &g) != 0) {
		globfree(&g);
		return;
	}
	size_t common = strlen(g.gl_pathv[0]);
	for (size_t i = 1; i < g.gl_pathc; i++) {
		size_t k = 0;
		while (k < common && g.gl_pathv[i][k] == g.gl_pathv[0][k])
			k++;
		common = k;
	}
	if (common < cap && common >= strlen(buf))
		snprintf(buf, cap, "%.*s", (int)common, g.gl_pathv[0]);
	globfree(&g);
}

/* ---- the picker: a filtered list over the form ---- */

struct pick_item {
	char key[ENG_NAME_MAX + 1];        /* what the answer becomes */
	char text[200];                    /* what the list shows */
	const void *ref;
};

static bool matches(const char *filter, const char *a, const char *b)
{
	return !filter[0] || strcasestr(a, filter) || (b && strcasestr(b, filter));
}

static bool ticked(const struct wiz_answers *a, const char *name)
{
	char nets[WIZ_MAX_NETS][ENG_NAME_MAX + 1];
	int n = wiz_nets(a, nets);

	for (int i = 0; i < n; i++)
		if (strcmp(nets[i], name) == 0)
			return true;
	return false;
}

static int pick_items(struct tui *t, const struct tui_wizard *w, enum wf_list list, struct pick_item *out, int max)
{
	int n = 0;
	const char *f = w->pick_filter;

	switch (list) {
	case WL_PROFILES:
		for (size_t i = 0; i < w->n_profiles && n < max; i++)
			if (matches(f, w->profiles[i].name, NULL)) {
				snprintf(out[n].key, sizeof(out[n].key), "%s", w->profiles[i].name);
				snprintf(out[n].text, sizeof(out[n].text), "%-20s %s", w->profiles[i].name,
					 w->profiles[i].shipped ? "(shipped)" : "(yours)");
				out[n++].ref = &w->profiles[i];
			}
		break;
	case WL_OSES:
		if (matches(f, "other", "no OS id") && n < max) {
			snprintf(out[n].text, sizeof(out[n].text), "%-20s %s", "(other)", "no OS id: set resources yourself");
			out[n].key[0] = '\0';
			out[n++].ref = NULL;
		}
		for (int pass = 0; pass < 2; pass++)   /* generic Linux first */
			for (size_t i = 0; i < w->n_oses && n < max; i++) {
				const struct eng_os *os = &w->oses[i];
				bool generic = strncmp(os->short_id, "linux20", 7) == 0;
				if (generic != (pass == 0) || !matches(f, os->short_id, os->name))
					continue;
				snprintf(out[n].key, sizeof(out[n].key), "%s", os->short_id);
				snprintf(out[n].text, sizeof(out[n].text), "%-20s %s", os->short_id, os->name);
				out[n++].ref = os;
			}
		break;
	case WL_VMS:
		for (size_t i = 0; i < t->n_rows && n < max; i++)
			if (matches(f, t->rows[i].s.name, NULL)) {
				snprintf(out[n].key, sizeof(out[n].key), "%s", t->rows[i].s.name);
				snprintf(out[n].text, sizeof(out[n].text), "%-24s %s", t->rows[i].s.name,
					 eng_state_name(t->rows[i].s.state));
				out[n++].ref = NULL;
			}
		break;
	case WL_NETS:
		pthread_mutex_lock(&t->lock);
		for (size_t i = 0; i < t->n_nets && n < max; i++) {
			const struct eng_net *net = &t->nets[i];
			const struct net_mode_def *m = net_mode_find(net->mode);
			if (!matches(f, net->name, net->mode))
				continue;
			snprintf(out[n].key, sizeof(out[n].key), "%s", net->name);
			snprintf(out[n].text, sizeof(out[n].text), "[%c] %-14.14s %-8s %s",
				 ticked(&w->a, net->name) ? 'x' : ' ', net->name, net->mode,
				 m ? m->summary : "made outside vmdeck");
			out[n++].ref = NULL;
		}
		pthread_mutex_unlock(&t->lock);
		break;
	default:
		break;
	}
	return n;
}

static void toggle_net(struct tui_wizard *w, const char *name)
{
	char nets[WIZ_MAX_NETS][ENG_NAME_MAX + 1];
	int n = wiz_nets(&w->a, nets);
	bool had = false;

	w->a.nets[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (strcmp(nets[i], name) == 0)
			had = true;
		else
			wiz_nets_add(&w->a, nets[i]);
	}
	if (!had)
		wiz_nets_add(&w->a, name);
}

#define PICK_MAX 2048

void wiz_picker_key(struct tui *t, struct tui_wizard *w, int ch)
{
	const struct wiz_field *f = &wiz_fields[w->picker];
	struct pick_item *items = calloc(PICK_MAX, sizeof(*items));
	int n = items ? pick_items(t, w, f->list, items, PICK_MAX) : 0;
	size_t fl = strlen(w->pick_filter);

	if (!items)
		return;
	if (ch == 27) {
		w->picker = -1;
	} else if (ch == KEY_DOWN) {
		w->pick_sel += w->pick_sel + 1 < n;
	} else if (ch == KEY_UP) {
		w->pick_sel -= w->pick_sel > 0;
	} else if (ch == KEY_NPAGE || ch == KEY_PPAGE) {
		w->pick_sel += ch == KEY_NPAGE ? LINES - 10 : -(LINES - 10);
	} else if (ch == ' ' && f->list == WL_NETS && n > 0) {
		toggle_net(w, items[w->pick_sel].key);
	} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		if (f->list == WL_NETS) {
			w->picker = -1;
		} else if (n > 0) {
			const struct pick_item *it = &items[w->pick_sel];
			if (f->list == WL_OSES)
				wiz_os_chosen(w, it->ref);
			else if (f->list == WL_PROFILES)
				wiz_profile_chosen(w, it->ref);
			else
				snprintf(wiz_answer(w, f), f->len, "%s", it->key);
			w->picker = -1;
		}
	} else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && fl) {
		w->pick_filter[fl - 1] = '\0';
		w->pick_sel = 0;
	} else if (ch >= 0x20 && ch < 0x7f && ch != ' ' && fl + 1 < sizeof(w->pick_filter)) {
		w->pick_filter[fl] = (char)ch;
		w->pick_filter[fl + 1] = '\0';
		w->pick_sel = 0;
	}
	if (w->pick_sel >= n)
		w->pick_sel = n > 0 ? n - 1 : 0;
	if (w->pick_sel < 0)
		w->pick_sel = 0;
	free(items);
}

void wiz_picker_move(struct tui *t, struct tui_wizard *w, int delta)
{
	const struct wiz_field *f = &wiz_fields[w->picker];
	struct pick_item *items = calloc(PICK_MAX, sizeof(*items));
	int n = items ? pick_items(t, w, f->list, items, PICK_MAX) : 0;

	free(items);
	w->pick_sel = tui_clamp(w->pick_sel + delta, n);
}

void wiz_picker_draw(struct tui *t, struct tui_wizard *w)
{
	const struct wiz_field *f = &wiz_fields[w->picker];
	struct pick_item *items = calloc(PICK_MAX, sizeof(*items));
	int n = items ? pick_items(t, w, f->list, items, PICK_MAX) : 0, rows = LINES - 8, top;
	char head[600];

	if (!items)
		return;
	top = w->pick_sel >= rows ? w->pick_sel - rows + 1 : 0;
	for (int y = 3; y < LINES - 3; y++) {
		move(y, 0);
		clrtoeol();
	}
	if (f->list == WL_OSES && !w->oses_ok)
		snprintf(head, sizeof(head), "OS: %s", w->oses_err[0] ? w->oses_err : "reading libosinfo's database...");
	else
		snprintf(head, sizeof(head), "%s: type to filter [%s]", f->label, w->pick_filter);
	attron(A_BOLD);
	mvaddnstr(3, 0, head, COLS);
	attroff(A_BOLD);
	for (int i = top; i < n && i - top < rows; i++) {
		if (i == w->pick_sel)
			attron(A_REVERSE);
		mvaddnstr(4 + i - top, 2, items[i].text, COLS - 2);
		if (i == w->pick_sel)
			attroff(A_REVERSE);
	}
	if (n == 0)
		mvaddstr(4, 2, f->list == WL_NETS && !t->nets_ok ? "reading networks..." : "(nothing matches)");
	free(items);
}

