/* template.c - templates and their linked clones, kept in each domain's
 * <metadata> under vmdeck's namespace, so they survive restarts and are
 * visible to every vmdeck that talks to the same libvirt. */
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "template.h"
#include "xmlutil.h"

/* Another vmdeck (a TUI beside a CLI, two scripts) may rewrite the same
 * guest's metadata, and libvirt has no compare-and-swap: every read-modify-
 * write holds this process's mutex and an flock on meta.lock in vmdeck's
 * private state dir, which every vmdeck of this user shares (a kill
 * releases it). Without a state dir, only the mutex. */
void eng_meta_lock(struct eng *e)
{
	pthread_mutex_lock(&e->meta_lock);
	if (e->meta_fd < 0) {
		char dir[900], path[1000];
		if (eng_state_dir(NULL, dir, sizeof(dir), NULL) == 0) {
			snprintf(path, sizeof(path), "%s/meta.lock", dir);
			e->meta_fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		}
	}
	while (e->meta_fd >= 0 && flock(e->meta_fd, LOCK_EX) < 0 && errno == EINTR)
		;
}

void eng_meta_unlock(struct eng *e)
{
	if (e->meta_fd >= 0)
		flock(e->meta_fd, LOCK_UN);
	pthread_mutex_unlock(&e->meta_lock);
}

int eng_meta_read(virDomainPtr d, struct vmdeck_meta *m)
{
	char *xml = virDomainGetMetadata(d, VIR_DOMAIN_METADATA_ELEMENT, VMDECK_XMLNS,
					 VIR_DOMAIN_AFFECT_CONFIG);
	struct xdoc x;
	xmlXPathObjectPtr o;
	char *v;

	memset(m, 0, sizeof(*m));
	if (!xml)
		return 0;   /* no metadata: an ordinary guest */
	if (xdoc_parse(&x, xml) < 0) {
		free(xml);
		return -1;
	}
	if ((v = xdoc_str(&x, NULL, "/*/base/@name")))
		snprintf(m->base, sizeof(m->base), "%s", v);
	free(v);
	if ((v = xdoc_str(&x, NULL, "/*/lab/@id"))) {
		char *name = xdoc_str(&x, NULL, "/*/lab/@name"), *file = xdoc_str(&x, NULL, "/*/lab/@file");
		snprintf(m->lab_id, sizeof(m->lab_id), "%s", v);
		snprintf(m->lab_name, sizeof(m->lab_name), "%s", name ? name : "");
		snprintf(m->lab_file, sizeof(m->lab_file), "%s", file ? file : "");
		free(name);
		free(file);
	}
	free(v);
	if ((v = xdoc_str(&x, NULL, "/*/template")))
		m->is_template = true;
	free(v);
	o = xdoc_nodes(&x, NULL, "/*/clone/@name");
	for (int i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr &&
			m->n_clones < TEMPLATE_MAX_CLONES; i++) {
		xmlChar *c = xmlNodeGetContent(o->nodesetval->nodeTab[i]);
		snprintf(m->clones[m->n_clones++], ENG_NAME_MAX + 1, "%s", (const char *)c);
		xmlFree(c);
	}
	xmlXPathFreeObject(o);
	o = xdoc_nodes(&x, NULL, "/*/forward");
	for (int i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr &&
			m->n_fwd < META_MAX_FORWARDS; i++) {
		xmlNodePtr node = o->nodesetval->nodeTab[i];
		struct meta_forward *f = &m->fwd[m->n_fwd++];
		char *proto = xdoc_str(&x, node, "@proto"), *net = xdoc_str(&x, node, "@network");

		snprintf(f->proto, sizeof(f->proto), "%s", proto ? proto : "tcp");
		snprintf(f->network, sizeof(f->network), "%s", net ? net : "");
		f->host_port = (unsigned)xdoc_ull(&x, node, "@host", 0);
		f->guest_port = (unsigned)xdoc_ull(&x, node, "@guest", 0);
		free(proto);
		free(net);
	}
	xmlXPathFreeObject(o);
	xdoc_free(&x);
	free(xml);
	return 0;
}

int eng_meta_write(virDomainPtr d, const struct vmdeck_meta *m)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root = xmlNewNode(NULL, (const xmlChar *)"vmdeck"), n;
	char *xml;
	int ret;

	xmlDocSetRootElement(doc, root);
	if (m->is_template || m->n_clones)
		xnew(root, "template", "");
	if (m->base[0]) {
		n = xnew(root, "base", NULL);
		xattr(n, "name", m->base);
	}
	if (m->lab_id[0]) {
		n = xnew(root, "lab", NULL);
		xattr(n, "name", m->lab_name);
		xattr(n, "id", m->lab_id);
		xattr(n, "file", m->lab_file);
	}
	for (int i = 0; i < m->n_clones; i++) {
		n = xnew(root, "clone", NULL);
		xattr(n, "name", m->clones[i]);
	}
	for (int i = 0; i < m->n_fwd; i++) {
		char port[16];
		n = xnew(root, "forward", NULL);
		xattr(n, "proto", m->fwd[i].proto);
		snprintf(port, sizeof(port), "%u", m->fwd[i].host_port);
		xattr(n, "host", port);
		snprintf(port, sizeof(port), "%u", m->fwd[i].guest_port);
		xattr(n, "guest", port);
		xattr(n, "network", m->fwd[i].network);
	}
	xml = xdoc_take(doc);
	if (!xml)
		return -1;
	ret = virDomainSetMetadata(d, VIR_DOMAIN_METADATA_ELEMENT, xml, "vmdeck", VMDECK_XMLNS,
				   VIR_DOMAIN_AFFECT_CONFIG);
	free(xml);
	return ret;
}

