/* osinfo.c - OS facts from libosinfo: a short id (debian11, win10) to its
 * full id, name and recommended resources, as virt-install and virt-manager
 * take them. Loading the database takes about a second, so it is done only
 * when an OS is asked for. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <osinfo/osinfo.h>

#include "engine.h"

/* Short ids with the same leading letters as id ("debian12" -> debian11,
 * debiantesting ...), to name in the error. */
static void similar(OsinfoOsList *oses, const char *id, char *out, size_t len)
{
	size_t alpha = 0, n = 0;

	while (id[alpha] && isalpha((unsigned char)id[alpha]))
		alpha++;
	out[0] = '\0';
	for (int i = osinfo_list_get_length(OSINFO_LIST(oses)) - 1; alpha >= 3 && i >= 0 && n < 5; i--) {
		const char *sid = osinfo_product_get_short_id(OSINFO_PRODUCT(osinfo_list_get_nth(OSINFO_LIST(oses), i)));
		if (sid && strncmp(sid, id, alpha) == 0) {
			size_t used = strlen(out);
			snprintf(out + used, len - used, "%s%s", n ? ", " : "", sid);
			n++;
		}
	}
}

/* "12" < "13", "22.04" < "22.10", "3.5" < "3.10": dotted numbers compared
 * part by part. */
static int version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		char *ea, *eb;
		unsigned long x = strtoul(a, &ea, 10), y = strtoul(b, &eb, 10);
		if (x != y)
			return x < y ? -1 : 1;
		a = *ea == '.' ? ea + 1 : ea;
		b = *eb == '.' ? eb + 1 : eb;
		if (ea == a && eb == b && !isdigit((unsigned char)*a) && !isdigit((unsigned char)*b))
			break;
	}
	return 0;
}

/* A newer release than the database knows ("debian12" on a host whose
 * osinfo-db stops at debian11): the same OS's newest older release, whose
 * recommendations are the closest there are. NULL when there is none. */
static OsinfoOs *nearest_older(OsinfoOsList *oses, const char *id)
{
	size_t alpha = 0;
	OsinfoOs *best = NULL;
	const char *best_ver = NULL;

	while (id[alpha] && isalpha((unsigned char)id[alpha]))
		alpha++;
	if (alpha < 3 || !isdigit((unsigned char)id[alpha]) || strspn(id + alpha, "0123456789.") != strlen(id + alpha))
		return NULL;
	for (int i = 0; i < osinfo_list_get_length(OSINFO_LIST(oses)); i++) {
		OsinfoOs *os = OSINFO_OS(osinfo_list_get_nth(OSINFO_LIST(oses), i));
		const char *sid = osinfo_product_get_short_id(OSINFO_PRODUCT(os)), *ver;
		if (!sid || strncmp(sid, id, alpha) != 0 || !isdigit((unsigned char)sid[alpha]))
			continue;
		ver = sid + alpha;
		if (strspn(ver, "0123456789.") != strlen(ver) || version_cmp(ver, id + alpha) >= 0)
			continue;
		if (!best_ver || version_cmp(ver, best_ver) > 0) {
			best = os;
			best_ver = ver;
		}
	}
	return best;
}

static OsinfoLoader *load_db(struct eng_error *err)
{
	OsinfoLoader *loader = osinfo_loader_new();
	GError *gerr = NULL;

	osinfo_loader_process_default_path(loader, &gerr);
	if (gerr) {
		eng_err_set(err, ENG_E_FAILED, "cannot read libosinfo's OS database: %s", gerr->message);
		g_error_free(gerr);
		g_object_unref(loader);
		return NULL;
	}
	return loader;
}

static void copy_prop(char *out, size_t len, const char *v)
{
	snprintf(out, len, "%s", v ? v : "");
}

static void fill_os(OsinfoOs *os, struct eng_os *out)
{
	OsinfoResourcesList *rl = osinfo_os_get_recommended_resources(os);

	memset(out, 0, sizeof(*out));
	copy_prop(out->short_id, sizeof(out->short_id), osinfo_product_get_short_id(OSINFO_PRODUCT(os)));
	copy_prop(out->id, sizeof(out->id), osinfo_entity_get_id(OSINFO_ENTITY(os)));
	copy_prop(out->name, sizeof(out->name), osinfo_product_get_name(OSINFO_PRODUCT(os)));
	copy_prop(out->family, sizeof(out->family), osinfo_os_get_family(os));
	copy_prop(out->distro, sizeof(out->distro), osinfo_os_get_distro(os));
	for (int i = 0; rl && i < osinfo_list_get_length(OSINFO_LIST(rl)); i++) {
		OsinfoResources *r = OSINFO_RESOURCES(osinfo_list_get_nth(OSINFO_LIST(rl), i));
		const char *arch = osinfo_resources_get_architecture(r);
		if (arch && strcmp(arch, "all") && strcmp(arch, "x86_64"))
			continue;
		if (osinfo_resources_get_ram(r) > 0)
			out->ram_mib = (unsigned long long)osinfo_resources_get_ram(r) >> 20;
		if (osinfo_resources_get_n_cpus(r) > 0)
			out->cpus = (unsigned)osinfo_resources_get_n_cpus(r);
		if (osinfo_resources_get_storage(r) > 0)
			out->storage_bytes = (unsigned long long)osinfo_resources_get_storage(r);
	}
	if (rl)
		g_object_unref(rl);
}

