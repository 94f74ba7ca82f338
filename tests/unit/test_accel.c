/* Acceleration choice on fake /dev and /sys trees. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"

static char root[256];

static void mk(const char *rel, bool dir)
{
	char p[512];
	snprintf(p, sizeof(p), "%s%s", root, rel);
	if (dir) {
		assert_int_equal(mkdir(p, 0755), 0);
	} else {
		int fd = open(p, O_CREAT | O_WRONLY, 0666);
		assert_true(fd >= 0);
		close(fd);
	}
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/vmdeck-accel-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	mk("/dev", true);
	mk("/sys", true);
	mk("/sys/module", true);
	return 0;
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int teardown(void **state)
{
	(void)state;
	/* only our own mkdtemp directory */
	return nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void no_kvm_device(void **state)
{
	struct eng_accel_choice c;
	(void)state;
	eng_accel_pick(ENG_ACCEL_AUTO, root, &c);
	assert_string_equal(c.virt_type, "qemu");
	assert_string_equal(c.accel, "tcg");
	assert_non_null(strstr(c.why, "/dev/kvm"));
}

static void pvm_means_tcg(void **state)
{
	struct eng_accel_choice c;
	(void)state;
	mk("/dev/kvm", false);
	mk("/sys/module/kvm", true);
	mk("/sys/module/kvm_pvm", true);
	eng_accel_pick(ENG_ACCEL_AUTO, root, &c);
	assert_string_equal(c.virt_type, "qemu");
	assert_non_null(strstr(c.why, "kvm_pvm"));
	/* the override still works */
	eng_accel_pick(ENG_ACCEL_KVM, root, &c);
	assert_string_equal(c.virt_type, "kvm");
}

static void hardware_kvm(void **state)
{
	struct eng_accel_choice c;
	(void)state;
	mk("/sys/module/kvm_intel", true);
	eng_accel_pick(ENG_ACCEL_AUTO, root, &c);
	assert_string_equal(c.virt_type, "kvm");
	assert_string_equal(c.accel, "kvm");
	eng_accel_pick(ENG_ACCEL_TCG, root, &c);
	assert_string_equal(c.virt_type, "qemu");
	assert_non_null(strstr(c.why, "--accel tcg"));
}

static void names(void **state)
{
	enum eng_accel a;
	(void)state;
	assert_int_equal(eng_accel_from_string("tcg", &a), 0);
	assert_int_equal(a, ENG_ACCEL_TCG);
	assert_int_equal(eng_accel_from_string("xen", &a), -1);
}

int main(void)
{
	/* order matters: each test adds to the fake tree */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_kvm_device),
		cmocka_unit_test(pvm_means_tcg),
		cmocka_unit_test(hardware_kvm),
		cmocka_unit_test(names),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
