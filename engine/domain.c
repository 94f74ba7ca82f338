/* domain.c - looking guests up, listing them, and reading their details. */
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "xmlutil.h"

static const char *const state_names[] = {
	[ENG_ST_RUNNING] = "running",
	[ENG_ST_PAUSED] = "paused",
	[ENG_ST_SHUTOFF] = "shutoff",
	[ENG_ST_CRASHED] = "crashed",
	[ENG_ST_PMSUSPENDED] = "pmsuspended",
	[ENG_ST_OTHER] = "other",
};

const char *eng_state_name(enum eng_state s)
{
	return s <= ENG_ST_OTHER ? state_names[s] : "other";
}

enum eng_state eng_state_from_libvirt(int st)
{
	switch (st) {
	case VIR_DOMAIN_RUNNING: return ENG_ST_RUNNING;
	case VIR_DOMAIN_BLOCKED: return ENG_ST_RUNNING;   /* idle vCPUs: still running */
	case VIR_DOMAIN_PAUSED: return ENG_ST_PAUSED;
	case VIR_DOMAIN_SHUTDOWN: return ENG_ST_RUNNING;  /* shutting down, not yet off */
	case VIR_DOMAIN_SHUTOFF: return ENG_ST_SHUTOFF;
	case VIR_DOMAIN_CRASHED: return ENG_ST_CRASHED;
	case VIR_DOMAIN_PMSUSPENDED: return ENG_ST_PMSUSPENDED;
	default: return ENG_ST_OTHER;
	}
}

virDomainPtr eng_dom_lookup(struct eng *e, const char *name, struct eng_error *err)
{
	virDomainPtr d;

	if (eng_name_lookup_check("VM", name, err) < 0)
		return NULL;
	d = virDomainLookupByName(e->conn, name);
	if (!d) {
		virErrorPtr le = virGetLastError();
		if (!le || le->code == VIR_ERR_NO_DOMAIN)
			eng_err_set(err, ENG_E_NOT_FOUND, "no VM named '%s'", name);
		else
			eng_err_libvirt(err, "VM %s", name);
	}
	return d;
}

bool eng_domain_exists(struct eng *e, const char *name)
{
	virDomainPtr d = virDomainLookupByName(e->conn, name);

	if (!d)
		return false;
	virDomainFree(d);
	return true;
}

int eng_domain_state(struct eng *e, const char *name, enum eng_state *st,
		     struct eng_error *err)
{
	virDomainPtr d = eng_dom_lookup(e, name, err);
	int s, reason, ret = -1;

	if (!d)
		return -1;
	if (virDomainGetState(d, &s, &reason, 0) < 0)
		eng_err_libvirt(err, "VM %s: cannot read its state", name);
	else {
		*st = eng_state_from_libvirt(s);
		ret = 0;
	}
	virDomainFree(d);
	return ret;
}

static void fill_summary(virDomainPtr d, bool with_ip, struct eng_dom_summary *s)
{
	virDomainInfo info;
	int autostart = 0;

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", virDomainGetName(d));
	virDomainGetUUIDString(d, s->uuid);
	if (virDomainGetInfo(d, &info) == 0) {
		s->state = eng_state_from_libvirt(info.state);
		s->cpus = info.nrVirtCpu;
		s->memory_mib = (s->state == ENG_ST_SHUTOFF ? info.maxMem : info.memory) / 1024;
		s->cpu_time_ns = info.cpuTime;
	} else {
		s->state = ENG_ST_OTHER;
	}
	if (s->state == ENG_ST_SHUTOFF) {
		/* GetInfo's memory is the maximum when off; show the configured current size */
		unsigned long long cur = 0;
		char *xml = virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE);
		struct xdoc x;
		if (xml && xdoc_parse(&x, xml) == 0) {
			cur = xdoc_mem_mib(&x, "/domain/currentMemory");
			xdoc_free(&x);
		}
		free(xml);
		if (cur)
			s->memory_mib = cur;
	}
	virDomainGetAutostart(d, &autostart);
	s->autostart = autostart;
	s->persistent = virDomainIsPersistent(d) == 1;
	if (with_ip && s->state == ENG_ST_RUNNING) {
		struct eng_ifaddr a[ENG_MAX_IPV4];
		int n = eng_dom_addrs(d, VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE, a, ENG_MAX_IPV4);
		for (int i = 0; i < n; i++)
			snprintf(s->ipv4[s->n_ipv4++], 16, "%s", a[i].ipv4);
	}
}

