/* create.c - the guest's birth and death: check, make disks, define, start;
 * undefine and (only when asked) remove disks. A failed create removes exactly
 * what it made. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "storage.h"
#include "template.h"
#include "xmlutil.h"

static int check_host_fit(struct eng *e, struct vm_spec *s, struct eng_error *err)
{
	virNodeInfo ni;
	unsigned long long total_kib, free_kib;

	if (virNodeGetInfo(e->conn, &ni) < 0 || eng_host_memory(e, &total_kib, &free_kib) < 0) {
		eng_err_libvirt(err, "cannot read the host's CPUs and memory");
		return -1;
	}
	if (!s->force && s->cpus > ni.cpus) {
		eng_err_set(err, ENG_E_FAILED,
			    "VM %s: %u vCPUs exceed the host's %u logical CPUs (--force to overcommit)",
			    s->name, s->cpus, ni.cpus);
		return -1;
	}
	if (!s->force && s->memory_mib > total_kib / 1024) {
		eng_err_set(err, ENG_E_FAILED,
			    "VM %s: %llu MiB of memory exceeds the host's %llu MiB (--force to overcommit)",
			    s->name, s->memory_mib, total_kib / 1024);
		return -1;
	}
	/* (the test driver's free memory is a made-up 3 MiB) */
	if (strcmp(e->accel.virt_type, "test") != 0) {
		unsigned long long free_mib = free_kib / 1024;
		if (free_mib && s->memory_mib > free_mib)
			snprintf(s->warning, sizeof(s->warning),
				 "VM %s: %llu MiB is more than the host's free memory (%llu MiB free of %llu MiB): "
				 "it may swap or fail to start", s->name, s->memory_mib, free_mib, total_kib / 1024);
	}
	return 0;
}

/* A sparse disk can be larger than the pool's free space, but a guest that
 * fills it then pauses on I/O errors: only when asked for (--force). */
static int check_disk_space(struct eng *e, const struct vm_spec *s, struct eng_error *err)
{
	virStoragePoolPtr p;
	virStoragePoolInfo pi;
	int ret = 0;

	if (!s->disk_bytes || s->force)
		return 0;
	if (!(p = virStoragePoolLookupByName(e->conn, ENG_POOL_NAME))) {
		/* no pool yet: the filesystem it would be made on (before anything is made) */
		unsigned long long avail;
		if (eng_pool_space_before(e, &avail) == 0 && s->disk_bytes > avail) {
			char want[32], have[32], dir[1024];
			eng_size_format(s->disk_bytes, want, sizeof(want));
			eng_size_format(avail, have, sizeof(have));
			eng_pool_default_path(e, dir, sizeof(dir));
			eng_err_set(err, ENG_E_FAILED, "VM %s: a %s disk is more than the filesystem of pool %s (%s) has "
				    "free (%s): --force makes it anyway, sparse", s->name, want, ENG_POOL_NAME, dir, have);
			return -1;
		}
		return 0;
	}
	if (virStoragePoolIsActive(p) == 1 && virStoragePoolRefresh(p, 0) == 0 &&
	    virStoragePoolGetInfo(p, &pi) == 0 && s->disk_bytes > pi.available) {
		char want[32], avail[32];
		eng_size_format(s->disk_bytes, want, sizeof(want));
		eng_size_format(pi.available, avail, sizeof(avail));
		eng_err_set(err, ENG_E_FAILED, "VM %s: a %s disk is more than pool %s has free (%s): "
			    "--force makes it anyway, sparse (space is taken as the guest writes)",
			    s->name, want, ENG_POOL_NAME, avail);
		ret = -1;
	}
	virStoragePoolFree(p);
	return ret;
}

static int check_firmware(struct eng *e, const struct vm_spec *s, struct eng_error *err)
{
	if (!s->firmware || strcmp(s->firmware, "bios") == 0)
		return 0;
	if (strcmp(s->firmware, "uefi") != 0) {
		eng_err_set(err, ENG_E_INVALID, "VM %s: unknown firmware '%s' (bios or uefi)", s->name, s->firmware);
		return -1;
	}
	if (strcmp(e->accel.virt_type, "test") != 0 && !eng_uefi_available(e)) {
		eng_err_set(err, ENG_E_FAILED, "VM %s: no UEFI firmware on the host (install OVMF: "
			    "apt-get install ovmf)", s->name);
		return -1;
	}
	return 0;
}

