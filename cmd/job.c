/* job.c - a long CLI command as a job: Ctrl-C and SIGTERM cancel it (the
 * engine sees eng_job_cancelled() and undoes what it made), a progress bar
 * on a terminal. The TUI runs commands as jobs of its own: nothing is done
 * here then (ctx->connect is the CLI's). Used by clone, cp, exec. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

static struct eng_job *current;

static void cancel_handler(int sig)
{
	(void)sig;
	if (current)
		current->cancel = 1;
}

static void progress_bar(struct eng_job *j)
{
	char bar[31];
	int fill = j->progress * 30 / 100;

	for (int i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[30] = '\0';
	fprintf(stderr, "\r%-40.40s [%s] %3d%% %-28.28s", j->what, bar, j->progress, j->detail);
	fflush(stderr);
}

void cmd_job_begin(struct cmd_ctx *ctx, struct cmd_job *cj, bool progress)
{
	struct sigaction sa = { .sa_handler = cancel_handler };

	memset(cj, 0, sizeof(*cj));
	cj->job.progress = -1;
	if (progress && ctx->tty_out && isatty(STDERR_FILENO))
		cj->job.on_progress = progress_bar;
	if (!ctx->connect)
		return;
	cj->attached = true;
	current = &cj->job;
	sigaction(SIGINT, &sa, &cj->old_int);
	sigaction(SIGTERM, &sa, &cj->old_term);
	eng_job_attach(&cj->job);
}

void cmd_job_end(struct cmd_job *cj)
{
	if (!cj->attached)
		return;
	eng_job_attach(NULL);
	sigaction(SIGINT, &cj->old_int, NULL);
	sigaction(SIGTERM, &cj->old_term, NULL);
	current = NULL;
	cj->attached = false;
	if (cj->job.on_progress && cj->job.progress >= 0)
		fputc('\n', stderr);
}
