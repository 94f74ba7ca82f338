/* stats.c - the sampler. Each tick: one virConnectGetAllDomainStats for the
 * cheap groups of every guest (state and interface: libvirtd reads them from
 * the kernel), one virDomainListGetStats for the expensive groups (block,
 * balloon: a QEMU monitor round trip per guest, and cpu-total) of only the
 * guests someone looks at, and one for the CPU time of the guests listed on
 * screen plus a few others in turn. cpu-total is not in the bulk call because
 * it is not cheap everywhere: on libvirt 9.0 without cgroups it measured
 * ~2.3 ms per guest (bench/stats_bench groups), against ~0.05 ms for state and
 * interface together. Plus the host's CPU and memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

struct eng_sampler {
	struct eng_stats_backend be;
	struct eng_guest_stats *g;
	size_t n, cap;
	struct eng_host_stats host;
	struct eng_host_record host_prev;
	bool host_seen;
	int gen;
	char (*visible)[ENG_NAME_MAX + 1];   /* guests in a list on screen (CPU % only) */
	size_t n_visible;
	size_t rotate;                        /* where the next off-screen CPU reads start */
};

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the libvirt backend ---- */

static unsigned long long param_ull(virTypedParameterPtr p, int n, const char *name, bool *found)
{
	for (int i = 0; i < n; i++)
		if (strcmp(p[i].field, name) == 0) {
			*found = true;
			switch (p[i].type) {
			case VIR_TYPED_PARAM_INT: return (unsigned long long)p[i].value.i;
			case VIR_TYPED_PARAM_UINT: return p[i].value.ui;
			case VIR_TYPED_PARAM_LLONG: return (unsigned long long)p[i].value.l;
			case VIR_TYPED_PARAM_ULLONG: return p[i].value.ul;
			default: return 0;
			}
		}
	return 0;
}

/* Sums a per-device counter ("block.N.rd.bytes", "net.N.rx.bytes"). */
static unsigned long long param_sum(virTypedParameterPtr p, int n, const char *prefix,
				    const char *suffix, bool *found)
{
	unsigned long long sum = 0;
	size_t pl = strlen(prefix), sl = strlen(suffix);

	for (int i = 0; i < n; i++) {
		size_t fl = strlen(p[i].field);
		if (fl > pl + sl && strncmp(p[i].field, prefix, pl) == 0 &&
		    strcmp(p[i].field + fl - sl, suffix) == 0) {
			bool f = false;
			sum += param_ull(&p[i], 1, p[i].field, &f);
			*found |= f;
		}
	}
	return sum;
}

static void record_from_params(virDomainStatsRecordPtr r, struct eng_stat_record *o)
{
	virTypedParameterPtr p = r->params;
	int n = r->nparams;
	bool f = false;

	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", virDomainGetName(r->dom));
	o->state = eng_state_from_libvirt((int)param_ull(p, n, "state.state", &f));
	f = false;
	o->cpu_time_ns = param_ull(p, n, "cpu.time", &f);
	o->has_cpu = f;
	f = false;
	o->vcpus = (unsigned)param_ull(p, n, "vcpu.current", &f);
	f = false;
	o->mem_current_kib = param_ull(p, n, "balloon.current", &f);
	o->mem_max_kib = param_ull(p, n, "balloon.maximum", &f);
	o->has_balloon = f;
	f = false;
	o->mem_available_kib = param_ull(p, n, "balloon.available", &f);
	o->mem_unused_kib = param_ull(p, n, "balloon.unused", &f);
	o->has_usable = f && o->mem_available_kib > 0;
	f = false;
	o->rd_bytes = param_sum(p, n, "block.", ".rd.bytes", &f);
	o->wr_bytes = param_sum(p, n, "block.", ".wr.bytes", &f);
	o->rd_reqs = param_sum(p, n, "block.", ".rd.reqs", &f);
	o->wr_reqs = param_sum(p, n, "block.", ".wr.reqs", &f);
	o->has_block = f;
	f = false;
	o->rx_bytes = param_sum(p, n, "net.", ".rx.bytes", &f);
	o->tx_bytes = param_sum(p, n, "net.", ".tx.bytes", &f);
	o->has_net = f;
}

