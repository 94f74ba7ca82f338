/* cmd_snapshot.c - snapshot take, list, revert, delete. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "json.h"

static const struct cmd_opt take_opts[] = {
	{ .name = "description", .arg = "TEXT", .help = "free text stored with it" },
	{ 0 },
};

static int take_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_error err = { 0 };
	char taken[ENG_NAME_MAX + 1];

	if (a->npos > 1 && eng_name_check("snapshot", a->pos[1], &err) < 0)
		return cmd_error(ctx, 2, "%s", err.msg);
	if (eng_snapshot_take(ctx->eng, a->pos[0], a->npos > 1 ? a->pos[1] : NULL,
			      cmd_opt(a, "description"), taken, sizeof(taken), &err) < 0)
		return cmd_fail(ctx, &err);
	fprintf(ctx->out, "%s: snapshot %s taken\n", a->pos[0], taken);
	return 0;
}

const struct cmd_def cmd_snapshot_take = {
	.name = "snapshot take",
	.usage = "VM [NAME]",
	.summary = "take a snapshot (with memory when running, disk-only when stopped)",
	.opts = take_opts,
	.flags = CMD_CHANGES | CMD_VM_ARG,
	.min_args = 1,
	.max_args = 2,
	.exec = take_exec,
};

static void iso_time(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const struct cmd_opt list_opts[] = {
	{ .name = "tree", .help = "draw parents and children as a tree" },
	{ .name = "names", .help = "only the names, one per line (scripts, completion)" },
	{ 0 },
};

static int list_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_snapshot *v;
	struct eng_error err = { 0 };
	size_t n;
	bool tree = cmd_flag(a, "tree");

	if (eng_snapshot_list(ctx->eng, a->pos[0], &v, &n, &err) < 0)
		return cmd_fail(ctx, &err);
	if (!ctx->g.json && cmd_flag(a, "names")) {
		for (size_t i = 0; i < n; i++)
			fprintf(ctx->out, "%s\n", v[i].name);
		free(v);
		return 0;
	}
	if (ctx->g.json) {
		json_object *arr = json_object_new_array();
		for (size_t i = 0; i < n; i++) {
			json_object *o = json_object_new_object();
			char when[32];
			iso_time(v[i].created, when, sizeof(when));
			json_object_object_add(o, "name", json_object_new_string(v[i].name));
			json_object_object_add(o, "parent",
					       v[i].parent[0] ? json_object_new_string(v[i].parent) : NULL);
			json_object_object_add(o, "created", json_object_new_string(when));
			json_object_object_add(o, "state", json_object_new_string(v[i].state));
			json_object_object_add(o, "kind", json_object_new_string(v[i].external ? "external" : "internal"));
			json_object_object_add(o, "current", json_object_new_boolean(v[i].current));
			json_object_object_add(o, "description", json_object_new_string(v[i].description));
			json_object_object_add(o, "depth", json_object_new_int(v[i].depth));
			json_object_array_add(arr, o);
		}
		cmd_json_print(ctx->out, arr);
		free(v);
		return 0;
	}
	if (n == 0)
		fprintf(ctx->out, "%s has no snapshots\n", a->pos[0]);
	else if (!tree)
		fprintf(ctx->out, "%-32s %-24s %-20s %-9s %-8s %s\n", "NAME", "PARENT", "CREATED", "STATE", "KIND",
			"CURRENT");
	for (size_t i = 0; i < n; i++) {
		char when[32];
		iso_time(v[i].created, when, sizeof(when));
		if (tree) {
			when[10] = ' ';
			when[19] = '\0';
		}
		if (tree)
			fprintf(ctx->out, "%c %*s%s%s  (%s%s, %s)%s%s\n", v[i].current ? '*' : ' ',
				v[i].depth * 3, "", v[i].depth ? "`- " : "", v[i].name, v[i].state,
				v[i].external ? ", external" : "", when,
				v[i].description[0] ? "  " : "", v[i].description);
		else   /* one token per column: the time in ISO 8601, current as * or - */
			fprintf(ctx->out, "%-32s %-24s %-20s %-9s %-8s %s\n", v[i].name,
				v[i].parent[0] ? v[i].parent : "-", when, v[i].state, v[i].external ? "external" : "internal",
				v[i].current ? "*" : "-");
	}
	if (n > 0 && ctx->tty_out)
		fprintf(ctx->out, "(* = current: revert without a name goes there)\n");
	free(v);
	return 0;
}

const struct cmd_def cmd_snapshot_list = {
	.name = "snapshot list",
	.usage = "VM",
	.summary = "snapshots: name, parent, time, state, current marker",
	.opts = list_opts,
	.flags = CMD_VM_ARG | CMD_JSON,
	.min_args = 1,
	.max_args = 1,
	.exec = list_exec,
};

static int revert_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_error err = { 0 };
	char name[ENG_NAME_MAX + 1];

	if (eng_snapshot_revert(ctx->eng, a->pos[0], a->npos > 1 ? a->pos[1] : NULL, cmd_flag(a, "force"), name,
				sizeof(name), &err) < 0)
		return cmd_fail(ctx, &err);
	fprintf(ctx->out, "%s: reverted to snapshot %s\n", a->pos[0], name);
	return 0;
}

static const struct cmd_opt revert_opts[] = {
	{ .name = "force", .help = "when libvirt refuses the revert as risky: revert anyway, discarding the "
				   "guest's current state" },
	{ 0 },
};

const struct cmd_def cmd_snapshot_revert = {
	.name = "snapshot revert",
	.usage = "VM [NAME]",
	.summary = "back to snapshot NAME (default: the current one), running or stopped as it was",
	.opts = revert_opts,
	.flags = CMD_CHANGES | CMD_VM_ARG,
	.min_args = 1,
	.max_args = 2,
	.exec = revert_exec,
};

static const struct cmd_opt delete_opts[] = {
	{ .name = "children", .help = "also delete the snapshots below it" },
	{ 0 },
};

static int delete_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_error err = { 0 };

	if (eng_snapshot_delete(ctx->eng, a->pos[0], a->pos[1], cmd_flag(a, "children"), &err) < 0)
		return cmd_fail(ctx, &err);
	fprintf(ctx->out, "%s: snapshot %s deleted%s\n", a->pos[0], a->pos[1],
		cmd_flag(a, "children") ? " with its children" : "");
	return 0;
}

const struct cmd_def cmd_snapshot_delete = {
	.name = "snapshot delete",
	.usage = "VM NAME",
	.summary = "delete a snapshot; never loses the data of other snapshots",
	.opts = delete_opts,
	.flags = CMD_CHANGES | CMD_VM_ARG,
	.min_args = 2,
	.max_args = 2,
	.exec = delete_exec,
};
