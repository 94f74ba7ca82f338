/* cmd_net.c - net list/info/create/start/stop/delete/attach/detach. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "json.h"
#include "netcfg.h"

static json_object *net_json(const struct eng_net *n)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(n->name));
	json_object_object_add(o, "mode", json_object_new_string(n->mode));
	json_object_object_add(o, "active", json_object_new_boolean(n->active));
	json_object_object_add(o, "bridge", n->bridge[0] ? json_object_new_string(n->bridge) : NULL);
	json_object_object_add(o, "subnet", n->subnet[0] ? json_object_new_string(n->subnet) : NULL);
	json_object_object_add(o, "autostart", json_object_new_boolean(n->autostart));
	json_object_object_add(o, "guests", json_object_new_int(n->n_guests));
	return o;
}

static int list_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_net *v;
	struct eng_error err = { 0 };
	size_t n;

	if (eng_network_list(ctx->eng, &v, &n, &err) < 0)
		return cmd_fail(ctx, &err);
	if (ctx->g.json) {
		json_object *arr = json_object_new_array();
		for (size_t i = 0; i < n; i++)
			json_object_array_add(arr, net_json(&v[i]));
		cmd_json_print(ctx->out, arr);
	} else if (cmd_flag(a, "names")) {
		for (size_t i = 0; i < n; i++)
			fprintf(ctx->out, "%s\n", v[i].name);
	} else {
		fprintf(ctx->out, "%-20s %-9s %-8s %-12s %-18s %s\n", "NAME", "MODE", "STATE", "BRIDGE",
			"SUBNET", "GUESTS");
		for (size_t i = 0; i < n; i++)
			fprintf(ctx->out, "%-20s %-9s %-8s %-12s %-18s %d\n", v[i].name, v[i].mode,
				v[i].active ? "active" : "inactive", v[i].bridge[0] ? v[i].bridge : "-",
				v[i].subnet[0] ? v[i].subnet : "-", v[i].n_guests);
	}
	free(v);
	return 0;
}

const struct cmd_def cmd_net_list = {
	.name = "net list",
	.usage = "",
	.summary = "networks: name, mode, active, bridge, subnet",
	.opts = cmd_names_opts,
	.flags = CMD_JSON,
	.exec = list_exec,
};

static void print_reach(FILE *f, const struct net_mode_def *m)
{
	for (int i = 0; i < 4; i++)
		fprintf(f, "  %-14s %s\n", net_reach_labels[i], m->reach[i]);
}

static int info_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_net n;
	struct eng_error err = { 0 };
	const struct net_mode_def *m;

	if (eng_network_info(ctx->eng, a->pos[0], &n, &err) < 0)
		return cmd_fail(ctx, &err);
	m = net_mode_find(n.mode);
	if (ctx->g.json) {
		json_object *o = net_json(&n), *names = json_object_new_array(), *reach = json_object_new_object();
		char buf[sizeof(n.guests)];
		snprintf(buf, sizeof(buf), "%s", n.guests);
		for (char *save = NULL, *g = strtok_r(buf, ", ", &save); g; g = strtok_r(NULL, ", ", &save))
			json_object_array_add(names, json_object_new_string(g));
		json_object_object_add(o, "guest_names", names);
		/* what the mode promises (net probe measures it) */
		for (int i = 0; m && i < 4; i++)
			json_object_object_add(reach, net_reach_keys[i], json_object_new_string(m->reach[i]));
		json_object_object_add(o, "reachability", reach);
		cmd_json_print(ctx->out, o);
		return 0;
	}
	fprintf(ctx->out, "%-12s %s\n%-12s %s%s%s\n%-12s %s\n%-12s %s\n%-12s %s\n%-12s %d%s%s\n", "name", n.name,
		"mode", n.mode, m ? ": " : "", m ? m->summary : "", "state", n.active ? "active" : "inactive",
		"bridge", n.bridge[0] ? n.bridge : "-", "subnet", n.subnet[0] ? n.subnet : "-", "guests",
		n.n_guests, n.n_guests ? ": " : "", n.guests);
	if (m) {
		fprintf(ctx->out, "reachability users expect in this mode:\n");
		print_reach(ctx->out, m);
	}
	return 0;
}

const struct cmd_def cmd_net_info = {
	.name = "net info",
	.usage = "NET",
	.summary = "a network: mode, state, bridge, subnet, guests, expected reachability",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_JSON,
	.exec = info_exec,
};

static const struct cmd_opt create_opts[] = {
	{ .name = "mode", .arg = "nat|bridged|hostonly|internal", .help = "the network mode", .flags = OPT_REQUIRED },
	{ .name = "subnet", .arg = "CIDR", .help = "nat/hostonly: the subnet (default: a free 192.168.X.0/24)" },
	{ .name = "uplink", .arg = "BRIDGE", .help = "bridged: the existing host bridge to join" },
	{ .name = "macvtap", .help = "bridged: guests on macvtap devices of --uplink IFACE (no bridge; the host cannot reach them)" },
	{ 0 },
};

