/* backup.c - backups of a guest's disks into a directory of the user's, and
 * guests made again from them.
 *
 * DIR/VM/TIME/ holds one qcow2 file per disk (vda.qcow2 ...), domain.xml, the
 * UEFI variables (nvram.fd) when the guest has them, and manifest.json,
 * written last: a backup is made in DIR/VM/.TIME.partial and renamed to TIME
 * only when complete, so an interrupted one never looks good.
 *
 * A running guest is backed up by libvirt's backup API (push mode): the
 * first backup is full and creates a checkpoint (a dirty bitmap in each qcow2
 * v3 disk); the next is incremental from that checkpoint (only the clusters
 * written since), creates the next checkpoint, and the older one is dropped.
 * The filesystems are frozen by the guest agent around the start of the job
 * when it answers. A stopped guest is copied in full with qemu-img (libvirt
 * 9.0 has no backup job without QEMU, and qemu-img cannot read a dirty
 * bitmap), and a new checkpoint is made offline (qemu-img bitmap + a
 * redefined checkpoint, as libvirt 9.0 cannot create one for an inactive
 * domain), so the next running backup is incremental on that copy: the
 * chain continues. An incremental file's backing file is its
 * parent's, relative (../TIME/vda.qcow2): the directory can be moved. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "storage.h"
#include "template.h"
#include "xmlutil.h"

#define BK_FORMAT "vmdeck-backup 1"
#define BK_MAX_DISKS 16
#define CP_PREFIX "vmdeck-"

struct bk_disk {
	char target[16];
	char path[1024];
	char format[16];
	int qcow2_version;   /* 2 or 3; 0: not qcow2 */
};

/* ---- small facts ---- */

/* qcow2's header: "QFI\xfb", version (big endian), ..., size at offset 24 */
static int qcow2_header(const char *path, int *version, unsigned long long *size)
{
	unsigned char h[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t got = fd < 0 ? -1 : read(fd, h, sizeof(h));

	if (fd >= 0)
		close(fd);
	*version = 0;
	if (got != (ssize_t)sizeof(h) || memcmp(h, "QFI\xfb", 4) != 0)
		return -1;
	*version = h[4] << 24 | h[5] << 16 | h[6] << 8 | h[7];
	*size = 0;
	for (int i = 24; i < 32; i++)
		*size = *size << 8 | h[i];
	return 0;
}

/* libcrypto's SHA-256: it uses the CPU's SHA instructions where there are
 * some (1.2 GB/s here, against GLib's 0.3), and the checksum pass is what a
 * backup does beyond a plain copy */
static int sha256_file(const char *path, char out[65], unsigned long long *bytes)
{
	static unsigned char buf[1 << 20];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t got = -1;

	*bytes = 0;
	if (fd >= 0 && c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1) {
		while ((got = read(fd, buf, sizeof(buf))) > 0) {
			EVP_DigestUpdate(c, buf, (size_t)got);
			*bytes += (unsigned long long)got;
		}
		if (got == 0 && EVP_DigestFinal_ex(c, md, &mdlen) == 1)
			for (unsigned i = 0; i < mdlen && i < 32; i++)
				snprintf(out + 2 * i, 3, "%02x", md[i]);
		else
			got = -1;
	}
	if (fd >= 0)
		close(fd);
	EVP_MD_CTX_free(c);
	return got < 0 ? -1 : 0;
}

static bool stamp_ok(const char *s)
{
	/* 20261202T050012Z, optionally -2 .. -9 for several in one second */
	size_t n = strlen(s);
	if (n != 16 && n != 18)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(i == 8 ? s[i] == 'T' : i == 15 ? s[i] == 'Z' : i == 16 ? s[i] == '-' : s[i] >= '0' && s[i] <= '9'))
			return false;
	return true;
}

