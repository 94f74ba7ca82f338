/* forward.c - NAT port forwarding (outside -> VM) on the libvirt host's
 * firewall through libnftables. What is forwarded is kept in each guest's
 * vmdeck metadata (it survives restarts and moves with the guest's config);
 * the firewall is derived from it by eng_forward_sync(), which is run by every
 * forward command, `net start`, and the TUI on lifecycle events, because the
 * guest's address can change and libvirt re-inserts its own rules ahead of
 * ours whenever a network starts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <nftables/libnftables.h>

#include "forward.h"
#include "internal.h"
#include "netcfg.h"
#include "template.h"
#include "xmlutil.h"

#define MAX_RULES 256

/* Runs one libnftables batch; out (optional) gets the JSON output. */
static int nft_run(const char *batch, char **out, struct eng_error *err)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	int rc;

	if (!ctx) {
		eng_err_set(err, ENG_E_FAILED, "port forwarding: cannot open libnftables");
		return -1;
	}
	/* JSON output also makes libnftables read its input as JSON */
	nft_ctx_output_set_flags(ctx, NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_HANDLE);
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	rc = nft_run_cmd_from_buffer(ctx, batch);
	if (rc != 0) {
		const char *e = nft_ctx_get_error_buffer(ctx);
		char line[200];
		snprintf(line, sizeof(line), "%s", e && *e ? e : "nftables refused the rules");
		line[strcspn(line, "\n")] = '\0';
		eng_err_set(err, ENG_E_FAILED, "port forwarding: firewall: %s%s", line,
			    strstr(line, "ermission") || strstr(line, "ot permitted")
				    ? " (needs root on the libvirt host)" : "");
	} else if (out) {
		*out = strdup(nft_ctx_get_output_buffer(ctx));
	}
	nft_ctx_free(ctx);
	return rc == 0 ? 0 : -1;
}

/* The firewall we change is this machine's: refuse connections to other hosts. */
static int check_local(struct eng *e, struct eng_error *err)
{
	const char *type = virConnectGetType(e->conn);

	if (!e->local || !type || strcasecmp(type, "QEMU") != 0) {
		eng_err_set(err, ENG_E_FAILED,
			    "port forwarding changes this machine's firewall: it needs a local qemu connection "
			    "(qemu:///system), not %s", e->uri);
		return -1;
	}
	return 0;
}

/* MAC of the guest's first NIC on network net (live XML when running). */
static int nic_mac_on(virDomainPtr d, const char *net, char mac[18])
{
	char *xml = virDomainGetXMLDesc(d, 0), path[160], *v = NULL;
	struct xdoc x;

	mac[0] = '\0';
	if (xml && xdoc_parse(&x, xml) == 0) {
		snprintf(path, sizeof(path),
			 "/domain/devices/interface[@type='network'][source/@network='%s']/mac/@address", net);
		v = xdoc_str(&x, NULL, path);
		xdoc_free(&x);
	}
	free(xml);
	if (v)
		snprintf(mac, 18, "%s", v);
	free(v);
	return mac[0] ? 0 : -1;
}

/* One forward of guest d as it stands now: its address and why it is stale. */
static void resolve(struct eng *e, virDomainPtr d, const struct meta_forward *m,
		    struct eng_forward *f, struct fwd_rule *r)
{
	struct net_facts nf;
	bool active;
	char mac[18];

	memset(f, 0, sizeof(*f));
	memset(r, 0, sizeof(*r));
	snprintf(f->vm, sizeof(f->vm), "%s", virDomainGetName(d));
	snprintf(f->proto, sizeof(f->proto), "%s", m->proto);
	snprintf(f->network, sizeof(f->network), "%s", m->network);
	f->host_port = m->host_port;
	f->guest_port = m->guest_port;
	snprintf(r->vm, sizeof(r->vm), "%s", f->vm);
	snprintf(r->proto, sizeof(r->proto), "%s", f->proto);
	r->host_port = f->host_port;
	r->guest_port = f->guest_port;

