/* network.c - libvirt networks in the four modes of netcfg/: list with mode,
 * bridge and subnet, create (subnet picked without clashes), start, stop,
 * delete (refused while running guests use it), NICs attached and detached. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "netcfg.h"
#include "xmlutil.h"

/* Running guests with a NIC on net (the names, and how many). */
static int guests_on(struct eng *e, const char *net, char *names, size_t len)
{
	virDomainPtr *doms = NULL;
	int n = virConnectListAllDomains(e->conn, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE), count = 0;
	char path[160];

	names[0] = '\0';
	snprintf(path, sizeof(path), "/domain/devices/interface[@type='network']/source[@network='%s']", net);
	for (int i = 0; i < n; i++) {
		char *xml = virDomainGetXMLDesc(doms[i], 0);
		struct xdoc x;
		if (xml && xdoc_parse(&x, xml) == 0) {
			xmlXPathObjectPtr o = xdoc_nodes(&x, NULL, path);
			if (o && o->nodesetval && o->nodesetval->nodeNr > 0) {
				size_t used = strlen(names);
				snprintf(names + used, len - used, "%s%s", count ? ", " : "", virDomainGetName(doms[i]));
				count++;
			}
			xmlXPathFreeObject(o);
			xdoc_free(&x);
		}
		free(xml);
		virDomainFree(doms[i]);
	}
	free(doms);
	return count;
}

int eng_net_facts(struct eng *e, const char *name, struct net_facts *f, bool *active)
{
	virNetworkPtr n = virNetworkLookupByName(e->conn, name);
	char *xml = n ? virNetworkGetXMLDesc(n, 0) : NULL;
	int rc = xml ? net_xml_facts(xml, f) : -1;

	*active = n && virNetworkIsActive(n) == 1;
	free(xml);
	if (n)
		virNetworkFree(n);
	return rc;
}

static void fill_net(struct eng *e, virNetworkPtr n, struct eng_net *o)
{
	char *xml = virNetworkGetXMLDesc(n, 0);
	struct net_facts f;
	int as = 0;

	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", virNetworkGetName(n));
	o->active = virNetworkIsActive(n) == 1;
	o->persistent = virNetworkIsPersistent(n) == 1;
	virNetworkGetAutostart(n, &as);
	o->autostart = as;
	if (xml && net_xml_facts(xml, &f) == 0) {
		snprintf(o->mode, sizeof(o->mode), "%s", net_mode_get(f.mode)->name);
		snprintf(o->bridge, sizeof(o->bridge), "%s", f.bridge);
		snprintf(o->subnet, sizeof(o->subnet), "%s", f.subnet);
	}
	free(xml);
	if (o->active)
		o->n_guests = guests_on(e, o->name, o->guests, sizeof(o->guests));
}

static int cmp_net(const void *a, const void *b)
{
	return strcmp(((const struct eng_net *)a)->name, ((const struct eng_net *)b)->name);
}

int eng_network_list(struct eng *e, struct eng_net **out, size_t *n, struct eng_error *err)
{
	virNetworkPtr *nets = NULL;
	int count = virConnectListAllNetworks(e->conn, &nets, 0);
	struct eng_net *v;

	if (count < 0) {
		eng_err_libvirt(err, "cannot list networks on %s", e->uri);
		return -1;
	}
	v = calloc((size_t)count + 1, sizeof(*v));
	for (int i = 0; i < count; i++) {
		if (v)
			fill_net(e, nets[i], &v[i]);
		virNetworkFree(nets[i]);
	}
	free(nets);
	if (!v) {
		eng_err_set(err, ENG_E_FAILED, "out of memory");
		return -1;
	}
	qsort(v, (size_t)count, sizeof(*v), cmp_net);
	*out = v;
	*n = (size_t)count;
	return 0;
}

