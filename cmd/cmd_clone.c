/* cmd_clone.c - clone SRC DST [--linked] [--start], with a progress bar on a
 * terminal; Ctrl-C or SIGTERM cancels and removes what the clone made. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "json.h"

static struct eng_job *clone_job;

static void cancel_handler(int sig)
{
	(void)sig;
	if (clone_job)
		clone_job->cancel = 1;
}

static void progress_bar(struct eng_job *j)
{
	char bar[41];
	int fill = j->progress * 40 / 100;

	for (int i = 0; i < 40; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[40] = '\0';
	fprintf(stderr, "\r%s [%s] %3d%%", j->what, bar, j->progress);
	fflush(stderr);
}

static const struct cmd_opt clone_opts[] = {
	{ .name = "linked", .help = "qcow2 overlays on SRC's disks (instant; SRC becomes a template)" },
	{ .name = "start", .help = "start the clone" },
	{ 0 },
};

static int clone_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_clone_report rep;
	struct eng_error err = { 0 };
	struct eng_job job = { .progress = -1 };
	struct sigaction sa = { .sa_handler = cancel_handler }, old_int, old_term;
	const char *src = a->pos[0], *dst = a->pos[1];
	bool linked = cmd_flag(a, "linked");
	int rc;

	if (eng_name_check("VM", dst, &err) < 0)
		return cmd_error(ctx, 2, "%s", err.msg);
	snprintf(job.what, sizeof(job.what), "clone %s -> %s", src, dst);
	if (ctx->tty_out && isatty(STDERR_FILENO) && !linked)
		job.on_progress = progress_bar;
	/* the TUI runs commands as jobs of its own; the CLI (which connects
	 * itself) attaches one here so that Ctrl-C and SIGTERM cancel cleanly */
	if (ctx->connect) {
		clone_job = &job;
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
		eng_job_attach(&job);
	}
	rc = eng_domain_clone(ctx->eng, src, dst, linked, &rep, &err);
	if (ctx->connect) {
		eng_job_attach(NULL);
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		clone_job = NULL;
		if (job.on_progress && job.progress >= 0)
			fputc('\n', stderr);
	}
	if (rep.cleaned[0])
		fprintf(ctx->err, "vmdeck: note: %s\n", rep.cleaned);
	if (rc < 0)
		return cmd_fail(ctx, &err);
	fprintf(ctx->out, "%s: %s clone of %s", dst, linked ? "linked" : "full", src);
	for (size_t i = 0; i < rep.n_disks; i++)
		fprintf(ctx->out, ", disk %s", rep.disks[i]);
	fputc('\n', ctx->out);
	if (cmd_flag(a, "start")) {
		if (eng_domain_act(ctx->eng, dst, ENG_ACT_START, &err) < 0)
			return cmd_fail(ctx, &err);
		fprintf(ctx->out, "%s started\n", dst);
	}
	return 0;
}

const struct cmd_def cmd_clone = {
	.name = "clone",
	.usage = "SRC DST",
	.summary = "full copy, or --linked qcow2 overlay; new UUID and MACs",
	.opts = clone_opts,
	.flags = CMD_CHANGES | CMD_VM_ARG,
	.min_args = 2,
	.max_args = 2,
	.exec = clone_exec,
};