static int check_file(struct eng *e, const char *what, const char *path, struct eng_error *err)
{
	/* paths name files on the libvirt host: only checkable when it is this machine */
	if (!path || !e->local || strcmp(e->accel.virt_type, "test") == 0)
		return 0;
	if (access(path, R_OK) < 0) {
		eng_err_set(err, ENG_E_INVALID, "%s %s: no such readable file", what, path);
		return -1;
	}
	return 0;
}

int eng_spec_check(struct eng *e, struct vm_spec *s, struct eng_error *err)
{
	if (eng_name_check("VM", s->name, err) < 0)
		return -1;
	if (eng_domain_exists(e, s->name)) {
		eng_err_set(err, ENG_E_FAILED, "a VM named '%s' already exists", s->name);
		return -1;
	}
	if (!s->cpus || !s->memory_mib) {
		eng_err_set(err, ENG_E_INVALID, "VM %s: vCPUs and memory must be set", s->name);
		return -1;
	}
	if (s->import_path && s->disk_bytes) {
		eng_err_set(err, ENG_E_INVALID, "VM %s: --import and --disk exclude each other", s->name);
		return -1;
	}
	if (s->seed && eng_seed_check(s->seed, s->name, err) < 0)
		return -1;
	if ((s->initrd || s->cmdline) && !s->kernel) {
		eng_err_set(err, ENG_E_INVALID, "VM %s: --initrd and --cmdline need --kernel", s->name);
		return -1;
	}
	if (check_host_fit(e, s, err) < 0 || check_firmware(e, s, err) < 0 ||
	    check_disk_space(e, s, err) < 0 ||
	    check_file(e, "kernel", s->kernel, err) < 0 ||
	    check_file(e, "initrd", s->initrd, err) < 0 ||
	    check_file(e, "ISO", s->iso, err) < 0 ||
	    check_file(e, "disk", s->import_path, err) < 0)
		return -1;
	for (size_t i = 0; i < s->n_networks; i++) {
		virNetworkPtr n;
		if (eng_name_check("network", s->networks[i], err) < 0)
			return -1;
		if (!(n = virNetworkLookupByName(e->conn, s->networks[i]))) {
			eng_err_set(err, ENG_E_NOT_FOUND, "VM %s: no network named '%s'", s->name,
				    s->networks[i]);
			return -1;
		}
		virNetworkFree(n);
	}
	return 0;
}

/* What a create made, so that a failure removes exactly that. */
struct made {
	char *vols[VM_SPEC_MAX_DISKS];
	size_t n_vols;
	virDomainPtr dom;
	bool pool_before, pool_dir_before;   /* was there a pool (and its directory) before */
};

static void made_undo(struct eng *e, struct made *m)
{
	if (m->dom) {
		if (virDomainIsActive(m->dom) == 1)
			virDomainDestroy(m->dom);
		virDomainUndefineFlags(m->dom, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
					       VIR_DOMAIN_UNDEFINE_NVRAM);
	}
	for (size_t i = 0; i < m->n_vols; i++)
		eng_vol_delete_path(e, m->vols[i], NULL);
	/* a pool this create made goes with it */
	if (!m->pool_before)
		eng_pool_remove_new(e, m->pool_dir_before);
}

static void made_free(struct made *m)
{
	for (size_t i = 0; i < m->n_vols; i++)
		free(m->vols[i]);
	if (m->dom)
		virDomainFree(m->dom);
}

/* path is copied when owned (a volume's path the caller frees), else referenced. */
static int add_disk(struct vm_spec *s, const char *path, const char *format, bool cdrom,
		    bool owned, struct eng_error *err)
{
	if (s->n_disks >= VM_SPEC_MAX_DISKS) {
		eng_err_set(err, ENG_E_INVALID, "VM %s: too many disks", s->name);
		return -1;
	}
	if (owned) {
		snprintf(s->disk_path_buf[s->n_disks], sizeof(s->disk_path_buf[0]), "%s", path);
		path = s->disk_path_buf[s->n_disks];
	}
	s->disks[s->n_disks++] = (struct vm_disk_spec){ .path = path, .format = format, .cdrom = cdrom };
	return 0;
}

