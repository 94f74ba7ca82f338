/* events.c - domain lifecycle events, forwarded to a file descriptor. */
#include <errno.h>
#include <unistd.h>

#include "internal.h"

static int lifecycle_cb(virConnectPtr c, virDomainPtr d, int event, int detail, void *opaque)
{
	int fd = (int)(intptr_t)opaque;
	char b = 'e';

	(void)c;
	(void)d;
	(void)event;
	(void)detail;
	/* non-blocking pipe: when full, the reader wakes anyway */
	if (write(fd, &b, 1) < 0 && errno != EAGAIN) {
		/* nothing to do: the poll loop still refreshes on its timer */
	}
	return 0;
}

/* the daemon went away (killed, restarted, keepalive gave up): an 'e' too,
 * so the reader's next look finds the connection dead at once */
static void close_cb(virConnectPtr c, int reason, void *opaque)
{
	(void)reason;
	lifecycle_cb(c, NULL, 0, 0, opaque);
}

int eng_events_subscribe(struct eng *e, int notify_fd, struct eng_error *err)
{
	if (virConnectDomainEventRegisterAny(e->conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
					     VIR_DOMAIN_EVENT_CALLBACK(lifecycle_cb),
					     (void *)(intptr_t)notify_fd, NULL) < 0) {
		eng_err_libvirt(err, "cannot subscribe to events on %s", e->uri);
		return -1;
	}
	/* (in-process drivers have no connection to lose: refused there, harmless) */
	virConnectRegisterCloseCallback(e->conn, close_cb, (void *)(intptr_t)notify_fd, NULL);
	return 0;
}

void eng_events_close(struct eng *e)
{
	/* before the connection closes: a callback must not write to a
	 * descriptor the caller may have closed and reused by then */
	virConnectUnregisterCloseCallback(e->conn, close_cb);
}
