/* hosts.c - H: the hosts in use ([hosts] of vmdeck.ini, or the one
 * connection), each with its reachability, libvirt version, accel, CPUs,
 * memory and guests. Every host has a watcher thread of its own, so a host
 * that hangs (a stopped libvirtd) holds up nothing but its own row: the row
 * says "not answering" once its last answer is older than 3 s, and a lost
 * connection is made again in the background. The watchers poll only while
 * the view is shown. M is the migrate dialog: the selected guest to another
 * host, each destination with its free memory, or why it cannot take it. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tui.h"

#define HOST_STALE_NS (3ULL * 1000000000ULL)
#define HOST_CONNECT_TIMEOUT_S 4.0

struct watch_arg {
	struct tui *t;
	size_t i;
};

static void *watch_main(void *p)
{
	struct watch_arg *w = p;
	struct tui *t = w->t;
	struct tui_host *h = &t->hosts[w->i];
	struct eng_fleet_host fh = { 0 };

	snprintf(fh.name, sizeof(fh.name), "%s", h->name);
	snprintf(fh.uri, sizeof(fh.uri), "%s", h->uri);
	free(w);
	while (!t->quit) {
		struct eng_host_load l;
		struct eng_error err = { 0 };
		struct timespec nap = { 1, 0 };
		bool shown;
		int rc = -1;

		pthread_mutex_lock(&t->lock);
		shown = tui_view_wants(t) & WANT_HOSTS;
		pthread_mutex_unlock(&t->lock);
		if (!shown) {
			nap.tv_sec = 0;
			nap.tv_nsec = 200 * 1000 * 1000;
			nanosleep(&nap, NULL);
			continue;
		}
		if (!fh.eng) {
			pthread_mutex_lock(&t->lock);
			h->connecting = true;
			pthread_mutex_unlock(&t->lock);
			eng_fleet_open(&fh, 1, &t->open_opts, HOST_CONNECT_TIMEOUT_S);
		}
		if (fh.eng && (rc = eng_host_load(fh.eng, &l, &err)) < 0) {
			eng_close(fh.eng);   /* made again on the next round */
			fh.eng = NULL;
		}
		pthread_mutex_lock(&t->lock);
		h->connecting = false;
		h->tried = true;
		if (rc == 0) {
			h->load = l;
			h->up = true;
			h->seen_ns = tui_now_ns();
			h->err[0] = '\0';
		} else {
			h->up = false;
			snprintf(h->err, sizeof(h->err), "%s", fh.eng || !fh.err.msg[0] ? err.msg : fh.err.msg);
		}
		pthread_mutex_unlock(&t->lock);
		tui_wake(t);
		nanosleep(&nap, NULL);
	}
	eng_close(fh.eng);
	return NULL;
}

static void watch_hosts(struct tui *t, enum tui_view view)
{
	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < t->n_hosts; i++) {
		struct watch_arg *w;
		pthread_t th;
		if (t->hosts[i].watched || !(w = calloc(1, sizeof(*w))))
			continue;
		*w = (struct watch_arg){ .t = t, .i = i };
		if (pthread_create(&th, NULL, watch_main, w) == 0) {
			pthread_detach(th);
			t->hosts[i].watched = true;
		} else {
			free(w);
		}
	}
	t->hosts_since_ns = tui_now_ns();   /* the watchers were idle until now */
	pthread_mutex_unlock(&t->lock);
	tui_view_show(t, view);
}

void tui_hosts_open(struct tui *t)
{
	watch_hosts(t, VIEW_HOSTS);
}

/* an old answer counts against a host only once its watcher has had 3 s */
static bool stale(const struct tui *t, const struct tui_host *h, uint64_t now)
{
	return now - h->seen_ns > HOST_STALE_NS && now - t->hosts_since_ns > HOST_STALE_NS;
}

static const char *host_state(const struct tui *t, const struct tui_host *h, uint64_t now)
{
	if (!h->tried)
		return "connecting";
	if (!h->up)
		return h->connecting ? "reconnecting" : "unreachable";
	if (stale(t, h, now))
		return "not answering";
	return "up";
}