int eng_os_lookup(const char *short_id, struct eng_os *out, struct eng_error *err)
{
	OsinfoLoader *loader = load_db(err);
	OsinfoOsList *oses;
	OsinfoFilter *filter;
	OsinfoList *match;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (!loader)
		return -1;
	oses = osinfo_db_get_os_list(osinfo_loader_get_db(loader));
	filter = osinfo_filter_new();
	osinfo_filter_add_constraint(filter, OSINFO_PRODUCT_PROP_SHORT_ID, short_id);
	match = osinfo_list_new_filtered(OSINFO_LIST(oses), filter);
	if (osinfo_list_get_length(match) == 0) {
		char near[256];
		OsinfoOs *older = nearest_older(oses, short_id);
		if (older) {
			fill_os(older, out);
			snprintf(out->note, sizeof(out->note), "OS '%s' is not in this host's libosinfo database: "
				 "using %s, the nearest release it knows", short_id, out->short_id);
			ret = 0;
		} else {
			similar(oses, short_id, near, sizeof(near));
			eng_err_set(err, ENG_E_INVALID, "unknown OS '%s' in this host's libosinfo database%s%s%s", short_id,
				    near[0] ? " (known: " : "", near, near[0] ? ")" : "");
		}
	} else {
		fill_os(OSINFO_OS(osinfo_list_get_nth(match, 0)), out);
		snprintf(out->short_id, sizeof(out->short_id), "%s", short_id);
		ret = 0;
	}
	g_object_unref(match);
	g_object_unref(filter);
	g_object_unref(oses);
	g_object_unref(loader);
	return ret;
}

static int by_name(const void *a, const void *b)
{
	return eng_natural_cmp(((const struct eng_os *)a)->name, ((const struct eng_os *)b)->name);
}

int eng_os_list(struct eng_os **out, size_t *n, struct eng_error *err)
{
	OsinfoLoader *loader = load_db(err);
	OsinfoOsList *oses;
	size_t count = 0, len;

	*out = NULL;
	*n = 0;
	if (!loader)
		return -1;
	oses = osinfo_db_get_os_list(osinfo_loader_get_db(loader));
	len = (size_t)osinfo_list_get_length(OSINFO_LIST(oses));
	if (!(*out = calloc(len + 1, sizeof(**out)))) {
		eng_err_set(err, ENG_E_FAILED, "out of memory reading the OS database");
	} else {
		for (size_t i = 0; i < len; i++) {
			fill_os(OSINFO_OS(osinfo_list_get_nth(OSINFO_LIST(oses), (int)i)), &(*out)[count]);
			if ((*out)[count].short_id[0])
				count++;
		}
		qsort(*out, count, sizeof(**out), by_name);
		*n = count;
	}
	g_object_unref(oses);
	g_object_unref(loader);
	return *out ? 0 : -1;
}

/* Step 5, guest tools: how each family installs qemu-guest-agent. */
static const struct {
	const char *distro;   /* libosinfo's distro, or NULL for any of the family */
	const char *family;
	const char *how;
} agent_hints[] = {
	{ "debian", NULL, "apt-get install qemu-guest-agent && systemctl enable --now qemu-guest-agent" },
	{ "ubuntu", NULL, "apt-get install qemu-guest-agent && systemctl enable --now qemu-guest-agent" },
	{ "fedora", NULL, "dnf install qemu-guest-agent && systemctl enable --now qemu-guest-agent" },
	{ "rhel", NULL, "dnf install qemu-guest-agent && systemctl enable --now qemu-guest-agent" },
	{ "centos", NULL, "dnf install qemu-guest-agent && systemctl enable --now qemu-guest-agent" },
	{ "rocky", NULL, "dnf install qemu-guest-agent && systemctl enable --now qemu-guest-agent" },
	{ "almalinux", NULL, "dnf install qemu-guest-agent && systemctl enable --now qemu-guest-agent" },
	{ "opensuse", NULL, "zypper install qemu-guest-agent && systemctl enable --now qemu-guest-agent" },
	{ "sles", NULL, "zypper install qemu-guest-agent && systemctl enable --now qemu-guest-agent" },
	{ "archlinux", NULL, "pacman -S qemu-guest-agent && systemctl enable --now qemu-guest-agent" },
	{ "alpinelinux", NULL, "apk add qemu-guest-agent && rc-update add qemu-guest-agent" },
	{ "win", NULL, "run virtio-win-guest-tools.exe from the virtio-win ISO (vmdeck cdrom VM virtio-win.iso)" },
	{ NULL, "freebsd", "pkg install qemu-guest-agent && sysrc qemu_guest_agent_enable=YES && service qemu-guest-agent start" },
	{ NULL, "linux", "install your distribution's qemu-guest-agent package and start its service" },
	{ NULL, "winnt", "run virtio-win-guest-tools.exe from the virtio-win ISO (vmdeck cdrom VM virtio-win.iso)" },
};

const char *eng_os_agent_hint(const char *distro, const char *family)
{
	for (size_t i = 0; i < sizeof(agent_hints) / sizeof(agent_hints[0]); i++) {
		if (agent_hints[i].distro ? distro && strcmp(agent_hints[i].distro, distro) == 0
					  : family && strcmp(agent_hints[i].family, family) == 0)
			return agent_hints[i].how;
	}
	return "install the guest's qemu-guest-agent package (Linux) or the virtio-win guest tools (Windows)";
}
