/* migrate.c - moving a guest to another libvirt host. Running guests move
 * with their memory (--live keeps them running meanwhile), stopped ones as a
 * definition (libvirt's offline migration); the guest stays defined on the
 * destination and is undefined here only once it runs there. Like virsh, the
 * default is a managed migration (QEMU to QEMU over the network); tunnelled
 * sends it through libvirtd's own connection instead (one port, SSH works). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/uri.h>

#include "internal.h"
#include "template.h"

static int check_uri(struct eng *e, const char *dest, struct eng_error *err)
{
	xmlURIPtr u = xmlParseURI(dest);
	bool ok = u && u->scheme && *u->scheme;

	xmlFreeURI(u);
	if (!ok) {
		eng_err_set(err, ENG_E_INVALID, "destination '%s' is not a libvirt URI (e.g. qemu+ssh://host/system)",
			    dest);
		return -1;
	}
	if (strcmp(dest, e->uri) == 0) {
		eng_err_set(err, ENG_E_INVALID, "destination %s is the connection the guest is on", dest);
		return -1;
	}
	return 0;
}

/* one migration call on a thread of its own, so that the job's thread can
 * show progress and abort it */
struct migrate_call {
	virDomainPtr d;
	virConnectPtr dc;        /* NULL: peer to peer to uri */
	const char *uri;
	unsigned flags;
	int rc;
	volatile int done;
	virErrorPtr error;
};

static void *migrate_main(void *p)
{
	struct migrate_call *c = p;
	virDomainPtr moved = NULL;

	if (c->dc) {
		moved = virDomainMigrate3(c->d, c->dc, NULL, 0, c->flags);
		c->rc = moved ? 0 : -1;
	} else {
		c->rc = virDomainMigrateToURI3(c->d, c->uri, NULL, 0, c->flags);
	}
	if (c->rc < 0)
		c->error = virSaveLastError();
	if (moved)
		virDomainFree(moved);
	c->done = 1;
	return NULL;
}

/* runs the call, polling the job's progress every 100 ms; the job's cancel
 * aborts libvirt's migration job (which leaves the guest on the source) */
static int migrate_run(struct migrate_call *c, bool *cancelled)
{
	pthread_t t;

	*cancelled = false;
	if (pthread_create(&t, NULL, migrate_main, c) != 0) {
		migrate_main(c);
		return c->rc;
	}
	unsigned long long last_done = 0;
	double last_t = eng_now_s(), rate = 0;
	while (!c->done) {
		virDomainJobInfo ji;
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		nanosleep(&ts, NULL);
		if (eng_job_cancelled() && !*cancelled) {
			*cancelled = true;
			virDomainAbortJob(c->d);
		}
		if (virDomainGetJobInfo(c->d, &ji) == 0 && ji.type == VIR_DOMAIN_JOB_UNBOUNDED && ji.dataTotal) {
			double now = eng_now_s();
			char left[24], per_s[24];
			/* the rate over the last second or so: what the next seconds will look like */
			if (now - last_t >= 1.0) {
				rate = ji.dataProcessed > last_done ? (double)(ji.dataProcessed - last_done) / (now - last_t) : 0;
				last_done = ji.dataProcessed;
				last_t = now;
			}
			eng_size_token(ji.dataRemaining, left, sizeof(left));
			eng_size_token((unsigned long long)rate, per_s, sizeof(per_s));
			eng_job_detail("%s left at %s/s", left, per_s);
			eng_job_progress((int)((ji.dataTotal - ji.dataRemaining) * 100 / ji.dataTotal));
		}
	}
	pthread_join(t, NULL);
	return c->rc;
}

int eng_domain_migrate(struct eng *e, const char *vm, const char *dest, const struct eng_migrate_opts *o,
		       struct eng_error *err)
{
	virDomainPtr d = NULL;
	virConnectPtr dc = NULL;
	unsigned flags = VIR_MIGRATE_PERSIST_DEST | VIR_MIGRATE_UNDEFINE_SOURCE;
	struct migrate_call c = { 0 };
	bool running, cancelled = false, tunnel = o->tunnelled;
	int ret = -1;

	if (o->used_tunnel)
		*o->used_tunnel = false;
	if (eng_refuse_readonly(e, "migrate", vm, err) < 0 || check_uri(e, dest, err) < 0 ||
	    eng_template_refuse(e, vm, "migrate", err) < 0 || !(d = eng_dom_lookup(e, vm, err)))
		return -1;
	running = virDomainIsActive(d) == 1;
	if (!running && (o->live || o->copy_storage)) {
		eng_err_set(err, ENG_E_INVALID, "%s is not running: a stopped guest moves as its definition "
			    "(copy its disks yourself; --live and --copy-storage are for running guests)", vm);
		goto out;
	}
	if (!running)
		flags |= VIR_MIGRATE_OFFLINE;
	if (o->live)
		flags |= VIR_MIGRATE_LIVE;
	if (o->copy_storage)
		flags |= VIR_MIGRATE_NON_SHARED_DISK;
	c.d = d;
	c.uri = dest;
	if (!tunnel) {
		if (!(dc = virConnectOpenAuth(dest, virConnectAuthPtrDefault, 0))) {
			eng_err_libvirt(err, "cannot connect to %s", dest);
			goto out;
		}
		c.dc = dc;
		c.flags = flags;
		/* an offline move carries no data: the tunnel would not change a thing */
		/* (an unsafe one, storage not shared, would be as unsafe tunnelled) */
		if (migrate_run(&c, &cancelled) < 0 && !cancelled && o->tunnel_fallback && running &&
		    !(c.error && c.error->code == VIR_ERR_MIGRATE_UNSAFE)) {
			if (c.error)
				virFreeError(c.error);
			c.error = NULL;
			tunnel = true;
		}
	}
	if (tunnel && !cancelled) {
		/* the source daemon connects to dest itself and carries the data */
		c.dc = NULL;
		c.flags = flags | VIR_MIGRATE_PEER2PEER | VIR_MIGRATE_TUNNELLED;
		c.done = 0;
		migrate_run(&c, &cancelled);
		if (o->used_tunnel)
			*o->used_tunnel = true;
	}
	if (c.rc < 0) {
		if (cancelled)
			eng_err_set(err, ENG_E_CANCELLED, "migration of %s cancelled: it keeps running here", vm);
		else if (c.error && c.error->code == VIR_ERR_MIGRATE_UNSAFE && !o->copy_storage)
			eng_err_set(err, ENG_E_FAILED, "cannot migrate %s to %s: its disks are not on storage both hosts "
				    "share (%s): add --copy-storage to copy them with the guest; nothing moved", vm, dest,
				    c.error->message ? c.error->message : "libvirt says unsafe");
		else
			eng_err_set(err, ENG_E_FAILED, "cannot migrate %s to %s: %s", vm, dest,
				    c.error && c.error->message ? c.error->message : "libvirt gave no reason");
		goto out;
	}
	ret = 0;
out:
	if (c.error)
		virFreeError(c.error);
	if (dc)
		virConnectClose(dc);
	if (d)
		virDomainFree(d);
	return ret;
}
