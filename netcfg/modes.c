/* modes.c - the four modes, their XML and the reachability users expect.
 * Adding a mode is adding a row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include <libxml/xpath.h>

#include "netcfg.h"

const char *const net_reach_labels[4] = { "VM -> host", "VM <-> VM", "VM -> outside", "outside -> VM" };
const char *const net_reach_keys[4] = { "vm_to_host", "vm_to_vm", "vm_to_outside", "outside_to_vm" };

static const struct net_mode_def modes[] = {
	{ NET_NAT, "nat", "private subnet with DHCP, NAT to the outside", true, false,
	  { "yes", "yes", "yes", "port forwarding only" } },
	{ NET_BRIDGED, "bridged", "guests join an existing host bridge, like another machine on the LAN",
	  false, true, { "yes", "yes", "yes", "yes" } },
	{ NET_HOSTONLY, "hostonly", "private subnet with DHCP shared with the host, no way out", true,
	  false, { "yes", "yes", "no", "no" } },
	{ NET_INTERNAL, "internal", "guests reach only each other (no host address, no DHCP)", false,
	  false, { "no", "yes", "no", "no" } },
	{ NET_OTHER, "other", "made outside vmdeck", false, false, { "?", "?", "?", "?" } },
};

const struct net_mode_def *net_mode_find(const char *name)
{
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]) - 1; i++)
		if (strcmp(modes[i].name, name) == 0)
			return &modes[i];
	return NULL;
}

const struct net_mode_def *net_mode_get(enum net_mode m)
{
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (modes[i].mode == m)
			return &modes[i];
	return &modes[sizeof(modes) / sizeof(modes[0]) - 1];
}

int net_reach_expected(enum net_mode m, int cell, bool has_forward)
{
	const char *r = net_mode_get(m)->reach[cell];

	if (strcmp(r, "yes") == 0)
		return 1;
	if (strcmp(r, "no") == 0)
		return 0;
	if (strcmp(r, "port forwarding only") == 0)
		return has_forward;
	return -1;
}

int net_cidr_parse(const char *text, unsigned char addr[4], unsigned *prefix, struct eng_error *err)
{
	unsigned a, b, c, d, p;
	char tail;

	if (!text || sscanf(text, "%u.%u.%u.%u/%u%c", &a, &b, &c, &d, &p, &tail) != 5 || a > 255 ||
	    b > 255 || c > 255 || d > 255) {
		eng_err_set(err, ENG_E_INVALID, "invalid subnet '%s': expected a.b.c.d/prefix, e.g. 192.168.50.0/24",
			    text ? text : "");
		return -1;
	}
	if (p < 16 || p > 29) {
		eng_err_set(err, ENG_E_INVALID, "invalid subnet '%s': prefix must be between /16 and /29", text);
		return -1;
	}
	{
		unsigned long ip = (unsigned long)a << 24 | b << 16 | c << 8 | d;
		unsigned long mask = 0xffffffffUL << (32 - p) & 0xffffffffUL;
		if (ip & ~mask) {
			eng_err_set(err, ENG_E_INVALID, "invalid subnet '%s': host bits set (did you mean %lu.%lu.%lu.%lu/%u?)",
				    text, (ip & mask) >> 24, (ip & mask) >> 16 & 255, (ip & mask) >> 8 & 255,
				    ip & mask & 255, p);
			return -1;
		}
	}
	addr[0] = (unsigned char)a;
	addr[1] = (unsigned char)b;
	addr[2] = (unsigned char)c;
	addr[3] = (unsigned char)d;
	*prefix = p;
	return 0;
}

static unsigned long ip_of(const unsigned char a[4])
{
	return (unsigned long)a[0] << 24 | (unsigned long)a[1] << 16 | (unsigned long)a[2] << 8 | a[3];
}

bool net_subnets_overlap(const unsigned char a[4], unsigned pa, const unsigned char b[4], unsigned pb)
{
	unsigned p = pa < pb ? pa : pb;
	unsigned long mask = p ? (0xffffffffUL << (32 - p)) & 0xffffffffUL : 0;

	return (ip_of(a) & mask) == (ip_of(b) & mask);
}

int net_subnet_pick(const unsigned char (*used)[5], size_t n, unsigned char out[4], struct eng_error *err)
{
	for (unsigned x = 100; x < 255; x++) {
		unsigned char cand[4] = { 192, 168, (unsigned char)x, 0 };
		bool clash = false;
		for (size_t i = 0; i < n && !clash; i++)
			clash = net_subnets_overlap(cand, 24, used[i], used[i][4]);
		if (!clash) {
			memcpy(out, cand, 4);
			return 0;
		}
	}
	eng_err_set(err, ENG_E_FAILED, "no free 192.168.100-254.0/24 subnet: give one with --subnet");
	return -1;
}

static xmlNodePtr child(xmlNodePtr parent, const char *name, const char *text)
{
	return xmlNewTextChild(parent, NULL, (const xmlChar *)name, (const xmlChar *)text);
}

static void attr(xmlNodePtr n, const char *name, const char *value)
{
	xmlNewProp(n, (const xmlChar *)name, (const xmlChar *)value);
}

char *net_xml_build(const struct net_spec *s, struct eng_error *err)
{
	const struct net_mode_def *m = net_mode_get(s->mode);
	xmlDocPtr doc;
	xmlNodePtr net, n;
	xmlBufferPtr buf;
	xmlSaveCtxtPtr save;
	char *xml = NULL;

	if (eng_name_check("network", s->name, err) < 0)
		return NULL;
	if (m->needs_uplink && (!s->uplink || !*s->uplink)) {
		eng_err_set(err, ENG_E_INVALID, "network %s: bridged mode needs --uplink BRIDGE", s->name);
		return NULL;
	}
	if (m->needs_subnet && !s->has_subnet) {
		eng_err_set(err, ENG_E_INVALID, "network %s: %s mode needs a subnet", s->name, m->name);
		return NULL;
	}
	doc = xmlNewDoc((const xmlChar *)"1.0");
	net = xmlNewNode(NULL, (const xmlChar *)"network");
	xmlDocSetRootElement(doc, net);
	child(net, "name", s->name);
	if (s->uuid)
		child(net, "uuid", s->uuid);
	if (s->mode == NET_NAT) {
		n = child(net, "forward", NULL);
		attr(n, "mode", "nat");
	} else if (s->mode == NET_BRIDGED && s->macvtap) {
		/* macvtap: each guest gets a macvtap device on the interface itself */
		n = child(net, "forward", NULL);
		attr(n, "mode", "bridge");
		n = child(n, "interface", NULL);
		attr(n, "dev", s->uplink);
	} else if (s->mode == NET_BRIDGED) {
		n = child(net, "forward", NULL);
		attr(n, "mode", "bridge");
		n = child(net, "bridge", NULL);
		attr(n, "name", s->uplink);
	}
	if (s->mode != NET_BRIDGED) {
		/* libvirt names the bridge (virbrN) and picks a MAC */
		n = child(net, "bridge", NULL);
		attr(n, "stp", "on");
		attr(n, "delay", "0");
	}
	if (m->needs_subnet) {
		char a[16], mask[16], lo[16], hi[16];
		unsigned long ip = ip_of(s->subnet);
		unsigned long msk = (0xffffffffUL << (32 - s->prefix)) & 0xffffffffUL;
		unsigned long last = (ip | ~msk) & 0xffffffffUL;
		xmlNodePtr ipn, dhcp, range;
#define DOTTED(buf, v) snprintf(buf, sizeof(buf), "%lu.%lu.%lu.%lu", (v) >> 24 & 255, (v) >> 16 & 255, (v) >> 8 & 255, (v) & 255)
		DOTTED(a, ip + 1);
		DOTTED(mask, msk);
		DOTTED(lo, ip + 2);
		DOTTED(hi, last - 1);
#undef DOTTED
		ipn = child(net, "ip", NULL);
		attr(ipn, "address", a);
		attr(ipn, "netmask", mask);
		dhcp = child(ipn, "dhcp", NULL);
		range = child(dhcp, "range", NULL);
		attr(range, "start", lo);
		attr(range, "end", hi);
	}
	buf = xmlBufferCreate();
	save = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_NO_DECL);
	xmlSaveDoc(save, doc);
	xmlSaveClose(save);
	xml = strdup((const char *)xmlBufferContent(buf));
	xmlBufferFree(buf);
	xmlFreeDoc(doc);
	return xml;
}

