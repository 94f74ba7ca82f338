/* cdrom.c - install media: an ISO into the guest's CD-ROM drive, or ejected
 * (live and in the configuration, as `virsh change-media` with --live
 * --config). A stopped guest without a drive gets one (IDE hdc, the slot
 * create --iso uses); a running one cannot, IDE does not hotplug. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "xmlutil.h"

/* The drive's <disk> with its source replaced (iso NULL: none). */
static char *drive_xml(xmlNodePtr disk, const char *iso)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr copy = xmlDocCopyNode(disk, doc, 1), n, next;

	xmlDocSetRootElement(doc, copy);
	for (n = copy->children; n; n = next) {
		next = n->next;
		if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, "source") == 0) {
			xmlUnlinkNode(n);
			xmlFreeNode(n);
		}
	}
	xmlSetProp(copy, (const xmlChar *)"type", (const xmlChar *)"file");
	if (iso)
		xattr(xnew(copy, "source", NULL), "file", iso);
	return xdoc_take(doc);
}

/* QEMU opens the tray before it lets the medium go; on a loaded host the tray
 * can still be closing or opening when libvirt stops waiting for it
 * ("Tray of device ... is not open"): asked again, bounded (10 s: a TCG
 * guest on a busy 2-core host was seen to need more than 3). */
static int update_drive(virDomainPtr d, const char *xml, unsigned flags)
{
	for (int tries = 0;; tries++) {
		virErrorPtr le;
		if (virDomainUpdateDeviceFlags(d, xml, flags) == 0)
			return 0;
		le = virGetLastError();
		if (tries >= 20 || !le || !le->message || !strstr(le->message, "Tray of device"))
			return -1;
		usleep(500 * 1000);
	}
}

int eng_cdrom(struct eng *e, const char *vm, const char *iso, char *target, size_t tlen,
	      struct eng_error *err)
{
	char *path = NULL, *xml = NULL, *dev = NULL;
	virDomainPtr d = NULL;
	struct xdoc x = { 0 };
	xmlXPathObjectPtr o = NULL;
	struct stat st;
	int ret = -1;

	if (eng_refuse_readonly(e, iso ? "insert media into" : "eject media from", vm, err) < 0)
		return -1;
	if (iso) {
		if (!(path = realpath(iso, NULL)) || stat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
		    access(path, R_OK) < 0) {
			eng_err_set(err, ENG_E_INVALID, "ISO '%s': %s", iso,
				    path && stat(path, &st) == 0 && !S_ISREG(st.st_mode) ? "not a regular file"
											 : strerror(errno));
			free(path);
			return -1;
		}
	}
	if (!(d = eng_dom_lookup(e, vm, err)))
		goto out;
	/* the live definition when running (what the guest sees), else the stored one */
	xml = virDomainGetXMLDesc(d, virDomainIsActive(d) == 1 ? 0 : VIR_DOMAIN_XML_INACTIVE);
	if (!xml || xdoc_parse(&x, xml) < 0) {
		eng_err_libvirt(err, "cannot read %s's definition", vm);
		goto out;
	}
	o = xdoc_nodes(&x, NULL, "/domain/devices/disk[@device='cdrom']");
	if (o && o->nodesetval && o->nodesetval->nodeNr > 0) {
		xmlNodePtr disk = o->nodesetval->nodeTab[0];
		char *dx = drive_xml(disk, path);
		unsigned flags = eng_affect_flags(d) | (path ? 0 : VIR_DOMAIN_DEVICE_MODIFY_FORCE);  /* eject a locked tray */

		dev = xdoc_str(&x, disk, "target/@dev");
		if (!dx || update_drive(d, dx, flags) < 0) {
			eng_err_libvirt(err, "%s: cannot %s the CD-ROM %s", vm, path ? "change the media in" : "eject",
					dev ? dev : "");
			free(dx);
			goto out;
		}
		free(dx);
	} else if (!path) {
		eng_err_set(err, ENG_E_FAILED, "%s has no CD-ROM drive: nothing to eject", vm);
		goto out;
	} else if (virDomainIsActive(d) == 1) {
		eng_err_set(err, ENG_E_FAILED, "%s has no CD-ROM drive and an IDE drive cannot be added while it "
			    "runs: stop it, then 'vmdeck cdrom %s ISO' adds one", vm, vm);
		goto out;
	} else {
		char *dx = eng_disk_device_xml("cdrom", "raw", path, "hdc", "ide");
		if (!dx || virDomainAttachDeviceFlags(d, dx, VIR_DOMAIN_AFFECT_CONFIG) < 0) {
			eng_err_libvirt(err, "%s: cannot add a CD-ROM drive", vm);
			free(dx);
			goto out;
		}
		free(dx);
		dev = strdup("hdc");
	}
	if (target)
		snprintf(target, tlen, "%s", dev ? dev : "cdrom");
	ret = 0;
out:
	xmlXPathFreeObject(o);
	if (x.doc)
		xdoc_free(&x);
	free(xml);
	free(dev);
	free(path);
	if (d)
		virDomainFree(d);
	return ret;
}
