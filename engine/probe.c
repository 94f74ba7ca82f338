/* probe.c - `net probe`: the reachability table of the network modes,
 * measured with real packets. Inside guests through qemu-guest-agent's
 * guest-exec (ping), from this host and from an "outside" network namespace
 * the user names (ICMP echo, TCP connect through a port forward). Each probe
 * is one packet exchange with a timeout of a few seconds: the whole run is
 * bounded by the number of guests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guestexec.h"
#include "hostnet.h"
#include "internal.h"
#include "netcfg.h"

#define GUEST_PING_WAIT "3"     /* seconds a guest's ping waits for its reply */
#define HOST_PING_MS 1500
#define HOST_PING_TRIES 2
#define TCP_MS 3000

enum { C_HOST, C_VMVM, C_OUT, C_IN };

struct probe_ctx {
	struct eng *e;
	const struct eng_probe_opts *o;
	char out_ip[16];           /* the outside peer's address */
	char host_out_ip[16];      /* this host's address facing the outside namespace */
	struct eng_forward *fw;
	size_t nfw;
};

/* 1 when the guest's `ping -c 1` to ip answers, 0 when not, -1 no agent. */
static int guest_ping(virDomainPtr d, const char *ip, char *why, size_t len)
{
	const char *argv[] = { "ping", "-c", "1", "-W", GUEST_PING_WAIT, ip, NULL };
	struct eng_error err = { 0 };
	int code;

	if (eng_guest_exec(d, argv, 15, &code, &err) < 0) {
		snprintf(why, len, "not measured: %.160s", err.msg);
		return -1;
	}
	return code == 0;
}

static void measured(struct eng_probe_cell *c, int v, const char *fmt, const char *a, const char *b)
{
	c->measured = v;
	if (v >= 0)
		snprintf(c->how, sizeof(c->how), fmt, a, b);
}

static const struct eng_forward *forward_of(const struct probe_ctx *p, const struct eng_probe_row *r)
{
	for (size_t i = 0; i < p->nfw; i++)
		if (p->fw[i].active && strcmp(p->fw[i].vm, r->vm) == 0 && strcmp(p->fw[i].network, r->network) == 0)
			return &p->fw[i];
	return NULL;
}

/* VM -> host: the host's address on the guest's network, else on the bridge
 * it joins, else the one facing outside (a network without a host address
 * must not reach it at all). */
static void probe_host(struct probe_ctx *p, virDomainPtr d, struct eng_probe_row *r, const struct net_facts *f)
{
	struct eng_probe_cell *c = &r->cell[C_HOST];
	char target[16] = "";

	if (f->host_ip[0])
		snprintf(target, sizeof(target), "%s", f->host_ip);
	else if (f->bridge[0] && hn_local_addr(f->bridge, NULL, 0, target) == 0)
		;
	else if (p->host_out_ip[0])
		snprintf(target, sizeof(target), "%s", p->host_out_ip);
	else if (hn_local_addr(NULL, NULL, 0, target) < 0) {
		snprintf(c->how, sizeof(c->how), "not measured: this host has no IPv4 address");
		return;
	}
	measured(c, guest_ping(d, target, c->how, sizeof(c->how)), "ping %s from %s", target, r->vm);
}

static void probe_peers(struct eng_probe_row *rows, size_t n, size_t i, virDomainPtr d)
{
	struct eng_probe_cell *c = &rows[i].cell[C_VMVM];
	char list[120] = "";
	int yes = 0, asked = 0, v = 0;

	for (size_t k = 0; k < n && v >= 0; k++) {
		if (k == i || strcmp(rows[k].network, rows[i].network) || !strcmp(rows[k].vm, rows[i].vm) ||
		    !rows[k].ip[0])
			continue;
		v = guest_ping(d, rows[k].ip, c->how, sizeof(c->how));
		if (v < 0)
			return;
		asked++;
		yes += v;
		size_t used = strlen(list);
		snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "", rows[k].ip);
	}
	if (!asked) {
		snprintf(c->how, sizeof(c->how), "not measured: probe another guest with an address on %s",
			 rows[i].network);
		return;
	}
	measured(c, yes == asked, "ping %s from %s", list, rows[i].vm);
}

