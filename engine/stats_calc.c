/* stats_calc.c - pure computations of the monitor: rates from two counter
 * records, history rings, sparklines. No libvirt here, so tests and the
 * benchmark feed it canned records. */
#include <stdio.h>
#include <string.h>

#include "engine.h"

/* A delta per second; a counter that went back (guest restarted, device
 * replugged) gives 0 rather than a huge spike. */
static double rate(unsigned long long prev, unsigned long long cur, double elapsed_s)
{
	if (cur < prev || elapsed_s <= 0)
		return 0;
	return (double)(cur - prev) / elapsed_s;
}

void eng_stats_rates(const struct eng_stat_record *prev, const struct eng_stat_record *cur,
		     double elapsed_s, struct eng_sample *out)
{
	bool running = cur->state == ENG_ST_RUNNING;

	memset(out, 0, sizeof(*out));
	if (running && prev && cur->has_cpu && prev->has_cpu && cur->vcpus > 0) {
		out->cpu_pct = 100.0 * rate(prev->cpu_time_ns, cur->cpu_time_ns, elapsed_s) / 1e9 /
			       cur->vcpus;
		if (out->cpu_pct > 100.0)
			out->cpu_pct = 100.0;
	}
	if (cur->has_balloon) {
		out->mem_total_mib = (double)cur->mem_current_kib / 1024.0;
		if (cur->has_usable && cur->mem_available_kib >= cur->mem_unused_kib) {
			/* what the guest really uses, as its balloon driver reports it */
			out->mem_used_mib = (double)(cur->mem_available_kib - cur->mem_unused_kib) / 1024.0;
			out->mem_total_mib = (double)cur->mem_available_kib / 1024.0;
		} else {
			out->mem_used_mib = running ? out->mem_total_mib : 0;
			out->mem_estimated = true;
		}
	}
	if (running && prev && cur->has_block && prev->has_block) {
		out->has_disk = true;
		out->disk_rd_bps = rate(prev->rd_bytes, cur->rd_bytes, elapsed_s);
		out->disk_wr_bps = rate(prev->wr_bytes, cur->wr_bytes, elapsed_s);
		out->disk_rd_iops = rate(prev->rd_reqs, cur->rd_reqs, elapsed_s);
		out->disk_wr_iops = rate(prev->wr_reqs, cur->wr_reqs, elapsed_s);
	}
	if (running && prev && cur->has_net && prev->has_net) {
		out->net_rx_bps = rate(prev->rx_bytes, cur->rx_bytes, elapsed_s);
		out->net_tx_bps = rate(prev->tx_bytes, cur->tx_bytes, elapsed_s);
	}
}

int eng_stats_history(const float *ring, int pos, int len, float *out, int max)
{
	int n = len < max ? len : max;
	/* the newest value is at pos - 1; take the last n, oldest first */
	for (int i = 0; i < n; i++) {
		int idx = (pos - n + i) % ENG_STATS_RING;
		if (idx < 0)
			idx += ENG_STATS_RING;
		out[i] = ring[idx];
	}
	return n;
}

void eng_sparkline(const float *v, int n, float maxv, bool utf8, char *buf, size_t len)
{
	static const char *const blocks[] = { "\u2581", "\u2582", "\u2583", "\u2584",
					      "\u2585", "\u2586", "\u2587", "\u2588" };
	static const char ascii[] = "_.:-=+*#%@";   /* zero is a baseline, as the lowest block is */
	size_t used = 0;

	if (maxv <= 0)
		for (int i = 0; i < n; i++)
			if (v[i] > maxv)
				maxv = v[i];
	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		double f = maxv > 0 ? v[i] / maxv : 0;
		if (f < 0)
			f = 0;
		if (f > 1)
			f = 1;
		if (utf8) {
			const char *b = blocks[(int)(f * 7.0 + 0.5)];
			if (used + strlen(b) + 1 > len)
				break;
			memcpy(buf + used, b, strlen(b));
			used += strlen(b);
		} else {
			if (used + 2 > len)
				break;
			buf[used++] = ascii[(int)(f * 9.0 + 0.5)];
		}
	}
	buf[used] = '\0';
}