/* the guest's disks (not CD-ROMs) and its UEFI variables file */
static int dom_disks(virDomainPtr d, const char *vm, unsigned xml_flags, struct bk_disk *out, int *n, char *nvram,
		     size_t nlen, struct eng_error *err)
{
	char *xml = virDomainGetXMLDesc(d, xml_flags);
	struct xdoc x;
	xmlXPathObjectPtr o;
	int ret = 0;

	*n = 0;
	nvram[0] = '\0';
	if (!xml || xdoc_parse(&x, xml) < 0) {
		free(xml);
		eng_err_libvirt(err, "VM %s: cannot read its definition", vm);
		return -1;
	}
	free(xml);
	o = xdoc_nodes(&x, NULL, "/domain/devices/disk[@device='disk']");
	for (int i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr; i++) {
		xmlNodePtr node = o->nodesetval->nodeTab[i];
		char *t = xdoc_str(&x, node, "target/@dev"), *src = xdoc_str(&x, node, "source/@file"),
		     *fmt = xdoc_str(&x, node, "driver/@type");
		unsigned long long sz;
		if (!t || !src || *n >= BK_MAX_DISKS) {
			eng_err_set(err, ENG_E_FAILED, "VM %s: disk %s is not a file vmdeck can back up%s", vm, t ? t : "?",
				    *n >= BK_MAX_DISKS ? " (too many disks)" : "");
			ret = -1;
		} else {
			struct bk_disk *k = &out[(*n)++];
			snprintf(k->target, sizeof(k->target), "%s", t);
			snprintf(k->path, sizeof(k->path), "%s", src);
			snprintf(k->format, sizeof(k->format), "%s", fmt ? fmt : "raw");
			if (strcmp(k->format, "qcow2") != 0 || qcow2_header(k->path, &k->qcow2_version, &sz) < 0)
				k->qcow2_version = 0;
		}
		free(t);
		free(src);
		free(fmt);
	}
	xmlXPathFreeObject(o);
	{
		char *nv = xdoc_str(&x, NULL, "/domain/os/nvram");
		if (nv)
			snprintf(nvram, nlen, "%s", nv);
		free(nv);
	}
	xdoc_free(&x);
	if (ret == 0 && *n == 0) {
		eng_err_set(err, ENG_E_FAILED, "VM %s has no disk to back up", vm);
		ret = -1;
	}
	return ret;
}

static int write_private(const char *path, const char *text, struct eng_error *err)
{
	int fd = eng_private_file_create(path, err);
	size_t len = strlen(text);

	if (fd < 0)
		return -1;
	if (write(fd, text, len) != (ssize_t)len || close(fd) < 0) {
		eng_err_set(err, ENG_E_FAILED, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- the list of backups in DIR ---- */

static int read_manifest(const char *dir, struct eng_backup_entry *b)
{
	char path[1200];
	json_object *m, *v;
	int ret = -1;

	eng_pathf(path, sizeof(path), "%s/manifest.json", dir);
	if (!(m = json_object_from_file(path)))
		return -1;
	if (json_object_object_get_ex(m, "format", &v) && strcmp(json_object_get_string(v), BK_FORMAT) == 0) {
		const char *s;
		snprintf(b->kind, sizeof(b->kind), "%s",
			 json_object_object_get_ex(m, "kind", &v) ? json_object_get_string(v) : "?");
		s = json_object_object_get_ex(m, "parent", &v) ? json_object_get_string(v) : NULL;
		snprintf(b->parent, sizeof(b->parent), "%s", s ? s : "");
		s = json_object_object_get_ex(m, "checkpoint", &v) ? json_object_get_string(v) : NULL;
		snprintf(b->checkpoint, sizeof(b->checkpoint), "%s", s ? s : "");
		s = json_object_object_get_ex(m, "consistency", &v) ? json_object_get_string(v) : NULL;
		snprintf(b->consistency, sizeof(b->consistency), "%s", s ? s : "");
		b->created = json_object_object_get_ex(m, "created", &v) ? json_object_get_int64(v) : 0;
		b->bytes = 0;
		b->n_disks = 0;
		if (json_object_object_get_ex(m, "disks", &v) && json_object_is_type(v, json_type_array)) {
			b->n_disks = (int)json_object_array_length(v);
			for (int i = 0; i < b->n_disks; i++) {
				json_object *dk = json_object_array_get_idx(v, (size_t)i), *by;
				if (json_object_object_get_ex(dk, "bytes", &by))
					b->bytes += (unsigned long long)json_object_get_int64(by);
			}
		}
		b->complete = true;
		ret = 0;
	}
	json_object_put(m);
	return ret;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct eng_backup_entry *x = a, *y = b;
	int c = strcmp(x->vm, y->vm);
	return c ? c : strcmp(x->time, y->time);
}

/* the chain each backup belongs to: the time of the full backup it starts from */
static void chains(struct eng_backup_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct eng_backup_entry *at = &v[i];
		/* parents are older, so at most i steps */
		for (size_t hops = 0; at && at->parent[0] && hops <= i; hops++) {
			const struct eng_backup_entry *up = NULL;
			for (size_t k = 0; k < n; k++)
				if (strcmp(v[k].vm, v[i].vm) == 0 && v[k].complete && strcmp(v[k].time, at->parent) == 0)
					up = &v[k];
			if (!up) {
				v[i].broken = true;
				break;
			}
			at = up;
		}
		snprintf(v[i].chain, sizeof(v[i].chain), "%s", at ? at->time : "");
	}
}

static int list_vm(const char *dir, const char *vm, struct eng_backup_entry **v, size_t *n, size_t *cap)
{
	char path[1100];
	DIR *d;
	struct dirent *de;

	eng_pathf(path, sizeof(path), "%s/%s", dir, vm);
	if (!(d = opendir(path)))
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d))) {
		struct eng_backup_entry b = { 0 };
		char stamp[32];
		bool partial = de->d_name[0] == '.';
		size_t len = strlen(de->d_name);

		if (partial) {
			/* .TIME.partial: a backup that did not finish (or is running) */
			if (len < 9 || strcmp(de->d_name + len - 8, ".partial") != 0 || len - 9 >= sizeof(stamp))
				continue;
			snprintf(stamp, sizeof(stamp), "%.*s", (int)(len - 9), de->d_name + 1);
		} else {
			snprintf(stamp, sizeof(stamp), "%.31s", de->d_name);
		}
		if (!stamp_ok(stamp))
			continue;
		snprintf(b.vm, sizeof(b.vm), "%s", vm);
		snprintf(b.time, sizeof(b.time), "%s", stamp);
		eng_pathf(b.path, sizeof(b.path), "%s/%s", path, de->d_name);
		if (partial || read_manifest(b.path, &b) < 0) {
			b.complete = false;
			snprintf(b.kind, sizeof(b.kind), "incomplete");
		}
		if (*n == *cap) {
			struct eng_backup_entry *nv = realloc(*v, (*cap ? *cap * 2 : 16) * sizeof(**v));
			if (!nv) {
				closedir(d);
				return -1;
			}
			*v = nv;
			*cap = *cap ? *cap * 2 : 16;
		}
		(*v)[(*n)++] = b;
	}
	closedir(d);
	return 0;
}

