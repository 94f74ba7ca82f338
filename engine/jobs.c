/* jobs.c - the job attached to the calling thread (cancel flag, progress) and
 * the clock the engine's bounded waits use. */
#include <stdarg.h>
#include <time.h>

#include "internal.h"

static __thread struct eng_job *current_job;

void eng_job_attach(struct eng_job *j)
{
	current_job = j;
}

struct eng_job *eng_job_current(void)
{
	return current_job;
}

bool eng_job_cancelled(void)
{
	return current_job && current_job->cancel;
}

void eng_job_progress(int pct)
{
	if (!current_job || current_job->progress == pct)
		return;
	current_job->progress = pct;
	if (current_job->on_progress)
		current_job->on_progress(current_job);
}

void eng_job_detail(const char *fmt, ...)
{
	va_list ap;

	if (!current_job)
		return;
	va_start(ap, fmt);
	vsnprintf(current_job->detail, sizeof(current_job->detail), fmt, ap);
	va_end(ap);
}

double eng_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
