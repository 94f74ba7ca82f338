/* fleet.c - several hosts at once: one connection per host, all opened at
 * the same time, so that a slow or dead host delays none of the others.
 *
 * A connection that has not answered within the time-out is given up: its
 * thread is left to finish on its own and closes what it opened then (a
 * SIGSTOPped libvirtd accepts the socket and never answers the handshake, so
 * only a thread can bound that wait). A host's load is eng_host_load (host.c). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

struct open_slot {
	struct eng_open_opts o;
	char uri[512];
	struct eng *eng;
	struct eng_error err;
	bool done;
	struct open_batch *batch;
};

struct open_batch {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned refs;       /* the threads still running, and the caller until it leaves */
	bool abandoned;      /* the caller left: late connections close themselves */
	struct open_slot slot[];
};

static void batch_unref(struct open_batch *b)
{
	/* called with b->lock held; unlocks (and frees on the last use) */
	bool last = --b->refs == 0;

	pthread_mutex_unlock(&b->lock);
	if (last) {
		pthread_mutex_destroy(&b->lock);
		pthread_cond_destroy(&b->cond);
		free(b);
	}
}

static void *open_one(void *arg)
{
	struct open_slot *s = arg;
	struct open_batch *b = s->batch;
	struct eng *e = eng_open(&s->o, &s->err);

	pthread_mutex_lock(&b->lock);
	if (b->abandoned) {
		eng_close(e);   /* nobody waits for this host any more */
	} else {
		s->eng = e;
		s->done = true;
		pthread_cond_broadcast(&b->cond);
	}
	batch_unref(b);
	return NULL;
}

int eng_fleet_open(struct eng_fleet_host *h, size_t n, const struct eng_open_opts *base, double timeout_s)
{
	struct open_batch *b = calloc(1, sizeof(*b) + n * sizeof(b->slot[0]));
	struct timespec deadline;
	int answered = 0;

	if (!b) {
		for (size_t i = 0; i < n; i++)
			eng_err_set(&h[i].err, ENG_E_FAILED, "out of memory");
		return 0;
	}
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->cond, NULL);
	b->refs = 1;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += (time_t)timeout_s;
	deadline.tv_nsec += (long)((timeout_s - (double)(time_t)timeout_s) * 1e9);
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&b->lock);
	for (size_t i = 0; i < n; i++) {
		struct open_slot *s = &b->slot[i];
		pthread_t t;

		s->batch = b;
		s->o = *base;
		snprintf(s->uri, sizeof(s->uri), "%s", h[i].uri);
		s->o.uri = s->uri[0] ? s->uri : NULL;
		h[i].eng = NULL;
		eng_err_clear(&h[i].err);
		if (pthread_create(&t, NULL, open_one, s) != 0) {
			eng_err_set(&s->err, ENG_E_FAILED, "cannot start a thread to connect");
			s->done = true;
			continue;
		}
		pthread_detach(t);
		b->refs++;
	}
	for (;;) {
		bool all = true;
		for (size_t i = 0; i < n; i++)
			all = all && b->slot[i].done;
		if (all || pthread_cond_timedwait(&b->cond, &b->lock, &deadline) == ETIMEDOUT)
			break;
	}
	for (size_t i = 0; i < n; i++) {
		struct open_slot *s = &b->slot[i];
		if (!s->done) {
			eng_err_set(&h[i].err, ENG_E_FAILED, "%s did not answer within %.0f s",
				    h[i].uri[0] ? h[i].uri : "libvirt", timeout_s);
			continue;
		}
		h[i].eng = s->eng;
		h[i].err = s->err;
		answered += s->eng != NULL;
	}
	b->abandoned = true;
	batch_unref(b);
	return answered;
}

void eng_fleet_close(struct eng_fleet_host *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		eng_close(h[i].eng);
		h[i].eng = NULL;
	}
}
