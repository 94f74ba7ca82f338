/* list.c - the guest list: samples from the refresh thread, CPU %, sort,
 * filter, marks, and drawing. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

/* ---- sorting: a table of columns ---- */

static int by_name(const struct tui_row *a, const struct tui_row *b)
{
	return strcmp(a->s.name, b->s.name);
}

static int by_state(const struct tui_row *a, const struct tui_row *b)
{
	return a->s.state != b->s.state ? (int)a->s.state - (int)b->s.state : by_name(a, b);
}

static int by_cpu(const struct tui_row *a, const struct tui_row *b)
{
	return a->cpu_pct != b->cpu_pct ? (a->cpu_pct < b->cpu_pct ? 1 : -1) : by_name(a, b);
}

static int by_memory(const struct tui_row *a, const struct tui_row *b)
{
	return a->s.memory_mib != b->s.memory_mib ? (a->s.memory_mib < b->s.memory_mib ? 1 : -1)
						  : by_name(a, b);
}

static const struct {
	const char *name;
	int (*cmp)(const struct tui_row *, const struct tui_row *);
} sorts[] = {
	{ "name", by_name },
	{ "state", by_state },
	{ "cpu%", by_cpu },
	{ "memory", by_memory },
};
#define N_SORTS (sizeof(sorts) / sizeof(sorts[0]))

static int current_sort;

/* with several hosts the rows are grouped: host order first */
static int row_cmp(const void *a, const void *b)
{
	const struct tui_row *x = a, *y = b;

	return x->host != y->host ? x->host - y->host : sorts[current_sort].cmp(a, b);
}

static const struct tui_row *find_row(const struct tui_row *rows, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].s.name, name) == 0)
			return &rows[i];
	return NULL;
}

/* Another host's guest has no sampler here: its CPU % from the CPU time of
 * two lists, per vCPU as the sampler counts it (-1: not known yet). */
static double other_host_cpu(const struct tui *t, const struct tui_row *old, const struct eng_dom_summary *cur,
			     uint64_t now_ns)
{
	double pct;

	if (!old || old->s.state != ENG_ST_RUNNING || cur->state != ENG_ST_RUNNING || now_ns <= t->sample_ns ||
	    !cur->cpus || cur->cpu_time_ns < old->s.cpu_time_ns)
		return -1;
	pct = 100.0 * (double)(cur->cpu_time_ns - old->s.cpu_time_ns) / (double)(now_ns - t->sample_ns) / cur->cpus;
	return pct > 100.0 ? 100.0 : pct;
}

void tui_list_apply_sample(struct tui *t, struct eng_dom_summary *v, size_t n, uint64_t now_ns)
{
	struct tui_row *rows = calloc(n + 1, sizeof(*rows));

	if (!rows) {
		free(v);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct tui_row *old = t->rows ? find_row(t->rows, t->n_rows, v[i].name) : NULL;
		const char *bare;
		rows[i].s = v[i];
		rows[i].host = tui_fleet_host_of(t, v[i].name, &bare);
		/* the same sampler as the monitor view: the first host's */
		const struct eng_guest_stats *gs = rows[i].host == 0 ? tui_monitor_find(t, bare) : NULL;
		if (old)
			rows[i].marked = old->marked;
		if (gs && v[i].state == ENG_ST_RUNNING)
			rows[i].cpu_pct = gs->last.cpu_pct;
		if (rows[i].host != 0)
			rows[i].cpu_pct = other_host_cpu(t, old, &v[i], now_ns);
	}
	free(v);
	current_sort = t->sort;
	qsort(rows, n, sizeof(*rows), row_cmp);
	free(t->rows);
	t->rows = rows;
	t->n_rows = n;
	t->sample_ns = now_ns;
	t->have_sample = true;
	tui_list_refilter(t);
}