int eng_backup_list(const char *dir, const char *vm, struct eng_backup_entry **out, size_t *nout,
		    struct eng_error *err)
{
	struct eng_backup_entry *v = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	*out = NULL;
	*nout = 0;
	if (vm) {
		rc = list_vm(dir, vm, &v, &n, &cap);
	} else {
		DIR *d = opendir(dir);
		struct dirent *de;
		if (!d) {
			eng_err_set(err, ENG_E_NOT_FOUND, "backup directory %s: %s", dir, strerror(errno));
			return -1;
		}
		while (rc == 0 && (de = readdir(d)))
			if (de->d_name[0] != '.' && eng_name_check("VM", de->d_name, NULL) == 0)
				rc = list_vm(dir, de->d_name, &v, &n, &cap);
		closedir(d);
	}
	if (rc < 0) {
		free(v);
		eng_err_set(err, ENG_E_FAILED, "backup directory %s: %s", dir, strerror(errno));
		return -1;
	}
	if (n)
		qsort(v, n, sizeof(*v), entry_cmp);
	chains(v, n);
	*out = v;
	*nout = n;
	return 0;
}

/* ---- qcow2 v2 disks: no room for bitmaps ---- */

int eng_backup_v2_disks(struct eng *e, const char *vm, bool upgrade, char *names, size_t len,
			struct eng_error *err)
{
	struct bk_disk disks[BK_MAX_DISKS];
	char nvram[1024];
	virDomainPtr d = eng_dom_lookup(e, vm, err);
	int nd = 0, n = 0;

	names[0] = '\0';
	if (!d)
		return -1;
	if (dom_disks(d, vm, VIR_DOMAIN_XML_INACTIVE, disks, &nd, nvram, sizeof(nvram), err) < 0) {
		virDomainFree(d);
		return -1;
	}
	if (upgrade && virDomainIsActive(d) == 1) {
		eng_err_set(err, ENG_E_FAILED, "VM %s is running: its disks can be upgraded only while it is stopped", vm);
		virDomainFree(d);
		return -1;
	}
	for (int i = 0; i < nd; i++) {
		if (strcmp(disks[i].format, "qcow2") != 0 || disks[i].qcow2_version != 2)
			continue;
		size_t used = strlen(names);
		snprintf(names + used, len - used, "%s%s", used ? ", " : "", disks[i].target);
		n++;
		/* qemu-img amend rewrites the header in place: v3 keeps every
		 * snapshot and the data; the guest is stopped, nothing holds it */
		char *argv[] = { "qemu-img", "amend", "-f", "qcow2", "-o", "compat=1.1", disks[i].path, NULL };
		if (upgrade && eng_qemu_img(argv, "upgrading a disk to qcow2 v3", err) < 0) {
			virDomainFree(d);
			return -1;
		}
	}
	virDomainFree(d);
	return n;
}

/* ---- checkpoints ---- */

