/* disk.c - a guest's disks after creation: add (a new volume of vmdeck's
 * pool), attach (an existing image), detach (the volume goes only when asked,
 * and only from vmdeck's pool), resize (grow only: live through libvirt's
 * block resize, offline through the volume or qemu-img). Live and in the
 * configuration, whatever applies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "storage.h"
#include "template.h"
#include "xmlutil.h"

/* the target prefix of each bus vmdeck offers */
static const struct {
	const char *bus, *prefix;
} buses[] = {
	{ "virtio", "vd" }, { "sata", "sd" }, { "scsi", "sd" },
};

static const char *bus_prefix(const char *bus)
{
	for (size_t i = 0; i < sizeof(buses) / sizeof(buses[0]); i++)
		if (strcmp(buses[i].bus, bus) == 0)
			return buses[i].prefix;
	return NULL;
}

/* The first free target of that prefix among every disk the guest has, live
 * or in its configuration (vdb after vda). */
static int next_target(virDomainPtr d, const char *prefix, char *out, size_t len)
{
	char *xml[2] = { virDomainGetXMLDesc(d, 0), virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE) };
	bool used[26] = { false };
	int ret = -1;

	for (int k = 0; k < 2; k++) {
		struct xdoc x;
		xmlXPathObjectPtr o;
		if (!xml[k] || xdoc_parse(&x, xml[k]) < 0)
			continue;
		o = xdoc_nodes(&x, NULL, "/domain/devices/disk/target/@dev");
		for (int i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr; i++) {
			xmlChar *dev = xmlNodeGetContent(o->nodesetval->nodeTab[i]);
			if (dev && strncmp((const char *)dev, prefix, 2) == 0 && dev[2] >= 'a' && dev[2] <= 'z' && !dev[3])
				used[dev[2] - 'a'] = true;
			xmlFree(dev);
		}
		xmlXPathFreeObject(o);
		xdoc_free(&x);
	}
	for (int i = 0; i < 26 && ret < 0; i++)
		if (!used[i]) {
			snprintf(out, len, "%s%c", prefix, 'a' + i);
			ret = 0;
		}
	free(xml[0]);
	free(xml[1]);
	return ret;
}

static int attach_path(virDomainPtr d, const char *vm, const char *path, const char *format, const char *bus,
		       char *target, size_t tlen, struct eng_error *err)
{
	const char *prefix = bus_prefix(bus);
	char *xml;
	int ret = -1;

	if (!prefix) {
		eng_err_set(err, ENG_E_INVALID, "disk of %s: unknown bus '%s' (virtio, sata or scsi)", vm, bus);
		return -1;
	}
	if (next_target(d, prefix, target, tlen) < 0) {
		eng_err_set(err, ENG_E_FAILED, "disk of %s: no free %s target left", vm, bus);
		return -1;
	}
	if (!(xml = eng_disk_device_xml("disk", format, path, target, bus)) || virDomainAttachDeviceFlags(d, xml, eng_affect_flags(d)) < 0)
		eng_err_libvirt(err, "cannot attach %s to %s as %s", path, vm, target);
	else
		ret = 0;
	free(xml);
	return ret;
}

/* the name of the next volume of this guest's in vmdeck's pool */
static void next_volume(virStoragePoolPtr p, const char *vm, const char *ext, char *out, size_t len)
{
	for (int i = 1; i < 100; i++) {
		virStorageVolPtr v;
		snprintf(out, len, "%s-disk%d.%s", vm, i, ext);
		if (!(v = virStorageVolLookupByName(p, out)))
			return;
		virStorageVolFree(v);
	}
}

