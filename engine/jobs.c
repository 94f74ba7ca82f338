/* jobs.c - the job attached to the calling thread: cancel flag and progress. */
#include "engine.h"

static __thread struct eng_job *current_job;

void eng_job_attach(struct eng_job *j)
{
	current_job = j;
}

bool eng_job_cancelled(void)
{
	return current_job && current_job->cancel;
}

void eng_job_progress(int pct)
{
	if (current_job)
		current_job->progress = pct;
}