static void cp_name(const char *stamp, char *out, size_t len)
{
	snprintf(out, len, CP_PREFIX "%s", stamp);
}

/* vmdeck's checkpoints of the guest except keep: running, libvirt drops
 * them with their bitmaps; stopped, their metadata goes and qemu-img removes
 * the bitmaps (libvirt 9.0 cannot delete one of an inactive domain) */
static void drop_checkpoints(virDomainPtr d, const char *keep, bool running, const struct bk_disk *disks, int nd)
{
	virDomainCheckpointPtr *cps = NULL;
	int n = virDomainListAllCheckpoints(d, &cps, 0);

	for (int i = 0; i < n; i++) {
		const char *name = virDomainCheckpointGetName(cps[i]);
		if (name && strncmp(name, CP_PREFIX, strlen(CP_PREFIX)) == 0 && (!keep || strcmp(name, keep) != 0)) {
			char cname[128];
			snprintf(cname, sizeof(cname), "%s", name);
			if (running) {
				virDomainCheckpointDelete(cps[i], 0);
			} else if (virDomainCheckpointDelete(cps[i], VIR_DOMAIN_CHECKPOINT_DELETE_METADATA_ONLY) == 0) {
				for (int k = 0; k < nd; k++) {
					char *argv[] = { "qemu-img", "bitmap", "--remove", (char *)disks[k].path, cname, NULL };
					if (disks[k].qcow2_version >= 3)
						eng_qemu_img(argv, "removing a bitmap", NULL);
				}
			}
		}
		virDomainCheckpointFree(cps[i]);
	}
	free(cps);
}

int eng_checkpoints_drop(struct eng *e, const char *vm, int *dropped, struct eng_error *err)
{
	virDomainPtr d = eng_dom_lookup(e, vm, err);
	struct bk_disk disks[BK_MAX_DISKS];
	char nvram[1024];
	int nd = 0, before;

	*dropped = 0;
	if (!d)
		return -1;
	before = virDomainListAllCheckpoints(d, NULL, 0);
	if (before > 0 && dom_disks(d, vm, VIR_DOMAIN_XML_INACTIVE, disks, &nd, nvram, sizeof(nvram), NULL) == 0) {
		drop_checkpoints(d, NULL, virDomainIsActive(d) == 1, disks, nd);
		*dropped = before - virDomainListAllCheckpoints(d, NULL, 0);
	}
	virDomainFree(d);
	return 0;
}

static char *checkpoint_xml(const char *name, const struct bk_disk *disks, int nd, bool redefine)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr c = xmlNewNode(NULL, (const xmlChar *)"domaincheckpoint"), ds;

	xmlDocSetRootElement(doc, c);
	xnew(c, "name", name);
	if (redefine)
		xnewf(c, "creationTime", "%lld", (long long)time(NULL));
	ds = xnew(c, "disks", NULL);
	for (int i = 0; i < nd; i++) {
		xmlNodePtr k = xnew(ds, "disk", NULL);
		xattr(k, "name", disks[i].target);
		xattr(k, "checkpoint", "bitmap");
		if (redefine)
			xattr(k, "bitmap", name);
	}
	return xdoc_take(doc);
}

static char *backup_xml(const char *work, const char *incremental, const struct bk_disk *disks, int nd)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr b = xmlNewNode(NULL, (const xmlChar *)"domainbackup"), ds;

	xmlDocSetRootElement(doc, b);
	xattr(b, "mode", "push");
	if (incremental)
		xnew(b, "incremental", incremental);
	ds = xnew(b, "disks", NULL);
	for (int i = 0; i < nd; i++) {
		xmlNodePtr k = xnew(ds, "disk", NULL), n;
		char file[1200];
		eng_pathf(file, sizeof(file), "%s/%s.qcow2", work, disks[i].target);
		xattr(k, "name", disks[i].target);
		xattr(k, "backup", "yes");
		xattr(k, "type", "file");
		n = xnew(k, "driver", NULL);
		xattr(n, "type", "qcow2");
		n = xnew(k, "target", NULL);
		xattr(n, "file", file);
	}
	return xdoc_take(doc);
}

/* ---- backup ---- */

/* a running guest: libvirt's push-mode backup job, waited for with progress */
static int backup_running(virDomainPtr d, const char *vm, const char *work, const char *incremental,
			  const char *new_cp, const struct bk_disk *disks, int nd, char *consistency, size_t clen,
			  struct eng_error *err)
{
	char *bxml = backup_xml(work, incremental, disks, nd), *cxml = new_cp ? checkpoint_xml(new_cp, disks, nd, false) : NULL;
	int frozen, rc, type = 0, nparams = 0;
	virTypedParameterPtr params = NULL;

