/* vmcopy.c - a shut-off guest copied to another host: each disk streamed
 * from the source's volume into a new volume of vmdeck's pool there (libvirt
 * volume download and upload, holes kept as holes), then its definition with
 * the new paths. What a lab over several hosts does with its base on a host
 * that lacks it. Nothing on the source changes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "internal.h"
#include "storage.h"
#include "template.h"
#include "xmlutil.h"

struct vol_copy {
	char from[1024], to[1024], vol[ENG_NAME_MAX + 32];
	xmlNodePtr node;
	virStorageVolPtr src;
	unsigned long long bytes;   /* the source file's size: the progress's 100 % */
};

static bool dst_has(struct eng *dst, const char *path)
{
	virStorageVolPtr v = virStorageVolLookupByPath(dst->conn, path);

	if (v) {
		virStorageVolFree(v);
		return true;
	}
	/* a file the pool has not seen yet, when the destination is this machine */
	return dst->local && access(path, F_OK) == 0;
}

/* Everything before a byte moves: each writable disk is a standalone volume
 * of a pool on the source (a backing file would be left behind). */
static int plan_disks(struct eng *src, struct eng *dst, const char *vm, const char *pool, struct xdoc *x,
		      struct vol_copy *c, size_t *n, struct eng_error *err)
{
	xmlXPathObjectPtr o = xdoc_nodes(x, NULL, "/domain/devices/disk[@device='disk' and source/@file]");
	int ret = 0;

	*n = 0;
	for (int i = 0; ret == 0 && o && o->nodesetval && i < o->nodesetval->nodeNr; i++) {
		struct vol_copy *v = &c[*n];
		virStorageVolInfo info;
		char *f, *vx, *backing = NULL;
		struct xdoc vd = { 0 };

		if (*n >= VM_SPEC_MAX_DISKS)
			break;
		v->node = o->nodesetval->nodeTab[i];
		f = xdoc_str(x, v->node, "source/@file");
		snprintf(v->from, sizeof(v->from), "%s", f ? f : "");
		free(f);
		snprintf(v->vol, sizeof(v->vol), "%s-disk%zu.qcow2", vm, *n);
		snprintf(v->to, sizeof(v->to), "%s/%s", pool, v->vol);
		if (!(v->src = virStorageVolLookupByPath(src->conn, v->from))) {
			eng_err_set(err, ENG_E_FAILED, "copy %s: disk %s is not a volume of a storage pool on its host",
				    vm, v->from);
			ret = -1;
			break;
		}
		(*n)++;
		if ((vx = virStorageVolGetXMLDesc(v->src, 0)) && xdoc_parse(&vd, vx) == 0)
			backing = xdoc_str(&vd, NULL, "/volume/backingStore/path");
		xdoc_free(&vd);
		free(vx);
		if (backing) {
			eng_err_set(err, ENG_E_FAILED, "copy %s: disk %s is an overlay on %s (a linked clone's): "
				    "only standalone disks can be copied to another host", vm, v->from, backing);
			free(backing);
			ret = -1;
			break;
		}
		if (virStorageVolGetInfoFlags(v->src, &info, VIR_STORAGE_VOL_GET_PHYSICAL) == 0)
			v->bytes = info.allocation;
		if (dst_has(dst, v->to)) {
			eng_err_set(err, ENG_E_FAILED, "copy %s: the destination already has %s: nothing was copied",
				    vm, v->to);
			ret = -1;
		}
	}
	xmlXPathFreeObject(o);
	return ret;
}

/* One volume's bytes, the holes skipped on both sides (a sparse raw disk
 * does not become a full one). done/total: the whole copy's progress. */
static int stream_volume(struct eng *src, struct eng *dst, struct vol_copy *c, virStorageVolPtr dv,
			 unsigned long long *done, unsigned long long total, struct eng_error *err)
{
	enum { CHUNK = 256 * 1024 };
	virStreamPtr in = virStreamNew(src->conn, 0), out = virStreamNew(dst->conn, 0);
	char *buf = malloc(CHUNK);
	int ret = -1;

	if (!in || !out || !buf)
		goto out;
	if (virStorageVolDownload(c->src, in, 0, 0, VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM) < 0 ||
	    virStorageVolUpload(dv, out, 0, 0, VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM) < 0) {
		eng_err_libvirt(err, "copy of %s", c->from);
		goto out;
	}
	for (;;) {
		int got = virStreamRecvFlags(in, buf, CHUNK, VIR_STREAM_RECV_STOP_AT_HOLE);
		long long hole;
		if (eng_job_cancelled()) {
			eng_err_set(err, ENG_E_CANCELLED, "copy of %s cancelled", c->from);
			goto out;
		}
		if (got == 0)
			break;
		if (got == -3) {   /* at a hole: its length, then the same hole there */
			if (virStreamRecvHole(in, &hole, 0) < 0 || virStreamSendHole(out, hole, 0) < 0) {
				eng_err_libvirt(err, "copy of %s", c->from);
				goto out;
			}
			continue;
		}
		if (got < 0) {
			eng_err_libvirt(err, "copy of %s: reading it", c->from);
			goto out;
		}
		for (int off = 0; off < got;) {
			int sent = virStreamSend(out, buf + off, (size_t)(got - off));
			if (sent < 0) {
				eng_err_libvirt(err, "copy of %s: writing %s", c->from, c->to);
				goto out;
			}
			off += sent;
		}
		*done += (unsigned long long)got;
		if (total)
			eng_job_progress((int)(*done * 100 / total > 99 ? 99 : *done * 100 / total));
	}
	if (virStreamFinish(in) < 0 || virStreamFinish(out) < 0) {
		eng_err_libvirt(err, "copy of %s: finishing it", c->from);
		goto out;
	}
	ret = 0;
out:
	if (ret < 0) {
		if (in)
			virStreamAbort(in);
		if (out)
			virStreamAbort(out);
	}
	if (in)
		virStreamFree(in);
	if (out)
		virStreamFree(out);
	free(buf);
	return ret;
}

