/* cmd_stats.c - stats [VM...]: samples of CPU, memory, disk and network per
 * guest, as a table, CSV or one JSON object per line, for logs and plots. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "json.h"

static volatile sig_atomic_t stats_stop;

static void stop_handler(int sig)
{
	(void)sig;
	stats_stop = 1;
}

/* The columns, once: CSV header, CSV row and JSON keys come from this table. */
struct stat_col {
	const char *key;
	double (*get)(const struct eng_sample *s);
};
static double c_cpu(const struct eng_sample *s) { return s->cpu_pct; }
static double c_mu(const struct eng_sample *s) { return s->mem_used_mib; }
static double c_mt(const struct eng_sample *s) { return s->mem_total_mib; }
static double c_drb(const struct eng_sample *s) { return s->disk_rd_bps; }
static double c_dwb(const struct eng_sample *s) { return s->disk_wr_bps; }
static double c_dri(const struct eng_sample *s) { return s->disk_rd_iops; }
static double c_dwi(const struct eng_sample *s) { return s->disk_wr_iops; }
static double c_rx(const struct eng_sample *s) { return s->net_rx_bps; }
static double c_tx(const struct eng_sample *s) { return s->net_tx_bps; }

static const struct stat_col stat_cols[] = {
	{ "cpu_pct", c_cpu }, { "mem_used_mib", c_mu }, { "mem_total_mib", c_mt },
	{ "disk_rd_bps", c_drb }, { "disk_wr_bps", c_dwb }, { "disk_rd_iops", c_dri },
	{ "disk_wr_iops", c_dwi }, { "net_rx_bps", c_rx }, { "net_tx_bps", c_tx },
};
#define N_COLS (sizeof(stat_cols) / sizeof(stat_cols[0]))

/* json-c prints doubles with 17 digits: give it the text to print */
static json_object *json_num(double v, const char *fmt)
{
	char buf[48];

	snprintf(buf, sizeof(buf), fmt, v);
	return json_object_new_double_s(v, buf);
}

