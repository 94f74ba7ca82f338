/* clone.c - full and linked clones. A full clone copies every disk (qemu-img
 * on this machine, with progress and cancel; libvirt's volume copy for a
 * remote host); a linked clone makes qcow2 overlays on the base's disks. The
 * new guest gets a new UUID and new MACs. A journal written before any disk
 * is made lets the next run remove what an interrupted clone (SIGKILL) left. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "storage.h"
#include "template.h"
#include "xmlutil.h"

/* ---- the journal ----
 * One file per clone in vmdeck's private state directory (statedir.c), made
 * before any disk: what it names is what an interrupted clone may have left.
 * The next clone, or `vmdeck doctor --fix`, removes those volumes, but only
 * ones of vmdeck's pool named as that clone would name them: a journal is a
 * hint of what to look for, never a list of paths to delete. While one is
 * there, the base it names stays protected (template.c). */

#define JOURNAL_MAGIC "vmdeck clone journal 2"

static int journal_dir(char *buf, size_t len, struct eng_error *err)
{
	return eng_state_dir("clones", buf, len, err);
}

bool eng_clone_leftover_ours(const char *pool, const char *dst, const char *path)
{
	size_t lp = strlen(pool), ld = strlen(dst);
	const char *name, *p;

	if (!*pool || !eng_name_valid(dst) || strncmp(path, pool, lp) != 0 || path[lp] != '/')
		return false;
	name = path + lp + 1;
	/* DST-diskN.qcow2 or DST-diskN.img, directly in the pool's directory */
	if (strncmp(name, dst, ld) != 0 || strncmp(name + ld, "-disk", 5) != 0)
		return false;
	p = name + ld + 5;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return strcmp(p, ".qcow2") == 0 || strcmp(p, ".img") == 0;
}

/* magic, pid, uri, src, dst, then one disk path per line. The file name
 * carries the pid too: two vmdecks cloning to one name never share a file. */
int eng_clone_journal_write(struct eng *e, const char *src, const char *dst, char paths[][1024],
			 size_t n, char *path, size_t len, struct eng_error *err)
{
	char dir[900];
	FILE *f;
	int fd;

	if (journal_dir(dir, sizeof(dir), err) < 0)
		return -1;
	snprintf(path, len, "%s/%s.%d.journal", dir, dst, (int)getpid());
	if ((fd = eng_private_file_create(path, err)) < 0)
		return -1;
	if (!(f = fdopen(fd, "w"))) {
		close(fd);
		unlink(path);
		return -1;
	}
	fprintf(f, "%s\n%d\n%s\n%s\n%s\n", JOURNAL_MAGIC, (int)getpid(), e->uri, src, dst);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\n", paths[i]);
	if (fclose(f) != 0) {
		unlink(path);
		eng_err_set(err, ENG_E_FAILED, "cannot write %s", path);
		return -1;
	}
	return 0;
}

static bool read_line(FILE *f, char *buf, size_t len)
{
	if (!fgets(buf, (int)len, f))
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	return true;
}

struct journal {
	int pid;
	char uri[1100], src[ENG_NAME_MAX + 2], dst[ENG_NAME_MAX + 2];
};

/* The header of a journal of this user's; false for anything else. */
static bool journal_head(FILE *f, struct journal *j)
{
	char line[1100];

	return read_line(f, line, sizeof(line)) && strcmp(line, JOURNAL_MAGIC) == 0 &&
	       read_line(f, line, sizeof(line)) && sscanf(line, "%d", &j->pid) == 1 && j->pid > 0 &&
	       read_line(f, j->uri, sizeof(j->uri)) && read_line(f, j->src, sizeof(j->src)) &&
	       read_line(f, j->dst, sizeof(j->dst)) && eng_name_valid(j->dst);
}

/* Calls fn for every journal of a clone on this libvirt whose vmdeck is gone
 * (live_too: also the clones still running, here or in another vmdeck); fn
 * returns true when the journal may be removed. */
