/* console.c - the guest's serial console over a libvirt stream (works for remote
 * hosts too), bridged to two file descriptors on the engine's event loop. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

struct bridge {
	virStreamPtr st;
	int in_fd, out_fd, in_watch;
	unsigned char escape;
	pthread_mutex_t lock;
	pthread_cond_t done_cv;
	bool done;
	char why[200];
};

static void finish(struct bridge *b, const char *why)
{
	pthread_mutex_lock(&b->lock);
	if (!b->done) {
		b->done = true;
		snprintf(b->why, sizeof(b->why), "%s", why ? why : "");
		pthread_cond_signal(&b->done_cv);
	}
	pthread_mutex_unlock(&b->lock);
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void stream_cb(virStreamPtr st, int events, void *opaque)
{
	struct bridge *b = opaque;
	char buf[4096];

	if (events & (VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP)) {
		finish(b, "the console closed");
		return;
	}
	for (;;) {
		int got = virStreamRecv(st, buf, sizeof(buf));
		if (got == -2)
			return;   /* nothing more for now */
		if (got <= 0) {
			finish(b, got == 0 ? "the guest's console closed" : "console stream error");
			return;
		}
		write_all(b->out_fd, buf, (size_t)got);
	}
}

static void input_cb(int watch, int fd, int events, void *opaque)
{
	struct bridge *b = opaque;
	char buf[1024];
	ssize_t got = read(fd, buf, sizeof(buf));

	(void)watch;
	(void)events;
	if (got <= 0) {
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			return;
		finish(b, "end of input");
		return;
	}
	for (ssize_t i = 0; i < got; i++)
		if ((unsigned char)buf[i] == b->escape) {
			got = i;
			finish(b, NULL);
			break;
		}
	for (ssize_t off = 0, tries = 0; off < got && tries < 200;) {
		int sent = virStreamSend(b->st, buf + off, (size_t)(got - off));
		if (sent == -2) {          /* stream full: the guest is slow to read */
			usleep(5000);
			tries++;
			continue;
		}
		if (sent < 0) {
			finish(b, "console stream error");
			return;
		}
		off += sent;
	}
}

int eng_console_bridge(struct eng *e, const char *name, int in_fd, int out_fd,
		       unsigned char escape, struct eng_error *err)
{
	struct bridge b = { .in_fd = in_fd, .out_fd = out_fd, .escape = escape, .in_watch = -1 };
	virDomainPtr d;
	int ret = -1;

	if (eng_refuse_readonly(e, "open the console of", name, err) < 0)
		return -1;
	if (!e->loop_running) {
		eng_err_set(err, ENG_E_FAILED, "console %s: no event loop", name);
		return -1;
	}
	if (!(d = eng_dom_lookup(e, name, err)))
		return -1;
	if (virDomainIsActive(d) != 1) {
		eng_err_set(err, ENG_E_FAILED, "console %s: the VM is not running", name);
		goto out;
	}
	pthread_mutex_init(&b.lock, NULL);
	pthread_cond_init(&b.done_cv, NULL);
	if (!(b.st = virStreamNew(e->conn, VIR_STREAM_NONBLOCK))) {
		eng_err_libvirt(err, "console %s", name);
		goto out_sync;
	}
	/* FORCE: take the console over from a stale session, as virsh console --force */
	if (virDomainOpenConsole(d, NULL, b.st, VIR_DOMAIN_CONSOLE_FORCE) < 0) {
		eng_err_libvirt(err, "cannot open the console of %s", name);
		goto out_stream;
	}
	if (virStreamEventAddCallback(b.st, VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_ERROR |
						    VIR_STREAM_EVENT_HANGUP,
				      stream_cb, &b, NULL) < 0) {
		eng_err_libvirt(err, "console %s", name);
		goto out_stream;
	}
	b.in_watch = virEventAddHandle(in_fd, VIR_EVENT_HANDLE_READABLE, input_cb, &b, NULL);
	pthread_mutex_lock(&b.lock);
	while (!b.done)
		pthread_cond_wait(&b.done_cv, &b.lock);
	pthread_mutex_unlock(&b.lock);
	if (b.in_watch >= 0)
		virEventRemoveHandle(b.in_watch);
	virStreamEventRemoveCallback(b.st);
	virStreamFinish(b.st);
	ret = 0;
	if (b.why[0] && strcmp(b.why, "end of input") != 0) {
		eng_err_set(err, ENG_E_FAILED, "console %s: %s", name, b.why);
		ret = strstr(b.why, "error") ? -1 : 0;
	}
out_stream:
	virStreamFree(b.st);
out_sync:
	pthread_mutex_destroy(&b.lock);
	pthread_cond_destroy(&b.done_cv);
out:
	virDomainFree(d);
	return ret;
}