/* Each guest's summary is a few calls; over a remote link each is a round
 * trip, so there they run on a few threads at once (libvirt's remote client
 * multiplexes calls on one connection): 20 guests 50 ms away take a handful
 * of round trips, not 80. Local calls are microseconds: no threads. */
#define FILL_THREADS 8

struct fill_work {
	virDomainPtr *doms;
	struct eng_dom_summary *list;
	int count;
	bool with_ip;
	int next;
	pthread_mutex_t lock;
};

static void *fill_main(void *p)
{
	struct fill_work *w = p;

	for (;;) {
		int i;
		pthread_mutex_lock(&w->lock);
		i = w->next++;
		pthread_mutex_unlock(&w->lock);
		if (i >= w->count)
			return NULL;
		fill_summary(w->doms[i], w->with_ip, &w->list[i]);
	}
}

static void fill_all(struct eng *e, virDomainPtr *doms, int count, bool with_ip, struct eng_dom_summary *list)
{
	struct fill_work w = { .doms = doms, .list = list, .count = count, .with_ip = with_ip };
	pthread_t t[FILL_THREADS];
	int started = 0;

	if (e->local || count < 2) {
		for (int i = 0; i < count; i++)
			fill_summary(doms[i], with_ip, &list[i]);
		return;
	}
	pthread_mutex_init(&w.lock, NULL);
	for (int k = 0; k < FILL_THREADS && k < count; k++)
		if (pthread_create(&t[started], NULL, fill_main, &w) == 0)
			started++;
	fill_main(&w);   /* this thread too (and all of it if none started) */
	for (int k = 0; k < started; k++)
		pthread_join(t[k], NULL);
	pthread_mutex_destroy(&w.lock);
}

unsigned eng_affect_flags(virDomainPtr d)
{
	return (virDomainIsActive(d) == 1 ? VIR_DOMAIN_AFFECT_LIVE : 0) |
	       (virDomainIsPersistent(d) == 1 ? VIR_DOMAIN_AFFECT_CONFIG : 0);
}

double eng_cpu_pct(unsigned long long prev_ns, unsigned long long cur_ns,
		   unsigned long long wall_ns, unsigned vcpus)
{
	double pct;

	if (cur_ns < prev_ns || wall_ns == 0 || vcpus == 0)
		return 0;
	pct = 100.0 * (double)(cur_ns - prev_ns) / ((double)wall_ns * vcpus);
	return pct > 100.0 ? 100.0 : pct;
}

static int cmp_summary(const void *a, const void *b)
{
	return strcmp(((const struct eng_dom_summary *)a)->name,
		      ((const struct eng_dom_summary *)b)->name);
}

int eng_domain_list(struct eng *e, bool all, bool with_ip,
		    struct eng_dom_summary **out, size_t *n, struct eng_error *err)
{
	virDomainPtr *doms = NULL;
	unsigned flags = all ? 0 : VIR_CONNECT_LIST_DOMAINS_ACTIVE;
	int count = virConnectListAllDomains(e->conn, &doms, flags);
	struct eng_dom_summary *list;

	if (count < 0) {
		eng_err_libvirt(err, "cannot list VMs on %s", e->uri);
		return -1;
	}
	list = calloc((size_t)count + 1, sizeof(*list));
	if (list)
		fill_all(e, doms, count, with_ip, list);
	for (int i = 0; i < count; i++)
		virDomainFree(doms[i]);
	free(doms);
	if (!list) {
		eng_err_set(err, ENG_E_FAILED, "out of memory");
		return -1;
	}
	qsort(list, (size_t)count, sizeof(*list), cmp_summary);
	*out = list;
	*n = (size_t)count;
	return 0;
}

/* ---- info ---- */

static char *xstr_at(struct xdoc *x, xmlNodePtr n, const char *p)
{
	return xdoc_str(x, n, p);
}

