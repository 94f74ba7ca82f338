/* cmd_exec.c - exec VM [--timeout S] -- CMD [ARG...]: CMD run in the guest by
 * qemu-guest-agent (argv as given, no shell unless CMD is one); its stdout and
 * stderr on vmdeck's, and vmdeck exits with its status. --timeout kills it in
 * the guest (exit 124, as timeout(1)); --json: {name, exit_code, stdout,
 * stderr, duration_s}. */
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "json.h"

#define EXEC_TIMED_OUT 124

static const struct cmd_opt exec_opts[] = {
	{ .name = "timeout", .arg = "S", .help = "kill the command in the guest after S seconds (exit 124)" },
	{ 0 },
};

static void write_all(FILE *f, const char *p, size_t n)
{
	fwrite(p, 1, n, f);
	fflush(f);
}

static int exec_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_exec_result r;
	struct eng_error err = { 0 };
	struct cmd_job cj;
	const char *t = cmd_opt(a, "timeout");
	double timeout = 0;
	int rc;

	if (a->npos < 2)
		return cmd_error(ctx, 2, "exec %s: no command (vmdeck exec VM -- CMD [ARG...])", a->pos[0]);
	if (t && eng_seconds_parse("--timeout", t, 0.1, 86400, &timeout, &err) < 0)
		return cmd_error(ctx, 2, "%s", err.msg);
	/* Ctrl-C kills the command in the guest too, then vmdeck ends */
	cmd_job_begin(ctx, &cj, false);
	rc = eng_guest_run(ctx->eng, a->pos[0], &a->pos[1], timeout, &r, &err);
	cmd_job_end(&cj);
	if (rc < 0) {
		eng_exec_result_free(&r);
		cmd_fail(ctx, &err);
		return err.code == ENG_E_TIMEOUT ? EXEC_TIMED_OUT : 1;
	}
	if (ctx->g.json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(a->pos[0]));
		json_object_object_add(o, "exit_code", json_object_new_int(r.exit_code));
		json_object_object_add(o, "stdout", json_object_new_string_len(r.out, (int)r.out_len));
		json_object_object_add(o, "stderr", json_object_new_string_len(r.err, (int)r.err_len));
		json_object_object_add(o, "duration_s", json_object_new_double((double)(long long)(r.duration_s * 1000 + 0.5) / 1000));
		if (r.signal)
			json_object_object_add(o, "signal", json_object_new_int(r.signal));
		if (r.truncated)
			json_object_object_add(o, "truncated", json_object_new_boolean(true));
		cmd_json_print(ctx->out, o);
	} else {
		write_all(ctx->out, r.out, r.out_len);
		write_all(ctx->err, r.err, r.err_len);
		if (r.truncated)
			fprintf(ctx->err, "vmdeck: warning: exec %s: the guest agent kept only the first part of the output\n",
				a->pos[0]);
	}
	rc = r.exit_code < 0 ? 1 : r.exit_code;
	eng_exec_result_free(&r);
	return rc;
}

const struct cmd_def cmd_exec = {
	.name = "exec",
	.usage = "VM -- CMD [ARG...]",
	.summary = "run CMD in the guest through its agent (no shell unless CMD is one); its output, its exit status",
	.opts = exec_opts,
	.flags = CMD_CHANGES | CMD_VM_ARG | CMD_JSON,
	.min_args = 1,
	.max_args = CMD_MAX_POS,
	.exec = exec_exec,
};
