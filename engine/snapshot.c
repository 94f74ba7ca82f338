/* snapshot.c - internal qcow2 snapshots: take (with memory when running),
 * list as a tree, revert, delete without losing other snapshots' data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "template.h"
#include "xmlutil.h"

/* Internal snapshots live inside qcow2 files: every writable disk must be one. */
static int check_snapshot_disks(virDomainPtr d, const char *vm, struct eng_error *err)
{
	char *xml = virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE);
	struct xdoc x;
	xmlXPathObjectPtr o;
	int ret = 0, n;

	if (!xml || xdoc_parse(&x, xml) < 0) {
		free(xml);
		eng_err_libvirt(err, "snapshot %s: cannot read its configuration", vm);
		return -1;
	}
	o = xdoc_nodes(&x, NULL, "/domain/devices/disk[@device='disk' and not(readonly)]");
	n = o && o->nodesetval ? o->nodesetval->nodeNr : 0;
	if (n == 0) {
		eng_err_set(err, ENG_E_FAILED, "snapshot %s: it has no disk to hold a snapshot "
			    "(add a qcow2 disk: vmdeck create --disk)", vm);
		ret = -1;
	}
	for (int i = 0; i < n && ret == 0; i++) {
		xmlNodePtr node = o->nodesetval->nodeTab[i];
		char *fmt = xdoc_str(&x, node, "driver/@type"), *src = xdoc_str(&x, node, "source/@file");
		char *dev = xdoc_str(&x, node, "target/@dev");
		if (!fmt || strcmp(fmt, "qcow2") != 0) {
			eng_err_set(err, ENG_E_FAILED,
				    "snapshot %s: disk %s is %s; snapshots need qcow2 (convert it with "
				    "'qemu-img convert -O qcow2 %s NEW.qcow2' and point the VM at it)",
				    vm, dev ? dev : "?", fmt ? fmt : "raw", src ? src : "DISK");
			ret = -1;
		}
		free(fmt);
		free(src);
		free(dev);
	}
	xmlXPathFreeObject(o);
	xdoc_free(&x);
	free(xml);
	return ret;
}

static char *snapshot_xml(const char *name, const char *description)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root = xmlNewNode(NULL, (const xmlChar *)"domainsnapshot");

	xmlDocSetRootElement(doc, root);
	xnew(root, "name", name);
	if (description)
		xnew(root, "description", description);
	return xdoc_take(doc);
}

static bool snapshot_exists(virDomainPtr d, const char *name)
{
	virDomainSnapshotPtr s = virDomainSnapshotLookupByName(d, name, 0);

	if (!s)
		return false;
	virDomainSnapshotFree(s);
	return true;
}

/* libvirt 9.0 refuses internal snapshots of a stopped guest while it has
 * checkpoints ("cannot perform block operations while checkpoint exists"),
 * and QEMU refuses to load a running one while dirty bitmaps are active,
 * killing the guest: vmdeck's backup checkpoints go first (the guest's next
 * backup is then full; backup says so). */
static void checkpoints_yield(struct eng *e, virDomainPtr d, const char *vm, bool also_running)
{
	int dropped;

	if (virDomainListAllCheckpoints(d, NULL, 0) > 0 && (also_running || virDomainIsActive(d) != 1))
		eng_checkpoints_drop(e, vm, &dropped, NULL);
}

int eng_snapshot_take(struct eng *e, const char *vm, const char *name, const char *description,
		      char *taken, size_t len, struct eng_error *err)
{
	virDomainPtr d;
	virDomainSnapshotPtr s = NULL;
	char def[ENG_NAME_MAX + 1], *xml = NULL;
	int ret = -1;

	if (eng_refuse_readonly(e, "snapshot", vm, err) < 0)
		return -1;
	if (name && eng_name_check("snapshot", name, err) < 0)
		return -1;
	if (description && strlen(description) > 255) {
		eng_err_set(err, ENG_E_INVALID, "snapshot of %s: description longer than 255 characters", vm);
		return -1;
	}
	if (eng_template_refuse(e, vm, "take a snapshot of", err) < 0)
		return -1;
	if (!(d = eng_dom_lookup(e, vm, err)))
		return -1;
	if (check_snapshot_disks(d, vm, err) < 0)
		goto out;
	checkpoints_yield(e, d, vm, false);
	if (!name) {
		time_t now = time(NULL);
		struct tm tm;
		char stamp[32];
		localtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "snap-%Y-%m-%dT%H-%M-%S", &tm);
		snprintf(def, sizeof(def), "%s", stamp);
		for (int i = 2; snapshot_exists(d, def) && i < 100; i++)
			snprintf(def, sizeof(def), "%s-%d", stamp, i);
		name = def;
	} else if (snapshot_exists(d, name)) {
		eng_err_set(err, ENG_E_FAILED, "VM %s already has a snapshot named '%s'", vm, name);
		goto out;
	}
	if (eng_snapext_needed(d)) {
		/* libvirt 9.0 has no internal snapshot of a running UEFI guest */
		if (eng_snapext_take(e, d, vm, name, description, err) == 0) {
			snprintf(taken, len, "%s", name);
			ret = 0;
		}
		goto out;
	}
	if (!(xml = snapshot_xml(name, description)) ||
	    !(s = virDomainSnapshotCreateXML(d, xml, 0))) {
		eng_err_libvirt(err, "cannot snapshot %s as '%s'", vm, name);
		goto out;
	}
	snprintf(taken, len, "%s", name);
	ret = 0;
