/* share.c - a host folder in the guest: share add/list/remove.
 * Writable shares are virtiofs (libvirt runs QEMU's virtiofsd); virtiofs
 * needs the guest's memory shared with it, so the definition gains
 * <memoryBacking> with memfd and shared access when it lacks them, which
 * takes effect at the guest's next start. libvirt 9.0 refuses read-only
 * virtiofs ("virtiofs does not yet support read-only mode"), so a read-only
 * share is virtio-9p with <readonly/>, which QEMU enforces (the guest mounts
 * it with -t 9p -o trans=virtio). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "xmlutil.h"

#define TAG_MAX 36   /* virtiofs' tag field */

static int tag_check(const char *tag, struct eng_error *err)
{
	size_t n = strlen(tag);

	for (size_t i = 0; i < n; i++)
		if (!((tag[i] >= 'a' && tag[i] <= 'z') || (tag[i] >= 'A' && tag[i] <= 'Z') ||
		      (tag[i] >= '0' && tag[i] <= '9') || (i && strchr("._-", tag[i])))) {
			n = 0;
			break;
		}
	if (n == 0 || n > TAG_MAX) {
		eng_err_set(err, ENG_E_INVALID, "invalid share tag '%s': 1 to %d letters, digits, '.', '_' or '-', "
			    "starting with a letter or digit", tag, TAG_MAX);
		return -1;
	}
	return 0;
}

static int read_shares(const char *xml, struct eng_share *out, int max)
{
	struct xdoc x;
	xmlXPathObjectPtr o;
	int n = 0;

	if (!xml || xdoc_parse(&x, xml) < 0)
		return -1;
	o = xdoc_nodes(&x, NULL, "/domain/devices/filesystem");
	for (int i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr && n < max; i++) {
		xmlNodePtr f = o->nodesetval->nodeTab[i];
		char *tag = xdoc_str(&x, f, "target/@dir"), *src = xdoc_str(&x, f, "source/@dir"),
		     *drv = xdoc_str(&x, f, "driver/@type");
		xmlXPathObjectPtr ro = xdoc_nodes(&x, f, "readonly");
		if (tag && src) {
			snprintf(out[n].tag, sizeof(out[n].tag), "%s", tag);
			snprintf(out[n].source, sizeof(out[n].source), "%s", src);
			snprintf(out[n].type, sizeof(out[n].type), "%s", drv && strcmp(drv, "virtiofs") == 0 ? "virtiofs" : "9p");
			out[n].readonly = ro && ro->nodesetval && ro->nodesetval->nodeNr > 0;
			n++;
		}
		free(tag);
		free(src);
		free(drv);
		xmlXPathFreeObject(ro);
	}
	xmlXPathFreeObject(o);
	xdoc_free(&x);
	return n;
}

int eng_share_list(struct eng *e, const char *vm, struct eng_share *out, int max, struct eng_error *err)
{
	virDomainPtr d = eng_dom_lookup(e, vm, err);
	char *conf, *live = NULL;
	struct eng_share now[ENG_MAX_SHARES];
	int n, nlive = 0;

	if (!d)
		return -1;
	conf = virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE);
	if (virDomainIsActive(d) == 1)
		live = virDomainGetXMLDesc(d, 0);
	n = read_shares(conf, out, max);
	if (live)
		nlive = read_shares(live, now, ENG_MAX_SHARES);
	for (int i = 0; i < n; i++) {
		out[i].active = false;
		for (int k = 0; k < nlive; k++)
			out[i].active |= strcmp(now[k].tag, out[i].tag) == 0;
	}
	free(conf);
	free(live);
	virDomainFree(d);
	if (n < 0)
		eng_err_set(err, ENG_E_FAILED, "VM %s: cannot read its definition", vm);
	return n;
}

/* memfd, shared: what virtiofsd needs to map the guest's memory */
static bool has_shared_memory(const char *xml)
{
	struct xdoc x;
	char *acc = NULL;

	if (!xml || xdoc_parse(&x, xml) < 0)
		return false;
	acc = xdoc_str(&x, NULL, "/domain/memoryBacking/access/@mode");
	xdoc_free(&x);
	bool yes = acc && strcmp(acc, "shared") == 0;
	free(acc);
	return yes;
}

static int add_shared_memory(struct eng *e, virDomainPtr d, const char *vm, struct eng_error *err)
{
	char *xml = virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE), *out = NULL;
	struct xdoc x;
	xmlNodePtr mb = NULL, root;
	virDomainPtr nd;
	int ret = -1;

	if (!xml || xdoc_parse(&x, xml) < 0) {
		free(xml);
		eng_err_libvirt(err, "VM %s: cannot read its definition", vm);
		return -1;
	}
	free(xml);
	root = xmlDocGetRootElement(x.doc);
	for (xmlNodePtr c = root->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !xmlStrcmp(c->name, (const xmlChar *)"memoryBacking"))
			mb = c;
	if (!mb)
		mb = xmlNewChild(root, NULL, (const xmlChar *)"memoryBacking", NULL);
	/* replace whatever source/access it had: shared memfd is what works */
	for (xmlNodePtr c = mb->children, next; c; c = next) {
		next = c->next;
		if (c->type == XML_ELEMENT_NODE &&
		    (!xmlStrcmp(c->name, (const xmlChar *)"source") || !xmlStrcmp(c->name, (const xmlChar *)"access"))) {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
		}
	}
	xattr(xnew(mb, "source", NULL), "type", "memfd");
	xattr(xnew(mb, "access", NULL), "mode", "shared");
	out = xdoc_dump(x.doc);
	xdoc_free(&x);
	if (!out || !(nd = virDomainDefineXML(e->conn, out))) {
		eng_err_libvirt(err, "VM %s: cannot give it shared memory", vm);
	} else {
		virDomainFree(nd);
		ret = 0;
	}
	free(out);
	return ret;
}

