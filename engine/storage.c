/* storage.c - vmdeck's directory pool, new qcow2 volumes, imported disks. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "internal.h"
#include "storage.h"
#include "xmlutil.h"

/* The pool lives beside libvirt's own images for the system daemon, under the
 * user's data dir for a session daemon. */
void eng_pool_default_path(struct eng *e, char *buf, size_t len)
{
	const char *home = getenv("HOME");

	if (strstr(e->uri, "/session") && home)
		snprintf(buf, len, "%s/.local/share/libvirt/images/vmdeck", home);
	else
		snprintf(buf, len, "/var/lib/libvirt/images/vmdeck");
}

static int pool_path(virStoragePoolPtr p, char *out, size_t len)
{
	char *xml = virStoragePoolGetXMLDesc(p, 0), *path = NULL;
	struct xdoc x;

	if (xml && xdoc_parse(&x, xml) == 0) {
		path = xdoc_str(&x, NULL, "/pool/target/path");
		xdoc_free(&x);
	}
	free(xml);
	if (!path)
		return -1;
	snprintf(out, len, "%s", path);
	free(path);
	return 0;
}

int eng_pool_dir(struct eng *e, char *out, size_t len, struct eng_error *err)
{
	virStoragePoolPtr p = eng_pool_get(e, err);
	int rc;

	if (!p)
		return -1;
	if ((rc = pool_path(p, out, len)) < 0)
		eng_err_set(err, ENG_E_FAILED, "pool %s: no target path in its XML", ENG_POOL_NAME);
	virStoragePoolFree(p);
	return rc;
}

static char *pool_xml(const char *path)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr pool = xmlNewNode(NULL, (const xmlChar *)"pool"), t;

	xmlDocSetRootElement(doc, pool);
	xattr(pool, "type", "dir");
	xnew(pool, "name", ENG_POOL_NAME);
	t = xnew(pool, "target", NULL);
	xnew(t, "path", path);
	return xdoc_take(doc);
}

virStoragePoolPtr eng_pool_get(struct eng *e, struct eng_error *err)
{
	virStoragePoolPtr p = virStoragePoolLookupByName(e->conn, ENG_POOL_NAME);
	char path[1024], *xml;
	bool created = false;

	if (!p) {
		eng_pool_default_path(e, path, sizeof(path));
		if (!(xml = pool_xml(path))) {
			eng_err_set(err, ENG_E_FAILED, "pool %s: cannot build its XML", ENG_POOL_NAME);
			return NULL;
		}
		p = virStoragePoolDefineXML(e->conn, xml, 0);
		free(xml);
		if (!p) {
			eng_err_libvirt(err, "cannot define storage pool %s at %s", ENG_POOL_NAME, path);
			return NULL;
		}
		created = true;
		if (virStoragePoolBuild(p, VIR_STORAGE_POOL_BUILD_NEW) < 0 && errno != EEXIST) {
			/* an existing directory is fine; anything else is reported by Create below */
		}
		virStoragePoolSetAutostart(p, 1);
	}
	if (virStoragePoolIsActive(p) != 1 && virStoragePoolCreate(p, 0) < 0) {
		eng_err_libvirt(err, "cannot start storage pool %s", ENG_POOL_NAME);
		if (created)
			virStoragePoolUndefine(p);
		virStoragePoolFree(p);
		return NULL;
	}
	return p;
}

void eng_pool_refresh(struct eng *e)
{
	virStoragePoolPtr p = eng_pool_get(e, NULL);

	if (p) {
		virStoragePoolRefresh(p, 0);
		virStoragePoolFree(p);
	}
}

bool eng_vol_absent(struct eng *e, const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[1024];
	virStoragePoolPtr p;
	virStorageVolPtr v;

	if (!slash || slash == path)
		return false;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	/* no pool there: e cannot say (a shared path outside pools is fine) */
	if (!(p = virStoragePoolLookupByTargetPath(e->conn, dir)))
		return false;
	virStoragePoolRefresh(p, 0);   /* a file put there since the pool last looked */
	virStoragePoolFree(p);
	if ((v = virStorageVolLookupByPath(e->conn, path)))
		virStorageVolFree(v);
	return v == NULL;
}

