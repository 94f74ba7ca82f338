/* output.c - errors, usage lines and y/n questions, the same for CLI and TUI. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

int cmd_error(struct cmd_ctx *ctx, int rc, const char *fmt, ...)
{
	va_list ap;
	char msg[2048];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* one line, whatever the user typed into the names it quotes */
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	fprintf(ctx->err, "vmdeck: error: %s\n", msg);
	fflush(ctx->err);
	return rc;
}

int cmd_fail(struct cmd_ctx *ctx, const struct eng_error *err)
{
	return cmd_error(ctx, 1, "%s", err->msg[0] ? err->msg : "operation failed");
}

void cmd_print_usage(FILE *f, const struct cmd_def *def)
{
	fprintf(f, "vmdeck %s%s%s", def->name, def->usage && *def->usage ? " " : "",
		def->usage ? def->usage : "");
	for (int k = 0; def->opts && def->opts[k].name; k++) {
		const struct cmd_opt *o = &def->opts[k];
		fprintf(f, " [--%s%s%s]%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "",
			o->flags & OPT_REPEAT ? "..." : "");
	}
	fputc('\n', f);
}

int cmd_usage_error(FILE *f, const struct cmd_def *def, const char *fmt, ...)
{
	va_list ap;

	fprintf(f, "vmdeck: error: %s: ", def->name);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fprintf(f, " (usage: vmdeck %s%s%s)\n", def->name, def->usage && *def->usage ? " " : "",
		def->usage ? def->usage : "");
	return 2;
}

bool cmd_confirm(struct cmd_ctx *ctx, const char *fmt, ...)
{
	char answer[16];
	va_list ap;

	if (!ctx->interactive)
		return false;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" [y/N] ", stderr);
	fflush(stderr);
	if (!fgets(answer, sizeof(answer), stdin))
		return false;
	return answer[0] == 'y' || answer[0] == 'Y';
}

int cmd_need_conn(struct cmd_ctx *ctx)
{
	if (ctx->eng)
		return 0;
	if (!ctx->connect)
		return cmd_error(ctx, 1, "not connected to libvirt");
	return ctx->connect(ctx);
}