int eng_disk_add(struct eng *e, const char *vm, unsigned long long bytes, const char *format, const char *bus,
		 char *target, size_t tlen, char *path_out, size_t plen, struct eng_error *err)
{
	virDomainPtr d;
	virStoragePoolPtr p = NULL;
	char vol[ENG_NAME_MAX + 24], *path = NULL;
	int ret = -1;

	format = format ? format : "qcow2";
	bus = bus ? bus : "virtio";
	if (eng_refuse_readonly(e, "add a disk to", vm, err) < 0 || !(d = eng_dom_lookup(e, vm, err)))
		return -1;
	if (strcmp(format, "qcow2") != 0 && strcmp(format, "raw") != 0) {
		eng_err_set(err, ENG_E_INVALID, "disk add %s: unknown format '%s' (qcow2 or raw)", vm, format);
		goto out;
	}
	if (!bus_prefix(bus)) {
		eng_err_set(err, ENG_E_INVALID, "disk add %s: unknown bus '%s' (virtio, sata or scsi)", vm, bus);
		goto out;
	}
	if (eng_template_refuse(e, vm, "add a disk to", err) < 0)
		goto out;
	if (!(p = eng_pool_get(e, err)))
		goto out;
	/* a sparse volume beyond the pool's free space would pause the guest on
	 * I/O errors once it fills: refused, as create refuses it */
	{
		virStoragePoolInfo pi;
		if (virStoragePoolRefresh(p, 0) == 0 && virStoragePoolGetInfo(p, &pi) == 0 && bytes > pi.available) {
			char want[32], have[32];
			eng_size_format(bytes, want, sizeof(want));
			eng_size_format(pi.available, have, sizeof(have));
			eng_err_set(err, ENG_E_FAILED, "disk add %s: %s is more than pool %s has free (%s)", vm, want,
				    ENG_POOL_NAME, have);
			goto out;
		}
	}
	next_volume(p, vm, strcmp(format, "raw") == 0 ? "img" : "qcow2", vol, sizeof(vol));
	if (!(path = eng_vol_create(e, vol, format, bytes, err)))
		goto out;
	if (attach_path(d, vm, path, format, bus, target, tlen, err) < 0) {
		eng_vol_delete_path(e, path, NULL);   /* only the volume this call made */
		goto out;
	}
	snprintf(path_out, plen, "%s", path);
	ret = 0;
out:
	free(path);
	if (p)
		virStoragePoolFree(p);
	virDomainFree(d);
	return ret;
}

int eng_disk_attach(struct eng *e, const char *vm, const char *path, const char *bus, char *target, size_t tlen,
		    struct eng_error *err)
{
	virDomainPtr d;
	const char *fmt = "raw";
	int ret = -1;

	if (eng_refuse_readonly(e, "attach a disk to", vm, err) < 0 || !(d = eng_dom_lookup(e, vm, err)))
		return -1;
	if (path[0] != '/') {
		eng_err_set(err, ENG_E_INVALID, "disk attach %s: give the image's absolute path ('%s')", vm, path);
		goto out;
	}
	/* this machine's files are looked at first; a remote host's are its own */
	if (e->local) {
		unsigned long long size;
		if (eng_disk_probe_format(path, &fmt, &size, err) < 0)
			goto out;
		if (strcmp(fmt, "qcow2") != 0 && strcmp(fmt, "raw") != 0) {
			eng_err_set(err, ENG_E_INVALID, "disk attach %s: %s is %s: convert it first ('vmdeck create NAME "
				    "--import %s' converts, or qemu-img convert -O qcow2)", vm, path, fmt, path);
			goto out;
		}
	}
	ret = attach_path(d, vm, path, fmt, bus ? bus : "virtio", target, tlen, err);
out:
	virDomainFree(d);
	return ret;
}

/* The disk element of target in the guest's XML (live when running), its
 * source and the whole element for detach. */
static int find_disk(virDomainPtr d, const char *vm, const char *target, char **elem, char **source,
		     struct eng_error *err)
{
	char *xml = virDomainGetXMLDesc(d, virDomainIsActive(d) == 1 ? 0 : VIR_DOMAIN_XML_INACTIVE);
	struct xdoc x;
	xmlXPathObjectPtr o = NULL;
	int ret = -1;

	*elem = *source = NULL;
	if (!xml || xdoc_parse(&x, xml) < 0) {
		free(xml);
		eng_err_libvirt(err, "disk of %s: cannot read its configuration", vm);
		return -1;
	}
	o = xdoc_nodes(&x, NULL, "/domain/devices/disk");
	for (int i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr && ret < 0; i++) {
		xmlNodePtr n = o->nodesetval->nodeTab[i];
		char *dev = xdoc_str(&x, n, "target/@dev");
		if (dev && strcmp(dev, target) == 0) {
			xmlBufferPtr b = xmlBufferCreate();
			xmlNodeDump(b, x.doc, n, 0, 0);
			*elem = strdup((const char *)xmlBufferContent(b));
			xmlBufferFree(b);
			*source = xdoc_str(&x, n, "source/@file");
			ret = 0;
		}
		free(dev);
	}
	if (ret < 0)
		eng_err_set(err, ENG_E_NOT_FOUND, "VM %s has no disk %s (see 'vmdeck disk list %s')", vm, target, vm);
	xmlXPathFreeObject(o);
	xdoc_free(&x);
	free(xml);
	return ret;
}

