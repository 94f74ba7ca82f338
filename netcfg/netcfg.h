/* netcfg.h - the four network modes as data: mode -> libvirt network XML,
 * the reachability users expect of each, mode inference from XML, subnet
 * choice. Pure functions (libxml2 only), no libvirt calls. */
#ifndef VMDECK_NETCFG_H
#define VMDECK_NETCFG_H

#include <stdbool.h>
#include <stddef.h>

#include "base.h"

enum net_mode { NET_NAT, NET_BRIDGED, NET_HOSTONLY, NET_INTERNAL, NET_OTHER };

struct net_mode_def {
	enum net_mode mode;
	const char *name;          /* nat, bridged, hostonly, internal */
	const char *summary;
	bool needs_subnet;         /* host IP + DHCP */
	bool needs_uplink;
	/* what users expect: VM->host, VM<->VM, VM->outside, outside->VM */
	const char *reach[4];
};

extern const char *const net_reach_labels[4];
extern const char *const net_reach_keys[4];   /* the same cells in JSON */
const struct net_mode_def *net_mode_find(const char *name);
const struct net_mode_def *net_mode_get(enum net_mode m);

struct net_spec {
	const char *name;
	enum net_mode mode;
	unsigned char subnet[4];   /* network address, /24 */
	unsigned prefix;
	const char *uplink;        /* bridged: the host bridge (macvtap: the interface) */
	bool macvtap;              /* bridged: guests on a macvtap of uplink, no bridge */
	bool has_subnet;
	const char *uuid;          /* NULL: libvirt makes one (a lab's networks carry the lab's) */
};

/* "192.168.50.0/24" -> spec->subnet/prefix; only /16../29 networks. */
int net_cidr_parse(const char *text, unsigned char addr[4], unsigned *prefix, struct eng_error *err);
/* First free 192.168.X.0/24 (X from 100) that overlaps none of used[]. */
int net_subnet_pick(const unsigned char (*used)[5], size_t n, unsigned char out[4],
		    struct eng_error *err);
bool net_subnets_overlap(const unsigned char a[4], unsigned pa, const unsigned char b[4], unsigned pb);
char *net_xml_build(const struct net_spec *s, struct eng_error *err);

/* From a network's XML: mode, bridge, subnet ("a.b.c.d/p" or ""). */
struct net_facts {
	enum net_mode mode;
	char bridge[64];
	char subnet[32];
	unsigned char addr[4];
	unsigned prefix;
	char host_ip[16];          /* the host's address on it, "" when none */
};
int net_xml_facts(const char *xml, struct net_facts *f);

/* What users expect of reachability cell (0..3, as net_reach_labels) in mode
 * m: 1 yes, 0 no, -1 unknown (NET_OTHER). NAT's outside -> VM is yes only
 * through a port forward. */
int net_reach_expected(enum net_mode m, int cell, bool has_forward);

#endif
