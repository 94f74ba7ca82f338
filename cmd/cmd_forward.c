/* cmd_forward.c - net forward add/list/delete: NAT port forwarding. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "forward.h"
#include "json.h"

static const struct cmd_opt proto_opts[] = {
	{ .name = "proto", .arg = "tcp|udp", .help = "protocol (default tcp; delete: both)" },
	{ 0 },
};

static void print_forward(FILE *f, const struct eng_forward *w)
{
	if (w->active)
		fprintf(f, "host port %u/%s -> %s %s:%u (network %s)\n", w->host_port, w->proto, w->vm,
			w->guest_ip, w->guest_port, w->network);
	else
		fprintf(f, "host port %u/%s -> %s port %u (network %s): stale: %s\n", w->host_port, w->proto,
			w->vm, w->guest_port, w->network, w->why);
}

static int add_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_error err = { 0 };
	struct eng_forward made = { 0 };
	const char *proto = cmd_opt(a, "proto");
	unsigned hp, gp;

	if (fwd_port_parse(a->pos[1], "host port", &hp, &err) < 0 ||
	    fwd_port_parse(a->pos[2], "guest port", &gp, &err) < 0 || fwd_proto_check(proto, &err) < 0)
		return cmd_error(ctx, 2, "%s", err.msg);
	if (eng_forward_add(ctx->eng, a->pos[0], hp, gp, proto, &made, &err) < 0)
		return cmd_fail(ctx, &err);
	print_forward(ctx->out, &made);
	return 0;
}

const struct cmd_def cmd_net_forward_add = {
	.name = "net forward add",
	.usage = "VM HOSTPORT GUESTPORT",
	.summary = "forward a host port to the guest's port on its NAT network (outside -> VM)",
	.opts = proto_opts,
	.flags = CMD_CHANGES | CMD_VM_ARG,
	.min_args = 3,
	.max_args = 3,
	.exec = add_exec,
};

static int list_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_error err = { 0 };
	struct eng_forward *v;
	size_t n;

	(void)a;
	if (eng_forward_sync(ctx->eng, &v, &n, &err) < 0)
		return cmd_fail(ctx, &err);
	if (ctx->g.json) {
		json_object *arr = json_object_new_array();
		for (size_t i = 0; i < n; i++) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "vm", json_object_new_string(v[i].vm));
			json_object_object_add(o, "proto", json_object_new_string(v[i].proto));
			json_object_object_add(o, "host_port", json_object_new_int((int)v[i].host_port));
			json_object_object_add(o, "guest_port", json_object_new_int((int)v[i].guest_port));
			json_object_object_add(o, "network", json_object_new_string(v[i].network));
			json_object_object_add(o, "guest_ip", v[i].guest_ip[0] ? json_object_new_string(v[i].guest_ip) : NULL);
			json_object_object_add(o, "active", json_object_new_boolean(v[i].active));
			json_object_object_add(o, "stale", v[i].active ? NULL : json_object_new_string(v[i].why));
			json_object_array_add(arr, o);
		}
		cmd_json_print(ctx->out, arr);
	} else {
		fprintf(ctx->out, "%-20s %-5s %-9s %-10s %-16s %-12s %s\n", "VM", "PROTO", "HOSTPORT", "GUESTPORT",
			"GUEST-IP", "NETWORK", "STATE");
		for (size_t i = 0; i < n; i++)
			fprintf(ctx->out, "%-20s %-5s %-9u %-10u %-16s %-12s %s%s\n", v[i].vm, v[i].proto,
				v[i].host_port, v[i].guest_port, v[i].guest_ip[0] ? v[i].guest_ip : "-",
				v[i].network, v[i].active ? "active" : "stale: ", v[i].active ? "" : v[i].why);
	}
	free(v);
	return 0;
}

const struct cmd_def cmd_net_forward_list = {
	.name = "net forward list",
	.usage = "",
	.summary = "port forwards, re-applied to the guests' current addresses; stale ones say why",
	.flags = CMD_JSON,
	.exec = list_exec,
};

static int delete_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_error err = { 0 };
	const char *proto = cmd_opt(a, "proto");
	unsigned hp;

	if (fwd_port_parse(a->pos[1], "host port", &hp, &err) < 0 || fwd_proto_check(proto, &err) < 0)
		return cmd_error(ctx, 2, "%s", err.msg);
	if (eng_forward_delete(ctx->eng, a->pos[0], hp, proto, &err) < 0)
		return cmd_fail(ctx, &err);
	fprintf(ctx->out, "%s: host port %u%s%s no longer forwarded\n", a->pos[0], hp, proto ? "/" : "",
		proto ? proto : "");
	return 0;
}

const struct cmd_def cmd_net_forward_delete = {
	.name = "net forward delete",
	.usage = "VM HOSTPORT",
	.summary = "stop forwarding a host port to the guest",
	.opts = proto_opts,
	.flags = CMD_CHANGES | CMD_VM_ARG,
	.min_args = 2,
	.max_args = 2,
	.exec = delete_exec,
};
