/* ipaddr.c - a guest's IPv4 addresses: DHCP lease, then guest agent, then ARP.
 * virsh users know that `domifaddr --source arp` fails on some hosts and that
 * the agent is often missing; trying the sources in order and saying which one
 * answered is what they ask for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

static const struct {
	const char *name;
	enum eng_ip_source src;
	unsigned lv_source;
} ip_sources[] = {
	{ "auto", ENG_IP_AUTO, 0 },
	{ "lease", ENG_IP_LEASE, VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE },
	{ "agent", ENG_IP_AGENT, VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT },
	{ "arp", ENG_IP_ARP, VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP },
};
#define N_SOURCES (sizeof(ip_sources) / sizeof(ip_sources[0]))

int eng_ip_source_from_string(const char *s, enum eng_ip_source *out)
{
	for (size_t i = 0; i < N_SOURCES; i++)
		if (strcmp(s, ip_sources[i].name) == 0) {
			*out = ip_sources[i].src;
			return 0;
		}
	return -1;
}

const char *eng_ip_source_name(enum eng_ip_source s)
{
	for (size_t i = 0; i < N_SOURCES; i++)
		if (ip_sources[i].src == s)
			return ip_sources[i].name;
	return "?";
}

int eng_dom_addrs(virDomainPtr d, unsigned source, struct eng_ifaddr *out, int max)
{
	virDomainInterfacePtr *ifaces = NULL;
	int n = virDomainInterfaceAddresses(d, &ifaces, source, 0), count = 0;

	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		for (unsigned j = 0; j < ifaces[i]->naddrs; j++) {
			virDomainIPAddressPtr a = &ifaces[i]->addrs[j];
			if (a->type != VIR_IP_ADDR_TYPE_IPV4 || !a->addr ||
			    strncmp(a->addr, "127.", 4) == 0 || count >= max)
				continue;
			snprintf(out[count].mac, sizeof(out[count].mac), "%s",
				 ifaces[i]->hwaddr ? ifaces[i]->hwaddr : "");
			snprintf(out[count].ipv4, sizeof(out[count].ipv4), "%s", a->addr);
			count++;
		}
		virDomainInterfaceFree(ifaces[i]);
	}
	free(ifaces);
	return count;
}

int eng_domain_ipv4(struct eng *e, const char *name, enum eng_ip_source src,
		    double wait_s, char out[][16], int max, int *n,
		    enum eng_ip_source *used, struct eng_error *err)
{
	virDomainPtr d = eng_dom_lookup(e, name, err);
	double deadline = eng_now_s() + wait_s;
	char last_err[256] = "";
	int ret = -1;

	*n = 0;
	if (!d)
		return -1;
	for (;;) {
		int st, reason;

		if (virDomainGetState(d, &st, &reason, 0) == 0 && st != VIR_DOMAIN_RUNNING &&
		    st != VIR_DOMAIN_BLOCKED && st != VIR_DOMAIN_PAUSED) {
			eng_err_set(err, ENG_E_FAILED, "VM %s is not running: it has no IP address", name);
			goto out;
		}
		for (size_t i = 1; i < N_SOURCES; i++) {
			struct eng_ifaddr a[ENG_MAX_IPV4];
			int got;

			if (src != ENG_IP_AUTO && src != ip_sources[i].src)
				continue;
			got = eng_dom_addrs(d, ip_sources[i].lv_source, a, ENG_MAX_IPV4);
			if (got < 0) {
				virErrorPtr le = virGetLastError();
				snprintf(last_err, sizeof(last_err), "%s: %s", ip_sources[i].name,
					 le && le->message ? le->message : "failed");
				continue;
			}
			for (int k = 0; k < got && *n < max; k++)
				snprintf(out[(*n)++], 16, "%s", a[k].ipv4);
			if (*n > 0) {
				if (used)
					*used = ip_sources[i].src;
				ret = 0;
				goto out;
			}
		}
		if (eng_now_s() >= deadline)
			break;
		if (eng_job_cancelled()) {
			eng_err_set(err, ENG_E_CANCELLED, "VM %s: waiting for an IP address cancelled", name);
			goto out;
		}
		usleep(200 * 1000);
	}
	if (src == ENG_IP_AUTO)
		eng_err_set(err, ENG_E_FAILED, "VM %s: no IPv4 address found (lease, agent, arp)%s%s%s",
			    name, wait_s > 0 ? " within the wait" : "", last_err[0] ? "; last error: " : "",
			    last_err);
	else
		eng_err_set(err, ENG_E_FAILED, "VM %s: no IPv4 address from %s%s%s", name,
			    eng_ip_source_name(src), last_err[0] ? ": " : "",
			    last_err[0] ? last_err : "");
	/* messages may carry libvirt's newlines */
	for (char *p = err ? err->msg : NULL; p && *p; p++)
		if (*p == '\n')
			*p = ' ';
out:
	virDomainFree(d);
	return ret;
}
