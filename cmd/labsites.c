/* labsites.c - where a lab's seats are. Without `[lab] hosts` a lab is on
 * the host in use (one site, as in wave 1). With it, each host named is a
 * site: a seat belongs to the host that has it, `lab up` places the seats
 * no host has by free memory (never more than a host has room for, counting
 * the seats already placed there) and copies the base to a host that gets
 * seats but lacks it. Each site's engine then sees the lab with the other
 * sites' seats marked elsewhere (engine/lab.c leaves them alone). */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* Each host of [lab] hosts a site, connected (all of them: a seat on a host
 * that does not answer could not be told from a missing one). */
static int open_sites(struct cmd_ctx *ctx, const struct lab_spec *l, struct lab_sites *ls)
{
	if (!ctx->fleet)
		return cmd_error(ctx, 1, "lab %s spreads over hosts ([lab] hosts): run it from the command line "
				 "(vmdeck lab ... %s)", l->name, l->path);
	for (size_t k = 0; k < l->n_hosts; k++) {
		int i = cmd_fleet_index(ctx->fleet, l->hosts[k]);
		struct lab_site *s = &ls->s[ls->n];
		if (i < 0 && cmd_fleet_known_uri(ctx, l->hosts[k]))
			return cmd_error(ctx, 2, "lab %s: host %s of [lab] hosts is left out by -c or --host", l->name,
					 l->hosts[k]);
		if (i < 0)
			return cmd_error(ctx, 2, "lab %s: [lab] hosts names '%s', which vmdeck.ini's [hosts] does not have",
					 l->name, l->hosts[k]);
		if (!(s->eng = cmd_fleet_eng(ctx, i)))
			return cmd_error(ctx, 1, "lab %s: host %s does not answer: nothing was done", l->name, l->hosts[k]);
		s->host = ctx->fleet->h[i].name;
		ls->n++;
	}
	return 0;
}

/* The seats no site has, placed by free memory: each to the site with the
 * most room left that fits the base's memory and vCPUs. */
static int place_missing(struct cmd_ctx *ctx, const struct lab_spec *l, struct lab_sites *ls, int base_site)
{
	struct eng_dom_info bi;
	struct eng_error err = { 0 };
	unsigned long long room[LAB_MAX_HOSTS];
	unsigned cpus[LAB_MAX_HOSTS];
	char why[600] = "";

	if (eng_domain_info(ls->s[base_site].eng, l->base, &bi, &err) < 0)
		return cmd_fail(ctx, &err);
	for (size_t k = 0; k < ls->n; k++) {
		struct eng_host_load h;
		size_t used = strlen(why);
		room[k] = 0;
		cpus[k] = 0;
		if (eng_host_load(ls->s[k].eng, &h, &err) == 0) {
			room[k] = h.mem_free_kib / 1024;
			cpus[k] = h.cpus;
		}
		snprintf(why + used, sizeof(why) - used, "%s%s %llu MiB free", k ? ", " : "", ls->s[k].host, room[k]);
	}
	for (unsigned i = 0; i < l->seats; i++) {
		int best = -1;
		char seat[ENG_NAME_MAX + 1];
		if (ls->of_seat[i] >= 0)
			continue;
		for (size_t k = 0; k < ls->n; k++)
			if (room[k] >= bi.mem_config_mib && cpus[k] >= bi.cpus_config && (best < 0 || room[k] > room[best]))
				best = (int)k;
		if (best < 0) {
			eng_lab_seat_name(l, i + 1, seat, sizeof(seat));
			eng_dom_info_free(&bi);
			return cmd_error(ctx, 1, "lab %s: seat %s (%llu MiB) fits on none of its hosts (%s): nothing was "
					 "changed", l->name, seat, bi.mem_config_mib, why);
		}
		ls->of_seat[i] = best;
		room[best] -= bi.mem_config_mib;
	}
	eng_dom_info_free(&bi);
	return 0;
}