static int lv_domains(void *ctx, unsigned groups, const char *const *names, size_t n,
		      struct eng_stat_record **out, size_t *nout, struct eng_error *err)
{
	struct eng *e = ctx;
	virDomainStatsRecordPtr *recs = NULL;
	unsigned stats = groups == ENG_STATS_CHEAP ? VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_INTERFACE
			 : groups == ENG_STATS_CPU ? VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL
						   : VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL |
							     VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_BLOCK;
	int got;

	if (groups == ENG_STATS_CHEAP) {
		got = virConnectGetAllDomainStats(e->conn, stats, &recs, 0);
	} else {
		virDomainPtr *doms = calloc(n + 1, sizeof(*doms));
		size_t k = 0;
		if (!doms) {
			eng_err_set(err, ENG_E_FAILED, "out of memory");
			return -1;
		}
		for (size_t i = 0; i < n; i++)
			if ((doms[k] = virDomainLookupByName(e->conn, names[i])))
				k++;
		got = k ? virDomainListGetStats(doms, stats, &recs, 0) : 0;
		for (size_t i = 0; i < k; i++)
			virDomainFree(doms[i]);
		free(doms);
	}
	if (got < 0) {
		eng_err_libvirt(err, "cannot read statistics from %s", e->uri);
		return -1;
	}
	*out = calloc((size_t)got + 1, sizeof(**out));
	for (int i = 0; *out && i < got; i++) {
		struct eng_stat_record *o = &(*out)[i];
		virDomainInfo info;
		record_from_params(recs[i], o);
		/* drivers without balloon figures (test, some remote hosts): the
		 * allocation, marked as an estimate */
		if (groups == ENG_STATS_SLOW && !o->has_balloon && virDomainGetInfo(recs[i]->dom, &info) == 0) {
			o->mem_current_kib = info.memory;
			o->mem_max_kib = info.maxMem;
			o->has_balloon = true;
		}
	}
	*nout = *out ? (size_t)got : 0;
	if (recs)
		virDomainStatsRecordListFree(recs);
	return *out ? 0 : -1;
}

static int lv_host(void *ctx, struct eng_host_record *o, struct eng_error *err)
{
	struct eng *e = ctx;
	int n = 0;
	virNodeCPUStatsPtr cs = NULL;
	virNodeInfo ni;

	memset(o, 0, sizeof(*o));
	if (virNodeGetInfo(e->conn, &ni) == 0)
		o->cpus = ni.cpus;
	if (virNodeGetCPUStats(e->conn, VIR_NODE_CPU_STATS_ALL_CPUS, NULL, &n, 0) == 0 && n > 0 &&
	    (cs = calloc((size_t)n, sizeof(*cs))) &&
	    virNodeGetCPUStats(e->conn, VIR_NODE_CPU_STATS_ALL_CPUS, cs, &n, 0) == 0) {
		for (int i = 0; i < n; i++) {
			o->cpu_total_ns += cs[i].value;
			if (strcmp(cs[i].field, VIR_NODE_CPU_STATS_IDLE) != 0 &&
			    strcmp(cs[i].field, VIR_NODE_CPU_STATS_IOWAIT) != 0)
				o->cpu_busy_ns += cs[i].value;
		}
	}
	free(cs);
	eng_host_memory(e, &o->mem_total_kib, &o->mem_free_kib);
	(void)err;
	return 0;
}

static unsigned lv_vcpus(void *ctx, const char *name)
{
	struct eng *e = ctx;
	virDomainPtr d = virDomainLookupByName(e->conn, name);
	virDomainInfo info;
	unsigned n = 0;

	if (d) {
		if (virDomainGetInfo(d, &info) == 0)
			n = info.nrVirtCpu;
		virDomainFree(d);
	}
	return n;
}

