/* cmd_lifecycle.c - start, pause, resume, reboot, reset, save, poweroff, shutdown. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* The simple lifecycle commands differ only in the action and the words. */
static const struct {
	const char *name;
	enum eng_action act;
	const char *done;
} simple_actions[] = {
	{ "start", ENG_ACT_START, "started" },
	{ "pause", ENG_ACT_PAUSE, "paused" },
	{ "resume", ENG_ACT_RESUME, "resumed" },
	{ "poweroff", ENG_ACT_POWEROFF, "powered off" },
	{ "reboot", ENG_ACT_REBOOT, "is rebooting" },
	{ "reset", ENG_ACT_RESET, "reset" },
	{ "save", ENG_ACT_SAVE, "saved (start restores it)" },
};

static int action_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_error err = { 0 };

	for (size_t i = 0; i < sizeof(simple_actions) / sizeof(simple_actions[0]); i++) {
		if (strcmp(a->def->name, simple_actions[i].name) != 0)
			continue;
		if (eng_domain_act(ctx->eng, a->pos[0], simple_actions[i].act, &err) < 0)
			return cmd_fail(ctx, &err);
		fprintf(ctx->out, "%s %s\n", a->pos[0], simple_actions[i].done);
		return 0;
	}
	return cmd_error(ctx, 1, "%s: no such action", a->def->name);
}

#define LIFECYCLE_CMD(ident, cmdname, text)                     \
	const struct cmd_def ident = {                          \
		.name = cmdname,                                \
		.usage = "VM",                                  \
		.summary = text,                                \
		.flags = CMD_CHANGES | CMD_VM_ARG,              \
		.min_args = 1,                                  \
		.max_args = 1,                                  \
		.exec = action_exec,                            \
	}

LIFECYCLE_CMD(cmd_start, "start", "start a guest (headless; restores a saved state)");
LIFECYCLE_CMD(cmd_pause, "pause", "pause a running guest (it stays in memory)");
LIFECYCLE_CMD(cmd_resume, "resume", "resume a paused guest");
LIFECYCLE_CMD(cmd_poweroff, "poweroff", "stop a guest at once (like pulling the plug)");
LIFECYCLE_CMD(cmd_reboot, "reboot", "ask the guest to reboot (agent or ACPI)");
LIFECYCLE_CMD(cmd_reset, "reset", "hard reset (like the reset button)");
LIFECYCLE_CMD(cmd_save, "save", "save the running state to disk and stop (start restores it)");

static const struct cmd_opt shutdown_opts[] = {
	{ .name = "timeout", .arg = "S", .help = "seconds to wait for shut off (default 60, 0: do not wait)" },
	{ 0 },
};

static int shutdown_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_error err = { 0 };
	const char *t = cmd_opt(a, "timeout");
	long timeout = 60;

	if (t) {
		char *end;
		timeout = strtol(t, &end, 10);
		if (*end || !*t || timeout < 0 || timeout > 86400)
			return cmd_error(ctx, 2, "invalid --timeout '%s': seconds between 0 and 86400", t);
	}
	if (eng_domain_shutdown(ctx->eng, a->pos[0], (int)timeout, &err) < 0)
		return cmd_fail(ctx, &err);
	fprintf(ctx->out, timeout ? "%s shut down\n" : "%s was asked to shut down\n", a->pos[0]);
	return 0;
}

const struct cmd_def cmd_shutdown = {
	.name = "shutdown",
	.usage = "VM",
	.summary = "graceful shutdown (guest agent or ACPI), waits until it is off",
	.opts = shutdown_opts,
	.flags = CMD_CHANGES | CMD_VM_ARG,
	.min_args = 1,
	.max_args = 1,
	.exec = shutdown_exec,
};
