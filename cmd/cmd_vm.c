/* cmd_vm.c - guests as a whole: list, info, create, delete, set, ip, console. */
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include "cmd.h"
#include "json.h"
#include "profiles.h"

/* ---- list ---- */

static const struct cmd_opt list_opts[] = {
	{ .name = "all", .help = "include shut-off guests" },
	{ .name = "names", .help = "only the names, one per line (scripts, completion)" },
	{ 0 },
};

static void join_ips(const char (*ips)[16], int n, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		size_t used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s", i ? "," : "", ips[i]);
	}
	if (n == 0)
		snprintf(buf, len, "-");
}

struct list_job {
	bool all;
	struct eng_dom_summary *v[CMD_MAX_HOSTS];
	size_t n[CMD_MAX_HOSTS];
	struct eng_error err[CMD_MAX_HOSTS];
};

static int list_one(struct eng *e, int host, void *arg)
{
	struct list_job *j = arg;

	return eng_domain_list(e, j->all, true, &j->v[host], &j->n[host], &j->err[host]);
}

/* every host in use at once; rows in host order, then by name (each host's
 * list comes sorted); a host that does not answer is a warning line */
static int list_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct list_job j = { .all = cmd_flag(a, "all") };
	int rcs[CMD_MAX_HOSTS], listed = 0;
	size_t hosts = cmd_fleet_count(ctx);
	bool multi = hosts > 1;
	json_object *arr = ctx->g.json ? json_object_new_array() : NULL;

	if (cmd_fleet_connect(ctx) == 0) {
		json_object_put(arr);
		return 1;
	}
	cmd_fleet_each(ctx, list_one, &j, rcs);
	for (size_t h = 0; h < hosts; h++) {
		if (rcs[h] < 0 && j.err[h].msg[0])
			cmd_warnf(ctx->err, "host %s: %s", cmd_fleet_name(ctx, (int)h), j.err[h].msg);
		listed += rcs[h] == 0;
	}
	if (listed == 0) {
		json_object_put(arr);
		return cmd_error(ctx, 1, "no host listed its guests");
	}
	if (!arr && !cmd_flag(a, "names"))
		fprintf(ctx->out, "%s%-24s %-11s %5s %10s  %s\n", multi ? "HOST         " : "", "NAME", "STATE", "CPUS",
			"MEMORY", "IPV4");
	for (size_t h = 0; h < hosts; h++) {
		const char *host = cmd_fleet_name(ctx, (int)h);
		for (size_t i = 0; rcs[h] == 0 && i < j.n[h]; i++) {
			const struct eng_dom_summary *d = &j.v[h][i];
			char mem[32], ips[160];
			if (arr) {
				json_object *o = cmd_json_summary(d);
				json_object_object_add(o, "host", json_object_new_string(host));
				json_object_array_add(arr, o);
			} else if (cmd_flag(a, "names")) {
				/* for scripts and completion: one name per line (HOST:VM across hosts) */
				fprintf(ctx->out, "%s%s%s\n", multi ? host : "", multi ? ":" : "", d->name);
			} else {
				eng_size_token(d->memory_mib << 20, mem, sizeof(mem));
				join_ips(d->ipv4, d->n_ipv4, ips, sizeof(ips));
				if (multi)
					fprintf(ctx->out, "%-12s ", host);
				fprintf(ctx->out, "%-24s %-11s %5u %10s  %s\n", d->name, eng_state_name(d->state), d->cpus,
					mem, ips);
			}
		}
		free(j.v[h]);
	}
	if (arr)
		cmd_json_print(ctx->out, arr);
	return 0;
}

const struct cmd_def cmd_list = {
	.name = "list",
	.usage = "",
	.summary = "guests: name, state, vCPUs, memory, IPv4 (running ones; --all adds shut-off)",
	.opts = list_opts,
	.max_args = 0,
	.flags = CMD_JSON | CMD_FLEET,
	.exec = list_exec,
};

/* ---- info ---- */

static void print_triple(FILE *f, const char *label, unsigned long long live,
			 unsigned long long config, unsigned long long max, const char *unit)
{
	fprintf(f, "%-12s %llu%s", label, live, unit);
	if (config != live)
		fprintf(f, " now, %llu%s on next boot", config, unit);
	fprintf(f, " (max %llu%s)\n", max, unit);
}