void tui_hosts_draw(struct tui *t)
{
	uint64_t now = tui_now_ns();
	int y = 2;

	erase();
	tui_draw_frame(t, "hosts");
	attron(A_BOLD | (t->color ? COLOR_PAIR(4) : 0));
	mvprintw(1, 0, "  %-12s %-13s %4s %15s %6s %7s %5s %-8s %s", "NAME", "STATE", "CPUS", "FREE/MEMORY", "GUESTS",
		 "RUNNING", "ACCEL", "LIBVIRT", "URI");
	attroff(A_BOLD | (t->color ? COLOR_PAIR(4) : 0));
	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < t->n_hosts && y < LINES - 3; i++) {
		const struct tui_host *h = &t->hosts[i];
		const char *st = host_state(t, h, now);
		bool good = strcmp(st, "up") == 0;
		char fr[32], tot[32], mem[72];

		if (h->seen_ns) {
			eng_size_token(h->load.mem_free_kib << 10, fr, sizeof(fr));
			eng_size_token(h->load.mem_total_kib << 10, tot, sizeof(tot));
			snprintf(mem, sizeof(mem), "%s/%s", fr, tot);
		} else {
			snprintf(mem, sizeof(mem), "-");
		}
		if (!good && t->color)
			attron(COLOR_PAIR(3) | A_BOLD);
		mvprintw(y, 2, "%-12s %-13s", h->name, st);
		if (!good && t->color)
			attroff(COLOR_PAIR(3) | A_BOLD);
		if (h->seen_ns)
			printw(" %4u %15s %6u %7u %5s %-8s ", h->load.cpus, mem, h->load.guests, h->load.running,
			       h->load.accel ? h->load.accel : "?", h->load.lv_version);
		else
			printw(" %4s %15s %6s %7s %5s %-8s ", "-", "-", "-", "-", "-", "-");
		addnstr(h->uri[0] ? h->uri : "(default)", COLS - getcurx(stdscr) - 1 > 0 ? COLS - getcurx(stdscr) - 1 : 0);
		y++;
		if (h->err[0] && !h->up)
			mvaddnstr(y++, 16, h->err, COLS - 17);
	}
	pthread_mutex_unlock(&t->lock);
	mvaddnstr(LINES - 3, 0, "(figures every second while shown; a lost host is reconnected)", COLS - 1);
}

/* the hosts in use, as the CLI chooses them (-c, --host, [hosts]) */
int tui_hosts_init(struct tui *t)
{
	struct cmd_fleet *f = calloc(1, sizeof(*f));
	struct cmd_ctx ctx = { .g = t->g, .out = stdout, .err = stderr };
	int rc;

	if (!f)
		return 1;
	ctx.config_uri = t->cfg.uri[0] ? t->cfg.uri : NULL;
	if ((rc = cmd_fleet_setup(&ctx, f, t->cfg.hosts, t->cfg.n_hosts)) == 0) {
		for (size_t i = 0; i < f->n && i < TUI_MAX_HOSTS; i++) {
			snprintf(t->hosts[i].name, sizeof(t->hosts[i].name), "%s", f->h[i].name);
			snprintf(t->hosts[i].uri, sizeof(t->hosts[i].uri), "%s", f->h[i].uri);
			t->n_hosts++;
		}
		/* the first host's connection is t->eng: the views of one guest and
		 * the monitor; with several hosts the list spans them all */
		if (f->configured && !t->g.uri)
			snprintf(t->first_uri, sizeof(t->first_uri), "%s", f->h[0].uri);
		t->multi = f->n > 1;
		for (size_t i = 0; t->multi && i < f->n && i < TUI_MAX_HOSTS; i++) {
			snprintf(t->lh[i].fh.name, sizeof(t->lh[i].fh.name), "%s", f->h[i].name);
			snprintf(t->lh[i].fh.uri, sizeof(t->lh[i].fh.uri), "%s", f->h[i].uri);
			t->n_lh++;
		}
	}
	if (rc == 0 && t->multi) {
		t->cmd_fleet = f;   /* the job thread's, for HOST:VM commands */
		return 0;
	}
	free(f);
	return rc;
}

/* ---- M: migrate the selected guest ---- */