static void read_disks(struct eng *e, struct xdoc *x, struct eng_dom_info *i)
{
	xmlXPathObjectPtr o = xdoc_nodes(x, NULL, "/domain/devices/disk");
	int n = o && o->nodesetval ? o->nodesetval->nodeNr : 0;

	i->disks = calloc((size_t)n + 1, sizeof(*i->disks));
	for (int k = 0; i->disks && k < n; k++) {
		xmlNodePtr node = o->nodesetval->nodeTab[k];
		struct eng_disk *d = &i->disks[i->n_disks++];
		virStorageVolPtr vol;

		d->target = xstr_at(x, node, "target/@dev");
		d->device = xstr_at(x, node, "@device");
		d->bus = xstr_at(x, node, "target/@bus");
		d->format = xstr_at(x, node, "driver/@type");
		d->source = xstr_at(x, node, "source/@file");
		if (!d->source)
			d->source = xstr_at(x, node, "source/@dev");
		d->backing = xstr_at(x, node, "backingStore/source/@file");
		if (d->source && (vol = virStorageVolLookupByPath(e->conn, d->source))) {
			virStorageVolInfo vi;
			if (virStorageVolGetInfo(vol, &vi) == 0) {
				d->capacity = vi.capacity;
				d->allocation = vi.allocation;
			}
			/* a shut-off guest's XML has no backing chain: the volume knows it */
			if (!d->backing) {
				char *vxml = virStorageVolGetXMLDesc(vol, 0);
				struct xdoc vx;
				if (vxml && xdoc_parse(&vx, vxml) == 0) {
					d->backing = xdoc_str(&vx, NULL, "/volume/backingStore/path");
					xdoc_free(&vx);
				}
				free(vxml);
			}
			virStorageVolFree(vol);
		}
	}
	xmlXPathFreeObject(o);
}

/* Addresses per NIC, each from the first source that knows it: the DHCP
 * lease (nat, host-only), then the guest agent (internal networks, static
 * addresses, bridged LANs), then the host's ARP table. */
static void nic_addresses(virDomainPtr dom, struct eng_dom_info *i)
{
	static const unsigned sources[] = { VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE,
					    VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT,
					    VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP };

	for (size_t s = 0; s < sizeof(sources) / sizeof(sources[0]); s++) {
		struct eng_ifaddr a[ENG_MAX_IPV4 * 2];
		size_t missing = 0;
		int na;

		for (size_t k = 0; k < i->n_nics; k++)
			missing += i->nics[k].n_ipv4 == 0 && i->nics[k].mac;
		if (!missing)
			return;
		if (sources[s] == VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT && !i->has_agent_channel)
			continue;
		na = eng_dom_addrs(dom, sources[s], a, ENG_MAX_IPV4 * 2);
		for (size_t k = 0; k < i->n_nics; k++) {
			struct eng_nic *nic = &i->nics[k];
			if (nic->n_ipv4 || !nic->mac)
				continue;
			for (int j = 0; j < na; j++)
				if (strcasecmp(a[j].mac, nic->mac) == 0 && nic->n_ipv4 < ENG_MAX_IPV4)
					snprintf(nic->ipv4[nic->n_ipv4++], 16, "%s", a[j].ipv4);
		}
	}
}

static void read_nics(struct xdoc *x, virDomainPtr dom, struct eng_dom_info *i)
{
	xmlXPathObjectPtr o = xdoc_nodes(x, NULL, "/domain/devices/interface");
	int n = o && o->nodesetval ? o->nodesetval->nodeNr : 0;

	i->nics = calloc((size_t)n + 1, sizeof(*i->nics));
	for (int k = 0; i->nics && k < n; k++) {
		xmlNodePtr node = o->nodesetval->nodeTab[k];
		struct eng_nic *nic = &i->nics[i->n_nics++];

		nic->mac = xstr_at(x, node, "mac/@address");
		nic->type = xstr_at(x, node, "@type");
		nic->network = xstr_at(x, node, "source/@network");
		if (!nic->network)
			nic->network = xstr_at(x, node, "source/@bridge");
		nic->model = xstr_at(x, node, "model/@type");
	}
	xmlXPathFreeObject(o);
	if (i->s.state == ENG_ST_RUNNING && i->n_nics > 0)
		nic_addresses(dom, i);
}

int eng_domain_info(struct eng *e, const char *name, struct eng_dom_info *i,
		    struct eng_error *err)
{
	virDomainPtr d;
	char *live = NULL, *conf = NULL;
	struct xdoc xl = { 0 }, xc = { 0 };
	int ret = -1, v;
	int has_ms;

