/* cmd_share.c - share add/list/remove: a host folder in the guest
 * (engine/share.c); virtiofs for writable shares, 9p for read-only ones. */
#include <string.h>

#include "cmd.h"
#include "json.h"

static const char *mount_line(const char *type, const char *tag, char *buf, size_t len)
{
	if (strcmp(type, "virtiofs") == 0)
		snprintf(buf, len, "mount -t virtiofs %s /mnt", tag);
	else
		snprintf(buf, len, "mount -t 9p -o trans=virtio,ro %s /mnt", tag);
	return buf;
}

static int result(struct cmd_ctx *ctx, const char *vm, const char *tag, const char *what,
		  const struct eng_share_result *r)
{
	char m[128];

	if (ctx->g.json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(vm));
		json_object_object_add(o, "result", json_object_new_string(what));
		json_object_object_add(o, "tag", json_object_new_string(tag));
		json_object_object_add(o, "source", json_object_new_string(r->source));
		json_object_object_add(o, "type", json_object_new_string(r->type));
		json_object_object_add(o, "live", json_object_new_boolean(r->live));
		json_object_object_add(o, "restart_needed", json_object_new_boolean(r->restart_needed));
		json_object_object_add(o, "memory_added", json_object_new_boolean(r->memory_added));
		json_object_object_add(o, "mount", json_object_new_string(mount_line(r->type, tag, m, sizeof(m))));
		cmd_json_print(ctx->out, o);
		return 0;
	}
	fprintf(ctx->out, "%s: share %s %s (%s, %s)\n", vm, tag, what, r->source, r->type);
	if (r->memory_added)
		fprintf(ctx->out, "note: %s's memory is now shared with the host (virtiofs needs it)\n", vm);
	if (r->restart_needed)
		fprintf(ctx->out, "note: %s is running: it %s the share after its next start (shut it down, start it)\n",
			vm, strcmp(what, "added") == 0 ? "sees" : "loses");
	if (strcmp(what, "added") == 0)
		fprintf(ctx->out, "in the guest: %s\n", mount_line(r->type, tag, m, sizeof(m)));
	return 0;
}

static int add_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_share_result r;
	struct eng_error err = { 0 };

	if (eng_share_add(ctx->eng, a->pos[0], a->pos[1], a->pos[2], cmd_flag(a, "readonly"), &r, &err) < 0)
		return cmd_fail(ctx, &err);
	return result(ctx, a->pos[0], a->pos[2], "added", &r);
}

static const struct cmd_opt add_opts[] = {
	{ .name = "readonly", .help = "the guest cannot write (virtio-9p: libvirt 9.0's virtiofs has no read-only mode)" },
	{ 0 },
};

const struct cmd_def cmd_share_add = {
	.name = "share add",
	.usage = "VM HOSTDIR TAG",
	.summary = "a host folder in the guest over virtiofs (mount -t virtiofs TAG /mnt); shared memory added as needed",
	.opts = add_opts,
	.flags = CMD_CHANGES | CMD_VM_ARG | CMD_JSON,
	.min_args = 3,
	.max_args = 3,
	.exec = add_exec,
};

static int list_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_share v[ENG_MAX_SHARES];
	struct eng_error err = { 0 };
	int n = eng_share_list(ctx->eng, a->pos[0], v, ENG_MAX_SHARES, &err);

	if (n < 0)
		return cmd_fail(ctx, &err);
	if (ctx->g.json) {
		json_object *arr = json_object_new_array();
		for (int i = 0; i < n; i++) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "tag", json_object_new_string(v[i].tag));
			json_object_object_add(o, "source", json_object_new_string(v[i].source));
			json_object_object_add(o, "type", json_object_new_string(v[i].type));
			json_object_object_add(o, "readonly", json_object_new_boolean(v[i].readonly));
			json_object_object_add(o, "active", json_object_new_boolean(v[i].active));
			json_object_array_add(arr, o);
		}
		cmd_json_print(ctx->out, arr);
		return 0;
	}
	fprintf(ctx->out, "%-16s %-9s %-4s %-6s %s\n", "TAG", "TYPE", "MODE", "ACTIVE", "SOURCE");
	for (int i = 0; i < n; i++)
		fprintf(ctx->out, "%-16s %-9s %-4s %-6s %s\n", v[i].tag, v[i].type, v[i].readonly ? "ro" : "rw",
			v[i].active ? "yes" : "no", v[i].source);
	return 0;
}

const struct cmd_def cmd_share_list = {
	.name = "share list",
	.usage = "VM",
	.summary = "a guest's shared folders: tag, type, read-only or not, active in the running guest, host folder",
	.flags = CMD_VM_ARG | CMD_JSON,
	.min_args = 1,
	.max_args = 1,
	.exec = list_exec,
};

static int remove_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_share_result r;
	struct eng_error err = { 0 };

	if (eng_share_remove(ctx->eng, a->pos[0], a->pos[1], &r, &err) < 0)
		return cmd_fail(ctx, &err);
	return result(ctx, a->pos[0], a->pos[1], "removed", &r);
}

const struct cmd_def cmd_share_remove = {
	.name = "share remove",
	.usage = "VM TAG",
	.summary = "take a shared folder out of the guest (the host folder is untouched)",
	.flags = CMD_CHANGES | CMD_VM_ARG | CMD_JSON,
	.min_args = 2,
	.max_args = 2,
	.exec = remove_exec,
};