static int create_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_net n;
	struct eng_error err = { 0 };
	const char *mode = cmd_opt(a, "mode");

	if (!mode)
		return cmd_error(ctx, 2, "net create %s: --mode is required (nat, bridged, hostonly or internal)",
				 a->pos[0]);
	if (!net_mode_find(mode))
		return cmd_error(ctx, 2, "net create %s: unknown mode '%s' (use nat, bridged, hostonly or internal)",
				 a->pos[0], mode);
	if (eng_network_create(ctx->eng, a->pos[0], mode, cmd_opt(a, "subnet"), cmd_opt(a, "uplink"),
			       cmd_flag(a, "macvtap"), &n,
			       &err) < 0)
		return cmd_fail(ctx, &err);
	fprintf(ctx->out, "network %s created and started: %s%s%s%s%s\n", n.name, n.mode,
		n.bridge[0] ? ", bridge " : "", n.bridge, n.subnet[0] ? ", subnet " : "", n.subnet);
	print_reach(ctx->out, net_mode_find(mode));
	if (cmd_flag(a, "macvtap"))
		fprintf(ctx->out, "  (macvtap: the host itself cannot reach these guests, a limit of macvtap)\n");
	return 0;
}

const struct cmd_def cmd_net_create = {
	.name = "net create",
	.usage = "NET",
	.summary = "define and start a network in one of the four modes",
	.opts = create_opts,
	.flags = CMD_CHANGES,
	.min_args = 1,
	.max_args = 1,
	.exec = create_exec,
};

static const struct {
	const char *name;
	enum eng_net_action act;
	const char *done;
} net_actions[] = {
	{ "net start", ENG_NET_START, "started" },
	{ "net stop", ENG_NET_STOP, "stopped" },
	{ "net delete", ENG_NET_DELETE, "deleted" },
};

static int act_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_error err = { 0 };

	for (size_t i = 0; i < sizeof(net_actions) / sizeof(net_actions[0]); i++) {
		if (strcmp(net_actions[i].name, a->def->name) != 0)
			continue;
		if (eng_network_act(ctx->eng, a->pos[0], net_actions[i].act, &err) < 0)
			return cmd_fail(ctx, &err);
		/* libvirt put its own rules back ahead of our port forwards: re-apply
		 * them (quietly: a connection without a local firewall has none) */
		if (net_actions[i].act == ENG_NET_START)
			eng_forward_sync(ctx->eng, NULL, NULL, NULL);
		fprintf(ctx->out, "network %s %s\n", a->pos[0], net_actions[i].done);
		return 0;
	}
	return cmd_error(ctx, 1, "%s: no such action", a->def->name);
}

#define NET_ACT_CMD(ident, cmdname, text)              \
	const struct cmd_def ident = {                 \
		.name = cmdname,                       \
		.usage = "NET",                        \
		.summary = text,                       \
		.flags = CMD_CHANGES,                  \
		.min_args = 1,                         \
		.max_args = 1,                         \
		.exec = act_exec,                      \
	}

NET_ACT_CMD(cmd_net_start, "net start", "start a network");
NET_ACT_CMD(cmd_net_stop, "net stop", "stop a network (refused while running guests use it)");
NET_ACT_CMD(cmd_net_delete, "net delete", "stop and remove a network (refused while running guests use it)");

static int attach_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_error err = { 0 };
	char mac[32] = "";

	if (eng_network_attach(ctx->eng, a->pos[0], a->pos[1], mac, sizeof(mac), &err) < 0)
		return cmd_fail(ctx, &err);
	fprintf(ctx->out, "%s: NIC %s on network %s\n", a->pos[0], mac[0] ? mac : "(new)", a->pos[1]);
	return 0;
}

const struct cmd_def cmd_net_attach = {
	.name = "net attach",
	.usage = "VM NET",
	.summary = "add a virtio NIC on NET (live and in the configuration)",
	.flags = CMD_CHANGES | CMD_VM_ARG,
	.min_args = 2,
	.max_args = 2,
	.exec = attach_exec,
};

static int detach_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_error err = { 0 };

	if (eng_network_detach(ctx->eng, a->pos[0], a->pos[1], &err) < 0)
		return cmd_fail(ctx, &err);
	fprintf(ctx->out, "%s: NIC on network %s removed\n", a->pos[0], a->pos[1]);
	return 0;
}

const struct cmd_def cmd_net_detach = {
	.name = "net detach",
	.usage = "VM NET",
	.summary = "remove the guest's NIC on NET (live and in the configuration)",
	.flags = CMD_CHANGES | CMD_VM_ARG,
	.min_args = 2,
	.max_args = 2,
	.exec = detach_exec,
};
