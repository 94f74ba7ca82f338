/* stats_bench - the sampler's cost.
 *   stats_bench fake N TICKS        N synthetic guests through the engine's
 *                                   backend interface: CPU time per tick, RSS
 *   stats_bench real URI ONSCREEN TICKS
 *                                   the real sampler (cheap groups for all, slow
 *                                   groups for ONSCREEN guests) against two peers
 *                                   in the same run: (a) per-guest polling
 *                                   (dominfo + blkstat + ifstat + memstat) and
 *                                   (b) one bulk call with every group
 * Prints ms per tick and the ratios. */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "engine.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 + ru.ru_stime.tv_sec * 1e3 +
	       ru.ru_stime.tv_usec / 1e3;
}

/* ---- fake: realistic counters for N guests ---- */
struct fake {
	int n, tick;
};

static int fake_domains(void *ctx, unsigned groups, const char *const *names, size_t n,
			struct eng_stat_record **out, size_t *nout, struct eng_error *err)
{
	struct fake *f = ctx;
	size_t count = groups == ENG_STATS_CHEAP ? (size_t)f->n : n;

	(void)err;
	if (groups == ENG_STATS_CHEAP)
		f->tick++;
	*out = calloc(count + 1, sizeof(**out));
	for (size_t i = 0; i < count; i++) {
		struct eng_stat_record *r = &(*out)[i];
		unsigned long long t = (unsigned long long)f->tick;
		if (groups != ENG_STATS_CHEAP)
			snprintf(r->name, sizeof(r->name), "%s", names[i]);
		else
			snprintf(r->name, sizeof(r->name), "guest-%04zu", i);
		r->state = ENG_ST_RUNNING;
		r->has_cpu = true;
		r->cpu_time_ns = t * (i % 100) * 10000000ULL;
		r->vcpus = 1 + (unsigned)(i % 4);
		r->has_net = true;
		r->rx_bytes = t * 1000 * i;
		r->tx_bytes = t * 300 * i;
		r->has_balloon = true;
		r->mem_current_kib = 1048576;
		r->has_usable = true;
		r->mem_available_kib = 1000000;
		r->mem_unused_kib = 400000;
		r->has_block = groups == ENG_STATS_SLOW;
		r->rd_bytes = t * 4096 * i;
		r->wr_bytes = t * 8192 * i;
		r->rd_reqs = t * i;
		r->wr_reqs = t * 2 * i;
	}
	*nout = count;
	return 0;
}

static int run_fake(int n, int ticks)
{
	struct fake f = { .n = n };
	struct eng_stats_backend be = { .domains = fake_domains, .ctx = &f };
	struct eng_sampler *s = eng_sampler_new_backend(&be);
	const char *focus[20];
	char names[20][32];
	struct rusage ru;
	double c0, c1;

	for (int i = 0; i < 20; i++) {
		snprintf(names[i], sizeof(names[i]), "guest-%04d", i);
		focus[i] = names[i];
	}
	eng_sampler_tick(s, focus, 20, false, NULL);
	c0 = cpu_ms();
	for (int i = 0; i < ticks; i++)
		eng_sampler_tick(s, focus, 20, false, NULL);
	c1 = cpu_ms();
	getrusage(RUSAGE_SELF, &ru);
	printf("sampler, fake backend, %d guests (20 on screen), %d ticks:\n", n, ticks);
	printf("  CPU per tick: %.3f ms = %.2f %% of one core at 1 Hz (goal < 2 %%)\n",
	       (c1 - c0) / ticks, (c1 - c0) / ticks / 10.0);
	printf("  max RSS: %.1f MB (goal < 20 MB)\n", ru.ru_maxrss / 1024.0);
	eng_sampler_free(s);
	return 0;
}

/* ---- real: the sampler against two peers ---- */
/* The peer's device names, read once before timing (a poller caches them). */
static char peer_ifname[256][32];

static void peer_learn_devices(virConnectPtr c)
{
	virDomainPtr *doms = NULL;
	int n = virConnectListAllDomains(c, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE);

	for (int i = 0; i < n; i++) {
		char *xml = virDomainGetXMLDesc(doms[i], 0), *p;
		if (i < 256 && xml && (p = strstr(xml, "<target dev='vnet")))
			sscanf(p + 13, "%31[^']", peer_ifname[i]);
		free(xml);
		virDomainFree(doms[i]);
	}
	free(doms);
}

static void peer_per_guest(virConnectPtr c)
{
	virDomainPtr *doms = NULL;
	int n = virConnectListAllDomains(c, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE);

	for (int i = 0; i < n; i++) {
		virDomainInfo info;
		virDomainBlockStatsStruct bs;
		virDomainInterfaceStatsStruct is;
		virDomainMemoryStatStruct ms[VIR_DOMAIN_MEMORY_STAT_NR];
		virDomainGetInfo(doms[i], &info);
		virDomainBlockStats(doms[i], "vda", &bs, sizeof(bs));
		virDomainInterfaceStats(doms[i], i < 256 ? peer_ifname[i] : "vnet0", &is, sizeof(is));
		virDomainMemoryStats(doms[i], ms, VIR_DOMAIN_MEMORY_STAT_NR, 0);
		virDomainFree(doms[i]);
	}
	free(doms);
}