static int info_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_dom_info i;
	struct eng_error err = { 0 };
	FILE *f = ctx->out;

	if (eng_domain_info(ctx->eng, a->pos[0], &i, &err) < 0)
		return cmd_fail(ctx, &err);
	if (ctx->g.json) {
		cmd_json_print(f, cmd_json_info(&i, eng_accel(ctx->eng)));
		eng_dom_info_free(&i);
		return 0;
	}
	fprintf(f, "%-12s %s\n", "name", i.s.name);
	fprintf(f, "%-12s %s\n", "uuid", i.s.uuid);
	fprintf(f, "%-12s %s%s\n", "state", eng_state_name(i.s.state),
		i.managed_save ? " (saved: start restores it)" : "");
	print_triple(f, "vCPUs", i.cpus_live, i.cpus_config, i.cpus_max, "");
	print_triple(f, "memory", i.mem_live_mib, i.mem_config_mib, i.mem_max_mib, " MiB");
	fprintf(f, "%-12s %s (%s)\n", "virt type", i.virt_type ? i.virt_type : "?",
		eng_accel(ctx->eng)->accel);
	fprintf(f, "%-12s %s\n", "firmware", i.firmware ? i.firmware : "?");
	fprintf(f, "%-12s %s\n", "autostart", i.s.autostart ? "on" : "off");
	fprintf(f, "%-12s %s\n", "persistent", i.s.persistent ? "yes" : "no (transient)");
	if (i.kernel)
		fprintf(f, "%-12s %s\n", "kernel", i.kernel);
	for (size_t k = 0; k < i.n_disks; k++) {
		const struct eng_disk *d = &i.disks[k];
		char cap[32] = "";
		if (d->capacity)
			eng_size_format(d->capacity, cap, sizeof(cap));
		fprintf(f, "%-12s %s %s %s %s%s%s%s%s\n", k ? "" : "disks", d->target ? d->target : "?",
			d->device ? d->device : "?", d->format ? d->format : "?",
			d->source ? d->source : "(empty)", cap[0] ? " " : "", cap,
			d->backing ? " backed by " : "", d->backing ? d->backing : "");
	}
	if (i.n_disks == 0)
		fprintf(f, "%-12s none\n", "disks");
	for (size_t k = 0; k < i.n_nics; k++) {
		const struct eng_nic *n = &i.nics[k];
		char ips[160];
		join_ips(n->ipv4, n->n_ipv4, ips, sizeof(ips));
		fprintf(f, "%-12s %s %s %s %s\n", k ? "" : "nics", n->mac ? n->mac : "?",
			n->type ? n->type : "?", n->network ? n->network : "-", ips);
	}
	if (i.n_nics == 0)
		fprintf(f, "%-12s none\n", "nics");
	fprintf(f, "%-12s %d%s%s\n", "snapshots", i.n_snapshots,
		i.current_snapshot ? ", current " : "", i.current_snapshot ? i.current_snapshot : "");
	fprintf(f, "%-12s %s\n", "guest agent", i.has_agent_channel ? "channel present" : "no channel");
	eng_dom_info_free(&i);
	return 0;
}

const struct cmd_def cmd_info = {
	.name = "info",
	.usage = "VM",
	.summary = "state, vCPUs and memory (live/config/max), disks, NICs, accel, snapshots",
	.flags = CMD_VM_ARG | CMD_JSON,
	.min_args = 1,
	.max_args = 1,
	.exec = info_exec,
};

/* ---- create ---- */

static const struct cmd_opt create_opts[] = {
	{ .name = "cpus", .arg = "N", .help = "virtual CPUs (default 1)" },
	{ .name = "memory", .arg = "SIZE", .help = "memory, MiB when bare (default 512)" },
	{ .name = "disk", .arg = "SIZE", .help = "new qcow2 disk in the vmdeck pool, GiB when bare" },
	{ .name = "import", .arg = "DISK", .help = "existing qcow2/raw disk, copied into the pool" },
	{ .name = "in-place", .help = "with --import: use the disk where it is, do not copy" },
	{ .name = "iso", .arg = "PATH", .help = "install media, booted first (10 GiB disk unless --disk)" },
	{ .name = "kernel", .arg = "FILE", .help = "direct kernel boot" },
	{ .name = "initrd", .arg = "FILE", .help = "initrd for --kernel" },
	{ .name = "cmdline", .arg = "TEXT", .help = "kernel command line for --kernel" },
	{ .name = "network", .arg = "NET", .help = "attach a NIC to NET (repeatable; 'none' for no NIC)",
	  .flags = OPT_REPEAT },
	{ .name = "max-cpus", .arg = "N", .help = "vCPU maximum for later hot-plug" },
	{ .name = "max-memory", .arg = "SIZE", .help = "memory maximum for later ballooning up" },
	{ .name = "start", .help = "start it once created" },
	{ .name = "wait-ip", .help = "with --start: wait for its IPv4 address and print it" },
	{ .name = "force", .help = "allow more vCPUs/memory than the host has, a disk beyond the pool's free space" },
	{ .name = "firmware", .arg = "bios|uefi", .help = "boot firmware (uefi: OVMF, when installed; default bios)" },
	{ .name = "graphics", .arg = "vnc|none", .help = "a screen on VNC at the host's loopback (default vnc; see display)" },
	{ .name = "profile", .arg = "P", .help = "start from an INI preset (vmdeck profile list); options override it" },
	{ .name = "os", .arg = "ID", .help = "libosinfo short id (debian11, win10): its recommended memory, vCPUs, disk" },
	{ .name = "linked-to", .arg = "VM", .help = "qcow2 overlays on VM's disks (VM becomes a template)" },
	{ .name = "cloud-init", .help = "attach a cloud-init NoCloud seed (hostname, qemu-guest-agent installed)" },
	{ .name = "cloud-user", .arg = "NAME", .help = "seed: a user with sudo (implies --cloud-init)" },
	{ .name = "cloud-password-file", .arg = "FILE", .help = "seed: the user's password, first line (stored hashed)" },
	{ .name = "cloud-ssh-key", .arg = "FILE", .help = "seed: the user's SSH public key(s)" },
	{ .name = "cloud-hostname", .arg = "NAME", .help = "seed: hostname (default: the VM's name)" },
	{ 0 },
};

