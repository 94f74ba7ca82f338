/* dispatch.c - one command line, from words to exit status: find, parse,
 * refuse what read-only forbids, connect when needed, run. Also the CLI entry. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "profiles.h"

int cmd_dispatch(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_def *def;
	struct cmd_args a;
	int words, rc;

	if (argc < 1)
		return cmd_error(ctx, 2, "no command given (see 'vmdeck help')");
	def = cmd_find(argc, argv, &words);
	if (!def) {
		char group[128], subs[512];
		int gw = 0;
		/* the longest family the words name: "net", "net forward" */
		group[0] = '\0';
		for (int i = 0; i < argc && i < 3; i++) {
			char g2[128];
			snprintf(g2, sizeof(g2), "%s%s%s", group, i ? " " : "", argv[i]);
			if (cmd_group_usage(g2, NULL) == 0)
				break;
			snprintf(group, sizeof(group), "%s", g2);
			gw = i + 1;
		}
		if (gw > 0) {
			/* FAMILY --help lists them on stdout; otherwise one error line */
			for (int i = gw; i < argc; i++)
				if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
					cmd_group_usage(group, ctx->out);
					return 0;
				}
			cmd_group_names(group, subs, sizeof(subs));
			if (argc > gw)
				return cmd_error(ctx, 2, "'%s' has no subcommand '%s' (it has: %s; see 'vmdeck %s --help')",
						 group, argv[gw], subs, group);
			return cmd_error(ctx, 2, "'%s' needs a subcommand: %s (see 'vmdeck %s --help')", group, subs,
					 group);
		}
		return cmd_error(ctx, 2, "unknown command '%s' (see 'vmdeck help')", argv[0]);
	}
	if ((rc = cmd_parse(def, argc - words, argv + words, &a, &ctx->g, ctx->err)) != 0)
		return rc;
	if (ctx->g.help) {
		ctx->g.help = false;
		cmd_print_usage(ctx->out, def);
		fprintf(ctx->out, "  %s\n", def->summary);
		return 0;
	}
	if ((def->flags & CMD_CHANGES) && ctx->g.readonly)
		return cmd_error(ctx, 1, "read-only connection: cannot %s%s%s", def->name,
				 a.npos ? " " : "", a.npos ? a.pos[0] : "");
	if (!(def->flags & CMD_NO_CONN) && (rc = cmd_need_conn(ctx)) != 0)
		return rc;
	return def->exec(ctx, &a);
}

static int cli_connect(struct cmd_ctx *ctx)
{
	struct eng_error err = { 0 };
	struct eng_open_opts o = {
		.uri = ctx->g.uri,
		.config_uri = ctx->config_uri,
		.readonly = ctx->g.readonly,
		.accel = ctx->g.accel,
	};

	if (ctx->g.embedded)
		return cmd_error(ctx, 2, "--embedded is for the TUI only: its guests live only as long "
				 "as one vmdeck process (run 'vmdeck --embedded' without a command)");
	if (!(ctx->eng = eng_open(&o, &err)))
		return cmd_fail(ctx, &err);
	return 0;
}

int cmd_cli_run(const struct cmd_global *g, int argc, char **argv)
{
	struct vmdeck_config cfg;
	struct eng_error err = { 0 };
	struct cmd_ctx ctx = {
		.g = *g,
		.out = stdout,
		.err = stderr,
		.interactive = isatty(STDIN_FILENO) && isatty(STDERR_FILENO),
		.tty_out = isatty(STDOUT_FILENO),
		.connect = cli_connect,
	};
	int rc;

	if (prof_config_load(NULL, &cfg, &err) < 0)
		return cmd_fail(&ctx, &err);
	ctx.config_uri = cfg.uri[0] ? cfg.uri : NULL;
	rc = cmd_dispatch(&ctx, argc, argv);
	fflush(stdout);
	eng_close(ctx.eng);
	return rc;
}
