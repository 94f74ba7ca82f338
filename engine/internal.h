/* internal.h - what engine/ files share; never included outside engine/. */
#ifndef VMDECK_ENGINE_INTERNAL_H
#define VMDECK_ENGINE_INTERNAL_H

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <pthread.h>

#include "engine.h"

struct eng {
	virConnectPtr conn;
	char *uri;
	const char *uri_why;
	bool readonly;
	bool embedded;
	bool local;
	struct eng_accel_choice accel;
	bool loop_running;           /* holds a use of the process's event loop thread */
	pthread_mutex_t meta_lock;   /* read-modify-write of a guest's metadata (eng_meta_lock) */
	int meta_fd;                 /* the state dir's meta.lock, shared with other vmdecks; -1 */
};

/* err = "<prefix>: <libvirt's last error>" with the code mapped. */
void eng_err_libvirt(struct eng_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Installs the silent error handler and the default event loop (once). */
void eng_libvirt_init(void);

/* Looks a guest up by name; err says "no VM named 'x'" when missing. */
virDomainPtr eng_dom_lookup(struct eng *e, const char *name, struct eng_error *err);
enum eng_state eng_state_from_libvirt(int st);
/* A device change that applies now (running) and at the next boot (persistent). */
unsigned eng_affect_flags(virDomainPtr d);
int eng_refuse_readonly(struct eng *e, const char *verb, const char *name,
			struct eng_error *err);

/* One <disk> element for a device attach: a file on target/bus, read-only
 * when device is cdrom. */
char *eng_disk_device_xml(const char *device, const char *format, const char *path, const char *target,
			  const char *bus);

/* A copied definition renamed: <name>, and the serial console's log
 * NAME-serial.log beside the old one (clone.c; clones and restores). */
struct xdoc;
void eng_domxml_rename(struct xdoc *x, const char *name);
/* A copy's own identity: no UUID, MACs, NVRAM path, backing chain, agent
 * socket path or vmdeck metadata of the original (libvirt makes new ones). */
void eng_domxml_new_identity(struct xdoc *x);

/* A whole file, NUL-terminated (malloc'd); NULL when unreadable or larger than max. */
char *eng_file_slurp(const char *path, size_t max);

/* from copied to a new file to (0600, never through a symlink, never over
 * an existing file); -1 with errno and nothing left at to on failure. */
int eng_file_copy_private(const char *from, const char *to);

/* snprintf for paths: false when the result did not fit (a cut path would
 * name another file); out is "" then. */
bool eng_pathf(char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* External snapshots where libvirt 9.0 has no internal ones (snapext.c):
 * needed for a running guest with pflash firmware. */
bool eng_snapext_needed(virDomainPtr d);
bool eng_snapext_is(virDomainSnapshotPtr s);
int eng_snapext_take(struct eng *e, virDomainPtr d, const char *vm, const char *name, const char *description,
		     struct eng_error *err);
int eng_snapext_revert(struct eng *e, virDomainPtr d, virDomainSnapshotPtr s, const char *vm,
		       struct eng_error *err);
int eng_snapext_delete(struct eng *e, virDomainPtr d, virDomainSnapshotPtr s, const char *vm,
		       struct eng_error *err);

/* Monotonic seconds, for the engine's bounded waits. */
double eng_now_s(void);

/* IPv4 addresses of a guest from one source (VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_*),
 * loopback skipped; returns the count or -1 (libvirt error left set). */
struct eng_ifaddr {
	char mac[18];
	char ipv4[16];
};
int eng_dom_addrs(virDomainPtr d, unsigned source, struct eng_ifaddr *out, int max);

/* Mode, bridge, subnet and host address of a network (netcfg's facts);
 * -1 when it does not exist. */
struct net_facts;
int eng_net_facts(struct eng *e, const char *name, struct net_facts *f, bool *active);

/* events.c: what eng_events_subscribe registered goes (eng_close) */
void eng_events_close(struct eng *e);

/* template.c: around every read-modify-write of vmdeck's metadata in a
 * guest's XML: this process's threads and every other vmdeck of the user */
void eng_meta_lock(struct eng *e);
void eng_meta_unlock(struct eng *e);

#endif