/* The empty volume the bytes go into: raw and empty, so the upload is the
 * whole file (qcow2 included); the pool's refresh then reads its format. */
static virStorageVolPtr new_volume(struct eng *dst, const struct vol_copy *c, struct eng_error *err)
{
	virStoragePoolPtr p = eng_pool_get(dst, err);
	char *xml = eng_vol_xml(c->vol, "raw", 0, NULL, NULL);
	virStorageVolPtr v = NULL;

	if (p && xml && !(v = virStorageVolCreateXML(p, xml, 0)))
		eng_err_libvirt(err, "copy: cannot create %s", c->vol);
	free(xml);
	if (p)
		virStoragePoolFree(p);
	return v;
}

int eng_domain_copy(struct eng *src, struct eng *dst, const char *vm, struct eng_error *err)
{
	virDomainPtr d = NULL, nd = NULL;
	struct vol_copy c[VM_SPEC_MAX_DISKS];
	char paths[VM_SPEC_MAX_DISKS][1024], pool[900], journal[1200], cleaned[1200];
	char *xml = NULL, *out = NULL;
	struct xdoc x = { 0 };
	size_t n = 0, made = 0;
	unsigned long long total = 0, done = 0;
	bool journaled = false;
	int st, reason, ret = -1;

	memset(c, 0, sizeof(c));
	if (eng_refuse_readonly(dst, "copy", vm, err) < 0 || !(d = eng_dom_lookup(src, vm, err)))
		return -1;
	if (eng_domain_exists(dst, vm)) {
		eng_err_set(err, ENG_E_FAILED, "copy %s: the destination already has a VM of that name", vm);
		goto out;
	}
	if (virDomainGetState(d, &st, &reason, 0) < 0 || st != VIR_DOMAIN_SHUTOFF) {
		eng_err_set(err, ENG_E_FAILED, "copy %s: shut it off first (its disks must not change while they "
			    "are copied)", vm);
		goto out;
	}
	if (!(xml = virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE)) || xdoc_parse(&x, xml) < 0) {
		eng_err_libvirt(err, "copy %s: cannot read its configuration", vm);
		goto out;
	}
	eng_clone_cleanup(dst, cleaned, sizeof(cleaned), NULL);   /* an interrupted copy's volumes */
	if (eng_pool_ensure(dst, pool, sizeof(pool), err) < 0 || plan_disks(src, dst, vm, pool, &x, c, &n, err) < 0)
		goto out;
	/* the clone journal of vm -> vm on the destination: a kill leaves
	 * volumes that the next clone or copy (or doctor --fix) removes there */
	for (size_t i = 0; i < n; i++) {
		snprintf(paths[i], sizeof(paths[i]), "%s", c[i].to);
		total += c[i].bytes;
	}
	if (eng_clone_journal_write(dst, vm, vm, paths, n, journal, sizeof(journal), err) < 0)
		goto out;
	journaled = true;
	for (size_t i = 0; i < n; i++) {
		virStorageVolPtr dv = new_volume(dst, &c[i], err);
		if (!dv)
			goto out;
		made = i + 1;
		if (stream_volume(src, dst, &c[i], dv, &done, total, err) < 0) {
			virStorageVolFree(dv);
			goto out;
		}
		virStorageVolFree(dv);
		eng_domxml_set_attr(&x, c[i].node, "source", "file", c[i].to);
	}
	/* the uploaded files' formats and sizes, before anything overlays them */
	eng_pool_refresh(dst);
	/* the same guest there: new UUID, MACs and NVRAM (libvirt makes them);
	 * vmdeck's metadata (clones, forwards of the source host) stays behind */
	eng_domxml_new_identity(&x);
	if (!(out = xdoc_dump(x.doc)) || !(nd = virDomainDefineXML(dst->conn, out))) {
		eng_err_libvirt(err, "copy %s: cannot define it on the destination", vm);
		goto out;
	}
	eng_job_progress(100);
	ret = 0;
out:
	if (ret < 0)
		for (size_t i = 0; i < made; i++)
			eng_pool_vol_delete(dst, c[i].to, NULL);
	if (journaled)
		unlink(journal);
	for (size_t i = 0; i < n; i++)
		if (c[i].src)
			virStorageVolFree(c[i].src);
	xdoc_free(&x);
	free(xml);
	free(out);
	if (nd)
		virDomainFree(nd);
	if (d)
		virDomainFree(d);
	return ret;
}
