/* fleetlist.c - the guest list over several hosts (more than one host in
 * use): the refresh thread lists every host at once on connections of its
 * own (the first host's is t->eng), each row's name is HOST:VM, so the key
 * table's commands reach the guest's host through the command layer's
 * routing; a header row per host carries its CPUs, free memory, guests and
 * state. Every host's lifecycle events wake the list, as the first host's
 * do. A host that stops answering is marked and tried again every few
 * seconds; the others go on. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui.h"

enum { RETRY_NS = 3000000000ULL, LOAD_NS = 5000000000ULL };
#define CONNECT_TIMEOUT_S 5.0
/* how long a tick waits for the hosts: one that has not answered by then
 * is "not answering" and its call goes on without holding the others */
#define TICK_WAIT_MS 2500

static struct eng *host_eng(struct tui *t, size_t i)
{
	return i == 0 ? t->eng : t->lh[i].fh.eng;
}

/* one host's list (and, every few seconds, its load) on a detached thread
 * of its own; the result is handed over under t->lock */
static void *list_host(void *p)
{
	struct tui_list_host *h = p;
	struct tui *t = h->t;
	size_t i = (size_t)(h - t->lh);
	struct eng_error err = { 0 };
	struct eng_host_load load;
	struct eng_dom_summary *v = NULL;
	size_t n = 0;
	uint64_t now = tui_now_ns();
	bool load_due;
	struct eng *e;
	int rc = -1;

	if (i > 0 && !h->fh.eng && now >= h->retry_ns) {
		eng_fleet_open(&h->fh, 1, &t->open_opts, CONNECT_TIMEOUT_S);
		if (!h->fh.eng) {
			h->retry_ns = tui_now_ns() + RETRY_NS;
			snprintf(err.msg, sizeof(err.msg), "%s", h->fh.err.msg);
		} else {
			eng_events_subscribe(h->fh.eng, t->wake[1], NULL);
		}
	}
	if ((e = host_eng(t, i)) && eng_domain_list(e, true, true, &v, &n, &err) == 0)
		rc = 0;
	load_due = rc == 0 && now >= h->load_ns + LOAD_NS;
	if (load_due && eng_host_load(e, &load, NULL) < 0)
		load_due = false;
	if (rc < 0 && i > 0 && h->fh.eng) {
		/* a dead connection: closed here (only this host's call uses it), opened again later */
		eng_close(h->fh.eng);
		h->fh.eng = NULL;
		h->retry_ns = tui_now_ns() + RETRY_NS;
	}
	pthread_mutex_lock(&t->lock);
	h->up = rc == 0;
	h->failed |= rc < 0;
	if (rc == 0) {
		h->err[0] = '\0';
		free(h->v);
		h->v = v;
		h->n = n;
	} else if (err.msg[0]) {   /* (between two tries the last reason stays) */
		snprintf(h->err, sizeof(h->err), "%s", err.msg);
	}
	if (rc < 0) {   /* its guests are not listed while it does not answer */
		free(h->v);
		h->v = NULL;
		h->n = 0;
	}
	if (load_due) {
		h->load = load;
		h->load_ok = true;
		h->load_ns = now;
	}
	h->busy = false;
	pthread_cond_broadcast(&t->fleet_cond);
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

int tui_fleet_list(struct tui *t, struct eng_dom_summary **out, size_t *nout, struct eng_error *err)
{
	size_t total = 0, k = 0, answered = 0;
	struct eng_dom_summary *v;
	struct timespec until;
	bool waiting = true;

	*out = NULL;
	*nout = 0;
	tui_deadline(&until, TICK_WAIT_MS);
	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < t->n_lh; i++) {
		struct tui_list_host *h = &t->lh[i];
		pthread_attr_t a;
		pthread_t th;
		if (h->busy)
			continue;   /* still in its last call: not asked twice */
		h->t = t;
		h->busy = true;
		h->busy_since = tui_now_ns();
		pthread_attr_init(&a);
		pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
		if (pthread_create(&th, &a, list_host, h) != 0)
			h->busy = false;
		pthread_attr_destroy(&a);
	}
	while (waiting) {
		waiting = false;
		for (size_t i = 0; i < t->n_lh; i++)
			waiting |= t->lh[i].busy;
		if (waiting && pthread_cond_timedwait(&t->fleet_cond, &t->lock, &until) != 0)
			break;
	}
	for (size_t i = 0; i < t->n_lh; i++)
		total += t->lh[i].n;
	v = calloc(total + 1, sizeof(*v));
	for (size_t i = 0; v && i < t->n_lh; i++) {
		struct tui_list_host *h = &t->lh[i];
		unsigned skipped = 0, running = 0;
		answered += h->up && !h->busy;
		for (size_t j = 0; j < h->n; j++) {
			char q[ENG_NAME_MAX + 2];
			/* HOST:VM in the summary's name; one that does not fit is counted, not cut */
			if ((size_t)snprintf(q, sizeof(q), "%s:%s", h->fh.name, h->v[j].name) > ENG_NAME_MAX) {
				skipped++;
				continue;
			}
			v[k] = h->v[j];
			memcpy(v[k].name, q, sizeof(v[k].name) - 1);   /* fits: checked above */
			v[k].name[sizeof(v[k].name) - 1] = '\0';
			running += v[k].state == ENG_ST_RUNNING;
			k++;
		}
		h->guests = (unsigned)h->n;
		h->running = running;
		h->skipped = skipped;
	}
	pthread_mutex_unlock(&t->lock);
	if (!answered && k == 0) {
		free(v);
		eng_err_set(err, ENG_E_FAILED, "no host answered");
		return -1;
	}
	*out = v;
	*nout = k;
	return 0;
}