static virNetworkPtr net_lookup(struct eng *e, const char *name, struct eng_error *err)
{
	virNetworkPtr n;

	if (eng_name_lookup_check("network", name, err) < 0)
		return NULL;
	if (!(n = virNetworkLookupByName(e->conn, name)))
		eng_err_set(err, ENG_E_NOT_FOUND, "no network named '%s'", name);
	return n;
}

int eng_network_info(struct eng *e, const char *name, struct eng_net *out, struct eng_error *err)
{
	virNetworkPtr n = net_lookup(e, name, err);

	if (!n)
		return -1;
	fill_net(e, n, out);
	virNetworkFree(n);
	return 0;
}

/* Subnets already taken: libvirt's networks and, on this machine, the host's routes. */
static size_t used_subnets(struct eng *e, unsigned char (*used)[5], size_t max)
{
	struct eng_net *v;
	size_t n = 0, k = 0;
	FILE *f;

	if (eng_network_list(e, &v, &n, NULL) == 0) {
		for (size_t i = 0; i < n && k < max; i++) {
			unsigned p;
			if (v[i].subnet[0] && net_cidr_parse(v[i].subnet, used[k], &p, NULL) == 0)
				used[k++][4] = (unsigned char)p;
		}
		free(v);
	}
	if (e->local && (f = fopen("/proc/net/route", "r"))) {
		char line[256];
		unsigned long dst, mask;
		char ifn[32];
		while (fgets(line, sizeof(line), f) && k < max)
			if (sscanf(line, "%31s %lx %*x %*x %*d %*d %*d %lx", ifn, &dst, &mask) == 3 && mask) {
				/* little-endian hex as the kernel prints it */
				unsigned p = 0;
				for (unsigned long m = mask; m; m >>= 1)
					p += m & 1;
				used[k][0] = dst & 255;
				used[k][1] = dst >> 8 & 255;
				used[k][2] = dst >> 16 & 255;
				used[k][3] = dst >> 24 & 255;
				used[k++][4] = (unsigned char)p;
			}
		fclose(f);
	}
	return k;
}

static bool iface_exists(const char *dev)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/class/net/%s", dev);
	return stat(path, &st) == 0;
}

static bool bridge_exists(const char *br)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/class/net/%s/bridge", br);
	return stat(path, &st) == 0;
}

int eng_network_create(struct eng *e, const char *name, const char *mode, const char *subnet,
		       const char *uplink, bool macvtap, struct eng_net *made, struct eng_error *err)
{
	return eng_network_create_uuid(e, name, mode, subnet, uplink, macvtap, NULL, made, err);
}

int eng_network_create_uuid(struct eng *e, const char *name, const char *mode, const char *subnet,
			    const char *uplink, bool macvtap, const char *uuid, struct eng_net *made,
			    struct eng_error *err)
{
	const struct net_mode_def *m = net_mode_find(mode ? mode : "");
	struct net_spec s = { .name = name, .uplink = uplink, .prefix = 24, .macvtap = macvtap, .uuid = uuid };
	unsigned char used[64][5];
	size_t nused;
	virNetworkPtr n = NULL;
	char *xml;