#define CREATE_WAIT_IP_S 180.0

static int parse_size_opt(struct cmd_ctx *ctx, const struct cmd_args *a, const char *opt,
			  enum eng_unit unit, unsigned long long *bytes)
{
	const char *v = cmd_opt(a, opt);
	struct eng_error err = { 0 };
	char what[40];

	if (!v)
		return 0;
	snprintf(what, sizeof(what), "--%s", opt);
	if (eng_size_parse(what, v, unit, bytes, &err) < 0)
		return cmd_error(ctx, 2, "%s", err.msg);
	return 0;
}

static int parse_count_opt(struct cmd_ctx *ctx, const struct cmd_args *a, const char *opt,
			   unsigned *out)
{
	const char *v = cmd_opt(a, opt);
	struct eng_error err = { 0 };
	char what[40];

	if (!v)
		return 0;
	snprintf(what, sizeof(what), "--%s", opt);
	if (eng_count_parse(what, v, 4096, out, &err) < 0)
		return cmd_error(ctx, 2, "%s", err.msg);
	return 0;
}

static int print_ips(struct cmd_ctx *ctx, const char *name, double wait_s,
		     enum eng_ip_source src)
{
	char ips[ENG_MAX_IPV4][16];
	int n;
	enum eng_ip_source used = ENG_IP_AUTO;
	struct eng_error err = { 0 };

	if (eng_domain_ipv4(ctx->eng, name, src, wait_s, ips, ENG_MAX_IPV4, &n, &used, &err) < 0)
		return cmd_fail(ctx, &err);
	if (ctx->g.json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "source", json_object_new_string(eng_ip_source_name(used)));
		json_object_object_add(o, "ipv4", cmd_json_strings(ips, n));
		cmd_json_print(ctx->out, o);
	} else {
		for (int i = 0; i < n; i++)
			fprintf(ctx->out, "%s\n", ips[i]);
	}
	return 0;
}

/* create NAME --linked-to BASE: a linked clone of BASE, then the resources
 * asked for; disks, ISO and kernel come from the base. */
static int create_linked(struct cmd_ctx *ctx, const struct cmd_args *a, struct vm_spec *s, bool start)
{
	static const char *const own[] = { "disk", "import", "iso", "kernel", "initrd", "cmdline", "network" };
	struct eng_clone_report rep;
	struct eng_set_req r = { .autostart = -1, .config = true, .force = s->force };
	struct eng_set_result res;
	struct eng_error err = { 0 };
	const char *base = cmd_opt(a, "linked-to");

	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (cmd_opt(a, own[i]))
			return cmd_error(ctx, 2, "create %s: --%s cannot be combined with --linked-to "
					 "(the clone uses %s's devices)", s->name, own[i], base);
	if (eng_domain_clone(ctx->eng, base, s->name, true, &rep, &err) < 0)
		return cmd_fail(ctx, &err);
	r.cpus = cmd_opt(a, "cpus") ? s->cpus : 0;
	r.memory_mib = cmd_opt(a, "memory") ? s->memory_mib : 0;
	if ((r.cpus || r.memory_mib) && eng_domain_set(ctx->eng, s->name, &r, &res, &err) < 0)
		return cmd_fail(ctx, &err);
	for (size_t i = 0; i < rep.n_disks && s->n_disks < VM_SPEC_MAX_DISKS; i++) {
		snprintf(s->disk_path_buf[i], sizeof(s->disk_path_buf[i]), "%s", rep.disks[i]);
		s->disks[s->n_disks++] = (struct vm_disk_spec){ .path = s->disk_path_buf[i] };
	}
	if (start && eng_domain_act(ctx->eng, s->name, ENG_ACT_START, &err) < 0)
		return cmd_fail(ctx, &err);
	return 0;
}