/* A clone still depends on base when it exists and names base as its base
 * (a guest deleted or redefined outside vmdeck no longer counts). */
static bool clone_depends(struct eng *e, const char *base, const char *clone)
{
	virDomainPtr c = virDomainLookupByName(e->conn, clone);
	struct vmdeck_meta *m = calloc(1, sizeof(*m));
	bool dep;

	if (!c || !m) {
		free(m);
		if (c)
			virDomainFree(c);
		return false;
	}
	dep = eng_meta_read(c, m) == 0 && strcmp(m->base, base) == 0;
	free(m);
	virDomainFree(c);
	return dep;
}

static void names_add(char *names, size_t len, int n, const char *name, const char *note)
{
	size_t used;

	if (!names || !len)
		return;
	used = strlen(names);
	snprintf(names + used, len - used, "%s%s%s", n ? ", " : "", name, note);
}

static bool listed(const struct vmdeck_meta *m, const char *name)
{
	for (int i = 0; i < m->n_clones; i++)
		if (strcmp(m->clones[i], name) == 0)
			return true;
	return false;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The base's list of clones is written once at the end of a clone command;
 * a kill before that leaves seats that name the base in their own metadata
 * but are missing from its list. A template (marked before its first overlay
 * is made) is therefore also checked against every guest's metadata. */
static int unlisted_dependents(struct eng *e, const char *vm, const struct vmdeck_meta *bm, char *names,
			       size_t len, int n)
{
	virDomainPtr *doms = NULL;
	struct vmdeck_meta *m = calloc(1, sizeof(*m));
	int nd = m ? virConnectListAllDomains(e->conn, &doms, 0) : -1, k = 0;
	const char **dep = nd > 0 ? calloc((size_t)nd, sizeof(*dep)) : NULL;

	for (int i = 0; dep && i < nd; i++) {
		const char *name = virDomainGetName(doms[i]);
		if (strcmp(name, vm) != 0 && !listed(bm, name) && eng_meta_read(doms[i], m) == 0 &&
		    strcmp(m->base, vm) == 0)
			dep[k++] = name;
	}
	/* in name order, as every listing of vmdeck's */
	if (dep)
		qsort(dep, (size_t)k, sizeof(*dep), cmp_name);
	for (int i = 0; i < k; i++)
		names_add(names, len, n++, dep[i], "");
	for (int i = 0; i < nd; i++)
		virDomainFree(doms[i]);
	free(dep);
	free(doms);
	free(m);
	return n;
}

int eng_template_clones(struct eng *e, const char *vm, char *names, size_t len)
{
	virDomainPtr d = virDomainLookupByName(e->conn, vm);
	struct vmdeck_meta *m = calloc(1, sizeof(*m));
	char pending[512];
	int n = 0;

	if (names && len)
		names[0] = '\0';
	if (d && m && eng_meta_read(d, m) == 0) {
		for (int i = 0; i < m->n_clones; i++)
			if (clone_depends(e, vm, m->clones[i]))
				names_add(names, len, n++, m->clones[i], "");
		if (m->is_template) {
			n = unlisted_dependents(e, vm, m, names, len, n);
			/* an interrupted clone's overlays may exist before its guest does */
			if (eng_clone_pending_from(e, vm, pending, sizeof(pending)) > 0)
				names_add(names, len, n++, pending, " (a clone in progress, or interrupted: "
					  "'vmdeck doctor' lists what it left)");
		}
	}
	free(m);
	if (d)
		virDomainFree(d);
	return n;
}

int eng_template_refuse(struct eng *e, const char *vm, const char *verb, struct eng_error *err)
{
	char names[512];
	int n = eng_template_clones(e, vm, names, sizeof(names));

	if (n == 0)
		return 0;
	eng_err_set(err, ENG_E_FAILED,
		    "cannot %s %s: it is the template of %d linked clone(s) (%s) whose disks depend on its "
		    "disks; work on a full copy instead ('vmdeck clone %s %s-copy')",
		    verb, vm, n, names, vm, vm);
	return -1;
}

void eng_template_forget_clone(struct eng *e, const char *base, const char *clone)
{
	virDomainPtr d = virDomainLookupByName(e->conn, base);
	struct vmdeck_meta *m = calloc(1, sizeof(*m));

	if (d && m && eng_meta_read(d, m) == 0) {
		for (int i = 0; i < m->n_clones; i++)
			if (strcmp(m->clones[i], clone) == 0) {
				memmove(m->clones[i], m->clones[i + 1],
					sizeof(m->clones[0]) * (size_t)(m->n_clones - i - 1));
				m->n_clones--;
				eng_meta_write(d, m);
				break;
			}
	}
	free(m);
	if (d)
		virDomainFree(d);
}