/* The seed is built here, then uploaded into the pool as NAME-seed.iso (so
 * remote hosts work too) and attached as a second CD-ROM. */
static int make_seed(struct eng *e, struct vm_spec *s, struct made *m, struct eng_error *err)
{
	char dir[] = "/tmp/vmdeck-seed-XXXXXX", file[64], vol[ENG_NAME_MAX + 16], id[ENG_NAME_MAX + 40];
	const char *fmt;
	char *path = NULL;

	if (!mkdtemp(dir)) {
		eng_err_set(err, ENG_E_FAILED, "VM %s: cannot make a directory for its seed", s->name);
		return -1;
	}
	snprintf(file, sizeof(file), "%s/seed.iso", dir);
	/* a new instance id per create: cloud-init runs again for a new guest */
	snprintf(id, sizeof(id), "vmdeck-%s-%lx", s->name, (unsigned long)time(NULL));
	snprintf(vol, sizeof(vol), "%s-seed.iso", s->name);
	if (eng_seed_write_iso(s->seed, s->name, id, file, err) == 0 &&
	    (path = eng_vol_import(e, vol, file, &fmt, err)))
		m->vols[m->n_vols++] = path;
	unlink(file);
	rmdir(dir);
	if (!path)
		return -1;
	return add_disk(s, path, "raw", true, true, err);
}

static int make_disks(struct eng *e, struct vm_spec *s, struct made *m, struct eng_error *err)
{
	char vol[ENG_NAME_MAX + 16];

	if (s->import_path) {
		const char *fmt;
		unsigned long long size;

		bool foreign;

		if (eng_disk_probe_format(s->import_path, &fmt, &size, err) < 0)
			return -1;
		foreign = strcmp(fmt, "qcow2") != 0 && strcmp(fmt, "raw") != 0;
		if (strcmp(fmt, "ova") == 0) {
			eng_err_set(err, ENG_E_INVALID, "%s is an OVA archive: 'vmdeck create NAME --import %s' "
				    "unpacks it", s->import_path, s->import_path);
			return -1;
		}
		if (foreign && s->import_in_place) {
			eng_err_set(err, ENG_E_INVALID, "disk %s is %s: --in-place takes qcow2 or raw only "
				    "(without it, vmdeck converts the disk to qcow2)", s->import_path, fmt);
			return -1;
		}
		if (s->import_in_place) {
			if (add_disk(s, s->import_path, fmt, false, false, err) < 0)
				return -1;
		} else if (foreign) {
			/* VirtualBox, VMware, Hyper-V disks become qcow2 in the pool */
			char *path;
			snprintf(vol, sizeof(vol), "%s-disk0.qcow2", s->name);
			if (!(path = eng_vol_convert(e, vol, s->import_path, fmt, err)))
				return -1;
			m->vols[m->n_vols++] = path;
			if (add_disk(s, path, "qcow2", false, true, err) < 0)
				return -1;
		} else {
			char *path;
			snprintf(vol, sizeof(vol), "%s-disk0.%s", s->name,
				 strcmp(fmt, "qcow2") == 0 ? "qcow2" : "img");
			if (!(path = eng_vol_import(e, vol, s->import_path, &fmt, err)))
				return -1;
			m->vols[m->n_vols++] = path;
			if (add_disk(s, path, fmt, false, true, err) < 0)
				return -1;
		}
	}
	if (s->disk_bytes) {
		char *path;
		const char *fmt = s->disk_format && strcmp(s->disk_format, "raw") == 0 ? "raw" : "qcow2";
		snprintf(vol, sizeof(vol), "%s.%s", s->name, strcmp(fmt, "raw") == 0 ? "img" : "qcow2");
		if (!(path = eng_vol_create(e, vol, fmt, s->disk_bytes, err)))
			return -1;
		m->vols[m->n_vols++] = path;
		if (add_disk(s, path, fmt, false, true, err) < 0)
			return -1;
	}
	if (s->iso && add_disk(s, s->iso, "raw", true, false, err) < 0)
		return -1;
	if (s->seed)
		return make_seed(e, s, m, err);
	return 0;
}