static int journals_walk(struct eng *e, bool live_too,
			 bool (*fn)(struct eng *, FILE *, const struct journal *, void *), void *arg)
{
	char dir[900], path[1200];
	DIR *dh;
	struct dirent *de;
	int n = 0;

	if (journal_dir(dir, sizeof(dir), NULL) < 0 || !(dh = opendir(dir)))
		return 0;
	while ((de = readdir(dh))) {
		size_t l = strlen(de->d_name);
		struct journal j = { 0 };
		FILE *f;
		bool done;

		if (l < 9 || strcmp(de->d_name + l - 8, ".journal") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!(f = eng_private_file_read(path)))
			continue;   /* a symlink, or not this user's: not a journal of ours */
		/* another libvirt's clone is not ours to touch */
		if (!journal_head(f, &j) || strcmp(j.uri, e->uri) != 0 ||
		    (!live_too && (j.pid == getpid() || kill(j.pid, 0) == 0))) {
			fclose(f);
			continue;
		}
		n++;
		done = fn(e, f, &j, arg);
		fclose(f);
		if (done)
			unlink(path);
	}
	closedir(dh);
	return n;
}

struct leftovers {
	char pool[900];
	bool remove, pool_read;
	struct eng_leftover *v;
	size_t n, cap;
};

/* The volumes an interrupted clone's journal names that exist and are its
 * (eng_clone_leftover_ours, and volumes of vmdeck's pool), removed when asked. */
static bool journal_leftovers(struct eng *e, FILE *f, const struct journal *j, void *arg)
{
	struct leftovers *l = arg;
	char line[1100];
	bool defined = eng_domain_exists(e, j->dst), kept = false;

	if (!defined && !l->pool_read) {
		/* once, and only when there is a journal to look at: the files
		 * qemu-img wrote before the kill become volumes */
		l->pool_read = true;
		if (eng_pool_ensure(e, l->pool, sizeof(l->pool), NULL) < 0)
			l->pool[0] = '\0';   /* no volume is ours then */
		else if (e->local)
			eng_pool_refresh(e);
	}
	while (!defined && read_line(f, line, sizeof(line))) {
		virStorageVolPtr v;
		struct eng_leftover *o;
		if (!eng_clone_leftover_ours(l->pool, j->dst, line) || !(v = virStorageVolLookupByPath(e->conn, line)))
			continue;
		virStorageVolFree(v);
		if (l->remove && eng_pool_vol_delete(e, line, NULL) < 0) {
			kept = true;   /* the journal stays: doctor lists it again */
			continue;
		}
		if (l->n == l->cap) {
			struct eng_leftover *nv = realloc(l->v, (l->cap = l->cap ? l->cap * 2 : 8) * sizeof(*nv));
			if (!nv)
				break;
			l->v = nv;
		}
		o = &l->v[l->n++];
		memset(o, 0, sizeof(*o));
		snprintf(o->kind, sizeof(o->kind), "clone-volume");
		snprintf(o->path, sizeof(o->path), "%s", line);
		snprintf(o->what, sizeof(o->what), "disk of the interrupted clone %s -> %s", j->src, j->dst);
	}
	/* a defined clone's journal is simply stale; the rest go once fixed */
	return defined || (l->remove && !kept);
}

static int leftovers_walk(struct eng *e, bool remove, struct eng_leftover **out, size_t *n)
{
	struct leftovers l = { .remove = remove };
	virStoragePoolPtr p;

	*out = NULL;
	*n = 0;
	/* no pool yet: no volume of a clone can exist */
	if (!(p = virStoragePoolLookupByName(e->conn, ENG_POOL_NAME)))
		return 0;
	virStoragePoolFree(p);
	journals_walk(e, false, journal_leftovers, &l);
	*out = l.v;
	*n = l.n;
	return 0;
}

int eng_clone_leftovers(struct eng *e, bool remove, struct eng_leftover **out, size_t *n)
{
	return leftovers_walk(e, remove, out, n);
}

int eng_clone_cleanup(struct eng *e, char *report, size_t len, struct eng_error *err)
{
	struct eng_leftover *v;
	size_t n;

	(void)err;
	report[0] = '\0';
	leftovers_walk(e, true, &v, &n);
	for (size_t i = 0; i < n; i++) {
		size_t used = strlen(report);
		snprintf(report + used, len - used, "%sremoved %s (%s)", i ? "; " : "", v[i].path, v[i].what);
	}
	free(v);
	return (int)n;
}

