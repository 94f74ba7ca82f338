/* output.c - errors, usage lines and y/n questions, the same for CLI and TUI. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

/* one line, whatever the user typed (or a file said) in the names it quotes */
static void print_line(FILE *f, const char *prefix, const char *fmt, va_list ap)
{
	char msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	fprintf(f, "%s%s\n", prefix, msg);
	fflush(f);
}

void cmd_errorf(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_line(f, "vmdeck: error: ", fmt, ap);
	va_end(ap);
}

static void print_clean(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void print_clean(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_line(f, "", fmt, ap);
	va_end(ap);
}

void cmd_print_clean(FILE *f, const char *text)
{
	print_clean(f, "%s", text);
}

int cmd_error(struct cmd_ctx *ctx, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_line(ctx->err, "vmdeck: error: ", fmt, ap);
	va_end(ap);
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
	char msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cmd_errorf(f, "%s: %s (usage: vmdeck %s%s%s)", def->name, msg, def->name, def->usage && *def->usage ? " " : "",
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
