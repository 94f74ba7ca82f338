/* cmd_hosts.c - the hosts in use: hosts (each one's reachability and
 * capacity) and host evacuate (every guest off one host, by a plan that
 * never overfills another, two migrations at a time). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "json.h"

/* ---- hosts ---- */

struct hosts_job {
	struct eng_host_load l[CMD_MAX_HOSTS];
	struct eng_error err[CMD_MAX_HOSTS];
};

static int load_one(struct eng *e, int host, void *arg)
{
	struct hosts_job *j = arg;

	return eng_host_load(e, &j->l[host], &j->err[host]);
}

static void host_row(struct cmd_ctx *ctx, json_object *arr, const char *name, const char *uri, bool up,
		     const char *why, const struct eng_host_load *l)
{
	if (arr) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "uri", json_object_new_string(uri));
		json_object_object_add(o, "reachable", json_object_new_boolean(up));
		json_object_object_add(o, "error", why ? json_object_new_string(why) : NULL);
		json_object_object_add(o, "libvirt_version", up ? json_object_new_string(l->lv_version) : NULL);
		json_object_object_add(o, "accel", up && l->accel ? json_object_new_string(l->accel) : NULL);
		json_object_object_add(o, "cpus", json_object_new_int((int)l->cpus));
		json_object_object_add(o, "memory_total_mib", json_object_new_int64((int64_t)(l->mem_total_kib / 1024)));
		json_object_object_add(o, "memory_free_mib", json_object_new_int64((int64_t)(l->mem_free_kib / 1024)));
		json_object_object_add(o, "guests", json_object_new_int((int)l->guests));
		json_object_object_add(o, "running", json_object_new_int((int)l->running));
		json_object_array_add(arr, o);
	} else if (up) {
		char fr[32], tot[32], mem[72];
		eng_size_token(l->mem_free_kib << 10, fr, sizeof(fr));
		eng_size_token(l->mem_total_kib << 10, tot, sizeof(tot));
		snprintf(mem, sizeof(mem), "%s/%s", fr, tot);
		fprintf(ctx->out, "%-12s %-11s %4u %15s %6u %7u %5s %-8s %s\n", name, "up", l->cpus, mem, l->guests,
			l->running, l->accel ? l->accel : "?", l->lv_version, uri);
	} else {
		fprintf(ctx->out, "%-12s %-11s %4s %15s %6s %7s %5s %-8s %s\n", name, "unreachable", "-", "-", "-", "-",
			"-", "-", uri);
	}
}

static int hosts_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct cmd_fleet *f = ctx->fleet;
	struct hosts_job j;
	int rcs[CMD_MAX_HOSTS], answered;
	size_t n = cmd_fleet_count(ctx);
	json_object *arr;

	if (cmd_flag(a, "names")) {
		for (size_t i = 0; i < n; i++)
			fprintf(ctx->out, "%s\n", cmd_fleet_name(ctx, (int)i));
		return 0;
	}
	memset(&j, 0, sizeof(j));
	/* the TUI's prompt has its one connection: that is the host */
	answered = f ? cmd_fleet_open_all(ctx) : cmd_fleet_connect(ctx);
	cmd_fleet_each(ctx, load_one, &j, rcs);
	arr = ctx->g.json ? json_object_new_array() : NULL;
	if (!arr)
		fprintf(ctx->out, "%-12s %-11s %4s %15s %6s %7s %5s %-8s %s\n", "NAME", "STATE", "CPUS", "FREE/MEMORY",
			"GUESTS", "RUNNING", "ACCEL", "LIBVIRT", "URI");
	for (size_t i = 0; i < n; i++) {
		struct eng *e = f ? f->h[i].eng : ctx->eng;
		const char *why = !e ? (f ? f->h[i].err.msg : "not connected") : rcs[i] ? j.err[i].msg : NULL;
		const char *uri = e ? eng_uri(e) : f && f->h[i].uri[0] ? f->h[i].uri : "(default)";
		host_row(ctx, arr, cmd_fleet_name(ctx, (int)i), uri, e && rcs[i] == 0, why, &j.l[i]);
	}
	if (arr)
		cmd_json_print(ctx->out, arr);
	return answered ? 0 : 1;
}