int eng_disk_detach(struct eng *e, const char *vm, const char *target, bool delete_volume, char *removed,
		    size_t len, struct eng_error *err)
{
	virDomainPtr d;
	char *elem = NULL, *source = NULL;
	int ret = -1;

	removed[0] = '\0';
	if (eng_refuse_readonly(e, "detach a disk from", vm, err) < 0 || !(d = eng_dom_lookup(e, vm, err)))
		return -1;
	if (eng_name_check("disk target", target, err) < 0 || find_disk(d, vm, target, &elem, &source, err) < 0)
		goto out;
	/* a template's disks are its clones' base: not while they depend on them */
	if (eng_template_refuse(e, vm, "detach a disk from", err) < 0)
		goto out;
	/* --delete of an image vmdeck did not make: refused before anything changes */
	if (delete_volume && source && !eng_pool_vol_ours(e, source)) {
		eng_err_set(err, ENG_E_FAILED, "disk detach %s %s --delete: %s is not a volume of vmdeck's pool: "
			    "nothing was changed (detach it without --delete; the image stays)", vm, target, source);
		goto out;
	}
	if (virDomainDetachDeviceFlags(d, elem, eng_affect_flags(d)) < 0) {
		eng_err_libvirt(err, "cannot detach %s from %s", target, vm);
		goto out;
	}
	if (delete_volume && source) {
		/* only a volume of vmdeck's pool; anything else stays where it is */
		if (eng_pool_vol_delete(e, source, err) < 0)
			goto out;
		snprintf(removed, len, "%s", source);
	}
	ret = 0;
out:
	free(elem);
	free(source);
	virDomainFree(d);
	return ret;
}

int eng_disk_resize(struct eng *e, const char *vm, const char *target, const char *size_text, unsigned long long *now,
		    struct eng_error *err)
{
	virDomainPtr d;
	virDomainBlockInfo bi;
	char *elem = NULL, *source = NULL;
	unsigned long long want;
	bool grow_by = size_text[0] == '+';
	int ret = -1;

	if (eng_refuse_readonly(e, "resize a disk of", vm, err) < 0)
		return -1;
	if (eng_size_parse("disk size", size_text + grow_by, ENG_UNIT_GIB, &want, err) < 0)
		return -1;
	if (!(d = eng_dom_lookup(e, vm, err)))
		return -1;
	if (eng_name_check("disk target", target, err) < 0 || find_disk(d, vm, target, &elem, &source, err) < 0)
		goto out;
	/* overlays on it keep their own size: a base that grew under them breaks them */
	if (eng_template_refuse(e, vm, "resize a disk of", err) < 0)
		goto out;
	if (virDomainGetBlockInfo(d, source ? source : target, &bi, 0) < 0) {
		eng_err_libvirt(err, "disk %s of %s: cannot read its size", target, vm);
		goto out;
	}
	if (grow_by)
		want += bi.capacity;
	if (want < bi.capacity) {
		char have[32], asked[32];
		eng_size_format(bi.capacity, have, sizeof(have));
		eng_size_format(want, asked, sizeof(asked));
		eng_err_set(err, ENG_E_INVALID, "disk %s of %s is %s: shrinking it to %s would cut the guest's file "
			    "systems; vmdeck only grows disks", target, vm, have, asked);
		goto out;
	}
	if (want == bi.capacity) {
		*now = want;
		ret = 0;
		goto out;
	}
	if (virDomainIsActive(d) == 1) {
		/* live: QEMU grows the image and the guest sees the new size */
		if (virDomainBlockResize(d, target, want, VIR_DOMAIN_BLOCK_RESIZE_BYTES) < 0) {
			eng_err_libvirt(err, "cannot resize disk %s of %s", target, vm);
			goto out;
		}
	} else {
		virStorageVolPtr v = source ? virStorageVolLookupByPath(e->conn, source) : NULL;
		int rc;
		if (v) {
			rc = virStorageVolResize(v, want, 0);
			virStorageVolFree(v);
			if (rc < 0) {
				eng_err_libvirt(err, "cannot resize disk %s of %s", target, vm);
				goto out;
			}
		} else if (e->local && source) {
			char sz[32], what[1200];
			char *argv[] = { "qemu-img", "resize", "-q", source, sz, NULL };
			snprintf(sz, sizeof(sz), "%llu", want);
			snprintf(what, sizeof(what), "resize %s", source);
			if (eng_qemu_img(argv, what, err) < 0)
				goto out;
		} else {
			eng_err_set(err, ENG_E_FAILED, "disk %s of %s is not a volume of a pool: resize it on its host", target,
				    vm);
			goto out;
		}
	}
	*now = want;
	ret = 0;
out:
	free(elem);
	free(source);
	virDomainFree(d);
	return ret;
}
