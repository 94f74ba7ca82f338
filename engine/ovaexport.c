/* ovaexport.c - export VM FILE.ova: an OVF 1.0 package as VirtualBox writes
 * and reads one. Each disk becomes a stream-optimised VMDK (qemu-img), the
 * descriptor is built with libxml2 (vCPUs, memory, a SATA controller with the
 * disks, the NICs, the OS type mapped from the libosinfo id), and libarchive
 * writes the tar with the descriptor first, as OVF requires. The archive is
 * written as FILE.partial and renamed when complete. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage.h"
#include "xmlutil.h"

#define OVF_NS "http://schemas.dmtf.org/ovf/envelope/1"
#define RASD_NS "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
#define VSSD_NS "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
#define VBOX_NS "http://www.virtualbox.org/ovf/machine"
#define VMDK_STREAM "http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"
#define EX_MAX_DISKS 8

/* libosinfo id (a substring of it) -> CIM OS type and VirtualBox's name */
static const struct {
	const char *osinfo;
	int cim;
	const char *vbox;
} os_types[] = {
	{ "debian.org/debian", 96, "Debian_64" },
	{ "ubuntu.com/ubuntu", 94, "Ubuntu_64" },
	{ "redhat.com/rhel", 80, "RedHat_64" },
	{ "centos.org", 80, "RedHat_64" },
	{ "rockylinux.org", 80, "RedHat_64" },
	{ "almalinux.org", 80, "RedHat_64" },
	{ "fedoraproject.org", 80, "Fedora_64" },
	{ "opensuse.org", 80, "OpenSUSE_64" },
	{ "archlinux.org", 101, "ArchLinux_64" },
	{ "alpinelinux.org", 101, "Linux_64" },
	{ "microsoft.com/win/11", 1, "Windows11_64" },
	{ "microsoft.com/win/10", 1, "Windows10_64" },
	{ "freebsd.org", 78, "FreeBSD_64" },
};

struct ex_disk {
	char target[16], path[1024], format[16];
	char file[64];                  /* VM-disk1.vmdk */
	char tmp[1200];                 /* where qemu-img wrote it */
	unsigned long long capacity, size;
};

static xmlNodePtr onew(xmlNodePtr parent, xmlNsPtr ns, const char *name, const char *text)
{
	return xmlNewTextChild(parent, ns, (const xmlChar *)name, (const xmlChar *)text);
}

static void oattr(xmlNodePtr n, xmlNsPtr ns, const char *name, const char *value)
{
	xmlNewNsProp(n, ns, (const xmlChar *)name, (const xmlChar *)value);
}

static xmlNodePtr item(xmlNodePtr hw, xmlNsPtr el, xmlNsPtr rasd, int instance, int type, const char *name,
		       const char *desc)
{
	xmlNodePtr it = onew(hw, el, "Item", NULL);
	char buf[16];

	onew(it, rasd, "Caption", name);
	onew(it, rasd, "Description", desc);
	onew(it, rasd, "ElementName", name);
	snprintf(buf, sizeof(buf), "%d", instance);
	onew(it, rasd, "InstanceID", buf);
	snprintf(buf, sizeof(buf), "%d", type);
	onew(it, rasd, "ResourceType", buf);
	return it;
}

