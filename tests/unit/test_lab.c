/* lab files: a good one read into lab_spec with its defaults, the shipped
 * example passes, broken ones fail with the right file:line, section, key. */
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

static char dir[] = "/tmp/vmdeck-lab-test.XXXXXX";

static const char *write_file(const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void good_lab(void **state)
{
	struct lab_spec l;
	struct eng_error err = { 0 };
	char seat[ENG_NAME_MAX + 1], net[ENG_NAME_MAX + 1];
	const char *path = write_file("good.ini", "[lab]\nname = net101\nbase = deb\nseats = 12\n"
					          "[forward]\nssh = 2200:22\ndns = 5300:53/udp\n");
	(void)state;
	if (prof_lab_load(path, &l, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(l.name, "net101");
	assert_string_equal(l.base, "deb");
	assert_int_equal(l.seats, 12);
	assert_true(l.start);
	assert_false(l.per_seat);
	assert_string_equal(l.mode, "nat");
	assert_string_equal(l.snapshot, "clean");
	assert_int_equal(l.n_hosts, 0);
	assert_int_equal(l.n_fwd, 2);
	for (size_t i = 0; i < l.n_fwd; i++)
		if (strcmp(l.fwd[i].name, "dns") == 0) {
			assert_int_equal(l.fwd[i].host_base, 5300);
			assert_int_equal(l.fwd[i].guest_port, 53);
			assert_string_equal(l.fwd[i].proto, "udp");
		}
	eng_lab_seat_name(&l, 7, seat, sizeof(seat));
	eng_lab_net_name(&l, 7, net, sizeof(net));
	assert_string_equal(seat, "net101-7");
	assert_string_equal(net, "net101-net");
	l.per_seat = true;
	eng_lab_net_name(&l, 7, net, sizeof(net));
	assert_string_equal(net, "net101-net-7");
	snprintf(l.use, sizeof(l.use), "default");
	eng_lab_net_name(&l, 7, net, sizeof(net));
	assert_string_equal(net, "default");
}

/* [lab] hosts: the names in their order; every seat starts as this host's */
static void lab_hosts(void **state)
{
	struct lab_spec l;
	struct eng_error err = { 0 };
	const char *path = write_file("hosts.ini", "[lab]\nname = l\nbase = b\nseats = 3\nhosts = b1, a.2 ,c\n");

	(void)state;
	if (prof_lab_load(path, &l, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(l.n_hosts, 3);
	assert_string_equal(l.hosts[0], "b1");
	assert_string_equal(l.hosts[1], "a.2");
	assert_string_equal(l.hosts[2], "c");
	for (unsigned i = 0; i < l.seats; i++)
		assert_false(l.elsewhere[i]);
	unlink(path);
}

/* the highest host port a lab may use is 65535 exactly */
static void forward_edge(void **state)
{
	struct lab_spec l;
	struct eng_error err = { 0 };
	const char *path = write_file("edge.ini", "[lab]\nname = l\nbase = b\nseats = 2\n[forward]\nssh = 65533:65535/udp\n");
	(void)state;
	if (prof_lab_load(path, &l, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(l.fwd[0].host_base + l.seats, 65535);
	assert_int_equal(l.fwd[0].guest_port, 65535);
	assert_string_equal(l.fwd[0].proto, "udp");
	unlink(path);
}

static void shipped_example(void **state)
{
	struct lab_spec l;
	struct eng_error err = { 0 };
	(void)state;
	if (prof_lab_load(SRCDIR "/profiles/labs/classroom.ini", &l, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(l.seats, 8);
}

/* the last lab exec per seat: recorded for seats that exist, a later run on
 * some seats replaces only theirs, tabs and newlines in output stay one field */
static void exec_record(void **state)
{
	struct lab_spec l = { .seats = 3 };
	struct eng_seat_run runs[3] = { 0 };
	struct eng_seat seats[3] = { 0 };
	const char *argv1[] = { "sh", "-c", "echo\tx", NULL }, *argv2[] = { "hostname", NULL };
	char state_dir[600];

	(void)state;
	snprintf(state_dir, sizeof(state_dir), "%s/state", dir);
	setenv("XDG_STATE_HOME", state_dir, 1);
	snprintf(l.name, sizeof(l.name), "rec");
	snprintf(l.id, sizeof(l.id), "0123-test-lab");
	for (int i = 0; i < 3; i++) {
		snprintf(runs[i].seat.name, sizeof(runs[i].seat.name), "rec-%d", i + 1);
		snprintf(seats[i].name, sizeof(seats[i].name), "rec-%d", i + 1);
		runs[i].seat.exists = i < 2;   /* rec-3 was never made */
		runs[i].ran = runs[i].seat.exists;
		runs[i].r.exit_code = i;
		runs[i].r.out = (char *)"line one\tTAB\nline two";
		runs[i].r.out_len = strlen(runs[i].r.out);
	}
	eng_lab_exec_record(&l, argv1, runs, 3);
	eng_lab_exec_recall(&l, seats, 3);
	assert_string_equal(seats[0].exec_status, "0");
	assert_string_equal(seats[1].exec_status, "1");
	assert_string_equal(seats[0].exec_line, "line one TAB");
	assert_string_equal(seats[0].exec_cmd, "sh -c echo x");
	assert_string_equal(seats[2].exec_status, "");   /* no record for a seat that does not exist */
	/* a run on rec-2 alone: rec-1 keeps its result */
	runs[1].r.exit_code = 7;
	eng_lab_exec_record(&l, argv2, &runs[1], 1);
	memset(seats[0].exec_status, 0, sizeof(seats[0].exec_status));
	eng_lab_exec_recall(&l, seats, 3);
	assert_string_equal(seats[0].exec_status, "0");
	assert_string_equal(seats[1].exec_status, "7");
	assert_string_equal(seats[1].exec_cmd, "hostname");
	eng_lab_exec_forget(&l);
	memset(seats, 0, sizeof(seats));
	snprintf(seats[0].name, sizeof(seats[0].name), "rec-1");
	eng_lab_exec_recall(&l, seats, 1);
	assert_string_equal(seats[0].exec_status, "");
}

static void broken_labs(void **state)
{
	static const struct {
		const char *file, *text, *want;
	} cases[] = {
		{ "nolab.ini", "[network]\nmode = nat\n", ":1: missing section [lab]" },
		{ "noname.ini", "[lab]\nbase = b\nseats = 2\n", "[lab] name: missing" },
		{ "longname.ini", "[lab]\nname = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\nbase = b\nseats = 2\n",
		  ":2: [lab] name: letters" },
		{ "seats.ini", "[lab]\nname = l\nbase = b\nseats = 65\n", ":4: [lab] seats:" },
		{ "seats0.ini", "[lab]\nname = l\nbase = b\nseats = 0\n", ":4: [lab] seats:" },
		{ "key.ini", "[lab]\nname = l\nbase = b\nseats = 2\nsaets = 3\n", ":5: unknown key 'saets' in [lab]" },
		{ "start.ini", "[lab]\nname = l\nbase = b\nseats = 2\nstart = perhaps\n", ":5: [lab] start: use yes or no" },
		{ "layout.ini", "[lab]\nname = l\nbase = b\nseats = 2\n[network]\nlayout = mesh\n", ":6: [network] layout:" },
		{ "mode.ini", "[lab]\nname = l\nbase = b\nseats = 2\n[network]\nmode = bridged\n", ":6: [network] mode:" },
		{ "use.ini", "[lab]\nname = l\nbase = b\nseats = 2\n[network]\nlayout = per-seat\nuse = default\n",
		  ":7: [network] use: an existing network is shared" },
		{ "fwd.ini", "[lab]\nname = l\nbase = b\nseats = 2\n[forward]\nssh = 22\n", ":6: [forward] ssh: use HOSTBASE" },
		{ "fwdrange.ini", "[lab]\nname = l\nbase = b\nseats = 10\n[forward]\nssh = 65530:22\n",
		  ":6: [forward] ssh: ports out of range" },
		/* these passed sscanf("%u:%u"): -1 became 4294967295 and base+seats wrapped to port 0, 1, ... */
		{ "fwdneg.ini", "[lab]\nname = l\nbase = b\nseats = 2\n[forward]\nssh = -1:22\n", ":6: [forward] ssh: use HOSTBASE" },
		{ "fwdwrap.ini", "[lab]\nname = l\nbase = b\nseats = 2\n[forward]\nssh = 4294967295:22\n",
		  ":6: [forward] ssh: ports out of range" },
		{ "fwdguest.ini", "[lab]\nname = l\nbase = b\nseats = 2\n[forward]\nssh = 2200:-22\n", ":6: [forward] ssh:" },
		{ "fwdzero.ini", "[lab]\nname = l\nbase = b\nseats = 2\n[forward]\nssh = 0:22\n", ":6: [forward] ssh: ports out of range" },
		{ "fwdbig.ini", "[lab]\nname = l\nbase = b\nseats = 2\n[forward]\nssh = 2200:70000\n", ":6: [forward] ssh: ports out of range" },
		{ "fwdjunk.ini", "[lab]\nname = l\nbase = b\nseats = 2\n[forward]\nssh = 2200:22/tcp junk\n", ":6: [forward] ssh: use" },
		{ "fwdjunk2.ini", "[lab]\nname = l\nbase = b\nseats = 2\n[forward]\nssh = 2200:22x\n", ":6: [forward] ssh: use" },
		{ "fwdedge.ini", "[lab]\nname = l\nbase = b\nseats = 2\n[forward]\nssh = 65534:22\n", ":6: [forward] ssh: ports out of range" },
		{ "fwdproto.ini", "[lab]\nname = l\nbase = b\nseats = 2\n[forward]\nssh = 2200:22/sctp\n", "[forward] ssh: use" },
		{ "overlap.ini", "[lab]\nname = l\nbase = b\nseats = 10\n[forward]\na = 2200:22\nb = 2205:80\n",
		  "overlap another forward's" },
		{ "fwdmode.ini", "[lab]\nname = l\nbase = b\nseats = 2\n[network]\nmode = hostonly\n[forward]\nssh = 2200:22\n",
		  ":8: [forward] ssh: port forwarding needs [network] mode = nat" },
		{ "snap.ini", "[lab]\nname = l\nbase = b\nseats = 2\n[snapshot]\nclean = a/b\n", ":6: [snapshot] clean:" },
		{ "hosts2.ini", "[lab]\nname = l\nbase = b\nseats = 2\nhosts = a, b, a\n", ":5: [lab] hosts: twice: 'a'" },
		{ "hostsbad.ini", "[lab]\nname = l\nbase = b\nseats = 2\nhosts = a, b/c\n", ":5: [lab] hosts: not a host name: 'b/c'" },
		{ "hosts0.ini", "[lab]\nname = l\nbase = b\nseats = 2\nhosts = ,\n", ":5: [lab] hosts: empty" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct eng_error err = { 0 };
		struct lab_spec l;
		const char *path = write_file(cases[i].file, cases[i].text);
		if (prof_lab_load(path, &l, &err) == 0)
			fail_msg("%s: loaded, should have failed with '%s'", cases[i].file, cases[i].want);
		if (strncmp(err.msg, path, strlen(path)) != 0 || !strstr(err.msg, cases[i].want))
			fail_msg("%s: got '%s', want '%s'", cases[i].file, err.msg, cases[i].want);
		assert_null(strchr(err.msg, '\n'));
		unlink(path);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_lab),
		cmocka_unit_test(lab_hosts),
		cmocka_unit_test(forward_edge),
		cmocka_unit_test(shipped_example),
		cmocka_unit_test(broken_labs),
		cmocka_unit_test(exec_record),
	};
	int rc;
	char path[600];

	if (!mkdtemp(dir))
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(path, sizeof(path), "%s/good.ini", dir);
	unlink(path);
	/* what exec_record made: state/vmdeck/labs (empty after forget) */
	snprintf(path, sizeof(path), "%s/state/vmdeck/labs", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/state/vmdeck", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/state", dir);
	rmdir(path);
	rmdir(dir);
	return rc;
}
