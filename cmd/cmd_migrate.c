/* cmd_migrate.c - migrate VM DEST_URI: move a guest to another libvirt host. */
#include "cmd.h"

static const struct cmd_opt migrate_opts[] = {
	{ .name = "live", .help = "keep the guest running while its memory moves" },
	{ .name = "copy-storage", .help = "copy its disks as well (when the hosts share no storage)" },
	{ .name = "tunnelled", .help = "carry the data in libvirt's connection (peer to peer; no QEMU ports)" },
	{ 0 },
};

static int migrate_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_migrate_opts o = { .live = cmd_flag(a, "live"), .copy_storage = cmd_flag(a, "copy-storage"),
				      .tunnelled = cmd_flag(a, "tunnelled") };
	struct eng_error err = { 0 };

	if (eng_domain_migrate(ctx->eng, a->pos[0], a->pos[1], &o, &err) < 0)
		return cmd_fail(ctx, &err);
	fprintf(ctx->out, "%s moved to %s%s\n", a->pos[0], a->pos[1], o.live ? " (live)" : "");
	return 0;
}

const struct cmd_def cmd_migrate = {
	.name = "migrate",
	.usage = "VM DEST_URI",
	.summary = "move a guest to another libvirt host (defined there, undefined here)",
	.opts = migrate_opts,
	.flags = CMD_CHANGES | CMD_VM_ARG,
	.min_args = 2,
	.max_args = 2,
	.exec = migrate_exec,
};
