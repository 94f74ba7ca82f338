/* snapext.c - external snapshots of running guests that libvirt 9.0 cannot
 * snapshot internally: those with pflash (UEFI) firmware ("internal snapshots
 * of a VM with pflash based firmware are not supported"). Reverting one
 * arrived in libvirt 9.9, so vmdeck does it here.
 *
 * Take: libvirt's external snapshot with memory; each disk goes on a new
 * overlay in vmdeck's pool (VM-snap-NAME-vda.qcow2) and the file it was on
 * becomes the snapshot's frozen state, never written again; the UEFI
 * variables are copied beside it (VM-snap-NAME.nvram).
 * Revert: the guest is stopped, each disk gets a fresh overlay on the
 * snapshot's frozen file (VM-snap-NAME-vda-rN.qcow2), the variables are put
 * back, and the saved memory is restored onto those overlays: the guest runs
 * from the moment of the snapshot. The overlay it ran on before is removed
 * only when it is vmdeck's and no snapshot names it.
 * Delete: the snapshot's metadata and memory file; the disk files stay, as
 * later snapshots and the running guest build on them. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "storage.h"
#include "xmlutil.h"

#define SX_MAX_DISKS 16

bool eng_snapext_needed(virDomainPtr d)
{
	char *xml;
	struct xdoc x;
	char *type = NULL;

	if (virDomainIsActive(d) != 1 || !(xml = virDomainGetXMLDesc(d, 0)))
		return false;
	if (xdoc_parse(&x, xml) == 0) {
		type = xdoc_str(&x, NULL, "/domain/os/loader/@type");
		xdoc_free(&x);
	}
	free(xml);
	bool pflash = type && strcmp(type, "pflash") == 0;
	free(type);
	return pflash;
}

static char *nvram_of(const char *domxml)
{
	struct xdoc x;
	char *nv = NULL;

	if (domxml && xdoc_parse(&x, domxml) == 0) {
		nv = xdoc_str(&x, NULL, "/domain/os/nvram");
		xdoc_free(&x);
	}
	return nv;
}

int eng_snapext_take(struct eng *e, virDomainPtr d, const char *vm, const char *name, const char *description,
		     struct eng_error *err)
{
	char pool[1024], path[1200], *live = virDomainGetXMLDesc(d, 0), *xml = NULL, *nv = NULL;
	struct xdoc x;
	xmlXPathObjectPtr o = NULL;
	xmlDocPtr doc;
	xmlNodePtr root, disks;
	virDomainSnapshotPtr s;
	int ret = -1;

	if (!live || eng_pool_dir(e, pool, sizeof(pool), err) < 0 || xdoc_parse(&x, live) < 0) {
		if (err->code == ENG_E_NONE)
			eng_err_libvirt(err, "snapshot %s: cannot read its definition", vm);
		free(live);
		return -1;
	}
	doc = xmlNewDoc((const xmlChar *)"1.0");
	root = xmlNewNode(NULL, (const xmlChar *)"domainsnapshot");
	xmlDocSetRootElement(doc, root);
	xnew(root, "name", name);
	if (description)
		xnew(root, "description", description);
	eng_pathf(path, sizeof(path), "%s/%s-snap-%s.mem", pool, vm, name);
	{
		xmlNodePtr m = xnew(root, "memory", NULL);
		xattr(m, "snapshot", "external");
		xattr(m, "file", path);
	}
	disks = xnew(root, "disks", NULL);
	o = xdoc_nodes(&x, NULL, "/domain/devices/disk");
	for (int i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr; i++) {
		xmlNodePtr dk = o->nodesetval->nodeTab[i], n = xnew(disks, "disk", NULL);
		char *dev = xdoc_str(&x, dk, "@device"), *t = xdoc_str(&x, dk, "target/@dev");
		xattr(n, "name", t ? t : "?");
		if (dev && strcmp(dev, "disk") == 0) {
			xattr(n, "snapshot", "external");
			xattr(n, "type", "file");
			xattr(xnew(n, "driver", NULL), "type", "qcow2");
			eng_pathf(path, sizeof(path), "%s/%s-snap-%s-%s.qcow2", pool, vm, name, t ? t : "disk");
			xattr(xnew(n, "source", NULL), "file", path);
		} else {
			xattr(n, "snapshot", "no");
		}
		free(dev);
		free(t);
	}
	xmlXPathFreeObject(o);
	xdoc_free(&x);
	xml = xdoc_take(doc);
	nv = nvram_of(live);
	/* the variables first: they change rarely, and never during the save */
	eng_pathf(path, sizeof(path), "%s/%s-snap-%s.nvram", pool, vm, name);
	if (nv && (unlink(path), eng_file_copy_private(nv, path)) < 0) {
		eng_err_set(err, ENG_E_FAILED, "snapshot %s: cannot copy its UEFI variables %s: %s", vm, nv, strerror(errno));
		goto out;
	}
	if (!xml || !(s = virDomainSnapshotCreateXML(d, xml, 0))) {
		eng_err_libvirt(err, "cannot snapshot %s as '%s'", vm, name);
		if (nv)
			unlink(path);
		goto out;
	}
	virDomainSnapshotFree(s);
	eng_pool_refresh(e);
	ret = 0;