/* the host the list shows (the first in use): no destination */
static bool is_current(const struct tui *t, const struct tui_host *h)
{
	const char *bare;

	if (t->multi)   /* the guest's own host, from its HOST:VM */
		return strcmp(t->lh[tui_fleet_host_of(t, t->mig_vm, &bare)].fh.name, h->name) == 0;
	return t->eng && (strcmp(h->uri, eng_uri(t->eng)) == 0 || (t->first_uri[0] && strcmp(h->uri, t->first_uri) == 0) ||
			  (!h->uri[0] && t->n_hosts == 1));
}

/* why host h cannot take the guest now, "" when it can */
static void refusal(const struct tui *t, const struct tui_host *h, char *out, size_t len)
{
	uint64_t now = tui_now_ns();

	out[0] = '\0';
	if (is_current(t, h))
		snprintf(out, len, "the guest is here");
	else if (!h->tried)
		snprintf(out, len, "connecting...");
	else if (!h->up || stale(t, h, now))
		snprintf(out, len, "does not answer");
	else if (h->load.mem_free_kib / 1024 < t->mig_mem_mib)
		snprintf(out, len, "%llu MiB free: needs %llu", h->load.mem_free_kib / 1024, t->mig_mem_mib);
	else if (h->load.cpus < t->mig_cpus)
		snprintf(out, len, "%u CPUs: needs %u", h->load.cpus, t->mig_cpus);
}

void tui_migrate_open(struct tui *t)
{
	const struct tui_row *sel = tui_selected(t);

	if (!sel) {
		tui_set_status(t, true, "no guest selected");
		return;
	}
	if (t->n_hosts < 2) {
		tui_set_status(t, true, "migrate: one host in use (name more in [hosts] of vmdeck.ini)");
		return;
	}
	snprintf(t->mig_vm, sizeof(t->mig_vm), "%s", sel->s.name);
	t->mig_cpus = sel->s.cpus;
	t->mig_mem_mib = sel->s.memory_mib;
	t->mig_sel = 0;
	watch_hosts(t, VIEW_MIGRATE);
}

void tui_migrate_draw(struct tui *t)
{
	int y = 3;

	erase();
	tui_draw_frame(t, "migrate");
	mvprintw(1, 0, "  migrate %s (%u vCPU%s, %llu MiB) to:", t->mig_vm, t->mig_cpus, t->mig_cpus == 1 ? "" : "s",
		 t->mig_mem_mib);
	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < t->n_hosts && y < LINES - 3; i++, y++) {
		const struct tui_host *h = &t->hosts[i];
		char why[128], fr[32] = "-";
		t->row_item[y] = (short)(i + 1);
		refusal(t, h, why, sizeof(why));
		if (h->seen_ns)
			eng_size_token(h->load.mem_free_kib << 10, fr, sizeof(fr));
		if ((int)i == t->mig_sel)
			attron(A_REVERSE);
		mvprintw(y, 2, "%-12s %8s free %3u CPUs  %s", h->name, fr, h->load.cpus, why[0] ? why : "fits");
		if ((int)i == t->mig_sel)
			attroff(A_REVERSE);
	}
	pthread_mutex_unlock(&t->lock);
}

void tui_migrate_move(struct tui *t, int delta)
{
	t->mig_sel = tui_clamp(t->mig_sel + delta, (int)t->n_hosts);
}

/* Enter: the chosen host, unless it cannot take the guest (then why) */
static void migrate_go(struct tui *t)
{
	char why[128], dest[sizeof(t->hosts[0].uri)];

	pthread_mutex_lock(&t->lock);
	refusal(t, &t->hosts[t->mig_sel], why, sizeof(why));
	snprintf(dest, sizeof(dest), "%s", t->hosts[t->mig_sel].uri);
	pthread_mutex_unlock(&t->lock);
	if (why[0]) {
		tui_set_status(t, true, "cannot migrate %s to %s: %s", t->mig_vm, t->hosts[t->mig_sel].name, why);
		return;
	}
	tui_view_show(t, VIEW_LIST);
	/* the destination by its URI (with several hosts the guest is HOST:VM) */
	tui_run_fmt(t, "migrate %s %s", t->mig_vm, dest);
}

const struct tui_action tui_migrate_actions[1] = {
	{ "@migrate-go", migrate_go, true, VIEW_NONE },
};