/* The descriptor; pure but for its inputs (unit tests may call it). */
static char *ovf_xml(const char *vm, unsigned cpus, unsigned long long mem_mib, const char *os_id,
		     const struct ex_disk *disks, int nd, int nics)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr env = xmlNewNode(NULL, (const xmlChar *)"Envelope"), refs, ds, ns_, vs, os, hw, sys, it, n;
	xmlNsPtr ovf, el, rasd, vssd, vbox;
	char buf[64];
	int cim = 1, inst = 1;
	const char *vbox_os = "Other_64";

	xmlDocSetRootElement(doc, env);
	ovf = xmlNewNs(env, (const xmlChar *)OVF_NS, (const xmlChar *)"ovf");
	/* elements unprefixed in OVF's namespace, attributes ovf:, as VirtualBox writes */
	el = xmlNewNs(env, (const xmlChar *)OVF_NS, NULL);
	xmlSetNs(env, el);
	rasd = xmlNewNs(env, (const xmlChar *)RASD_NS, (const xmlChar *)"rasd");
	vssd = xmlNewNs(env, (const xmlChar *)VSSD_NS, (const xmlChar *)"vssd");
	xmlNewNs(env, (const xmlChar *)"http://www.w3.org/2001/XMLSchema-instance", (const xmlChar *)"xsi");
	vbox = xmlNewNs(env, (const xmlChar *)VBOX_NS, (const xmlChar *)"vbox");
	oattr(env, ovf, "version", "1.0");
	xmlNewProp(env, (const xmlChar *)"xml:lang", (const xmlChar *)"en-US");

	refs = onew(env, el, "References", NULL);
	for (int i = 0; i < nd; i++) {
		n = onew(refs, el, "File", NULL);
		oattr(n, ovf, "href", disks[i].file);
		snprintf(buf, sizeof(buf), "file%d", i + 1);
		oattr(n, ovf, "id", buf);
		snprintf(buf, sizeof(buf), "%llu", disks[i].size);
		oattr(n, ovf, "size", buf);
	}
	ds = onew(env, el, "DiskSection", NULL);
	onew(ds, el, "Info", "List of the virtual disks used in the package");
	for (int i = 0; i < nd; i++) {
		n = onew(ds, el, "Disk", NULL);
		snprintf(buf, sizeof(buf), "%llu", disks[i].capacity);
		oattr(n, ovf, "capacity", buf);
		snprintf(buf, sizeof(buf), "vmdisk%d", i + 1);
		oattr(n, ovf, "diskId", buf);
		snprintf(buf, sizeof(buf), "file%d", i + 1);
		oattr(n, ovf, "fileRef", buf);
		oattr(n, ovf, "format", VMDK_STREAM);
	}
	ns_ = onew(env, el, "NetworkSection", NULL);
	onew(ns_, el, "Info", "Logical networks used in the package");
	if (nics) {
		n = onew(ns_, el, "Network", NULL);
		oattr(n, ovf, "name", "NAT");
		onew(n, el, "Description", "Logical network used by this appliance.");
	}
	vs = onew(env, el, "VirtualSystem", NULL);
	oattr(vs, ovf, "id", vm);
	onew(vs, el, "Info", "A virtual machine");
	onew(vs, el, "Name", vm);
	for (size_t i = 0; os_id && i < sizeof(os_types) / sizeof(os_types[0]); i++)
		if (strstr(os_id, os_types[i].osinfo)) {
			cim = os_types[i].cim;
			vbox_os = os_types[i].vbox;
			break;
		}
	os = onew(vs, el, "OperatingSystemSection", NULL);
	snprintf(buf, sizeof(buf), "%d", cim);
	oattr(os, ovf, "id", buf);
	onew(os, el, "Info", "The kind of installed guest operating system");
	onew(os, el, "Description", vbox_os);
	n = onew(os, vbox, "OSType", vbox_os);
	oattr(n, ovf, "required", "false");

	hw = onew(vs, el, "VirtualHardwareSection", NULL);
	onew(hw, el, "Info", "Virtual hardware requirements for a virtual machine");
	sys = onew(hw, el, "System", NULL);
	onew(sys, vssd, "ElementName", "Virtual Hardware Family");
	onew(sys, vssd, "InstanceID", "0");
	onew(sys, vssd, "VirtualSystemIdentifier", vm);
	onew(sys, vssd, "VirtualSystemType", "virtualbox-2.2");
	snprintf(buf, sizeof(buf), "%u virtual CPU", cpus);
	it = item(hw, el, rasd, inst++, 3, buf, "Number of virtual CPUs");
	snprintf(buf, sizeof(buf), "%u", cpus);
	onew(it, rasd, "VirtualQuantity", buf);
	snprintf(buf, sizeof(buf), "%llu MB of memory", mem_mib);
	it = item(hw, el, rasd, inst++, 4, buf, "Memory Size");
	onew(it, rasd, "AllocationUnits", "MegaBytes");
	snprintf(buf, sizeof(buf), "%llu", mem_mib);
	onew(it, rasd, "VirtualQuantity", buf);
	/* one SATA (AHCI) controller for the disks, as VirtualBox makes */
	int sata = inst;
	it = item(hw, el, rasd, inst++, 20, "sataController0", "SATA Controller");
	onew(it, rasd, "Address", "0");
	onew(it, rasd, "ResourceSubType", "AHCI");
	for (int i = 0; i < nd; i++) {
		snprintf(buf, sizeof(buf), "disk%d", i + 1);
		it = item(hw, el, rasd, inst++, 17, buf, "Disk Image");
		snprintf(buf, sizeof(buf), "%d", i);
		onew(it, rasd, "AddressOnParent", buf);
		snprintf(buf, sizeof(buf), "ovf:/disk/vmdisk%d", i + 1);
		onew(it, rasd, "HostResource", buf);
		snprintf(buf, sizeof(buf), "%d", sata);
		onew(it, rasd, "Parent", buf);
	}
	for (int i = 0; i < nics; i++) {
		snprintf(buf, sizeof(buf), "Ethernet adapter on 'NAT'");
		it = item(hw, el, rasd, inst++, 10, buf, "Network adapter");
		onew(it, rasd, "AutomaticAllocation", "true");
		onew(it, rasd, "Connection", "NAT");
		onew(it, rasd, "ResourceSubType", "E1000");
	}
	return xdoc_take(doc);
}