struct pending {
	const char *base;
	char *names;
	size_t len;
	int n;
};

static bool journal_from_base(struct eng *e, FILE *f, const struct journal *j, void *arg)
{
	struct pending *p = arg;
	size_t used = strlen(p->names);

	(void)f;
	if (strcmp(j->src, p->base) == 0 && !eng_domain_exists(e, j->dst) && p->len > used)
		snprintf(p->names + used, p->len - used, "%s%s", p->n++ ? ", " : "", j->dst);
	return false;
}

int eng_clone_pending_from(struct eng *e, const char *base, char *names, size_t len)
{
	struct pending p = { .base = base, .names = names, .len = len };

	names[0] = '\0';
	journals_walk(e, true, journal_from_base, &p);
	return p.n;
}

/* ---- copying a disk ---- */

static int copy_local(const char *from, const char *fmt, const char *to, struct eng_error *err)
{
	char *argv[] = { "qemu-img", "convert", "-p", "-f", (char *)fmt, "-O", (char *)fmt,
			 (char *)from, (char *)to, NULL };
	char what[1100];

	snprintf(what, sizeof(what), "copying %s", from);
	if (eng_qemu_img(argv, what, err) < 0)
		return -1;
	eng_job_progress(100);
	return 0;
}

static int copy_remote(struct eng *e, const char *from, const char *vol_name, const char *fmt,
		       struct eng_error *err)
{
	virStorageVolPtr src = virStorageVolLookupByPath(e->conn, from), v = NULL;
	virStoragePoolPtr p = NULL;
	char *xml;

	if (!src) {
		eng_err_set(err, ENG_E_FAILED, "disk %s is not in a storage pool: a remote host can only "
			    "copy pool volumes", from);
		return -1;
	}
	/* capacity 0: libvirt takes the source volume's */
	xml = eng_vol_xml(vol_name, fmt, 0, NULL, NULL);
	if ((p = eng_pool_get(e, err)) && !(v = virStorageVolCreateXMLFrom(p, xml, src, 0)))
		eng_err_libvirt(err, "cannot copy %s", from);
	free(xml);
	virStorageVolFree(src);
	if (p)
		virStoragePoolFree(p);
	if (!v)
		return -1;
	virStorageVolFree(v);
	return 0;
}

/* ---- the clone ---- */

struct disk_plan {
	char from[1024], to[1024], fmt[16], vol[ENG_NAME_MAX + 32];
	xmlNodePtr node;
};

/* This machine: qemu-img directly (a libvirt volume create costs about twice
 * as much, and a class of clones is dozens of them); the pool is refreshed
 * once afterwards. A remote host: libvirt's volume API. */
static int make_overlay(struct eng *e, struct disk_plan *dp, struct eng_error *err)
{
	virStorageVolPtr bv, v = NULL;
	virStoragePoolPtr p;
	virStorageVolInfo info = { 0 };
	char *xml;

	if (e->local) {
		char *argv[] = { "qemu-img", "create", "-q", "-f", "qcow2", "-b", dp->from, "-F",
				 dp->fmt, dp->to, NULL };
		char what[2100];
		snprintf(what, sizeof(what), "overlay %s on %s", dp->to, dp->from);
		return eng_qemu_img(argv, what, err);
	}
	if ((bv = virStorageVolLookupByPath(e->conn, dp->from))) {
		virStorageVolGetInfo(bv, &info);
		virStorageVolFree(bv);
	}
	if (!(p = eng_pool_get(e, err)))
		return -1;
	xml = eng_vol_xml(dp->vol, "qcow2", info.capacity, dp->from, dp->fmt);
	if (!xml || !(v = virStorageVolCreateXML(p, xml, 0)))
		eng_err_libvirt(err, "cannot create overlay %s on %s", dp->vol, dp->from);
	free(xml);
	virStoragePoolFree(p);
	if (!v)
		return -1;
	virStorageVolFree(v);
	return 0;
}

