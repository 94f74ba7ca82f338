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

/* ---- the journal ---- */

static void journal_dir(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	if (xdg && *xdg)
		snprintf(buf, len, "%s/vmdeck/clones", xdg);
	else
		snprintf(buf, len, "%s/.local/state/vmdeck/clones", home ? home : "/tmp");
}

static void mkdirs(const char *path)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0700);
			*s = '/';
		}
	mkdir(p, 0700);
}

static void journal_path(const char *dst, char *buf, size_t len)
{
	char dir[900];

	journal_dir(dir, sizeof(dir));
	snprintf(buf, len, "%s/%s.journal", dir, dst);
}

/* pid, uri, src, then one disk path per line */
static int journal_write(struct eng *e, const char *src, const char *dst, char paths[][1024],
			 size_t n)
{
	char dir[900], path[1024];
	FILE *f;

	journal_dir(dir, sizeof(dir));
	mkdirs(dir);
	journal_path(dst, path, sizeof(path));
	if (!(f = fopen(path, "w")))
		return -1;
	fprintf(f, "%d\n%s\n%s\n", (int)getpid(), e->uri, src);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\n", paths[i]);
	return fclose(f);
}

static void journal_remove(const char *dst)
{
	char path[1024];

	journal_path(dst, path, sizeof(path));
	unlink(path);
}

int eng_clone_cleanup(struct eng *e, char *report, size_t len, struct eng_error *err)
{
	char dir[900], path[1200], line[1100], uri[1100], src[128];
	FILE *f;
	int cleaned = 0;
	DIR *dh;
	struct dirent *de;

	(void)err;
	report[0] = '\0';
	journal_dir(dir, sizeof(dir));
	if (!(dh = opendir(dir)))
		return 0;
	while ((de = readdir(dh))) {
		size_t l = strlen(de->d_name);
		char dst[ENG_NAME_MAX + 1];
		int pid = 0;

		if (l < 9 || strcmp(de->d_name + l - 8, ".journal") != 0 || l - 8 > ENG_NAME_MAX)
			continue;
		snprintf(dst, sizeof(dst), "%.*s", (int)(l - 8), de->d_name);
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		if (fscanf(f, "%d\n", &pid) != 1 || !fgets(uri, sizeof(uri), f) ||
		    !fgets(src, sizeof(src), f)) {
			fclose(f);
			continue;
		}
		uri[strcspn(uri, "\n")] = '\0';
		src[strcspn(src, "\n")] = '\0';
		/* a clone still in progress (here or in another vmdeck), or another
		 * libvirt's: not ours to touch */
		if (pid == getpid() || kill(pid, 0) == 0 || strcmp(uri, e->uri) != 0) {
			fclose(f);
			continue;
		}
		if (eng_domain_exists(e, dst)) {
			/* the clone was defined: the journal is simply stale */
			fclose(f);
			unlink(path);
			continue;
		}
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			if (!line[0])
				continue;
			if (eng_vol_delete_path(e, line, NULL) == 0 || unlink(line) == 0) {
				size_t used = strlen(report);
				snprintf(report + used, len - used, "%sremoved %s (interrupted clone %s -> %s)",
					 cleaned++ ? "; " : "", line, src, dst);
			}
		}
		fclose(f);
		unlink(path);
	}
	closedir(dh);
	return cleaned;
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

