/* screens.c - the details view (what `info` shows, live beside next boot),
 * the help view (generated from the key and command tables) and the output
 * view of a command's text. */
#include <curses.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

static void row_pair(int y, const char *label, const char *now, const char *next)
{
	attron(A_BOLD);
	mvprintw(y, 2, "%-12s", label);
	attroff(A_BOLD);
	mvprintw(y, 15, "%-22s", now);
	if (next && strcmp(now, next) != 0)
		mvprintw(y, 38, "next boot: %s", next);
}

void tui_details_draw(struct tui *t)
{
	struct eng_dom_info *i = &t->details;
	char a[64], b[64], title[128];
	int y = 2;

	erase();
	snprintf(title, sizeof(title), "details of %s", t->details_name);
	tui_draw_frame(t, title);
	pthread_mutex_lock(&t->lock);
	if (!t->details_ok) {
		mvprintw(2, 2, "reading %s...", t->details_name);
		pthread_mutex_unlock(&t->lock);
		return;
	}
	row_pair(y++, "state", eng_state_name(i->s.state), NULL);
	row_pair(y++, "uuid", i->s.uuid, NULL);
	snprintf(a, sizeof(a), "%u", i->cpus_live);
	snprintf(b, sizeof(b), "%u", i->cpus_config);
	row_pair(y++, "vCPUs", a, b);
	snprintf(a, sizeof(a), "%u", i->cpus_max);
	row_pair(y++, "  maximum", a, NULL);
	snprintf(a, sizeof(a), "%llu MiB", i->mem_live_mib);
	snprintf(b, sizeof(b), "%llu MiB", i->mem_config_mib);
	row_pair(y++, "memory", a, b);
	snprintf(a, sizeof(a), "%llu MiB", i->mem_max_mib);
	row_pair(y++, "  maximum", a, NULL);
	snprintf(a, sizeof(a), "%s (%s)", i->virt_type ? i->virt_type : "?", eng_accel(t->eng)->accel);
	row_pair(y++, "virt type", a, NULL);
	row_pair(y++, "autostart", i->s.autostart ? "on" : "off", NULL);
	if (i->kernel)
		row_pair(y++, "kernel", i->kernel, NULL);
	y++;
	for (size_t k = 0; k < i->n_disks && y < LINES - 4; k++) {
		const struct eng_disk *d = &i->disks[k];
		char cap[24] = "";
		if (d->capacity)
			eng_size_format(d->capacity, cap, sizeof(cap));
		mvprintw(y++, 2, "%-12s %s %s %s %s %s", k ? "" : "disks", d->target ? d->target : "?",
			 d->device ? d->device : "", d->format ? d->format : "", cap,
			 d->source ? d->source : "(empty)");
	}
	for (size_t k = 0; k < i->n_nics && y < LINES - 4; k++) {
		const struct eng_nic *n = &i->nics[k];
		mvprintw(y++, 2, "%-12s %s %s %s %s", k ? "" : "NICs", n->mac ? n->mac : "?",
			 n->network ? n->network : "-", n->model ? n->model : "",
			 n->n_ipv4 ? n->ipv4[0] : "(no IPv4 yet)");
	}
	if (y < LINES - 3)
		mvprintw(y++, 2, "%-12s %d%s%s", "snapshots", i->n_snapshots,
			 i->current_snapshot ? ", current " : "",
			 i->current_snapshot ? i->current_snapshot : "");
	if (y < LINES - 3)
		mvprintw(y++, 2, "%-12s %s", "guest agent", i->has_agent_channel ? "channel present" : "none");
	/* larger graphs of the monitor's series, as far as the screen allows */
	{
		const struct eng_guest_stats *g = tui_monitor_find(t, t->details_name);
		static const struct {
			const char *label;
			size_t off;
			float max;
		} graphs[] = {
			{ "CPU %", offsetof(struct eng_guest_stats, cpu), 100 },
			{ "disk B/s", offsetof(struct eng_guest_stats, disk), 0 },
			{ "net B/s", offsetof(struct eng_guest_stats, net), 0 },
		};
		int w = COLS - 16 < ENG_STATS_RING ? COLS - 16 : ENG_STATS_RING;
		for (size_t k = 0; g && w > 10 && k < sizeof(graphs) / sizeof(graphs[0]) && y + 4 < LINES - 1; k++) {
			float v[ENG_STATS_RING];
			int n = eng_stats_history((const float *)((const char *)g + graphs[k].off), g->ring_pos,
						  g->ring_len, v, w);
			mvprintw(y + 1, 2, "%-12s", graphs[k].label);
			tui_graph_draw(t, y + 1, 15, 3, v, n, graphs[k].max);
			y += 4;
		}
	}
	pthread_mutex_unlock(&t->lock);
}