static void xml_remove_all(struct xdoc *x, const char *xpath)
{
	xmlXPathObjectPtr o = xdoc_nodes(x, NULL, xpath);

	for (int i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr; i++) {
		xmlNodePtr n = o->nodesetval->nodeTab[i];
		xmlUnlinkNode(n);
		xmlFreeNode(n);
		o->nodesetval->nodeTab[i] = NULL;
	}
	xmlXPathFreeObject(o);
}

void eng_domxml_new_identity(struct xdoc *x)
{
	xml_remove_all(x, "/domain/uuid");
	xml_remove_all(x, "/domain/devices/interface/mac");
	xml_remove_all(x, "/domain/devices/disk/backingStore");
	xml_remove_all(x, "/domain/os/nvram");
	xml_remove_all(x, "/domain/metadata");
	xml_remove_all(x, "/domain/devices/channel/source");
}

void eng_domxml_rename(struct xdoc *x, const char *name)
{
	xmlXPathObjectPtr o = xdoc_nodes(x, NULL, "/domain/name");

	if (o && o->nodesetval && o->nodesetval->nodeNr > 0)
		xmlNodeSetContent(o->nodesetval->nodeTab[0], (const xmlChar *)name);
	xmlXPathFreeObject(o);
	/* NAME-serial.log beside the old one (the console element mirrors it) */
	o = xdoc_nodes(x, NULL, "/domain/devices/serial/log | /domain/devices/console/log");
	for (int k = 0; o && o->nodesetval && k < o->nodesetval->nodeNr; k++) {
		xmlChar *f = xmlGetProp(o->nodesetval->nodeTab[k], (const xmlChar *)"file");
		const char *log = (const char *)f, *slash = log ? strrchr(log, '/') : NULL;
		char nl[1024];
		if (log && eng_pathf(nl, sizeof(nl), "%.*s/%s-serial.log", slash ? (int)(slash - log) : 1,
				     slash ? log : ".", name))
			xmlSetProp(o->nodesetval->nodeTab[k], (const xmlChar *)"file", (const xmlChar *)nl);
		xmlFree(f);
	}
	xmlXPathFreeObject(o);
}

void eng_domxml_set_attr(struct xdoc *x, xmlNodePtr at, const char *xpath, const char *attr, const char *value)
{
	xmlXPathObjectPtr o = xdoc_nodes(x, at, xpath);

	if (o && o->nodesetval && o->nodesetval->nodeNr > 0)
		xmlSetProp(o->nodesetval->nodeTab[0], (const xmlChar *)attr, (const xmlChar *)value);
	xmlXPathFreeObject(o);
}

static int src_state_ok(virDomainPtr d, const char *src, bool linked, struct eng_error *err)
{
	int st, reason;

	if (virDomainGetState(d, &st, &reason, 0) < 0) {
		eng_err_libvirt(err, "clone %s", src);
		return -1;
	}
	if (st == VIR_DOMAIN_SHUTOFF || (!linked && st == VIR_DOMAIN_PAUSED))
		return 0;
	eng_err_set(err, ENG_E_FAILED, linked ? "clone %s --linked: shut it off first (its disks become "
					       "the base of the clone and must not change)"
					     : "clone %s: shut it off or pause it first (its disks must "
					       "not change while they are copied)", src);
	return -1;
}

/* The base is a template from before its first overlay exists: a kill
 * between the overlay and the list of clones below must not leave it
 * unprotected (eng_template_clones then looks at every guest's metadata). */
static int template_mark(struct eng *e, virDomainPtr base)
{
	struct vmdeck_meta *m = calloc(1, sizeof(*m));
	int rc = -1;

	eng_meta_lock(e);
	if (m && eng_meta_read(base, m) == 0)
		rc = m->is_template ? 0 : (m->is_template = true, eng_meta_write(base, m));
	eng_meta_unlock(e);
	free(m);
	return rc;
}

/* The base's list of clones: written once per command, not once per clone
 * (each write is a config file rewrite in the daemon). */
