/* cmd_lab.c - lab up/status/reset/down FILE: a classroom of linked clones
 * from one lab file (man/vmdeck-lab.5; FILE may be a lab's name in
 * $XDG_CONFIG_HOME/vmdeck/labs), one row per seat. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "json.h"
#include "profiles.h"

static json_object *seat_json(const struct eng_seat *s, const char *host)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(s->name));
	if (host)
		json_object_object_add(o, "host", json_object_new_string(host));
	json_object_object_add(o, "exists", json_object_new_boolean(s->exists));
	json_object_object_add(o, "state", s->exists ? json_object_new_string(eng_state_name(s->state)) : NULL);
	json_object_object_add(o, "network", json_object_new_string(s->network));
	json_object_object_add(o, "ipv4", s->ipv4[0] ? json_object_new_string(s->ipv4) : NULL);
	json_object_object_add(o, "clean_snapshot", json_object_new_boolean(s->clean));
	json_object_object_add(o, "current_snapshot", s->current[0] ? json_object_new_string(s->current) : NULL);
	{
		/* "2201->22/tcp, 8001->80/tcp" -> ["2201->22/tcp", "8001->80/tcp"] */
		json_object *fw = json_object_new_array();
		char buf[sizeof(s->forwards)];
		snprintf(buf, sizeof(buf), "%s", s->forwards);
		for (char *save = NULL, *f = strtok_r(buf, ",", &save); f; f = strtok_r(NULL, ",", &save))
			json_object_array_add(fw, json_object_new_string(f + (*f == ' ')));
		json_object_object_add(o, "forwards", fw);
	}
	if (s->exec_status[0]) {
		/* the last lab exec in this seat */
		json_object *x = json_object_new_object();
		bool code = s->exec_status[0] >= '0' && s->exec_status[0] <= '9';
		json_object_object_add(x, "command", json_object_new_string(s->exec_cmd));
		json_object_object_add(x, "exit_code", code ? json_object_new_int(atoi(s->exec_status)) : NULL);
		json_object_object_add(x, "status", json_object_new_string(s->exec_status));
		json_object_object_add(x, "first_line", json_object_new_string(s->exec_line));
		json_object_object_add(x, "time", json_object_new_int64(s->exec_time));
		json_object_object_add(o, "last_exec", x);
	}
	if (s->foreign)
		json_object_object_add(o, "foreign", json_object_new_boolean(true));
	if (s->did[0])
		json_object_object_add(o, "did", json_object_new_string(s->did));
	return o;
}

/* a HOST column when the lab is spread over hosts */
static void print_status(struct cmd_ctx *ctx, const struct lab_spec *l, const struct lab_sites *ls,
			 const struct eng_seat *s)
{
	bool hosts = l->n_hosts > 0;

	fprintf(ctx->out, "%s%-16s %-9s %-15s %-16s %-8s %s\n", hosts ? "HOST         " : "", "SEAT", "STATE", "IPV4",
		"NETWORK", l->snapshot, "FORWARDS");
	for (unsigned i = 0; i < l->seats; i++) {
		if (hosts)
			fprintf(ctx->out, "%-12s ", cmd_lab_host(ls, l, i));
		fprintf(ctx->out, "%-16s %-9s %-15s %-16s %-8s %s\n", s[i].name,
			s[i].exists ? eng_state_name(s[i].state) : "missing", s[i].ipv4[0] ? s[i].ipv4 : "-",
			s[i].network, s[i].exists ? (s[i].clean ? "yes" : "NO") : "-",
			s[i].forwards[0] ? s[i].forwards : "-");
	}
}

static void print_did(struct cmd_ctx *ctx, const struct lab_spec *l, const struct lab_sites *ls,
		      const struct eng_seat *s)
{
	for (unsigned i = 0; i < l->seats; i++)
		if (s[i].did[0] && l->n_hosts)
			fprintf(ctx->out, "%s: %s (host %s)\n", s[i].name, s[i].did, cmd_lab_host(ls, l, i));
		else if (s[i].did[0])
			fprintf(ctx->out, "%s: %s\n", s[i].name, s[i].did);
}

