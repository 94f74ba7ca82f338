/* profiles: every shipped profile passes the check; broken ones fail with the
 * right file:line, section and key; libosinfo's recommendations. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "profiles.h"

static char dir[] = "/tmp/vmdeck-profile-test.XXXXXX";

static const char *write_file(const char *name, const char *text, size_t len)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	fwrite(text, 1, len, f);
	fclose(f);
	return path;
}

static void shipped_profiles_pass(void **state)
{
	struct prof_entry *v;
	struct vm_profile p;
	size_t n, shipped = 0;
	(void)state;
	assert_int_equal(prof_profile_list(&v, &n), 0);
	for (size_t i = 0; i < n; i++) {
		struct eng_error err = { 0 };
		if (!v[i].shipped)
			continue;
		shipped++;
		if (prof_profile_load(v[i].path, &p, &err) < 0)
			fail_msg("%s", err.msg);
		assert_true(p.cpus > 0 && p.memory_mib > 0);
		assert_true(p.description[0]);
	}
	assert_true(shipped >= 4);
	free(v);
}

struct broken {
	const char *file, *text, *want;   /* want: the start of the message after the path */
};

static void broken_profiles_fail(void **state)
{
	static const struct broken cases[] = {
		{ "size.ini", "[vm]\ncpus = 1\nmemory = 512M\n[disk]\nsize = 12 bananas\n", ":5: [disk] size:" },
		{ "huge.ini", "[vm]\ncpus = 1\nmemory = 99T\n", ":3: [vm] memory: out of range" },
		{ "cpus.ini", "[vm]\n\ncpus = 0\n", ":3: [vm] cpus:" },
		{ "key.ini", "[vm]\ncpus = 1\nmemroy = 512\n", ":3: unknown key 'memroy' in [vm]" },
		{ "sect.ini", "[vm]\ncpus = 1\n[disks]\nsize = 1G\n", ":3: unknown section [disks]" },
		{ "novm.ini", "[disk]\nsize = 4G\n", ":1: missing section [vm]" },
		{ "iso.ini", "[vm]\ncpus = 1\n[install]\niso = /nonexistent/debian.iso\n", ":4: [install] iso: '/nonexistent/debian.iso'" },
		{ "two.ini", "[vm]\ncpus = 1\n[install]\niso = two.ini\nimport = two.ini\n", "[install] import: give one install source" },
		{ "fmt.ini", "[vm]\ncpus = 1\n[disk]\nformat = vdi\n", ":4: [disk] format: use qcow2 or raw" },
		{ "net.ini", "[vm]\ncpus = 1\n[network]\nnic0 = a/b\n", ":4: [network] nic0: not a network name" },
		{ "agent.ini", "[vm]\ncpus = 1\n[tools]\nagent = perhaps\n", ":4: [tools] agent: use yes or no" },
		{ "initrd.ini", "[vm]\ncpus = 1\n[install]\ncmdline = quiet\n", "[install] cmdline: needs kernel" },
		{ "fw.ini", "[vm]\ncpus = 1\nfirmware = efi\n", ":3: [vm] firmware: use bios or uefi" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct eng_error err = { 0 };
		struct vm_profile p;
		const char *path = write_file(cases[i].file, cases[i].text, strlen(cases[i].text));
		if (prof_profile_load(path, &p, &err) == 0)
			fail_msg("%s: loaded, should have failed with '%s'", cases[i].file, cases[i].want);
		if (strncmp(err.msg, path, strlen(path)) != 0 || !strstr(err.msg, cases[i].want))
			fail_msg("%s: got '%s', want '%s'", cases[i].file, err.msg, cases[i].want);
		assert_null(strchr(err.msg, '\n'));
	}
	/* binary garbage */
	{
		static const char junk[] = "[vm]\ncpus = 1\n\x01\x02\xff\x00garbage\n";
		struct eng_error err = { 0 };
		struct vm_profile p;
		const char *path = write_file("junk.ini", junk, sizeof(junk) - 1);
		assert_int_equal(prof_profile_load(path, &p, &err), -1);
		assert_non_null(strstr(err.msg, ":3: not a text INI file"));
	}
	/* a NUL byte in the middle of a line (strlen stopped there: it passed) */
	{
		static const char nul[] = "[vm]\ncpus = 1\x00\nmemory = 1\n";
		struct eng_error err = { 0 };
		struct vm_profile p;
		const char *path = write_file("nul.ini", nul, sizeof(nul) - 1);
		assert_int_equal(prof_profile_load(path, &p, &err), -1);
		assert_non_null(strstr(err.msg, ":2: not a text INI file (control byte 0x00)"));
	}
	/* devices and directories are refused at once (/dev/zero was read forever) */
	{
		static const char *const not_files[] = { "/dev/zero", "/dev/null", "/", "/dev/tty" };
		for (size_t i = 0; i < sizeof(not_files) / sizeof(not_files[0]); i++) {
			struct eng_error err = { 0 };
			struct vm_profile p;
			assert_int_equal(prof_profile_load(not_files[i], &p, &err), -1);
			if (!strstr(err.msg, "not a regular file") && !strstr(err.msg, "cannot read it"))
				fail_msg("%s: %s", not_files[i], err.msg);
		}
	}
	/* more than 1 MiB is not a profile */
	{
		size_t big = (1u << 20) + 10;
		char *text = malloc(big);
		struct eng_error err = { 0 };
		struct vm_profile p;
		assert_non_null(text);
		memset(text, '#', big);
		text[big - 1] = '\n';
		assert_int_equal(prof_profile_load(write_file("big.ini", text, big), &p, &err), -1);
		assert_non_null(strstr(err.msg, "larger than 1 MiB"));
		free(text);
	}
}

static void relative_paths_and_values(void **state)
{
	struct eng_error err = { 0 };
	struct vm_profile p;
	const char *path;
	(void)state;
	write_file("vmlinuz", "k", 1);
	static const char rel[] = "[vm]\ncpus = 2\nmemory = 1G\n[disk]\nsize = 3\n[install]\nkernel = vmlinuz\n"
				  "cmdline = console=ttyS0\n[network]\nnic0 = default\nnic1 = lab\n[tools]\nagent = no\n";
	path = write_file("rel.ini", rel, strlen(rel));
	if (prof_profile_load(path, &p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(p.cpus, 2);
	assert_int_equal(p.memory_mib, 1024);
	assert_int_equal(p.disk_bytes, 3ULL << 30);   /* bare disk sizes are GiB */
	assert_non_null(strstr(p.kernel, dir));         /* relative to the profile's directory */
	assert_string_equal(p.cmdline, "console=ttyS0");
	assert_int_equal(p.n_nets, 2);
	assert_string_equal(p.nets[1], "lab");
	assert_false(p.agent);
	assert_string_equal(p.name, "rel");
}

/* libosinfo: a known OS gives its recommended memory; an unknown one names similar ids */
static void osinfo_defaults(void **state)
{
	struct eng_error err = { 0 };
	struct eng_os os;
	(void)state;
	if (eng_os_lookup("debian11", &os, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(os.name, "Debian 11");
	assert_string_equal(os.id, "http://debian.org/debian/11");
	assert_int_equal(os.ram_mib, 1024);
	assert_int_equal(eng_os_lookup("nosuchos11", &os, &err), -1);
	assert_non_null(strstr(err.msg, "unknown OS 'nosuchos11'"));
	assert_int_equal(eng_os_lookup("debia", &os, &err), -1);
	assert_non_null(strstr(err.msg, "debian11"));   /* names similar ids */
	/* a release newer than the database knows: the nearest older one, said */
	if (eng_os_lookup("debian99", &os, &err) < 0)
		fail_msg("%s", err.msg);
	assert_non_null(strstr(os.note, "OS 'debian99' is not in this host's libosinfo database: using debian"));
	assert_true(strncmp(os.short_id, "debian", 6) == 0 && atoi(os.short_id + 6) >= 11);
	assert_int_equal(eng_os_lookup("debian10", &os, &err), 0);
	assert_string_equal(os.note, "");
	assert_int_equal(eng_os_lookup("ubuntu99.10", &os, &err), 0);
	assert_true(strncmp(os.short_id, "ubuntu", 6) == 0);
}

/* the shipped profiles name OSes this host's database has, or resolves */
static void shipped_profiles_os(void **state)
{
	struct prof_entry *v = NULL;
	size_t n = 0;
	(void)state;
	prof_profile_list(&v, &n);
	assert_true(n >= 4);
	for (size_t i = 0; i < n; i++) {
		struct vm_profile p;
		struct eng_error err = { 0 };
		struct eng_os os;
		if (!v[i].shipped)
			continue;
		if (prof_profile_load(v[i].path, &p, &err) < 0)
			fail_msg("%s: %s", v[i].path, err.msg);
		if (p.os[0] && eng_os_lookup(p.os, &os, &err) < 0)
			fail_msg("%s: os = %s: %s", v[i].name, p.os, err.msg);
	}
	free(v);
}

static void osinfo_in_domain_xml(void **state)
{
	struct eng_error err = { 0 };
	struct vm_spec s = { .name = "o1", .cpus = 1, .memory_mib = 1024, .os_id = "http://debian.org/debian/11" };
	char *xml = eng_domxml_build(&s, &err);
	(void)state;
	assert_non_null(xml);
	assert_non_null(strstr(xml, "<libosinfo:libosinfo xmlns:libosinfo=\"http://libosinfo.org/xmlns/libvirt/domain/1.0\">"));
	assert_non_null(strstr(xml, "<libosinfo:os id=\"http://debian.org/debian/11\"/>"));
	free(xml);
}

/* The wizard's answers saved as a profile read back the same; nothing is overwritten. */
static void save_round_trip(void **state)
{
	struct vm_profile p = { .cpus = 2, .memory_mib = 384, .disk_bytes = 2ULL << 30, .agent = true, .n_nets = 2,
				.firmware = "uefi" };
	struct vm_profile back;
	struct eng_error err = { 0 };
	char path[1100], conf[600];
	(void)state;
	snprintf(conf, sizeof(conf), "%s/conf", dir);
	setenv("XDG_CONFIG_HOME", conf, 1);
	snprintf(p.description, sizeof(p.description), "from the wizard; a 'quoted' word");
	snprintf(p.os, sizeof(p.os), "debian11");
	snprintf(p.iso, sizeof(p.iso), "%s", write_file("my iso.iso", "x", 1));
	snprintf(p.nets[0], sizeof(p.nets[0]), "default");
	snprintf(p.nets[1], sizeof(p.nets[1]), "lab");
	if (prof_profile_save("saved1", &p, path, sizeof(path), &err) < 0)
		fail_msg("%s", err.msg);
	assert_non_null(strstr(path, "/conf/vmdeck/profiles/saved1.ini"));
	assert_int_equal(prof_profile_load(path, &back, &err), 0);
	assert_string_equal(back.description, p.description);
	assert_string_equal(back.os, "debian11");
	assert_int_equal(back.cpus, 2);
	assert_int_equal(back.memory_mib, 384);
	assert_int_equal(back.disk_bytes, 2ULL << 30);
	assert_string_equal(back.iso, p.iso);
	assert_int_equal(back.n_nets, 2);
	assert_string_equal(back.nets[1], "lab");
	assert_true(back.agent);
	assert_string_equal(back.firmware, "uefi");
	/* found by name like the shipped ones */
	assert_int_equal(prof_profile_find("saved1", conf, sizeof(conf), &err), 0);
	assert_string_equal(conf, path);
	/* never over an existing profile */
	assert_int_equal(prof_profile_save("saved1", &p, path, sizeof(path), &err), -1);
	assert_non_null(strstr(err.msg, "exists"));
	assert_int_equal(prof_profile_load(path, &back, &err), 0);
	/* what cannot be written is refused and leaves no file */
	snprintf(p.description, sizeof(p.description), "a \"quote\"");
	assert_int_equal(prof_profile_save("saved2", &p, path, sizeof(path), &err), -1);
	assert_non_null(strstr(err.msg, "description"));
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(prof_profile_save("bad/name", &p, path, sizeof(path), &err), -1);
	snprintf(path, sizeof(path), "%s/conf/vmdeck/profiles/saved1.ini", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/conf/vmdeck/profiles", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/conf/vmdeck", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/conf", dir);
	rmdir(path);
}

/* The wizard's OS list and step 5's install commands. */
static void os_list_and_agent_hints(void **state)
{
	struct eng_error err = { 0 };
	struct eng_os *v;
	size_t n;
	const struct eng_os *deb = NULL;
	(void)state;
	assert_int_equal(eng_os_list(&v, &n, &err), 0);
	assert_true(n > 100);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].short_id, "debian11") == 0)
			deb = &v[i];
		if (i)   /* in natural order: versions as numbers */
			assert_true(eng_natural_cmp(v[i - 1].name, v[i].name) <= 0);
	}
	assert_non_null(deb);
	/* Alpine Linux 3.5 sorts before 3.10 */
	{
		ssize_t a35 = -1, a310 = -1;
		for (size_t i = 0; i < n; i++) {
			if (strcmp(v[i].short_id, "alpinelinux3.5") == 0)
				a35 = (ssize_t)i;
			if (strcmp(v[i].short_id, "alpinelinux3.10") == 0)
				a310 = (ssize_t)i;
		}
		assert_true(a35 >= 0 && a310 >= 0);   /* (osinfo-db of Debian 12 has both) */
		assert_true(a35 < a310);
	}
	assert_true(eng_natural_cmp("alpinelinux3.5", "alpinelinux3.10") < 0);
	assert_true(eng_natural_cmp("Debian 9", "debian 10") < 0);
	assert_true(eng_natural_cmp("win2k8", "win2k8") == 0);
	assert_true(eng_natural_cmp("b1", "a10") > 0);
	assert_int_equal(deb->ram_mib, 1024);
	assert_string_equal(deb->distro, "debian");
	assert_string_equal(deb->family, "linux");
	assert_non_null(strstr(eng_os_agent_hint(deb->distro, deb->family), "apt-get install qemu-guest-agent"));
	assert_non_null(strstr(eng_os_agent_hint("fedora", "linux"), "dnf install"));
	assert_non_null(strstr(eng_os_agent_hint(NULL, "freebsd"), "pkg install"));
	assert_non_null(strstr(eng_os_agent_hint("win", "winnt"), "virtio-win"));
	assert_non_null(strstr(eng_os_agent_hint("plan9", "unknown"), "qemu-guest-agent"));
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_profiles_pass),
		cmocka_unit_test(broken_profiles_fail),
		cmocka_unit_test(relative_paths_and_values),
		cmocka_unit_test(osinfo_defaults),
		cmocka_unit_test(shipped_profiles_os),
		cmocka_unit_test(osinfo_in_domain_xml),
		cmocka_unit_test(save_round_trip),
		cmocka_unit_test(os_list_and_agent_hints),
	};
	int rc;

	if (!mkdtemp(dir))
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	/* remove the fixtures (no shell: unlink each) */
	const char *files[] = { "size.ini", "huge.ini", "cpus.ini", "key.ini", "sect.ini", "novm.ini", "iso.ini",
				"two.ini", "fmt.ini", "net.ini", "agent.ini", "initrd.ini", "junk.ini", "vmlinuz", "rel.ini",
				"my iso.iso", "fw.ini", "nul.ini", "big.ini" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char p[600];
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		unlink(p);
	}
	rmdir(dir);
	return rc;
}