void tui_list_cycle_sort(struct tui *t)
{
	t->sort = (t->sort + 1) % (int)N_SORTS;
	current_sort = t->sort;
	qsort(t->rows, t->n_rows, sizeof(*t->rows), row_cmp);
	tui_list_refilter(t);
	tui_set_status(t, false, "sorted by %s", sorts[t->sort].name);
}

/* Rebuilds the visible rows and keeps the selection on the same guest. */
void tui_list_refilter(struct tui *t)
{
	free(t->visible);
	t->visible = calloc(t->n_rows + 1, sizeof(*t->visible));
	t->n_visible = 0;
	t->sel = 0;
	for (size_t i = 0; t->visible && i < t->n_rows; i++) {
		if (t->filter[0] && !strstr(t->rows[i].s.name, t->filter))
			continue;
		if (t->sel_name[0] && strcmp(t->rows[i].s.name, t->sel_name) == 0)
			t->sel = (int)t->n_visible;
		t->visible[t->n_visible++] = i;
	}
	tui_list_move(t, 0);
}

void tui_list_select(struct tui *t, int item)
{
	tui_list_move(t, item - t->sel);
}

const struct tui_row *tui_selected(const struct tui *t)
{
	if (t->n_visible == 0 || t->sel < 0 || (size_t)t->sel >= t->n_visible)
		return NULL;
	return &t->rows[t->visible[t->sel]];
}

static int list_height(const struct tui *t)
{
	/* title, column header, footer, status; with several hosts a header
	 * row each (counted as if all were on screen) */
	return LINES - 4 - (t->multi ? (int)t->n_lh : 0);
}

void tui_list_move(struct tui *t, int delta)
{
	int h = list_height(t);

	t->sel += delta;
	if (t->sel >= (int)t->n_visible)
		t->sel = (int)t->n_visible - 1;
	if (t->sel < 0)
		t->sel = 0;
	if (t->sel < t->top)
		t->top = t->sel;
	if (h > 0 && t->sel >= t->top + h)
		t->top = t->sel - h + 1;
	if (t->top < 0)
		t->top = 0;
	if (tui_selected(t))
		snprintf(t->sel_name, sizeof(t->sel_name), "%s", tui_selected(t)->s.name);
}

/* ---- drawing ---- */

struct state_look {
	const char *utf8, *ascii;
	int pair;
	int attr;
};

static const struct state_look state_looks[] = {
	[ENG_ST_RUNNING] = { "\u25b6", ">", 1, A_BOLD },
	[ENG_ST_PAUSED] = { "\u2016", "=", 2, 0 },
	[ENG_ST_SHUTOFF] = { "\u25cb", ".", 0, A_DIM },
	[ENG_ST_CRASHED] = { "\u2716", "!", 3, A_BOLD },
	[ENG_ST_PMSUSPENDED] = { "z", "z", 2, 0 },
	[ENG_ST_OTHER] = { "?", "?", 0, 0 },
};

void tui_draw_status(struct tui *t)
{
	int y = LINES - 1;

	move(y, 0);
	clrtoeol();
	if (t->job && !t->job->done) {
		char prog[96] = "";
		if (t->job->job.progress > 0)
			snprintf(prog, sizeof(prog), " %d%% %.64s", t->job->job.progress, t->job->job.detail);
		attron(A_BOLD);
		mvprintw(y, 0, "running: %.*s%s  (Esc cancels the wait)", COLS - 36, t->job->line, prog);
		attroff(A_BOLD);
		return;
	}
	/* what was said fades: 5 s, errors 10 s */
	if (t->status[0] && tui_now_ns() - t->status_ns > (t->status_error ? 10 : 5) * 1000000000ULL)
		t->status[0] = '\0';
	if (t->status_error && t->color)
		attron(COLOR_PAIR(3) | A_BOLD);
	mvaddnstr(y, 0, t->status, COLS - 1);
	if (t->status_error && t->color)
		attroff(COLOR_PAIR(3) | A_BOLD);
}

