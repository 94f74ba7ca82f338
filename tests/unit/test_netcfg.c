/* netcfg: golden XML per mode, CIDR parsing, subnet choice with clashes,
 * mode inference from XML, bad input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netcfg.h"
#include "testutil.h"

static void golden(const struct net_spec *s, const char *file)
{
	char path[512], *want, *xml;
	struct eng_error err = { 0 };
	struct net_facts f;

	xml = net_xml_build(s, &err);
	assert_non_null(xml);
	snprintf(path, sizeof(path), "%s/%s", GOLDENDIR, file);
	if (getenv("VMDECK_UPDATE_GOLDEN")) {
		FILE *o = fopen(path, "w");
		fputs(xml, o);
		fclose(o);
	}
	want = test_slurp(path);
	assert_non_null(want);
	assert_string_equal(xml, want);
	/* and the XML reads back as the same mode */
	assert_int_equal(net_xml_facts(xml, &f), 0);
	assert_int_equal(f.mode, s->mode);
	free(want);
	free(xml);
}

static void modes_golden(void **state)
{
	struct net_spec nat = { .name = "lab-nat", .mode = NET_NAT, .subnet = { 192, 168, 50, 0 }, .prefix = 24,
				.has_subnet = true };
	struct net_spec host = { .name = "lab-host", .mode = NET_HOSTONLY, .subnet = { 10, 77, 0, 0 }, .prefix = 16,
				 .has_subnet = true };
	struct net_spec br = { .name = "lab-br", .mode = NET_BRIDGED, .uplink = "br0" };
	struct net_spec in = { .name = "lab-int", .mode = NET_INTERNAL };
	(void)state;
	golden(&nat, "net-nat.xml");
	golden(&host, "net-hostonly.xml");
	golden(&br, "net-bridged.xml");
	golden(&in, "net-internal.xml");
}

static void cidr(void **state)
{
	unsigned char a[4];
	unsigned p;
	struct eng_error err = { 0 };
	static const char *const bad[] = { "10.0.0.0", "10.0.0.0/8", "10.0.0.0/30", "300.0.0.0/24",
					   "10.0.0.5/24", "abc", "10.0.0.0/24x", "" };
	(void)state;
	assert_int_equal(net_cidr_parse("192.168.50.0/24", a, &p, &err), 0);
	assert_int_equal(a[2], 50);
	assert_int_equal(p, 24);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(net_cidr_parse(bad[i], a, &p, &err), -1);
		assert_non_null(strstr(err.msg, "invalid subnet"));
	}
	assert_non_null(strstr((net_cidr_parse("10.0.0.5/24", a, &p, &err), err.msg), "10.0.0.0/24"));
}

static void subnet_pick(void **state)
{
	const unsigned char used[][5] = { { 192, 168, 100, 0, 24 }, { 192, 168, 101, 0, 24 },
					  { 192, 168, 96, 0, 21 } /* covers .96-.103 */ };
	unsigned char out[4];
	struct eng_error err = { 0 };
	(void)state;
	assert_int_equal(net_subnet_pick(used, 3, out, &err), 0);
	assert_int_equal(out[2], 104);
	assert_true(net_subnets_overlap((unsigned char[]){ 10, 1, 2, 0 }, 24, (unsigned char[]){ 10, 1, 0, 0 }, 16));
	assert_false(net_subnets_overlap((unsigned char[]){ 10, 2, 0, 0 }, 24, (unsigned char[]){ 10, 1, 0, 0 }, 16));
}

static void bad_specs(void **state)
{
	struct eng_error err = { 0 };
	struct net_spec br = { .name = "b", .mode = NET_BRIDGED };
	struct net_spec nat = { .name = "n", .mode = NET_NAT };
	struct net_spec name = { .name = "a;b", .mode = NET_INTERNAL };
	(void)state;
	assert_null(net_xml_build(&br, &err));
	assert_non_null(strstr(err.msg, "--uplink"));
	assert_null(net_xml_build(&nat, &err));
	assert_null(net_xml_build(&name, &err));
	assert_null(net_mode_find("foo"));
	assert_string_equal(net_mode_find("hostonly")->reach[2], "no");
}

static void facts_of_libvirt_default(void **state)
{
	static const char xml[] = "<network><name>default</name><forward mode='nat'/><bridge name='virbr0'/>"
				  "<ip address='192.168.122.1' netmask='255.255.255.0'/></network>";
	struct net_facts f;
	(void)state;
	assert_int_equal(net_xml_facts(xml, &f), 0);
	assert_int_equal(f.mode, NET_NAT);
	assert_string_equal(f.bridge, "virbr0");
	assert_string_equal(f.subnet, "192.168.122.0/24");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(modes_golden),
		cmocka_unit_test(cidr),
		cmocka_unit_test(subnet_pick),
		cmocka_unit_test(bad_specs),
		cmocka_unit_test(facts_of_libvirt_default),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
