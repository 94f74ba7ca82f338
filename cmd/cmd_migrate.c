/* cmd_migrate.c - migrate VM DEST: move a guest to another libvirt host
 * (a [hosts] name or a URI), after checking that it fits there. */
#include <string.h>

#include "cmd.h"

static const struct cmd_opt migrate_opts[] = {
	{ .name = "live", .help = "keep the guest running while its memory moves (the default for running guests)" },
	{ .name = "copy-storage", .help = "copy its disks as well (when the hosts share no storage)" },
	{ .name = "tunnelled", .help = "carry the data in libvirt's connection (peer to peer; no QEMU ports)" },
	{ .name = "force", .help = "move it even when the destination lacks the free memory or the vCPUs" },
	{ 0 },
};

int cmd_fit_check(struct cmd_ctx *ctx, const char *vm, const struct eng_dom_info *i, const char *src_name,
		  struct eng *src, const char *dst_name, struct eng *dst)
{
	struct eng_host_load ls, ld;
	struct eng_error err = { 0 };
	unsigned long long need = i->s.state == ENG_ST_SHUTOFF ? i->mem_config_mib : i->mem_live_mib;
	unsigned cpus = i->s.state == ENG_ST_SHUTOFF ? i->cpus_config : i->cpus_live;

	if (eng_host_load(dst, &ld, &err) < 0 || eng_host_load(src, &ls, &err) < 0)
		return cmd_fail(ctx, &err);
	if (ld.mem_free_kib / 1024 >= need && ld.cpus >= cpus)
		return 0;
	return cmd_error(ctx, 1, "migrate %s: %s has %llu MiB free and %u CPUs; %s needs %llu MiB and %u vCPU%s "
			 "(%s: %llu MiB free, %u CPUs); nothing moved (--force moves it anyway)", vm, dst_name,
			 ld.mem_free_kib / 1024, ld.cpus, vm, need, cpus, cpus == 1 ? "" : "s", src_name,
			 ls.mem_free_kib / 1024, ls.cpus);
}

/* A running guest's disks are where the destination looks for them: a disk
 * the destination surely lacks (its pool there has no such file) needs
 * --copy-storage, said before anything moves; with it, libvirt makes the
 * missing volumes in that pool, so vmdeck's pool is made there if needed. */
static int disks_check(struct cmd_ctx *ctx, const char *vm, const struct eng_dom_info *i, const char *dest,
		       struct eng *dst, bool copy)
{
	struct eng_error err = { 0 };
	char pool[900];

	for (size_t k = 0; !copy && k < i->n_disks; k++) {
		const struct eng_disk *d = &i->disks[k];
		if (d->source && d->device && strcmp(d->device, "disk") == 0 && eng_vol_absent(dst, d->source))
			return cmd_error(ctx, 1, "migrate %s: %s has no %s (its disk %s; no shared storage): add "
					 "--copy-storage to copy it with the guest; nothing moved", vm, dest, d->source,
					 d->target ? d->target : "?");
	}
	if (copy && !eng_is_readonly(dst) && eng_pool_ensure(dst, pool, sizeof(pool), &err) < 0)
		return cmd_error(ctx, 1, "migrate %s: %s", vm, err.msg);
	return 0;
}

static int migrate_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *vm = a->pos[0], *dest = a->pos[1], *dest_uri = cmd_fleet_known_uri(ctx, dest);
	const char *src_name = ctx->fleet ? cmd_fleet_host_name(ctx) : "this host";
	struct eng_migrate_opts o = { .copy_storage = cmd_flag(a, "copy-storage"), .tunnelled = cmd_flag(a, "tunnelled") };
	struct eng_error err = { 0 };
	struct eng_dom_info info;
	struct eng *dst = NULL;
	struct cmd_job cj;
	bool own_dst = false, tunnel = false;
	int rc = 0, k = ctx->fleet && dest_uri ? cmd_fleet_index(ctx->fleet, dest) : -1;

	if (!dest_uri)
		dest_uri = dest;   /* a URI */
	if (eng_domain_info(ctx->eng, vm, &info, &err) < 0)
		return cmd_fail(ctx, &err);
	o.live = info.s.state == ENG_ST_RUNNING || info.s.state == ENG_ST_PAUSED;
	if (cmd_flag(a, "live") && !o.live) {
		eng_dom_info_free(&info);
		return cmd_error(ctx, 1, "%s is not running: a stopped guest moves as its definition "
				 "(--live and --copy-storage are for running guests)", vm);
	}
	/* a host of [hosts] (or a URI) that vmdeck reaches: both directions of
	 * traffic may not be open between the hosts, so the tunnel is tried next */
	o.tunnel_fallback = !o.tunnelled;
	o.used_tunnel = &tunnel;
	if (!cmd_flag(a, "force") && strcmp(dest_uri, eng_uri(ctx->eng)) != 0 && strchr(dest_uri, ':')) {
		if (k >= 0) {
			if (!(dst = cmd_fleet_eng(ctx, k)))
				rc = cmd_error(ctx, 1, "migrate %s: host %s does not answer; nothing moved", vm, dest);
		} else {
			struct eng_open_opts oo = { .uri = dest_uri, .readonly = true };
			if (!(dst = eng_open(&oo, &err)))
				rc = cmd_fail(ctx, &err);
			own_dst = dst != NULL;
		}
		if (rc == 0)
			rc = cmd_fit_check(ctx, vm, &info, src_name, ctx->eng, dest, dst);
		if (rc == 0 && o.live)
			rc = disks_check(ctx, vm, &info, dest, dst, o.copy_storage);
	}
	eng_dom_info_free(&info);
	if (own_dst)
		eng_close(dst);
	if (rc)
		return rc;
	cmd_job_begin(ctx, &cj, true);
	snprintf(cj.job.what, sizeof(cj.job.what), "migrate %s to %s", vm, dest);
	rc = eng_domain_migrate(ctx->eng, vm, dest_uri, &o, &err);
	cmd_job_end(&cj);
	if (rc < 0)
		return cmd_fail(ctx, &err);
	fprintf(ctx->out, "%s moved from %s to %s%s%s\n", vm, src_name, dest, o.live ? " (live)" : " (its definition)",
		tunnel ? " through libvirtd's tunnel" : "");
	return 0;
}

const struct cmd_def cmd_migrate = {
	.name = "migrate",
	.usage = "VM DEST",
	.summary = "move a guest to another host (a [hosts] name or a libvirt URI): live when running, "
		   "after checking it fits",
	.opts = migrate_opts,
	.flags = CMD_CHANGES | CMD_VM_ARG,
	.min_args = 2,
	.max_args = 2,
	.exec = migrate_exec,
};