void tui_draw_frame(struct tui *t, const char *title)
{
	char left[400], where[160];
	size_t running = 0;

	for (size_t i = 0; i < t->n_rows; i++)
		running += t->rows[i].s.state == ENG_ST_RUNNING;
	uint64_t now = tui_now_ns(), tick;
	/* atomics, not t->lock: views draw their frame with the lock held */
	tick = __atomic_load_n(&t->tick_ns, __ATOMIC_RELAXED);
	bool lost = __atomic_load_n(&t->conn_lost, __ATOMIC_RELAXED);
	uint64_t lost_ns = __atomic_load_n(&t->lost_ns, __ATOMIC_RELAXED);
	if (t->multi)
		snprintf(where, sizeof(where), "%zu hosts", t->n_lh);
	else if (lost)   /* (the keys that read go on; the ones that change are refused) */
		snprintf(where, sizeof(where), "%.60s: CONNECTION LOST, reconnecting (%llu s)", eng_uri(t->eng),
			 (unsigned long long)((now - lost_ns) / 1000000000ULL));
	else if (tick && now - tick > 3000000000ULL)
		snprintf(where, sizeof(where), "%.60s: NOT ANSWERING (%llu s)", eng_uri(t->eng),
			 (unsigned long long)((now - tick) / 1000000000ULL));
	else
		snprintf(where, sizeof(where), "%s", t->eng ? eng_uri(t->eng) : "connecting...");
	snprintf(left, sizeof(left), " vmdeck | %s | %zu guests, %zu running%s%s | %s", where,
		 t->n_rows, running, t->g.readonly ? " | READ-ONLY" : "",
		 t->g.embedded ? " | EMBEDDED: guests stop when vmdeck exits; no libvirt networks" : "",
		 title);
	attron(A_REVERSE);
	mvhline(0, 0, ' ', COLS);
	mvaddnstr(0, 0, left, COLS);
	attroff(A_REVERSE);
	tui_draw_status(t);
}

/* a host's header row: name, CPUs, free memory, running/total, state */
static void draw_host_header(struct tui *t, int y, int host)
{
	char text[400];

	pthread_mutex_lock(&t->lock);
	tui_fleet_header(t, (size_t)host, text, sizeof(text));
	bool up = t->lh[host].up;
	pthread_mutex_unlock(&t->lock);
	attron(A_BOLD | (t->color ? COLOR_PAIR(up ? 4 : 3) : 0));
	mvaddstr(y, 0, t->utf8 ? "\u2500 " : "- ");
	addnstr(text, COLS - 3 > 0 ? COLS - 3 : 0);
	attroff(A_BOLD | (t->color ? COLOR_PAIR(up ? 4 : 3) : 0));
}

