/* template.c - templates and their linked clones, kept in each domain's
 * <metadata> under vmdeck's namespace, so they survive restarts and are
 * visible to every vmdeck that talks to the same libvirt. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"
#include "xmlutil.h"

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
	for (int i = 0; i < m->n_clones; i++) {
		n = xnew(root, "clone", NULL);
		xattr(n, "name", m->clones[i]);
	}
	for (int i = 0; i < m->n_fwd; i++) {
		char port[8];
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
	struct vmdeck_meta m;
	bool dep;

	if (!c)
		return false;
	dep = eng_meta_read(c, &m) == 0 && strcmp(m.base, base) == 0;
	virDomainFree(c);
	return dep;
}

int eng_template_clones(struct eng *e, const char *vm, char *names, size_t len)
{
	virDomainPtr d = virDomainLookupByName(e->conn, vm);
	struct vmdeck_meta *m = calloc(1, sizeof(*m));
	int n = 0;

	if (names && len)
		names[0] = '\0';
	if (d && m && eng_meta_read(d, m) == 0)
		for (int i = 0; i < m->n_clones; i++) {
			if (!clone_depends(e, vm, m->clones[i]))
				continue;
			if (names) {
				size_t used = strlen(names);
				snprintf(names + used, len - used, "%s%s", n ? ", " : "", m->clones[i]);
			}
			n++;
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