void *tui_fleet_open(void *arg)
{
	struct tui *t = arg;
	struct eng_fleet_host others[TUI_MAX_HOSTS];
	size_t n = t->n_lh > 1 ? t->n_lh - 1 : 0;
	uint64_t now;

	for (size_t i = 0; i < n; i++)
		others[i] = t->lh[i + 1].fh;
	eng_fleet_open(others, n, &t->open_opts, CONNECT_TIMEOUT_S);
	now = tui_now_ns();
	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < n; i++) {
		struct tui_list_host *h = &t->lh[i + 1];
		h->fh = others[i];
		/* its guests' lifecycle events wake the list too */
		if (h->fh.eng)
			eng_events_subscribe(h->fh.eng, t->wake[1], NULL);
		if (!h->fh.eng) {   /* said at once, tried again later */
			h->failed = true;
			h->retry_ns = now + RETRY_NS;
			snprintf(h->err, sizeof(h->err), "%s", others[i].err.msg);
		}
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

bool tui_fleet_busy(struct tui *t)
{
	bool busy = false;

	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < t->n_lh; i++)
		busy |= t->lh[i].busy;
	pthread_mutex_unlock(&t->lock);
	return busy;
}

int tui_fleet_host_of(const struct tui *t, const char *name, const char **bare)
{
	const char *colon = strchr(name, ':');

	*bare = name;
	if (!t->multi || !colon)
		return 0;
	for (size_t i = 0; i < t->n_lh; i++)
		if (strlen(t->lh[i].fh.name) == (size_t)(colon - name) &&
		    strncmp(t->lh[i].fh.name, name, (size_t)(colon - name)) == 0) {
			*bare = colon + 1;
			return (int)i;
		}
	return 0;
}

struct eng *tui_guest_eng(struct tui *t, const char *name, const char **bare)
{
	return host_eng(t, (size_t)tui_fleet_host_of(t, name, bare));
}

void tui_fleet_header(const struct tui *t, size_t i, char *buf, size_t len)
{
	const struct tui_list_host *h = &t->lh[i];
	char fr[32] = "?";

	if (h->busy && tui_now_ns() - h->busy_since > (uint64_t)TICK_WAIT_MS * 1000000ULL) {
		snprintf(buf, len, "%s  not answering (%llu s)", h->fh.name,
			 (unsigned long long)((tui_now_ns() - h->busy_since) / 1000000000ULL));
		return;
	}
	if (!h->up) {
		snprintf(buf, len, "%s  %s%s%s", h->fh.name, h->failed ? "unreachable: " : "connecting...",
			 h->failed ? h->err : "", h->failed ? " (trying again)" : "");
		return;
	}
	if (h->load_ok)
		eng_size_token(h->load.mem_free_kib << 10, fr, sizeof(fr));
	snprintf(buf, len, "%s  %u CPUs  %s free  %u/%u running  up%s", h->fh.name, h->load_ok ? h->load.cpus : 0, fr,
		 h->running, h->guests, h->skipped ? "  (names too long for HOST:VM not shown)" : "");
}

bool tui_fleet_close(struct tui *t)
{
	bool first_busy;

	/* (a host still inside a call keeps its connection: the process ends) */
	pthread_mutex_lock(&t->lock);
	first_busy = t->multi && t->lh[0].busy;
	for (size_t i = 0; i < t->n_lh; i++) {
		if (t->lh[i].busy)
			continue;
		if (i > 0 && t->lh[i].fh.eng)
			eng_close(t->lh[i].fh.eng);
		free(t->lh[i].v);
	}
	pthread_mutex_unlock(&t->lock);
	if (t->cmd_fleet) {
		cmd_fleet_close(t->cmd_fleet);
		free(t->cmd_fleet);
	}
	return !first_busy;
}