void tui_list_draw(struct tui *t)
{
	int h = list_height(t), namew = COLS - 62, line = 2, next_host = 0;

	if (namew < 10)
		namew = 10;
	if (namew > 40)
		namew = 40;
	erase();
	tui_draw_frame(t, "guests");
	{
		/* the sorted column carries the arrow of its order */
		const char *mark = t->utf8 ? (t->sort == 0 ? "\u25b2" : "\u25bc") : (t->sort == 0 ? "^" : "v");
		char head[4][16];
		static const char *const cols[4] = { "NAME", "STATE", "CPU%", "MEMORY" };
		for (int i = 0; i < 4; i++)
			snprintf(head[i], sizeof(head[i]), "%s%s", cols[i], i == t->sort ? mark : "");
		char line[512];
		int extra[4];   /* the arrow is 3 bytes in one column */
		for (int i = 0; i < 4; i++)
			extra[i] = i == t->sort && t->utf8 ? 2 : 0;
		snprintf(line, sizeof(line), "  %-*s %-*s %4s %*s %*s  %s", namew + extra[0], head[0], 12 + extra[1], head[1],
			 "CPUS", 9 + extra[3], head[3], 6 + extra[2], head[2], "IPV4");
		attron(A_BOLD | (t->color ? COLOR_PAIR(4) : 0));
		mvaddnstr(1, 0, line, COLS);
		attroff(A_BOLD | (t->color ? COLOR_PAIR(4) : 0));
	}
	if (!t->have_sample)
		mvaddstr(3, 2, t->eng ? "reading guests..." : "connecting to libvirt...");
	else if (t->n_visible == 0 && !(t->multi && !t->filter[0]))   /* (the hosts' headers say 0 guests) */
		mvprintw(3, 2, t->filter[0] ? "no guest matches '%s' (/ to change the filter)"
					    : "no guests yet: ':create NAME ...' makes one", t->filter);
	t->n_listed = 0;
	if (t->multi && t->top > 0)   /* the hosts above the first row shown stay off screen */
		next_host = t->rows[t->visible[t->top]].host;
	for (int i = 0; i < h && t->top + i < (int)t->n_visible; i++) {
		const struct tui_row *r = &t->rows[t->visible[t->top + i]];
		if (t->n_listed < 64)
			snprintf(t->listed[t->n_listed++], ENG_NAME_MAX + 1, "%s", r->s.name);
		while (t->multi && next_host <= r->host)
			draw_host_header(t, line++, next_host++);
		const struct state_look *look = &state_looks[r->s.state];
		bool sel = t->top + i == t->sel;
		char mem[24], ips[64] = "-", state[32], cpu[16] = "     -", rest[128];
		int y = line++, attr = sel ? A_REVERSE : 0;

		if (y < (int)(sizeof(t->row_item) / sizeof(t->row_item[0])))
			t->row_item[y] = (short)(t->top + i + 1);

		eng_size_format(r->s.memory_mib << 20, mem, sizeof(mem));
		if (r->s.n_ipv4) {
			snprintf(ips, sizeof(ips), "%s%s", r->s.ipv4[0], r->s.n_ipv4 > 1 ? ",+" : "");
		}
		snprintf(state, sizeof(state), "%s %s", t->utf8 ? look->utf8 : look->ascii,
			 eng_state_name(r->s.state));
		if (sel) {
			attron(A_REVERSE);
			mvhline(y, 0, ' ', COLS);
		}
		mvaddstr(y, 0, r->marked ? "*" : " ");
		{
			const char *bare;   /* under its host's header: the bare name */
			char nm[ENG_NAME_MAX + 4];
			tui_fleet_host_of(t, r->s.name, &bare);
			snprintf(nm, sizeof(nm), "%-*.*s ", namew, namew, bare);
			mvaddnstr(y, 2, nm, COLS - 2);
		}
		attron(attr | look->attr | (t->color && !sel ? COLOR_PAIR(look->pair) : 0));
		/* the symbol takes one column however many bytes it has */
		mvaddstr(y, 3 + namew, state);
		attroff(look->attr | (t->color ? COLOR_PAIR(look->pair) : 0));
		attron(attr);
		if (r->cpu_pct >= 0)
			snprintf(cpu, sizeof(cpu), "%6.1f", r->cpu_pct);
		snprintf(rest, sizeof(rest), "%4u %9s %s  %s", r->s.cpus, mem, cpu, ips);
		if (COLS > 3 + namew + 13)
			mvaddnstr(y, 3 + namew + 13, rest, COLS - (3 + namew + 13));
		attroff(A_REVERSE);
	}
	/* the hosts after the last row (and those without guests) */
	while (t->multi && t->have_sample && next_host < (int)t->n_lh && line < LINES - 3 &&
	       (t->top + h >= (int)t->n_visible))
		draw_host_header(t, line++, next_host++);
	if (t->filter[0])
		mvprintw(LINES - 3, 0, "filter: %.*s", COLS > 9 ? COLS - 9 : 0, t->filter);
}