static int create_from(struct cmd_ctx *ctx, const struct cmd_args *a, struct vm_spec *sp,
		       const struct vm_profile *prof, const struct eng_ova *ova);

/* --cloud-*: the seed's answers; files are read (and the password hashed) here */
static int seed_from_opts(const struct cmd_args *a, struct eng_seed *seed, char *hash, size_t hlen,
			  char **keys, struct eng_error *err)
{
	const char *pw = cmd_opt(a, "cloud-password-file"), *key = cmd_opt(a, "cloud-ssh-key");

	seed->hostname = cmd_opt(a, "cloud-hostname");
	seed->user = cmd_opt(a, "cloud-user");
	seed->agent = true;
	if (pw) {
		if (eng_seed_read_password(pw, hash, hlen, err) < 0)
			return -1;
		seed->password_hash = hash;
	}
	if (key) {
		if (eng_seed_read_keys(key, keys, err) < 0)
			return -1;
		seed->ssh_keys = *keys;
	}
	return 0;
}

static bool wants_seed(const struct cmd_args *a)
{
	return cmd_flag(a, "cloud-init") || cmd_opt(a, "cloud-user") || cmd_opt(a, "cloud-password-file") ||
	       cmd_opt(a, "cloud-ssh-key") || cmd_opt(a, "cloud-hostname");
}

static int create_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct vm_spec s = { .name = a->pos[0], .cpus = 1, .memory_mib = 512 };
	struct eng_error err = { 0 };
	struct vm_profile *prof = NULL;
	struct eng_ova *ova = NULL;
	struct eng_seed seed = { 0 };
	char hash[256] = "", *keys = NULL;
	const char *imp = cmd_opt(a, "import"), *fmt;
	int rc = 1;

	if (eng_name_check("VM", s.name, &err) < 0)
		return cmd_error(ctx, 2, "%s", err.msg);
	if (wants_seed(a)) {
		if (cmd_opt(a, "linked-to"))
			return cmd_error(ctx, 2, "create %s: cloud-init options cannot be combined with --linked-to "
					 "(the clone starts from its base's disk as it is)", s.name);
		if (seed_from_opts(a, &seed, hash, sizeof(hash), &keys, &err) < 0 ||
		    eng_seed_check(&seed, s.name, &err) < 0)
			goto fail;
		s.seed = &seed;
	}
	if (cmd_opt(a, "profile")) {
		char path[1024];
		if (!(prof = calloc(1, sizeof(*prof))) ||
		    prof_profile_find(cmd_opt(a, "profile"), path, sizeof(path), &err) < 0 ||
		    prof_profile_load(path, prof, &err) < 0)
			goto fail;
	}
	/* an OVA (VirtualBox/VMware export): unpacked for the create, then removed */
	if (imp && eng_disk_format(imp, &fmt, &err) == 0 && strcmp(fmt, "ova") == 0) {
		/* its disk lives in a temporary directory removed right after the create */
		if (cmd_flag(a, "in-place"))
			return cmd_error(ctx, 2, "create %s: --in-place cannot use %s: an OVA's disk is unpacked "
					 "into a temporary directory (without --in-place, vmdeck copies it into the pool)",
					 s.name, imp);
		if (!(ova = calloc(1, sizeof(*ova))) || eng_ova_open(imp, ova, &err) < 0) {
			free(ova);
			ova = NULL;
			goto fail;
		}
		{
			/* the OVF's name is the archive's text: one line, whatever it holds */
			char line[1400];
			snprintf(line, sizeof(line), "%s: OVF '%s': %u vCPUs, %llu MiB, disk %s%s", s.name, ova->name,
				 ova->cpus, ova->memory_mib, strrchr(ova->disks[0], '/') + 1,
				 ova->n_disks > 1 ? " (only the first disk is imported)" : "");
			cmd_print_clean(ctx->out, line);
		}
	}
	rc = create_from(ctx, a, &s, prof, ova);
	goto out;
fail:
	rc = cmd_fail(ctx, &err);
out:
	if (ova)
		eng_ova_close(ova);
	free(ova);
	free(prof);
	free(keys);
	explicit_bzero(hash, sizeof(hash));
	return rc;
}

