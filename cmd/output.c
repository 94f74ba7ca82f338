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

void cmd_warnf(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_line(f, "vmdeck: warning: ", fmt, ap);
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

/* text from column `indent` on, wrapped at word boundaries before `width` */
void cmd_print_wrapped(FILE *f, const char *text, int indent, int col, int width)
{
	const char *p = text;

	while (*p) {
		size_t w = strcspn(p, " ");
		if (col > indent && col + 1 + (int)w > width) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", (int)w, p);
		col += (int)w;
		p += w;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

void cmd_synopsis(const struct cmd_def *def, bool all, char *out, size_t len)
{
	size_t o = (size_t)snprintf(out, len, "vmdeck %s%s%s", def->name, def->usage && *def->usage ? " " : "",
				    def->usage ? def->usage : "");

	for (int k = 0; def->opts && def->opts[k].name && o < len; k++) {
		const struct cmd_opt *d = &def->opts[k];
		bool req = d->flags & OPT_REQUIRED;
		if (!all && !req)
			continue;
		o += (size_t)snprintf(out + o, len - o, " %s--%s%s%s%s%s", req ? "" : "[", d->name, d->arg ? " " : "",
				      d->arg ? d->arg : "", req ? "" : "]", d->flags & OPT_REPEAT ? "..." : "");
	}
}

const struct cmd_opt cmd_names_opts[] = {
	{ .name = "names", .help = "only the names, one per line (scripts, completion)" },
	{ 0 },
};

void cmd_print_usage(FILE *f, const struct cmd_def *def)
{
	char syn[2048];

	cmd_synopsis(def, true, syn, sizeof(syn));
	cmd_print_wrapped(f, syn, 4, 0, 80);
}

void cmd_print_help(FILE *f, const struct cmd_def *def)
{
	cmd_print_usage(f, def);
	fputs("  ", f);
	cmd_print_wrapped(f, def->summary, 2, 2, 80);
	for (int k = 0; def->opts && def->opts[k].name; k++) {
		const struct cmd_opt *o = &def->opts[k];
		char flag[64], shortf[8] = "";
		if (o->short_name)
			snprintf(shortf, sizeof(shortf), "-%c, ", o->short_name);
		snprintf(flag, sizeof(flag), "%s--%s%s%s", shortf, o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		if (strlen(flag) > 28)
			fprintf(f, "    %s\n%33s", flag, "");
		else
			fprintf(f, "    %-28s ", flag);
		cmd_print_wrapped(f, o->help, 33, 33, 80);
	}
	fprintf(f, "  (global options: vmdeck --help)\n");
}

int cmd_usage_error(FILE *f, const struct cmd_def *def, const char *fmt, ...)
{
	va_list ap;
	char msg[1024], syn[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cmd_synopsis(def, false, syn, sizeof(syn));
	cmd_errorf(f, "%s: %s (usage: %s)", def->name, msg, syn);
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