out:
	free(nv);
	free(xml);
	free(live);
	return ret;
}

bool eng_snapext_is(virDomainSnapshotPtr s)
{
	char *xml = virDomainSnapshotGetXMLDesc(s, 0);
	bool ext = xml && (strstr(xml, "snapshot='external'") || strstr(xml, "snapshot=\"external\""));

	free(xml);
	return ext;
}

/* A disk element on a new file: its <backingStore> goes too, else libvirt
 * would open the new file on the chain the XML describes rather than the one
 * in the file. Returns the file it was on (malloc'd) or NULL. */
static char *set_source(xmlNodePtr disk, const char *file)
{
	char *was = NULL;

	for (xmlNodePtr ch = disk->children, next; ch; ch = next) {
		next = ch->next;
		if (ch->type != XML_ELEMENT_NODE)
			continue;
		if (!xmlStrcmp(ch->name, (const xmlChar *)"source")) {
			xmlChar *f = xmlGetProp(ch, (const xmlChar *)"file");
			was = f ? strdup((const char *)f) : NULL;
			xmlFree(f);
			xmlSetProp(ch, (const xmlChar *)"file", (const xmlChar *)file);
		} else if (!xmlStrcmp(ch->name, (const xmlChar *)"backingStore")) {
			xmlUnlinkNode(ch);
			xmlFreeNode(ch);
		}
	}
	return was;
}

/* a path some snapshot of d still names (its overlays or the files its
 * definition was on) */
static bool named_by_a_snapshot(virDomainPtr d, const char *path)
{
	virDomainSnapshotPtr *v = NULL;
	int n = virDomainListAllSnapshots(d, &v, 0);
	bool named = false;

	for (int i = 0; i < n; i++) {
		char *xml = virDomainSnapshotGetXMLDesc(v[i], 0);
		named |= xml && strstr(xml, path) != NULL;
		free(xml);
		virDomainSnapshotFree(v[i]);
	}
	free(v);
	return named || n < 0;
}

int eng_snapext_revert(struct eng *e, virDomainPtr d, virDomainSnapshotPtr s, const char *vm,
		       struct eng_error *err)
{
	char *sxml = virDomainSnapshotGetXMLDesc(s, VIR_DOMAIN_SNAPSHOT_XML_SECURE), *dxml = NULL, *conf = NULL;
	char *mem = NULL, *state = NULL, pool[1024], *old[SX_MAX_DISKS] = { 0 }, *newconf = NULL;
	const char *name = virDomainSnapshotGetName(s);
	struct xdoc sx, cx;
	xmlXPathObjectPtr o = NULL;
	xmlNodePtr dom = NULL;
	int nold = 0, ret = -1;
	bool have_sx = false, have_cx = false;