out:
	free(xml);
	if (s)
		virDomainSnapshotFree(s);
	virDomainFree(d);
	return ret;
}

static void read_snapshot(virDomainSnapshotPtr s, struct eng_snapshot *o)
{
	char *xml = virDomainSnapshotGetXMLDesc(s, 0);
	struct xdoc x;

	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", virDomainSnapshotGetName(s));
	o->current = virDomainSnapshotIsCurrent(s, 0) == 1;
	if (xml && xdoc_parse(&x, xml) == 0) {
		char *v;
		if ((v = xdoc_str(&x, NULL, "/domainsnapshot/parent/name")))
			snprintf(o->parent, sizeof(o->parent), "%s", v);
		free(v);
		if ((v = xdoc_str(&x, NULL, "/domainsnapshot/state")))
			snprintf(o->state, sizeof(o->state), "%s", strcmp(v, "shutoff") == 0 ||
								   strcmp(v, "disk-snapshot") == 0
								   ? "shutoff" : v);
		free(v);
		if ((v = xdoc_str(&x, NULL, "/domainsnapshot/description")))
			snprintf(o->description, sizeof(o->description), "%s", v);
		free(v);
		o->created = (long long)xdoc_ull(&x, NULL, "/domainsnapshot/creationTime", 0);
		if ((v = xdoc_str(&x, NULL, "/domainsnapshot/disks/disk[@snapshot='external']/@name")) ||
		    (v = xdoc_str(&x, NULL, "/domainsnapshot/memory[@snapshot='external']/@snapshot")))
			o->external = true;
		free(v);
		xdoc_free(&x);
	}
	free(xml);
}

/* Depth-first from the roots, children in creation order. */
static void tree_walk(struct eng_snapshot *all, size_t n, const char *parent, int depth,
		      struct eng_snapshot *out, size_t *k)
{
	for (;;) {
		struct eng_snapshot *next = NULL;
		for (size_t i = 0; i < n; i++)
			if (all[i].depth >= 0 && strcmp(all[i].parent, parent) == 0 &&
			    (!next || all[i].created < next->created ||
			     (all[i].created == next->created && strcmp(all[i].name, next->name) < 0)))
				next = &all[i];
		if (!next)
			return;
		out[*k] = *next;
		out[(*k)++].depth = depth;
		next->depth = -1;   /* taken */
		tree_walk(all, n, out[*k - 1].name, depth + 1, out, k);
	}
}

int eng_snapshot_list(struct eng *e, const char *vm, struct eng_snapshot **out, size_t *n,
		      struct eng_error *err)
{
	virDomainPtr d = eng_dom_lookup(e, vm, err);
	virDomainSnapshotPtr *snaps = NULL;
	struct eng_snapshot *all, *sorted;
	int count;
	size_t k = 0;

	if (!d)
		return -1;
	count = virDomainListAllSnapshots(d, &snaps, 0);
	virDomainFree(d);
	if (count < 0) {
		eng_err_libvirt(err, "cannot list the snapshots of %s", vm);
		return -1;
	}
	all = calloc((size_t)count + 1, sizeof(*all));
	sorted = calloc((size_t)count + 1, sizeof(*sorted));
	for (int i = 0; i < count; i++) {
		if (all)
			read_snapshot(snaps[i], &all[i]);
		virDomainSnapshotFree(snaps[i]);
	}
	free(snaps);
	if (!all || !sorted) {
		free(all);
		free(sorted);
		eng_err_set(err, ENG_E_FAILED, "out of memory");
		return -1;
	}
	tree_walk(all, (size_t)count, "", 0, sorted, &k);
	/* a parent that no longer exists (deleted outside vmdeck): list as roots */
	for (int i = 0; i < count; i++)
		if (all[i].depth >= 0) {
			all[i].parent[0] = '\0';
			tree_walk(all, (size_t)count, "", 0, sorted, &k);
		}
	free(all);
	*out = sorted;
	*n = k;
	return 0;
}

int eng_snapshot_current(struct eng *e, const char *vm, char *name, size_t len)
{
	virDomainPtr d = eng_dom_lookup(e, vm, NULL);
	virDomainSnapshotPtr s = d ? virDomainSnapshotCurrent(d, 0) : NULL;

	if (s) {
		snprintf(name, len, "%s", virDomainSnapshotGetName(s));
		virDomainSnapshotFree(s);
	}
	if (d)
		virDomainFree(d);
	return s ? 0 : -1;
}

