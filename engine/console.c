/* console.c - the guest's serial console over a libvirt stream (works for remote
 * hosts too), bridged to two file descriptors on the engine's event loop. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "xmlutil.h"

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

int eng_domain_graphics(struct eng *e, const char *name, char *out, size_t len, struct eng_error *err)
{
	virDomainPtr d = eng_dom_lookup(e, name, err);
	char *xml, *type = NULL, *port = NULL, *listen = NULL;
	struct xdoc x;
	int ret = -1;

	out[0] = '\0';
	if (!d)
		return -1;
	if ((xml = virDomainGetXMLDesc(d, 0)) && xdoc_parse(&x, xml) == 0) {
		type = xdoc_str(&x, NULL, "/domain/devices/graphics[1]/@type");
		port = xdoc_str(&x, NULL, "/domain/devices/graphics[1]/@port");
		listen = xdoc_str(&x, NULL, "/domain/devices/graphics[1]/@listen");
		xdoc_free(&x);
	}
	/* a running guest has its real port; -1 means not yet assigned */
	if (type && port && atoi(port) > 0) {
		snprintf(out, len, "%s://%s:%s", type, listen && *listen ? listen : "127.0.0.1", port);
		ret = 0;
	} else {
		eng_err_set(err, ENG_E_NOT_FOUND, "VM %s has no graphical console%s", name,
			    type ? " while it is stopped" : "");
	}
	free(type);
	free(port);
	free(listen);
	free(xml);
	virDomainFree(d);
	return ret;
}

/* ---- a tap: the console's recent output, for a screen that shows it ---- */

#define TAP_SIZE 16384

struct eng_console_tap {
	virStreamPtr st;
	pthread_mutex_t lock;
	char buf[TAP_SIZE];
	size_t len;
	bool closed;
};

static void tap_append(struct eng_console_tap *t, const char *p, size_t n)
{
	if (n >= TAP_SIZE) {
		p += n - TAP_SIZE / 2;
		n = TAP_SIZE / 2;
	}
	if (t->len + n > TAP_SIZE) {
		/* keep the newer half: the screen shows the last lines only */
		size_t keep = TAP_SIZE / 2 > n ? TAP_SIZE / 2 - n : 0;
		memmove(t->buf, t->buf + t->len - keep, keep);
		t->len = keep;
	}
	memcpy(t->buf + t->len, p, n);
	t->len += n;
}

static void tap_cb(virStreamPtr st, int events, void *opaque)
{
	struct eng_console_tap *t = opaque;
	char buf[4096];
	int got = 0;

	pthread_mutex_lock(&t->lock);
	while (!t->closed && !(events & (VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP)) &&
	       (got = virStreamRecv(st, buf, sizeof(buf))) > 0)
		tap_append(t, buf, (size_t)got);
	if (got == 0 || got == -1 || (events & (VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP)))
		t->closed = true;
	pthread_mutex_unlock(&t->lock);
}

/* libvirt calls this once the callback can no longer run: only then may the tap go */
static void tap_free(void *opaque)
{
	struct eng_console_tap *t = opaque;

	pthread_mutex_destroy(&t->lock);
	free(t);
}

struct eng_console_tap *eng_console_tap_open(struct eng *e, const char *name, struct eng_error *err)
{
	struct eng_console_tap *t = NULL;
	virDomainPtr d;

	if (eng_refuse_readonly(e, "watch the console of", name, err) < 0)
		return NULL;
	if (!e->loop_running) {
		eng_err_set(err, ENG_E_FAILED, "console %s: no event loop", name);
		return NULL;
	}
	if (!(d = eng_dom_lookup(e, name, err)))
		return NULL;
	if (!(t = calloc(1, sizeof(*t))))
		goto fail;
	pthread_mutex_init(&t->lock, NULL);
	/* no FORCE: a console the user has open is theirs */
	if (!(t->st = virStreamNew(e->conn, VIR_STREAM_NONBLOCK)) ||
	    virDomainOpenConsole(d, NULL, t->st, 0) < 0) {
		eng_err_libvirt(err, "cannot watch the console of %s", name);
		goto fail;
	}
	if (virStreamEventAddCallback(t->st, VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_ERROR |
						     VIR_STREAM_EVENT_HANGUP, tap_cb, t, tap_free) < 0) {
		eng_err_libvirt(err, "cannot watch the console of %s", name);
		goto fail;
	}
	virDomainFree(d);
	return t;
fail:
	if (t) {
		if (t->st) {
			virStreamAbort(t->st);
			virStreamFree(t->st);
		}
		tap_free(t);
	}
	virDomainFree(d);
	return NULL;
}

size_t eng_console_tap_text(struct eng_console_tap *t, char *buf, size_t len)
{
	size_t n;

	pthread_mutex_lock(&t->lock);
	n = t->len < len - 1 ? t->len : len - 1;
	memcpy(buf, t->buf + t->len - n, n);
	pthread_mutex_unlock(&t->lock);
	buf[n] = '\0';
	return n;
}

bool eng_console_tap_closed(struct eng_console_tap *t)
{
	bool c;

	pthread_mutex_lock(&t->lock);
	c = t->closed;
	pthread_mutex_unlock(&t->lock);
	return c;
}

void eng_console_tap_close(struct eng_console_tap *t)
{
	virStreamPtr st;

	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	t->closed = true;
	st = t->st;
	pthread_mutex_unlock(&t->lock);
	/* removing the callback hands t to tap_free */
	virStreamEventRemoveCallback(st);
	virStreamAbort(st);
	virStreamFree(st);
}