	if (!bxml || (new_cp && !cxml)) {
		free(bxml);
		free(cxml);
		eng_err_set(err, ENG_E_FAILED, "backup of %s: cannot build its XML", vm);
		return -1;
	}
	/* the point in time is the job's start: frozen just around it */
	frozen = virDomainFSFreeze(d, NULL, 0, 0);
	rc = virDomainBackupBegin(d, bxml, cxml, 0);
	if (rc < 0)
		eng_err_libvirt(err, "backup of %s", vm);
	if (frozen >= 0)
		virDomainFSThaw(d, NULL, 0, 0);
	snprintf(consistency, clen, "%s", frozen >= 0 ? "filesystems frozen by the guest agent"
				      : "crash-consistent (the guest agent did not answer a freeze)");
	free(bxml);
	free(cxml);
	if (rc < 0)
		return -1;
	for (;;) {
		unsigned long long done = 0, total = 0;
		if (virDomainGetJobStats(d, &type, &params, &nparams, 0) < 0)
			break;
		virTypedParamsGetULLong(params, nparams, VIR_DOMAIN_JOB_DATA_PROCESSED, &done);
		virTypedParamsGetULLong(params, nparams, VIR_DOMAIN_JOB_DATA_TOTAL, &total);
		virTypedParamsFree(params, nparams);
		params = NULL;
		if (type == VIR_DOMAIN_JOB_NONE)
			break;
		if (total)
			eng_job_progress((int)(done * 100 / total));
		if (eng_job_cancelled())
			virDomainAbortJob(d);
		/* 20 ms: an incremental job is often over in less than 100 */
		usleep(20 * 1000);
	}
	if (virDomainGetJobStats(d, &type, &params, &nparams, VIR_DOMAIN_JOB_STATS_COMPLETED) < 0) {
		eng_err_libvirt(err, "backup of %s: its end", vm);
		return -1;
	}
	virTypedParamsFree(params, nparams);
	if (type != VIR_DOMAIN_JOB_COMPLETED) {
		eng_err_set(err, eng_job_cancelled() ? ENG_E_CANCELLED : ENG_E_FAILED, "backup of %s %s", vm,
			    eng_job_cancelled() ? "cancelled" : "failed in QEMU (see libvirt's log)");
		return -1;
	}
	return 0;
}

/* a stopped guest: a full copy of each disk (its backing chain read through) */
static int backup_stopped(const char *vm, const char *work, const struct bk_disk *disks, int nd,
			  struct eng_error *err)
{
	for (int i = 0; i < nd; i++) {
		char to[1200], what[1300];
		eng_pathf(to, sizeof(to), "%s/%s.qcow2", work, disks[i].target);
		snprintf(what, sizeof(what), "backup of %.64s: %.15s", vm, disks[i].target);
		char *argv[] = { "qemu-img", "convert", "-p", "-f", (char *)disks[i].format, "-O", "qcow2",
				 "-o", "compat=1.1", (char *)disks[i].path, to, NULL };
		if (eng_qemu_img(argv, what, err) < 0)
			return -1;
	}
	return 0;
}

/* parent's backing for the files libvirt wrote (it names the live disk) */
static int rebase_onto(const char *work, const char *parent, const struct bk_disk *disks, int nd, struct eng_error *err)
{
	for (int i = 0; i < nd; i++) {
		char file[1200], base[1200];
		eng_pathf(file, sizeof(file), "%s/%s.qcow2", work, disks[i].target);
		eng_pathf(base, sizeof(base), "../%s/%s.qcow2", parent, disks[i].target);
		char *argv[] = { "qemu-img", "rebase", "-q", "-u", "-F", "qcow2", "-b", base, file, NULL };
		if (eng_qemu_img(argv, "linking an incremental backup to its parent", err) < 0)
			return -1;
	}
	return 0;
}

/* an offline checkpoint: a bitmap in each disk, then libvirt told of it */
static int checkpoint_offline(virDomainPtr d, const char *name, const struct bk_disk *disks, int nd)
{
	char *xml;
	virDomainCheckpointPtr cp;

	for (int i = 0; i < nd; i++) {
		char *argv[] = { "qemu-img", "bitmap", "--add", (char *)disks[i].path, (char *)name, NULL };
		if (eng_qemu_img(argv, "adding a bitmap", NULL) < 0)
			return -1;
	}
	if (!(xml = checkpoint_xml(name, disks, nd, true)))
		return -1;
	cp = virDomainCheckpointCreateXML(d, xml, VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE);
	free(xml);
	if (!cp)
		return -1;
	virDomainCheckpointFree(cp);
	return 0;
}

