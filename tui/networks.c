/* networks.c - n: the networks with mode, state, subnet, bridge and guests,
 * the reachability users expect of the selected one and its port forwards.
 * Its keys are rows of the key table: x, s, S and Enter name %s (the
 * network selected here); c (@net-create) shows the mode's reachability
 * before the y/n. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "netcfg.h"
#include "tui.h"

void tui_networks_open(struct tui *t)
{
	pthread_mutex_lock(&t->lock);
	t->nets_ok = false;
	pthread_mutex_unlock(&t->lock);
	tui_view_show(t, VIEW_NETWORKS);
}

void tui_networks_move(struct tui *t, int delta)
{
	pthread_mutex_lock(&t->lock);
	t->net_sel = tui_clamp(t->net_sel + delta, (int)t->n_nets);
	pthread_mutex_unlock(&t->lock);
}

void tui_networks_select(struct tui *t, int item)
{
	tui_networks_move(t, item - t->net_sel);
}

bool tui_networks_item(struct tui *t, char what, char *buf, size_t len)
{
	bool ok;

	pthread_mutex_lock(&t->lock);
	ok = what == 's' && t->nets_ok && t->net_sel >= 0 && (size_t)t->net_sel < t->n_nets;
	if (ok)
		snprintf(buf, len, "%s", t->nets[t->net_sel].name);
	pthread_mutex_unlock(&t->lock);
	return ok;
}

static void draw_reach(int y, const struct net_mode_def *m)
{
	char head[256];

	snprintf(head, sizeof(head), "expected reachability in %s mode: %s", m->name, m->summary);
	attron(A_BOLD);
	mvaddnstr(y, 0, head, COLS);   /* cut, never wrapped into the table */
	attroff(A_BOLD);
	for (int i = 0; i < 4; i++)
		mvprintw(y + 1 + i, 2, "%-14s %s", net_reach_labels[i], m->reach[i]);
}

void tui_networks_draw(struct tui *t)
{
	erase();
	tui_draw_frame(t, "networks");
	attron(A_BOLD | (t->color ? COLOR_PAIR(4) : 0));
	mvprintw(1, 0, "  %-18s %-9s %-8s %-18s %-10s %s", "NAME", "MODE", "STATE", "SUBNET", "BRIDGE", "GUESTS");
	attroff(A_BOLD | (t->color ? COLOR_PAIR(4) : 0));
	pthread_mutex_lock(&t->lock);
	if (!t->nets_ok)
		mvaddstr(3, 2, "reading networks...");
	if (t->net_sel >= (int)t->n_nets)
		t->net_sel = t->n_nets ? (int)t->n_nets - 1 : 0;
	for (size_t i = 0; i < t->n_nets && (int)i < LINES - 11; i++) {
		const struct eng_net *n = &t->nets[i];
		t->row_item[2 + i] = (short)(i + 1);
		if ((int)i == t->net_sel) {
			attron(A_REVERSE);
			mvhline(2 + (int)i, 0, ' ', COLS);
		}
		mvprintw(2 + (int)i, 0, "  %-18.18s %-9s %-8s %-18s %-10.10s %d%s%.*s", n->name, n->mode,
			 n->active ? "active" : "inactive", n->subnet[0] ? n->subnet : "-",
			 n->bridge[0] ? n->bridge : "-", n->n_guests, n->n_guests ? " " : "",
			 COLS > 75 ? COLS - 75 : 0, n->guests);
		attroff(A_REVERSE);
	}
	{
		const struct net_mode_def *m = t->net_preview ? net_mode_find(t->net_preview)
					       : (t->nets_ok && t->n_nets ? net_mode_find(t->nets[t->net_sel].mode)
									  : NULL);
		if (m && LINES > 12)
			draw_reach(LINES - 8, m);
	}
	if (t->nets_ok && t->n_nets && LINES > 12) {
		const char *net = t->nets[t->net_sel].name;
		char line[512] = "";
		for (size_t i = 0; i < t->n_fwd; i++) {
			const struct eng_forward *f = &t->fwd[i];
			size_t used = strlen(line);
			if (strcmp(f->network, net) == 0)
				snprintf(line + used, sizeof(line) - used, "%s%u/%s -> %s:%u%s", used ? ", " : "",
					 f->host_port, f->proto, f->vm, f->guest_port, f->active ? "" : " (stale)");
		}
		mvprintw(LINES - 9, 0, "port forwards on %s: ", net);
		addnstr(line[0] ? line : "none (:net forward add VM HOSTPORT GUESTPORT)", COLS - getcurx(stdscr) - 1 > 0 ? COLS - getcurx(stdscr) - 1 : 0);
	}
	pthread_mutex_unlock(&t->lock);
}

static void create_network(struct tui *t)
{
	char name[ENG_NAME_MAX + 1] = "", mode[16] = "", line[256], q[128];

	if (!tui_prompt_read(t, "new network name: ", name, sizeof(name), false) || !name[0])
		return;
	if (!tui_prompt_read(t, "mode (nat, bridged, hostonly, internal): ", mode, sizeof(mode), false))
		return;
	if (!net_mode_find(mode)) {
		tui_set_status(t, true, "unknown mode '%s' (use nat, bridged, hostonly or internal)", mode);
		return;
	}
	if (strcmp(mode, "bridged") == 0) {
		char up[64] = "";
		if (!tui_prompt_read(t, "host bridge to join (uplink): ", up, sizeof(up), false) || !up[0])
			return;
		if (!tui_line(t, line, sizeof(line), "net create %s --mode bridged --uplink %s", name, up))
			return;
	} else if (!tui_line(t, line, sizeof(line), "net create %s --mode %s", name, mode)) {
		return;
	}
	/* the mode's reachability is on screen while the user decides */
	t->net_preview = net_mode_find(mode)->name;
	tui_networks_draw(t);
	snprintf(q, sizeof(q), "create %s network %s?", mode, name);
	if (tui_confirm(t, q, NULL, NULL))
		tui_run_line(t, line);
	t->net_preview = NULL;
}

const struct tui_action tui_networks_actions[1] = {
	{ "@net-create", create_network, true, VIEW_NONE },
};
