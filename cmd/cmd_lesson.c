/* cmd_lesson.c - a lesson on a lab's seats: lab exec (one command in every
 * seat, a few at a time, one line each), lab push (a file into every seat),
 * lab collect (a path from every seat into DIR/SEAT/), lab sheet (how each
 * student reaches their seat). Seats are the lab's own (engine/lab.c). */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "json.h"
#include "profiles.h"

static int load_lab(struct cmd_ctx *ctx, const char *name, struct lab_spec *l)
{
	struct eng_error err = { 0 };
	char path[1024];

	if (prof_lab_find(name, path, sizeof(path), &err) < 0 || prof_lab_load(path, l, &err) < 0)
		return cmd_fail(ctx, &err);
	return 0;
}

/* the first line of a command's output, for the one line per seat */
static void first_line(const char *text, size_t len, char *out, size_t olen)
{
	size_t n = 0;

	while (n < len && text[n] != '\n' && n + 1 < olen) {
		out[n] = (unsigned char)text[n] < 0x20 ? '?' : text[n];
		n++;
	}
	out[n] = '\0';
}

/* ---- lab exec FILE [SEAT...] -- CMD [ARG...] ---- */
static int exec_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct lab_spec l;
	struct lab_sites *ls;
	struct eng_seat_run *v = NULL;
	struct eng_error err = { 0 };
	const char *t = cmd_opt(a, "timeout");
	double timeout = 0;
	size_t n = 0;
	int rc, failed = 0;

	if (a->dashdash < 0 || a->dashdash >= a->npos)
		return cmd_error(ctx, 2, "lab exec %s: no command (vmdeck lab exec FILE [SEAT...] -- CMD [ARG...])",
				 a->pos[0]);
	if (t && eng_seconds_parse("--timeout", t, 0.1, 86400, &timeout, &err) < 0)
		return cmd_error(ctx, 2, "%s", err.msg);
	if ((rc = load_lab(ctx, a->pos[0], &l)) != 0 || !(ls = cmd_lab_sites(ctx, &l, false, &rc)))
		return rc;
	/* one slot per seat: each host's runs in their seats' places, in seat order */
	if (!(v = calloc(l.seats ? l.seats : 1, sizeof(*v)))) {
		free(ls);
		return cmd_error(ctx, 1, "out of memory");
	}
	bool ran_in[LAB_MAX_SEATS] = { false };
	for (size_t k = 0; k < ls->n; k++) {
		struct eng_seat_run *sv = NULL;
		size_t sn = 0;
		if (eng_lab_exec(ls->s[k].eng, &ls->s[k].spec, &a->pos[1], (size_t)a->dashdash - 1,
				 &a->pos[a->dashdash], timeout, &sv, &sn, &err) < 0) {
			for (unsigned i = 0; i < l.seats; i++)
				if (ran_in[i])
					eng_exec_result_free(&v[i].r);
			free(v);
			free(ls);
			return cmd_fail(ctx, &err);
		}
		for (size_t j = 0; j < sn; j++) {
			int i = cmd_lab_seat_index(&l, sv[j].seat.name);
			if (i >= 0 && !ran_in[i]) {
				v[i] = sv[j];
				ran_in[i] = true;
			} else {
				eng_exec_result_free(&sv[j].r);
			}
		}
		free(sv);
	}
	for (unsigned i = 0; i < l.seats; i++)
		if (ran_in[i])
			v[n++] = v[i];
	if (ctx->g.json) {
		json_object *arr = json_object_new_array();
		for (size_t i = 0; i < n; i++) {
			json_object *o = json_object_new_object();
			bool ok = v[i].ran && v[i].rc == 0;
			const char *host = cmd_lab_host(ls, &l, (unsigned)cmd_lab_seat_index(&l, v[i].seat.name));
			json_object_object_add(o, "seat", json_object_new_string(v[i].seat.name));
			if (host)
				json_object_object_add(o, "host", json_object_new_string(host));
			json_object_object_add(o, "exit_code", ok ? json_object_new_int(v[i].r.exit_code) : NULL);
			json_object_object_add(o, "stdout", ok ? json_object_new_string_len(v[i].r.out, (int)v[i].r.out_len) : NULL);
			json_object_object_add(o, "stderr", ok ? json_object_new_string_len(v[i].r.err, (int)v[i].r.err_len) : NULL);
			json_object_object_add(o, "duration_s", ok ? json_object_new_double(v[i].r.duration_s) : NULL);
			if (!ok)
				json_object_object_add(o, "error", json_object_new_string(v[i].error));
			json_object_array_add(arr, o);
			failed += !ok || v[i].r.exit_code != 0;
		}
		cmd_json_print(ctx->out, arr);
	} else {
		for (size_t i = 0; i < n; i++) {
			char line[200];
			if (!v[i].ran || v[i].rc != 0) {
				fprintf(ctx->out, "%-16s -    %s\n", v[i].seat.name, v[i].error);
				failed++;
				continue;
			}
			first_line(v[i].r.out_len ? v[i].r.out : v[i].r.err, v[i].r.out_len ? v[i].r.out_len : v[i].r.err_len,
				   line, sizeof(line));
			fprintf(ctx->out, "%-16s %-4d %s\n", v[i].seat.name, v[i].r.exit_code, line);
			failed += v[i].r.exit_code != 0;
		}
	}
	eng_lab_runs_free(v, n);
	free(ls);
	if (failed)
		return cmd_error(ctx, 1, "lab exec %s: %d of %zu seats did not run it or did not exit 0", l.name, failed, n);
	return 0;
}