/* libosinfo's recommendations where neither an option nor the profile says */
static void os_defaults(const struct cmd_args *a, struct vm_spec *s, const struct vm_profile *p,
			const struct eng_os *os)
{
	s->os_id = os->id;
	if (os->ram_mib && !cmd_opt(a, "memory") && !(p && p->memory_mib))
		s->memory_mib = os->ram_mib;
	if (os->cpus && !cmd_opt(a, "cpus") && !(p && p->cpus))
		s->cpus = os->cpus;
}

/* The profile's values, then the options given (which win). */
static void profile_defaults(const struct cmd_args *a, struct vm_spec *s, const struct vm_profile *p)
{
	if (p->cpus)
		s->cpus = p->cpus;
	if (p->memory_mib)
		s->memory_mib = p->memory_mib;
	s->disk_bytes = p->disk_bytes;
	s->disk_format = p->format[0] ? p->format : NULL;
	s->no_agent = !p->agent;
	if (p->firmware[0])
		s->firmware = p->firmware;   /* --firmware, parsed later, wins */
	/* an install source on the command line replaces the profile's */
	if (!cmd_opt(a, "iso") && !cmd_opt(a, "import") && !cmd_opt(a, "kernel") && !cmd_opt(a, "linked-to")) {
		s->iso = p->iso[0] ? p->iso : NULL;
		s->import_path = p->import[0] ? p->import : NULL;
		s->kernel = p->kernel[0] ? p->kernel : NULL;
		s->initrd = p->initrd[0] ? p->initrd : NULL;
		s->cmdline = p->cmdline[0] ? p->cmdline : NULL;
	}
	if (!cmd_opt(a, "network"))
		for (size_t i = 0; i < p->n_nets && s->n_networks < VM_SPEC_MAX_NETS; i++) {
			if (strcmp(p->nets[i], "none") == 0)
				s->no_network = true;
			else
				s->networks[s->n_networks++] = p->nets[i];
		}
}

