/* cmd_profile.c - profile list / show / check: VM presets (man vmdeck-profile.5). */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "json.h"
#include "profiles.h"

static json_object *profile_json(const struct vm_profile *p)
{
	json_object *o = json_object_new_object(), *nets = json_object_new_array();
#define JSTR(k, v) json_object_object_add(o, k, (v)[0] ? json_object_new_string(v) : NULL)
	json_object_object_add(o, "name", json_object_new_string(p->name));
	json_object_object_add(o, "path", json_object_new_string(p->path));
	JSTR("description", p->description);
	JSTR("os", p->os);
	json_object_object_add(o, "cpus", p->cpus ? json_object_new_int((int)p->cpus) : NULL);
	json_object_object_add(o, "memory_mib", p->memory_mib ? json_object_new_int64((int64_t)p->memory_mib) : NULL);
	json_object_object_add(o, "disk_bytes", p->disk_bytes ? json_object_new_int64((int64_t)p->disk_bytes) : NULL);
	JSTR("disk_format", p->format);
	JSTR("iso", p->iso);
	JSTR("import", p->import);
	JSTR("kernel", p->kernel);
	JSTR("initrd", p->initrd);
	JSTR("cmdline", p->cmdline);
	for (size_t i = 0; i < p->n_nets; i++)
		json_object_array_add(nets, json_object_new_string(p->nets[i]));
	json_object_object_add(o, "networks", nets);
	json_object_object_add(o, "agent", json_object_new_boolean(p->agent));
#undef JSTR
	return o;
}

static int list_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct prof_entry *v;
	struct vm_profile *p = calloc(1, sizeof(*p));
	json_object *arr = json_object_new_array();
	size_t n;

	prof_profile_list(&v, &n);
	if (!ctx->g.json && cmd_flag(a, "names")) {
		for (size_t i = 0; i < n; i++)
			fprintf(ctx->out, "%s\n", v[i].name);
		json_object_put(arr);
		free(p);
		free(v);
		return 0;
	}
	if (!ctx->g.json)
		fprintf(ctx->out, "%-18s %-8s %s\n", "NAME", "FROM", "DESCRIPTION");
	for (size_t i = 0; p && i < n; i++) {
		struct eng_error err = { 0 };
		bool ok = prof_profile_load(v[i].path, p, &err) == 0;
		if (ctx->g.json) {
			json_object *o = ok ? profile_json(p) : json_object_new_object();
			json_object_object_add(o, "name", json_object_new_string(v[i].name));
			json_object_object_add(o, "shipped", json_object_new_boolean(v[i].shipped));
			json_object_object_add(o, "error", ok ? NULL : json_object_new_string(err.msg));
			json_object_array_add(arr, o);
		} else {
			fprintf(ctx->out, "%-18s %-8s %s%s\n", v[i].name, v[i].shipped ? "shipped" : "user",
				ok ? p->description : "invalid: ", ok ? "" : err.msg);
		}
	}
	if (ctx->g.json)
		cmd_json_print(ctx->out, arr);
	else
		json_object_put(arr);
	free(p);
	free(v);
	return 0;
}

const struct cmd_def cmd_profile_list = {
	.name = "profile list",
	.usage = "",
	.opts = cmd_names_opts,
	.summary = "VM presets: the user's ($XDG_CONFIG_HOME/vmdeck/profiles) and the shipped ones",
	.flags = CMD_NO_CONN | CMD_JSON,
	.exec = list_exec,
};

static void print_profile(FILE *f, const struct vm_profile *p)
{
	char size[32];

	fprintf(f, "%-12s %s\n%-12s %s\n", "profile", p->name, "file", p->path);
	if (p->description[0])
		fprintf(f, "%-12s %s\n", "description", p->description);
	if (p->os[0])
		fprintf(f, "%-12s %s\n", "os", p->os);
	if (p->cpus)
		fprintf(f, "%-12s %u\n", "cpus", p->cpus);
	if (p->memory_mib)
		fprintf(f, "%-12s %llu MiB\n", "memory", p->memory_mib);
	if (p->disk_bytes) {
		eng_size_format(p->disk_bytes, size, sizeof(size));
		fprintf(f, "%-12s %s %s\n", "disk", size, p->format[0] ? p->format : "qcow2");
	}
	if (p->iso[0])
		fprintf(f, "%-12s %s\n", "iso", p->iso);
	if (p->import[0])
		fprintf(f, "%-12s %s\n", "import", p->import);
	if (p->kernel[0])
		fprintf(f, "%-12s %s\n%-12s %s\n%-12s %s\n", "kernel", p->kernel, "initrd",
			p->initrd[0] ? p->initrd : "-", "cmdline", p->cmdline[0] ? p->cmdline : "-");
	for (size_t i = 0; i < p->n_nets; i++)
		fprintf(f, "nic%-9zu %s\n", i, p->nets[i]);
	fprintf(f, "%-12s %s\n", "agent", p->agent ? "yes" : "no");
}

static int show_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_error err = { 0 };
	struct vm_profile *p = calloc(1, sizeof(*p));
	char path[1024];
	int rc = 0;

	if (!p || prof_profile_find(a->pos[0], path, sizeof(path), &err) < 0 ||
	    prof_profile_load(path, p, &err) < 0)
		rc = cmd_fail(ctx, &err);
	else if (ctx->g.json)
		cmd_json_print(ctx->out, profile_json(p));
	else
		print_profile(ctx->out, p);
	free(p);
	return rc;
}

const struct cmd_def cmd_profile_show = {
	.name = "profile show",
	.usage = "P",
	.summary = "a profile's values (P: a name from profile list, or a file)",
	.flags = CMD_NO_CONN | CMD_JSON,
	.min_args = 1,
	.max_args = 1,
	.exec = show_exec,
};

static int check_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_error err = { 0 };
	struct vm_profile *p = calloc(1, sizeof(*p));
	int rc = 0;

	if (!p || prof_profile_load(a->pos[0], p, &err) < 0)
		rc = cmd_fail(ctx, &err);
	else
		fprintf(ctx->out, "%s: ok\n", a->pos[0]);
	free(p);
	return rc;
}

const struct cmd_def cmd_profile_check = {
	.name = "profile check",
	.usage = "FILE",
	.summary = "check a profile file: every error names file:line, section and key",
	.flags = CMD_NO_CONN,
	.min_args = 1,
	.max_args = 1,
	.exec = check_exec,
};
