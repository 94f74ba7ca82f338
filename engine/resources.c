/* resources.c - `set`: vCPUs, memory, their maximums and autostart, live and/or
 * in the configuration, saying which part applies now and which on next boot. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "template.h"
#include "xmlutil.h"

static void say(struct eng_set_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(struct eng_set_result *res, const char *fmt, ...)
{
	va_list ap;

	if (res->n_lines >= ENG_SET_MAX_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(res->lines[res->n_lines++], sizeof(res->lines[0]), fmt, ap);
	va_end(ap);
}

struct set_ctx {
	virDomainPtr d;
	const char *name;
	bool running, live, config, live_explicit;
	/* maximums in libvirt's units: vCPUs, KiB */
	unsigned long long cfg_max_cpus, live_max_cpus, cfg_max_kib, live_max_kib;
	struct eng_set_result *res;
	struct eng_error *err;
};

/* vCPUs and memory take the same steps with different libvirt calls. */
struct resource {
	const char *what_fmt;        /* "vCPUs %llu" */
	const char *unit;            /* shown after a maximum */
	unsigned long long scale;    /* user unit -> libvirt unit */
	int (*apply)(virDomainPtr d, unsigned long long v, unsigned flags);
	unsigned max_flag;           /* sets the maximum instead */
};

static int apply_vcpus(virDomainPtr d, unsigned long long v, unsigned flags)
{
	return virDomainSetVcpusFlags(d, (unsigned)v, flags);
}

static int apply_memory(virDomainPtr d, unsigned long long kib, unsigned flags)
{
	return virDomainSetMemoryFlags(d, (unsigned long)kib, flags);
}

static const struct resource res_cpus = { "vCPUs %llu", "", 1, apply_vcpus, VIR_DOMAIN_VCPU_MAXIMUM };
static const struct resource res_memory = { "memory %llu MiB", " MiB", 1024, apply_memory,
					    VIR_DOMAIN_MEM_MAXIMUM };

static const char *when(bool now, bool next)
{
	return now && next ? "now and on next boot" : now ? "now (until the guest stops)"
						    : "on next boot";
}

/* A live change that cannot happen is an error only when --live was asked for;
 * by default it becomes a next-boot change, and the line says why. */
static int live_refused(struct set_ctx *c, const char *what, const char *why)
{
	if (c->live_explicit) {
		eng_err_set(c->err, ENG_E_FAILED, "set %s on %s: %s", what, c->name, why);
		return -1;
	}
	say(c->res, "%s: on next boot (not now: %s)", what, why);
	c->res->pending_reboot = true;
	return 0;
}

/* The maximum lives in the configuration only: it applies at the next boot. */
static int set_maximum(struct set_ctx *c, const struct resource *r, unsigned long long value,
		       unsigned long long *cfg_max)
{
	char what[64];

	snprintf(what, sizeof(what), r->what_fmt, value);
	if (r->apply(c->d, value * r->scale, VIR_DOMAIN_AFFECT_CONFIG | r->max_flag) < 0) {
		eng_err_libvirt(c->err, "set maximum %s on %s", what, c->name);
		return -1;
	}
	*cfg_max = value * r->scale;
	say(c->res, "maximum %s: %s", what, c->running ? "on next boot" : "saved, used at next start");
	c->res->pending_reboot |= c->running;
	return 0;
}

static int set_resource(struct set_ctx *c, const struct resource *r, unsigned long long value,
			unsigned long long *cfg_max, unsigned long long live_max)
{
	unsigned long long v = value * r->scale;
	char what[64];
	bool now = false;

	snprintf(what, sizeof(what), r->what_fmt, value);
	if (c->config) {
		/* raising above the configured maximum raises the maximum too */
		if (v > *cfg_max) {
			if (r->apply(c->d, v, VIR_DOMAIN_AFFECT_CONFIG | r->max_flag) < 0)
				goto lv_err;
			*cfg_max = v;
		}
		if (r->apply(c->d, v, VIR_DOMAIN_AFFECT_CONFIG) < 0)
			goto lv_err;
	}
	if (c->live) {
		char why[300];
		if (v > live_max) {
			snprintf(why, sizeof(why), "the running guest's maximum is %llu%s",
				 live_max / r->scale, r->unit);
			return live_refused(c, what, why);
		}
		if (r->apply(c->d, v, VIR_DOMAIN_AFFECT_LIVE) < 0) {
			virErrorPtr le = virGetLastError();
			snprintf(why, sizeof(why), "%s", le && le->message ? le->message : "refused");
			return live_refused(c, what, why);
		}
		now = true;
	}
	say(c->res, "%s: %s", what, c->running ? when(now, c->config) : "saved, used at next start");
	if (c->running && c->config && !now)
		c->res->pending_reboot = true;
	return 0;
lv_err:
	eng_err_libvirt(c->err, "set %s on %s", what, c->name);
	return -1;
}

static int host_fit(struct eng *e, const char *name, const struct eng_set_req *r,
		    struct eng_error *err)
{
	virNodeInfo ni;
	unsigned cpus = r->max_cpus > r->cpus ? r->max_cpus : r->cpus;
	unsigned long long mib = r->max_memory_mib > r->memory_mib ? r->max_memory_mib : r->memory_mib;
	unsigned long long total_kib, free_kib;

