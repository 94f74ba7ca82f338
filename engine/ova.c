/* ova.c - OVA archives (VirtualBox/VMware exports): the tar is unpacked with
 * libarchive into a private directory (plain file names only: an entry that
 * would land outside it is refused), and the OVF descriptor is read with
 * libxml2 for the name, vCPUs, memory and disks. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "internal.h"
#include "xmlutil.h"

static bool plain_name(const char *n)
{
	return n && *n && !strchr(n, '/') && strcmp(n, ".") && strcmp(n, "..");
}

static int unpack(const char *ova, const char *dir, char *ovf, size_t len, struct eng_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ent;
	int rc = -1, r;

	ovf[0] = '\0';
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, ova, 64 * 1024) != ARCHIVE_OK) {
		eng_err_set(err, ENG_E_INVALID, "OVA %s: %s", ova, archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &ent)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(ent);
		char path[1400];
		int fd;

		if (name && strncmp(name, "./", 2) == 0)
			name += 2;
		if (archive_entry_filetype(ent) != AE_IFREG)
			continue;
		if (!plain_name(name)) {
			eng_err_set(err, ENG_E_INVALID, "OVA %s: entry '%s' is not a plain file name", ova,
				    name ? name : "");
			goto out;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0 ||
		    archive_read_data_into_fd(a, fd) != ARCHIVE_OK) {
			eng_err_set(err, ENG_E_FAILED, "OVA %s: cannot unpack %s: %s", ova, name,
				    fd < 0 ? strerror(errno) : archive_error_string(a));
			if (fd >= 0)
				close(fd);
			goto out;
		}
		close(fd);
		if (strlen(name) > 4 && strcasecmp(name + strlen(name) - 4, ".ovf") == 0 && !ovf[0])
			snprintf(ovf, len, "%s", path);
	}
	if (r != ARCHIVE_EOF) {
		eng_err_set(err, ENG_E_INVALID, "OVA %s: %s", ova, archive_error_string(a));
		goto out;
	}
	if (!ovf[0]) {
		eng_err_set(err, ENG_E_INVALID, "OVA %s has no .ovf descriptor", ova);
		goto out;
	}
	rc = 0;
out:
	archive_read_free(a);
	return rc;
}

/* OVF elements and attributes by local name: exporters differ in prefixes */
#define L(x) "*[local-name()='" x "']"

static unsigned long long memory_mib(struct xdoc *x)
{
	unsigned long long q = xdoc_ull(x, NULL, "//" L("Item") "[" L("ResourceType") "='4']/" L("VirtualQuantity"), 0);
	char *unit = xdoc_str(x, NULL, "//" L("Item") "[" L("ResourceType") "='4']/" L("AllocationUnits"));

	/* "byte * 2^20" (MiB, the default), "byte * 2^30", "MegaBytes", "GigaBytes" */
	if (unit && (strstr(unit, "2^30") || strcasecmp(unit, "GigaBytes") == 0))
		q <<= 10;
	else if (unit && strstr(unit, "2^10"))
		q >>= 10;
	else if (unit && (strcmp(unit, "byte") == 0 || strcmp(unit, "bytes") == 0))
		q >>= 20;
	free(unit);
	return q;
}

int eng_ova_open(const char *ova, struct eng_ova *o, struct eng_error *err)
{
	char ovf[1400], *xml = NULL, *v, path[1400];
	struct xdoc x;

	memset(o, 0, sizeof(*o));
	snprintf(o->dir, sizeof(o->dir), "%s/vmdeck-ova.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/var/tmp");
	if (!mkdtemp(o->dir)) {
		eng_err_set(err, ENG_E_FAILED, "OVA %s: cannot make a directory to unpack it: %s", ova, strerror(errno));
		o->dir[0] = '\0';
		return -1;
	}
	if (unpack(ova, o->dir, ovf, sizeof(ovf), err) < 0)
		goto fail;
	if (!(xml = eng_file_slurp(ovf, 8 << 20)) || !xml[0]) {
		eng_err_set(err, ENG_E_INVALID, "OVA %s: cannot read its descriptor", ova);
		goto fail;
	}
	if (xdoc_parse(&x, xml) < 0) {
		eng_err_set(err, ENG_E_INVALID, "OVA %s: its descriptor is not XML", ova);
		goto fail;
	}
	if ((v = xdoc_str(&x, NULL, "//" L("VirtualSystem") "/" L("Name"))) ||
	    (v = xdoc_str(&x, NULL, "//" L("VirtualSystem") "/@*[local-name()='id']")))
		snprintf(o->name, sizeof(o->name), "%s", v);
	free(v);
	o->cpus = (unsigned)xdoc_ull(&x, NULL, "//" L("Item") "[" L("ResourceType") "='3']/" L("VirtualQuantity"), 0);
	o->memory_mib = memory_mib(&x);
	/* the disks in DiskSection order, through References to their files */
	xmlXPathObjectPtr disks = xdoc_nodes(&x, NULL, "//" L("DiskSection") "/" L("Disk"));
	for (int i = 0; disks && disks->nodesetval && i < disks->nodesetval->nodeNr && o->n_disks < ENG_OVA_MAX_DISKS; i++) {
		char *ref = xdoc_str(&x, disks->nodesetval->nodeTab[i], "@*[local-name()='fileRef']"), q[300], *href;
		if (!ref)
			continue;
		snprintf(q, sizeof(q), "//" L("References") "/" L("File") "[@*[local-name()='id']='%s']/@*[local-name()='href']", ref);
		href = strchr(ref, '\'') ? NULL : xdoc_str(&x, NULL, q);
		if (href && plain_name(href)) {
			snprintf(path, sizeof(path), "%s/%s", o->dir, href);
			if (access(path, R_OK) == 0)
				snprintf(o->disks[o->n_disks++], sizeof(o->disks[0]), "%s", path);
		}
		free(href);
		free(ref);
	}
	xmlXPathFreeObject(disks);
	xdoc_free(&x);
	free(xml);
	if (!o->n_disks) {
		eng_err_set(err, ENG_E_INVALID, "OVA %s: its descriptor names no disk found in the archive", ova);
		eng_ova_close(o);
		return -1;
	}
	return 0;
fail:
	free(xml);
	eng_ova_close(o);
	return -1;
}

void eng_ova_close(struct eng_ova *o)
{
	char path[1400];

	if (!o->dir[0])
		return;
	/* only the files unpack() wrote: the directory holds nothing else */
	DIR *d = opendir(o->dir);
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (plain_name(de->d_name)) {
			snprintf(path, sizeof(path), "%s/%s", o->dir, de->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
	rmdir(o->dir);
	o->dir[0] = '\0';
}