static int write_manifest(const char *work, const char *vm, const char *uuid, const char *stamp, const char *kind,
			  const char *parent, const char *cp, const char *consistency, const struct bk_disk *disks,
			  int nd, bool nvram, unsigned long long *total, struct eng_error *err)
{
	json_object *m = json_object_new_object(), *arr = json_object_new_array();
	char path[1200];
	int ret = 0;

	*total = 0;
	json_object_object_add(m, "format", json_object_new_string(BK_FORMAT));
	json_object_object_add(m, "vm", json_object_new_string(vm));
	json_object_object_add(m, "uuid", json_object_new_string(uuid));
	json_object_object_add(m, "time", json_object_new_string(stamp));
	json_object_object_add(m, "created", json_object_new_int64((int64_t)time(NULL)));
	json_object_object_add(m, "kind", json_object_new_string(kind));
	json_object_object_add(m, "parent", parent ? json_object_new_string(parent) : NULL);
	json_object_object_add(m, "checkpoint", cp ? json_object_new_string(cp) : NULL);
	json_object_object_add(m, "consistency", json_object_new_string(consistency));
	json_object_object_add(m, "domain_xml", json_object_new_string("domain.xml"));
	json_object_object_add(m, "nvram", nvram ? json_object_new_string("nvram.fd") : NULL);
	for (int i = 0; ret == 0 && i < nd; i++) {
		json_object *o = json_object_new_object();
		char file[1200], sum[65];
		unsigned long long bytes, vsize = 0;
		int ver;
		eng_pathf(file, sizeof(file), "%s/%s.qcow2", work, disks[i].target);
		/* libvirt's files are root's 0644 by its umask: a disk is 0600 */
		chmod(file, 0600);
		if (sha256_file(file, sum, &bytes) < 0 || qcow2_header(file, &ver, &vsize) < 0) {
			eng_err_set(err, ENG_E_FAILED, "backup of %s: cannot read %s back", vm, file);
			ret = -1;
		}
		json_object_object_add(o, "target", json_object_new_string(disks[i].target));
		json_object_object_add(o, "file", json_object_new_string(strrchr(file, '/') + 1));
		json_object_object_add(o, "source", json_object_new_string(disks[i].path));
		json_object_object_add(o, "format", json_object_new_string("qcow2"));
		json_object_object_add(o, "virtual_size", json_object_new_int64((int64_t)vsize));
		json_object_object_add(o, "bytes", json_object_new_int64((int64_t)bytes));
		json_object_object_add(o, "sha256", json_object_new_string(sum));
		json_object_array_add(arr, o);
		*total += bytes;
	}
	json_object_object_add(m, "disks", arr);
	eng_pathf(path, sizeof(path), "%s/manifest.json", work);
	if (ret == 0)
		ret = write_private(path, json_object_to_json_string_ext(m, JSON_C_TO_STRING_PRETTY), err);
	json_object_put(m);
	return ret;
}

/* removes what a backup wrote into its work directory, then the directory */
/* the files of a backup besides its disks */
static const char *const bk_extra[] = { "domain.xml", "nvram.fd", "manifest.json" };

static void remove_extra(const char *dir)
{
	char f[1300];

	for (size_t i = 0; i < sizeof(bk_extra) / sizeof(bk_extra[0]); i++) {
		eng_pathf(f, sizeof(f), "%s/%s", dir, bk_extra[i]);
		unlink(f);
	}
}

static void remove_work(const char *work, const struct bk_disk *disks, int nd)
{
	char f[1200];

	for (int i = 0; i < nd; i++) {
		eng_pathf(f, sizeof(f), "%s/%s.qcow2", work, disks[i].target);
		unlink(f);
	}
	remove_extra(work);
	rmdir(work);
}

/* 0711: QEMU (the libvirt-qemu user) must reach the files libvirt creates
 * in it for a running guest's backup; nobody else may list it, and the files
 * are 0600 */
static int mkdir_private(const char *path, struct eng_error *err)
{
	struct stat st;

	/* chmod: vmdeck's umask is 077 */
	if ((mkdir(path, 0711) == 0 || (errno == EEXIST && lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
					st.st_uid == geteuid())) && chmod(path, 0711) == 0)
		return 0;
	eng_err_set(err, ENG_E_FAILED, "cannot make directory %s: %s", path, strerror(errno));
	return -1;
}

int eng_backup(struct eng *e, const char *vm, const char *dir, bool full, struct eng_backup_result *r,
	       struct eng_error *err)
{
	struct bk_disk disks[BK_MAX_DISKS];
	struct eng_backup_entry *list = NULL, *parent = NULL;
	char nvram[1024], vmdir[1100], work[1200], final[1200], stamp[32], newcp[64], uuid[VIR_UUID_STRING_BUFLEN] = "";
	char *xml = NULL;
	size_t nlist = 0;
	virDomainPtr d;
	int nd = 0, ret = -1;
	bool running, bitmaps = true, made_cp = false;
	struct stat st;

