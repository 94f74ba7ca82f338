/* Names: [A-Za-z0-9][A-Za-z0-9._-]{0,63}, with messages naming the problem. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "engine.h"

static void valid_names(void **state)
{
	static const char *const ok[] = { "a", "web1", "Web-1.test_2", "0vm",
		"a123456789012345678901234567890123456789012345678901234567890123" /* 64 */ };
	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_true(eng_name_valid(ok[i]));
}

static void invalid_names(void **state)
{
	static const char *const bad[] = { "", "a;b", "../x", "has space", "-lead", ".hidden", "a/b",
		"a$(x)", "é", "a1234567890123456789012345678901234567890123456789012345678901234" /* 65 */ };
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct eng_error err = { 0 };
		assert_false(eng_name_valid(bad[i]));
		assert_int_equal(eng_name_check("VM", bad[i], &err), -1);
		assert_non_null(strstr(err.msg, "invalid VM name"));
	}
	assert_false(eng_name_valid(NULL));
}

/* what exists is found by libvirt's name; what vmdeck makes follows the rule */
static void lookup_names(void **state)
{
	static const char *const ok[] = { "Windows 10", "web-1 --disks", "s --children", "-x", "a;b", "vm_1" };
	static const char *const bad[] = { "", "a\nb", "tab\there", "it's", "say \"hi\"", "../x", "a/b",
					   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
	struct eng_error err = { 0 };
	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (eng_name_lookup_check("VM", ok[i], &err) != 0)
			fail_msg("'%s' refused for a lookup: %s", ok[i], err.msg);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(eng_name_lookup_check("VM", bad[i], &err), -1);
		assert_null(strchr(err.msg, '\n'));
	}
	assert_int_equal(eng_name_check("VM", "Windows 10", &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_names),
		cmocka_unit_test(invalid_names),
		cmocka_unit_test(lookup_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
