/* cmd_backup.c - backup VM DIR, backup list DIR [VM], restore BACKUP NAME
 * (engine/backup.c, engine/restore.c): a guest's disks kept outside it, as
 * full and incremental chains, and made again into a guest; export VM
 * FILE.ova (engine/ovaexport.c), a copy for VirtualBox and other tools. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "json.h"

static int backup_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_backup_result r;
	struct eng_error err = { 0 };
	struct cmd_job cj;
	const char *vm = a->pos[0], *dir = a->pos[1], *keep_s = cmd_opt(a, "keep");
	char removed[64][32], size[16];
	size_t n_removed = 0;
	unsigned long keep = 0;
	int rc;

	if (keep_s) {
		char *end;
		keep = strtoul(keep_s, &end, 10);
		if (*end || !keep || keep > 1000 || keep_s[0] == '-')
			return cmd_error(ctx, 2, "invalid --keep '%s': a number of chains from 1 to 1000", keep_s);
	}
	/* an older qcow2 v2 disk cannot hold the checkpoint that makes the next
	 * backup incremental: offered an upgrade when stopped, on a terminal */
	{
		char v2[256];
		enum eng_state st = ENG_ST_RUNNING;
		if (ctx->interactive && eng_domain_state(ctx->eng, vm, &st, NULL) == 0 && st == ENG_ST_SHUTOFF &&
		    eng_backup_v2_disks(ctx->eng, vm, false, v2, sizeof(v2), &err) > 0 &&
		    cmd_confirm(ctx, "%s's disk%s %s %s qcow2 v2, which cannot hold the checkpoint of incremental "
				"backups: upgrade to v3 (qemu-img amend, data and snapshots kept)?", vm,
				strchr(v2, ',') ? "s" : "", v2, strchr(v2, ',') ? "are" : "is") &&
		    eng_backup_v2_disks(ctx->eng, vm, true, v2, sizeof(v2), &err) < 0)
			return cmd_fail(ctx, &err);
	}
	cmd_job_begin(ctx, &cj, true);
	snprintf(cj.job.what, sizeof(cj.job.what), "backup of %s", vm);
	rc = eng_backup(ctx->eng, vm, dir, cmd_flag(a, "full"), &r, &err);
	cmd_job_end(&cj);
	if (rc < 0)
		return cmd_fail(ctx, &err);
	if (keep && eng_backup_prune(dir, vm, (unsigned)keep, removed, 64, &n_removed, &err) < 0)
		return cmd_fail(ctx, &err);
	eng_size_token(r.bytes, size, sizeof(size));
	if (ctx->g.json) {
		json_object *o = json_object_new_object(), *pr = json_object_new_array();
		json_object_object_add(o, "name", json_object_new_string(vm));
		json_object_object_add(o, "result", json_object_new_string("backed up"));
		json_object_object_add(o, "path", json_object_new_string(r.dir));
		json_object_object_add(o, "time", json_object_new_string(r.time));
		json_object_object_add(o, "kind", json_object_new_string(r.kind));
		json_object_object_add(o, "parent", r.parent[0] ? json_object_new_string(r.parent) : NULL);
		json_object_object_add(o, "bytes", json_object_new_int64((int64_t)r.bytes));
		json_object_object_add(o, "disks", json_object_new_int(r.n_disks));
		json_object_object_add(o, "consistency", json_object_new_string(r.consistency));
		json_object_object_add(o, "note", r.note[0] ? json_object_new_string(r.note) : NULL);
		for (size_t i = 0; i < n_removed && i < 64; i++)
			json_object_array_add(pr, json_object_new_string(removed[i]));
		json_object_object_add(o, "pruned", pr);
		cmd_json_print(ctx->out, o);
		return 0;
	}
	fprintf(ctx->out, "%s: %s backup %s (%s, %d disk%s%s%s) in %s\n", vm, r.kind, r.time, size, r.n_disks,
		r.n_disks == 1 ? "" : "s", r.parent[0] ? ", on " : "", r.parent, r.dir);
	fprintf(ctx->out, "consistency: %s\n", r.consistency);
	if (r.note[0])
		fprintf(ctx->out, "note: %s\n", r.note);
	for (size_t i = 0; i < n_removed && i < 64; i++)
		fprintf(ctx->out, "pruned %s (beyond the newest %lu chains)\n", removed[i], keep);
	return 0;
}

