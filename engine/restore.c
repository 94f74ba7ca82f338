/* restore.c - a guest made again from a backup (backup.c): its chain of
 * qcow2 files read through (qemu-img follows each file's relative backing
 * file to the full backup it starts from) into new volumes of vmdeck's pool,
 * and its definition with a new name, UUID and MAC addresses, no longer a
 * template, clone or lab seat. --replace puts the disks back under a stopped
 * guest instead, keeping its definition. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage.h"
#include "template.h"
#include "xmlutil.h"
#include <libxml/xpathInternals.h>

#define RS_MAX_DISKS 16

struct rs_disk {
	char target[16];
	char file[1200];     /* in the backup */
	char to[1100];       /* the new volume, or the replaced disk */
};

/* the manifest's disks; -1 with a reason for anything that is not a complete backup */
static int read_backup(const char *bdir, struct rs_disk *disks, int *nd, char *vm, size_t vlen, bool *nvram,
		       struct eng_error *err)
{
	char path[1200];
	json_object *m, *v, *arr;

	*nd = 0;
	eng_pathf(path, sizeof(path), "%s/manifest.json", bdir);
	if (!(m = json_object_from_file(path))) {
		eng_err_set(err, ENG_E_NOT_FOUND, "%s is not a complete vmdeck backup (no readable manifest.json)", bdir);
		return -1;
	}
	if (!json_object_object_get_ex(m, "vm", &v) || !json_object_object_get_ex(m, "disks", &arr) ||
	    !json_object_is_type(arr, json_type_array) || json_object_array_length(arr) > RS_MAX_DISKS) {
		json_object_put(m);
		eng_err_set(err, ENG_E_FAILED, "%s/manifest.json: not a vmdeck backup manifest", bdir);
		return -1;
	}
	snprintf(vm, vlen, "%s", json_object_get_string(v));
	*nvram = json_object_object_get_ex(m, "nvram", &v) && json_object_get_string(v);
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *d = json_object_array_get_idx(arr, i), *t, *f;
		const char *file;
		if (!json_object_object_get_ex(d, "target", &t) || !json_object_object_get_ex(d, "file", &f) ||
		    strchr((file = json_object_get_string(f)), '/') || file[0] == '.') {
			json_object_put(m);
			eng_err_set(err, ENG_E_FAILED, "%s/manifest.json: a disk without target or file", bdir);
			return -1;
		}
		snprintf(disks[*nd].target, sizeof(disks[0].target), "%s", json_object_get_string(t));
		eng_pathf(disks[*nd].file, sizeof(disks[0].file), "%s/%s", bdir, file);
		if (access(disks[*nd].file, R_OK) != 0) {
			json_object_put(m);
			eng_err_set(err, ENG_E_NOT_FOUND, "backup %s: %s is missing", bdir, disks[*nd].file);
			return -1;
		}
		(*nd)++;
	}
	json_object_put(m);
	return 0;
}

/* the chain read through into to (a new file, 0600 by eng_qemu_img's umask) */
static int flatten(const struct rs_disk *k, const char *what, struct eng_error *err)
{
	char *argv[] = { "qemu-img", "convert", "-p", "-f", "qcow2", "-O", "qcow2", "-o", "compat=1.1",
			 (char *)k->file, (char *)k->to, NULL };
	return eng_qemu_img(argv, what, err);
}

/* the backup's definition made a new guest's: name, disks; no UUID, MACs,
 * vmdeck metadata (links to bases, clones, labs, forwards) */