static void pool_refresh(struct eng *e)
{
	virStoragePoolPtr p = eng_pool_get(e, NULL);

	if (p) {
		virStoragePoolRefresh(p, 0);
		virStoragePoolFree(p);
	}
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

static void set_attr_at(struct xdoc *x, xmlNodePtr at, const char *xpath, const char *attr,
			const char *value)
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

/* The base's list of clones: written once per command, not once per clone
 * (each write is a config file rewrite in the daemon). */
static int template_add_clones(struct eng *e, virDomainPtr base, const char *const *names, size_t n)
{
	struct vmdeck_meta *m = calloc(1, sizeof(*m));
	int rc = -1;

	pthread_mutex_lock(&e->meta_lock);
	if (m && eng_meta_read(base, m) == 0) {
		m->is_template = true;
		for (size_t i = 0; i < n && m->n_clones < TEMPLATE_MAX_CLONES; i++)
			snprintf(m->clones[m->n_clones++], ENG_NAME_MAX + 1, "%s", names[i]);
		rc = eng_meta_write(base, m);
	}
	pthread_mutex_unlock(&e->meta_lock);
	free(m);
	return rc;
}

/* <metadata><vmdeck:vmdeck><base name="SRC"/></vmdeck:vmdeck></metadata> in the
 * clone's own XML, so defining it records the link in the same write. */
static void add_base_metadata(struct xdoc *x, const char *base)
{
	xmlNodePtr root = xmlDocGetRootElement(x->doc);
	xmlNodePtr md = xmlNewChild(root, NULL, (const xmlChar *)"metadata", NULL);
	xmlNodePtr v = xmlNewChild(md, NULL, (const xmlChar *)"vmdeck", NULL), b;
	xmlNsPtr ns = xmlNewNs(v, (const xmlChar *)VMDECK_XMLNS, (const xmlChar *)"vmdeck");

	xmlSetNs(v, ns);
	b = xmlNewChild(v, ns, (const xmlChar *)"base", NULL);
	xmlNewProp(b, (const xmlChar *)"name", (const xmlChar *)base);
}

static int clone_one(struct eng *e, const char *src, const char *dst, bool linked,
		     bool update_base, struct eng_clone_report *rep, struct eng_error *err)
{
	virDomainPtr d = NULL, nd = NULL;
	char *xml = NULL, *out = NULL, pool[900];
	struct xdoc x = { 0 };
	struct disk_plan plan[VM_SPEC_MAX_DISKS];
	char paths[VM_SPEC_MAX_DISKS][1024];
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
	if (journal_write(e, src, dst, paths, n) < 0) {
		eng_err_set(err, ENG_E_FAILED, "clone %s -> %s: cannot write its journal", src, dst);
		goto out;
	}
	journaled = true;
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
		set_attr_at(&x, dp->node, "source", "file", dp->to);
		if (linked)
			set_attr_at(&x, dp->node, "driver", "type", "qcow2");
	}
	/* the pool learns about the files qemu-img wrote (a batch does it once) */
	if (e->local && n > 0 && update_base)
		pool_refresh(e);

	/* the new guest: its name, a new UUID and MACs (libvirt makes them), its logs */
	xml_remove_all(&x, "/domain/uuid");
	xml_remove_all(&x, "/domain/devices/interface/mac");
	xml_remove_all(&x, "/domain/devices/disk/backingStore");
	xml_remove_all(&x, "/domain/os/nvram");
	xml_remove_all(&x, "/domain/metadata");
	xml_remove_all(&x, "/domain/devices/channel/source");
	{
		xmlXPathObjectPtr nm = xdoc_nodes(&x, NULL, "/domain/name");
		if (nm && nm->nodesetval && nm->nodesetval->nodeNr > 0)
			xmlNodeSetContent(nm->nodesetval->nodeTab[0], (const xmlChar *)dst);
		xmlXPathFreeObject(nm);
	}
	{
		char *log = xdoc_str(&x, NULL, "/domain/devices/serial/log/@file");
		if (log) {
			char *slash = strrchr(log, '/'), nl[1024];
			snprintf(nl, sizeof(nl), "%.*s/%s-serial.log", slash ? (int)(slash - log) : 1,
				 slash ? log : ".", dst);
			set_attr_at(&x, NULL, "/domain/devices/serial/log", "file", nl);
			free(log);
		}
	}
	if (linked)
		add_base_metadata(&x, src);
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
		journal_remove(dst);
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
	return clone_one(e, src, dst, linked, true, rep, err);
}

/* ---- several clones of one source ---- */

struct clone_batch {
	struct eng *e;
	const char *src;
	const char *const *dsts;
	size_t n;
	bool linked;
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
		b->rcs[i] = clone_one(b->e, b->src, b->dsts[i], b->linked, false, &b->reps[i], &b->errs[i]);
	}
	eng_job_attach(NULL);
	return NULL;
}

int eng_domain_clone_many(struct eng *e, const char *src, const char *const *dsts, size_t n,
			  bool linked, struct eng_clone_report *reps, struct eng_error *errs, int *rcs)
{
	/* overlays are cheap but each is a qemu-img run in the daemon: a few at
	 * once use the host's cores; full copies go one by one (disk-bound) */
	pthread_t th[4];
	size_t nth = linked ? (n < 4 ? n : 4) : 1, started = 0;
	struct clone_batch b = { .e = e, .src = src, .dsts = dsts, .n = n, .linked = linked,
				 .reps = reps, .errs = errs, .rcs = rcs, .job = eng_job_current() };
	int failed = 0;

	for (size_t i = 0; i < n; i++)
		rcs[i] = -1;
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
		pool_refresh(e);
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