static int create_from(struct cmd_ctx *ctx, const struct cmd_args *a, struct vm_spec *sp,
		       const struct vm_profile *prof, const struct eng_ova *ova)
{
	struct vm_spec s = *sp;
	struct eng_error err = { 0 };
	unsigned long long mem = 0, maxmem = 0, disk = 0;
	const char *const *nets;
	int nnets, rc;
	bool start = cmd_flag(a, "start") || cmd_flag(a, "wait-ip");
	struct eng_os os = { 0 };
	const char *os_name = cmd_opt(a, "os") ? cmd_opt(a, "os") : prof && prof->os[0] ? prof->os : NULL;
	bool have_os = false;

	if (prof)
		profile_defaults(a, &s, prof);
	if (os_name) {
		if (eng_os_lookup(os_name, &os, &err) == 0) {
			have_os = true;
			if (os.note[0])
				fprintf(ctx->err, "vmdeck: warning: %s\n", os.note);
			os_defaults(a, &s, prof, &os);
		} else if (cmd_opt(a, "os")) {
			return cmd_fail(ctx, &err);
		} else {
			/* a profile travels between hosts whose databases differ */
			fprintf(ctx->err, "vmdeck: warning: profile %s: %s; its own values are used\n", prof->name,
				err.msg);
		}
	}
	if ((rc = parse_count_opt(ctx, a, "cpus", &s.cpus)) ||
	    (rc = parse_count_opt(ctx, a, "max-cpus", &s.max_cpus)) ||
	    (rc = parse_size_opt(ctx, a, "memory", ENG_UNIT_MIB, &mem)) ||
	    (rc = parse_size_opt(ctx, a, "max-memory", ENG_UNIT_MIB, &maxmem)) ||
	    (rc = parse_size_opt(ctx, a, "disk", ENG_UNIT_GIB, &disk)))
		return rc;
	if (mem) {
		if (mem < (1ULL << 20))
			return cmd_error(ctx, 2, "invalid --memory '%s': at least 1 MiB", cmd_opt(a, "memory"));
		s.memory_mib = mem >> 20;
	}
	s.max_memory_mib = maxmem >> 20;
	if (disk)
		s.disk_bytes = disk;
	if (cmd_opt(a, "import"))
		s.import_path = cmd_opt(a, "import");
	if (ova) {
		/* the OVF's vCPUs and memory unless an option or the profile says */
		if (ova->cpus && !cmd_opt(a, "cpus") && !(prof && prof->cpus))
			s.cpus = ova->cpus;
		if (ova->memory_mib && !cmd_opt(a, "memory") && !(prof && prof->memory_mib))
			s.memory_mib = ova->memory_mib;
		s.import_path = ova->disks[0];
	}
	s.import_in_place = cmd_flag(a, "in-place");
	if (s.import_in_place && !s.import_path)
		return cmd_error(ctx, 2, "create %s: --in-place needs --import DISK", s.name);
	if (s.import_path && s.disk_bytes && !disk)
		s.disk_bytes = 0;   /* the profile's disk size is for new disks, not imports */
	if (cmd_opt(a, "iso"))
		s.iso = cmd_opt(a, "iso");
	if (s.iso && !s.disk_bytes && !s.import_path)
		s.disk_bytes = have_os && os.storage_bytes ? os.storage_bytes : 10ULL << 30;
	if (cmd_opt(a, "kernel"))
		s.kernel = cmd_opt(a, "kernel");
	if (cmd_opt(a, "initrd"))
		s.initrd = cmd_opt(a, "initrd");
	if (cmd_opt(a, "cmdline"))
		s.cmdline = cmd_opt(a, "cmdline");
	s.force = cmd_flag(a, "force");
	if (cmd_opt(a, "firmware")) {
		s.firmware = cmd_opt(a, "firmware");
		if (strcmp(s.firmware, "bios") != 0 && strcmp(s.firmware, "uefi") != 0)
			return cmd_error(ctx, 2, "invalid --firmware '%s': bios or uefi", s.firmware);
	}
	if (cmd_opt(a, "graphics")) {
		const char *gr = cmd_opt(a, "graphics");
		if (strcmp(gr, "vnc") != 0 && strcmp(gr, "none") != 0)
			return cmd_error(ctx, 2, "invalid --graphics '%s': vnc or none", gr);
		s.no_graphics = strcmp(gr, "none") == 0;
	}
	nnets = cmd_optv(a, "network", &nets);
	for (int i = 0; i < nnets; i++) {
		if (strcmp(nets[i], "none") == 0) {
			s.no_network = true;
			continue;
		}
		if (eng_name_check("network", nets[i], &err) < 0)
			return cmd_error(ctx, 2, "%s", err.msg);
		s.networks[s.n_networks++] = nets[i];
	}
	if ((rc = cmd_fleet_place(ctx, s.name, s.cpus, s.memory_mib)) != 0)
		return rc;
	if (cmd_opt(a, "linked-to")) {
		if ((rc = create_linked(ctx, a, &s, start)) != 0)
			return rc;
	} else if (eng_domain_create(ctx->eng, &s, start, &err) < 0) {
		return cmd_fail(ctx, &err);
	}
	if (s.warning[0])
		fprintf(ctx->err, "vmdeck: warning: %s\n", s.warning);
	if (!ctx->g.json) {
		if (have_os)
			fprintf(ctx->out, "%s: %s recommends %llu MiB%s%s\n", s.name, os.name, os.ram_mib,
				s.memory_mib != os.ram_mib ? "; using " : "",
				s.memory_mib != os.ram_mib ? "the value given" : "");
		fprintf(ctx->out, "created %s: %u vCPU%s, %llu MiB", s.name, s.cpus, s.cpus > 1 ? "s" : "",
			s.memory_mib);
		for (size_t i = 0; i < s.n_disks; i++)
			fprintf(ctx->out, ", %s %s", s.disks[i].cdrom ? "cdrom" : "disk", s.disks[i].path);
		for (size_t i = 0; i < s.n_networks; i++)
			fprintf(ctx->out, ", network %s", s.networks[i]);
		fprintf(ctx->out, ", %s\n", eng_accel(ctx->eng)->accel);
		if (start)
			fprintf(ctx->out, "started %s\n", s.name);
		fflush(ctx->out);
	}
	if (start && s.iso) {
		/* step 4: the install runs with the media; its end boots the disk */
		if (!ctx->g.json) {
			fprintf(ctx->out, "installing %s from %s: waiting for the installer to power off or reboot\n"
				"  (watch it: vmdeck console %s; Ctrl-C stops waiting, the install goes on, and\n"
				"  'vmdeck start %s' boots the installed disk afterwards)\n", s.name, s.iso, s.name, s.name);
			fflush(ctx->out);
		}
		if (eng_install_wait(ctx->eng, s.name, &err) < 0 ||
		    eng_domain_act(ctx->eng, s.name, ENG_ACT_START, &err) < 0)
			return cmd_fail(ctx, &err);
		if (!ctx->g.json)
			fprintf(ctx->out, "installed: %s started from its disk, the install media ejected\n", s.name);
	}
	if (cmd_flag(a, "wait-ip"))
		return print_ips(ctx, s.name, CREATE_WAIT_IP_S, ENG_IP_AUTO);
	if (ctx->g.json) {
		struct eng_dom_info i;
		if (eng_domain_info(ctx->eng, s.name, &i, &err) < 0)
			return cmd_fail(ctx, &err);
		cmd_json_print(ctx->out, cmd_json_info(&i, eng_accel(ctx->eng)));
		eng_dom_info_free(&i);
	}
	return 0;
}