int eng_domain_create(struct eng *e, struct vm_spec *s, bool start, struct eng_error *err)
{
	struct made m = { 0 };
	char *xml = NULL, log[512];
	int ret = -1;

	if (eng_refuse_readonly(e, "create", s->name, err) < 0)
		return -1;
	if (!s->virt_type)
		s->virt_type = e->accel.virt_type;
	if (s->n_networks == 0 && !s->no_network && strcmp(s->virt_type, "test") != 0) {
		virNetworkPtr n = virNetworkLookupByName(e->conn, "default");
		if (n) {
			s->networks[s->n_networks++] = "default";
			virNetworkFree(n);
		}
	}
	if (eng_spec_check(e, s, err) < 0)
		return -1;
	/* the system daemon's virtlogd can write the serial console to a file
	 * that survives the guest: what it printed at boot stays readable */
	if (!s->serial_log && e->local && strstr(e->uri, "/system")) {
		snprintf(log, sizeof(log), "/var/log/libvirt/qemu/%s-serial.log", s->name);
		s->serial_log = log;
	}
	s->n_disks = 0;
	{
		virStoragePoolPtr p = virStoragePoolLookupByName(e->conn, ENG_POOL_NAME);
		char dir[1024];
		struct stat st;
		m.pool_before = p != NULL;
		if (p)
			virStoragePoolFree(p);
		eng_pool_default_path(e, dir, sizeof(dir));
		/* a remote host's directory cannot be seen from here: assume it was there */
		m.pool_dir_before = !e->local || stat(dir, &st) == 0;
	}
	if (make_disks(e, s, &m, err) < 0)
		goto out;
	/* an ISO install started now: the definition keeps an empty drive and
	 * boots its disk, the install runs from a live definition with the media
	 * booted first. Not started: the media stays in, booted before the disk
	 * (ejecting it later with `cdrom --eject` leaves the disk to boot). */
	struct vm_disk_spec *cd = NULL;
	for (size_t i = 0; i < s->n_disks; i++)
		if (s->disks[i].cdrom && s->iso && s->disks[i].path == s->iso)
			cd = &s->disks[i];
	if (cd && start)
		cd->path = NULL;
	s->cd_boot = cd && !start;
	xml = eng_domxml_build(s, err);
	if (cd)
		cd->path = s->iso;
	s->cd_boot = false;
	if (!xml)
		goto out;
	if (!(m.dom = virDomainDefineXML(e->conn, xml))) {
		eng_err_libvirt(err, "cannot define VM %s", s->name);
		goto out;
	}
	if (start && cd) {
		char uuid[VIR_UUID_STRING_BUFLEN], ilog[512];
		const char *boot_log = s->serial_log;
		virDomainPtr run;
		free(xml);
		virDomainGetUUIDString(m.dom, uuid);
		s->uuid = uuid;
		s->install_run = s->cd_boot = true;
		/* the installer's console in a file of its own: each boot rewrites the other */
		if (boot_log) {
			snprintf(ilog, sizeof(ilog), "/var/log/libvirt/qemu/%s-install-serial.log", s->name);
			s->serial_log = ilog;
		}
		xml = eng_domxml_build(s, err);
		s->serial_log = boot_log;
		s->uuid = NULL;
		s->install_run = s->cd_boot = false;
		if (!xml || !(run = virDomainCreateXML(e->conn, xml, 0))) {
			if (xml)
				eng_err_libvirt(err, "VM %s was defined but its install cannot start (removed again)", s->name);
			goto out;
		}
		virDomainFree(run);
	} else if (start && virDomainCreate(m.dom) < 0) {
		eng_err_libvirt(err, "VM %s was defined but cannot start (removed again)", s->name);
		goto out;
	}
	ret = 0;
out:
	if (ret < 0)
		made_undo(e, &m);
	if (s->serial_log == log)
		s->serial_log = NULL;
	made_free(&m);
	free(xml);
	return ret;
}

