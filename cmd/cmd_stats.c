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

static void print_json(FILE *f, const char *name, const struct eng_sample *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "time", json_num(s->time, "%.3f"));
	json_object_object_add(o, "name", json_object_new_string(name));
	for (size_t i = 0; i < N_COLS; i++)
		json_object_object_add(o, stat_cols[i].key, json_num(stat_cols[i].get(s), "%.2f"));
	json_object_object_add(o, "mem_estimated", json_object_new_boolean(s->mem_estimated));
	fprintf(f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

static void print_csv(FILE *f, const char *name, const struct eng_sample *s)
{
	fprintf(f, "%.3f,%s", s->time, name);
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

static int by_name(const void *a, const void *b)
{
	return strcmp((*(const struct eng_guest_stats *const *)a)->name,
		      (*(const struct eng_guest_stats *const *)b)->name);
}

static bool wanted(const struct cmd_args *a, const struct eng_guest_stats *g)
{
	if (a->npos == 0)
		return g->state == ENG_ST_RUNNING || g->state == ENG_ST_PAUSED;
	for (int i = 0; i < a->npos; i++)
		if (strcmp(a->pos[i], g->name) == 0)
			return true;
	return false;
}

static int stats_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *iv = cmd_opt(a, "interval"), *cv = cmd_opt(a, "count");
	double interval = 1.0;
	unsigned count = 0;
	bool csv = cmd_flag(a, "csv");
	struct eng_sampler *s;
	struct eng_error err = { 0 };
	struct sigaction sa = { .sa_handler = stop_handler }, old_int, old_term;
	int rc = 0;

	if (iv && eng_seconds_parse("--interval", iv, 0.1, 3600, &interval, &err) < 0)
		return cmd_error(ctx, 2, "%s", err.msg);
	if (cv && eng_count_parse("--count", cv, 1000000, &count, &err) < 0)
		return cmd_error(ctx, 2, "%s", err.msg);
	if (csv && ctx->g.json)
		return cmd_error(ctx, 2, "stats: --csv and --json exclude each other");
	for (int i = 0; i < a->npos; i++)
		if (!eng_domain_exists(ctx->eng, a->pos[i]))
			return cmd_error(ctx, 1, "no VM named '%s'", a->pos[i]);
	if (!(s = eng_sampler_new(ctx->eng)))
		return cmd_error(ctx, 1, "out of memory");
	stats_stop = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	if (csv) {
		fprintf(ctx->out, "time,name");
		for (size_t i = 0; i < N_COLS; i++)
			fprintf(ctx->out, ",%s", stat_cols[i].key);
		fputc('\n', ctx->out);
	}
	/* the first tick only sets the baseline: rates need two samples */
	for (unsigned n = 0; !stats_stop && (count == 0 || n <= count); n++) {
		if (eng_sampler_tick(s, a->pos, (size_t)a->npos, a->npos == 0, &err) < 0) {
			rc = cmd_fail(ctx, &err);
			break;
		}
		if (n > 0) {
			if (!csv && !ctx->g.json) {
				const struct eng_host_stats *h = eng_sampler_host(s);
				fprintf(ctx->out, "host: CPU %.1f%% of %u, memory %.0f/%.0f MiB, %u running\n",
					h->cpu_pct, h->cpus, h->mem_used_mib, h->mem_total_mib, h->running);
				fprintf(ctx->out, "%-20s %6s %14s %11s %11s %11s %11s\n", "NAME", "CPU%",
					"MEM-USED/MiB", "DISK-READ", "DISK-WRITE", "NET-RX", "NET-TX");
			}
			size_t ng = eng_sampler_count(s), shown = 0;
			const struct eng_guest_stats **rows = calloc(ng ? ng : 1, sizeof(*rows));
			bool estimated = false;
			for (size_t i = 0; rows && i < ng; i++)
				if (wanted(a, eng_sampler_guest(s, i)))
					rows[shown++] = eng_sampler_guest(s, i);
			/* the same order every tick and every run: by name */
			if (rows)
				qsort(rows, shown, sizeof(*rows), by_name);
			for (size_t i = 0; i < shown; i++) {
				const struct eng_guest_stats *g = rows[i];
				estimated |= g->last.mem_estimated;
				if (ctx->g.json)
					print_json(ctx->out, g->name, &g->last);
				else if (csv)
					print_csv(ctx->out, g->name, &g->last);
				else
					print_human(ctx->out, g->name, &g->last);
			}
			free(rows);
			/* a footnote for people, not for scripts */
			if (!csv && !ctx->g.json && estimated && ctx->tty_out)
				fprintf(ctx->out, "~ memory used is estimated: the guest reports no balloon statistics\n");
			fflush(ctx->out);
		}
		if (count && n == count)
			break;
		/* sleep in small steps so Ctrl-C answers at once */
		for (double slept = 0; slept < interval && !stats_stop; slept += 0.05)
			usleep(50 * 1000);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	eng_sampler_free(s);
	return rc;
}

const struct cmd_def cmd_stats = {
	.name = "stats",
	.usage = "[VM...]",
	.summary = "CPU %, memory used/total, disk and network rates per guest (table, --csv, --json lines)",
	.opts = stats_opts,
	.flags = CMD_VM_ARG | CMD_JSON,
	.max_args = CMD_MAX_POS,
	.exec = stats_exec,
};