static const struct cmd_opt exec_opts[] = {
	{ .name = "timeout", .arg = "S", .help = "kill the command in a seat after S seconds" },
	{ 0 },
};

const struct cmd_def cmd_lab_exec = {
	.name = "lab exec",
	.usage = "FILE [SEAT...] -- CMD [ARG...]",
	.summary = "run CMD in every seat (or those named) in parallel: seat, exit status, first line of output",
	.opts = exec_opts,
	.flags = CMD_CHANGES | CMD_JSON | CMD_FLEET,
	.min_args = 1,
	.max_args = CMD_MAX_POS,
	.exec = exec_exec,
};

/* ---- lab push FILE LOCAL PATH / lab collect FILE PATH DIR ---- */
static int copy_each(struct cmd_ctx *ctx, const struct cmd_args *a, bool push)
{
	struct lab_spec l;
	struct lab_sites *ls;
	struct eng_seat *s = NULL;
	struct eng *on[LAB_MAX_SEATS];
	struct eng_error err = { 0 };
	json_object *arr = json_object_new_array();
	size_t n = 0;
	int rc, missing = 0;
	struct stat st;

	if ((rc = load_lab(ctx, a->pos[0], &l)) != 0) {
		json_object_put(arr);
		return rc;
	}
	if (push && (stat(a->pos[1], &st) < 0 || !S_ISREG(st.st_mode))) {
		json_object_put(arr);
		return cmd_error(ctx, 1, "lab push %s: %s: %s", l.name, a->pos[1], errno ? strerror(errno) : "not a regular file");
	}
	if (!push && mkdir(a->pos[2], 0755) < 0 && errno != EEXIST) {
		json_object_put(arr);
		return cmd_error(ctx, 1, "lab collect %s: %s: %s", l.name, a->pos[2], strerror(errno));
	}
	if (!(ls = cmd_lab_sites(ctx, &l, false, &rc))) {
		json_object_put(arr);
		return rc;
	}
	rc = cmd_lab_targets(ls, &l, &s, on, &n, &err);
	free(ls);
	if (rc < 0) {
		json_object_put(arr);
		return cmd_fail(ctx, &err);
	}
	for (size_t i = 0; i < n; i++) {
		struct eng *e = on[i];
		char local[PATH_MAX], base[PATH_MAX], why[600] = "";
		unsigned long long bytes = 0;
		int mode = -1;
		json_object *o = json_object_new_object();

		if (!s[i].exists || s[i].state != ENG_ST_RUNNING) {
			snprintf(why, sizeof(why), "%s", s[i].exists ? "not running" : s[i].did);
		} else if (push) {
			if (eng_guest_file_put(e, s[i].name, a->pos[1], a->pos[2], -1, &bytes, &err) < 0)
				snprintf(why, sizeof(why), "%s", err.msg);
		} else {
			snprintf(local, sizeof(local), "%s/%s", a->pos[2], s[i].name);
			snprintf(base, sizeof(base), "%s", a->pos[1]);
			if (mkdir(local, 0755) < 0 && errno != EEXIST) {
				snprintf(why, sizeof(why), "%.400s: %s", local, strerror(errno));
			} else {
				size_t used = strlen(local);
				snprintf(local + used, sizeof(local) - used, "/%s", basename(base));
				if (eng_guest_file_get(e, s[i].name, a->pos[1], local, &mode, &bytes, &err) < 0)
					snprintf(why, sizeof(why), "%s", err.msg);
				else if (mode >= 0)
					chmod(local, (mode_t)mode & 07777);
			}
		}
		json_object_object_add(o, "seat", json_object_new_string(s[i].name));
		json_object_object_add(o, "ok", json_object_new_boolean(!why[0]));
		json_object_object_add(o, "bytes", json_object_new_int64((int64_t)bytes));
		if (why[0])
			json_object_object_add(o, "error", json_object_new_string(why));
		json_object_array_add(arr, o);
		missing += why[0] != '\0';
		if (!ctx->g.json) {
			if (why[0])
				fprintf(ctx->out, "%-16s MISSING %s\n", s[i].name, why);
			else
				fprintf(ctx->out, "%-16s ok      %llu bytes%s%s\n", s[i].name, bytes, push ? "" : " -> ",
					push ? "" : local);
		}
	}
	if (ctx->g.json)
		cmd_json_print(ctx->out, arr);
	else
		json_object_put(arr);
	free(s);
	if (missing)
		return cmd_error(ctx, 1, "lab %s %s: %d of %zu seats %s", push ? "push" : "collect", l.name, missing, n,
				 push ? "did not get the file (listed above)" : "had nothing to collect (listed above)");
	return 0;
}