	if (eng_refuse_readonly(e, "create network", name, err) < 0)
		return -1;
	if (!m) {
		eng_err_set(err, ENG_E_INVALID, "network %s: unknown mode '%s' (use nat, bridged, hostonly or internal)",
			    name, mode ? mode : "");
		return -1;
	}
	if (eng_name_check("network", name, err) < 0)
		return -1;
	if ((n = virNetworkLookupByName(e->conn, name))) {
		virNetworkFree(n);
		eng_err_set(err, ENG_E_FAILED, "a network named '%s' already exists", name);
		return -1;
	}
	s.mode = m->mode;
	if (subnet && !m->needs_subnet) {
		eng_err_set(err, ENG_E_INVALID, "network %s: %s mode has no subnet of its own (--subnet is for nat and hostonly)",
			    name, m->name);
		return -1;
	}
	if (macvtap && !m->needs_uplink) {
		eng_err_set(err, ENG_E_INVALID, "network %s: --macvtap is for bridged mode", name);
		return -1;
	}
	if (uplink && !m->needs_uplink) {
		eng_err_set(err, ENG_E_INVALID, "network %s: --uplink is for bridged mode", name);
		return -1;
	}
	if (m->needs_uplink) {
		if (!uplink) {
			eng_err_set(err, ENG_E_INVALID, "network %s: bridged mode needs --uplink BRIDGE", name);
			return -1;
		}
		if (macvtap) {
			if (e->local && !iface_exists(uplink)) {
				eng_err_set(err, ENG_E_INVALID, "network %s: no interface named '%s' on this host "
					    "for macvtap", name, uplink);
				return -1;
			}
		} else if (e->local && !bridge_exists(uplink)) {
			eng_err_set(err, ENG_E_INVALID, "network %s: no bridge named '%s' on this host "
				    "(create it first, e.g. with 'ip link add %s type bridge')", name, uplink, uplink);
			return -1;
		}
	}
	if (m->needs_subnet) {
		nused = used_subnets(e, used, 64);
		if (subnet) {
			if (net_cidr_parse(subnet, s.subnet, &s.prefix, err) < 0)
				return -1;
			for (size_t i = 0; i < nused; i++)
				if (net_subnets_overlap(s.subnet, s.prefix, used[i], used[i][4])) {
					eng_err_set(err, ENG_E_INVALID, "network %s: subnet %s overlaps %u.%u.%u.%u/%u already in use",
						    name, subnet, used[i][0], used[i][1], used[i][2], used[i][3], used[i][4]);
					return -1;
				}
		} else if (net_subnet_pick((const unsigned char (*)[5])used, nused, s.subnet, err) < 0) {
			return -1;
		}
		s.has_subnet = true;
	}
	if (!(xml = net_xml_build(&s, err)))
		return -1;
	n = virNetworkDefineXML(e->conn, xml);
	free(xml);
	if (!n) {
		eng_err_libvirt(err, "cannot define network %s", name);
		return -1;
	}
	if (virNetworkCreate(n) < 0) {
		eng_err_libvirt(err, "network %s was defined but cannot start (removed again)", name);
		virNetworkUndefine(n);
		virNetworkFree(n);
		return -1;
	}
	virNetworkSetAutostart(n, 1);
	if (made)
		fill_net(e, n, made);
	virNetworkFree(n);
	return 0;
}

int eng_network_uuid(struct eng *e, const char *name, char *out, size_t len)
{
	virNetworkPtr n = virNetworkLookupByName(e->conn, name);
	char u[VIR_UUID_STRING_BUFLEN];
	int ret = -1;

	if (n && virNetworkGetUUIDString(n, u) == 0 && (size_t)snprintf(out, len, "%s", u) < len)
		ret = 0;
	if (n)
		virNetworkFree(n);
	return ret;
}

int eng_network_act(struct eng *e, const char *name, enum eng_net_action act, struct eng_error *err)
{
	static const char *const verbs[] = { [ENG_NET_START] = "start network", [ENG_NET_STOP] = "stop network",
					     [ENG_NET_DELETE] = "delete network" };
	virNetworkPtr n;
	char users[512];
	int ret = -1;

	if (eng_refuse_readonly(e, verbs[act], name, err) < 0)
		return -1;
	if (!(n = net_lookup(e, name, err)))
		return -1;
	if (act != ENG_NET_START && virNetworkIsActive(n) == 1 && guests_on(e, name, users, sizeof(users)) > 0) {
		eng_err_set(err, ENG_E_FAILED, "cannot %s %s: running guests use it (%s)", verbs[act], name, users);
		goto out;
	}
	if (act == ENG_NET_START) {
		if (virNetworkIsActive(n) == 1)
			eng_err_set(err, ENG_E_FAILED, "network %s is already active", name);
		else if (virNetworkCreate(n) < 0)
			eng_err_libvirt(err, "cannot start network %s", name);
		else
			ret = 0;
	} else {
		if (virNetworkIsActive(n) == 1 && virNetworkDestroy(n) < 0)
			eng_err_libvirt(err, "cannot stop network %s", name);
		else if (act == ENG_NET_DELETE && virNetworkIsPersistent(n) == 1 && virNetworkUndefine(n) < 0)
			eng_err_libvirt(err, "cannot delete network %s", name);
		else
			ret = 0;
	}
out:
	virNetworkFree(n);
	return ret;
}