	if (!sxml || xdoc_parse(&sx, sxml) < 0 || eng_pool_dir(e, pool, sizeof(pool), err) < 0) {
		if (err->code == ENG_E_NONE)
			eng_err_libvirt(err, "revert %s: cannot read snapshot '%s'", vm, name);
		goto out;
	}
	have_sx = true;
	mem = xdoc_str(&sx, NULL, "/domainsnapshot/memory[@snapshot='external']/@file");
	state = xdoc_str(&sx, NULL, "/domainsnapshot/state");
	o = xdoc_nodes(&sx, NULL, "/domainsnapshot/domain");
	if (o && o->nodesetval && o->nodesetval->nodeNr)
		dom = o->nodesetval->nodeTab[0];
	xmlXPathFreeObject(o);
	if (!dom) {
		eng_err_set(err, ENG_E_FAILED, "revert %s: snapshot '%s' has no definition to go back to", vm, name);
		goto out;
	}
	/* the guest's current configuration: its disks change, nothing else */
	if (!(conf = virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE)) || xdoc_parse(&cx, conf) < 0) {
		eng_err_libvirt(err, "revert %s: cannot read its definition", vm);
		goto out;
	}
	have_cx = true;
	if (virDomainIsActive(d) == 1 && virDomainDestroy(d) < 0) {
		eng_err_libvirt(err, "revert %s: cannot stop it", vm);
		goto out;
	}
	/* each disk of the snapshot's definition: a fresh overlay on the file it
	 * was on then (frozen since), in both definitions */
	o = xdoc_nodes(&sx, dom, "devices/disk[@device='disk']");
	for (int i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr && i < SX_MAX_DISKS; i++) {
		xmlNodePtr dk = o->nodesetval->nodeTab[i];
		char *t = xdoc_str(&sx, dk, "target/@dev"), *base = xdoc_str(&sx, dk, "source/@file"), ov[1200], xp[160];
		xmlXPathObjectPtr c;
		int k = 1;
		if (!t || !base) {
			free(t);
			free(base);
			continue;
		}
		do
			eng_pathf(ov, sizeof(ov), "%s/%s-snap-%s-%s-r%d.qcow2", pool, vm, name, t, k++);
		while (access(ov, F_OK) == 0 && k < 1000);
		char *argv[] = { "qemu-img", "create", "-q", "-f", "qcow2", "-b", base, "-F", "qcow2", ov, NULL };
		if (eng_qemu_img(argv, "a disk for the reverted guest", err) < 0) {
			free(t);
			free(base);
			xmlXPathFreeObject(o);
			goto out;
		}
		set_source(dk, ov);
		snprintf(xp, sizeof(xp), "/domain/devices/disk[@device='disk'][target/@dev='%s']", t);
		c = xdoc_nodes(&cx, NULL, xp);
		if (c && c->nodesetval && c->nodesetval->nodeNr) {
			char *was = set_source(c->nodesetval->nodeTab[0], ov);
			if (was && nold < SX_MAX_DISKS)
				old[nold++] = was;
			else
				free(was);
		}
		xmlXPathFreeObject(c);
		free(t);
		free(base);
	}
	xmlXPathFreeObject(o);
	{
		/* the snapshot's definition as a document of its own (restore's dxml) */
		xmlDocPtr dd = xmlNewDoc((const xmlChar *)"1.0");
		xmlDocSetRootElement(dd, xmlCopyNode(dom, 1));
		dxml = xdoc_take(dd);
	}
	newconf = xdoc_dump(cx.doc);
	{
		virDomainPtr nd = newconf ? virDomainDefineXML(e->conn, newconf) : NULL;
		if (!nd) {
			eng_err_libvirt(err, "revert %s: cannot point it at the snapshot's disks", vm);
			goto out;
		}
		virDomainFree(nd);
	}
	/* the UEFI variables of that moment */
	{
		char nvcopy[1200], tmp[1200], *nv = nvram_of(conf);
		eng_pathf(nvcopy, sizeof(nvcopy), "%s/%s-snap-%s.nvram", pool, vm, name);
		/* beside the guest's file, then renamed over it: never half of one */
		if (nv && access(nvcopy, R_OK) == 0 &&
		    (!eng_pathf(tmp, sizeof(tmp), "%s.vmdeck-revert", nv) || (unlink(tmp), eng_file_copy_private(nvcopy, tmp)) < 0 ||
		     rename(tmp, nv) < 0)) {
			unlink(tmp);
			eng_err_set(err, ENG_E_FAILED, "revert %s: cannot put back its UEFI variables %s", vm, nv);
			free(nv);
			goto out;
		}
		free(nv);
	}
	if (mem && state && strcmp(state, "shutoff") != 0 &&
	    virDomainRestoreFlags(e->conn, mem, dxml, strcmp(state, "paused") == 0 ? VIR_DOMAIN_SAVE_PAUSED
										     : VIR_DOMAIN_SAVE_RUNNING) < 0) {
		eng_err_libvirt(err, "revert %s: cannot restore the memory of snapshot '%s'", vm, name);
		goto out;
	}
	/* the snapshot is the current one again */
	{
		virDomainSnapshotPtr again = virDomainSnapshotCreateXML(d, sxml, VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE |
										VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT);
		if (again)
			virDomainSnapshotFree(again);
	}
	/* the overlays the guest ran on before: vmdeck's and named by no snapshot */
	for (int i = 0; i < nold; i++) {
		char prefix[300];
		snprintf(prefix, sizeof(prefix), "/%s-snap-", vm);
		if (strstr(old[i], prefix) && eng_pool_vol_ours(e, old[i]) && !named_by_a_snapshot(d, old[i]))
			eng_pool_vol_delete(e, old[i], NULL);
	}
	eng_pool_refresh(e);
	ret = 0;