int eng_install_wait(struct eng *e, const char *name, struct eng_error *err)
{
	virDomainPtr d = eng_dom_lookup(e, name, err);
	int ret = -1, st, reason;

	if (!d)
		return -1;
	for (;;) {
		if (virDomainGetState(d, &st, &reason, 0) < 0) {
			eng_err_libvirt(err, "VM %s: cannot read its state", name);
			break;
		}
		if (st == VIR_DOMAIN_SHUTOFF || st == VIR_DOMAIN_CRASHED) {
			ret = 0;
			break;
		}
		if (eng_job_cancelled()) {
			eng_err_set(err, ENG_E_CANCELLED, "VM %s: stopped waiting for its install (it goes on; "
				    "'vmdeck start %s' boots its disk once it is done)", name, name);
			break;
		}
		usleep(500 * 1000);
	}
	virDomainFree(d);
	return ret;
}

/* ---- delete ---- */

/* NAME-seed.iso in vmdeck's own pool: what create --cloud-* made */
static bool is_own_seed(struct eng *e, const char *vm, const char *path)
{
	const char *base = strrchr(path, '/');
	char want[ENG_NAME_MAX + 16];
	virStorageVolPtr v;
	virStoragePoolPtr p = NULL;
	bool own;

	snprintf(want, sizeof(want), "%s-seed.iso", vm);
	if (!base || strcmp(base + 1, want) != 0 || !(v = virStorageVolLookupByPath(e->conn, path)))
		return false;
	p = virStoragePoolLookupByVolume(v);
	own = p && strcmp(virStoragePoolGetName(p), ENG_POOL_NAME) == 0;
	if (p)
		virStoragePoolFree(p);
	virStorageVolFree(v);
	return own;
}

int eng_domain_delete(struct eng *e, const char *name, bool with_disks,
		      struct eng_delete_report *rep, struct eng_error *err)
{
	virDomainPtr d;
	struct eng_dom_info info;
	struct vmdeck_meta meta;
	int ret = -1;

	memset(rep, 0, sizeof(*rep));
	if (eng_refuse_readonly(e, "delete", name, err) < 0)
		return -1;
	if (eng_template_refuse(e, name, "delete", err) < 0)
		return -1;
	if (eng_domain_info(e, name, &info, err) < 0)
		return -1;
	if (!(d = eng_dom_lookup(e, name, err)))
		goto out_info;
	if (eng_meta_read(d, &meta) < 0)
		meta.base[0] = '\0';
	if (virDomainIsActive(d) == 1 && virDomainDestroy(d) < 0) {
		eng_err_libvirt(err, "delete %s: cannot power it off", name);
		goto out;
	}
	if (virDomainIsPersistent(d) == 1 &&
	    virDomainUndefineFlags(d, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
				      VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
				      VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA |
				      VIR_DOMAIN_UNDEFINE_NVRAM) < 0 &&
	    virDomainUndefineFlags(d, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
				      VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA) < 0) {
		eng_err_libvirt(err, "cannot delete %s", name);
		goto out;
	}
	if (meta.base[0])
		eng_template_forget_clone(e, meta.base, name);
	for (size_t i = 0; with_disks && i < info.n_disks; i++) {
		struct eng_disk *dk = &info.disks[i];
		struct eng_error verr = { 0 };

		/* install media and files outside storage pools are never removed;
		 * the cloud-init seed vmdeck made for this guest is one of its disks */
		if (!dk->source || (dk->device && strcmp(dk->device, "disk") != 0 && !is_own_seed(e, name, dk->source)))
			continue;
		if (eng_vol_delete_path(e, dk->source, &verr) == 0) {
			if (rep->n_removed < VM_SPEC_MAX_DISKS)
				snprintf(rep->removed[rep->n_removed++], 512, "%s", dk->source);
		} else if (rep->n_kept < VM_SPEC_MAX_DISKS) {
			snprintf(rep->kept[rep->n_kept++], 600, "%s", verr.msg);
		}
	}
	ret = 0;
out:
	virDomainFree(d);
out_info:
	eng_dom_info_free(&info);
	return ret;
}