/* the engine's lab calls as cmd_lab_fn (arg: reset's seat names) */
struct seat_names {
	const char *const *v;
	size_t n;
};
static int do_up(struct eng *e, const struct lab_spec *l, const void *arg, struct eng_seat **s, struct eng_error *err)
{
	(void)arg;
	return eng_lab_up(e, l, s, err);
}
static int do_down(struct eng *e, const struct lab_spec *l, const void *arg, struct eng_seat **s,
		   struct eng_error *err)
{
	(void)arg;
	return eng_lab_down(e, l, s, err);
}
static int do_reset(struct eng *e, const struct lab_spec *l, const void *arg, struct eng_seat **s,
		    struct eng_error *err)
{
	const struct seat_names *names = arg;
	return eng_lab_reset(e, l, names->v, names->n, s, err);
}

static const struct {
	const char *verb;
	cmd_lab_fn fn;
	bool placing;
} lab_verbs[] = {
	{ "up", do_up, true },
	{ "status", cmd_lab_status_fn, false },
	{ "reset", do_reset, false },
	{ "down", do_down, false },
};

/* Runs one lab action; the seats' rows are printed even when it stopped
 * half way, so the user sees what was done before the error. */
static int lab_run(struct cmd_ctx *ctx, const struct cmd_args *a, const char *verb)
{
	struct lab_spec l;
	struct eng_seat *s = NULL;
	struct eng_error err = { 0 };
	struct lab_sites *ls;
	const struct seat_names names = { &a->pos[1], (size_t)a->npos - 1 };
	char path[1024];
	size_t v = 0;
	int rc;

	/* a path, or the name of a lab file of the user's (or shipped) */
	if (prof_lab_find(a->pos[0], path, sizeof(path), &err) < 0 || prof_lab_load(path, &l, &err) < 0)
		return cmd_fail(ctx, &err);
	/* down deletes seats and their disks, reset discards the students' work:
	 * asked on a terminal, --yes otherwise (like delete) */
	if ((strcmp(verb, "down") == 0 || strcmp(verb, "reset") == 0) && !cmd_flag(a, "yes")) {
		char what[300];
		if (strcmp(verb, "down") == 0)
			snprintf(what, sizeof(what), "take lab %s down: delete its %u seats with their disks and the "
				 "networks it made", l.name, l.seats);
		else
			snprintf(what, sizeof(what), "reset %s of lab %s to snapshot %s (what the students changed is lost)",
				 a->npos > 1 ? "the seats named" : "every seat", l.name, l.snapshot);
		if (!ctx->interactive)
			return cmd_error(ctx, 1, "lab %s %s: not confirmed (add --yes to %s without asking)", verb,
					 l.name, verb);
		if (!cmd_confirm(ctx, "%s?", what))
			return cmd_error(ctx, 1, "lab %s %s: cancelled", verb, l.name);
	}
	for (size_t k = 0; k < sizeof(lab_verbs) / sizeof(lab_verbs[0]); k++)
		if (strcmp(lab_verbs[k].verb, verb) == 0)
			v = k;
	if (!(ls = cmd_lab_sites(ctx, &l, lab_verbs[v].placing, &rc)))
		return rc;
	rc = cmd_lab_rows(ls, &l, lab_verbs[v].fn, &names, &s, &err);
	if (s && ctx->g.json) {
		json_object *arr = json_object_new_array();
		for (unsigned i = 0; i < l.seats; i++)
			json_object_array_add(arr, seat_json(&s[i], cmd_lab_host(ls, &l, i)));
		cmd_json_print(ctx->out, arr);
	} else if (s) {
		if (strcmp(verb, "status") == 0)
			print_status(ctx, &l, ls, s);
		else
			print_did(ctx, &l, ls, s);
	}
	free(ls);
	free(s);
	fflush(ctx->out);
	return rc < 0 ? cmd_fail(ctx, &err) : 0;
}

