/* The engine against libvirt's test driver (test:///default): every process
 * starts from the same canned host with one running guest named "test". */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

static struct eng *e;

static int setup(void **state)
{
	struct eng_open_opts o = { .uri = "test:///default" };
	struct eng_error err = { 0 };
	(void)state;
	e = eng_open(&o, &err);
	return e ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	eng_close(e);
	return 0;
}

static const struct eng_dom_summary *find(struct eng_dom_summary *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

static void list_and_info(void **state)
{
	struct eng_dom_summary *v;
	size_t n;
	struct eng_dom_info i;
	struct eng_error err = { 0 };
	(void)state;
	assert_int_equal(eng_domain_list(e, true, false, &v, &n, &err), 0);
	assert_non_null(find(v, n, "test"));
	assert_int_equal(find(v, n, "test")->state, ENG_ST_RUNNING);
	free(v);
	assert_int_equal(eng_domain_info(e, "test", &i, &err), 0);
	assert_int_equal(i.cpus_live, 2);
	assert_true(i.mem_max_mib >= i.mem_config_mib);
	assert_int_equal(i.n_nics, 1);
	assert_string_equal(i.nics[0].network, "default");
	eng_dom_info_free(&i);
}

static void unknown_vm(void **state)
{
	struct eng_error err = { 0 };
	struct eng_dom_info i;
	(void)state;
	assert_int_equal(eng_domain_act(e, "nosuchvm", ENG_ACT_START, &err), -1);
	assert_int_equal(err.code, ENG_E_NOT_FOUND);
	assert_non_null(strstr(err.msg, "nosuchvm"));
	assert_int_equal(eng_domain_info(e, "../x", &i, &err), -1);
	assert_non_null(strstr(err.msg, "invalid VM name"));
}

static void lifecycle(void **state)
{
	struct eng_error err = { 0 };
	enum eng_state st;
	(void)state;
	assert_int_equal(eng_domain_act(e, "test", ENG_ACT_PAUSE, &err), 0);
	assert_int_equal(eng_domain_state(e, "test", &st, &err), 0);
	assert_int_equal(st, ENG_ST_PAUSED);
	assert_int_equal(eng_domain_act(e, "test", ENG_ACT_PAUSE, &err), -1);
	assert_non_null(strstr(err.msg, "not running"));
	assert_int_equal(eng_domain_act(e, "test", ENG_ACT_RESUME, &err), 0);
	assert_int_equal(eng_domain_shutdown(e, "test", 5, &err), 0);
	assert_int_equal(eng_domain_state(e, "test", &st, &err), 0);
	assert_int_equal(st, ENG_ST_SHUTOFF);
	assert_int_equal(eng_domain_act(e, "test", ENG_ACT_START, &err), 0);
	assert_int_equal(eng_domain_act(e, "test", ENG_ACT_START, &err), -1);
	assert_non_null(strstr(err.msg, "already running"));
}

static void set_config_and_live(void **state)
{
	struct eng_set_req r = { .memory_mib = 1024, .autostart = -1 };
	struct eng_set_result res;
	struct eng_error err = { 0 };
	struct eng_dom_info i;
	(void)state;
	assert_int_equal(eng_domain_set(e, "test", &r, &res, &err), 0);
	assert_true(res.n_lines >= 1);
	assert_non_null(strstr(res.lines[0], "memory 1024 MiB"));
	assert_int_equal(eng_domain_info(e, "test", &i, &err), 0);
	assert_int_equal(i.mem_config_mib, 1024);
	eng_dom_info_free(&i);
	/* more vCPUs than the host has: refused with the host's figure */
	r = (struct eng_set_req){ .cpus = 4096, .autostart = -1 };
	assert_int_equal(eng_domain_set(e, "test", &r, &res, &err), -1);
	assert_non_null(strstr(err.msg, "logical CPUs"));
	r = (struct eng_set_req){ .autostart = -1 };
	assert_int_equal(eng_domain_set(e, "test", &r, &res, &err), -1);
	assert_non_null(strstr(err.msg, "nothing to change"));
}

static void create_check_delete(void **state)
{
	struct vm_spec s = { .name = "made1", .cpus = 1, .memory_mib = 128 };
	struct eng_delete_report rep;
	struct eng_error err = { 0 };
	(void)state;
	assert_int_equal(eng_domain_create(e, &s, false, &err), 0);
	assert_true(eng_domain_exists(e, "made1"));
	/* duplicate name: refused, the first one untouched */
	s = (struct vm_spec){ .name = "made1", .cpus = 1, .memory_mib = 128 };
	assert_int_equal(eng_domain_create(e, &s, false, &err), -1);
	assert_non_null(strstr(err.msg, "already exists"));
	/* overcommit refused, nothing made */
	s = (struct vm_spec){ .name = "big1", .cpus = 1, .memory_mib = 1ULL << 40 };
	assert_int_equal(eng_domain_create(e, &s, false, &err), -1);
	assert_non_null(strstr(err.msg, "exceeds the host"));
	assert_false(eng_domain_exists(e, "big1"));
	/* unknown network refused, nothing made */
	s = (struct vm_spec){ .name = "nonet", .cpus = 1, .memory_mib = 64, .networks = { "nosuchnet" },
			      .n_networks = 1 };
	assert_int_equal(eng_domain_create(e, &s, false, &err), -1);
	assert_non_null(strstr(err.msg, "nosuchnet"));
	assert_false(eng_domain_exists(e, "nonet"));
	assert_int_equal(eng_domain_delete(e, "made1", false, &rep, &err), 0);
	assert_false(eng_domain_exists(e, "made1"));
}

static void readonly_engine(void **state)
{
	struct eng_open_opts o = { .uri = "test:///default", .readonly = true };
	struct eng_error err = { 0 };
	struct eng *ro = eng_open(&o, &err);
	(void)state;
	assert_non_null(ro);
	assert_int_equal(eng_domain_act(ro, "test", ENG_ACT_POWEROFF, &err), -1);
	assert_int_equal(err.code, ENG_E_READONLY);
	assert_string_equal(err.msg, "read-only connection: cannot poweroff test");
	eng_close(ro);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_and_info),
		cmocka_unit_test(unknown_vm),
		cmocka_unit_test(lifecycle),
		cmocka_unit_test(set_config_and_live),
		cmocka_unit_test(create_check_delete),
		cmocka_unit_test(readonly_engine),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
