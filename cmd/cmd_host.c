/* cmd_host.c - host and version. */
#include "cmd.h"
#include "json.h"

static int host_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_host h;
	struct eng_error err = { 0 };
	char total[32], freem[32];

	(void)a;
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
	return 0;
}

const struct cmd_def cmd_host = {
	.name = "host",
	.usage = "",
	.summary = "hypervisor, libvirt version, URI, KVM or TCG and why, host CPUs and memory",
	.exec = host_exec,
};

static int version_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	(void)a;
	fprintf(ctx->out, "vmdeck %s\n", VMDECK_VERSION);
	return 0;
}

const struct cmd_def cmd_version = {
	.name = "version",
	.usage = "",
	.summary = "print vmdeck's version",
	.flags = CMD_NO_CONN,
	.exec = version_exec,
};
