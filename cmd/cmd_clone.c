/* cmd_clone.c - clone SRC DST [--linked] [--start], with a progress bar on a
 * terminal; Ctrl-C or SIGTERM cancels and removes what the clone made. */
#include <string.h>

#include "cmd.h"
#include "json.h"

static const struct cmd_opt clone_opts[] = {
	{ .name = "linked", .help = "qcow2 overlays on SRC's disks (instant; SRC becomes a template)" },
	{ .name = "start", .help = "start the clone" },
	{ 0 },
};

#define CLONE_MAX_DSTS (CMD_MAX_POS - 1)

static int clone_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	static struct eng_clone_report reps[CLONE_MAX_DSTS];
	struct eng_error errs[CLONE_MAX_DSTS] = { 0 }, err = { 0 };
	int rcs[CLONE_MAX_DSTS], rc = 0;
	size_t failed = 0;
	struct cmd_job cj;
	const char *src = a->pos[0];
	const char *const *dsts = &a->pos[1];
	size_t n = (size_t)a->npos - 1;
	bool linked = cmd_flag(a, "linked");

	for (size_t i = 0; i < n; i++) {
		if (eng_name_check("VM", dsts[i], &err) < 0)
			return cmd_error(ctx, 2, "%s", err.msg);
		for (size_t k = 0; k < i; k++)
			if (strcmp(dsts[k], dsts[i]) == 0)
				return cmd_error(ctx, 2, "clone: '%s' is named twice", dsts[i]);
	}
	/* Ctrl-C and SIGTERM cancel cleanly; a full copy shows its progress */
	cmd_job_begin(ctx, &cj, !linked);
	snprintf(cj.job.what, sizeof(cj.job.what), "clone %s -> %s%s", src, dsts[0], n > 1 ? "..." : "");
	eng_domain_clone_many(ctx->eng, src, dsts, n, linked, reps, errs, rcs);
	cmd_job_end(&cj);
	for (size_t i = 0; i < n; i++) {
		if (reps[i].cleaned[0])
			fprintf(ctx->out, "note: %s\n", reps[i].cleaned);
		if (rcs[i] < 0) {
			/* one clone: its error line; a class: a line per clone on
			 * stdout, and one error line at the end */
			if (n == 1)
				return cmd_fail(ctx, &errs[i]);
			cmd_print_clean(ctx->out, errs[i].msg);
			failed++;
			continue;
		}
		fprintf(ctx->out, "%s: %s clone of %s", dsts[i], linked ? "linked" : "full", src);
		for (size_t k = 0; k < reps[i].n_disks; k++)
			fprintf(ctx->out, ", disk %s", reps[i].disks[k]);
		fputc('\n', ctx->out);
		if (cmd_flag(a, "start")) {
			if (eng_domain_act(ctx->eng, dsts[i], ENG_ACT_START, &err) < 0)
				rc = cmd_fail(ctx, &err);
			else
				fprintf(ctx->out, "%s started\n", dsts[i]);
		}
	}
	if (failed)
		return cmd_error(ctx, 1, "clone %s: %zu of %zu clones failed (each is said above)", src, failed, n);
	return rc;
}

const struct cmd_def cmd_clone = {
	.name = "clone",
	.usage = "SRC DST [DST...]",
	.summary = "full copy, or --linked qcow2 overlay; new UUID and MACs (several DSTs: a class)",
	.opts = clone_opts,
	.flags = CMD_CHANGES | CMD_VM_ARG,
	.min_args = 2,
	.max_args = CMD_MAX_POS,
	.exec = clone_exec,
};
