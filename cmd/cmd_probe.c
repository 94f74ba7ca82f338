/* cmd_probe.c - net probe: the tutorial's reachability table, measured. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "json.h"
#include "netcfg.h"

static const struct cmd_opt probe_opts[] = {
	{ .name = "outside-ns", .arg = "NETNS",
	  .help = "network namespace playing the outside network (VM -> outside, outside -> VM)" },
	{ .name = "outside-host", .arg = "IP", .help = "an address beyond this host for VM -> outside" },
	{ 0 },
};

static const char *yes_no(int v)
{
	return v > 0 ? "yes" : v == 0 ? "no" : "-";
}

/* "ok" when measured as expected, "UNEXPECTED" when not, "" when unmeasured */
static const char *verdict(const struct eng_probe_cell *c)
{
	if (c->measured < 0 || c->expected < 0)
		return "";
	return c->measured == c->expected ? "ok" : "UNEXPECTED";
}

static json_object *row_json(const struct eng_probe_row *r)
{
	json_object *o = json_object_new_object(), *cells = json_object_new_object();

	json_object_object_add(o, "vm", json_object_new_string(r->vm));
	json_object_object_add(o, "network", json_object_new_string(r->network));
	json_object_object_add(o, "mode", json_object_new_string(r->mode));
	json_object_object_add(o, "ipv4", r->ip[0] ? json_object_new_string(r->ip) : NULL);
	for (int c = 0; c < ENG_REACH_CELLS; c++) {
		const struct eng_probe_cell *p = &r->cell[c];
		json_object *j = json_object_new_object();
		json_object_object_add(j, "expected", p->expected < 0 ? NULL : json_object_new_boolean(p->expected));
		json_object_object_add(j, "measured", p->measured < 0 ? NULL : json_object_new_boolean(p->measured));
		json_object_object_add(j, "how", json_object_new_string(p->how));
		json_object_object_add(cells, net_reach_keys[c], j);
	}
	json_object_object_add(o, "cells", cells);
	return o;
}

static int probe_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_probe_opts o = { .outside_ns = cmd_opt(a, "outside-ns"),
				    .outside_host = cmd_opt(a, "outside-host") };
	struct eng_error err = { 0 };
	struct eng_probe_row *rows;
	size_t n;

	if (eng_probe(ctx->eng, a->pos, (size_t)a->npos, &o, &rows, &n, &err) < 0)
		return cmd_fail(ctx, &err);
	if (ctx->g.json) {
		json_object *arr = json_object_new_array();
		for (size_t i = 0; i < n; i++)
			json_object_array_add(arr, row_json(&rows[i]));
		cmd_json_print(ctx->out, arr);
		free(rows);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		const struct eng_probe_row *r = &rows[i];
		fprintf(ctx->out, "%s on %s (%s, %s)\n  %-14s %-9s %-9s\n", r->vm, r->network, r->mode,
			r->ip[0] ? r->ip : "no address", "", "expected", "measured");
		for (int c = 0; c < ENG_REACH_CELLS; c++)
			fprintf(ctx->out, "  %-14s %-9s %-9s %-10s %s\n", net_reach_labels[c], yes_no(r->cell[c].expected),
				yes_no(r->cell[c].measured), verdict(&r->cell[c]), r->cell[c].how);
	}
	free(rows);
	return 0;
}

const struct cmd_def cmd_net_probe = {
	.name = "net probe",
	.usage = "VM...",
	.summary = "measure VM->host, VM<->VM, VM->outside and outside->VM with real packets, beside what each mode promises",
	.opts = probe_opts,
	.flags = CMD_VM_ARG | CMD_JSON,
	.min_args = 1,
	.max_args = CMD_MAX_POS,
	.exec = probe_exec,
};
