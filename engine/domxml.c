/* domxml.c - struct vm_spec -> libvirt domain XML, built with libxml2.
 * Every new guest gets: virtio disk(s), a virtio NIC per chosen network, a
 * serial console (logged to a file when serial_log is set), the qemu-guest-agent
 * channel, a virtio balloon with stats, and a virtio RNG. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmlutil.h"
#include "engine.h"

char *eng_disk_device_xml(const char *device, const char *format, const char *path, const char *target,
			  const char *bus)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr disk = xmlNewNode(NULL, (const xmlChar *)"disk"), n;

	xmlDocSetRootElement(doc, disk);
	xattr(disk, "type", "file");
	xattr(disk, "device", device);
	n = xnew(disk, "driver", NULL);
	xattr(n, "name", "qemu");
	xattr(n, "type", format);
	xattr(xnew(disk, "source", NULL), "file", path);
	n = xnew(disk, "target", NULL);
	xattr(n, "dev", target);
	xattr(n, "bus", bus);
	if (strcmp(device, "cdrom") == 0)
		xnew(disk, "readonly", NULL);
	return xdoc_take(doc);
}

/* Disk slot naming: virtio disks vda.., the install CD on the IDE bus of the
 * default 'pc' machine (hdc, as virt-install does), a cloud-init seed next (hdd). */
static void add_disk(xmlNodePtr devs, const struct vm_disk_spec *d, unsigned *n_virtio, unsigned *n_cd)
{
	static const char *const cd_slots[] = { "hdc", "hdd", "hdb" };
	xmlNodePtr disk = xnew(devs, "disk", NULL), n;
	char dev[8];

	xattr(disk, "type", "file");
	xattr(disk, "device", d->cdrom ? "cdrom" : "disk");
	n = xnew(disk, "driver", NULL);
	xattr(n, "name", "qemu");
	xattr(n, "type", d->format ? d->format : (d->cdrom ? "raw" : "qcow2"));
	if (d->path) {
		n = xnew(disk, "source", NULL);
		xattr(n, "file", d->path);
	}
	n = xnew(disk, "target", NULL);
	if (d->cdrom) {
		xattr(n, "dev", cd_slots[*n_cd < 3 ? (*n_cd)++ : 2]);
		xattr(n, "bus", "ide");
		xnew(disk, "readonly", NULL);
	} else {
		snprintf(dev, sizeof(dev), "vd%c", 'a' + (*n_virtio)++);
		xattr(n, "dev", dev);
		xattr(n, "bus", "virtio");
	}
}

static void add_nic(xmlNodePtr devs, const char *network)
{
	xmlNodePtr nic = xnew(devs, "interface", NULL), n;

	xattr(nic, "type", "network");
	n = xnew(nic, "source", NULL);
	xattr(n, "network", network);
	n = xnew(nic, "model", NULL);
	xattr(n, "type", "virtio");
}

static void add_console(xmlNodePtr devs, const char *log)
{
	xmlNodePtr ser = xnew(devs, "serial", NULL), con, n;

	xattr(ser, "type", "pty");
	if (log) {
		n = xnew(ser, "log", NULL);
		xattr(n, "file", log);
		xattr(n, "append", "off");
	}
	n = xnew(ser, "target", NULL);
	xattr(n, "port", "0");
	con = xnew(devs, "console", NULL);
	xattr(con, "type", "pty");
	n = xnew(con, "target", NULL);
	xattr(n, "type", "serial");
	xattr(n, "port", "0");
}

static void add_agent_channel(xmlNodePtr devs)
{
	xmlNodePtr ch = xnew(devs, "channel", NULL), n;

	xattr(ch, "type", "unix");
	n = xnew(ch, "target", NULL);
	xattr(n, "type", "virtio");
	xattr(n, "name", "org.qemu.guest_agent.0");
}

static void add_balloon_rng(xmlNodePtr devs)
{
	xmlNodePtr b = xnew(devs, "memballoon", NULL), rng, n;

	xattr(b, "model", "virtio");
	n = xnew(b, "stats", NULL);
	xattr(n, "period", "5");   /* the guest reports used memory every 5 s */
	rng = xnew(devs, "rng", NULL);
	xattr(rng, "model", "virtio");
	n = xnew(rng, "backend", "/dev/urandom");
	xattr(n, "model", "random");
}