/* The base onto every site that has seats to make and lacks it. */
static int copy_base(struct cmd_ctx *ctx, const struct lab_spec *l, struct lab_sites *ls, int base_site,
		     const bool *had)
{
	for (size_t k = 0; k < ls->n; k++) {
		bool needs = false;
		struct cmd_job cj;
		struct eng_error err = { 0 };
		int rc;
		for (unsigned i = 0; i < l->seats; i++)
			needs |= ls->of_seat[i] == (int)k && !had[i];
		if (!needs || eng_domain_exists(ls->s[k].eng, l->base))
			continue;
		fprintf(ctx->g.json ? ctx->err : ctx->out, "copying base %s from host %s to host %s\n", l->base,
			ls->s[base_site].host, ls->s[k].host);
		fflush(ctx->g.json ? ctx->err : ctx->out);
		cmd_job_begin(ctx, &cj, true);
		snprintf(cj.job.what, sizeof(cj.job.what), "base %s -> %s", l->base, ls->s[k].host);
		rc = eng_domain_copy(ls->s[base_site].eng, ls->s[k].eng, l->base, &err);
		cmd_job_end(&cj);
		if (rc < 0)
			return cmd_error(ctx, 1, "lab %s: base %s to host %s: %s", l->name, l->base, ls->s[k].host,
					 err.msg);
	}
	return 0;
}

struct lab_sites *cmd_lab_sites(struct cmd_ctx *ctx, const struct lab_spec *l, bool placing, int *rc)
{
	struct lab_sites *ls = calloc(1, sizeof(*ls));
	bool had[LAB_MAX_SEATS] = { false };
	int base_site = -1;

	*rc = 1;
	if (!ls)
		return NULL;
	for (unsigned i = 0; i < l->seats; i++)
		ls->of_seat[i] = -1;
	if (l->n_hosts == 0) {
		/* the host in use */
		if ((*rc = cmd_need_conn(ctx)) != 0) {
			free(ls);
			return NULL;
		}
		ls->s[0] = (struct lab_site){ .host = cmd_fleet_host_name(ctx), .eng = ctx->eng };
		ls->n = 1;
		for (unsigned i = 0; i < l->seats; i++)
			ls->of_seat[i] = 0;
	} else if ((*rc = open_sites(ctx, l, ls)) != 0) {
		free(ls);
		return NULL;
	}
	for (unsigned i = 0; l->n_hosts && i < l->seats; i++) {
		char seat[ENG_NAME_MAX + 1];
		eng_lab_seat_name(l, i + 1, seat, sizeof(seat));
		for (size_t k = 0; k < ls->n && ls->of_seat[i] < 0; k++)
			if (eng_domain_exists(ls->s[k].eng, seat))
				ls->of_seat[i] = (int)k;
		had[i] = ls->of_seat[i] >= 0;
	}
	for (size_t k = 0; l->n_hosts && k < ls->n && base_site < 0; k++)
		if (eng_domain_exists(ls->s[k].eng, l->base))
			base_site = (int)k;
	if (l->n_hosts && placing) {
		char names[400] = "";
		for (size_t k = 0; k < ls->n; k++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", k ? ", " : "",
				 ls->s[k].host);
		if (base_site < 0) {
			*rc = cmd_error(ctx, 1, "lab %s: no base VM named '%s' on any of its hosts (%s)", l->name, l->base,
					names);
			goto fail;
		}
		if ((*rc = place_missing(ctx, l, ls, base_site)) != 0)
			goto fail;
	}
	/* seats that exist nowhere (status, reset, down): shown as the first host's */
	for (unsigned i = 0; i < l->seats; i++)
		if (ls->of_seat[i] < 0)
			ls->of_seat[i] = 0;
	for (size_t k = 0; k < ls->n; k++) {
		ls->s[k].spec = *l;
		for (unsigned i = 0; i < l->seats; i++)
			ls->s[k].spec.elsewhere[i] = ls->of_seat[i] != (int)k;
	}
	if (l->n_hosts && placing) {
		/* a clash on any host refuses the lab before any host changes */
		for (size_t k = 0; k < ls->n; k++) {
			struct eng_error err = { 0 };
			if (eng_lab_check(ls->s[k].eng, &ls->s[k].spec, &err) < 0) {
				*rc = cmd_error(ctx, 1, "%s (host %s)", err.msg, ls->s[k].host);
				goto fail;
			}
		}
		if ((*rc = copy_base(ctx, l, ls, base_site, had)) != 0)
			goto fail;
	}
	*rc = 0;
	return ls;
fail:
	free(ls);
	return NULL;
}

