/* xmlutil.h - small libxml2 helpers for reading libvirt XML (engine-internal). */
#ifndef VMDECK_XMLUTIL_H
#define VMDECK_XMLUTIL_H

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

struct xdoc {
	xmlDocPtr doc;
	xmlXPathContextPtr ctx;
};

int xdoc_parse(struct xdoc *x, const char *xml);
void xdoc_free(struct xdoc *x);
/* First match of an XPath as a malloc'd string (attribute value or text), or NULL. */
char *xdoc_str(struct xdoc *x, xmlNodePtr at, const char *xpath);
/* Number at an XPath, def when absent. */
unsigned long long xdoc_ull(struct xdoc *x, xmlNodePtr at, const char *xpath,
			    unsigned long long def);
/* Node set of an XPath; caller frees with xmlXPathFreeObject. */
xmlXPathObjectPtr xdoc_nodes(struct xdoc *x, xmlNodePtr at, const char *xpath);
/* Memory value of an element with a unit= attribute, converted to MiB. */
unsigned long long xdoc_mem_mib(struct xdoc *x, const char *xpath);

/* The first node at xpath under at gets attr = value (clone.c: a disk's
 * source file, in clones and in copies to another host). */
void eng_domxml_set_attr(struct xdoc *x, xmlNodePtr at, const char *xpath, const char *attr, const char *value);
/* Builders: a child element with optional text. */
xmlNodePtr xnew(xmlNodePtr parent, const char *name, const char *text);
xmlNodePtr xnewf(xmlNodePtr parent, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void xattr(xmlNodePtr n, const char *name, const char *value);
/* Serialises the document (pretty, no XML declaration); caller frees. */
char *xdoc_dump(xmlDocPtr doc);
/* xdoc_dump, then frees the document: the end of every XML vmdeck builds. */
char *xdoc_take(xmlDocPtr doc);

#endif