/* host: its name when several hosts are in use, else NULL (no field, no column) */
static void print_json(FILE *f, const char *host, const char *name, const struct eng_sample *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "time", json_num(s->time, "%.3f"));
	if (host)
		json_object_object_add(o, "host", json_object_new_string(host));
	json_object_object_add(o, "name", json_object_new_string(name));
	for (size_t i = 0; i < N_COLS; i++)
		json_object_object_add(o, stat_cols[i].key, json_num(stat_cols[i].get(s), "%.2f"));
	json_object_object_add(o, "mem_estimated", json_object_new_boolean(s->mem_estimated));
	fprintf(f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

static void print_csv(FILE *f, const char *host, const char *name, const struct eng_sample *s)
{
	fprintf(f, "%.3f,%s%s%s", s->time, host ? host : "", host ? "," : "", name);
	for (size_t i = 0; i < N_COLS; i++)
		fprintf(f, ",%.2f", stat_cols[i].get(s));
	fputc('\n', f);
}

static void human_rate(double bps, char *buf, size_t len)
{
	char sz[24];

	eng_size_token((unsigned long long)bps, sz, sizeof(sz));
	snprintf(buf, len, "%s/s", sz);
}

static void print_human(FILE *f, const char *name, const struct eng_sample *s)
{
	char rd[32], wr[32], rx[32], tx[32];

	human_rate(s->disk_rd_bps, rd, sizeof(rd));
	human_rate(s->disk_wr_bps, wr, sizeof(wr));
	human_rate(s->net_rx_bps, rx, sizeof(rx));
	human_rate(s->net_tx_bps, tx, sizeof(tx));
	fprintf(f, "%-20s %6.1f %6.0f/%-6.0f%s %11s %11s %11s %11s\n", name, s->cpu_pct, s->mem_used_mib,
		s->mem_total_mib, s->mem_estimated ? "~" : " ", rd, wr, rx, tx);
}

static const struct cmd_opt stats_opts[] = {
	{ .name = "interval", .arg = "S", .help = "seconds between samples (default 1)" },
	{ .name = "count", .arg = "N", .help = "samples to print, then exit (default: until Ctrl-C)" },
	{ .name = "csv", .help = "comma-separated values with a header line" },
	{ 0 },
};

/* Every host in use with a sampler of its own; the named guests each on
 * its host (HOST:VM, or a name unique across the hosts). */
struct stats_host {
	struct eng_sampler *s;
	const char *names[CMD_MAX_POS];
	size_t n;
	bool used;
	struct eng_error err;
};
struct stats_run {
	struct stats_host h[CMD_MAX_HOSTS];
	bool all;      /* no VM named: every running guest of every host */
};

struct stats_row {
	int host;
	const struct eng_guest_stats *g;
};

/* host order, then name: the same every tick and every run */
static int by_host_name(const void *a, const void *b)
{
	const struct stats_row *x = a, *y = b;

	return x->host != y->host ? x->host - y->host : strcmp(x->g->name, y->g->name);
}

static bool wanted(const struct stats_run *r, const struct stats_host *h, const struct eng_guest_stats *g)
{
	if (r->all)
		return g->state == ENG_ST_RUNNING || g->state == ENG_ST_PAUSED;
	for (size_t i = 0; i < h->n; i++)
		if (strcmp(h->names[i], g->name) == 0)
			return true;
	return false;
}

/* one tick on one host (cmd_fleet_each runs the hosts at once) */
static int tick_host(struct eng *e, int host, void *arg)
{
	struct stats_run *r = arg;
	struct stats_host *h = &r->h[host];

	(void)e;
	if (!h->used)
		return 0;
	return eng_sampler_tick(h->s, h->names, h->n, r->all, &h->err);
}

static int stats_setup(struct cmd_ctx *ctx, const struct cmd_args *a, struct stats_run *r)
{
	size_t hosts = cmd_fleet_count(ctx);

	r->all = a->npos == 0;
	if (!ctx->fleet && cmd_need_conn(ctx) != 0)
		return 1;
	if (r->all) {
		if (cmd_fleet_connect(ctx) == 0)
			return 1;
		for (size_t i = 0; i < hosts; i++)
			r->h[i].used = ctx->fleet ? ctx->fleet->h[i].eng != NULL : true;
	}
	for (int i = 0; i < a->npos; i++) {
		const char *vm = a->pos[i];
		int rc, k = 0;
		if (ctx->fleet) {
			/* (one host: pick only splits the word) */
			if ((rc = cmd_fleet_pick(ctx, a->pos[i], &vm)) != 0 ||
			    (ctx->fleet->current < 0 && (rc = cmd_fleet_use(ctx, 0)) != 0))
				return rc;
			k = ctx->fleet->current;
		}
		if (!eng_domain_exists(ctx->eng, vm))
			return cmd_error(ctx, 1, "no VM named '%s'", vm);
		r->h[k].used = true;
		r->h[k].names[r->h[k].n++] = vm;
	}
	for (size_t i = 0; i < hosts; i++) {
		struct eng *e = ctx->fleet ? ctx->fleet->h[i].eng : ctx->eng;
		if (r->h[i].used && !(r->h[i].s = eng_sampler_new(e)))
			return cmd_error(ctx, 1, "out of memory");
	}
	return 0;
}

static void print_host_lines(struct cmd_ctx *ctx, const struct stats_run *r, bool several)
{
	for (size_t i = 0; i < cmd_fleet_count(ctx); i++) {
		const struct eng_host_stats *h;
		if (!r->h[i].used)
			continue;
		h = eng_sampler_host(r->h[i].s);
		fprintf(ctx->out, "host%s%s: CPU %.1f%% of %u, memory %.0f/%.0f MiB, %u running\n", several ? " " : "",
			several ? cmd_fleet_name(ctx, (int)i) : "", h->cpu_pct, h->cpus, h->mem_used_mib, h->mem_total_mib,
			h->running);
	}
	fprintf(ctx->out, "%s%-20s %6s %14s %11s %11s %11s %11s\n", several ? "HOST       " : "", "NAME", "CPU%",
		"MEM-USED/MiB", "DISK-READ", "DISK-WRITE", "NET-RX", "NET-TX");
}

static int stats_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *iv = cmd_opt(a, "interval"), *cv = cmd_opt(a, "count");
	double interval = 1.0;
	unsigned count = 0;
	bool csv = cmd_flag(a, "csv"), several = cmd_fleet_count(ctx) > 1;
	struct stats_run *r = calloc(1, sizeof(*r));
	struct eng_error err = { 0 };
	struct sigaction sa = { .sa_handler = stop_handler }, old_int, old_term;
	int rc = 0;

	if (!r)
		return cmd_error(ctx, 1, "out of memory");
	if (iv && eng_seconds_parse("--interval", iv, 0.1, 3600, &interval, &err) < 0)
		rc = cmd_error(ctx, 2, "%s", err.msg);
	else if (cv && eng_count_parse("--count", cv, 1000000, &count, &err) < 0)
		rc = cmd_error(ctx, 2, "%s", err.msg);
	else if (csv && ctx->g.json)
		rc = cmd_error(ctx, 2, "stats: --csv and --json exclude each other");
	else
		rc = stats_setup(ctx, a, r);
	if (rc)
		goto out;
	stats_stop = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	if (csv) {
		fprintf(ctx->out, "time,%sname", several ? "host," : "");
		for (size_t i = 0; i < N_COLS; i++)
			fprintf(ctx->out, ",%s", stat_cols[i].key);
		fputc('\n', ctx->out);
	}
	/* the first tick only sets the baseline: rates need two samples */
	for (unsigned n = 0; !stats_stop && (count == 0 || n <= count); n++) {
		int rcs[CMD_MAX_HOSTS], answered = 0;
		size_t shown = 0, cap = 0;
		struct stats_row *rows = NULL;
		bool estimated = false;

		cmd_fleet_each(ctx, tick_host, r, rcs);
		for (size_t i = 0; i < cmd_fleet_count(ctx); i++) {
			if (!r->h[i].used)
				continue;
			if (rcs[i] < 0 && !several) {
				rc = cmd_fail(ctx, &r->h[i].err);
				goto stop;
			}
			if (rcs[i] < 0) {
				/* a host that stopped answering: said once, the others go on */
				cmd_warnf(ctx->err, "host %s: %s", cmd_fleet_name(ctx, (int)i), r->h[i].err.msg);
				r->h[i].used = false;
				continue;
			}
			answered++;
			cap += eng_sampler_count(r->h[i].s);
		}
		if (!answered) {
			rc = cmd_error(ctx, 1, "stats: no host answered");
			break;
		}
		if (n == 0)
			goto next;
		if (!csv && !ctx->g.json)
			print_host_lines(ctx, r, several);
		rows = calloc(cap ? cap : 1, sizeof(*rows));
		for (size_t i = 0; rows && i < cmd_fleet_count(ctx); i++)
			for (size_t k = 0; r->h[i].used && k < eng_sampler_count(r->h[i].s); k++)
				if (wanted(r, &r->h[i], eng_sampler_guest(r->h[i].s, k)))
					rows[shown++] = (struct stats_row){ (int)i, eng_sampler_guest(r->h[i].s, k) };
		if (rows)
			qsort(rows, shown, sizeof(*rows), by_host_name);
		for (size_t i = 0; i < shown; i++) {
			const struct eng_guest_stats *g = rows[i].g;
			const char *host = several ? cmd_fleet_name(ctx, rows[i].host) : NULL;
			estimated |= g->last.mem_estimated;
			if (ctx->g.json) {
				print_json(ctx->out, host, g->name, &g->last);
			} else if (csv) {
				print_csv(ctx->out, host, g->name, &g->last);
			} else {
				if (host)
					fprintf(ctx->out, "%-10s ", host);
				print_human(ctx->out, g->name, &g->last);
			}
		}
		free(rows);
		/* a footnote for people, not for scripts */
		if (!csv && !ctx->g.json && estimated && ctx->tty_out)
			fprintf(ctx->out, "~ memory used is estimated: the guest reports no balloon statistics\n");
		fflush(ctx->out);
next:
		if (count && n == count)
			break;
		/* sleep in small steps so Ctrl-C answers at once */
		for (double slept = 0; slept < interval && !stats_stop; slept += 0.05)
			usleep(50 * 1000);
	}
stop:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
out:
	for (size_t i = 0; i < CMD_MAX_HOSTS; i++)
		if (r->h[i].s)
			eng_sampler_free(r->h[i].s);
	free(r);
	return rc;
}

const struct cmd_def cmd_stats = {
	.name = "stats",
	.usage = "[VM...]",
	.summary = "CPU %, memory used/total, disk and network rates per guest (table, --csv, --json lines)",
	.opts = stats_opts,
	.flags = CMD_VM_ARG | CMD_JSON | CMD_FLEET,
	.max_args = CMD_MAX_POS,
	.exec = stats_exec,
};