static char *xp(xmlXPathContextPtr ctx, const char *path)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)path, ctx);
	char *r = NULL;

	if (o && o->nodesetval && o->nodesetval->nodeNr > 0) {
		xmlChar *v = xmlNodeGetContent(o->nodesetval->nodeTab[0]);
		r = strdup((const char *)v);
		xmlFree(v);
	}
	xmlXPathFreeObject(o);
	return r;
}

int net_xml_facts(const char *xml, struct net_facts *f)
{
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "net.xml", NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlXPathContextPtr ctx;
	char *fwd, *ip, *mask, *prefix, *bridge;

	memset(f, 0, sizeof(*f));
	if (!doc)
		return -1;
	ctx = xmlXPathNewContext(doc);
	fwd = xp(ctx, "/network/forward/@mode");
	ip = xp(ctx, "/network/ip[not(@family) or @family='ipv4']/@address");
	mask = xp(ctx, "/network/ip[not(@family) or @family='ipv4']/@netmask");
	prefix = xp(ctx, "/network/ip[not(@family) or @family='ipv4']/@prefix");
	bridge = xp(ctx, "/network/bridge/@name");
	/* no <forward> is isolated: with a host address it is host-only */
	if (fwd && (strcmp(fwd, "nat") == 0 || strcmp(fwd, "route") == 0))
		f->mode = NET_NAT;
	else if (fwd && (strcmp(fwd, "bridge") == 0 || strcmp(fwd, "passthrough") == 0 ||
			 strcmp(fwd, "private") == 0 || strcmp(fwd, "vepa") == 0))
		f->mode = NET_BRIDGED;
	else if (fwd)
		f->mode = NET_OTHER;
	else
		f->mode = ip ? NET_HOSTONLY : NET_INTERNAL;
	if (bridge)
		snprintf(f->bridge, sizeof(f->bridge), "%s", bridge);
	if (ip) {
		unsigned a, b, c, d, p = 24;
		snprintf(f->host_ip, sizeof(f->host_ip), "%s", ip);
		if (prefix)
			p = (unsigned)atoi(prefix);
		else if (mask) {
			unsigned m1, m2, m3, m4;
			if (sscanf(mask, "%u.%u.%u.%u", &m1, &m2, &m3, &m4) == 4) {
				unsigned long m = (unsigned long)m1 << 24 | m2 << 16 | m3 << 8 | m4;
				p = 0;
				while (m & 0x80000000UL) {
					p++;
					m = (m << 1) & 0xffffffffUL;
				}
			}
		}
		if (sscanf(ip, "%u.%u.%u.%u", &a, &b, &c, &d) == 4 && p <= 32) {
			unsigned long v = ((unsigned long)a << 24 | b << 16 | c << 8 | d) &
					  (p ? (0xffffffffUL << (32 - p)) & 0xffffffffUL : 0);
			f->addr[0] = (unsigned char)(v >> 24);
			f->addr[1] = (unsigned char)(v >> 16 & 255);
			f->addr[2] = (unsigned char)(v >> 8 & 255);
			f->addr[3] = (unsigned char)(v & 255);
			f->prefix = p;
			snprintf(f->subnet, sizeof(f->subnet), "%u.%u.%u.%u/%u", f->addr[0], f->addr[1],
				 f->addr[2], f->addr[3], p);
		}
	}
	free(fwd);
	free(ip);
	free(mask);
	free(prefix);
	free(bridge);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return 0;
}