static void probe_out(struct probe_ctx *p, virDomainPtr d, struct eng_probe_row *r)
{
	struct eng_probe_cell *c = &r->cell[C_OUT];

	if (!p->out_ip[0]) {
		snprintf(c->how, sizeof(c->how), "not measured: name an outside peer (--outside-ns or --outside-host)");
		return;
	}
	measured(c, guest_ping(d, p->out_ip, c->how, sizeof(c->how)), "ping %s from %s", p->out_ip, r->vm);
}

/* A listener just started in the guest is up once the guest's own socket
 * table lists it (LISTEN is state 0A): bounded, 5 s; a connect made before
 * that finds nobody (a fixed pause was not enough on a loaded host). */
static void wait_listening(virDomainPtr d, unsigned port)
{
	char pat[80];
	const char *argv[] = { "grep", "-qE", pat, "/proc/net/tcp", "/proc/net/tcp6", NULL };
	double deadline = eng_now_s() + 5;

	snprintf(pat, sizeof(pat), "^ *[0-9]+: [0-9A-F]+:%04X [0-9A-F]+:0000 0A ", port);
	while (eng_now_s() < deadline) {
		int code = -1;
		if (eng_guest_exec(d, argv, 3, &code, NULL) == 0 && code == 0)
			return;
		usleep(100 * 1000);
	}
}

/* outside -> VM: through the port forward when the guest has one on this
 * (NAT) network, a listener started in the guest for the moment; else an echo
 * to the guest's own address. */
static void probe_in(struct probe_ctx *p, virDomainPtr d, struct eng_probe_row *r)
{
	struct eng_probe_cell *c = &r->cell[C_IN];
	const struct eng_forward *f = forward_of(p, r);
	struct eng_error err = { 0 };
	int v;

	if (!p->o->outside_ns) {
		snprintf(c->how, sizeof(c->how), "not measured: needs --outside-ns (packets from the outside peer)");
		return;
	}
	if (f) {
		char port[8], target[40];
		const char *argv[] = { "timeout", "20", "nc", "-l", "-p", port, NULL };
		long long pid;

		if (!p->host_out_ip[0]) {
			snprintf(c->how, sizeof(c->how), "not measured: no host address faces %s", p->o->outside_ns);
			return;
		}
		snprintf(port, sizeof(port), "%u", f->guest_port);
		/* a listener for one connection; a server already there answers as well */
		if (eng_guest_spawn(d, argv, false, &pid, &err) == 0)
			wait_listening(d, f->guest_port);
		v = hn_tcp(p->o->outside_ns, p->host_out_ip, f->host_port, TCP_MS, &err);
		snprintf(target, sizeof(target), "%s:%u", p->host_out_ip, f->host_port);
		snprintf(port, sizeof(port), "%u", f->guest_port);
		if (v < 0)
			snprintf(c->how, sizeof(c->how), "not measured: %.160s", err.msg);
		else
			measured(c, v, "tcp connect to %s (forwarded to port %s)", target, port);
		return;
	}
	if (!r->ip[0]) {
		snprintf(c->how, sizeof(c->how), "not measured: %s has no address on %s", r->vm, r->network);
		return;
	}
	v = hn_ping(p->o->outside_ns, r->ip, HOST_PING_TRIES, HOST_PING_MS, &err);
	if (v < 0)
		snprintf(c->how, sizeof(c->how), "not measured: %.160s", err.msg);
	else
		measured(c, v, "ping %s from %s", r->ip, p->o->outside_ns);
}