	if (eng_net_facts(e, m->network, &nf, &active) < 0) {
		snprintf(f->why, sizeof(f->why), "network %s no longer exists", m->network);
		return;
	}
	if (!active) {
		snprintf(f->why, sizeof(f->why), "network %s is not running", m->network);
		return;
	}
	if (virDomainIsActive(d) != 1) {
		snprintf(f->why, sizeof(f->why), "%s is not running", f->vm);
		return;
	}
	if (nic_mac_on(d, m->network, mac) < 0) {
		snprintf(f->why, sizeof(f->why), "%s has no NIC on %s any more", f->vm, m->network);
		return;
	}
	struct eng_ifaddr a[ENG_MAX_IPV4 * 2];
	int na = eng_dom_addrs(d, VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE, a, ENG_MAX_IPV4 * 2);
	for (int i = 0; i < na; i++)
		if (strcasecmp(a[i].mac, mac) == 0) {
			snprintf(f->guest_ip, sizeof(f->guest_ip), "%s", a[i].ipv4);
			break;
		}
	if (!f->guest_ip[0]) {
		snprintf(f->why, sizeof(f->why), "%s has no lease on %s yet", f->vm, m->network);
		return;
	}
	snprintf(r->guest_ip, sizeof(r->guest_ip), "%s", f->guest_ip);
	snprintf(r->bridge, sizeof(r->bridge), "%s", nf.bridge);
}

/* Every forward of every guest, resolved. */
static int collect(struct eng *e, struct eng_forward **fo, struct fwd_rule **ro, size_t *n,
		   struct eng_error *err)
{
	virDomainPtr *doms = NULL;
	int nd = virConnectListAllDomains(e->conn, &doms, VIR_CONNECT_LIST_DOMAINS_PERSISTENT);
	struct vmdeck_meta *m = calloc(1, sizeof(*m));
	struct eng_forward *f = calloc(MAX_RULES, sizeof(*f));
	struct fwd_rule *r = calloc(MAX_RULES, sizeof(*r));
	size_t k = 0;

	if (nd < 0 || !m || !f || !r) {
		if (nd < 0)
			eng_err_libvirt(err, "cannot list the guests on %s", e->uri);
		else
			eng_err_set(err, ENG_E_FAILED, "out of memory");
		nd = nd < 0 ? 0 : nd;
		for (int i = 0; i < nd; i++)
			virDomainFree(doms[i]);
		free(doms), free(m), free(f), free(r);
		return -1;
	}
	for (int i = 0; i < nd; i++) {
		if (eng_meta_read(doms[i], m) == 0)
			for (int j = 0; j < m->n_fwd && k < MAX_RULES; j++, k++)
				resolve(e, doms[i], &m->fwd[j], &f[k], &r[k]);
		virDomainFree(doms[i]);
	}
	free(doms);
	free(m);
	*fo = f;
	*ro = r;
	*n = k;
	return 0;
}

/* libvirt's LIBVIRT_FWI: our accepts, first in the chain, for exactly the
 * rules with an address; rewritten only when that is not already so. */
static int sync_filter(const struct fwd_rule *r, size_t n, struct eng_error *err)
{
	static const char list[] =
		"{\"nftables\":[{\"list\":{\"chain\":{\"family\":\"ip\",\"table\":\"filter\",\"name\":\""
		FWD_LIBVIRT_CHAIN "\"}}}]}";
	unsigned long long handles[MAX_RULES];
	char (*have)[128] = calloc(MAX_RULES, 128), *out = NULL, *batch;
	size_t want = 0, same = 0;
	bool at_head;
	int got, rc = 0;

	if (!have)
		return -1;
	/* no such chain: no libvirt firewall (no NAT network ever started) */
	if (nft_run(list, &out, NULL) < 0 || (got = fwd_filter_parse(out, handles, have, MAX_RULES, &at_head)) < 0) {
		free(out);
		free(have);
		return 0;
	}
	free(out);
	for (size_t i = 0; i < n; i++) {
		char c[128];
		if (!r[i].guest_ip[0] || !r[i].bridge[0])
			continue;
		want++;
		fwd_comment(&r[i], c, sizeof(c));
		for (int j = 0; j < got; j++)
			if (strcmp(have[j], c) == 0) {
				same++;
				break;
			}
	}
	if (!at_head || same != want || (size_t)got != want) {
		batch = fwd_filter_batch(r, n, handles, (size_t)got);
		rc = batch ? nft_run(batch, NULL, err) : -1;
		free(batch);
	}
	free(have);
	return rc;
}

/* vmdeck's table already holds exactly these rules (each in prerouting and
 * output): a sync that changes nothing writes nothing, as the TUI syncs on
 * every refresh of its networks view. */
