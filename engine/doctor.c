/* doctor.c - what interrupted operations left, and only what vmdeck can
 * prove it made: an interrupted clone's volumes (from its journal, clone.c)
 * and cloud-init seeds of vmdeck's pool (NAME-seed.iso) whose guest was never
 * defined and that no guest uses (a create or lab up killed between the
 * seed's upload and the definition). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "storage.h"
#include "xmlutil.h"

/* every disk path any guest uses, live or in its configuration */
static bool path_in_use(struct eng *e, const char *path)
{
	virDomainPtr *doms = NULL;
	int n = virConnectListAllDomains(e->conn, &doms, 0);
	bool used = false;

	for (int i = 0; i < n; i++) {
		for (int k = 0; k < 2 && !used; k++) {
			char *xml = virDomainGetXMLDesc(doms[i], k ? VIR_DOMAIN_XML_INACTIVE : 0);
			used = xml && strstr(xml, path) != NULL;
			free(xml);
		}
		virDomainFree(doms[i]);
	}
	free(doms);
	return used;
}

static int seed_leftovers(struct eng *e, bool remove, struct eng_leftover **v, size_t *n)
{
	virStoragePoolPtr p = virStoragePoolLookupByName(e->conn, ENG_POOL_NAME);
	virStorageVolPtr *vols = NULL;
	int nv;

	if (!p)
		return 0;
	virStoragePoolRefresh(p, 0);
	nv = virStoragePoolListAllVolumes(p, &vols, 0);
	for (int i = 0; i < nv; i++) {
		const char *name = virStorageVolGetName(vols[i]);
		size_t l = strlen(name);
		char vm[ENG_NAME_MAX + 1], *path = NULL;
		struct eng_leftover *o, *nvv;

		if (l <= 9 || l - 9 > ENG_NAME_MAX || strcmp(name + l - 9, "-seed.iso") != 0)
			goto next;
		snprintf(vm, sizeof(vm), "%.*s", (int)(l - 9), name);
		if (!eng_name_valid(vm) || eng_domain_exists(e, vm) || !(path = virStorageVolGetPath(vols[i])) ||
		    path_in_use(e, path))
			goto next;
		if (remove && virStorageVolDelete(vols[i], 0) < 0)
			goto next;
		if (!(nvv = realloc(*v, (*n + 1) * sizeof(**v))))
			goto next;
		*v = nvv;
		o = &(*v)[(*n)++];
		memset(o, 0, sizeof(*o));
		snprintf(o->kind, sizeof(o->kind), "seed-volume");
		snprintf(o->path, sizeof(o->path), "%s", path);
		snprintf(o->what, sizeof(o->what), "cloud-init seed of %s, a guest that was never defined", vm);
next:
		free(path);
		virStorageVolFree(vols[i]);
	}
	free(vols);
	virStoragePoolFree(p);
	return 0;
}

int eng_doctor(struct eng *e, bool remove, struct eng_leftover **out, size_t *n, struct eng_error *err)
{
	if (remove && eng_refuse_readonly(e, "remove", "what interrupted operations left", err) < 0)
		return -1;
	if (eng_clone_leftovers(e, remove, out, n) < 0)
		return -1;
	return seed_leftovers(e, remove, out, n);
}