int eng_pool_space_before(struct eng *e, unsigned long long *avail)
{
	char path[1024];
	struct statvfs vfs;

	if (!e->local)
		return -1;
	eng_pool_default_path(e, path, sizeof(path));
	/* the nearest directory that exists: the pool's would be made inside it */
	while (statvfs(path, &vfs) < 0) {
		char *slash = strrchr(path, '/');
		if (!slash || slash == path)
			return statvfs("/", &vfs) == 0 ? (*avail = (unsigned long long)vfs.f_bavail * vfs.f_frsize, 0) : -1;
		*slash = '\0';
	}
	*avail = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
	return 0;
}

void eng_pool_remove_new(struct eng *e, bool dir_existed)
{
	virStoragePoolPtr p = virStoragePoolLookupByName(e->conn, ENG_POOL_NAME);

	if (!p)
		return;
	virStoragePoolRefresh(p, 0);
	/* only an empty pool: what a failed create made in it is gone by now */
	if (virStoragePoolNumOfVolumes(p) == 0) {
		virStoragePoolDestroy(p);
		if (!dir_existed)
			virStoragePoolDelete(p, VIR_STORAGE_POOL_DELETE_NORMAL);   /* rmdir */
		virStoragePoolUndefine(p);
	}
	virStoragePoolFree(p);
}

int eng_pool_ensure(struct eng *e, char *path_out, size_t len, struct eng_error *err)
{
	virStoragePoolPtr p = eng_pool_get(e, err);
	int ret;

	if (!p)
		return -1;
	ret = pool_path(p, path_out, len);
	if (ret < 0)
		eng_err_set(err, ENG_E_FAILED, "pool %s: cannot read its path", ENG_POOL_NAME);
	virStoragePoolFree(p);
	return ret;
}

char *eng_vol_xml(const char *name, const char *format, unsigned long long capacity,
		  const char *backing, const char *backing_fmt)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr v = xmlNewNode(NULL, (const xmlChar *)"volume"), t, n;

	xmlDocSetRootElement(doc, v);
	xnew(v, "name", name);
	n = xnewf(v, "capacity", "%llu", capacity);
	xattr(n, "unit", "bytes");
	n = xnew(v, "allocation", "0");   /* sparse: space is taken as the guest writes */
	xattr(n, "unit", "bytes");
	t = xnew(v, "target", NULL);
	n = xnew(t, "format", NULL);
	xattr(n, "type", format);
	/* qcow2 v3: libvirt 9.0's pool makes v2 (compat 0.10) otherwise, which
	 * cannot hold the dirty bitmaps of checkpoints (incremental backups) */
	if (strcmp(format, "qcow2") == 0)
		xnew(t, "compat", "1.1");
	/* libvirt's default too, said explicitly: disks are private to root */
	n = xnew(t, "permissions", NULL);
	xnew(n, "mode", "0600");
	if (backing) {
		t = xnew(v, "backingStore", NULL);
		xnew(t, "path", backing);
		n = xnew(t, "format", NULL);
		xattr(n, "type", backing_fmt);
	}
	return xdoc_take(doc);
}

char *eng_vol_create(struct eng *e, const char *vol_name, const char *format,
		     unsigned long long capacity, struct eng_error *err)
{
	virStoragePoolPtr p = eng_pool_get(e, err);
	virStorageVolPtr v = NULL;
	char *xml = NULL, *path = NULL;

	if (!p)
		return NULL;
	if ((v = virStorageVolLookupByName(p, vol_name))) {
		eng_err_set(err, ENG_E_FAILED, "disk %s already exists in pool %s: "
			    "delete it or choose another VM name", vol_name, ENG_POOL_NAME);
		goto out;
	}
	if (!(xml = eng_vol_xml(vol_name, format, capacity, NULL, NULL)) ||
	    !(v = virStorageVolCreateXML(p, xml, 0))) {
		eng_err_libvirt(err, "cannot create disk %s (%llu bytes)", vol_name, capacity);
		goto out;
	}
	path = virStorageVolGetPath(v);
out:
	free(xml);
	if (v)
		virStorageVolFree(v);
	virStoragePoolFree(p);
	return path;
}