static char *new_definition(const char *bdir, const char *name, const struct rs_disk *disks, int nd,
			    const char *nvram_to, struct eng_error *err)
{
	char path[1200];
	struct xdoc x;
	xmlXPathObjectPtr o;
	char *xml, *out;

	eng_pathf(path, sizeof(path), "%s/domain.xml", bdir);
	if (!(xml = eng_file_slurp(path, 4 << 20))) {
		eng_err_set(err, ENG_E_FAILED, "backup %s: cannot read domain.xml", bdir);
		return NULL;
	}
	if (xdoc_parse(&x, xml) < 0) {
		free(xml);
		eng_err_set(err, ENG_E_FAILED, "backup %s: domain.xml is not XML", bdir);
		return NULL;
	}
	free(xml);
	xmlXPathRegisterNs(x.ctx, (const xmlChar *)"vd", (const xmlChar *)VMDECK_XMLNS);
	static const char *const drop[] = { "/domain/uuid", "/domain/devices/interface/mac",
					    "/domain/metadata/vd:vmdeck", "/domain/devices/graphics/@port",
					    "/domain/devices/disk[@device='disk']/backingStore" };
	for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++) {
		o = xdoc_nodes(&x, NULL, drop[i]);
		for (int k = 0; o && o->nodesetval && k < o->nodesetval->nodeNr; k++) {
			xmlNodePtr n = o->nodesetval->nodeTab[k];
			xmlUnlinkNode(n);
			xmlFreeNode(n);
		}
		xmlXPathFreeObject(o);
	}
	/* its name, and a serial log of its own, as a clone gets */
	eng_domxml_rename(&x, name);
	o = xdoc_nodes(&x, NULL, "/domain/os/nvram");
	if (o && o->nodesetval && o->nodesetval->nodeNr) {
		if (nvram_to)
			xmlNodeSetContent(o->nodesetval->nodeTab[0], (const xmlChar *)nvram_to);
		else {
			/* no copy of the variables: libvirt makes fresh ones */
			xmlUnlinkNode(o->nodesetval->nodeTab[0]);
			xmlFreeNode(o->nodesetval->nodeTab[0]);
		}
	}
	xmlXPathFreeObject(o);
	for (int i = 0; i < nd; i++) {
		char xp[160];
		eng_pathf(xp, sizeof(xp), "/domain/devices/disk[@device='disk'][target/@dev='%s']", disks[i].target);
		o = xdoc_nodes(&x, NULL, xp);
		if (o && o->nodesetval && o->nodesetval->nodeNr) {
			xmlNodePtr disk = o->nodesetval->nodeTab[0];
			for (xmlNodePtr c = disk->children; c; c = c->next) {
				if (c->type != XML_ELEMENT_NODE)
					continue;
				if (!xmlStrcmp(c->name, (const xmlChar *)"source"))
					xmlSetProp(c, (const xmlChar *)"file", (const xmlChar *)disks[i].to);
				if (!xmlStrcmp(c->name, (const xmlChar *)"driver"))
					xmlSetProp(c, (const xmlChar *)"type", (const xmlChar *)"qcow2");
			}
		}
		xmlXPathFreeObject(o);
	}
	out = xdoc_dump(x.doc);
	xdoc_free(&x);
	if (!out)
		eng_err_set(err, ENG_E_FAILED, "backup %s: cannot write the new definition", bdir);
	return out;
}

static void nvram_path(const char *name, char *out, size_t len)
{
	eng_pathf(out, len, "/var/lib/libvirt/qemu/nvram/%s_VARS.fd", name);
}

static int copy_nvram(const char *bdir, const char *to, struct eng_error *err)
{
	char from[1200];

	eng_pathf(from, sizeof(from), "%s/nvram.fd", bdir);
	if (eng_file_copy_private(from, to) < 0) {
		eng_err_set(err, ENG_E_FAILED, "restore: cannot copy %s to %s: %s", from, to, strerror(errno));
		return -1;
	}
	return 0;
}

static int restore_new(struct eng *e, const char *bdir, const char *name, struct rs_disk *disks, int nd,
		       bool nvram, struct eng_restore_result *r, struct eng_error *err)
{
	char pool[1024], nv[1100], *xml = NULL;
	virDomainPtr d;
	int made = 0, ret = -1;

	if ((d = virDomainLookupByName(e->conn, name))) {
		virDomainFree(d);
		eng_err_set(err, ENG_E_INVALID, "a VM named %s exists already (restore ... --replace %s puts the backup "
			    "under it)", name, name);
		return -1;
	}
	if (eng_pool_dir(e, pool, sizeof(pool), err) < 0)
		return -1;
	for (int i = 0; i < nd; i++) {
		if (i == 0)
			eng_pathf(disks[i].to, sizeof(disks[i].to), "%s/%s.qcow2", pool, name);
		else
			eng_pathf(disks[i].to, sizeof(disks[i].to), "%s/%s-disk%d.qcow2", pool, name, i);
		if (access(disks[i].to, F_OK) == 0) {
			eng_err_set(err, ENG_E_FAILED, "disk %s already exists in the pool: delete it or choose another "
				    "name", disks[i].to);
			return -1;
		}
	}
	for (; made < nd; made++) {
		char what[1300];
		snprintf(what, sizeof(what), "restoring %.15s of %.64s", disks[made].target, name);
		if (flatten(&disks[made], what, err) < 0 || eng_job_cancelled())
			goto undo;
	}
	nvram_path(name, nv, sizeof(nv));
	if (nvram && copy_nvram(bdir, nv, err) < 0)
		goto undo;
	if (!(xml = new_definition(bdir, name, disks, nd, nvram ? nv : NULL, err)))
		goto undo;
	if (!(d = virDomainDefineXML(e->conn, xml))) {
		eng_err_libvirt(err, "restore of %s: cannot define it", name);
		goto undo;
	}
	virDomainFree(d);
	eng_pool_refresh(e);
	r->n_disks = nd;
	ret = 0;
	goto out;
undo:
	/* exactly what this restore wrote */
	for (int i = 0; i <= made && i < nd; i++)
		unlink(disks[i].to);
	if (nvram)
		unlink(nv);
	eng_pool_refresh(e);
	if (eng_job_cancelled() && err->code == ENG_E_NONE)
		eng_err_set(err, ENG_E_CANCELLED, "restore of %s cancelled", name);
out:
	free(xml);
	return ret;
}