static bool nat_current(const struct fwd_rule *r, size_t n, size_t live)
{
	static const char list[] =
		"{\"nftables\":[{\"list\":{\"table\":{\"family\":\"ip\",\"name\":\"" FWD_TABLE "\"}}}]}";
	unsigned long long handles[MAX_RULES];
	char (*have)[128] = calloc(MAX_RULES, 128), *out = NULL;
	bool at_head, same = false;
	int got;

	if (have && nft_run(list, &out, NULL) == 0 &&
	    (got = fwd_filter_parse(out, handles, have, MAX_RULES, &at_head)) >= 0 && (size_t)got == 2 * live) {
		same = true;
		for (size_t i = 0; i < n && same; i++) {
			char c[128];
			int seen = 0;
			if (!r[i].guest_ip[0])
				continue;
			fwd_comment(&r[i], c, sizeof(c));
			for (int j = 0; j < got; j++)
				seen += strcmp(have[j], c) == 0;
			same = seen == 2;
		}
	}
	free(out);
	free(have);
	return same;
}

static int apply(const struct fwd_rule *r, size_t n, struct eng_error *err)
{
	size_t live = 0;
	char *batch;
	int rc;

	for (size_t i = 0; i < n; i++)
		live += r[i].guest_ip[0] != '\0';
	if (live == 0) {
		/* nothing to forward: drop our table if there is one, never create it */
		static const char del[] =
			"{\"nftables\":[{\"delete\":{\"table\":{\"family\":\"ip\",\"name\":\"" FWD_TABLE "\"}}}]}";
		nft_run(del, NULL, NULL);
	} else if (!nat_current(r, n, live)) {
		if (!(batch = fwd_nat_batch(r, n)))
			return -1;
		rc = nft_run(batch, NULL, err);
		free(batch);
		if (rc < 0)
			return -1;
	}
	return sync_filter(r, n, err);
}

/* the firewall from the metadata, under eng_meta_lock: two vmdecks never
 * apply rule sets read before each other's change */
static int sync_locked(struct eng *e, struct eng_forward **out, size_t *n, struct eng_error *err)
{
	struct eng_forward *f;
	struct fwd_rule *r;
	size_t k;

	if (check_local(e, err) < 0 || collect(e, &f, &r, &k, err) < 0)
		return -1;
	if (!e->readonly && apply(r, k, err) < 0) {
		free(f);
		free(r);
		return -1;
	}
	for (size_t i = 0; i < k; i++)
		f[i].active = !e->readonly && f[i].guest_ip[0];
	free(r);
	if (out) {
		*out = f;
		*n = k;
	} else {
		free(f);
	}
	return 0;
}

int eng_forward_sync(struct eng *e, struct eng_forward **out, size_t *n, struct eng_error *err)
{
	int rc;

	eng_meta_lock(e);
	rc = sync_locked(e, out, n, err);
	eng_meta_unlock(e);
	return rc;
}

/* The guest's first NIC on a NAT network (forwarding is for NAT: bridged
 * guests are reachable as they are, host-only and internal never from outside). */
static int nat_network_of(struct eng *e, virDomainPtr d, char *net, size_t len, struct eng_error *err)
{
	char *xml = virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE);
	struct xdoc x;
	xmlXPathObjectPtr o = NULL;
	int found = -1;

	if (xml && xdoc_parse(&x, xml) == 0) {
		o = xdoc_nodes(&x, NULL, "/domain/devices/interface[@type='network']/source/@network");
		for (int i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr && found < 0; i++) {
			xmlChar *name = xmlNodeGetContent(o->nodesetval->nodeTab[i]);
			struct net_facts nf;
			bool active;
			if (eng_net_facts(e, (const char *)name, &nf, &active) == 0 && nf.mode == NET_NAT) {
				snprintf(net, len, "%s", (const char *)name);
				found = 0;
			}
			xmlFree(name);
		}
		xmlXPathFreeObject(o);
		xdoc_free(&x);
	}
	free(xml);
	if (found < 0)
		eng_err_set(err, ENG_E_FAILED,
			    "%s has no NIC on a NAT network: port forwarding is for NAT (a bridged guest is "
			    "reachable as it is; host-only and internal ones never from outside)",
			    virDomainGetName(d));
	return found;
}