static const struct cmd_opt backup_opts[] = {
	{ .name = "full", .help = "a full backup, starting a new chain (default: incremental on the newest one)" },
	{ .name = "keep", .arg = "N", .help = "then remove whole chains beyond the newest N" },
	{ 0 },
};

const struct cmd_def cmd_backup = {
	.name = "backup",
	.usage = "VM DIR",
	.summary = "back up every disk of VM into DIR/VM/TIME: full first, then incremental (running or stopped)",
	.opts = backup_opts,
	.flags = CMD_CHANGES | CMD_VM_ARG | CMD_JSON,
	.min_args = 2,
	.max_args = 2,
	.exec = backup_exec,
};

static int list_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_backup_entry *v;
	struct eng_error err = { 0 };
	size_t n;

	if (a->npos > 1 && eng_name_lookup_check("VM", a->pos[1], &err) < 0)
		return cmd_error(ctx, 2, "%s", err.msg);
	if (eng_backup_list(a->pos[0], a->npos > 1 ? a->pos[1] : NULL, &v, &n, &err) < 0)
		return cmd_fail(ctx, &err);
	if (ctx->g.json) {
		json_object *arr = json_object_new_array();
		for (size_t i = 0; i < n; i++) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "vm", json_object_new_string(v[i].vm));
			json_object_object_add(o, "time", json_object_new_string(v[i].time));
			json_object_object_add(o, "path", json_object_new_string(v[i].path));
			json_object_object_add(o, "kind", json_object_new_string(v[i].kind));
			json_object_object_add(o, "parent", v[i].parent[0] ? json_object_new_string(v[i].parent) : NULL);
			json_object_object_add(o, "chain", v[i].chain[0] ? json_object_new_string(v[i].chain) : NULL);
			json_object_object_add(o, "bytes", json_object_new_int64((int64_t)v[i].bytes));
			json_object_object_add(o, "disks", json_object_new_int(v[i].n_disks));
			json_object_object_add(o, "complete", json_object_new_boolean(v[i].complete && !v[i].broken));
			json_object_object_add(o, "consistency",
					       v[i].consistency[0] ? json_object_new_string(v[i].consistency) : NULL);
			json_object_array_add(arr, o);
		}
		cmd_json_print(ctx->out, arr);
	} else {
		fprintf(ctx->out, "%-16s %-18s %-11s %-18s %8s %s\n", "VM", "TIME", "KIND", "PARENT", "BYTES", "PATH");
		for (size_t i = 0; i < n; i++) {
			char size[16];
			eng_size_token(v[i].bytes, size, sizeof(size));
			fprintf(ctx->out, "%-16s %-18s %-11s %-18s %8s %s\n", v[i].vm, v[i].time,
				v[i].broken ? "broken" : v[i].kind, v[i].parent[0] ? v[i].parent : "-",
				v[i].complete ? size : "-", v[i].path);
		}
	}
	free(v);
	return 0;
}

const struct cmd_def cmd_backup_list = {
	.name = "backup list",
	.usage = "DIR [VM]",
	.summary = "the backups in DIR (of VM): time, kind (full, incremental, incomplete), parent, bytes",
	.flags = CMD_NO_CONN | CMD_JSON,
	.min_args = 1,
	.max_args = 2,
	.exec = list_exec,
};