static int push_exec(struct cmd_ctx *ctx, const struct cmd_args *a) { return copy_each(ctx, a, true); }
static int collect_exec(struct cmd_ctx *ctx, const struct cmd_args *a) { return copy_each(ctx, a, false); }

const struct cmd_def cmd_lab_push = {
	.name = "lab push",
	.usage = "FILE LOCAL PATH",
	.summary = "copy a local file to PATH in every running seat (through the guest agent)",
	.flags = CMD_CHANGES | CMD_JSON | CMD_FLEET,
	.min_args = 3,
	.max_args = 3,
	.exec = push_exec,
};

const struct cmd_def cmd_lab_collect = {
	.name = "lab collect",
	.usage = "FILE PATH DIR",
	.summary = "copy PATH from every seat into DIR/SEAT/ (the seats without it are listed; exit 1)",
	.flags = CMD_JSON | CMD_FLEET,
	.min_args = 3,
	.max_args = 3,
	.exec = collect_exec,
};

/* ---- lab sheet FILE ---- */
static int sheet_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct lab_spec l;
	struct lab_sites *ls;
	struct eng_seat *s = NULL;
	struct eng_error err = { 0 };
	int rc;

	if ((rc = load_lab(ctx, a->pos[0], &l)) != 0 || !(ls = cmd_lab_sites(ctx, &l, false, &rc)))
		return rc;
	if (cmd_lab_rows(ls, &l, cmd_lab_status_fn, NULL, &s, &err) < 0) {
		free(ls);
		free(s);
		return cmd_fail(ctx, &err);
	}
	if (ctx->g.json) {
		json_object *arr = json_object_new_array();
		for (unsigned i = 0; i < l.seats; i++) {
			json_object *o = json_object_new_object(), *ports = json_object_new_array();
			char user[40], pw[40];
			bool cred = eng_lab_credentials(&l, s[i].name, user, sizeof(user), pw, sizeof(pw)) == 0;
			for (size_t k = 0; k < l.n_fwd; k++) {
				json_object *p = json_object_new_object();
				json_object_object_add(p, "name", json_object_new_string(l.fwd[k].name));
				json_object_object_add(p, "host_port", json_object_new_int((int)(l.fwd[k].host_base + i + 1)));
				json_object_object_add(p, "guest_port", json_object_new_int((int)l.fwd[k].guest_port));
				json_object_object_add(p, "proto", json_object_new_string(l.fwd[k].proto));
				json_object_array_add(ports, p);
			}
			json_object_object_add(o, "seat", json_object_new_string(s[i].name));
			if (cmd_lab_host(ls, &l, i))
				json_object_object_add(o, "host", json_object_new_string(cmd_lab_host(ls, &l, i)));
			json_object_object_add(o, "exists", json_object_new_boolean(s[i].exists));
			json_object_object_add(o, "ipv4", s[i].ipv4[0] ? json_object_new_string(s[i].ipv4) : NULL);
			json_object_object_add(o, "ports", ports);
			json_object_object_add(o, "user", cred ? json_object_new_string(user) : NULL);
			json_object_object_add(o, "password", cred && pw[0] ? json_object_new_string(pw) : NULL);
			json_object_array_add(arr, o);
		}
		cmd_json_print(ctx->out, arr);
	} else {
		fprintf(ctx->out, "%-16s %-15s %-30s %-10s %s\n", "SEAT", "IPV4", "PORTS", "USER", "PASSWORD");
		for (unsigned i = 0; i < l.seats; i++) {
			char ports[256] = "", user[40] = "-", pw[40] = "-";
			if (eng_lab_credentials(&l, s[i].name, user, sizeof(user), pw, sizeof(pw)) == 0 && !pw[0])
				snprintf(pw, sizeof(pw), "-");
			for (size_t k = 0; k < l.n_fwd; k++) {
				size_t used = strlen(ports);
				snprintf(ports + used, sizeof(ports) - used, "%s%s:%u->%u", used ? "," : "", l.fwd[k].name,
					 l.fwd[k].host_base + i + 1, l.fwd[k].guest_port);
			}
			fprintf(ctx->out, "%-16s %-15s %-30s %-10s %s\n", s[i].name, s[i].ipv4[0] ? s[i].ipv4 : "-",
				ports[0] ? ports : "-", user, pw);
		}
	}
	free(ls);
	free(s);
	return 0;
}

const struct cmd_def cmd_lab_sheet = {
	.name = "lab sheet",
	.usage = "FILE",
	.summary = "one line per seat: how a student reaches it (address, forwarded host ports, user, password)",
	.flags = CMD_JSON | CMD_FLEET,
	.min_args = 1,
	.max_args = 1,
	.exec = sheet_exec,
};