static int template_add_clones(struct eng *e, virDomainPtr base, const char *const *names, size_t n)
{
	struct vmdeck_meta *m = calloc(1, sizeof(*m));
	int rc = -1;

	eng_meta_lock(e);
	if (m && eng_meta_read(base, m) == 0) {
		m->is_template = true;
		for (size_t i = 0; i < n && m->n_clones < TEMPLATE_MAX_CLONES; i++)
			snprintf(m->clones[m->n_clones++], ENG_NAME_MAX + 1, "%s", names[i]);
		rc = eng_meta_write(base, m);
	}
	eng_meta_unlock(e);
	free(m);
	return rc;
}

/* <metadata><vmdeck:vmdeck><base name="SRC"/></vmdeck:vmdeck></metadata> in the
 * clone's own XML, so defining it records the link in the same write. */
static void add_base_metadata(struct xdoc *x, const char *base, const struct eng_lab_mark *lab)
{
	xmlNodePtr root = xmlDocGetRootElement(x->doc);
	xmlNodePtr md = xmlNewChild(root, NULL, (const xmlChar *)"metadata", NULL);
	xmlNodePtr v = xmlNewChild(md, NULL, (const xmlChar *)"vmdeck", NULL), b;
	xmlNsPtr ns = xmlNewNs(v, (const xmlChar *)VMDECK_XMLNS, (const xmlChar *)"vmdeck");

	xmlSetNs(v, ns);
	b = xmlNewChild(v, ns, (const xmlChar *)"base", NULL);
	xmlNewProp(b, (const xmlChar *)"name", (const xmlChar *)base);
	if (lab) {
		/* a lab's seat is the lab's from its first definition: a kill right
		 * after it leaves a seat that the next lab up recognises */
		b = xmlNewChild(v, ns, (const xmlChar *)"lab", NULL);
		xmlNewProp(b, (const xmlChar *)"name", (const xmlChar *)lab->name);
		xmlNewProp(b, (const xmlChar *)"id", (const xmlChar *)lab->id);
		xmlNewProp(b, (const xmlChar *)"file", (const xmlChar *)lab->file);
	}
}

