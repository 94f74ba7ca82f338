/* host.c - what `host` reports: hypervisor, versions, acceleration, CPUs, memory,
 * and whether what a first guest needs is there (pool, default network, UEFI). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "storage.h"
#include "xmlutil.h"

static void version_string(unsigned long v, char *buf, size_t len)
{
	snprintf(buf, len, "%lu.%lu.%lu", v / 1000000, (v / 1000) % 1000, v % 1000);
}

/* libvirt picks the firmware itself (<os firmware='efi'>) from the descriptors
 * Debian's ovmf package installs; its domain capabilities list 'efi' then. */
bool eng_uefi_available(struct eng *e)
{
	char *xml = virConnectGetDomainCapabilities(e->conn, NULL, "x86_64", NULL,
						    e->accel.virt_type, 0);
	struct xdoc x;
	bool yes = false;

	if (xml && xdoc_parse(&x, xml) == 0) {
		xmlXPathObjectPtr o = xdoc_nodes(&x, NULL, "/domainCapabilities/os/enum[@name='firmware']/value[.='efi']");
		yes = o && o->nodesetval && o->nodesetval->nodeNr > 0;
		xmlXPathFreeObject(o);
		xdoc_free(&x);
	}
	free(xml);
	return yes;
}

static void pool_facts(struct eng *e, struct eng_host *h)
{
	virStoragePoolPtr p = virStoragePoolLookupByName(e->conn, ENG_POOL_NAME);
	virStoragePoolInfo pi;
	char *xml, *path = NULL;
	struct xdoc x;

	if (!p)
		return;
	h->pool_exists = true;
	h->pool_active = virStoragePoolIsActive(p) == 1;
	if (h->pool_active && virStoragePoolGetInfo(p, &pi) == 0) {
		h->pool_capacity = pi.capacity;
		h->pool_available = pi.available;
	}
	if ((xml = virStoragePoolGetXMLDesc(p, 0)) && xdoc_parse(&x, xml) == 0) {
		path = xdoc_str(&x, NULL, "/pool/target/path");
		xdoc_free(&x);
	}
	snprintf(h->pool_path, sizeof(h->pool_path), "%s", path ? path : "");
	free(path);
	free(xml);
	virStoragePoolFree(p);
}

static void default_net_facts(struct eng *e, struct eng_host *h)
{
	virNetworkPtr n = virNetworkLookupByName(e->conn, "default");

	if (!n)
		return;
	h->default_net_exists = true;
	h->default_net_active = virNetworkIsActive(n) == 1;
	virNetworkFree(n);
}

/* The host's memory, for `host`, the resource checks, the wizard and the
 * monitor alike. virNodeGetInfo reports one NUMA node's memory on some hosts
 * (measured: 5.2 GiB of a 24 GiB machine, where virNodeGetMemoryStats and
 * /proc/meminfo say 24): the larger of the two totals is the machine's.
 * Free is what guests can have: free + buffers + page cache (reclaimable). */
int eng_host_memory(struct eng *e, unsigned long long *total_kib, unsigned long long *free_kib)
{
	virNodeInfo ni;
	virNodeMemoryStatsPtr ms = NULL;
	unsigned long long stats_total = 0, stats_free = 0;
	int n = 0;
	bool have_free = false;

	*total_kib = *free_kib = 0;
	if (virNodeGetInfo(e->conn, &ni) < 0)
		return -1;
	*total_kib = ni.memory;
	if (virNodeGetMemoryStats(e->conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, NULL, &n, 0) == 0 && n > 0 &&
	    (ms = calloc((size_t)n, sizeof(*ms))) &&
	    virNodeGetMemoryStats(e->conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, ms, &n, 0) == 0) {
		for (int i = 0; i < n; i++) {
			if (strcmp(ms[i].field, VIR_NODE_MEMORY_STATS_TOTAL) == 0)
				stats_total = ms[i].value;
			else if (strcmp(ms[i].field, VIR_NODE_MEMORY_STATS_FREE) == 0 ||
				 strcmp(ms[i].field, VIR_NODE_MEMORY_STATS_BUFFERS) == 0 ||
				 strcmp(ms[i].field, VIR_NODE_MEMORY_STATS_CACHED) == 0) {
				stats_free += ms[i].value;
				have_free = true;
			}
		}
	}
	free(ms);
	if (stats_total > *total_kib)
		*total_kib = stats_total;
	if (have_free) {
		*free_kib = stats_free;
	} else {
		unsigned long long b = virNodeGetFreeMemory(e->conn);
		*free_kib = b / 1024;
	}
	if (*free_kib > *total_kib)
		*free_kib = *total_kib;
	return 0;
}