	memset(r, 0, sizeof(*r));
	if (eng_refuse_readonly(e, "back up", vm, err) < 0 || !(d = eng_dom_lookup(e, vm, err)))
		return -1;
	if (!e->local) {
		eng_err_set(err, ENG_E_FAILED, "backup of %s: the backup is written by the host's QEMU; run vmdeck on "
			    "that host (remote backups are not supported yet)", vm);
		goto out;
	}
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		eng_err_set(err, ENG_E_NOT_FOUND, "backup directory %s: %s", dir,
			    stat(dir, &st) < 0 ? strerror(errno) : "not a directory");
		goto out;
	}
	running = virDomainIsActive(d) == 1;
	if (dom_disks(d, vm, running ? 0 : VIR_DOMAIN_XML_INACTIVE, disks, &nd, nvram, sizeof(nvram), err) < 0)
		goto out;
	for (int i = 0; i < nd; i++)
		bitmaps &= disks[i].qcow2_version >= 3;
	virDomainGetUUIDString(d, uuid);
	eng_pathf(vmdir, sizeof(vmdir), "%s/%s", dir, vm);
	if (mkdir_private(vmdir, err) < 0)
		goto out;
	/* the time names it; a second one in the same second gets -2, -3 ... */
	{
		time_t now = time(NULL);
		struct tm tm;
		char base[24];
		strftime(base, sizeof(base), "%Y%m%dT%H%M%SZ", gmtime_r(&now, &tm));
		snprintf(stamp, sizeof(stamp), "%s", base);
		for (int k = 2; k < 10; k++) {
			eng_pathf(final, sizeof(final), "%s/%s", vmdir, stamp);
			eng_pathf(work, sizeof(work), "%s/.%s.partial", vmdir, stamp);
			if (access(final, F_OK) != 0 && access(work, F_OK) != 0)
				break;
			snprintf(stamp, sizeof(stamp), "%s-%d", base, k);
		}
	}
	/* the chain: the newest complete backup of this guest in DIR */
	if (!full && eng_backup_list(dir, vm, &list, &nlist, NULL) == 0)
		for (size_t i = nlist; i-- > 0 && !parent;)
			if (list[i].complete && !list[i].broken)
				parent = &list[i];
	if (parent && running) {
		/* incremental needs its checkpoint still in the guest */
		virDomainCheckpointPtr cp = parent->checkpoint[0] ? virDomainCheckpointLookupByName(d, parent->checkpoint, 0) : NULL;
		if (cp)
			virDomainCheckpointFree(cp);
		else {
			snprintf(r->note, sizeof(r->note), "full: the checkpoint of backup %s is gone from %s", parent->time, vm);
			parent = NULL;
		}
	}
	if (parent && !running) {
		/* said only when an incremental one was asked for */
		snprintf(r->note, sizeof(r->note), "full: %s is stopped (its next running backup continues on this one)",
			 vm);
		parent = NULL;
	}
	if (parent && parent->n_disks != nd) {
		snprintf(r->note, sizeof(r->note), "full: %s has %d disks, backup %s had %d", vm, nd, parent->time,
			 parent->n_disks);
		parent = NULL;
	}
	if (!bitmaps)
		snprintf(r->note, sizeof(r->note), "%s's disks are not all qcow2 v3: running backups of it are full "
			 "(stopped, 'qemu-img amend -o compat=1.1 DISK' upgrades one)", vm);
	cp_name(stamp, newcp, sizeof(newcp));
	if (mkdir(work, 0711) < 0 || chmod(work, 0711) < 0) {
		eng_err_set(err, ENG_E_FAILED, "cannot make %s: %s", work, strerror(errno));
		goto out;
	}
	snprintf(r->kind, sizeof(r->kind), "%s", parent ? "incremental" : "full");
	if (running) {
		if (backup_running(d, vm, work, parent ? parent->checkpoint : NULL, bitmaps ? newcp : NULL, disks, nd,
				   r->consistency, sizeof(r->consistency), err) < 0)
			goto fail;
		made_cp = bitmaps;
		if (parent && rebase_onto(work, parent->time, disks, nd, err) < 0)
			goto fail;
	} else {
		snprintf(r->consistency, sizeof(r->consistency), "stopped");
		if (backup_stopped(vm, work, disks, nd, err) < 0)
			goto fail;
	}
	if (eng_job_cancelled()) {
		eng_err_set(err, ENG_E_CANCELLED, "backup of %s cancelled", vm);
		goto fail;
	}
	/* the definition as it boots next, and the UEFI variables */
	{
		char path[1300];
		eng_pathf(path, sizeof(path), "%s/domain.xml", work);
		if (!(xml = virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE)) ||
		    write_private(path, xml, err) < 0)
			goto fail;
		eng_pathf(path, sizeof(path), "%s/nvram.fd", work);
		if (nvram[0] && eng_file_copy_private(nvram, path) < 0) {
			eng_err_set(err, ENG_E_FAILED, "backup of %s: cannot copy its UEFI variables %s", vm, nvram);
			goto fail;
		}
	}
	if (!running && bitmaps) {
		/* the chain continues into later running backups */
		drop_checkpoints(d, NULL, false, disks, nd);
		made_cp = checkpoint_offline(d, newcp, disks, nd) == 0;
	}
	if (write_manifest(work, vm, uuid, stamp, r->kind, parent ? parent->time : NULL, made_cp ? newcp : NULL,
			   r->consistency, disks, nd, nvram[0] != '\0', &r->bytes, err) < 0)
		goto fail;
	if (rename(work, final) < 0) {
		eng_err_set(err, ENG_E_FAILED, "backup of %s: cannot rename %s: %s", vm, work, strerror(errno));
		goto fail;
	}
	/* one checkpoint per guest: every write costs a bit per active bitmap */
	if (running && made_cp)
		drop_checkpoints(d, newcp, true, disks, nd);
	snprintf(r->dir, sizeof(r->dir), "%s", final);
	snprintf(r->time, sizeof(r->time), "%s", stamp);
	snprintf(r->parent, sizeof(r->parent), "%s", parent ? parent->time : "");
	r->n_disks = nd;
	ret = 0;
	goto out;
