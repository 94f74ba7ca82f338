/* vmdeck.ini: values read, and every error says file:line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profiles.h"

static char path[64];

static void write_file(const char *text, size_t len)
{
	FILE *f;
	snprintf(path, sizeof(path), "/tmp/vmdeck-config-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fwrite(text, 1, len, f);
	fclose(f);
}

static void load_err(const char *text, size_t len, const char *want)
{
	struct vmdeck_config c;
	struct eng_error err = { 0 };
	char prefix[128];

	write_file(text, len);
	assert_int_equal(prof_config_load(path, &c, &err), -1);
	snprintf(prefix, sizeof(prefix), "%s:", path);
	assert_non_null(strstr(err.msg, prefix));
	if (!strstr(err.msg, want))
		fail_msg("'%s' does not contain '%s'", err.msg, want);
	assert_null(strchr(err.msg, '\n'));
	unlink(path);
}

static void good_config(void **state)
{
	static const char text[] = "[connection]\nuri = test:///default\n\n[ui]\nrefresh_ms = 500\n"
				   "[keys]\nS = start %v\n";
	struct vmdeck_config c;
	struct eng_error err = { 0 };
	(void)state;
	write_file(text, sizeof(text) - 1);
	assert_int_equal(prof_config_load(path, &c, &err), 0);
	assert_string_equal(c.uri, "test:///default");
	assert_int_equal(c.refresh_ms, 500);
	assert_int_equal(c.n_keys, 1);
	assert_string_equal(c.keys[0].command, "start %v");
	unlink(path);
}

static void errors_with_lines(void **state)
{
	static const char bad_value[] = "[ui]\n\nrefresh_ms = fast\n";
	static const char garbage[] = "[ui]\nrefresh_ms = 1\x01\x02\n";
	(void)state;
	load_err(bad_value, sizeof(bad_value) - 1, ":3: [ui] refresh_ms 'fast'");
	load_err(garbage, sizeof(garbage) - 1, ":2: not a text INI file");
	/* iniparser lists a section [hosts:x] among [hosts]'s keys, with no value:
	 * read as a string it crashed vmdeck (found by tests/fuzz/fuzz_ini) */
	static const char section_as_key[] = "[hosts:x]\n[hosts]\na = test:///default\n";
	load_err(section_as_key, sizeof(section_as_key) - 1, "[hosts] x: expected a libvirt URI");
	static const char keys_section[] = "[keys:q]\n";
	{
		struct vmdeck_config *c = calloc(1, sizeof(*c));
		struct eng_error err = { 0 };
		write_file(keys_section, sizeof(keys_section) - 1);
		assert_non_null(c);
		prof_config_load(path, c, &err);   /* no crash; the binding, if any, is empty */
		unlink(path);
		free(c);
	}
}

/* a typo in vmdeck.ini must not stop every command: a warning with its line */
static void unknown_names_warn(void **state)
{
	static const char text[] = "[connection]\nuri = test:///default\n\n[ui]\nrefesh_ms = 5\n[colours]\na = b\n"
				   "[keys]\nx = start %v\n";
	struct vmdeck_config c;
	struct eng_error err = { 0 };
	(void)state;
	write_file(text, sizeof(text) - 1);
	assert_int_equal(prof_config_load(path, &c, &err), 0);
	assert_string_equal(c.uri, "test:///default");
	assert_int_equal(c.uri_line, 2);
	assert_int_equal(c.n_warnings, 2);
	assert_non_null(strstr(c.warnings[0], ":5: unknown key 'refesh_ms' in [ui] (ignored)"));
	assert_non_null(strstr(c.warnings[1], ":6: unknown section [colours] (ignored)"));
	assert_int_equal(c.keys[0].line, 9);
	unlink(path);
}

static void missing_default_is_fine(void **state)
{
	struct vmdeck_config c;
	struct eng_error err = { 0 };
	(void)state;
	setenv("XDG_CONFIG_HOME", "/nonexistent-vmdeck-test", 1);
	assert_int_equal(prof_config_load(NULL, &c, &err), 0);
	assert_int_equal(c.refresh_ms, 1000);
	assert_int_equal(prof_config_load("/nonexistent-vmdeck-test/x.ini", &c, &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_config),
		cmocka_unit_test(errors_with_lines),
		cmocka_unit_test(unknown_names_warn),
		cmocka_unit_test(missing_default_is_fine),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