int cmd_lab_rows(const struct lab_sites *ls, const struct lab_spec *l, cmd_lab_fn fn, const void *arg,
		 struct eng_seat **out, struct eng_error *err)
{
	struct eng_seat *rows = calloc(l->seats ? l->seats : 1, sizeof(*rows));
	int ret = 0;

	*out = rows;
	if (!rows) {
		eng_err_set(err, ENG_E_FAILED, "lab %s: out of memory", l->name);
		return -1;
	}
	for (unsigned i = 0; i < l->seats; i++)
		eng_lab_seat_name(l, i + 1, rows[i].name, sizeof(rows[i].name));
	/* site by site; the rows so far are kept when one stops half way */
	for (size_t k = 0; k < ls->n && ret == 0; k++) {
		struct eng_seat *s = NULL;
		ret = fn(ls->s[k].eng, &ls->s[k].spec, arg, &s, err);
		for (unsigned i = 0; s && i < l->seats; i++)
			if (ls->of_seat[i] == (int)k)
				rows[i] = s[i];
		free(s);
	}
	return ret < 0 ? -1 : 0;
}

int cmd_lab_seat_index(const struct lab_spec *l, const char *seat)
{
	const char *dash = strrchr(seat, '-');
	int i = dash ? atoi(dash + 1) - 1 : -1;
	char want[ENG_NAME_MAX + 1];

	if (i < 0 || (unsigned)i >= l->seats)
		return -1;
	eng_lab_seat_name(l, (unsigned)i + 1, want, sizeof(want));
	return strcmp(want, seat) == 0 ? i : -1;
}

const char *cmd_lab_host(const struct lab_sites *ls, const struct lab_spec *l, unsigned seat)
{
	return l->n_hosts && seat < l->seats ? ls->s[ls->of_seat[seat]].host : NULL;
}

int cmd_lab_targets(const struct lab_sites *ls, const struct lab_spec *l, struct eng_seat **out,
		    struct eng **on, size_t *n, struct eng_error *err)
{
	struct eng_seat *all = calloc(l->seats ? l->seats : 1, sizeof(*all));
	struct eng *where[LAB_MAX_SEATS] = { NULL };

	*out = all;
	*n = 0;
	if (!all)
		return -1;
	for (size_t k = 0; k < ls->n; k++) {
		struct eng_seat *v = NULL;
		size_t nv = 0;
		if (eng_lab_targets(ls->s[k].eng, &ls->s[k].spec, NULL, 0, &v, &nv, err) < 0)
			return -1;
		/* each row in its seat's place */
		for (size_t j = 0; j < nv; j++) {
			int i = cmd_lab_seat_index(l, v[j].name);
			if (i >= 0) {
				all[i] = v[j];
				where[i] = ls->s[k].eng;
			}
		}
		free(v);
	}
	for (unsigned i = 0; i < l->seats; i++)
		if (where[i]) {
			all[*n] = all[i];
			on[(*n)++] = where[i];
		}
	return 0;
}

int cmd_lab_status_fn(struct eng *e, const struct lab_spec *l, const void *arg, struct eng_seat **out,
		      struct eng_error *err)
{
	(void)arg;
	return eng_lab_status(e, l, out, err);
}