static int clone_one(struct eng *e, const char *src, const char *dst, bool linked, bool update_base,
		     const struct eng_lab_mark *lab, struct eng_clone_report *rep, struct eng_error *err)
{
	virDomainPtr d = NULL, nd = NULL;
	char *xml = NULL, *out = NULL, pool[900];
	struct xdoc x = { 0 };
	struct disk_plan plan[VM_SPEC_MAX_DISKS];
	char paths[VM_SPEC_MAX_DISKS][1024], journal[1200];
	size_t n = 0, made = 0;
	bool journaled = false;
	xmlXPathObjectPtr o = NULL;
	int ret = -1;

	memset(rep, 0, sizeof(*rep));
	if (eng_refuse_readonly(e, "clone", src, err) < 0)
		return -1;
	if (eng_name_check("VM", dst, err) < 0)
		return -1;
	eng_clone_cleanup(e, rep->cleaned, sizeof(rep->cleaned), NULL);
	if (!(d = eng_dom_lookup(e, src, err)))
		return -1;
	if (eng_domain_exists(e, dst)) {
		eng_err_set(err, ENG_E_FAILED, "clone %s -> %s: a VM named '%s' already exists", src, dst, dst);
		goto out;
	}
	if (src_state_ok(d, src, linked, err) < 0)
		goto out;
	if (!(xml = virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE)) || xdoc_parse(&x, xml) < 0) {
		eng_err_libvirt(err, "clone %s: cannot read its configuration", src);
		goto out;
	}
	if (eng_pool_ensure(e, pool, sizeof(pool), err) < 0)
		goto out;

	/* plan the disks: every writable file disk gets its own copy or overlay */
	o = xdoc_nodes(&x, NULL, "/domain/devices/disk[@device='disk' and source/@file and not(readonly)]");
	for (int i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr; i++) {
		struct disk_plan *dp = &plan[n];
		char *f, *fmt;
		if (n >= VM_SPEC_MAX_DISKS)
			break;
		dp->node = o->nodesetval->nodeTab[i];
		f = xdoc_str(&x, dp->node, "source/@file");
		fmt = xdoc_str(&x, dp->node, "driver/@type");
		snprintf(dp->from, sizeof(dp->from), "%s", f);
		snprintf(dp->fmt, sizeof(dp->fmt), "%s", fmt ? fmt : "raw");
		free(f);
		free(fmt);
		snprintf(dp->vol, sizeof(dp->vol), "%s-disk%zu.%s", dst, n,
			 linked || strcmp(dp->fmt, "qcow2") == 0 ? "qcow2" : "img");
		{
			/* through a local buffer: gcc -O0 takes dp->vol and dp->to for one object */
			char to[sizeof(dp->to)];
			snprintf(to, sizeof(to), "%s/%s", pool, dp->vol);
			memcpy(dp->to, to, sizeof(to));
		}
		snprintf(paths[n], sizeof(paths[n]), "%s", dp->to);
		if (access(dp->to, F_OK) == 0 && e->local) {
			eng_err_set(err, ENG_E_FAILED, "clone %s -> %s: %s already exists", src, dst, dp->to);
			goto out;
		}
		n++;
	}
	if (eng_clone_journal_write(e, src, dst, paths, n, journal, sizeof(journal), err) < 0) {
		char why[sizeof(err->msg)];
		snprintf(why, sizeof(why), "%s", err->msg);
		eng_err_set(err, ENG_E_FAILED, "clone %s -> %s: cannot write its journal: %s", src, dst, why);
		goto out;
	}
	journaled = true;
	if (linked && update_base && n > 0 && template_mark(e, d) < 0) {
		eng_err_libvirt(err, "clone %s -> %s: cannot mark %s as a template", src, dst, src);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct disk_plan *dp = &plan[i];
		int rc;

		if (eng_job_cancelled()) {
			eng_err_set(err, ENG_E_CANCELLED, "clone %s -> %s cancelled", src, dst);
			goto out;
		}
		if (linked)
			rc = make_overlay(e, dp, err);
		else if (e->local)
			rc = copy_local(dp->from, dp->fmt, dp->to, err);
		else
			rc = copy_remote(e, dp->from, dp->vol, dp->fmt, err);
		made = i + 1;   /* a failed copy may have left a partial file: undo removes it */
		if (rc < 0)
			goto out;
		eng_domxml_set_attr(&x, dp->node, "source", "file", dp->to);
		if (linked)
			eng_domxml_set_attr(&x, dp->node, "driver", "type", "qcow2");
	}
	/* the pool learns about the files qemu-img wrote (a batch does it once) */
	if (e->local && n > 0 && update_base)
		eng_pool_refresh(e);

	/* the new guest: its name, a new UUID and MACs (libvirt makes them), its logs */
	eng_domxml_new_identity(&x);
	eng_domxml_rename(&x, dst);
	if (linked)
		add_base_metadata(&x, src, lab);
	if (!(out = xdoc_dump(x.doc)) || !(nd = virDomainDefineXML(e->conn, out))) {
		eng_err_libvirt(err, "clone %s -> %s: cannot define the new guest", src, dst);
		goto out;
	}
	if (linked && update_base && template_add_clones(e, d, &dst, 1) < 0) {
		eng_err_libvirt(err, "clone %s -> %s: cannot record the link", src, dst);
		virDomainUndefine(nd);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		snprintf(rep->disks[rep->n_disks++], sizeof(rep->disks[0]), "%s", plan[i].to);
	ret = 0;
out:
	if (ret < 0)
		for (size_t i = 0; i < made; i++)
			if (eng_vol_delete_path(e, plan[i].to, NULL) < 0 && e->local)
				unlink(plan[i].to);   /* a file the pool has not seen yet */
	if (journaled)
		unlink(journal);
	xmlXPathFreeObject(o);
	xdoc_free(&x);
	free(xml);
	free(out);
	if (nd)
		virDomainFree(nd);
	virDomainFree(d);
	return ret;
}

int eng_domain_clone(struct eng *e, const char *src, const char *dst, bool linked,
		     struct eng_clone_report *rep, struct eng_error *err)
{
	return clone_one(e, src, dst, linked, true, NULL, rep, err);
}