/* <interface type='network'> on net, with mac when known; model only when adding. */
static char *nic_xml(const char *net, const char *mac, bool with_model)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr nic = xmlNewNode(NULL, (const xmlChar *)"interface"), c;

	xmlDocSetRootElement(doc, nic);
	xattr(nic, "type", "network");
	if (mac && mac[0]) {
		c = xnew(nic, "mac", NULL);
		xattr(c, "address", mac);
	}
	c = xnew(nic, "source", NULL);
	xattr(c, "network", net);
	if (with_model) {
		c = xnew(nic, "model", NULL);
		xattr(c, "type", "virtio");
	}
	return xdoc_take(doc);
}

int eng_network_attach(struct eng *e, const char *vm, const char *net, char *mac, size_t len,
		       struct eng_error *err)
{
	virDomainPtr d;
	virNetworkPtr n;
	char *xml;
	int ret = -1;

	if (eng_refuse_readonly(e, "attach a NIC to", vm, err) < 0)
		return -1;
	if (!(n = net_lookup(e, net, err)))
		return -1;
	virNetworkFree(n);
	if (!(d = eng_dom_lookup(e, vm, err)))
		return -1;
	xml = nic_xml(net, mac, true);
	if (!xml || virDomainAttachDeviceFlags(d, xml, eng_affect_flags(d)) < 0)
		eng_err_libvirt(err, "cannot attach %s to network %s", vm, net);
	else
		ret = 0;
	free(xml);
	if (ret == 0 && mac) {
		/* the MAC libvirt chose: the last NIC on that network */
		char *dx = virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE);
		struct xdoc x;
		char path[160];
		snprintf(path, sizeof(path), "/domain/devices/interface[source/@network='%s'][last()]/mac/@address", net);
		if (dx && xdoc_parse(&x, dx) == 0) {
			char *m = xdoc_str(&x, NULL, path);
			snprintf(mac, len, "%s", m ? m : "");
			free(m);
			xdoc_free(&x);
		}
		free(dx);
	}
	virDomainFree(d);
	return ret;
}

int eng_network_detach(struct eng *e, const char *vm, const char *net, struct eng_error *err)
{
	virDomainPtr d;
	char *dx, *mac = NULL, path[160];
	struct xdoc x;
	int ret = -1;

	if (eng_refuse_readonly(e, "detach a NIC from", vm, err) < 0)
		return -1;
	if (eng_name_check("network", net, err) < 0 || !(d = eng_dom_lookup(e, vm, err)))
		return -1;
	dx = virDomainGetXMLDesc(d, virDomainIsActive(d) == 1 ? 0 : VIR_DOMAIN_XML_INACTIVE);
	snprintf(path, sizeof(path), "/domain/devices/interface[source/@network='%s']/mac/@address", net);
	if (dx && xdoc_parse(&x, dx) == 0) {
		mac = xdoc_str(&x, NULL, path);
		xdoc_free(&x);
	}
	free(dx);
	if (!mac) {
		eng_err_set(err, ENG_E_NOT_FOUND, "VM %s has no NIC on network %s", vm, net);
	} else {
		char *xml = nic_xml(net, mac, false);

		if (!xml || virDomainDetachDeviceFlags(d, xml, eng_affect_flags(d)) < 0)
			eng_err_libvirt(err, "cannot detach %s from network %s", vm, net);
		else
			ret = 0;
		free(xml);
	}
	free(mac);
	virDomainFree(d);
	return ret;
}
