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
	mvaddnstr(LINES - 2, 0, "a add disk  r resize  x detach  b backup  N/U add/remove NIC  X exec  v screen  "
		  "e edit  q back", COLS);
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

/* Help: every key of the key table, then every command of the command table. */
void tui_help_draw(struct tui *t)
{
	int y = 2 - t->help_top, h = LINES - 1;

	erase();
	tui_draw_frame(t, "help (q/Esc: back, j/k: scroll)");
#define LINE(...)                                    \
	do {                                         \
		if (y >= 2 && y < h)                 \
			mvprintw(y, 0, __VA_ARGS__); \
		y++;                                 \
	} while (0)
	LINE("Keys (rebind in [keys] of %s):", t->cfg.path[0] ? t->cfg.path : "vmdeck.ini");
	for (size_t i = 0; i < t->n_keys; i++) {
		char name[16];
		tui_key_name(t->keys[i].key, name, sizeof(name));
		LINE("  %-8s %-40.40s %s", name, t->keys[i].label,
		     t->keys[i].command[0] == '@' ? "" : t->keys[i].command);
	}
	LINE(" ");
	LINE("Commands (type ':' then any of these; Tab completes):");
	for (size_t i = 0; cmd_table[i]; i++) {
		char head[64];
		snprintf(head, sizeof(head), "%s %s", cmd_table[i]->name, cmd_table[i]->usage);
		LINE("  %-22.22s %.*s", head, COLS > 26 ? COLS - 26 : 0, cmd_table[i]->summary);
	}
#undef LINE
	if (t->help_top > y - 3 + t->help_top)
		t->help_top = 0;
}

void tui_output_draw(struct tui *t)
{
	const char *p = t->output ? t->output : "";
	int line = 0, y = 2;

	erase();
	tui_draw_frame(t, "output (q/Esc: back, j/k: scroll)");
	while (*p && y < LINES - 1) {
		size_t len = strcspn(p, "\n");
		if (line >= t->out_top)
			mvaddnstr(y++, 0, p, (int)len < COLS ? (int)len : COLS);
		line++;
		p += len;
		if (*p == '\n')
			p++;
	}
}

void tui_scroll_view(struct tui *t, int delta)
{
	int *top = t->view == VIEW_HELP ? &t->help_top : &t->out_top;

	*top += delta;
	if (*top < 0)
		*top = 0;
}

/* a: a NIC on a network the user names; u: remove the NIC on a network (asks).
 * Both are the `net attach/detach` commands, run as jobs. */
/* the details view's disk keys: each a `disk` or `backup` command line
 * built from what is typed (each answer one word, quoted by tui_line),
 * detach after a y/n */
static bool disk_key(struct tui *t, int ch)
{
	static const struct {
		int key;
		const char *ask1, *ask2;   /* ask2 NULL: one answer */
		const char *fmt;           /* %s: VM, then the answers */
	} rows[] = {
		{ 'a', "new disk's size (e.g. 2G): ", NULL, "disk add %s %s" },
		{ 'r', "resize which disk (vda, vdb...): ", "to size (e.g. 20G or +5G): ", "disk resize %s %s %s" },
		{ 'x', "detach which disk (its image is kept): ", NULL, "disk detach %s %s" },
		{ 'b', "back up into directory: ", NULL, "backup %s %s" },
	};
	char ans[2][512] = { "", "" }, line[TUI_LINE_MAX], conf[200];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (rows[i].key != ch)
			continue;
		if (!tui_prompt_read(t, rows[i].ask1, ans[0], sizeof(ans[0]), false) || !ans[0][0])
			return true;
		if (rows[i].ask2 && (!tui_prompt_read(t, rows[i].ask2, ans[1], sizeof(ans[1]), false) || !ans[1][0]))
			return true;
		/* an answer never becomes an option ("+5G" grows, "-5G" is refused here) */
		for (int k = 0; k < 2; k++)
			if (ans[k][0] == '-') {
				tui_set_status(t, true, "'%.60s' is not a size, disk or directory", ans[k]);
				return true;
			}
		if (!tui_line(t, line, sizeof(line), rows[i].fmt, t->details_name, ans[0], ans[1]))
			return true;
		snprintf(conf, sizeof(conf), "detach disk %.32s from %s?", ans[0], t->details_name);
		if (ch != 'x' || tui_confirm(t, conf, NULL, NULL))
			tui_run_line(t, line);
		return true;
	}
	return false;
}

bool tui_details_key(struct tui *t, int ch)
{
	char net[ENG_NAME_MAX + 1] = "", line[256], q[160];

	if (ch == 'X') {
		/* a command in the guest through its agent: the words typed are its
		 * argv (split as the prompt splits them), never a shell line */
		char cmdline[TUI_LINE_MAX / 2] = "", run[TUI_LINE_MAX];
		if (!tui_prompt_read(t, "run in the guest (no shell; sh -c '...' for one): ", cmdline, sizeof(cmdline),
				     false) || !cmdline[0])
			return true;
		if (tui_line(t, run, sizeof(run), "exec %s -- ", t->details_name) &&
		    strlen(run) + strlen(cmdline) < sizeof(run)) {
			strcat(run, cmdline);
			tui_run_line(t, run);
		}
		return true;
	}
	if (ch == 'a' || ch == 'r' || ch == 'x' || ch == 'b')
		return disk_key(t, ch);
	if (ch != 'N' && ch != 'U')
		return false;
	if (!tui_prompt_read(t, ch == 'N' ? "add a NIC on network: " : "remove the NIC on network: ", net,
			     sizeof(net), false) || !net[0])
		return true;
	if (!tui_line(t, line, sizeof(line), ch == 'N' ? "net attach %s %s" : "net detach %s %s", t->details_name,
		      net))
		return true;
	snprintf(q, sizeof(q), "remove %s's NIC on %s?", t->details_name, net);
	if (ch == 'N' || tui_confirm(t, q, NULL, NULL))
		tui_run_line(t, line);
	return true;
}