int eng_forward_add(struct eng *e, const char *vm, unsigned host_port, unsigned guest_port,
		    const char *proto, struct eng_forward *made, struct eng_error *err)
{
	struct eng_forward *all = NULL;
	struct fwd_rule *rules = NULL, want = { 0 };
	struct vmdeck_meta *m = NULL;
	char net[ENG_NAME_MAX + 1];
	virDomainPtr d = NULL;
	size_t n = 0;
	int ret = -1, rc;

	proto = proto ? proto : "tcp";
	if (fwd_proto_check(proto, err) < 0 || eng_refuse_readonly(e, "forward a port to", vm, err) < 0 ||
	    check_local(e, err) < 0 || !(d = eng_dom_lookup(e, vm, err)))
		return -1;
	if (virDomainIsPersistent(d) != 1) {
		eng_err_set(err, ENG_E_FAILED, "%s is transient: its forwards would vanish with it", vm);
		goto out;
	}
	snprintf(want.vm, sizeof(want.vm), "%s", vm);
	snprintf(want.proto, sizeof(want.proto), "%s", proto);
	want.host_port = host_port;
	want.guest_port = guest_port;
	if (!(m = calloc(1, sizeof(*m))) || nat_network_of(e, d, net, sizeof(net), err) < 0)
		goto out;
	/* the clash check and the write under one lock: two vmdecks adding at
	 * once neither lose a forward nor both take one host port */
	eng_meta_lock(e);
	if (collect(e, &all, &rules, &n, err) < 0 || fwd_conflict(rules, n, &want, err) < 0) {
		eng_meta_unlock(e);
		goto out;
	}
	if (eng_meta_read(d, m) < 0 || m->n_fwd >= META_MAX_FORWARDS) {
		eng_meta_unlock(e);
		eng_err_set(err, ENG_E_FAILED, "%s: cannot add a forward (%d at most per guest)", vm,
			    META_MAX_FORWARDS);
		goto out;
	}
	struct meta_forward *f = &m->fwd[m->n_fwd++];
	snprintf(f->proto, sizeof(f->proto), "%s", proto);
	snprintf(f->network, sizeof(f->network), "%s", net);
	f->host_port = host_port;
	f->guest_port = guest_port;
	if (eng_meta_write(d, m) < 0) {
		eng_meta_unlock(e);
		eng_err_libvirt(err, "%s: cannot record the forward", vm);
		goto out;
	}
	free(all);
	all = NULL;
	rc = sync_locked(e, &all, &n, err);
	eng_meta_unlock(e);
	if (rc < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (strcmp(all[i].vm, vm) == 0 && all[i].host_port == host_port &&
		    strcmp(all[i].proto, proto) == 0 && made)
			*made = all[i];
	ret = 0;
out:
	free(all);
	free(rules);
	free(m);
	if (d)
		virDomainFree(d);
	return ret;
}

int eng_forward_delete(struct eng *e, const char *vm, unsigned host_port, const char *proto,
		       struct eng_error *err)
{
	struct vmdeck_meta *m = NULL;
	virDomainPtr d = NULL;
	int ret = -1, dropped = 0;

	if (fwd_proto_check(proto, err) < 0 || eng_refuse_readonly(e, "delete a forward of", vm, err) < 0 ||
	    check_local(e, err) < 0 || !(d = eng_dom_lookup(e, vm, err)) || !(m = calloc(1, sizeof(*m))))
		goto out;
	eng_meta_lock(e);
	if (eng_meta_read(d, m) == 0)
		for (int i = 0; i < m->n_fwd; i++)
			if (m->fwd[i].host_port == host_port && (!proto || strcmp(m->fwd[i].proto, proto) == 0)) {
				memmove(&m->fwd[i], &m->fwd[i + 1], sizeof(m->fwd[0]) * (size_t)(m->n_fwd - i - 1));
				m->n_fwd--;
				i--;
				dropped++;
			}
	if (dropped && eng_meta_write(d, m) < 0) {
		eng_meta_unlock(e);
		eng_err_libvirt(err, "%s: cannot record the change", vm);
		goto out;
	}
	if (!dropped) {
		eng_meta_unlock(e);
		eng_err_set(err, ENG_E_NOT_FOUND, "%s has no forward of host port %u%s%s", vm, host_port,
			    proto ? "/" : "", proto ? proto : "");
		goto out;
	}
	ret = sync_locked(e, NULL, NULL, err);
	eng_meta_unlock(e);
out:
	free(m);
	if (d)
		virDomainFree(d);
	return ret;
}
