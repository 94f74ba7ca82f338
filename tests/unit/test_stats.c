/* The monitor's arithmetic on canned records: rates, counter resets, zero
 * elapsed time, guests that appear and vanish, the slow groups only for the
 * focused guests, sparklines. The sampler runs on a fake backend. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

static struct eng_stat_record rec(const char *name, unsigned long long cpu_ns, unsigned long long rx,
				  unsigned long long wr)
{
	struct eng_stat_record r = { .state = ENG_ST_RUNNING, .has_cpu = true, .cpu_time_ns = cpu_ns,
				     .vcpus = 2, .has_net = true, .rx_bytes = rx, .tx_bytes = rx / 2,
				     .has_block = true, .wr_bytes = wr, .wr_reqs = wr / 4096 };
	snprintf(r.name, sizeof(r.name), "%s", name);
	return r;
}

static void rates_from_deltas(void **state)
{
	struct eng_stat_record a = rec("g", 1000000000ULL, 1000, 0), b = rec("g", 2000000000ULL, 3000, 8192);
	struct eng_sample s;
	(void)state;
	/* 1 s of CPU over 2 s on 2 vCPUs = 25 % */
	eng_stats_rates(&a, &b, 2.0, &s);
	assert_float_equal(s.cpu_pct, 25.0, 0.001);
	assert_float_equal(s.net_rx_bps, 1000.0, 0.001);
	assert_float_equal(s.net_tx_bps, 500.0, 0.001);
	assert_float_equal(s.disk_wr_bps, 4096.0, 0.001);
	assert_float_equal(s.disk_wr_iops, 1.0, 0.001);
	assert_true(s.has_disk);
}

static void counter_reset_and_zero_time(void **state)
{
	struct eng_stat_record a = rec("g", 5000000000ULL, 100000, 100000), b = rec("g", 1000, 10, 10);
	struct eng_sample s;
	(void)state;
	eng_stats_rates(&a, &b, 1.0, &s);   /* the guest restarted: counters went back */
	assert_float_equal(s.cpu_pct, 0, 0.001);
	assert_float_equal(s.net_rx_bps, 0, 0.001);
	assert_float_equal(s.disk_wr_bps, 0, 0.001);
	b = rec("g", 6000000000ULL, 200000, 200000);
	eng_stats_rates(&a, &b, 0.0, &s);   /* no time passed: no division by zero */
	assert_float_equal(s.cpu_pct, 0, 0.001);
	assert_float_equal(s.net_rx_bps, 0, 0.001);
	eng_stats_rates(NULL, &b, 1.0, &s); /* first sample: nothing to compare */
	assert_float_equal(s.cpu_pct, 0, 0.001);
}

static void memory_used_or_estimated(void **state)
{
	struct eng_stat_record r = { .state = ENG_ST_RUNNING, .has_balloon = true, .mem_current_kib = 262144,
				     .mem_max_kib = 262144 };
	struct eng_sample s;
	(void)state;
	eng_stats_rates(NULL, &r, 1.0, &s);
	assert_true(s.mem_estimated);
	assert_float_equal(s.mem_total_mib, 256.0, 0.001);
	r.has_usable = true;
	r.mem_available_kib = 250000;
	r.mem_unused_kib = 200000;
	eng_stats_rates(NULL, &r, 1.0, &s);
	assert_false(s.mem_estimated);
	assert_float_equal(s.mem_used_mib, 50000 / 1024.0, 0.001);
}

/* ---- a fake backend: guests whose counters grow by a known amount ---- */
struct fake {
	int tick;
	int n;
	bool vanish_b;
	int slow_calls, slow_names;
};

static int fake_domains(void *ctx, unsigned groups, const char *const *names, size_t n,
			struct eng_stat_record **out, size_t *nout, struct eng_error *err)
{
	struct fake *f = ctx;
	(void)err;
	if (groups == ENG_STATS_SLOW) {
		f->slow_calls++;
		f->slow_names += (int)n;
		*out = calloc(n + 1, sizeof(**out));
		for (size_t i = 0; i < n; i++) {
			(*out)[i] = rec(names[i], 0, 0, (unsigned long long)f->tick * 1048576);
			(*out)[i].has_balloon = true;
			(*out)[i].mem_current_kib = 1048576;
		}
		*nout = n;
		return 0;
	}
	f->tick++;
	*out = calloc((size_t)f->n + 1, sizeof(**out));
	*nout = 0;
	for (int i = 0; i < f->n; i++) {
		char name[16];
		snprintf(name, sizeof(name), "%c", 'a' + i);
		if (f->vanish_b && i == 1)
			continue;
		(*out)[(*nout)++] = rec(name, (unsigned long long)f->tick * 500000000ULL,
					(unsigned long long)f->tick * 1000, 0);
	}
	return 0;
}

