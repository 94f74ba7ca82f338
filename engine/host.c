/* host.c - what `host` reports: hypervisor, versions, acceleration, CPUs, memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void version_string(unsigned long v, char *buf, size_t len)
{
	snprintf(buf, len, "%lu.%lu.%lu", v / 1000000, (v / 1000) % 1000, v % 1000);
}

int eng_host_info(struct eng *e, struct eng_host *h, struct eng_error *err)
{
	virNodeInfo ni;
	unsigned long hv = 0, lv = 0;
	unsigned long long freemem;
	const char *type;
	char *hn;

	memset(h, 0, sizeof(*h));
	if (virNodeGetInfo(e->conn, &ni) < 0) {
		eng_err_libvirt(err, "cannot read host information from %s", e->uri);
		return -1;
	}
	h->cpus = ni.cpus;
	h->mem_total_kib = ni.memory;
	snprintf(h->cpu_model, sizeof(h->cpu_model), "%s", ni.model);
	freemem = virNodeGetFreeMemory(e->conn);
	h->mem_free_kib = freemem ? freemem / 1024 : 0;
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
	return 0;
}