static void lv_enable_balloon(void *ctx, const char *name)
{
	struct eng *e = ctx;
	virDomainPtr d = virDomainLookupByName(e->conn, name);

	if (d) {
		virDomainSetMemoryStatsPeriod(d, 2, VIR_DOMAIN_AFFECT_LIVE);
		virDomainFree(d);
	}
}

struct eng_sampler *eng_sampler_new(struct eng *e)
{
	struct eng_stats_backend b = {
		.domains = lv_domains,
		.host = lv_host,
		.vcpus = lv_vcpus,
		.enable_balloon_stats = e->readonly ? NULL : lv_enable_balloon,
		.ctx = e,
	};

	return eng_sampler_new_backend(&b);
}

struct eng_sampler *eng_sampler_new_backend(const struct eng_stats_backend *b)
{
	struct eng_sampler *s = calloc(1, sizeof(*s));

	if (s)
		s->be = *b;
	return s;
}

void eng_sampler_free(struct eng_sampler *s)
{
	if (!s)
		return;
	free(s->g);
	free(s->visible);
	free(s);
}

void eng_sampler_set_visible(struct eng_sampler *s, const char *const *names, size_t n)
{
	char (*v)[ENG_NAME_MAX + 1] = n ? calloc(n, sizeof(*v)) : NULL;

	for (size_t i = 0; v && i < n; i++)
		snprintf(v[i], sizeof(v[i]), "%s", names[i]);
	free(s->visible);
	s->visible = v;
	s->n_visible = v ? n : 0;
}

static bool listed(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static bool is_visible(const struct eng_sampler *s, const char *name)
{
	for (size_t i = 0; i < s->n_visible; i++)
		if (strcmp(s->visible[i], name) == 0)
			return true;
	return false;
}

static const struct eng_stat_record *record_of(const struct eng_stat_record *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

/* CPU % from the guest's own last CPU reading (guests off screen are read
 * every few ticks: the real elapsed time makes that an average, not a spike);
 * between readings the last figure stays. */
static double cpu_from(struct eng_guest_stats *g, const struct eng_stat_record *r, enum eng_state st,
		       double now)
{
	double pct = st == ENG_ST_RUNNING ? g->last.cpu_pct : 0;

	if (st != ENG_ST_RUNNING) {
		g->cpu_seen = false;
		return 0;
	}
	if (!r || !r->has_cpu)
		return pct;
	if (g->cpu_seen)
		pct = eng_cpu_pct(g->prev_cpu_ns, r->cpu_time_ns,
				  (unsigned long long)((now - g->prev_cpu_time) * 1e9), g->vcpus);
	g->prev_cpu_ns = r->cpu_time_ns;
	g->prev_cpu_time = now;
	g->cpu_seen = true;
	return pct;
}

static struct eng_guest_stats *find_or_add(struct eng_sampler *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->g[i].name, name) == 0)
			return &s->g[i];
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct eng_guest_stats *g = realloc(s->g, cap * sizeof(*g));
		if (!g)
			return NULL;
		s->g = g;
		s->cap = cap;
	}
	memset(&s->g[s->n], 0, sizeof(s->g[0]));
	snprintf(s->g[s->n].name, sizeof(s->g[0].name), "%s", name);
	return &s->g[s->n++];
}

static void push(float *ring, int *pos, int *len, float v)
{
	ring[*pos] = v;
	*pos = (*pos + 1) % ENG_STATS_RING;
	if (*len < ENG_STATS_RING)
		(*len)++;
}