fail:
	remove_work(work, disks, nd);
	if (made_cp) {
		virDomainCheckpointPtr cp = virDomainCheckpointLookupByName(d, newcp, 0);
		if (cp) {
			virDomainCheckpointDelete(cp, running ? 0 : VIR_DOMAIN_CHECKPOINT_DELETE_METADATA_ONLY);
			virDomainCheckpointFree(cp);
		}
	}
out:
	free(xml);
	free(list);
	virDomainFree(d);
	return ret;
}

/* ---- pruning ---- */

static void remove_backup(const struct eng_backup_entry *b)
{
	char path[1300];
	json_object *m, *v;

	/* only the files the manifest names, then the directory */
	eng_pathf(path, sizeof(path), "%s/manifest.json", b->path);
	if ((m = json_object_from_file(path))) {
		if (json_object_object_get_ex(m, "disks", &v) && json_object_is_type(v, json_type_array))
			for (size_t i = 0; i < json_object_array_length(v); i++) {
				json_object *f;
				if (json_object_object_get_ex(json_object_array_get_idx(v, i), "file", &f) &&
				    !strchr(json_object_get_string(f), '/')) {
					eng_pathf(path, sizeof(path), "%s/%s", b->path, json_object_get_string(f));
					unlink(path);
				}
			}
		json_object_put(m);
	}
	remove_extra(b->path);
	rmdir(b->path);
}

int eng_backup_prune(const char *dir, const char *vm, unsigned keep, char (*removed)[32], size_t max_removed,
		     size_t *n_removed, struct eng_error *err)
{
	struct eng_backup_entry *v;
	size_t n, nchains = 0;
	char kept[64][32];

	*n_removed = 0;
	if (eng_backup_list(dir, vm, &v, &n, err) < 0)
		return -1;
	/* the newest chains first: a chain is kept whole or removed whole */
	for (size_t i = n; i-- > 0;) {
		bool known = false;
		if (!v[i].complete || v[i].broken)
			continue;
		for (size_t k = 0; k < nchains; k++)
			known |= strcmp(kept[k], v[i].chain) == 0;
		if (!known && nchains < 64)
			snprintf(kept[nchains++], sizeof(kept[0]), "%s", v[i].chain);
	}
	for (size_t i = 0; i < n; i++) {
		bool keep_it = false;
		if (!v[i].complete)
			continue;   /* a partial one may still be running: doctor's business */
		for (size_t k = 0; k < nchains && k < keep; k++)
			keep_it |= strcmp(kept[k], v[i].chain) == 0;
		if (keep_it || v[i].broken)
			continue;
		remove_backup(&v[i]);
		if (*n_removed < max_removed)
			snprintf(removed[*n_removed], 32, "%s", v[i].time);
		(*n_removed)++;
	}
	free(v);
	return 0;
}