out:
	for (int i = 0; i < nold; i++)
		free(old[i]);
	if (have_sx)
		xdoc_free(&sx);
	if (have_cx)
		xdoc_free(&cx);
	free(newconf);
	free(dxml);
	free(conf);
	free(mem);
	free(state);
	free(sxml);
	return ret;
}

int eng_snapext_delete(struct eng *e, virDomainPtr d, virDomainSnapshotPtr s, const char *vm,
		       struct eng_error *err)
{
	char *sxml = virDomainSnapshotGetXMLDesc(s, 0), *mem = NULL, pool[1024], nv[1200];
	const char *name = virDomainSnapshotGetName(s);
	struct xdoc x;
	int ret = -1;

	(void)d;
	if (sxml && xdoc_parse(&x, sxml) == 0) {
		mem = xdoc_str(&x, NULL, "/domainsnapshot/memory[@snapshot='external']/@file");
		xdoc_free(&x);
	}
	if (eng_pool_dir(e, pool, sizeof(pool), err) < 0)
		goto out;
	eng_pathf(nv, sizeof(nv), "%s/%s-snap-%s.nvram", pool, vm, name);
	/* the disk files stay: later snapshots and the guest build on them */
	if (virDomainSnapshotDelete(s, VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY) < 0) {
		eng_err_libvirt(err, "cannot delete snapshot '%s' of %s", name, vm);
		goto out;
	}
	/* its memory and variables: files vmdeck made for it (by their names) */
	{
		char prefix[1200];
		eng_pathf(prefix, sizeof(prefix), "%s/%s-snap-%s.", pool, vm, name);
		if (mem && strncmp(mem, prefix, strlen(prefix)) == 0)
			unlink(mem);
		unlink(nv);
		eng_pool_refresh(e);
	}
	ret = 0;
out:
	free(mem);
	free(sxml);
	return ret;
}
