/* netcfg: golden XML per mode, CIDR parsing, subnet choice with clashes,
 * mode inference from XML, bad input; port-forward rule generation (golden
 * libnftables JSON), conflicts, bad ports, reading nft's listing back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forward.h"
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
	struct net_spec tap = { .name = "lab-tap", .mode = NET_BRIDGED, .uplink = "eth0", .macvtap = true };
	(void)state;
	golden(&nat, "net-nat.xml");
	golden(&host, "net-hostonly.xml");
	golden(&br, "net-bridged.xml");
	golden(&in, "net-internal.xml");
	golden(&tap, "net-macvtap.xml");
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

static void golden_text(const char *text, const char *file)
{
	char path[512], *want;

	snprintf(path, sizeof(path), "%s/%s", GOLDENDIR, file);
	if (getenv("VMDECK_UPDATE_GOLDEN")) {
		FILE *o = fopen(path, "w");
		fprintf(o, "%s\n", text);
		fclose(o);
	}
	want = test_slurp(path);
	assert_non_null(want);
	want[strcspn(want, "\n")] = '\0';
	assert_string_equal(text, want);
	free(want);
}

static const struct fwd_rule rules[] = {
	{ "web1", "tcp", 8080, 80, "192.168.122.5", "virbr0" },
	{ "dns1", "udp", 5353, 53, "192.168.150.7", "virbr1" },
	{ "off1", "tcp", 2222, 22, "", "" },   /* not running: stale, no rule */
};

static void forward_rules(void **state)
{
	static const unsigned long long handles[] = { 41, 42 };
	char *nat = fwd_nat_batch(rules, 3), *filter = fwd_filter_batch(rules, 3, handles, 2);
	char c[128];
	(void)state;
	golden_text(nat, "forward-nat.json");
	golden_text(filter, "forward-filter.json");
	/* the stale rule makes nothing */
	assert_null(strstr(nat, "2222"));
	assert_null(strstr(filter, "2222"));
	fwd_comment(&rules[0], c, sizeof(c));
	assert_string_equal(c, "vmdeck-fwd web1 tcp 8080 192.168.122.5:80");
	free(nat);
	free(filter);
}

static void forward_bad_input(void **state)
{
	struct eng_error err = { 0 };
	struct fwd_rule dup = { "web2", "tcp", 8080, 22, "", "" }, other_proto = { "web2", "udp", 8080, 22, "", "" };
	unsigned p;
	(void)state;
	assert_int_equal(fwd_port_parse("8080", "host port", &p, &err), 0);
	assert_int_equal(p, 8080);
	const char *bad[] = { "0", "65536", "-1", "80x", "", "99999999999999999999" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(fwd_port_parse(bad[i], "host port", &p, &err), -1);
		assert_non_null(strstr(err.msg, "not a port number"));
	}
	assert_int_equal(fwd_proto_check("sctp", &err), -1);
	assert_int_equal(fwd_proto_check(NULL, &err), 0);
	assert_int_equal(fwd_conflict(rules, 3, &dup, &err), -1);
	assert_non_null(strstr(err.msg, "already forwarded to web1 port 80"));
	assert_int_equal(fwd_conflict(rules, 3, &other_proto, &err), 0);
}

/* what `nft -j list chain ip filter LIBVIRT_FWI` prints (libvirt's two rules
 * were re-inserted ahead of ours when its network restarted) */
static void forward_filter_listing(void **state)
{
	static const char listing[] =
		"{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\"}},"
		"{\"chain\": {\"family\": \"ip\", \"table\": \"filter\", \"name\": \"LIBVIRT_FWI\", \"handle\": 10}},"
		"{\"rule\": {\"chain\": \"LIBVIRT_FWI\", \"handle\": 40, \"expr\": []}},"
		"{\"rule\": {\"chain\": \"LIBVIRT_FWI\", \"handle\": 37, \"expr\": []}},"
		"{\"rule\": {\"chain\": \"LIBVIRT_FWI\", \"handle\": 45, \"comment\": "
		"\"vmdeck-fwd web1 tcp 8080 192.168.122.5:80\", \"expr\": []}}]}";
	unsigned long long h[4];
	char c[4][128];
	bool head;
	(void)state;
	assert_int_equal(fwd_filter_parse(listing, h, c, 4, &head), 1);
	assert_int_equal(h[0], 45);
	assert_string_equal(c[0], "vmdeck-fwd web1 tcp 8080 192.168.122.5:80");
	assert_false(head);
	assert_int_equal(fwd_filter_parse("not json", h, c, 4, &head), -1);
}

static void reach_expectations(void **state)
{
	(void)state;
	assert_int_equal(net_reach_expected(NET_NAT, 3, false), 0);
	assert_int_equal(net_reach_expected(NET_NAT, 3, true), 1);
	assert_int_equal(net_reach_expected(NET_INTERNAL, 0, true), 0);
	assert_int_equal(net_reach_expected(NET_INTERNAL, 1, false), 1);
	assert_int_equal(net_reach_expected(NET_BRIDGED, 3, false), 1);
	assert_int_equal(net_reach_expected(NET_HOSTONLY, 2, false), 0);
	assert_int_equal(net_reach_expected(NET_OTHER, 0, false), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(modes_golden),
		cmocka_unit_test(cidr),
		cmocka_unit_test(subnet_pick),
		cmocka_unit_test(bad_specs),
		cmocka_unit_test(facts_of_libvirt_default),
		cmocka_unit_test(forward_rules),
		cmocka_unit_test(forward_bad_input),
		cmocka_unit_test(forward_filter_listing),
		cmocka_unit_test(reach_expectations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