static char *fs_xml(const char *dir, const char *tag, bool readonly)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr f = xmlNewNode(NULL, (const xmlChar *)"filesystem");

	xmlDocSetRootElement(doc, f);
	xattr(f, "type", "mount");
	xattr(f, "accessmode", "passthrough");
	if (!readonly)
		xattr(xnew(f, "driver", NULL), "type", "virtiofs");
	xattr(xnew(f, "source", NULL), "dir", dir);
	xattr(xnew(f, "target", NULL), "dir", tag);
	if (readonly)
		xnew(f, "readonly", NULL);
	return xdoc_take(doc);
}

int eng_share_add(struct eng *e, const char *vm, const char *hostdir, const char *tag, bool readonly,
		  struct eng_share_result *r, struct eng_error *err)
{
	struct eng_share have[ENG_MAX_SHARES];
	char real[PATH_MAX], *xml = NULL, *live = NULL;
	struct stat st;
	virDomainPtr d;
	int n, ret = -1;
	bool running;

	memset(r, 0, sizeof(*r));
	if (eng_refuse_readonly(e, "share a folder with", vm, err) < 0 || tag_check(tag, err) < 0)
		return -1;
	if (!e->local) {
		eng_err_set(err, ENG_E_FAILED, "share with %s: the folder must be on the guest's host; run vmdeck there", vm);
		return -1;
	}
	if (!realpath(hostdir, real) || stat(real, &st) < 0 || !S_ISDIR(st.st_mode) || strlen(real) >= sizeof(r->source)) {
		eng_err_set(err, ENG_E_NOT_FOUND, "share with %s: %s is not a directory", vm, hostdir);
		return -1;
	}
	if ((n = eng_share_list(e, vm, have, ENG_MAX_SHARES, err)) < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (strcmp(have[i].tag, tag) == 0) {
			eng_err_set(err, ENG_E_INVALID, "VM %s already has a share tagged %s (%s)", vm, tag, have[i].source);
			return -1;
		}
	if (!(d = eng_dom_lookup(e, vm, err)))
		return -1;
	running = virDomainIsActive(d) == 1;
	xml = virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE);
	if (!readonly && !has_shared_memory(xml)) {
		if (add_shared_memory(e, d, vm, err) < 0)
			goto out;
		r->memory_added = true;
	}
	{
		char *dev = fs_xml(real, tag, readonly);
		live = running ? virDomainGetXMLDesc(d, 0) : NULL;
		/* live only where QEMU can take it now: virtiofs with shared memory
		 * already in the running guest (9p cannot be hot-plugged) */
		bool now = running && !readonly && has_shared_memory(live);
		if (!dev || virDomainAttachDeviceFlags(d, dev, VIR_DOMAIN_AFFECT_CONFIG |
								     (now ? VIR_DOMAIN_AFFECT_LIVE : 0)) < 0) {
			if (now && dev && virDomainAttachDeviceFlags(d, dev, VIR_DOMAIN_AFFECT_CONFIG) == 0) {
				now = false;
			} else {
				eng_err_libvirt(err, "share %s with %s", real, vm);
				free(dev);
				goto out;
			}
		}
		free(dev);
		r->live = now;
		r->restart_needed = running && !now;
	}
	eng_pathf(r->source, sizeof(r->source), "%s", real);
	snprintf(r->type, sizeof(r->type), "%s", readonly ? "9p" : "virtiofs");
	ret = 0;
out:
	free(xml);
	free(live);
	virDomainFree(d);
	return ret;
}

int eng_share_remove(struct eng *e, const char *vm, const char *tag, struct eng_share_result *r,
		     struct eng_error *err)
{
	struct eng_share have[ENG_MAX_SHARES];
	virDomainPtr d;
	int n, ret = -1;
	char *dev = NULL;

	memset(r, 0, sizeof(*r));
	if (eng_refuse_readonly(e, "remove a share of", vm, err) < 0)
		return -1;
	if ((n = eng_share_list(e, vm, have, ENG_MAX_SHARES, err)) < 0)
		return -1;
	for (int i = 0; i < n && !dev; i++)
		if (strcmp(have[i].tag, tag) == 0) {
			dev = fs_xml(have[i].source, tag, have[i].readonly);
			*r = (struct eng_share_result){ .live = have[i].active };
			snprintf(r->source, sizeof(r->source), "%s", have[i].source);
			snprintf(r->type, sizeof(r->type), "%s", have[i].type);
		}
	if (!dev) {
		eng_err_set(err, ENG_E_NOT_FOUND, "VM %s has no share tagged '%s'", vm, tag);
		return -1;
	}
	if (!(d = eng_dom_lookup(e, vm, err))) {
		free(dev);
		return -1;
	}
	/* out of the running guest when QEMU lets it go, else at its next start */
	if (r->live && virDomainDetachDeviceFlags(d, dev, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG) == 0) {
		ret = 0;
	} else if (virDomainDetachDeviceFlags(d, dev, VIR_DOMAIN_AFFECT_CONFIG) == 0) {
		r->restart_needed = r->live;
		r->live = false;
		ret = 0;
	} else {
		eng_err_libvirt(err, "remove share %s of %s", tag, vm);
	}
	free(dev);
	virDomainFree(d);
	return ret;
}