int eng_vol_delete_path(struct eng *e, const char *path, struct eng_error *err)
{
	virStorageVolPtr v = virStorageVolLookupByPath(e->conn, path);
	int ret;

	if (!v) {
		eng_err_set(err, ENG_E_NOT_FOUND, "%s is not a libvirt storage volume", path);
		return -1;
	}
	ret = virStorageVolDelete(v, 0);
	if (ret < 0)
		eng_err_libvirt(err, "cannot delete disk %s", path);
	virStorageVolFree(v);
	return ret;
}

bool eng_pool_vol_ours(struct eng *e, const char *path)
{
	virStorageVolPtr v = virStorageVolLookupByPath(e->conn, path);
	virStoragePoolPtr p = v ? virStoragePoolLookupByVolume(v) : NULL;
	bool ours = p && strcmp(virStoragePoolGetName(p), ENG_POOL_NAME) == 0;

	if (p)
		virStoragePoolFree(p);
	if (v)
		virStorageVolFree(v);
	return ours;
}

int eng_pool_vol_delete(struct eng *e, const char *path, struct eng_error *err)
{
	virStorageVolPtr v = virStorageVolLookupByPath(e->conn, path);
	virStoragePoolPtr p = v ? virStoragePoolLookupByVolume(v) : NULL;
	int ret = -1;

	if (!p || strcmp(virStoragePoolGetName(p), ENG_POOL_NAME) != 0)
		eng_err_set(err, ENG_E_NOT_FOUND, "%s is not a volume of vmdeck's pool %s: left alone", path,
			    ENG_POOL_NAME);
	else if ((ret = virStorageVolDelete(v, 0)) < 0)
		eng_err_libvirt(err, "cannot delete disk %s", path);
	if (p)
		virStoragePoolFree(p);
	if (v)
		virStorageVolFree(v);
	return ret;
}

/* qcow2 starts with "QFI\xfb"; everything else vmdeck treats as raw. */
int eng_disk_format(const char *path, const char **format, struct eng_error *err)
{
	unsigned long long size;

	return eng_disk_probe_format(path, format, &size, err);
}

int eng_disk_probe_format(const char *path, const char **format, unsigned long long *size,
			  struct eng_error *err)
{
	unsigned char head[512] = { 0 }, tail[512] = { 0 };
	struct stat st;
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		eng_err_set(err, ENG_E_INVALID, "cannot read disk %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		eng_err_set(err, ENG_E_INVALID, "disk %s is not a file", path);
		close(fd);
		return -1;
	}
	if ((got = read(fd, head, sizeof(head))) < 4) {
		eng_err_set(err, ENG_E_INVALID, "disk %s is empty", path);
		close(fd);
		return -1;
	}
	if (st.st_size >= 512)
		(void)!pread(fd, tail, sizeof(tail), st.st_size - 512);
	close(fd);
	/* the formats' magic numbers, as qemu-img probes them */
	if (memcmp(head, "QFI\xfb", 4) == 0)
		*format = "qcow2";
	else if (got >= 68 && memcmp(head + 64, "\x7f\x10\xda\xbe", 4) == 0)
		*format = "vdi";                           /* VirtualBox */
	else if (memcmp(head, "KDMV", 4) == 0 || memcmp(head, "# Disk DescriptorFile", 21) == 0)
		*format = "vmdk";                          /* VMware */
	else if (memcmp(head, "vhdxfile", 8) == 0)
		*format = "vhdx";                          /* Hyper-V */
	else if (memcmp(head, "conectix", 8) == 0 || memcmp(tail, "conectix", 8) == 0)
		*format = "vpc";                           /* Virtual PC / VHD */
	else if (got >= 262 && memcmp(head + 257, "ustar", 5) == 0)
		*format = "ova";                           /* a tar: OVF + disks */
	else
		*format = "raw";
	*size = (unsigned long long)st.st_size;
	return 0;
}

/* Copies a local file into a new pool volume through libvirt's upload stream,
 * so it also works when the daemon runs elsewhere. */