const struct cmd_def cmd_create = {
	.name = "create",
	.usage = "NAME",
	.summary = "create a guest: resources, disk or install media, networks; --start boots it "
		   "(HOST:NAME or --host auto: on which host)",
	.opts = create_opts,
	.flags = CMD_CHANGES | CMD_JSON | CMD_NEW_VM,
	.min_args = 1,
	.max_args = 1,
	.exec = create_exec,
};

/* ---- delete ---- */

static const struct cmd_opt delete_opts[] = {
	{ .name = "disks", .help = "also delete its disks (storage volumes only)" },
	{ .name = "yes", .help = "do not ask (needed when not on a terminal)" },
	{ 0 },
};

static int delete_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *name = a->pos[0];
	bool disks = cmd_flag(a, "disks");
	struct eng_delete_report rep;
	struct eng_error err = { 0 };

	if (!eng_domain_exists(ctx->eng, name))
		return cmd_error(ctx, 1, "no VM named '%s'", name);
	if (!cmd_flag(a, "yes")) {
		if (!ctx->interactive)
			return cmd_error(ctx, 1, "delete %s: not confirmed (add --yes to delete without asking)",
					 name);
		if (!cmd_confirm(ctx, "delete VM %s%s?", name,
				 disks ? " AND its disks" : " (its disks are kept)"))
			return cmd_error(ctx, 1, "delete %s: cancelled", name);
	}
	if (eng_domain_delete(ctx->eng, name, disks, &rep, &err) < 0)
		return cmd_fail(ctx, &err);
	fprintf(ctx->out, "deleted %s\n", name);
	for (size_t i = 0; i < rep.n_removed; i++)
		fprintf(ctx->out, "removed disk %s\n", rep.removed[i]);
	for (size_t i = 0; i < rep.n_kept; i++)
		fprintf(ctx->out, "kept disk: %s\n", rep.kept[i]);
	return 0;
}

const struct cmd_def cmd_delete = {
	.name = "delete",
	.usage = "VM",
	.summary = "undefine a guest (and its snapshot metadata); disks only with --disks",
	.opts = delete_opts,
	.flags = CMD_CHANGES | CMD_VM_ARG,
	.min_args = 1,
	.max_args = 1,
	.exec = delete_exec,
};

/* ---- set ---- */

static const struct cmd_opt set_opts[] = {
	{ .name = "cpus", .arg = "N", .help = "virtual CPUs" },
	{ .name = "memory", .arg = "SIZE", .help = "memory, MiB when bare" },
	{ .name = "max-cpus", .arg = "N", .help = "vCPU maximum (next boot)" },
	{ .name = "max-memory", .arg = "SIZE", .help = "memory maximum (next boot)" },
	{ .name = "autostart", .arg = "on|off", .help = "start with the host's libvirt" },
	{ .name = "live", .help = "change the running guest only" },
	{ .name = "config", .help = "change the configuration (next boot) only" },
	{ .name = "force", .help = "allow more vCPUs/memory than the host has, a disk beyond the pool's free space" },
	{ .name = "firmware", .arg = "bios|uefi", .help = "boot firmware (uefi: OVMF, when installed; default bios)" },
	{ 0 },
};

static int set_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_set_req r = { .autostart = -1 };
	struct eng_set_result res;
	struct eng_error err = { 0 };
	unsigned long long mem = 0, maxmem = 0;
	const char *as = cmd_opt(a, "autostart");
	int rc;

	if ((rc = parse_count_opt(ctx, a, "cpus", &r.cpus)) ||
	    (rc = parse_count_opt(ctx, a, "max-cpus", &r.max_cpus)) ||
	    (rc = parse_size_opt(ctx, a, "memory", ENG_UNIT_MIB, &mem)) ||
	    (rc = parse_size_opt(ctx, a, "max-memory", ENG_UNIT_MIB, &maxmem)))
		return rc;
	if ((mem && mem < (1ULL << 20)) || (maxmem && maxmem < (1ULL << 20)))
		return cmd_error(ctx, 2, "set %s: memory must be at least 1 MiB", a->pos[0]);
	r.memory_mib = mem >> 20;
	r.max_memory_mib = maxmem >> 20;
	if (as) {
		if (strcmp(as, "on") == 0)
			r.autostart = 1;
		else if (strcmp(as, "off") == 0)
			r.autostart = 0;
		else
			return cmd_error(ctx, 2, "invalid --autostart '%s': use on or off", as);
	}
	r.live = cmd_flag(a, "live");
	r.config = cmd_flag(a, "config");
	r.force = cmd_flag(a, "force");
	if (eng_domain_set(ctx->eng, a->pos[0], &r, &res, &err) < 0)
		return cmd_fail(ctx, &err);
	if (ctx->g.json) {
		json_object *o = json_object_new_object(), *lines = json_object_new_array();
		for (size_t i = 0; i < res.n_lines; i++)
			json_object_array_add(lines, json_object_new_string(res.lines[i]));
		json_object_object_add(o, "name", json_object_new_string(a->pos[0]));
		json_object_object_add(o, "changes", lines);
		json_object_object_add(o, "pending_reboot", json_object_new_boolean(res.pending_reboot));
		cmd_json_print(ctx->out, o);
	} else {
		for (size_t i = 0; i < res.n_lines; i++)
			fprintf(ctx->out, "%s: %s\n", a->pos[0], res.lines[i]);
	}
	return 0;
}

