/* cmd_disk.c - disk list/add/attach/detach/resize: a guest's storage after
 * creation (engine/disk.c). */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "json.h"

static int list_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_dom_info i;
	struct eng_error err = { 0 };

	if (eng_domain_info(ctx->eng, a->pos[0], &i, &err) < 0)
		return cmd_fail(ctx, &err);
	if (ctx->g.json) {
		json_object *arr = json_object_new_array();
		for (size_t k = 0; k < i.n_disks; k++) {
			const struct eng_disk *d = &i.disks[k];
			json_object *o = json_object_new_object();
			json_object_object_add(o, "target", json_object_new_string(d->target ? d->target : ""));
			json_object_object_add(o, "device", json_object_new_string(d->device ? d->device : "disk"));
			json_object_object_add(o, "bus", d->bus ? json_object_new_string(d->bus) : NULL);
			json_object_object_add(o, "format", d->format ? json_object_new_string(d->format) : NULL);
			json_object_object_add(o, "virtual_bytes", json_object_new_int64((int64_t)d->capacity));
			json_object_object_add(o, "allocated_bytes", json_object_new_int64((int64_t)d->allocation));
			json_object_object_add(o, "path", d->source ? json_object_new_string(d->source) : NULL);
			json_object_object_add(o, "backing", d->backing ? json_object_new_string(d->backing) : NULL);
			json_object_array_add(arr, o);
		}
		cmd_json_print(ctx->out, arr);
	} else if (cmd_flag(a, "names")) {
		for (size_t k = 0; k < i.n_disks; k++)
			fprintf(ctx->out, "%s\n", i.disks[k].target);
	} else {
		fprintf(ctx->out, "%-7s %-6s %-7s %-6s %8s %8s %s %s\n", "TARGET", "DEVICE", "BUS", "FORMAT", "VIRTUAL",
			"ALLOC", "PATH", "BACKING");
		for (size_t k = 0; k < i.n_disks; k++) {
			const struct eng_disk *d = &i.disks[k];
			char cap[16], al[16];
			eng_size_token(d->capacity, cap, sizeof(cap));
			eng_size_token(d->allocation, al, sizeof(al));
			/* PATH, then BACKING: "-" when none (one token each) */
			fprintf(ctx->out, "%-7s %-6s %-7s %-6s %8s %8s %s %s\n", d->target, d->device ? d->device : "disk",
				d->bus ? d->bus : "-", d->format ? d->format : "-", d->capacity ? cap : "-",
				d->allocation ? al : "-", d->source ? d->source : "-", d->backing ? d->backing : "-");
		}
	}
	eng_dom_info_free(&i);
	return 0;
}

static const struct cmd_opt list_opts[] = {
	{ .name = "names", .help = "only the targets, one per line" },
	{ 0 },
};

const struct cmd_def cmd_disk_list = {
	.name = "disk list",
	.usage = "VM",
	.summary = "a guest's disks: target, device, bus, format, virtual and allocated size, path, backing file",
	.opts = list_opts,
	.flags = CMD_VM_ARG | CMD_JSON,
	.min_args = 1,
	.max_args = 1,
	.exec = list_exec,
};

static int add_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_error err = { 0 };
	unsigned long long bytes;
	char target[16], path[1024];

	if (eng_size_parse("disk size", a->pos[1], ENG_UNIT_GIB, &bytes, &err) < 0)
		return cmd_error(ctx, 2, "%s", err.msg);
	if (eng_disk_add(ctx->eng, a->pos[0], bytes, cmd_opt(a, "format"), cmd_opt(a, "bus"), target, sizeof(target),
			 path, sizeof(path), &err) < 0)
		return cmd_fail(ctx, &err);
	fprintf(ctx->out, "%s: disk %s added: %s\n", a->pos[0], target, path);
	return 0;
}

static const struct cmd_opt add_opts[] = {
	{ .name = "format", .arg = "qcow2|raw", .help = "the new volume's format (default qcow2)" },
	{ .name = "bus", .arg = "virtio|sata|scsi", .help = "how the guest sees it (default virtio)" },
	{ 0 },
};

const struct cmd_def cmd_disk_add = {
	.name = "disk add",
	.usage = "VM SIZE",
	.summary = "a new disk in vmdeck's pool, attached live and in the configuration (SIZE: GiB when bare)",
	.opts = add_opts,
	.flags = CMD_CHANGES | CMD_VM_ARG,
	.min_args = 2,
	.max_args = 2,
	.exec = add_exec,
};

static int attach_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_error err = { 0 };
	char target[16];

	if (eng_disk_attach(ctx->eng, a->pos[0], a->pos[1], cmd_opt(a, "bus"), target, sizeof(target), &err) < 0)
		return cmd_fail(ctx, &err);
	fprintf(ctx->out, "%s: %s attached as %s\n", a->pos[0], a->pos[1], target);
	return 0;
}

static const struct cmd_opt attach_opts[] = {
	{ .name = "bus", .arg = "virtio|sata|scsi", .help = "how the guest sees it (default virtio)" },
	{ 0 },
};

const struct cmd_def cmd_disk_attach = {
	.name = "disk attach",
	.usage = "VM PATH",
	.summary = "attach an existing qcow2 or raw image (live and in the configuration)",
	.opts = attach_opts,
	.flags = CMD_CHANGES | CMD_VM_ARG,
	.min_args = 2,
	.max_args = 2,
	.exec = attach_exec,
};

static int detach_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_error err = { 0 };
	char removed[1024];

	if (eng_disk_detach(ctx->eng, a->pos[0], a->pos[1], cmd_flag(a, "delete"), removed, sizeof(removed), &err) < 0)
		return cmd_fail(ctx, &err);
	fprintf(ctx->out, "%s: disk %s detached%s%s%s\n", a->pos[0], a->pos[1], removed[0] ? ", volume " : "",
		removed, removed[0] ? " deleted" : " (its image is kept)");
	return 0;
}

static const struct cmd_opt detach_opts[] = {
	{ .name = "delete", .help = "also delete its volume (only one of vmdeck's pool)" },
	{ 0 },
};

const struct cmd_def cmd_disk_detach = {
	.name = "disk detach",
	.usage = "VM TARGET",
	.summary = "detach a disk (live and in the configuration); its image stays unless --delete",
	.opts = detach_opts,
	.flags = CMD_CHANGES | CMD_VM_ARG,
	.min_args = 2,
	.max_args = 2,
	.exec = detach_exec,
};

static int resize_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_error err = { 0 };
	unsigned long long now = 0;
	char size[32];

	if (eng_disk_resize(ctx->eng, a->pos[0], a->pos[1], a->pos[2], &now, &err) < 0)
		return err.code == ENG_E_INVALID ? cmd_error(ctx, 2, "%s", err.msg) : cmd_fail(ctx, &err);
	eng_size_token(now, size, sizeof(size));
	fprintf(ctx->out, "%s: disk %s is %s (%llu bytes)\n", a->pos[0], a->pos[1], size, now);
	return 0;
}

const struct cmd_def cmd_disk_resize = {
	.name = "disk resize",
	.usage = "VM TARGET SIZE|+SIZE",
	.summary = "grow a disk (never shrink): live on a running guest, offline on a stopped one",
	.flags = CMD_CHANGES | CMD_VM_ARG,
	.min_args = 3,
	.max_args = 3,
	.exec = resize_exec,
};
