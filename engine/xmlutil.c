/* xmlutil.c - libxml2 helpers: XPath reads and element builders. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/xmlsave.h>

#include "xmlutil.h"

int xdoc_parse(struct xdoc *x, const char *xml)
{
	x->ctx = NULL;
	x->doc = xmlReadMemory(xml, (int)strlen(xml), "libvirt.xml", NULL,
			       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!x->doc)
		return -1;
	if (!(x->ctx = xmlXPathNewContext(x->doc))) {
		xmlFreeDoc(x->doc);
		x->doc = NULL;
		return -1;
	}
	return 0;
}

void xdoc_free(struct xdoc *x)
{
	if (x->ctx)
		xmlXPathFreeContext(x->ctx);
	if (x->doc)
		xmlFreeDoc(x->doc);
	x->ctx = NULL;
	x->doc = NULL;
}

xmlXPathObjectPtr xdoc_nodes(struct xdoc *x, xmlNodePtr at, const char *xpath)
{
	x->ctx->node = at ? at : xmlDocGetRootElement(x->doc);
	return xmlXPathEvalExpression((const xmlChar *)xpath, x->ctx);
}

char *xdoc_str(struct xdoc *x, xmlNodePtr at, const char *xpath)
{
	xmlXPathObjectPtr o = xdoc_nodes(x, at, xpath);
	char *ret = NULL;

	if (o && o->nodesetval && o->nodesetval->nodeNr > 0) {
		xmlChar *v = xmlNodeGetContent(o->nodesetval->nodeTab[0]);
		if (v) {
			ret = strdup((const char *)v);
			xmlFree(v);
		}
	}
	xmlXPathFreeObject(o);
	return ret;
}

unsigned long long xdoc_ull(struct xdoc *x, xmlNodePtr at, const char *xpath,
			    unsigned long long def)
{
	char *s = xdoc_str(x, at, xpath);
	unsigned long long v = def;

	if (s && *s)
		v = strtoull(s, NULL, 10);
	free(s);
	return v;
}

static const struct {
	const char *unit;
	unsigned long long per_kib_num, per_kib_den;   /* value * num / den = KiB */
} mem_units[] = {
	{ "b", 1, 1024 }, { "bytes", 1, 1024 },
	{ "KiB", 1, 1 }, { "k", 1, 1 },
	{ "MiB", 1024, 1 }, { "M", 1024, 1 },
	{ "GiB", 1024 * 1024, 1 }, { "G", 1024 * 1024, 1 },
};

unsigned long long xdoc_mem_mib(struct xdoc *x, const char *xpath)
{
	char path[256];
	unsigned long long v = xdoc_ull(x, NULL, xpath, 0), kib = v;
	char *unit;

	snprintf(path, sizeof(path), "%s/@unit", xpath);
	unit = xdoc_str(x, NULL, path);
	if (unit)
		for (size_t i = 0; i < sizeof(mem_units) / sizeof(mem_units[0]); i++)
			if (strcasecmp(unit, mem_units[i].unit) == 0) {
				kib = v * mem_units[i].per_kib_num / mem_units[i].per_kib_den;
				break;
			}
	free(unit);
	return kib / 1024;
}

xmlNodePtr xnew(xmlNodePtr parent, const char *name, const char *text)
{
	/* xmlNewTextChild escapes text: user strings never become markup */
	return xmlNewTextChild(parent, NULL, (const xmlChar *)name, (const xmlChar *)text);
}

xmlNodePtr xnewf(xmlNodePtr parent, const char *name, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return xnew(parent, name, buf);
}

void xattr(xmlNodePtr n, const char *name, const char *value)
{
	xmlNewProp(n, (const xmlChar *)name, (const xmlChar *)value);
}

char *xdoc_dump(xmlDocPtr doc)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlSaveCtxtPtr s;
	char *ret = NULL;

	if (!buf)
		return NULL;
	s = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_NO_DECL);
	if (s) {
		xmlSaveDoc(s, doc);
		xmlSaveClose(s);
		ret = strdup((const char *)xmlBufferContent(buf));
	}
	xmlBufferFree(buf);
	return ret;
}

char *xdoc_take(xmlDocPtr doc)
{
	char *xml = xdoc_dump(doc);

	xmlFreeDoc(doc);
	return xml;
}