/* Help: every key of the key table under its view's heading (the view ?
 * was pressed in first), then every command of the command table. */
static int help_lines(struct tui *t, int y, int h)
{
	enum tui_view from = t->back[VIEW_HELP], order[VIEW__COUNT + 1];
	int n = 0;

#define LINE(...)                                                  \
	do {                                                       \
		if (y >= 2 && y < h) {                             \
			char line_[1200];                          \
			snprintf(line_, sizeof(line_), __VA_ARGS__); \
			mvaddnstr(y, 0, line_, COLS);              \
		}                                                  \
		y++;                                               \
	} while (0)
	order[n++] = from;
	for (int v = 0; v <= VIEW_ANY; v++)
		if (v != (int)from)
			order[n++] = (enum tui_view)v;
	LINE("Keys (rebind in [keys] of %s as KEY or VIEW.KEY = command):",
	     t->cfg.path[0] ? t->cfg.path : "vmdeck.ini");
	for (int o = 0; o < n; o++) {
		enum tui_view v = order[o];
		bool any = false;
		for (size_t i = 0; i < t->n_keys; i++) {
			char name[32];
			if (t->keys[i].view != v)
				continue;
			if (!any) {
				LINE("%s (%s):", v == VIEW_ANY ? "Every view" : tui_views[v].heading,
				     v == VIEW_ANY ? "any" : tui_views[v].name);
				any = true;
			}
			tui_key_name(t->keys[i].key, name, sizeof(name));
			LINE("  %-9s %-44.44s %s", name, t->keys[i].label,
			     t->keys[i].command[0] == '@' ? "" : t->keys[i].command);
		}
	}
	LINE("Typing in a field (the prompt, the filter, the wizard, questions):");
	for (int i = 0; tui_typing_keys[i]; i++)
		LINE("  %s", tui_typing_keys[i]);
	LINE(" ");
	LINE("Commands (type ':' then any of these; Tab completes):");
	for (size_t i = 0; cmd_table[i]; i++) {
		char head[64];
		snprintf(head, sizeof(head), "%s %s", cmd_table[i]->name, cmd_table[i]->usage);
		LINE("  %-22.22s %s", head, cmd_table[i]->summary);
	}
#undef LINE
	return y;
}

void tui_help_draw(struct tui *t)
{
	int end;

	erase();
	tui_draw_frame(t, "help");
	end = help_lines(t, 2 - t->help_top, LINES - 2);
	if (t->help_top > 0 && end < 2)   /* scrolled past the end: back to the last page */
		t->help_top = 0;
}

void tui_help_move(struct tui *t, int delta)
{
	int total = help_lines(t, -1000000, -1000000) + 1000000;   /* counts, draws nothing */
	int last = total - (LINES - 4) > 0 ? total - (LINES - 4) : 0;

	t->help_top = tui_clamp(t->help_top + delta, last + 1);
}

/* the output's lines as the screen shows them: long ones wrapped at COLS */
static int output_rows(const char *p, int top, int y0, int y1, bool draw)
{
	int row = 0, y = y0;

	while (*p) {
		size_t len = strcspn(p, "\n");
		const char *q = p;
		do {
			size_t piece = len - (size_t)(q - p) > (size_t)COLS ? (size_t)COLS : len - (size_t)(q - p);
			if (draw && row >= top && y < y1)
				mvaddnstr(y++, 0, q, (int)piece);
			row++;
			q += piece;
		} while (q < p + len);
		p += len;
		if (*p == '\n')
			p++;
	}
	return row;
}

void tui_output_draw(struct tui *t)
{
	erase();
	tui_draw_frame(t, "output");
	output_rows(t->output ? t->output : "", t->out_top, 2, LINES - 2, true);
}

void tui_output_move(struct tui *t, int delta)
{
	int total = output_rows(t->output ? t->output : "", 0, 0, 0, false);
	int last = total - (LINES - 4) > 0 ? total - (LINES - 4) : 0;

	t->out_top = tui_clamp(t->out_top + delta, last + 1);
}