int eng_host_info(struct eng *e, struct eng_host *h, struct eng_error *err)
{
	virNodeInfo ni;
	unsigned long hv = 0, lv = 0;
	const char *type;
	char *hn;

	memset(h, 0, sizeof(*h));
	if (virNodeGetInfo(e->conn, &ni) < 0) {
		eng_err_libvirt(err, "cannot read host information from %s", e->uri);
		return -1;
	}
	h->cpus = ni.cpus;
	eng_host_memory(e, &h->mem_total_kib, &h->mem_free_kib);
	snprintf(h->cpu_model, sizeof(h->cpu_model), "%s", ni.model);
	type = virConnectGetType(e->conn);
	snprintf(h->hypervisor, sizeof(h->hypervisor), "%s", type ? type : "?");
	if (virConnectGetVersion(e->conn, &hv) == 0)
		version_string(hv, h->hv_version, sizeof(h->hv_version));
	if (virConnectGetLibVersion(e->conn, &lv) == 0)
		version_string(lv, h->lv_version, sizeof(h->lv_version));
	if ((hn = virConnectGetHostname(e->conn))) {
		snprintf(h->hostname, sizeof(h->hostname), "%s", hn);
		free(hn);
	}
	snprintf(h->uri, sizeof(h->uri), "%s", e->uri);
	h->accel = e->accel;
	pool_facts(e, h);
	default_net_facts(e, h);
	h->uefi = strcmp(e->accel.virt_type, "test") != 0 && eng_uefi_available(e);
	return 0;
}

int eng_host_setup(struct eng *e, char *done, size_t len, struct eng_error *err)
{
	struct eng_host h = { 0 };
	char path[1024];
	size_t used;

	done[0] = '\0';
	if (eng_refuse_readonly(e, "set up", "the host", err) < 0)
		return -1;
	pool_facts(e, &h);
	default_net_facts(e, &h);
	if (!h.pool_exists || !h.pool_active) {
		if (eng_pool_ensure(e, path, sizeof(path), err) < 0)
			return -1;
		snprintf(done, len, "%s storage pool %s at %s", h.pool_exists ? "started" : "created",
			 ENG_POOL_NAME, path);
	}
	used = strlen(done);
	if (!h.default_net_exists) {
		struct eng_net made;
		if (eng_network_create(e, "default", "nat", NULL, NULL, false, &made, err) < 0)
			return -1;
		snprintf(done + used, len - used, "%screated NAT network default (%s)", used ? "; " : "",
			 made.subnet);
	} else if (!h.default_net_active) {
		if (eng_network_act(e, "default", ENG_NET_START, err) < 0)
			return -1;
		snprintf(done + used, len - used, "%sstarted network default", used ? "; " : "");
	}
	return 0;
}

/* two list calls, whatever the number of guests: over a remote link every
 * per-guest call is a round trip (the hosts view asks every second) */
int eng_host_load(struct eng *e, struct eng_host_load *l, struct eng_error *err)
{
	virNodeInfo ni;
	unsigned long lv = 0;
	int all, running;

	memset(l, 0, sizeof(*l));
	if (virNodeGetInfo(e->conn, &ni) < 0) {
		eng_err_libvirt(err, "cannot read the host's resources on %s", e->uri);
		return -1;
	}
	l->cpus = ni.cpus;
	eng_host_memory(e, &l->mem_total_kib, &l->mem_free_kib);
	if (virConnectGetLibVersion(e->conn, &lv) == 0)
		version_string(lv, l->lv_version, sizeof(l->lv_version));
	l->accel = e->accel.accel;
	if ((all = virConnectListAllDomains(e->conn, NULL, 0)) < 0 ||
	    (running = virConnectListAllDomains(e->conn, NULL, VIR_CONNECT_LIST_DOMAINS_ACTIVE)) < 0) {
		eng_err_libvirt(err, "cannot list VMs on %s", e->uri);
		return -1;
	}
	l->guests = (unsigned)all;
	l->running = (unsigned)running;
	return 0;
}
