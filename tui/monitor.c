/* monitor.c - m: one row per guest with CPU %, memory used/total, disk and
 * network rates and sparklines of their recent history, and a host line.
 * The numbers come from the refresh thread's sampler (copied under lock). */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

const struct eng_guest_stats *tui_monitor_find(const struct tui *t, const char *name)
{
	for (size_t i = 0; i < t->n_mon; i++)
		if (strcmp(t->mon[i].name, name) == 0)
			return &t->mon[i];
	return NULL;
}

static double disk_of(const struct eng_guest_stats *g) { return g->last.disk_rd_bps + g->last.disk_wr_bps; }
static double net_of(const struct eng_guest_stats *g) { return g->last.net_rx_bps + g->last.net_tx_bps; }

static int m_name(const struct eng_guest_stats *a, const struct eng_guest_stats *b) { return strcmp(a->name, b->name); }
#define DESC(f) (f(a) < f(b) ? 1 : f(a) > f(b) ? -1 : m_name(a, b))
static double cpu_of(const struct eng_guest_stats *g) { return g->last.cpu_pct; }
static double mem_of(const struct eng_guest_stats *g) { return g->last.mem_used_mib; }
static int m_cpu(const struct eng_guest_stats *a, const struct eng_guest_stats *b) { return DESC(cpu_of); }
static int m_mem(const struct eng_guest_stats *a, const struct eng_guest_stats *b) { return DESC(mem_of); }
static int m_disk(const struct eng_guest_stats *a, const struct eng_guest_stats *b) { return DESC(disk_of); }
static int m_net(const struct eng_guest_stats *a, const struct eng_guest_stats *b) { return DESC(net_of); }

static const struct {
	const char *name;
	int (*cmp)(const struct eng_guest_stats *, const struct eng_guest_stats *);
} mon_sorts[] = {
	{ "cpu", m_cpu }, { "memory", m_mem }, { "disk", m_disk }, { "network", m_net }, { "name", m_name },
};
#define N_MON_SORTS (sizeof(mon_sorts) / sizeof(mon_sorts[0]))

static int mon_sort_index;
static int mon_cmp(const void *a, const void *b)
{
	return mon_sorts[mon_sort_index].cmp(a, b);
}

static void rate(double bps, char *buf, size_t len)
{
	static const char *const u[] = { "B", "K", "M", "G" };
	int i = 0;

	while (bps >= 1024 && i < 3) {
		bps /= 1024;
		i++;
	}
	snprintf(buf, len, bps < 10 && i ? "%.1f%s" : "%.0f%s", bps, u[i]);
}

static void spark(struct tui *t, const float *ring, int pos, int len, int width, float maxv, char *buf,
		  size_t blen)
{
	float v[ENG_STATS_RING];
	int n = eng_stats_history(ring, pos, len, v, width);

	eng_sparkline(v, n, maxv, t->utf8, buf, blen);
}