static void peer_bulk_all(virConnectPtr c)
{
	virDomainStatsRecordPtr *recs = NULL;

	if (virConnectGetAllDomainStats(c, 0 /* every group */, &recs, 0) >= 0)
		virDomainStatsRecordListFree(recs);
}

static void silent(void *u, virErrorPtr e)
{
	(void)u;
	(void)e;
}

static int run_real(const char *uri, int onscreen, int ticks)
{
	struct eng_open_opts o = { .uri = uri };
	struct eng_error err = { 0 };
	struct eng *e = eng_open(&o, &err);
	virConnectPtr c;
	struct eng_sampler *s;
	const char **focus;
	virDomainPtr *doms = NULL;
	int n;
	double t_s = 0, t_a = 0, t_b = 0;

	if (!e) {
		fprintf(stderr, "stats_bench: %s\n", err.msg);
		return 1;
	}
	virSetErrorFunc(NULL, silent);
	c = virConnectOpen(uri);
	n = virConnectListAllDomains(c, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
	focus = calloc((size_t)n + 1, sizeof(*focus));
	for (int i = 0; i < n && i < onscreen; i++)
		focus[i] = virDomainGetName(doms[i]);
	s = eng_sampler_new(e);
	peer_learn_devices(c);
	eng_sampler_tick(s, focus, (size_t)(n < onscreen ? n : onscreen), false, NULL);
	for (int i = 0; i < ticks; i++) {
		double t0 = now_ms();
		eng_sampler_tick(s, focus, (size_t)(n < onscreen ? n : onscreen), false, NULL);
		double t1 = now_ms();
		peer_per_guest(c);
		double t2 = now_ms();
		peer_bulk_all(c);
		double t3 = now_ms();
		t_s += t1 - t0;
		t_a += t2 - t1;
		t_b += t3 - t2;
	}
	printf("sampler on %s: %d running guests, %d on screen, %d ticks (wall ms per tick):\n", uri, n,
	       onscreen < n ? onscreen : n, ticks);
	printf("  vmdeck sampler          : %7.1f ms\n", t_s / ticks);
	printf("  (a) per-guest polling   : %7.1f ms  -> vmdeck is %.1fx cheaper (goal >= 4x)\n", t_a / ticks,
	       t_a / t_s);
	printf("  (b) bulk, every group   : %7.1f ms  -> vmdeck is %.1fx cheaper (goal >= 3x)\n", t_b / ticks,
	       t_b / t_s);
	for (int i = 0; i < n; i++)
		virDomainFree(doms[i]);
	free(doms);
	free(focus);
	eng_sampler_free(s);
	virConnectClose(c);
	eng_close(e);
	return 0;
}

/* What each statistics group costs alone, for every running guest. */
static int run_groups(const char *uri, int reps)
{
	static const struct { const char *name; unsigned g; } groups[] = {
		{ "state", VIR_DOMAIN_STATS_STATE }, { "cpu-total", VIR_DOMAIN_STATS_CPU_TOTAL },
		{ "interface", VIR_DOMAIN_STATS_INTERFACE }, { "balloon", VIR_DOMAIN_STATS_BALLOON },
		{ "block", VIR_DOMAIN_STATS_BLOCK }, { "vcpu", VIR_DOMAIN_STATS_VCPU },
		{ "state+cpu-total+interface", VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL |
					       VIR_DOMAIN_STATS_INTERFACE },
	};
	virConnectPtr c;

	virSetErrorFunc(NULL, silent);
	if (!(c = virConnectOpen(uri)))
		return 1;
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		double t0 = now_ms();
		int n = 0;
		for (int r = 0; r < reps; r++) {
			virDomainStatsRecordPtr *recs = NULL;
			n = virConnectGetAllDomainStats(c, groups[g].g, &recs, VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE);
			if (n >= 0)
				virDomainStatsRecordListFree(recs);
		}
		printf("  %-28s %7.2f ms per call (%d guests)\n", groups[g].name, (now_ms() - t0) / reps, n);
	}
	virConnectClose(c);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "fake") == 0)
		return run_fake(atoi(argv[2]), atoi(argv[3]));
	if (argc == 4 && strcmp(argv[1], "groups") == 0)
		return run_groups(argv[2], atoi(argv[3]));
	if (argc == 5 && strcmp(argv[1], "real") == 0)
		return run_real(argv[2], atoi(argv[3]), atoi(argv[4]));
	fprintf(stderr, "usage: stats_bench fake N TICKS | real URI ONSCREEN TICKS | groups URI REPS\n");
	return 2;
}
