/* URI choice: -c, $VMDECK_URI, $LIBVIRT_DEFAULT_URI, config, system, session, error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "engine.h"

static const char *choose(struct eng_uri_inputs in, struct eng_error *err)
{
	const char *why = NULL;
	const char *u = eng_uri_choose(&in, &why, err);
	assert_non_null(why);
	return u;
}

static void order(void **state)
{
	struct eng_error err = { 0 };
	struct eng_uri_inputs all = { .cli = "test:///default", .env_vmdeck = "qemu:///a",
				      .env_libvirt = "qemu:///b", .config = "qemu:///c",
				      .uid = 1000, .system_answers = true };
	(void)state;
	assert_string_equal(choose(all, &err), "test:///default");
	all.cli = NULL;
	assert_string_equal(choose(all, &err), "qemu:///a");
	all.env_vmdeck = "";
	assert_string_equal(choose(all, &err), "qemu:///b");
	all.env_libvirt = NULL;
	assert_string_equal(choose(all, &err), "qemu:///c");
	all.config = NULL;
	assert_string_equal(choose(all, &err), "qemu:///system");
	all.system_answers = false;
	assert_string_equal(choose(all, &err), "qemu:///session");
}

static void root_without_daemon(void **state)
{
	struct eng_error err = { 0 };
	struct eng_uri_inputs in = { .uid = 0, .system_answers = false, .systemd = false };
	(void)state;
	assert_null(choose(in, &err));
	assert_non_null(strstr(err.msg, "libvirtd -d"));
	in.systemd = true;
	assert_null(choose(in, &err));
	assert_non_null(strstr(err.msg, "systemctl start libvirtd"));
	assert_null(strchr(err.msg, '\n'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(order),
		cmocka_unit_test(root_without_daemon),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