const struct cmd_def cmd_set = {
	.name = "set",
	.usage = "VM",
	.summary = "change vCPUs, memory, maximums, autostart; says what applies now and on next boot",
	.opts = set_opts,
	.flags = CMD_CHANGES | CMD_VM_ARG | CMD_JSON,
	.min_args = 1,
	.max_args = 1,
	.exec = set_exec,
};

/* ---- ip ---- */

static const struct cmd_opt ip_opts[] = {
	{ .name = "source", .arg = "auto|lease|agent|arp", .help = "where to look (default auto: in that order)" },
	{ .name = "wait", .arg = "S", .help = "wait up to S seconds for an address" },
	{ 0 },
};

static int ip_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	enum eng_ip_source src = ENG_IP_AUTO;
	const char *s = cmd_opt(a, "source"), *w = cmd_opt(a, "wait");
	double wait_s = 0;
	struct eng_error err = { 0 };

	if (s && eng_ip_source_from_string(s, &src) < 0)
		return cmd_error(ctx, 2, "invalid --source '%s': use auto, lease, agent or arp", s);
	if (w && eng_seconds_parse("--wait", w, 0, 86400, &wait_s, &err) < 0)
		return cmd_error(ctx, 2, "%s", err.msg);
	return print_ips(ctx, a->pos[0], wait_s, src);
}

const struct cmd_def cmd_ip = {
	.name = "ip",
	.usage = "VM",
	.summary = "IPv4 addresses, one per line (lease, then guest agent, then ARP)",
	.opts = ip_opts,
	.flags = CMD_VM_ARG | CMD_JSON,
	.min_args = 1,
	.max_args = 1,
	.exec = ip_exec,
};

/* ---- console ---- */

/* SIGTERM or SIGHUP (an SSH drop) while the terminal is raw: put it back,
 * then end by the signal (tcsetattr is async-signal-safe). */
static struct termios console_saved;
static void console_signal(int sig)
{
	tcsetattr(STDIN_FILENO, TCSANOW, &console_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

static int console_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	static const int deadly[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM };
	struct sigaction sa = { .sa_handler = console_signal, .sa_flags = SA_RESETHAND }, old[7];
	struct termios saved, raw;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
	struct eng_error err = { 0 };
	enum eng_state st;
	int rc;

	if (ctx->g.json)
		return cmd_error(ctx, 2, "console %s: the console is interactive: --json does not apply", a->pos[0]);
	if (eng_domain_state(ctx->eng, a->pos[0], &st, &err) < 0)
		return cmd_fail(ctx, &err);
	if (st != ENG_ST_RUNNING && st != ENG_ST_PAUSED)
		return cmd_error(ctx, 1, "console %s: the VM is %s, not running", a->pos[0],
				 eng_state_name(st));
	fprintf(stderr, "Connected to %s (Ctrl-] leaves)\r\n", a->pos[0]);
	/* the signal handlers are the CLI's only: the TUI has its own */
	bool handlers = tty && ctx->connect;
	if (handlers) {
		console_saved = saved;
		for (size_t i = 0; i < sizeof(deadly) / sizeof(deadly[0]); i++)
			sigaction(deadly[i], &sa, &old[i]);
	}
	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
	}
	rc = eng_console_bridge(ctx->eng, a->pos[0], STDIN_FILENO, STDOUT_FILENO, 0x1d, &err);
	if (tty)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	for (size_t i = 0; handlers && i < sizeof(deadly) / sizeof(deadly[0]); i++)
		sigaction(deadly[i], &old[i], NULL);
	fprintf(stderr, "\n");
	if (rc < 0)
		return cmd_fail(ctx, &err);
	return 0;
}

const struct cmd_def cmd_console = {
	.name = "console",
	.usage = "VM",
	.summary = "the guest's serial console; Ctrl-] leaves",
	.flags = CMD_CHANGES | CMD_VM_ARG,   /* typing into a guest changes it */
	.min_args = 1,
	.max_args = 1,
	.exec = console_exec,
};