/* The labs vmdeck knows by name: the user's ($XDG_CONFIG_HOME/vmdeck/labs)
 * and the shipped ones, as the TUI's labs view lists them. */
static int lab_list_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct prof_entry *v = NULL;
	size_t n = 0;

	prof_lab_list(&v, &n);
	if (ctx->g.json) {
		json_object *arr = json_object_new_array();
		for (size_t i = 0; i < n; i++) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "name", json_object_new_string(v[i].name));
			json_object_object_add(o, "path", json_object_new_string(v[i].path));
			json_object_object_add(o, "shipped", json_object_new_boolean(v[i].shipped));
			json_object_array_add(arr, o);
		}
		cmd_json_print(ctx->out, arr);
	} else if (cmd_flag(a, "names")) {
		for (size_t i = 0; i < n; i++)
			fprintf(ctx->out, "%s\n", v[i].name);
	} else {
		fprintf(ctx->out, "%-18s %-8s %s\n", "NAME", "FROM", "FILE");
		for (size_t i = 0; i < n; i++)
			fprintf(ctx->out, "%-18s %-8s %s\n", v[i].name, v[i].shipped ? "shipped" : "user", v[i].path);
	}
	free(v);
	return 0;
}

const struct cmd_def cmd_lab_list = {
	.name = "lab list",
	.usage = "",
	.summary = "lab files known by name: the user's ($XDG_CONFIG_HOME/vmdeck/labs) and the shipped ones",
	.opts = cmd_names_opts,
	.flags = CMD_NO_CONN | CMD_JSON,
	.exec = lab_list_exec,
};

static int lab_up_exec(struct cmd_ctx *ctx, const struct cmd_args *a) { return lab_run(ctx, a, "up"); }
static int lab_status_exec(struct cmd_ctx *ctx, const struct cmd_args *a) { return lab_run(ctx, a, "status"); }
static int lab_reset_exec(struct cmd_ctx *ctx, const struct cmd_args *a) { return lab_run(ctx, a, "reset"); }
static int lab_down_exec(struct cmd_ctx *ctx, const struct cmd_args *a) { return lab_run(ctx, a, "down"); }

const struct cmd_def cmd_lab_up = {
	.name = "lab up",
	.usage = "FILE",
	.summary = "make what is missing of a lab: networks, seats (linked clones), forwards, clean snapshots; start",
	.flags = CMD_CHANGES | CMD_JSON | CMD_FLEET,
	.min_args = 1,
	.max_args = 1,
	.exec = lab_up_exec,
};

const struct cmd_def cmd_lab_status = {
	.name = "lab status",
	.usage = "FILE",
	.summary = "the lab's seats: state, IPv4, network, clean snapshot, forwards",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_JSON | CMD_FLEET,
	.exec = lab_status_exec,
};

static const struct cmd_opt lab_yes_opts[] = {
	{ .name = "yes", .help = "do not ask (needed when not on a terminal)" },
	{ 0 },
};

const struct cmd_def cmd_lab_reset = {
	.name = "lab reset",
	.usage = "FILE [SEAT...]",
	.summary = "seats (all, or those named: NAME-3 or 3) back to the clean snapshot, started again (asks)",
	.opts = lab_yes_opts,
	.flags = CMD_CHANGES | CMD_JSON | CMD_FLEET,
	.min_args = 1,
	.max_args = CMD_MAX_POS,
	.exec = lab_reset_exec,
};

const struct cmd_def cmd_lab_down = {
	.name = "lab down",
	.usage = "FILE",
	.summary = "delete the lab's seats with their overlay disks and the networks it made (asks; the base stays)",
	.opts = lab_yes_opts,
	.flags = CMD_CHANGES | CMD_JSON | CMD_FLEET,
	.min_args = 1,
	.max_args = 1,
	.exec = lab_down_exec,
};
