/* cmd_cdrom.c - cdrom VM ISO / cdrom VM --eject: install media. */
#include "cmd.h"

static const struct cmd_opt cdrom_opts[] = {
	{ .name = "eject", .help = "remove the media (forced when the guest locked the tray)" },
	{ 0 },
};

static int cdrom_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_error err = { 0 };
	bool eject = cmd_flag(a, "eject");
	char dev[16] = "";

	if (eject == (a->npos == 2))
		return cmd_usage_error(ctx->err, a->def, "give either an ISO or --eject");
	if (eng_cdrom(ctx->eng, a->pos[0], eject ? NULL : a->pos[1], dev, sizeof(dev), &err) < 0)
		return cmd_fail(ctx, &err);
	if (eject)
		fprintf(ctx->out, "%s: CD-ROM %s ejected\n", a->pos[0], dev);
	else
		fprintf(ctx->out, "%s: CD-ROM %s holds %s\n", a->pos[0], dev, a->pos[1]);
	return 0;
}

const struct cmd_def cmd_cdrom = {
	.name = "cdrom",
	.usage = "VM [ISO]",
	.summary = "insert or eject install media (live and in the configuration)",
	.opts = cdrom_opts,
	.flags = CMD_CHANGES | CMD_VM_ARG,
	.min_args = 1,
	.max_args = 2,
	.exec = cdrom_exec,
};
