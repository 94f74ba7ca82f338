/* migrate.c - moving a guest to another libvirt host. Running guests move
 * with their memory (--live keeps them running meanwhile), stopped ones as a
 * definition (libvirt's offline migration); the guest stays defined on the
 * destination and is undefined here only once it runs there. Like virsh, the
 * default is a managed migration (QEMU to QEMU over the network); tunnelled
 * sends it through libvirtd's own connection instead (one port, SSH works). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int eng_domain_migrate(struct eng *e, const char *vm, const char *dest, const struct eng_migrate_opts *o,
		       struct eng_error *err)
{
	virDomainPtr d = NULL, moved = NULL;
	virConnectPtr dc = NULL;
	unsigned flags = VIR_MIGRATE_PERSIST_DEST | VIR_MIGRATE_UNDEFINE_SOURCE;
	bool running;
	int ret = -1;

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
	if (o->tunnelled) {
		/* the source daemon connects to dest itself and carries the data */
		flags |= VIR_MIGRATE_PEER2PEER | VIR_MIGRATE_TUNNELLED;
		if (virDomainMigrateToURI3(d, dest, NULL, 0, flags) < 0) {
			eng_err_libvirt(err, "cannot migrate %s to %s", vm, dest);
			goto out;
		}
	} else {
		if (!(dc = virConnectOpenAuth(dest, virConnectAuthPtrDefault, 0))) {
			eng_err_libvirt(err, "cannot connect to %s", dest);
			goto out;
		}
		if (!(moved = virDomainMigrate3(d, dc, NULL, 0, flags))) {
			eng_err_libvirt(err, "cannot migrate %s to %s", vm, dest);
			goto out;
		}
	}
	ret = 0;
out:
	if (moved)
		virDomainFree(moved);
	if (dc)
		virConnectClose(dc);
	if (d)
		virDomainFree(d);
	return ret;
}