/* ---- several clones of one source ---- */

struct clone_batch {
	struct eng *e;
	const char *src;
	const char *const *dsts;
	size_t n;
	bool linked;
	const struct eng_lab_mark *lab;
	struct eng_clone_report *reps;
	struct eng_error *errs;
	int *rcs;
	size_t next;
	pthread_mutex_t lock;
	struct eng_job *job;
};

static void *clone_worker(void *arg)
{
	struct clone_batch *b = arg;

	eng_job_attach(b->job);
	for (;;) {
		size_t i;
		pthread_mutex_lock(&b->lock);
		i = b->next++;
		pthread_mutex_unlock(&b->lock);
		if (i >= b->n)
			break;
		b->rcs[i] = clone_one(b->e, b->src, b->dsts[i], b->linked, false, b->lab, &b->reps[i], &b->errs[i]);
	}
	eng_job_attach(NULL);
	return NULL;
}

int eng_domain_clone_many(struct eng *e, const char *src, const char *const *dsts, size_t n,
			  bool linked, struct eng_clone_report *reps, struct eng_error *errs, int *rcs)
{
	return eng_clone_many_marked(e, src, dsts, n, linked, NULL, reps, errs, rcs);
}

int eng_clone_many_marked(struct eng *e, const char *src, const char *const *dsts, size_t n, bool linked,
			  const struct eng_lab_mark *lab, struct eng_clone_report *reps, struct eng_error *errs,
			  int *rcs)
{
	/* overlays are cheap but each is a qemu-img run in the daemon: a few at
	 * once use the host's cores; full copies go one by one (disk-bound) */
	pthread_t th[4];
	size_t nth = linked ? (n < 4 ? n : 4) : 1, started = 0;
	struct clone_batch b = { .e = e, .src = src, .dsts = dsts, .n = n, .linked = linked, .lab = lab,
				 .reps = reps, .errs = errs, .rcs = rcs, .job = eng_job_current() };
	int failed = 0;

	for (size_t i = 0; i < n; i++)
		rcs[i] = -1;
	if (linked) {
		virDomainPtr base = virDomainLookupByName(e->conn, src);
		/* (no base: each clone says so below) */
		int rc = base ? template_mark(e, base) : 0;
		if (base)
			virDomainFree(base);
		if (rc < 0) {
			for (size_t i = 0; i < n; i++)
				eng_err_libvirt(&errs[i], "clone %s: cannot mark it as a template", src);
			return -1;
		}
	}
	pthread_mutex_init(&b.lock, NULL);
	for (size_t i = 1; i < nth; i++)
		if (pthread_create(&th[started], NULL, clone_worker, &b) == 0)
			started++;
	clone_worker(&b);
	eng_job_attach(b.job);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&b.lock);
	if (e->local)
		eng_pool_refresh(e);
	if (linked) {
		/* one update of the base for the whole class */
		const char **made = calloc(n + 1, sizeof(*made));
		size_t k = 0;
		virDomainPtr base = virDomainLookupByName(e->conn, src);
		for (size_t i = 0; made && i < n; i++)
			if (rcs[i] == 0)
				made[k++] = dsts[i];
		if (k && (!base || template_add_clones(e, base, made, k) < 0))
			for (size_t i = 0; i < n; i++)
				if (rcs[i] == 0) {
					/* an unrecorded link would leave the base unprotected */
					virDomainPtr c = virDomainLookupByName(e->conn, dsts[i]);
					eng_err_libvirt(&errs[i], "clone %s -> %s: cannot record the link", src, dsts[i]);
					if (c) {
						virDomainUndefine(c);
						virDomainFree(c);
					}
					for (size_t j = 0; j < reps[i].n_disks; j++)
						eng_vol_delete_path(e, reps[i].disks[j], NULL);
					rcs[i] = -1;
				}
		free(made);
		if (base)
			virDomainFree(base);
	}
	for (size_t i = 0; i < n; i++)
		failed += rcs[i] < 0;
	return failed ? -1 : 0;
}
