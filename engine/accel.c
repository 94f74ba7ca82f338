/* accel.c - KVM or TCG. libvirt advertises <domain type='kvm'> whenever /dev/kvm
 * exists, but on a paravirtual nested KVM (the kvm_pvm module) standard guest
 * kernels hang, so auto only trusts KVM backed by kvm_intel or kvm_amd. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"

static const struct {
	const char *name;
	enum eng_accel mode;
} accel_names[] = {
	{ "auto", ENG_ACCEL_AUTO },
	{ "kvm", ENG_ACCEL_KVM },
	{ "tcg", ENG_ACCEL_TCG },
};

int eng_accel_from_string(const char *s, enum eng_accel *out)
{
	for (size_t i = 0; i < sizeof(accel_names) / sizeof(accel_names[0]); i++)
		if (strcmp(s, accel_names[i].name) == 0) {
			*out = accel_names[i].mode;
			return 0;
		}
	return -1;
}

static bool path_is_dir(const char *root, const char *p)
{
	char buf[4096];
	struct stat st;

	snprintf(buf, sizeof(buf), "%s%s", root, p);
	return stat(buf, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool path_rw(const char *root, const char *p)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s%s", root, p);
	return access(buf, R_OK | W_OK) == 0;
}

static void choose(struct eng_accel_choice *out, bool kvm, const char *why)
{
	out->virt_type = kvm ? "kvm" : "qemu";
	out->accel = kvm ? "kvm" : "tcg";
	snprintf(out->why, sizeof(out->why), "%s", why);
}

void eng_accel_pick(enum eng_accel mode, const char *root, struct eng_accel_choice *out)
{
	bool dev = path_rw(root, "/dev/kvm");
	bool hw = path_is_dir(root, "/sys/module/kvm_intel") ||
		  path_is_dir(root, "/sys/module/kvm_amd");
	bool pvm = path_is_dir(root, "/sys/module/kvm_pvm");

	if (mode == ENG_ACCEL_TCG) {
		choose(out, false, "forced with --accel tcg");
		return;
	}
	if (mode == ENG_ACCEL_KVM) {
		choose(out, true, dev ? "forced with --accel kvm"
				      : "forced with --accel kvm (but /dev/kvm is not usable)");
		return;
	}
	if (dev && hw)
		choose(out, true, "/dev/kvm with hardware virtualization (kvm_intel/kvm_amd)");
	else if (dev && pvm)
		choose(out, false, "/dev/kvm is paravirtual nested KVM (kvm_pvm): "
				   "standard guests hang under it, using TCG");
	else if (dev)
		choose(out, false, "/dev/kvm without kvm_intel/kvm_amd: using TCG");
	else
		choose(out, false, "no usable /dev/kvm: using TCG (software emulation)");
}
