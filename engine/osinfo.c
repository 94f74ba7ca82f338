/* osinfo.c - OS facts from libosinfo: a short id (debian11, win10) to its
 * full id, name and recommended resources, as virt-install and virt-manager
 * take them. Loading the database takes about a second, so it is done only
 * when an OS is asked for. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int eng_os_lookup(const char *short_id, struct eng_os *out, struct eng_error *err)
{
	OsinfoLoader *loader = osinfo_loader_new();
	GError *gerr = NULL;
	OsinfoDb *db;
	OsinfoOsList *oses;
	OsinfoFilter *filter;
	OsinfoList *match;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	osinfo_loader_process_default_path(loader, &gerr);
	if (gerr) {
		eng_err_set(err, ENG_E_FAILED, "cannot read libosinfo's OS database: %s", gerr->message);
		g_error_free(gerr);
		g_object_unref(loader);
		return -1;
	}
	db = osinfo_loader_get_db(loader);
	oses = osinfo_db_get_os_list(db);
	filter = osinfo_filter_new();
	osinfo_filter_add_constraint(filter, OSINFO_PRODUCT_PROP_SHORT_ID, short_id);
	match = osinfo_list_new_filtered(OSINFO_LIST(oses), filter);
	if (osinfo_list_get_length(match) == 0) {
		char near[256];
		similar(oses, short_id, near, sizeof(near));
		eng_err_set(err, ENG_E_INVALID, "unknown OS '%s' in this host's libosinfo database%s%s%s", short_id,
			    near[0] ? " (known: " : "", near, near[0] ? ")" : "");
	} else {
		OsinfoOs *os = OSINFO_OS(osinfo_list_get_nth(match, 0));
		OsinfoResourcesList *rl = osinfo_os_get_recommended_resources(os);
		snprintf(out->short_id, sizeof(out->short_id), "%s", short_id);
		snprintf(out->id, sizeof(out->id), "%s", osinfo_entity_get_id(OSINFO_ENTITY(os)));
		snprintf(out->name, sizeof(out->name), "%s", osinfo_product_get_name(OSINFO_PRODUCT(os)));
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
		ret = 0;
	}
	g_object_unref(match);
	g_object_unref(filter);
	g_object_unref(oses);
	g_object_unref(loader);
	return ret;
}