static int restore_replace(struct eng *e, const char *name, struct rs_disk *disks, int nd, struct eng_error *err)
{
	virDomainPtr d = eng_dom_lookup(e, name, err);
	struct eng_dom_info info;
	int ret = -1, done = 0;

	if (!d)
		return -1;
	if (virDomainIsActive(d) == 1) {
		eng_err_set(err, ENG_E_FAILED, "VM %s is running: shut it down before its disks are replaced", name);
		goto out;
	}
	if (virDomainSnapshotNum(d, 0) > 0) {
		eng_err_set(err, ENG_E_FAILED, "VM %s has snapshots, which live in the disks a restore replaces: delete "
			    "them first (vmdeck snapshot list %s), or restore as a new guest", name, name);
		goto out;
	}
	if (eng_domain_info(e, name, &info, err) < 0)
		goto out;
	for (int i = 0; i < nd; i++) {
		const char *path = NULL;
		for (size_t k = 0; k < info.n_disks; k++)
			if (info.disks[k].source && strcmp(info.disks[k].target, disks[i].target) == 0 &&
			    strcmp(info.disks[k].device, "disk") == 0)
				path = info.disks[k].source;
		if (!path) {
			eng_err_set(err, ENG_E_FAILED, "VM %s has no disk %s, which the backup has", name, disks[i].target);
			eng_dom_info_free(&info);
			goto out;
		}
		snprintf(disks[i].to, sizeof(disks[i].to), "%s", path);
	}
	eng_dom_info_free(&info);
	/* each disk written beside the one it replaces, then renamed over it */
	for (; done < nd; done++) {
		char what[1300], *tmp;
		struct rs_disk k = disks[done];
		if (!eng_pathf(k.to, sizeof(k.to), "%s.vmdeck-restore", disks[done].to)) {
			eng_err_set(err, ENG_E_FAILED, "restore of %s: the path of %s is too long", name, disks[done].to);
			goto out;
		}
		tmp = k.to;
		snprintf(what, sizeof(what), "restoring %.15s of %.64s", k.target, name);
		unlink(tmp);
		if (flatten(&k, what, err) < 0 || eng_job_cancelled()) {
			unlink(tmp);
			goto out;
		}
		if (rename(tmp, disks[done].to) < 0) {
			eng_err_set(err, ENG_E_FAILED, "restore of %s: cannot replace %s: %s", name, disks[done].to,
				    strerror(errno));
			unlink(tmp);
			goto out;
		}
	}
	/* the checkpoints' bitmaps were in the old files */
	{
		virDomainCheckpointPtr *cps = NULL;
		int n = virDomainListAllCheckpoints(d, &cps, 0);
		for (int i = 0; i < n; i++) {
			virDomainCheckpointDelete(cps[i], VIR_DOMAIN_CHECKPOINT_DELETE_METADATA_ONLY);
			virDomainCheckpointFree(cps[i]);
		}
		free(cps);
	}
	eng_pool_refresh(e);
	ret = 0;
out:
	if (ret < 0 && done > 0 && err->code != ENG_E_NONE) {
		size_t used = strlen(err->msg);
		snprintf(err->msg + used, sizeof(err->msg) - used, " (%d of %d disks were already replaced)", done, nd);
	}
	virDomainFree(d);
	return ret;
}

int eng_restore(struct eng *e, const char *bdir, const char *name, bool replace, struct eng_restore_result *r,
		struct eng_error *err)
{
	struct rs_disk disks[RS_MAX_DISKS];
	char vm[ENG_NAME_MAX + 1];
	bool nvram = false;
	int nd;

	memset(r, 0, sizeof(*r));
	if (eng_refuse_readonly(e, "restore", name, err) < 0)
		return -1;
	if (!e->local) {
		eng_err_set(err, ENG_E_FAILED, "restore of %s: the backup is read by the host's QEMU; run vmdeck on that "
			    "host", name);
		return -1;
	}
	if (!replace && eng_name_check("VM", name, err) < 0)
		return -1;
	if (read_backup(bdir, disks, &nd, vm, sizeof(vm), &nvram, err) < 0)
		return -1;
	snprintf(r->from_vm, sizeof(r->from_vm), "%s", vm);
	r->n_disks = nd;
	return replace ? restore_replace(e, name, disks, nd, err) : restore_new(e, bdir, name, disks, nd, nvram, r, err);
}