static int add_file(struct archive *a, const char *name, const char *path, const char *text, struct eng_error *err)
{
	struct archive_entry *ent = archive_entry_new();
	static char buf[1 << 20];
	struct stat st;
	int fd = -1, ret = -1;
	size_t tlen = text ? strlen(text) : 0;

	if (path && ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0)) {
		eng_err_set(err, ENG_E_FAILED, "export: cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	archive_entry_set_pathname(ent, name);
	archive_entry_set_size(ent, path ? st.st_size : (la_int64_t)tlen);
	archive_entry_set_filetype(ent, AE_IFREG);
	archive_entry_set_perm(ent, 0600);
	archive_entry_set_mtime(ent, time(NULL), 0);
	if (archive_write_header(a, ent) != ARCHIVE_OK)
		goto fail;
	if (text && archive_write_data(a, text, tlen) != (la_ssize_t)tlen)
		goto fail;
	for (ssize_t got; path && (got = read(fd, buf, sizeof(buf))) > 0;)
		if (archive_write_data(a, buf, (size_t)got) != got)
			goto fail;
	ret = 0;
	goto out;
fail:
	eng_err_set(err, ENG_E_FAILED, "export: writing %s into the archive: %s", name, archive_error_string(a));
out:
	if (fd >= 0)
		close(fd);
	archive_entry_free(ent);
	return ret;
}

int eng_export_ova(struct eng *e, const char *vm, const char *file, struct eng_export_result *r,
		   struct eng_error *err)
{
	struct ex_disk disks[EX_MAX_DISKS];
	struct eng_dom_info info;
	char partial[1100], *xml = NULL, *os_id = NULL, *ovf = NULL, ovfname[ENG_NAME_MAX + 8];
	struct archive *a = NULL;
	virDomainPtr d;
	int nd = 0, ret = -1, made = 0;
	size_t flen = strlen(file);

	memset(r, 0, sizeof(*r));
	if (flen < 5 || strcmp(file + flen - 4, ".ova") != 0) {
		eng_err_set(err, ENG_E_INVALID, "export %s: the file must end in .ova (%s)", vm, file);
		return -1;
	}
	if (!(d = eng_dom_lookup(e, vm, err)))
		return -1;
	if (!e->local) {
		eng_err_set(err, ENG_E_FAILED, "export of %s: its disks are on another host; run vmdeck there", vm);
		goto out_dom;
	}
	if (virDomainIsActive(d) == 1) {
		eng_err_set(err, ENG_E_FAILED, "VM %s is running: shut it down first (its disks change under a copy)", vm);
		goto out_dom;
	}
	if (access(file, F_OK) == 0) {
		eng_err_set(err, ENG_E_INVALID, "export %s: %s exists already (vmdeck does not overwrite it)", vm, file);
		goto out_dom;
	}
	if (eng_domain_info(e, vm, &info, err) < 0)
		goto out_dom;
	for (size_t k = 0; k < info.n_disks && nd < EX_MAX_DISKS; k++) {
		const struct eng_disk *dk = &info.disks[k];
		if (!dk->source || strcmp(dk->device ? dk->device : "disk", "disk") != 0)
			continue;
		struct ex_disk *x = &disks[nd];
		snprintf(x->target, sizeof(x->target), "%s", dk->target);
		snprintf(x->path, sizeof(x->path), "%s", dk->source);
		snprintf(x->format, sizeof(x->format), "%s", dk->format ? dk->format : "raw");
		snprintf(x->file, sizeof(x->file), "%.40s-disk%d.vmdk", vm, nd + 1);
		x->capacity = dk->capacity;
		if (!eng_pathf(x->tmp, sizeof(x->tmp), "%s.%s.partial", file, x->file)) {
			eng_err_set(err, ENG_E_INVALID, "export %s: the path %s is too long", vm, file);
			eng_dom_info_free(&info);
			goto out_dom;
		}
		nd++;
	}
	r->cpus = info.cpus_config;
	r->memory_mib = info.mem_config_mib;
	r->n_nics = (int)info.n_nics;
	eng_dom_info_free(&info);
	if (!nd) {
		eng_err_set(err, ENG_E_FAILED, "VM %s has no disk to export", vm);
		goto out_dom;
	}
	if ((xml = virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE))) {
		struct xdoc x;
		if (xdoc_parse(&x, xml) == 0) {
			os_id = xdoc_str(&x, NULL, "/domain/metadata/*[local-name()='libosinfo']/*[local-name()='os']/@id");
			xdoc_free(&x);
		}
	}
	/* the disks as stream-optimised VMDKs beside the archive */
	for (; made < nd; made++) {
		char what[300];
		struct stat st;
		snprintf(what, sizeof(what), "export of %.64s: %.15s", vm, disks[made].target);
		char *argv[] = { "qemu-img", "convert", "-p", "-f", disks[made].format, "-O", "vmdk", "-o",
				 "subformat=streamOptimized", disks[made].path, disks[made].tmp, NULL };
		if (eng_qemu_img(argv, what, err) < 0 || eng_job_cancelled() || stat(disks[made].tmp, &st) < 0) {
			if (eng_job_cancelled())
				eng_err_set(err, ENG_E_CANCELLED, "export of %s cancelled", vm);
			made++;
			goto undo;
		}
		disks[made].size = (unsigned long long)st.st_size;
	}
	if (!(ovf = ovf_xml(vm, r->cpus, r->memory_mib, os_id, disks, nd, r->n_nics))) {
		eng_err_set(err, ENG_E_FAILED, "export of %s: cannot build its OVF descriptor", vm);
		goto undo;
	}
	snprintf(partial, sizeof(partial), "%.1090s.partial", file);
	snprintf(ovfname, sizeof(ovfname), "%s.ovf", vm);
	a = archive_write_new();
	archive_write_set_format_ustar(a);
	/* 0600: the disks of a guest are root's alone */
	{
		int fd = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 || archive_write_open_fd(a, fd) != ARCHIVE_OK) {
			eng_err_set(err, ENG_E_FAILED, "export %s: cannot write %s: %s", vm, partial, strerror(errno));
			if (fd >= 0)
				close(fd);
			archive_write_free(a);
			a = NULL;
			goto undo;
		}
		/* the descriptor first, then the disks in References order */
		if (add_file(a, ovfname, NULL, ovf, err) < 0)
			goto undo_archive;
		for (int i = 0; i < nd; i++)
			if (add_file(a, disks[i].file, disks[i].tmp, NULL, err) < 0)
				goto undo_archive;
		if (archive_write_close(a) != ARCHIVE_OK) {
			eng_err_set(err, ENG_E_FAILED, "export %s: %s", vm, archive_error_string(a));
			goto undo_archive;
		}
		archive_write_free(a);
		a = NULL;
		close(fd);
		if (rename(partial, file) < 0) {
			eng_err_set(err, ENG_E_FAILED, "export %s: cannot rename %s: %s", vm, partial, strerror(errno));
			unlink(partial);
			goto undo;
		}
		struct stat st;
		if (stat(file, &st) == 0)
			r->bytes = (unsigned long long)st.st_size;
		r->n_disks = nd;
		ret = 0;
		goto undo;   /* the VMDKs are in the archive now */
undo_archive:
		archive_write_free(a);
		a = NULL;
		close(fd);
		unlink(partial);
	}
undo:
	for (int i = 0; i < made; i++)
		unlink(disks[i].tmp);
out_dom:
	free(ovf);
	free(os_id);
	free(xml);
	virDomainFree(d);
	return ret;
}