char *eng_vol_import(struct eng *e, const char *vol_name, const char *src,
		     const char **format, struct eng_error *err)
{
	virStoragePoolPtr p = NULL;
	virStorageVolPtr v = NULL;
	virStreamPtr st = NULL;
	unsigned long long size;
	char *xml = NULL, *path = NULL, buf[256 * 1024];
	int fd = -1;
	bool ok = false;

	if (eng_disk_probe_format(src, format, &size, err) < 0)
		return NULL;
	if (!(p = eng_pool_get(e, err)))
		return NULL;
	if ((v = virStorageVolLookupByName(p, vol_name))) {
		eng_err_set(err, ENG_E_FAILED, "disk %s already exists in pool %s", vol_name,
			    ENG_POOL_NAME);
		virStorageVolFree(v);
		v = NULL;
		goto out;
	}
	/* a raw placeholder of the exact size; the upload overwrites all of it */
	if (!(xml = eng_vol_xml(vol_name, "raw", size, NULL, NULL)) || !(v = virStorageVolCreateXML(p, xml, 0))) {
		eng_err_libvirt(err, "cannot create disk %s for %s", vol_name, src);
		goto out;
	}
	if ((fd = open(src, O_RDONLY | O_CLOEXEC)) < 0) {
		eng_err_set(err, ENG_E_FAILED, "cannot read %s: %s", src, strerror(errno));
		goto out;
	}
	if (!(st = virStreamNew(e->conn, 0)) || virStorageVolUpload(v, st, 0, size, 0) < 0) {
		eng_err_libvirt(err, "cannot upload %s", src);
		goto out;
	}
	for (;;) {
		ssize_t got = read(fd, buf, sizeof(buf)), off = 0;
		if (got < 0) {
			eng_err_set(err, ENG_E_FAILED, "cannot read %s: %s", src, strerror(errno));
			virStreamAbort(st);
			goto out;
		}
		if (got == 0)
			break;
		while (off < got) {
			int sent = virStreamSend(st, buf + off, (size_t)(got - off));
			if (sent < 0) {
				eng_err_libvirt(err, "cannot upload %s", src);
				virStreamAbort(st);
				goto out;
			}
			off += sent;
		}
	}
	if (virStreamFinish(st) < 0) {
		eng_err_libvirt(err, "cannot finish uploading %s", src);
		goto out;
	}
	path = virStorageVolGetPath(v);
	ok = path != NULL;
out:
	if (fd >= 0)
		close(fd);
	if (st)
		virStreamFree(st);
	if (v) {
		if (!ok)
			virStorageVolDelete(v, 0);   /* only the volume this call made */
		virStorageVolFree(v);
	}
	free(xml);
	virStoragePoolFree(p);
	return path;
}

char *eng_vol_convert(struct eng *e, const char *vol_name, const char *src, const char *src_fmt,
		      struct eng_error *err)
{
	virStoragePoolPtr p;
	char dir[1024], to[1200], what[1300];
	struct stat st;

	if (!e->local) {
		eng_err_set(err, ENG_E_FAILED, "disk %s is %s: converting it needs qemu-img on the libvirt host "
			    "(run 'qemu-img convert -O qcow2 %s DISK.qcow2' there and import that)", src, src_fmt, src);
		return NULL;
	}
	if (!(p = eng_pool_get(e, err)))
		return NULL;
	if (pool_path(p, dir, sizeof(dir)) < 0) {
		eng_err_set(err, ENG_E_FAILED, "cannot read the path of pool %s", ENG_POOL_NAME);
		virStoragePoolFree(p);
		return NULL;
	}
	snprintf(to, sizeof(to), "%s/%s", dir, vol_name);
	if (stat(to, &st) == 0) {
		eng_err_set(err, ENG_E_FAILED, "disk %s already exists in pool %s", vol_name, ENG_POOL_NAME);
		virStoragePoolFree(p);
		return NULL;
	}
	char *argv[] = { "qemu-img", "convert", "-p", "-f", (char *)src_fmt, "-O", "qcow2", (char *)src, to, NULL };
	snprintf(what, sizeof(what), "converting %s (%s) to qcow2", src, src_fmt);
	if (eng_qemu_img(argv, what, err) < 0) {
		unlink(to);   /* only the file this conversion began */
		virStoragePoolFree(p);
		return NULL;
	}
	eng_job_progress(100);
	virStoragePoolRefresh(p, 0);
	virStoragePoolFree(p);
	return strdup(to);
}