/* One row per NIC on a libvirt network of each guest. */
static int collect_rows(struct eng *e, const char *const *vms, size_t n, struct eng_probe_row **rows,
			size_t *nrows, struct eng_error *err)
{
	struct eng_probe_row *v = NULL;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		struct eng_dom_info info;
		if (eng_domain_info(e, vms[i], &info, err) < 0)
			goto fail;
		if (info.s.state != ENG_ST_RUNNING) {
			eng_err_set(err, ENG_E_FAILED, "VM %s is %s: net probe needs running guests", vms[i],
				    eng_state_name(info.s.state));
			eng_dom_info_free(&info);
			goto fail;
		}
		for (size_t j = 0; j < info.n_nics; j++) {
			struct eng_probe_row *nv;
			if (!info.nics[j].network || !(nv = realloc(v, (k + 1) * sizeof(*v))))
				continue;
			v = nv;
			memset(&v[k], 0, sizeof(v[k]));
			snprintf(v[k].vm, sizeof(v[k].vm), "%s", vms[i]);
			snprintf(v[k].network, sizeof(v[k].network), "%s", info.nics[j].network);
			if (info.nics[j].n_ipv4)
				snprintf(v[k].ip, sizeof(v[k].ip), "%s", info.nics[j].ipv4[0]);
			v[k].agent = info.has_agent_channel;
			k++;
		}
		eng_dom_info_free(&info);
	}
	*rows = v;
	*nrows = k;
	return 0;
fail:
	free(v);
	return -1;
}

int eng_probe(struct eng *e, const char *const *vms, size_t n, const struct eng_probe_opts *o,
	      struct eng_probe_row **rows, size_t *nrows, struct eng_error *err)
{
	struct probe_ctx p = { .e = e, .o = o };
	struct eng_probe_row *v;
	unsigned prefix = 0;
	size_t k;

	if (!e->local) {
		eng_err_set(err, ENG_E_FAILED, "net probe sends packets from this machine: it needs a local "
			    "connection, not %s", e->uri);
		return -1;
	}
	if (o->outside_host) {
		if (!hn_is_ipv4(o->outside_host)) {
			eng_err_set(err, ENG_E_INVALID, "--outside-host '%s' is not an IPv4 address", o->outside_host);
			return -1;
		}
		snprintf(p.out_ip, sizeof(p.out_ip), "%s", o->outside_host);
	}
	if (o->outside_ns) {
		char ns_ip[16];
		if (hn_first_addr(o->outside_ns, ns_ip, &prefix, err) < 0)
			return -1;
		if (!p.out_ip[0])
			snprintf(p.out_ip, sizeof(p.out_ip), "%s", ns_ip);
		hn_local_addr(NULL, ns_ip, prefix, p.host_out_ip);
	}
	if (collect_rows(e, vms, n, &v, &k, err) < 0)
		return -1;
	eng_forward_sync(e, &p.fw, &p.nfw, NULL);
	for (size_t i = 0; i < k; i++) {
		struct net_facts f;
		bool active;
		virDomainPtr d = virDomainLookupByName(e->conn, v[i].vm);
		enum net_mode mode = NET_OTHER;

		if (eng_net_facts(e, v[i].network, &f, &active) == 0)
			mode = f.mode;
		else
			memset(&f, 0, sizeof(f));
		snprintf(v[i].mode, sizeof(v[i].mode), "%s", net_mode_get(mode)->name);
		for (int c = 0; c < ENG_REACH_CELLS; c++) {
			v[i].cell[c].measured = -1;
			v[i].cell[c].expected = net_reach_expected(mode, c, forward_of(&p, &v[i]) != NULL);
		}
		if (!d)
			continue;
		if (v[i].agent) {
			probe_host(&p, d, &v[i], &f);
			probe_peers(v, k, i, d);
			probe_out(&p, d, &v[i]);
		} else {
			for (int c = C_HOST; c <= C_OUT; c++)
				snprintf(v[i].cell[c].how, sizeof(v[i].cell[c].how),
					 "not measured: %s has no guest agent channel", v[i].vm);
		}
		probe_in(&p, d, &v[i]);
		virDomainFree(d);
	}
	free(p.fw);
	*rows = v;
	*nrows = k;
	return 0;
}
