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

int eng_events_subscribe(struct eng *e, int notify_fd, struct eng_error *err)
{
	if (virConnectDomainEventRegisterAny(e->conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
					     VIR_DOMAIN_EVENT_CALLBACK(lifecycle_cb),
					     (void *)(intptr_t)notify_fd, NULL) < 0) {
		eng_err_libvirt(err, "cannot subscribe to events on %s", e->uri);
		return -1;
	}
	return 0;
}
