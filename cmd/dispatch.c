/* dispatch.c - one command line, from words to exit status: find, parse,
 * refuse what read-only forbids, connect when needed, run. Also the CLI entry. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "json.h"
#include "profiles.h"

/* the object every --json result starts from */
static json_object *result_object(const struct cmd_def *def, const struct cmd_args *a, int rc)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(a->npos ? a->pos[0] : def->name));
	json_object_object_add(o, "command", json_object_new_string(def->name));
	json_object_object_add(o, "result", json_object_new_string(rc == 0 ? "ok" : "error"));
	json_object_object_add(o, "exit_code", json_object_new_int(rc));
	return o;
}

/* Runs the command with its stdout and stderr going to out and err (both
 * closed afterwards); *redirected says whether they could be made, else it
 * ran on the usual streams. */
static int run_redirected(struct cmd_ctx *ctx, const struct cmd_def *def, const struct cmd_args *a, FILE *out,
			  FILE *err, bool *redirected)
{
	FILE *real_out = ctx->out, *real_err = ctx->err;
	int rc;

	*redirected = out && err;
	if (!*redirected) {
		if (out)
			fclose(out);
		if (err)
			fclose(err);
		return def->exec(ctx, a);
	}
	ctx->out = out;
	ctx->err = err;
	rc = def->exec(ctx, a);
	ctx->out = real_out;
	ctx->err = real_err;
	fclose(out);
	fclose(err);
	return rc;
}

/* --json for a command that prints text: its lines become one result object
 * on stdout, {"name", "command", "result": "ok"|"error", "exit_code",
 * "messages": [...], "error"}; its error line still goes to stderr too. */
