/* Domain XML from a vm_spec, compared with golden files in tests/golden/.
 * VMDECK_UPDATE_GOLDEN=1 rewrites them (review the diff before committing). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "testutil.h"

static void check_golden(const struct vm_spec *s, const char *name)
{
	char path[512], *want;
	struct eng_error err = { 0 };
	char *xml = eng_domxml_build(s, &err);

	assert_non_null(xml);
	snprintf(path, sizeof(path), "%s/%s.xml", GOLDENDIR, name);
	if (getenv("VMDECK_UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs(xml, f);
		fclose(f);
	}
	want = test_slurp(path);
	assert_non_null(want);
	assert_string_equal(xml, want);
	free(want);
	free(xml);
}

static void kernel_boot(void **state)
{
	struct vm_spec s = {
		.name = "tiny1", .virt_type = "qemu", .cpus = 1, .memory_mib = 256,
		.kernel = "/img/vmlinuz", .initrd = "/img/initrd.gz", .cmdline = "console=ttyS0 quiet",
		.networks = { "default" }, .n_networks = 1,
		.disks = { { .path = "/pool/tiny1.qcow2", .format = "qcow2" } }, .n_disks = 1,
		.serial_log = "/var/log/libvirt/qemu/tiny1-serial.log",
	};
	(void)state;
	check_golden(&s, "kernel-boot");
}

static void graphics_none(void **state)
{
	/* --graphics none: no screen at all (the default has VNC on loopback) */
	struct vm_spec s = { .name = "headless", .virt_type = "qemu", .cpus = 1, .memory_mib = 64,
			     .kernel = "/k", .no_graphics = true };
	struct eng_error err = { 0 };
	char *xml;
	(void)state;
	assert_non_null(xml = eng_domxml_build(&s, &err));
	assert_null(strstr(xml, "<graphics"));
	free(xml);
	s.no_graphics = false;
	assert_non_null(xml = eng_domxml_build(&s, &err));
	assert_non_null(strstr(xml, "<graphics type=\"vnc\" listen=\"127.0.0.1\" autoport=\"yes\"/>"));
	free(xml);
}

static void iso_install_two_nets(void **state)
{
	struct vm_spec s = {
		.name = "web1", .virt_type = "kvm", .cpus = 2, .max_cpus = 4, .memory_mib = 2048,
		.max_memory_mib = 4096, .iso = "/iso/debian.iso", .install_run = true, .cd_boot = true,
		.networks = { "default", "lab-int" }, .n_networks = 2,
		.disks = { { .path = "/pool/web1.qcow2", .format = "qcow2" },
			   { .path = "/iso/debian.iso", .format = "raw", .cdrom = true } },
		.n_disks = 2,
	};
	(void)state;
	check_golden(&s, "iso-install");
}

static void uefi_cloud_image(void **state)
{
	/* an imported cloud image with its seed on the second CD slot, booted by OVMF */
	struct vm_spec s = {
		.name = "cloud1", .virt_type = "kvm", .cpus = 2, .memory_mib = 1024, .firmware = "uefi",
		.networks = { "default" }, .n_networks = 1,
		.disks = { { .path = "/pool/cloud1-disk0.qcow2", .format = "qcow2" },
			   { .path = "/iso/install.iso", .format = "raw", .cdrom = true },
			   { .path = "/pool/cloud1-seed.iso", .format = "raw", .cdrom = true } },
		.n_disks = 3,
	};
	(void)state;
	check_golden(&s, "uefi-seed");
}

static void user_text_is_escaped(void **state)
{
	/* a cmdline with markup characters must stay text, never become XML */
	struct vm_spec s = { .name = "esc", .virt_type = "qemu", .cpus = 1, .memory_mib = 64,
			     .kernel = "/k", .cmdline = "a='b' <c/> & d" };
	struct eng_error err = { 0 };
	char *xml;
	(void)state;
	xml = eng_domxml_build(&s, &err);
	assert_non_null(xml);
	assert_non_null(strstr(xml, "<cmdline>a='b' &lt;c/&gt; &amp; d</cmdline>"));
	free(xml);
}

static void bad_spec(void **state)
{
	struct vm_spec s = { .name = "a;b", .cpus = 1, .memory_mib = 64 };
	struct eng_error err = { 0 };
	(void)state;
	assert_null(eng_domxml_build(&s, &err));
	assert_non_null(strstr(err.msg, "a;b"));
	s.name = "ok";
	s.memory_mib = 0;
	assert_null(eng_domxml_build(&s, &err));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kernel_boot),
		cmocka_unit_test(iso_install_two_nets),
		cmocka_unit_test(graphics_none),
		cmocka_unit_test(uefi_cloud_image),
		cmocka_unit_test(user_text_is_escaped),
		cmocka_unit_test(bad_spec),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