static void sampler_focus_and_vanish(void **state)
{
	struct fake f = { .n = 3 };
	struct eng_stats_backend be = { .domains = fake_domains, .ctx = &f };
	struct eng_sampler *s = eng_sampler_new_backend(&be);
	const char *focus[] = { "a" };
	struct eng_error err = { 0 };
	(void)state;
	assert_int_equal(eng_sampler_tick(s, focus, 1, false, &err), 0);
	assert_int_equal(eng_sampler_tick(s, focus, 1, false, &err), 0);
	assert_int_equal(eng_sampler_count(s), 3);
	/* the slow groups were asked for the focused guest only */
	assert_int_equal(f.slow_calls, 2);
	assert_int_equal(f.slow_names, 2);
	assert_true(eng_sampler_find(s, "a")->last.has_disk);
	assert_false(eng_sampler_find(s, "c")->last.has_disk);
	assert_true(eng_sampler_find(s, "a")->last.cpu_pct > 0);
	assert_int_equal(eng_sampler_find(s, "a")->ring_len, 2);
	f.vanish_b = true;
	assert_int_equal(eng_sampler_tick(s, focus, 1, false, &err), 0);
	assert_int_equal(eng_sampler_count(s), 2);
	assert_null(eng_sampler_find(s, "b"));
	eng_sampler_free(s);
}

/* a backend like libvirt's: the bulk call has no CPU time (it is not cheap
 * there); CPU time comes from calls for named guests only */
struct fake_lv {
	int n, tick;
	int cpu_calls, cpu_names, slow_names;
};

static int fake_lv_domains(void *ctx, unsigned groups, const char *const *names, size_t n,
			   struct eng_stat_record **out, size_t *nout, struct eng_error *err)
{
	struct fake_lv *f = ctx;
	size_t count = groups == ENG_STATS_CHEAP ? (size_t)f->n : n;
	(void)err;
	if (groups == ENG_STATS_CHEAP)
		f->tick++;
	else if (groups == ENG_STATS_CPU)
		f->cpu_calls++, f->cpu_names += (int)n;
	else
		f->slow_names += (int)n;
	*out = calloc(count + 1, sizeof(**out));
	for (size_t i = 0; i < count; i++) {
		char name[32];
		snprintf(name, sizeof(name), "g%zu", i);
		(*out)[i] = rec(groups == ENG_STATS_CHEAP ? name : names[i], (unsigned long long)f->tick * 1000000ULL,
				0, 0);
		(*out)[i].has_cpu = groups != ENG_STATS_CHEAP;
	}
	*nout = count;
	return 0;
}

static void sampler_cpu_flat_off_screen(void **state)
{
	const char *focus[] = { "g2" }, *visible[] = { "g0", "g1" };
	struct eng_error err = { 0 };
	(void)state;
	for (int total = 30; total <= 300; total *= 10) {
		struct fake_lv f = { .n = total };
		struct eng_stats_backend be = { .domains = fake_lv_domains, .ctx = &f };
		struct eng_sampler *s = eng_sampler_new_backend(&be);
		int ticks = (total - 3 + ENG_STATS_ROTATE - 1) / ENG_STATS_ROTATE;
		eng_sampler_set_visible(s, visible, 2);
		for (int t = 0; t < ticks; t++)
			assert_int_equal(eng_sampler_tick(s, focus, 1, false, &err), 0);
		/* per tick: the focused guest in the slow call; the two listed ones
		 * and ENG_STATS_ROTATE others in the CPU call, however many there are */
		assert_int_equal(f.slow_names, ticks);
		assert_int_equal(f.cpu_calls, ticks);
		assert_int_equal(f.cpu_names, ticks * (2 + ENG_STATS_ROTATE));
		/* and in that many ticks every guest had its CPU time read */
		for (int i = 0; i < total; i++) {
			char name[16];
			snprintf(name, sizeof(name), "g%d", i);
			assert_true(eng_sampler_find(s, name)->cpu_seen);
		}
		eng_sampler_free(s);
	}
}

static void history_and_sparkline(void **state)
{
	float ring[ENG_STATS_RING] = { 0 }, out[8];
	char buf[64];
	int pos = 0, len = 0;
	(void)state;
	for (int i = 0; i < ENG_STATS_RING + 3; i++) {   /* wraps around */
		ring[pos] = (float)i;
		pos = (pos + 1) % ENG_STATS_RING;
		if (len < ENG_STATS_RING)
			len++;
	}
	assert_int_equal(eng_stats_history(ring, pos, len, out, 3), 3);
	assert_float_equal(out[0], ENG_STATS_RING, 0.001);
	assert_float_equal(out[2], ENG_STATS_RING + 2, 0.001);
	float v[] = { 0, 50, 100 };
	eng_sparkline(v, 3, 100, false, buf, sizeof(buf));
	assert_string_equal(buf, "_+@");   /* zero is drawn, never a blank */
	eng_sparkline(v, 3, 100, true, buf, sizeof(buf));
	assert_string_equal(buf, "\u2581\u2585\u2588");
	eng_sparkline(v, 3, 0, false, buf, 3);   /* cut to the buffer, never past it */
	assert_int_equal(strlen(buf), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rates_from_deltas),
		cmocka_unit_test(counter_reset_and_zero_time),
		cmocka_unit_test(memory_used_or_estimated),
		cmocka_unit_test(sampler_focus_and_vanish),
		cmocka_unit_test(sampler_cpu_flat_off_screen),
		cmocka_unit_test(history_and_sparkline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
