/* cmd_config.c - config [--sample]: the settings in effect and where each
 * came from (option, environment, vmdeck.ini:LINE, default); --sample prints
 * a commented vmdeck.ini to start from. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "json.h"
#include "profiles.h"

static const char sample[] =
	"# vmdeck.ini - $XDG_CONFIG_HOME/vmdeck/vmdeck.ini (else ~/.config/vmdeck/vmdeck.ini)\n"
	"# Unknown sections and keys are warned about (with their line) and ignored;\n"
	"# a bad value of a known key is an error. 'vmdeck config' shows what is in effect.\n"
	"\n"
	"[connection]\n"
	"# libvirt URI when neither -c nor $VMDECK_URI gives one\n"
	"# (default: qemu:///system when its socket answers, else qemu:///session)\n"
	"#uri = qemu:///system\n"
	"\n"
	"[hosts]\n"
	"# several hosts in one vmdeck: NAME = URI, in the order shown; every command\n"
	"# then spans them (HOST:VM names a guest; --host NAME limits, -c NAME picks one)\n"
	"#web1 = qemu+ssh://root@web1.example.org/system\n"
	"#lab = qemu+tls://lab.example.org/system\n"
	"\n"
	"[ui]\n"
	"# how often the TUI refreshes what events do not bring, in ms (100-60000)\n"
	"#refresh_ms = 1000\n"
	"\n"
	"[keys]\n"
	"# KEY = a vmdeck command line (%v: the selected or marked guests) or a TUI\n"
	"# action (@help, @monitor, ...: see KEYS in vmdeck(1)); keys are a character,\n"
	"# S-x (upper case), C-x (control), Space, Tab, Enter\n"
	"#S = shutdown %v --timeout 30\n"
	"#b = snapshot take %v\n";

struct setting {
	const char *key, *value;
	char source[1100];
};

static void source_of(char *out, size_t len, const char *path, int line, const char *dflt)
{
	if (line > 0)
		snprintf(out, len, "%s:%d", path, line);
	else
		snprintf(out, len, "%s", dflt);
}

static int config_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct vmdeck_config *c = calloc(1, sizeof(*c));
	struct eng_error err = { 0 };
	struct setting set[2 + PROF_MAX_HOSTS + PROF_MAX_KEYS];
	char refresh[16], def_path[1024], keyname[PROF_MAX_KEYS][48], hostname[PROF_MAX_HOSTS][80];
	const char *env = getenv("VMDECK_URI");
	size_t n = 0;

	if (cmd_flag(a, "sample")) {
		free(c);
		fputs(sample, ctx->out);
		return 0;
	}
	if (!c || prof_config_load(NULL, c, &err) < 0) {
		free(c);
		return cmd_fail(ctx, &err);
	}
	prof_config_default_path(def_path, sizeof(def_path));
	/* the URI in the order vmdeck chooses it */
	set[n].key = "connection.uri";
	if (ctx->g.uri) {
		set[n].value = ctx->g.uri;
		snprintf(set[n].source, sizeof(set[n].source), "option -c");
	} else if (env && *env) {
		set[n].value = env;
		snprintf(set[n].source, sizeof(set[n].source), "environment VMDECK_URI");
	} else {
		set[n].value = c->uri[0] ? c->uri : "qemu:///system or qemu:///session";
		source_of(set[n].source, sizeof(set[n].source), c->path, c->uri_line,
			  "default (qemu:///system when its socket answers, else qemu:///session)");
	}
	n++;
	for (size_t i = 0; i < c->n_hosts; i++, n++) {
		snprintf(hostname[i], sizeof(hostname[i]), "hosts.%s", c->hosts[i].name);
		set[n].key = hostname[i];
		set[n].value = c->hosts[i].uri;
		source_of(set[n].source, sizeof(set[n].source), c->path, c->hosts[i].line, "default");
	}
	snprintf(refresh, sizeof(refresh), "%d", c->refresh_ms);
	set[n].key = "ui.refresh_ms";
	set[n].value = refresh;
	source_of(set[n].source, sizeof(set[n].source), c->path, c->refresh_line, "default");
	n++;
	for (size_t i = 0; i < c->n_keys; i++, n++) {
		snprintf(keyname[i], sizeof(keyname[i]), "keys.%s", c->keys[i].key);
		set[n].key = keyname[i];
		set[n].value = c->keys[i].command;
		source_of(set[n].source, sizeof(set[n].source), c->path, c->keys[i].line, "default");
	}
	if (ctx->g.json) {
		json_object *o = json_object_new_object(), *arr = json_object_new_array(), *w = json_object_new_array();
		json_object_object_add(o, "file", json_object_new_string(c->path[0] ? c->path : def_path));
		json_object_object_add(o, "file_exists", json_object_new_boolean(c->path[0] != '\0'));
		for (size_t i = 0; i < n; i++) {
			json_object *s = json_object_new_object();
			json_object_object_add(s, "key", json_object_new_string(set[i].key));
			json_object_object_add(s, "value", json_object_new_string(set[i].value));
			json_object_object_add(s, "source", json_object_new_string(set[i].source));
			json_object_array_add(arr, s);
		}
		json_object_object_add(o, "settings", arr);
		for (int i = 0; i < c->n_warnings; i++)
			json_object_array_add(w, json_object_new_string(c->warnings[i]));
		json_object_object_add(o, "warnings", w);
		cmd_json_print(ctx->out, o);
	} else {
		fprintf(ctx->out, "# %s%s\n", c->path[0] ? c->path : def_path, c->path[0] ? "" : " (does not exist)");
		for (size_t i = 0; i < n; i++)
			fprintf(ctx->out, "%-20s %-32s # %s\n", set[i].key, set[i].value, set[i].source);
	}
	free(c);
	return 0;
}

static const struct cmd_opt config_opts[] = {
	{ .name = "sample", .help = "print a commented vmdeck.ini to start from" },
	{ 0 },
};

const struct cmd_def cmd_config = {
	.name = "config",
	.usage = "",
	.summary = "the settings in effect and where each came from (--sample: a commented vmdeck.ini)",
	.opts = config_opts,
	.flags = CMD_NO_CONN | CMD_JSON,
	.exec = config_exec,
};