	memset(i, 0, sizeof(*i));
	if (!(d = eng_dom_lookup(e, name, err)))
		return -1;
	fill_summary(d, true, &i->s);
	live = virDomainGetXMLDesc(d, 0);
	conf = virDomainIsPersistent(d) == 1 ? virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE)
					     : NULL;
	if (!live || xdoc_parse(&xl, live) < 0 || (conf && xdoc_parse(&xc, conf) < 0)) {
		eng_err_libvirt(err, "VM %s: cannot read its configuration", name);
		goto out;
	}
	{
		struct xdoc *xcfg = conf ? &xc : &xl;
		bool running = i->s.state != ENG_ST_SHUTOFF;

		i->cpus_max = (unsigned)xdoc_ull(xcfg, NULL, "/domain/vcpu", 1);
		i->cpus_config = (unsigned)xdoc_ull(xcfg, NULL, "/domain/vcpu/@current", i->cpus_max);
		i->cpus_live = running ? (unsigned)xdoc_ull(&xl, NULL, "/domain/vcpu/@current",
							     xdoc_ull(&xl, NULL, "/domain/vcpu", 1))
				       : i->cpus_config;
		if (running && (v = virDomainGetVcpusFlags(d, VIR_DOMAIN_AFFECT_LIVE)) > 0)
			i->cpus_live = (unsigned)v;
		i->mem_max_mib = xdoc_mem_mib(xcfg, "/domain/memory");
		i->mem_config_mib = xdoc_mem_mib(xcfg, "/domain/currentMemory");
		i->mem_live_mib = running ? xdoc_mem_mib(&xl, "/domain/currentMemory")
					  : i->mem_config_mib;
		if (running) {
			virDomainInfo di;
			if (virDomainGetInfo(d, &di) == 0 && di.memory)
				i->mem_live_mib = di.memory / 1024;
		}
		i->virt_type = xdoc_str(&xl, NULL, "/domain/@type");
		i->os_type = xdoc_str(&xl, NULL, "/domain/os/type");
		{
			/* as defined: firmware='efi' (libvirt picks OVMF), or a pflash loader */
			char *fw = xdoc_str(xcfg, NULL, "/domain/os/@firmware");
			char *lt = xdoc_str(xcfg, NULL, "/domain/os/loader/@type");
			bool uefi = (fw && strcmp(fw, "efi") == 0) || (lt && strcmp(lt, "pflash") == 0);
			i->firmware = strdup(uefi ? "uefi" : "bios");
			free(fw);
			free(lt);
		}
		i->kernel = xdoc_str(&xl, NULL, "/domain/os/kernel");
		{
			char *ch = xdoc_str(&xl, NULL,
					    "/domain/devices/channel/target[@name='org.qemu.guest_agent.0']/@name");
			i->has_agent_channel = ch != NULL;
			free(ch);
		}
		read_disks(e, &xl, i);
		read_nics(&xl, d, i);
	}
	v = virDomainSnapshotNum(d, 0);
	i->n_snapshots = v > 0 ? v : 0;
	if (i->n_snapshots > 0) {
		virDomainSnapshotPtr cur = virDomainSnapshotCurrent(d, 0);
		if (cur) {
			i->current_snapshot = strdup(virDomainSnapshotGetName(cur));
			virDomainSnapshotFree(cur);
		}
	}
	has_ms = virDomainHasManagedSaveImage(d, 0);
	i->managed_save = has_ms == 1;
	eng_err_clear(err);
	ret = 0;
out:
	xdoc_free(&xl);
	xdoc_free(&xc);
	free(live);
	free(conf);
	virDomainFree(d);
	return ret;
}

void eng_dom_info_free(struct eng_dom_info *i)
{
	for (size_t k = 0; k < i->n_disks; k++) {
		free(i->disks[k].target);
		free(i->disks[k].device);
		free(i->disks[k].bus);
		free(i->disks[k].format);
		free(i->disks[k].source);
		free(i->disks[k].backing);
	}
	for (size_t k = 0; k < i->n_nics; k++) {
		free(i->nics[k].mac);
		free(i->nics[k].type);
		free(i->nics[k].network);
		free(i->nics[k].model);
	}
	free(i->disks);
	free(i->nics);
	free(i->virt_type);
	free(i->os_type);
	free(i->firmware);
	free(i->kernel);
	free(i->current_snapshot);
	memset(i, 0, sizeof(*i));
}