static virDomainSnapshotPtr snapshot_lookup(virDomainPtr d, const char *vm, const char *name,
					    struct eng_error *err)
{
	virDomainSnapshotPtr s;

	if (!name) {
		if (!(s = virDomainSnapshotCurrent(d, 0)))
			eng_err_set(err, ENG_E_NOT_FOUND, "VM %s has no current snapshot "
				    "(take one with 'vmdeck snapshot take %s')", vm, vm);
		return s;
	}
	if (eng_name_lookup_check("snapshot", name, err) < 0)
		return NULL;
	if (!(s = virDomainSnapshotLookupByName(d, name, 0)))
		eng_err_set(err, ENG_E_NOT_FOUND, "VM %s has no snapshot named '%s'", vm, name);
	return s;
}

int eng_snapshot_revert(struct eng *e, const char *vm, const char *name, bool force, char *reverted,
			size_t len, struct eng_error *err)
{
	virDomainPtr d;
	virDomainSnapshotPtr s;
	int ret = -1;

	if (eng_refuse_readonly(e, "revert", vm, err) < 0)
		return -1;
	if (eng_template_refuse(e, vm, "revert", err) < 0)
		return -1;
	if (!(d = eng_dom_lookup(e, vm, err)))
		return -1;
	if ((s = snapshot_lookup(d, vm, name, err))) {
		checkpoints_yield(e, d, vm, true);
		snprintf(reverted, len, "%s", virDomainSnapshotGetName(s));
		if (eng_snapext_is(s)) {
			/* libvirt 9.0 cannot revert external snapshots: vmdeck does */
			ret = eng_snapext_revert(e, d, s, vm, err);
		} else if (virDomainRevertToSnapshot(s, 0) == 0) {
			ret = 0;
		} else {
			virErrorPtr le = virGetLastError();
			/* The one case FORCE is for: libvirt refused the revert as risky
			 * and changed nothing. On Debian's libvirt 9.0 that is a snapshot
			 * without a full definition, a running snapshot whose devices no
			 * longer match the running guest (a new QEMU, the current run
			 * lost), or a disk-only snapshot while a managed save exists
			 * (restoring that memory onto the reverted disk corrupts it).
			 * FORCE discards the guest's current state, so only when the user
			 * asked for exactly that; the managed save goes first, as libvirt
			 * recommends, so that what is discarded is really gone. */
			if (le && le->code == VIR_ERR_SNAPSHOT_REVERT_RISKY && force) {
				if (virDomainHasManagedSaveImage(d, 0) == 1)
					virDomainManagedSaveRemove(d, 0);
				if (virDomainRevertToSnapshot(s, VIR_DOMAIN_SNAPSHOT_REVERT_FORCE) == 0)
					ret = 0;
				else
					eng_err_libvirt(err, "cannot revert %s to '%s' even with --force", vm, reverted);
			} else if (le && le->code == VIR_ERR_SNAPSHOT_REVERT_RISKY) {
				char why[300];
				snprintf(why, sizeof(why), "%s", le->message ? le->message : "risky revert");
				eng_err_set(err, ENG_E_RISKY, "revert %s to '%s' refused by libvirt as risky (%s): nothing "
					    "changed; --force reverts anyway and discards %s's current state (its memory and "
					    "everything since the snapshot)", vm, reverted, why, vm);
			} else {
				eng_err_libvirt(err, "cannot revert %s to '%s'", vm, reverted);
			}
		}
		virDomainSnapshotFree(s);
	}
	virDomainFree(d);
	return ret;
}

int eng_snapshot_delete(struct eng *e, const char *vm, const char *name, bool children,
			struct eng_error *err)
{
	virDomainPtr d;
	virDomainSnapshotPtr s;
	int ret = -1;

	if (eng_refuse_readonly(e, "delete a snapshot of", vm, err) < 0)
		return -1;
	if (!(d = eng_dom_lookup(e, vm, err)))
		return -1;
	if ((s = snapshot_lookup(d, vm, name, err))) {
		struct eng_snapshot info;
		int nchildren = virDomainSnapshotNumChildren(s, 0);

		read_snapshot(s, &info);
		checkpoints_yield(e, d, vm, false);
		/* an external snapshot's overlay holds its children's base data:
		 * removing it would lose them (the virt-manager data-loss case) */
		if (info.external && children && nchildren > 0)
			eng_err_set(err, ENG_E_FAILED,
				    "snapshot '%s' of %s is external: delete its %d child snapshot(s) one by one "
				    "(their disk files build on each other)", name, vm, nchildren);
		else if (info.external)
			ret = eng_snapext_delete(e, d, s, vm, err);
		else if (virDomainSnapshotDelete(s, children ? VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN : 0) < 0)
			eng_err_libvirt(err, "cannot delete snapshot '%s' of %s", name, vm);
		else
			ret = 0;
		virDomainSnapshotFree(s);
	}
	virDomainFree(d);
	return ret;
}