char *eng_domxml_build(const struct vm_spec *s, struct eng_error *err)
{
	xmlDocPtr doc;
	xmlNodePtr dom, os, n, devs;
	unsigned max_cpus = s->max_cpus > s->cpus ? s->max_cpus : s->cpus;
	unsigned long long max_mem = s->max_memory_mib > s->memory_mib ? s->max_memory_mib
								       : s->memory_mib;
	unsigned n_virtio = 0, n_cd = 0;
	char *xml;

	if (eng_name_check("VM", s->name, err) < 0)
		return NULL;
	if (!s->cpus || !s->memory_mib) {
		eng_err_set(err, ENG_E_INVALID, "VM %s: vCPUs and memory must be set", s->name);
		return NULL;
	}
	doc = xmlNewDoc((const xmlChar *)"1.0");
	dom = xmlNewNode(NULL, (const xmlChar *)"domain");
	xmlDocSetRootElement(doc, dom);
	xattr(dom, "type", s->virt_type ? s->virt_type : "qemu");
	xnew(dom, "name", s->name);
	if (s->uuid)
		xnew(dom, "uuid", s->uuid);
	if (s->os_id) {
		/* where virt-install and virt-manager record the OS (libosinfo's id) */
		xmlNodePtr md = xnew(dom, "metadata", NULL), lo;
		xmlNsPtr ns;
		lo = xmlNewChild(md, NULL, (const xmlChar *)"libosinfo", NULL);
		ns = xmlNewNs(lo, (const xmlChar *)"http://libosinfo.org/xmlns/libvirt/domain/1.0",
			      (const xmlChar *)"libosinfo");
		xmlSetNs(lo, ns);
		n = xmlNewChild(lo, ns, (const xmlChar *)"os", NULL);
		xattr(n, "id", s->os_id);
	}
	n = xnewf(dom, "memory", "%llu", max_mem);
	xattr(n, "unit", "MiB");
	n = xnewf(dom, "currentMemory", "%llu", s->memory_mib);
	xattr(n, "unit", "MiB");
	n = xnewf(dom, "vcpu", "%u", max_cpus);
	if (max_cpus != s->cpus) {
		char cur[16];
		snprintf(cur, sizeof(cur), "%u", s->cpus);
		xattr(n, "current", cur);
	}

	os = xnew(dom, "os", NULL);
	/* libvirt picks the OVMF build and makes the guest's NVRAM itself */
	if (s->firmware && strcmp(s->firmware, "uefi") == 0)
		xattr(os, "firmware", "efi");
	n = xnew(os, "type", "hvm");
	xattr(n, "arch", "x86_64");
	if (s->kernel) {
		xnew(os, "kernel", s->kernel);
		if (s->initrd)
			xnew(os, "initrd", s->initrd);
		if (s->cmdline)
			xnew(os, "cmdline", s->cmdline);
	}
	if (s->cd_boot) {
		n = xnew(os, "boot", NULL);
		xattr(n, "dev", "cdrom");
	}
	n = xnew(os, "boot", NULL);
	xattr(n, "dev", "hd");

	n = xnew(dom, "features", NULL);
	xnew(n, "acpi", NULL);
	xnew(n, "apic", NULL);
	n = xnew(dom, "clock", NULL);
	xattr(n, "offset", "utc");
	xnew(dom, "on_poweroff", "destroy");
	/* installers reboot when done: that ends the install run, and the guest
	 * then starts from its own definition (disk first, no media) */
	xnew(dom, "on_reboot", s->install_run ? "destroy" : "restart");
	xnew(dom, "on_crash", "destroy");

	devs = xnew(dom, "devices", NULL);
	for (size_t i = 0; i < s->n_disks; i++)
		add_disk(devs, &s->disks[i], &n_virtio, &n_cd);
	for (size_t i = 0; i < s->n_networks; i++)
		add_nic(devs, s->networks[i]);
	add_console(devs, s->serial_log);
	if (!s->no_agent)
		add_agent_channel(devs);
	if (!s->no_graphics) {
		/* a screen for installers, `display` and the TUI's `v`: VNC on the
		 * host's loopback only (libvirt adds the video device) */
		n = xnew(devs, "graphics", NULL);
		xattr(n, "type", "vnc");
		xattr(n, "listen", "127.0.0.1");
		xattr(n, "autoport", "yes");
	}
	add_balloon_rng(devs);

	xml = xdoc_take(doc);
	if (!xml)
		eng_err_set(err, ENG_E_FAILED, "VM %s: cannot build its XML", s->name);
	return xml;
}