static int exec_as_json(struct cmd_ctx *ctx, const struct cmd_def *def, const struct cmd_args *a)
{
	char *out_text = NULL, *err_text = NULL;
	size_t out_len = 0, err_len = 0;
	FILE *real_out = ctx->out, *real_err = ctx->err;
	json_object *o, *msgs;
	bool redirected;
	int rc = run_redirected(ctx, def, a, open_memstream(&out_text, &out_len), open_memstream(&err_text, &err_len),
				&redirected);

	if (!redirected)
		return rc;
	o = result_object(def, a, rc);
	msgs = json_object_new_array();
	for (char *save = NULL, *l = strtok_r(out_text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		json_object_array_add(msgs, json_object_new_string(l));
	json_object_object_add(o, "messages", msgs);
	/* warnings and the error line: on stderr as always, the error also here */
	if (err_len) {
		fputs(err_text, real_err);
		fflush(real_err);
		for (char *save = NULL, *l = strtok_r(err_text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			if (strncmp(l, "vmdeck: error: ", 15) == 0)
				json_object_object_add(o, "error", json_object_new_string(l + 15));
	}
	cmd_json_print(real_out, o);
	free(out_text);
	free(err_text);
	return rc;
}

/* A command with JSON of its own writes straight through (stats streams);
 * when it failed before writing anything, stdout still gets the result
 * object, so that --json output is always JSON. Its stderr passes through
 * too, and its error line is kept for that object. */
struct passthrough {
	FILE *to;
	size_t n;
	char line[600];   /* the stderr line being written, then the last error */
	size_t used;
	char error[600];
};

static ssize_t pass_write(void *c, const char *buf, size_t size)
{
	struct passthrough *k = c;
	size_t w = fwrite(buf, 1, size, k->to);

	k->n += w;
	for (size_t i = 0; i < w; i++) {
		if (buf[i] != '\n') {
			if (k->used + 1 < sizeof(k->line))
				k->line[k->used++] = buf[i];
			continue;
		}
		k->line[k->used] = '\0';
		if (strncmp(k->line, "vmdeck: error: ", 15) == 0)
			snprintf(k->error, sizeof(k->error), "%s", k->line + 15);
		k->used = 0;
	}
	return (ssize_t)w;
}

static int exec_json_native(struct cmd_ctx *ctx, const struct cmd_def *def, const struct cmd_args *a)
{
	struct passthrough ko = { .to = ctx->out }, ke = { .to = ctx->err };
	cookie_io_functions_t io = { .write = pass_write };
	FILE *out = fopencookie(&ko, "w", io), *err = fopencookie(&ke, "w", io), *real_out = ctx->out;
	bool redirected;
	int rc;

	if (out)
		setvbuf(out, NULL, _IOLBF, 0);   /* a stream of lines stays a stream */
	if (err)
		setvbuf(err, NULL, _IONBF, 0);
	rc = run_redirected(ctx, def, a, out, err, &redirected);
	if (redirected && rc != 0 && ko.n == 0) {
		json_object *o = result_object(def, a, rc);
		if (ke.error[0])
			json_object_object_add(o, "error", json_object_new_string(ke.error));
		cmd_json_print(real_out, o);
	}
	return rc;
}

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
		cmd_print_help(ctx->out, def);
		return 0;
	}
	if (ctx->g.version) {
		ctx->g.version = false;
		fprintf(ctx->out, "vmdeck %s\n", VMDECK_VERSION);
		return 0;
	}
	if (ctx->fleet_store && ctx->g.embedded && !(def->flags & CMD_NO_CONN))
		return cmd_error(ctx, 2, "--embedded is for the TUI only: its guests live only as long "
				 "as one vmdeck process (run 'vmdeck --embedded' without a command)");
	if (ctx->fleet_store && !ctx->fleet &&
	    (rc = cmd_fleet_setup(ctx, ctx->fleet_store, ctx->cfg_hosts, ctx->n_cfg_hosts)) != 0)
		return rc;
	if ((def->flags & CMD_CHANGES) && ctx->g.readonly)
		return cmd_error(ctx, 1, "read-only connection: cannot %s%s%s", def->name,
				 a.npos ? " " : "", a.npos ? a.pos[0] : "");
	if (!(def->flags & CMD_NO_CONN) && ((rc = cmd_fleet_route(ctx, def, &a)) != 0 ||
					     (!(def->flags & CMD_FLEET) && (rc = cmd_need_conn(ctx)) != 0)))
		return rc;
	if (ctx->g.json && !(def->flags & CMD_JSON))
		return exec_as_json(ctx, def, &a);
	if (ctx->g.json)
		return exec_json_native(ctx, def, &a);
	return def->exec(ctx, &a);
}

static int cli_connect(struct cmd_ctx *ctx)
{
	if (!ctx->fleet)
		return cmd_error(ctx, 1, "not connected to libvirt");
	/* a command that names no guest works on the first host in use */
	return cmd_fleet_use(ctx, ctx->fleet->current >= 0 ? ctx->fleet->current : 0);
}

int cmd_cli_run(const struct cmd_global *g, int argc, char **argv)
{
	static struct vmdeck_config cfg;   /* large; one per process */
	static struct cmd_fleet fleet;
	struct eng_error err = { 0 };
	struct cmd_ctx ctx = {
		.g = *g,
		.out = stdout,
		.err = stderr,
		.interactive = isatty(STDIN_FILENO) && isatty(STDERR_FILENO),
		.tty_out = isatty(STDOUT_FILENO),
		.connect = cli_connect,
	};
	int rc, words;
	const struct cmd_def *def = argc > 0 ? cmd_find(argc, argv, &words) : NULL;

	memset(&cfg, 0, sizeof(cfg));

	/* help, version and completion work whatever the config file holds */
	if (!def || !(def->flags & CMD_NO_CONFIG)) {
		if (prof_config_load(NULL, &cfg, &err) < 0)
			return cmd_fail(&ctx, &err);
		for (int i = 0; i < cfg.n_warnings; i++)
			fprintf(stderr, "vmdeck: warning: %s\n", cfg.warnings[i]);
		ctx.config_uri = cfg.uri[0] ? cfg.uri : NULL;
	}
	ctx.fleet_store = &fleet;
	ctx.cfg_hosts = cfg.hosts;
	ctx.n_cfg_hosts = cfg.n_hosts;
	rc = cmd_dispatch(&ctx, argc, argv);
	fflush(stdout);
	if (ctx.fleet)
		cmd_fleet_close(ctx.fleet);   /* ctx.eng is one of its hosts */
	return rc;
}
