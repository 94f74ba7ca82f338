/* cmd_doctor.c - doctor [--fix]: what interrupted operations left (a killed
 * clone's volumes, from its journal; seeds of guests never defined), and with
 * --fix their removal. Only what vmdeck made and can prove it made is listed
 * (engine/doctor.c). */
#include <stdlib.h>

#include "cmd.h"
#include "json.h"

static const struct cmd_opt doctor_opts[] = {
	{ .name = "fix", .help = "remove what is listed (nothing else)" },
	{ 0 },
};

static int doctor_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	bool fix = cmd_flag(a, "fix");
	struct eng_leftover *v = NULL;
	size_t n = 0;

	struct eng_error err = { 0 };

	if (eng_doctor(ctx->eng, fix, &v, &n, &err) < 0) {
		free(v);
		return cmd_fail(ctx, &err);
	}
	if (ctx->g.json) {
		json_object *arr = json_object_new_array();
		for (size_t i = 0; i < n; i++) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "kind", json_object_new_string(v[i].kind));
			json_object_object_add(o, "path", json_object_new_string(v[i].path));
			json_object_object_add(o, "what", json_object_new_string(v[i].what));
			json_object_object_add(o, "removed", json_object_new_boolean(fix));
			json_object_array_add(arr, o);
		}
		cmd_json_print(ctx->out, arr);
	} else {
		for (size_t i = 0; i < n; i++) {
			char line[1400];
			snprintf(line, sizeof(line), "%s%s %s (%s)", fix ? "removed " : "", v[i].kind, v[i].path,
				 v[i].what);
			cmd_print_clean(ctx->out, line);
		}
		if (n == 0)
			fprintf(ctx->out, "nothing left by interrupted operations\n");
		else if (!fix)
			fprintf(ctx->out, "'vmdeck doctor --fix' removes %s\n", n == 1 ? "it" : "them");
	}
	free(v);
	return 0;
}

const struct cmd_def cmd_doctor = {
	.name = "doctor",
	.usage = "",
	.summary = "what interrupted operations left (--fix removes exactly that)",
	.opts = doctor_opts,
	.flags = CMD_JSON,
	.min_args = 0,
	.max_args = 0,
	.exec = doctor_exec,
};