static void push_sample(struct eng_guest_stats *g, const struct eng_sample *cs)
{
	g->cpu[g->ring_pos] = (float)cs->cpu_pct;
	g->mem[g->ring_pos] = (float)cs->mem_used_mib;
	g->disk[g->ring_pos] = (float)(cs->disk_rd_bps + cs->disk_wr_bps);
	g->net[g->ring_pos] = (float)(cs->net_rx_bps + cs->net_tx_bps);
	g->ring_pos = (g->ring_pos + 1) % ENG_STATS_RING;
	if (g->ring_len < ENG_STATS_RING)
		g->ring_len++;
}

static void tick_host(struct eng_sampler *s)
{
	struct eng_host_record h;
	struct eng_host_stats *hs = &s->host;

	if (!s->be.host || s->be.host(s->be.ctx, &h, NULL) < 0)
		return;
	if (s->host_seen && h.cpu_total_ns > s->host_prev.cpu_total_ns &&
	    h.cpu_busy_ns >= s->host_prev.cpu_busy_ns)
		hs->cpu_pct = 100.0 * (double)(h.cpu_busy_ns - s->host_prev.cpu_busy_ns) /
			      (double)(h.cpu_total_ns - s->host_prev.cpu_total_ns);
	hs->mem_total_mib = (double)h.mem_total_kib / 1024.0;
	hs->mem_used_mib = (double)(h.mem_total_kib - (h.mem_free_kib < h.mem_total_kib ? h.mem_free_kib
											   : h.mem_total_kib)) / 1024.0;
	hs->cpus = h.cpus;
	push(hs->cpu, &hs->ring_pos, &hs->ring_len, (float)hs->cpu_pct);
	s->host_prev = h;
	s->host_seen = true;
}