void tui_monitor_draw(struct tui *t)
{
	struct eng_guest_stats *rows;
	size_t n = 0;
	const struct eng_host_stats *h = &t->mon_host;
	char sp[ENG_STATS_RING * 4], line[128];
	int y = 3, wide = COLS >= 110, sw = wide ? 20 : 12;

	erase();
	tui_draw_frame(t, "monitor");
	pthread_mutex_lock(&t->lock);
	rows = calloc(t->n_mon + 1, sizeof(*rows));
	for (size_t i = 0; rows && i < t->n_mon; i++)
		if (t->mon[i].state == ENG_ST_RUNNING || t->mon[i].state == ENG_ST_PAUSED)
			rows[n++] = t->mon[i];
	spark(t, h->cpu, h->ring_pos, h->ring_len, sw, 100, sp, sizeof(sp));
	attron(A_BOLD);
	mvprintw(1, 0, "host: CPU %5.1f%% %s of %u  memory %.0f/%.0f MiB  %u running", h->cpu_pct, sp,
		 h->cpus, h->mem_used_mib, h->mem_total_mib, h->running);
	attroff(A_BOLD);
	pthread_mutex_unlock(&t->lock);
	mon_sort_index = t->mon_sort;
	if (rows)
		qsort(rows, n, sizeof(*rows), mon_cmp);
	attron(A_BOLD | (t->color ? COLOR_PAIR(4) : 0));
	mvprintw(2, 0, "%-14s %6s %-*s %13s %15s %15s", "NAME", "CPU%", sw, "cpu history", "MEM used/MiB",
		 "DISK read/wr", "NET rx/tx");
	if (wide)
		printw(" %s", "net history");
	attroff(A_BOLD | (t->color ? COLOR_PAIR(4) : 0));
	t->n_focus = 0;
	t->mon_sel_name[0] = '\0';
	if (t->mon_sel >= (int)n)
		t->mon_sel = n ? (int)n - 1 : 0;
	if (t->mon_sel < t->mon_top)
		t->mon_top = t->mon_sel;
	if (t->mon_sel >= t->mon_top + LINES - 7)
		t->mon_top = t->mon_sel - (LINES - 7) + 1;
	for (size_t i = (size_t)t->mon_top; i < n && y < LINES - 3; i++, y++) {
		const struct eng_guest_stats *g = &rows[i];
		char rd[16], wr[16], rx[16], tx[16], mem[32];

		if (t->n_focus < 64)
			snprintf(t->focus[t->n_focus++], ENG_NAME_MAX + 1, "%s", g->name);
		rate(g->last.disk_rd_bps, rd, sizeof(rd));
		rate(g->last.disk_wr_bps, wr, sizeof(wr));
		rate(g->last.net_rx_bps, rx, sizeof(rx));
		rate(g->last.net_tx_bps, tx, sizeof(tx));
		snprintf(mem, sizeof(mem), "%.0f/%.0f%s", g->last.mem_used_mib, g->last.mem_total_mib,
			 g->last.mem_estimated ? "~" : "");
		if ((int)i == t->mon_sel) {
			attron(A_REVERSE);
			snprintf(t->mon_sel_name, sizeof(t->mon_sel_name), "%s", g->name);
		}
		t->row_item[y] = (short)(i + 1);
		spark(t, g->cpu, g->ring_pos, g->ring_len, sw, 100, sp, sizeof(sp));
		mvprintw(y, 0, "%-14.14s %6.1f %s", g->name, g->last.cpu_pct, sp);
		snprintf(line, sizeof(line), "%13s %7s/%-7s %7s/%-7s", mem, rd, wr, rx, tx);
		mvaddstr(y, 22 + sw, line);
		if (wide) {
			spark(t, g->net, g->ring_pos, g->ring_len, COLS - 22 - sw - 55 > 0 ? COLS - 22 - sw - 55 : 0,
			      0, sp, sizeof(sp));
			mvprintw(y, 22 + sw + 53, " %s", sp);
		}
		attroff(A_REVERSE);
	}
	if (n == 0)
		mvaddstr(3, 2, t->n_mon ? "no guest is running" : "sampling...");
	mvprintw(LINES - 3, 0, "~ = allocation shown (the guest reports no memory use); sorted by %s",
		 mon_sorts[t->mon_sort].name);
	free(rows);
}

void tui_monitor_move(struct tui *t, int delta)
{
	t->mon_sel += delta;   /* kept in range by the drawing, which knows the rows */
	if (t->mon_sel < 0)
		t->mon_sel = 0;
	if (t->mon_sel > 100000)
		t->mon_sel = 100000;
}

/* the guest keys (s, d, x...) act on the monitor's selected row */
bool tui_monitor_item(struct tui *t, char what, char *buf, size_t len)
{
	if (what != 'v' || !t->mon_sel_name[0])
		return false;
	snprintf(buf, len, "%s", t->mon_sel_name);
	return true;
}

void tui_monitor_select(struct tui *t, int item)
{
	t->mon_sel = item;
}

static void monitor_sort(struct tui *t)
{
	t->mon_sort = (t->mon_sort + 1) % (int)N_MON_SORTS;
	tui_set_status(t, false, "monitor sorted by %s", mon_sorts[t->mon_sort].name);
}

const struct tui_action tui_monitor_actions[1] = {
	{ "@monitor-sort", monitor_sort, false, VIEW_NONE },
};

void tui_graph_draw(struct tui *t, int y, int x, int rows, const float *v, int n, float maxv)
{
	static const char *const eighths[] = { " ", "\u2581", "\u2582", "\u2583", "\u2584",
					       "\u2585", "\u2586", "\u2587", "\u2588" };
	static const char ascii[] = " .:-=+*#@";

	if (maxv <= 0)
		for (int i = 0; i < n; i++)
			if (v[i] > maxv)
				maxv = v[i];
	for (int r = 0; r < rows; r++)
		for (int i = 0; i < n && x + i < COLS; i++) {
			double f = maxv > 0 ? v[i] / maxv : 0;
			int level = (int)(f * rows * 8 + 0.5) - (rows - 1 - r) * 8;
			if (level < 0)
				level = 0;
			if (level > 8)
				level = 8;
			if (t->utf8)
				mvaddstr(y + r, x + i, eighths[level]);
			else
				mvaddch(y + r, x + i, (chtype)ascii[level]);
		}
}