	if (r->force || virNodeGetInfo(e->conn, &ni) < 0 || eng_host_memory(e, &total_kib, &free_kib) < 0)
		return 0;
	if (cpus > ni.cpus) {
		eng_err_set(err, ENG_E_FAILED, "set %s: %u vCPUs exceed the host's %u logical CPUs "
			    "(--force to overcommit)", name, cpus, ni.cpus);
		return -1;
	}
	if (mib > total_kib / 1024) {
		eng_err_set(err, ENG_E_FAILED, "set %s: %llu MiB exceeds the host's %llu MiB of memory "
			    "(--force to overcommit)", name, mib, total_kib / 1024);
		return -1;
	}
	return 0;
}

static int read_config_max(struct set_ctx *c)
{
	char *xml = virDomainGetXMLDesc(c->d, VIR_DOMAIN_XML_INACTIVE);
	struct xdoc x;
	int v;

	if (!xml || xdoc_parse(&x, xml) < 0) {
		free(xml);
		eng_err_libvirt(c->err, "set %s: cannot read its configuration", c->name);
		return -1;
	}
	c->cfg_max_kib = xdoc_mem_mib(&x, "/domain/memory") * 1024;
	c->cfg_max_cpus = xdoc_ull(&x, NULL, "/domain/vcpu", 1);
	xdoc_free(&x);
	free(xml);
	if (c->running) {
		v = virDomainGetVcpusFlags(c->d, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_VCPU_MAXIMUM);
		c->live_max_cpus = v > 0 ? (unsigned long long)v : c->cfg_max_cpus;
		c->live_max_kib = virDomainGetMaxMemory(c->d);
	}
	return 0;
}

int eng_domain_set(struct eng *e, const char *name, const struct eng_set_req *r,
		   struct eng_set_result *res, struct eng_error *err)
{
	struct set_ctx c = { .name = name, .res = res, .err = err };
	int st, reason, ret = -1;
	bool persistent;

	memset(res, 0, sizeof(*res));
	if (eng_refuse_readonly(e, "change", name, err) < 0)
		return -1;
	if (!r->cpus && !r->max_cpus && !r->memory_mib && !r->max_memory_mib && r->autostart < 0) {
		eng_err_set(err, ENG_E_INVALID, "set %s: nothing to change (give --cpus, --memory, "
			    "--max-cpus, --max-memory or --autostart)", name);
		return -1;
	}
	if (r->max_cpus && r->cpus && r->cpus > r->max_cpus) {
		eng_err_set(err, ENG_E_INVALID, "set %s: --cpus %u is above --max-cpus %u", name,
			    r->cpus, r->max_cpus);
		return -1;
	}
	if (r->max_memory_mib && r->memory_mib && r->memory_mib > r->max_memory_mib) {
		eng_err_set(err, ENG_E_INVALID, "set %s: --memory %llu MiB is above --max-memory %llu MiB",
			    name, r->memory_mib, r->max_memory_mib);
		return -1;
	}
	if (host_fit(e, name, r, err) < 0 || eng_template_refuse(e, name, "change", err) < 0)
		return -1;
	if (!(c.d = eng_dom_lookup(e, name, err)))
		return -1;
	if (virDomainGetState(c.d, &st, &reason, 0) < 0) {
		eng_err_libvirt(err, "set %s", name);
		goto out;
	}
	c.running = st != VIR_DOMAIN_SHUTOFF && st != VIR_DOMAIN_CRASHED;
	persistent = virDomainIsPersistent(c.d) == 1;
	c.live_explicit = r->live;
	c.live = r->live || (!r->config && c.running);
	c.config = persistent && (r->config || !r->live);
	if (r->live && !c.running) {
		eng_err_set(err, ENG_E_FAILED, "set %s: --live needs a running guest (it is shut off)", name);
		goto out;
	}
	if (r->config && !persistent) {
		eng_err_set(err, ENG_E_FAILED, "set %s: --config needs a persistent guest (this one is transient)",
			    name);
		goto out;
	}
	if (read_config_max(&c) < 0)
		goto out;

	if (r->max_cpus && set_maximum(&c, &res_cpus, r->max_cpus, &c.cfg_max_cpus) < 0)
		goto out;
	if (r->cpus && set_resource(&c, &res_cpus, r->cpus, &c.cfg_max_cpus, c.live_max_cpus) < 0)
		goto out;
	if (r->max_memory_mib &&
	    set_maximum(&c, &res_memory, r->max_memory_mib, &c.cfg_max_kib) < 0)
		goto out;
	if (r->memory_mib &&
	    set_resource(&c, &res_memory, r->memory_mib, &c.cfg_max_kib, c.live_max_kib) < 0)
		goto out;
	if (r->autostart >= 0) {
		if (virDomainSetAutostart(c.d, r->autostart) < 0) {
			eng_err_libvirt(err, "set autostart on %s", name);
			goto out;
		}
		say(res, "autostart %s: when the host's libvirt starts", r->autostart ? "on" : "off");
	}
	ret = 0;
out:
	virDomainFree(c.d);
	return ret;
}
