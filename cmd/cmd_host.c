/* cmd_host.c - host (and --setup: what a first guest needs) and version. */
#include "cmd.h"
#include "json.h"

static json_object *pool_json(const struct eng_host *h)
{
	json_object *p = json_object_new_object();

	json_object_object_add(p, "name", json_object_new_string(ENG_POOL_NAME));
	json_object_object_add(p, "path", json_object_new_string(h->pool_path));
	json_object_object_add(p, "active", json_object_new_boolean(h->pool_active));
	json_object_object_add(p, "capacity_bytes", json_object_new_int64((int64_t)h->pool_capacity));
	json_object_object_add(p, "available_bytes", json_object_new_int64((int64_t)h->pool_available));
	return p;
}

static int host_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_host h;
	struct eng_error err = { 0 };
	char total[32], freem[32];

	if (cmd_flag(a, "setup")) {
		char done[512];
		if (eng_host_setup(ctx->eng, done, sizeof(done), &err) < 0)
			return cmd_fail(ctx, &err);
		fprintf(ctx->out, "%s\n", done[0] ? done : "nothing to set up: pool vmdeck and network default are there");
	}
	if (eng_host_info(ctx->eng, &h, &err) < 0)
		return cmd_fail(ctx, &err);
	if (ctx->g.json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "hypervisor", json_object_new_string(h.hypervisor));
		json_object_object_add(o, "hypervisor_version", json_object_new_string(h.hv_version));
		json_object_object_add(o, "libvirt_version", json_object_new_string(h.lv_version));
		json_object_object_add(o, "uri", json_object_new_string(h.uri));
		json_object_object_add(o, "uri_chosen_by", json_object_new_string(eng_uri_why(ctx->eng)));
		json_object_object_add(o, "hostname", json_object_new_string(h.hostname));
		json_object_object_add(o, "accel", json_object_new_string(h.accel.accel));
		json_object_object_add(o, "virt_type", json_object_new_string(h.accel.virt_type));
		json_object_object_add(o, "accel_reason", json_object_new_string(h.accel.why));
		json_object_object_add(o, "cpus", json_object_new_int((int)h.cpus));
		json_object_object_add(o, "cpu_model", json_object_new_string(h.cpu_model));
		json_object_object_add(o, "memory_total_mib", json_object_new_int64((int64_t)(h.mem_total_kib / 1024)));
		json_object_object_add(o, "memory_free_mib", json_object_new_int64((int64_t)(h.mem_free_kib / 1024)));
		json_object_object_add(o, "pool", !h.pool_exists ? NULL : pool_json(&h));
		json_object_object_add(o, "default_network", json_object_new_string(
			!h.default_net_exists ? "missing" : h.default_net_active ? "active" : "inactive"));
		json_object_object_add(o, "uefi", json_object_new_boolean(h.uefi));
		cmd_json_print(ctx->out, o);
		return 0;
	}
	eng_size_format(h.mem_total_kib * 1024, total, sizeof(total));
	eng_size_format(h.mem_free_kib * 1024, freem, sizeof(freem));
	fprintf(ctx->out, "%-12s %s %s\n", "hypervisor", h.hypervisor, h.hv_version);
	fprintf(ctx->out, "%-12s %s\n", "libvirt", h.lv_version);
	fprintf(ctx->out, "%-12s %s (%s)\n", "uri", h.uri, eng_uri_why(ctx->eng));
	fprintf(ctx->out, "%-12s %s\n", "hostname", h.hostname);
	fprintf(ctx->out, "%-12s %s: %s\n", "accel", h.accel.accel, h.accel.why);
	fprintf(ctx->out, "%-12s %u (%s)\n", "host CPUs", h.cpus, h.cpu_model);
	fprintf(ctx->out, "%-12s %s total, %s free\n", "host memory", total, freem);
	if (h.pool_active) {
		eng_size_format(h.pool_available, freem, sizeof(freem));
		eng_size_format(h.pool_capacity, total, sizeof(total));
		fprintf(ctx->out, "%-12s %s at %s: %s free of %s\n", "pool", ENG_POOL_NAME, h.pool_path, freem, total);
	} else {
		fprintf(ctx->out, "%-12s %s %s (made by the first create, or 'vmdeck host --setup')\n", "pool",
			ENG_POOL_NAME, h.pool_exists ? "inactive" : "missing");
	}
	fprintf(ctx->out, "%-12s default %s\n", "network",
		h.default_net_active ? "active (NAT)" : h.default_net_exists ? "inactive ('vmdeck host --setup' starts it)"
		: "missing ('vmdeck host --setup' creates a NAT network)");
	fprintf(ctx->out, "%-12s bios%s\n", "firmware", h.uefi ? ", uefi (OVMF)" : " (uefi: install the ovmf package)");
	return 0;
}

static const struct cmd_opt host_opts[] = {
	{ .name = "setup", .help = "make what is missing: vmdeck's storage pool, the default NAT network (started)" },
	{ 0 },
};

const struct cmd_def cmd_host = {
	.name = "host",
	.usage = "",
	.summary = "hypervisor, libvirt version, URI, KVM or TCG and why, host CPUs and memory, pool, networks",
	.opts = host_opts,
	.flags = CMD_JSON,
	.exec = host_exec,
};

static int version_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	(void)a;
	if (ctx->g.json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string("vmdeck"));
		json_object_object_add(o, "version", json_object_new_string(VMDECK_VERSION));
		cmd_json_print(ctx->out, o);
		return 0;
	}
	fprintf(ctx->out, "vmdeck %s\n", VMDECK_VERSION);
	return 0;
}

const struct cmd_def cmd_version = {
	.name = "version",
	.usage = "",
	.summary = "print vmdeck's version",
	.flags = CMD_NO_CONN | CMD_NO_CONFIG | CMD_JSON,
	.exec = version_exec,
};