const struct cmd_def cmd_hosts = {
	.name = "hosts",
	.usage = "",
	.summary = "the hosts in use ([hosts] of vmdeck.ini): reachable or why not, libvirt, accel, CPUs, "
		   "memory, guests",
	.opts = cmd_names_opts,
	.flags = CMD_JSON | CMD_FLEET,
	.exec = hosts_exec,
};

/* ---- host evacuate ---- */

struct move {
	char name[ENG_NAME_MAX + 1];
	unsigned cpus;
	unsigned long long mem_mib;
	bool running;
	int dest;              /* host index; -1: stays */
	char why[600];         /* why it stays, or why its move failed */
	int rc;                /* 0 moved, 1 failed, -1 not tried */
	bool tunnel;
};

struct evac {
	struct cmd_ctx *ctx;
	struct eng *src;
	struct move *m;
	size_t n, next;
	pthread_mutex_t lock;
};

static int cmp_mem_desc(const void *a, const void *b)
{
	const struct move *x = a, *y = b;

	if (x->mem_mib != y->mem_mib)
		return x->mem_mib < y->mem_mib ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* biggest guests first, each on the host with the most memory left after
 * what the plan already put there */
static void plan(struct cmd_ctx *ctx, struct move *m, size_t n, const bool *dest_ok, bool offline)
{
	struct cmd_fleet *f = ctx->fleet;
	long long left[CMD_MAX_HOSTS];
	unsigned cpus[CMD_MAX_HOSTS];

	for (size_t d = 0; d < f->n; d++) {
		struct eng_host_load l;
		struct eng_error err = { 0 };
		left[d] = -1;
		cpus[d] = 0;
		if (dest_ok[d] && f->h[d].eng && eng_host_load(f->h[d].eng, &l, &err) == 0) {
			left[d] = (long long)(l.mem_free_kib / 1024);
			cpus[d] = l.cpus;
		}
	}
	qsort(m, n, sizeof(*m), cmp_mem_desc);
	for (size_t i = 0; i < n; i++) {
		int best = -1;
		size_t used = 0;
		m[i].dest = -1;
		if (offline && m[i].running) {
			snprintf(m[i].why, sizeof(m[i].why), "running (--offline moves only stopped guests)");
			continue;
		}
		for (size_t d = 0; d < f->n; d++)
			if (left[d] >= (long long)m[i].mem_mib && cpus[d] >= m[i].cpus && (best < 0 || left[d] > left[best]) &&
			    !eng_domain_exists(f->h[d].eng, m[i].name))   /* a guest of that name is there already */
				best = (int)d;
		if (best >= 0) {
			m[i].dest = best;
			left[best] -= (long long)m[i].mem_mib;
			continue;
		}
		used = (size_t)snprintf(m[i].why, sizeof(m[i].why), "fits on no host (needs %llu MiB, %u vCPU%s:",
					m[i].mem_mib, m[i].cpus, m[i].cpus == 1 ? "" : "s");
		for (size_t d = 0; d < f->n && used < sizeof(m[i].why); d++)
			if (left[d] >= 0)
				used += (size_t)snprintf(m[i].why + used, sizeof(m[i].why) - used, " %s %lld MiB left, %u CPUs;",
							 f->h[d].name, left[d], cpus[d]);
		if (used < sizeof(m[i].why) && used > 0)
			m[i].why[used - 1] = ')';
	}
}

static void *evac_worker(void *p)
{
	struct evac *ev = p;
	struct cmd_fleet *f = ev->ctx->fleet;

	for (;;) {
		struct move *m = NULL;
		struct eng_error err = { 0 };
		const char *uri;

		pthread_mutex_lock(&ev->lock);
		while (ev->next < ev->n && !m)
			if (ev->m[ev->next++].dest >= 0)
				m = &ev->m[ev->next - 1];
		pthread_mutex_unlock(&ev->lock);
		if (!m)
			return NULL;
		uri = f->h[m->dest].uri[0] ? f->h[m->dest].uri : eng_uri(f->h[m->dest].eng);
		{
			struct eng_migrate_opts o = { .live = m->running, .tunnel_fallback = true, .used_tunnel = &m->tunnel };
			m->rc = eng_domain_migrate(ev->src, m->name, uri, &o, &err) == 0 ? 0 : 1;
		}
		pthread_mutex_lock(&ev->lock);
		if (m->rc == 0 && !ev->ctx->g.json)
			fprintf(ev->ctx->out, "moved %s to %s (%s)\n", m->name, f->h[m->dest].name,
				m->running ? "live" : "its definition");
		else if (m->rc)
			snprintf(m->why, sizeof(m->why), "%s", err.msg);
		fflush(ev->ctx->out);
		pthread_mutex_unlock(&ev->lock);
	}
}

/* two at a time: each live migration is bound by the network and the
 * source's CPU; more at once only share them (see bench/fleet.sh) */
#define EVACUATE_PARALLEL 2

static json_object *move_json(const struct cmd_fleet *f, const struct move *m, bool dry)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(m->name));
	json_object_object_add(o, "to", m->dest >= 0 ? json_object_new_string(f->h[m->dest].name) : NULL);
	json_object_object_add(o, "how", json_object_new_string(m->running ? "live" : "offline"));
	json_object_object_add(o, "memory_mib", json_object_new_int64((int64_t)m->mem_mib));
	json_object_object_add(o, "cpus", json_object_new_int((int)m->cpus));
	json_object_object_add(o, "result", json_object_new_string(m->dest < 0 ? "stays" : dry ? "planned" :
								  m->rc == 0 ? "moved" : "failed"));
	json_object_object_add(o, "why", m->why[0] ? json_object_new_string(m->why) : NULL);
	return o;
}