int eng_sampler_tick(struct eng_sampler *s, const char *const *focus, size_t nfocus,
		     bool focus_all, struct eng_error *err)
{
	struct eng_stat_record *cheap = NULL, *slow = NULL, *cpu = NULL;
	size_t ncheap = 0, nslow = 0, ncpu = 0, k = 0, kc = 0, rotated = 0;
	const char **names = NULL, **cpu_names = NULL;
	double now;

	if (s->be.domains(s->be.ctx, ENG_STATS_CHEAP, NULL, 0, &cheap, &ncheap, err) < 0)
		return -1;
	now = wall_now();
	s->gen++;
	names = calloc(ncheap + 1, sizeof(*names));
	cpu_names = calloc(ncheap + 1, sizeof(*cpu_names));
	/* the slow groups: the focused guests that run (a paused guest's memory
	 * and disks do not change: its last figures stay without asking again) */
	for (size_t i = 0; names && i < ncheap; i++)
		if (cheap[i].state == ENG_ST_RUNNING && (focus_all || listed(focus, nfocus, cheap[i].name)))
			names[k++] = cheap[i].name;
	/* CPU time alone: running guests in a list on screen, then a few others in turn */
	for (size_t i = 0; names && cpu_names && i < ncheap; i++)
		if (cheap[i].state == ENG_ST_RUNNING && !cheap[i].has_cpu && is_visible(s, cheap[i].name) &&
		    !listed(names, k, cheap[i].name))
			cpu_names[kc++] = cheap[i].name;
	size_t start = s->rotate;
	for (size_t step = 0; names && cpu_names && step < ncheap && rotated < ENG_STATS_ROTATE; step++) {
		const struct eng_stat_record *c = &cheap[(start + step) % ncheap];
		if (c->state != ENG_ST_RUNNING || c->has_cpu || listed(names, k, c->name) ||
		    listed(cpu_names, kc, c->name))
			continue;
		cpu_names[kc++] = c->name;
		rotated++;
		s->rotate = (start + step + 1) % ncheap;
	}
	if (k && s->be.domains(s->be.ctx, ENG_STATS_SLOW, names, k, &slow, &nslow, NULL) < 0)
		nslow = 0;
	if (kc && s->be.domains(s->be.ctx, ENG_STATS_CPU, cpu_names, kc, &cpu, &ncpu, NULL) < 0)
		ncpu = 0;

	s->host.running = 0;
	for (size_t i = 0; i < ncheap; i++) {
		struct eng_stat_record *c = &cheap[i];
		struct eng_guest_stats *g = find_or_add(s, c->name);
		const struct eng_stat_record *sl = record_of(slow, nslow, c->name), *cr;
		struct eng_sample cs, ss;

		if (!g)
			continue;
		g->gen = s->gen;
		/* the vCPU count (for CPU %) is asked once per start, not every tick:
		 * the vcpu stats group would cost a QEMU round trip per guest */
		if (c->state == ENG_ST_RUNNING && (g->state != ENG_ST_RUNNING || !g->vcpus) &&
		    s->be.vcpus && !c->vcpus)
			g->vcpus = s->be.vcpus(s->be.ctx, c->name);
		if (c->vcpus)
			g->vcpus = c->vcpus;
		c->vcpus = g->vcpus;
		g->state = c->state;
		s->host.running += c->state == ENG_ST_RUNNING;
		c->has_block = false;   /* disk figures belong to the slow groups */
		eng_stats_rates(g->seen ? &g->prev : NULL, c, now - g->prev_time, &cs);
		cs.time = now;
		cr = c->has_cpu ? c : sl && sl->has_cpu ? sl : record_of(cpu, ncpu, c->name);
		cs.cpu_pct = cpu_from(g, cr, c->state, now);
		/* memory and disk come from the slow record, with its own time base */
		if (sl) {
			struct eng_stat_record merged = *sl;
			merged.state = c->state;
			merged.has_cpu = false;
			eng_stats_rates(g->prev_slow.has_block || g->prev_slow.has_balloon ? &g->prev_slow : NULL,
					&merged, now - g->prev_slow_time, &ss);
			cs.mem_used_mib = ss.mem_used_mib;
			cs.mem_total_mib = ss.mem_total_mib;
			cs.mem_estimated = ss.mem_estimated;
			cs.has_disk = ss.has_disk;
			cs.disk_rd_bps = ss.disk_rd_bps;
			cs.disk_wr_bps = ss.disk_wr_bps;
			cs.disk_rd_iops = ss.disk_rd_iops;
			cs.disk_wr_iops = ss.disk_wr_iops;
			if (sl->has_balloon && !sl->has_usable && !g->period_set && s->be.enable_balloon_stats) {
				s->be.enable_balloon_stats(s->be.ctx, c->name);
				g->period_set = true;
			}
			g->prev_slow = *sl;
			g->prev_slow_time = now;
		} else {
			/* not looked at this tick: keep the last memory figure */
			cs.mem_used_mib = g->last.mem_used_mib;
			cs.mem_total_mib = g->last.mem_total_mib;
			cs.mem_estimated = g->last.mem_estimated;
			if (c->state != ENG_ST_RUNNING)
				memset(&g->prev_slow, 0, sizeof(g->prev_slow));
		}
		g->last = cs;
		g->prev = *c;
		g->prev_time = now;
		g->seen = true;
		push_sample(g, &cs);
	}
	/* guests that vanished since the last tick */
	for (size_t i = 0; i < s->n;) {
		if (s->g[i].gen != s->gen) {
			s->g[i] = s->g[--s->n];
			continue;
		}
		i++;
	}
	tick_host(s);
	free(names);
	free(cpu_names);
	free(cheap);
	free(slow);
	free(cpu);
	return 0;
}

size_t eng_sampler_count(const struct eng_sampler *s) { return s->n; }
const struct eng_guest_stats *eng_sampler_guest(const struct eng_sampler *s, size_t i) { return &s->g[i]; }
const struct eng_host_stats *eng_sampler_host(const struct eng_sampler *s) { return &s->host; }

const struct eng_guest_stats *eng_sampler_find(const struct eng_sampler *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->g[i].name, name) == 0)
			return &s->g[i];
	return NULL;
}