static int restore_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_restore_result r;
	struct eng_error err = { 0 };
	struct cmd_job cj;
	const char *from = a->pos[0], *replace = cmd_opt(a, "replace"), *name = replace ? replace : a->npos > 1 ? a->pos[1] : NULL;
	int rc;

	if (!name || (replace && a->npos > 1))
		return cmd_error(ctx, 2, "restore %s: give either NEWNAME or --replace VM", from);
	if (replace) {
		if (eng_name_lookup_check("VM", replace, &err) < 0)
			return cmd_error(ctx, 2, "%s", err.msg);
		if (!eng_domain_exists(ctx->eng, replace))
			return cmd_error(ctx, 1, "no VM named '%s'", replace);
		if (!cmd_flag(a, "yes")) {
			if (!ctx->interactive)
				return cmd_error(ctx, 1, "restore --replace %s: not confirmed (add --yes to replace its disks "
						 "without asking)", replace);
			if (!cmd_confirm(ctx, "replace the disks of %s with the backup %s?", replace, from))
				return cmd_error(ctx, 1, "restore --replace %s: cancelled", replace);
		}
	}
	cmd_job_begin(ctx, &cj, true);
	snprintf(cj.job.what, sizeof(cj.job.what), "restore of %s", name);
	rc = eng_restore(ctx->eng, from, name, replace != NULL, &r, &err);
	cmd_job_end(&cj);
	if (rc < 0)
		return cmd_fail(ctx, &err);
	if (ctx->g.json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "result", json_object_new_string(replace ? "disks replaced" : "restored"));
		json_object_object_add(o, "from", json_object_new_string(from));
		json_object_object_add(o, "from_vm", json_object_new_string(r.from_vm));
		json_object_object_add(o, "disks", json_object_new_int(r.n_disks));
		cmd_json_print(ctx->out, o);
		return 0;
	}
	if (replace)
		fprintf(ctx->out, "%s: %d disk%s replaced from %s\n", name, r.n_disks, r.n_disks == 1 ? "" : "s", from);
	else
		fprintf(ctx->out, "restored %s from %s (a backup of %s): %d disk%s, new UUID and MAC addresses\n", name,
			from, r.from_vm, r.n_disks, r.n_disks == 1 ? "" : "s");
	return 0;
}

static const struct cmd_opt restore_opts[] = {
	{ .name = "replace", .arg = "VM", .help = "put the backup's disks under the stopped VM instead (asks)" },
	{ .name = "yes", .help = "with --replace: do not ask" },
	{ 0 },
};

const struct cmd_def cmd_restore = {
	.name = "restore",
	.usage = "DIR/VM/TIME [NEWNAME]",
	.summary = "a new guest from a backup (a full one or the end of a chain), or --replace a stopped VM's disks",
	.opts = restore_opts,
	.flags = CMD_CHANGES | CMD_JSON,
	.min_args = 1,
	.max_args = 2,
	.exec = restore_exec,
};

static int export_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_export_result r;
	struct eng_error err = { 0 };
	struct cmd_job cj;
	char size[16];
	int rc;

	cmd_job_begin(ctx, &cj, true);
	snprintf(cj.job.what, sizeof(cj.job.what), "export of %s", a->pos[0]);
	rc = eng_export_ova(ctx->eng, a->pos[0], a->pos[1], &r, &err);
	cmd_job_end(&cj);
	if (rc < 0)
		return cmd_fail(ctx, &err);
	eng_size_token(r.bytes, size, sizeof(size));
	if (ctx->g.json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(a->pos[0]));
		json_object_object_add(o, "result", json_object_new_string("exported"));
		json_object_object_add(o, "file", json_object_new_string(a->pos[1]));
		json_object_object_add(o, "bytes", json_object_new_int64((int64_t)r.bytes));
		json_object_object_add(o, "cpus", json_object_new_int((int)r.cpus));
		json_object_object_add(o, "memory_mib", json_object_new_int64((int64_t)r.memory_mib));
		json_object_object_add(o, "disks", json_object_new_int(r.n_disks));
		json_object_object_add(o, "nics", json_object_new_int(r.n_nics));
		cmd_json_print(ctx->out, o);
		return 0;
	}
	fprintf(ctx->out, "exported %s to %s (%s: OVF 1.0, %u vCPU, %lluM, %d disk%s as stream-optimised VMDK, %d NIC%s)\n",
		a->pos[0], a->pos[1], size, r.cpus, r.memory_mib, r.n_disks, r.n_disks == 1 ? "" : "s", r.n_nics,
		r.n_nics == 1 ? "" : "s");
	return 0;
}

const struct cmd_def cmd_export = {
	.name = "export",
	.usage = "VM FILE.ova",
	.summary = "a stopped guest as an OVF 1.0 package (VirtualBox imports it; so does create --import)",
	.flags = CMD_VM_ARG | CMD_JSON,
	.min_args = 2,
	.max_args = 2,
	.exec = export_exec,
};