static int evacuate_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct cmd_fleet *f = ctx->fleet;
	const char *const *to;
	int nto = cmd_optv(a, "to", &to), k = f ? cmd_fleet_index(f, a->pos[0]) : -1;
	bool dest_ok[CMD_MAX_HOSTS] = { false }, dry = cmd_flag(a, "dry-run"), any = false;
	struct eng_dom_summary *v = NULL;
	struct eng_error err = { 0 };
	struct evac ev = { .ctx = ctx };
	size_t n = 0, stayed = 0;
	char names[600] = "";
	pthread_t t[EVACUATE_PARALLEL];
	int started = 0;

	if (k < 0)
		return cmd_error(ctx, 2, "host evacuate: '%s' is not a host in use (see 'vmdeck hosts')", a->pos[0]);
	for (int i = 0; i < nto; i++) {
		int d = cmd_fleet_index(f, to[i]);
		if (d < 0 || d == k)
			return cmd_error(ctx, 2, "host evacuate %s: --to %s: %s", a->pos[0], to[i],
					 d < 0 ? "not a host in use" : "that is the host being emptied");
		dest_ok[d] = true;
	}
	for (size_t d = 0; nto == 0 && d < f->n; d++)
		dest_ok[d] = (int)d != k;
	for (size_t d = 0; d < f->n; d++)
		any = any || dest_ok[d];
	if (!any)
		return cmd_error(ctx, 2, "host evacuate %s: no other host to move to ([hosts] of vmdeck.ini)", a->pos[0]);
	cmd_fleet_open_all(ctx);
	if (!(ev.src = f->h[k].eng))
		return cmd_error(ctx, 1, "host evacuate %s: it does not answer: %s", a->pos[0], f->h[k].err.msg);
	if (eng_domain_list(ev.src, true, false, &v, &n, &err) < 0)
		return cmd_fail(ctx, &err);
	ev.m = calloc(n + 1, sizeof(*ev.m));
	ev.n = n;
	for (size_t i = 0; ev.m && i < n; i++) {
		struct eng_dom_info info;
		struct move *m = &ev.m[i];
		snprintf(m->name, sizeof(m->name), "%s", v[i].name);
		m->running = v[i].state == ENG_ST_RUNNING || v[i].state == ENG_ST_PAUSED;
		m->rc = -1;
		if (eng_domain_info(ev.src, m->name, &info, &err) == 0) {
			m->cpus = m->running ? info.cpus_live : info.cpus_config;
			m->mem_mib = m->running ? info.mem_live_mib : info.mem_config_mib;
			eng_dom_info_free(&info);
		}
	}
	free(v);
	if (!ev.m)
		return cmd_error(ctx, 1, "out of memory");
	plan(ctx, ev.m, n, dest_ok, cmd_flag(a, "offline"));
	if (!ctx->g.json) {
		fprintf(ctx->out, "plan for %s: %zu guest%s\n", f->h[k].name, n, n == 1 ? "" : "s");
		for (size_t i = 0; i < n; i++) {
			const struct move *m = &ev.m[i];
			if (m->dest >= 0)
				fprintf(ctx->out, "  %-24s -> %-12s %s, %llu MiB, %u vCPU%s\n", m->name, f->h[m->dest].name,
					m->running ? "live" : "offline", m->mem_mib, m->cpus, m->cpus == 1 ? "" : "s");
			else
				fprintf(ctx->out, "  %-24s stays: %s\n", m->name, m->why);
		}
		fflush(ctx->out);
	}
	if (!dry && !ctx->g.readonly) {
		pthread_mutex_init(&ev.lock, NULL);
		for (int i = 0; i < EVACUATE_PARALLEL; i++)
			if (pthread_create(&t[started], NULL, evac_worker, &ev) == 0)
				started++;
		if (!started)
			evac_worker(&ev);
		for (int i = 0; i < started; i++)
			pthread_join(t[i], NULL);
		pthread_mutex_destroy(&ev.lock);
	}
	for (size_t i = 0; i < n; i++) {
		const struct move *m = &ev.m[i];
		if (m->dest < 0 || m->rc > 0) {
			size_t used = strlen(names);
			stayed++;
			snprintf(names + used, sizeof(names) - used, "%s%s", used ? ", " : "", m->name);
			if (m->rc > 0 && !ctx->g.json)
				cmd_warnf(ctx->err, "%s stayed on %s: %s", m->name, f->h[k].name, m->why);
		}
	}
	if (ctx->g.json) {
		json_object *o = json_object_new_object(), *arr = json_object_new_array();
		json_object_object_add(o, "name", json_object_new_string(f->h[k].name));
		json_object_object_add(o, "result", json_object_new_string(stayed ? "error" : "ok"));
		json_object_object_add(o, "dry_run", json_object_new_boolean(dry));
		for (size_t i = 0; i < n; i++)
			json_object_array_add(arr, move_json(f, &ev.m[i], dry));
		json_object_object_add(o, "plan", arr);
		cmd_json_print(ctx->out, o);
	}
	free(ev.m);
	if (stayed)
		return cmd_error(ctx, 1, "host evacuate %s: %zu guest%s %s (%s)", f->h[k].name, stayed,
				 stayed == 1 ? "" : "s", dry ? "would stay" : "stayed", names);
	return 0;
}

static const struct cmd_opt evacuate_opts[] = {
	{ .name = "to", .arg = "HOST", .help = "only onto these hosts (repeatable; default: every other host in use)",
	  .flags = OPT_REPEAT },
	{ .name = "offline", .help = "stop nothing: move only the stopped guests (their definitions)" },
	{ .name = "dry-run", .help = "print the plan only" },
	{ 0 },
};

const struct cmd_def cmd_host_evacuate = {
	.name = "host evacuate",
	.usage = "HOST",
	.summary = "move every guest off HOST (running ones live) by a plan that never overfills a host; "
		   "the plan first",
	.opts = evacuate_opts,
	.flags = CMD_CHANGES | CMD_JSON | CMD_FLEET,
	.min_args = 1,
	.max_args = 1,
	.exec = evacuate_exec,
};
