/* Sizes and counts: suffixes, default units, garbage and overflow. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "engine.h"

static unsigned long long parse_ok(const char *s, enum eng_unit u)
{
	unsigned long long b = 0;
	struct eng_error err = { 0 };

	assert_int_equal(eng_size_parse("--memory", s, u, &b, &err), 0);
	return b;
}

static void size_suffixes(void **state)
{
	(void)state;
	assert_true(parse_ok("512", ENG_UNIT_MIB) == 512ULL << 20);
	assert_true(parse_ok("2", ENG_UNIT_GIB) == 2ULL << 30);
	assert_true(parse_ok("2G", ENG_UNIT_MIB) == 2ULL << 30);
	assert_true(parse_ok("2g", ENG_UNIT_MIB) == 2ULL << 30);
	assert_true(parse_ok("64KiB", ENG_UNIT_MIB) == 64ULL << 10);
	assert_true(parse_ok("3GB", ENG_UNIT_MIB) == 3ULL << 30);
	assert_true(parse_ok("1T", ENG_UNIT_GIB) == 1ULL << 40);
	assert_true(parse_ok("100b", ENG_UNIT_GIB) == 100);
}

static void size_refusals(void **state)
{
	static const char *const bad[] = { "abc", "", "-1", "0", "12X", "1.5G", "G", "99999999999999999999",
					   "20000000T", " 5", "5 " };
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned long long b = 7;
		struct eng_error err = { 0 };
		assert_int_equal(eng_size_parse("--memory", bad[i], ENG_UNIT_MIB, &b, &err), -1);
		assert_int_equal(b, 7);   /* untouched */
		assert_int_equal(err.code, ENG_E_INVALID);
		assert_non_null(strstr(err.msg, "--memory"));
		assert_null(strchr(err.msg, '\n'));
	}
}

static void counts(void **state)
{
	unsigned v = 0;
	struct eng_error err = { 0 };
	(void)state;
	assert_int_equal(eng_count_parse("--cpus", "4", 64, &v, &err), 0);
	assert_int_equal(v, 4);
	assert_int_equal(eng_count_parse("--cpus", "0", 64, &v, &err), -1);
	assert_int_equal(eng_count_parse("--cpus", "65", 64, &v, &err), -1);
	assert_non_null(strstr(err.msg, "between 1 and 64"));
	assert_int_equal(eng_count_parse("--cpus", "2x", 64, &v, &err), -1);
	assert_int_equal(eng_count_parse("--cpus", "-2", 64, &v, &err), -1);
	assert_int_equal(eng_count_parse("--cpus", "99999999999999999999", 64, &v, &err), -1);
}

/* NaN passes every "v < min || v > max" check: stats --interval nan busy-looped */
static void seconds(void **state)
{
	double v = 0;
	struct eng_error err = { 0 };
	static const char *const bad[] = { "nan", "NAN", "-nan", "inf", "-inf", "infinity", "1e999", "",
					   "2s", " ", "0x", "1.5.2" };
	(void)state;
	assert_int_equal(eng_seconds_parse("--interval", "0.5", 0.1, 3600, &v, &err), 0);
	assert_true(v == 0.5);
	assert_int_equal(eng_seconds_parse("--wait", "0", 0, 86400, &v, &err), 0);
	assert_int_equal(eng_seconds_parse("--interval", "0.05", 0.1, 3600, &v, &err), -1);
	assert_non_null(strstr(err.msg, "between 0.1 and 3600"));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 7;
		assert_int_equal(eng_seconds_parse("--interval", bad[i], 0, 86400, &v, &err), -1);
		assert_true(v == 7);
		assert_non_null(strstr(err.msg, "--interval"));
	}
	assert_int_equal(eng_seconds_parse("--wait", NULL, 0, 1, &v, &err), -1);
}

static void size_format(void **state)
{
	char buf[32];
	(void)state;
	eng_size_format(512ULL << 20, buf, sizeof(buf));
	assert_string_equal(buf, "512 MiB");
	eng_size_format(2ULL << 30, buf, sizeof(buf));
	assert_string_equal(buf, "2 GiB");
	eng_size_format(1536ULL << 20, buf, sizeof(buf));
	assert_string_equal(buf, "1.5 GiB");
	eng_size_format(100, buf, sizeof(buf));
	assert_string_equal(buf, "100 B");
}

static void size_token(void **state)
{
	char buf[32];
	(void)state;
	eng_size_token(512ULL << 20, buf, sizeof(buf));
	assert_string_equal(buf, "512M");
	eng_size_token(1536ULL << 20, buf, sizeof(buf));
	assert_string_equal(buf, "1.5G");
	eng_size_token(100, buf, sizeof(buf));
	assert_string_equal(buf, "100B");
	eng_size_token(0, buf, sizeof(buf));
	assert_string_equal(buf, "0B");
	eng_size_token(4ULL << 40, buf, sizeof(buf));
	assert_string_equal(buf, "4T");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(size_suffixes),
		cmocka_unit_test(size_refusals),
		cmocka_unit_test(counts),
		cmocka_unit_test(seconds),
		cmocka_unit_test(size_format),
		cmocka_unit_test(size_token),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
