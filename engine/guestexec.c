/* guestexec.c - running a program inside a guest through qemu-guest-agent's
 * guest-exec (what `net probe` pings with). The command is a JSON argv built
 * with json-c, never a shell line; the wait is bounded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <json-c/json.h>
#include <libvirt/libvirt-qemu.h>

#include "guestexec.h"

json_object *eng_agent_within(virDomainPtr d, json_object *cmd, int timeout_s, struct eng_error *err)
{
	/* (every libvirt call resets the last error: the name first) */
	const char *vm = virDomainGetName(d);
	char *reply = virDomainQemuAgentCommand(d, json_object_to_json_string_ext(cmd, JSON_C_TO_STRING_PLAIN),
						timeout_s, 0);
	json_object *root, *ret = NULL;

	json_object_put(cmd);
	if (!reply) {
		eng_err_libvirt(err, "VM %s: guest agent", vm);
		return NULL;
	}
	root = json_tokener_parse(reply);
	free(reply);
	if (root && json_object_object_get_ex(root, "return", &ret))
		json_object_get(ret);
	else
		eng_err_set(err, ENG_E_FAILED, "VM %s: unexpected guest agent reply", virDomainGetName(d));
	json_object_put(root);
	return ret;
}

static json_object *agent(virDomainPtr d, json_object *cmd, struct eng_error *err)
{
	return eng_agent_within(d, cmd, 10, err);
}

static json_object *command(const char *execute, json_object *args)
{
	json_object *c = json_object_new_object();

	json_object_object_add(c, "execute", json_object_new_string(execute));
	json_object_object_add(c, "arguments", args);
	return c;
}

int eng_guest_spawn(virDomainPtr d, const char *const *argv, bool capture, long long *pid,
		    struct eng_error *err)
{
	json_object *args = json_object_new_object(), *arg = json_object_new_array(), *r, *p;

	for (int i = 1; argv[i]; i++)
		json_object_array_add(arg, json_object_new_string(argv[i]));
	json_object_object_add(args, "path", json_object_new_string(argv[0]));
	json_object_object_add(args, "arg", arg);
	json_object_object_add(args, "capture-output", json_object_new_boolean(capture));
	if (!(r = agent(d, command("guest-exec", args), err)))
		return -1;
	if (!json_object_object_get_ex(r, "pid", &p)) {
		json_object_put(r);
		eng_err_set(err, ENG_E_FAILED, "VM %s: guest-exec gave no pid", virDomainGetName(d));
		return -1;
	}
	*pid = json_object_get_int64(p);
	json_object_put(r);
	return 0;
}

int eng_guest_exec(virDomainPtr d, const char *const *argv, double timeout_s, int *exitcode,
		   struct eng_error *err)
{
	double deadline = eng_now_s() + timeout_s;
	long long pid;

	if (eng_guest_spawn(d, argv, true, &pid, err) < 0)
		return -1;
	while (eng_now_s() < deadline) {
		json_object *args = json_object_new_object(), *r, *v;
		bool exited;

		json_object_object_add(args, "pid", json_object_new_int64(pid));
		if (!(r = agent(d, command("guest-exec-status", args), err)))
			return -1;
		exited = json_object_object_get_ex(r, "exited", &v) && json_object_get_boolean(v);
		if (exited) {
			*exitcode = json_object_object_get_ex(r, "exitcode", &v) ? json_object_get_int(v) : -1;
			json_object_put(r);
			return 0;
		}
		json_object_put(r);
		usleep(100 * 1000);
	}
	eng_err_set(err, ENG_E_TIMEOUT, "VM %s: %s did not finish within %.0f s", virDomainGetName(d), argv[0],
		    timeout_s);
	return -1;
}

int eng_agent_ping(struct eng *e, const char *name, char *version, size_t len, struct eng_error *err)
{
	virDomainPtr d = eng_dom_lookup(e, name, err);
	json_object *c, *ret, *v;

	version[0] = '\0';
	if (!d)
		return -1;
	c = json_object_new_object();
	json_object_object_add(c, "execute", json_object_new_string("guest-info"));
	/* short: the wizard asks again on its next refresh */
	ret = eng_agent_within(d, c, 2, err);
	virDomainFree(d);
	if (!ret)
		return -1;
	if (json_object_object_get_ex(ret, "version", &v))
		snprintf(version, len, "%s", json_object_get_string(v));
	json_object_put(ret);
	return 0;
}

/* ---- exec: a command's output and status, for `vmdeck exec` ---- */

static char *b64_take(json_object *r, const char *key, size_t *len)
{
	json_object *v;
	gsize n = 0;
	guchar *raw;
	char *out;

	*len = 0;
	if (!json_object_object_get_ex(r, key, &v))
		return calloc(1, 1);
	raw = g_base64_decode(json_object_get_string(v), &n);
	out = malloc(n + 1);
	if (out) {
		memcpy(out, raw, n);
		out[n] = '\0';
		*len = n;
	}
	g_free(raw);
	return out;
}

/* "Failed to execute child process “x” (No such file or directory)": the
 * agent could not start argv[0] at all */
static bool not_started(const struct eng_error *err)
{
	return strstr(err->msg, "Failed to execute child process") || strstr(err->msg, "No such file or directory");
}

int eng_guest_run(struct eng *e, const char *vm, const char *const *argv, double timeout_s,
		  struct eng_exec_result *r, struct eng_error *err)
{
	virDomainPtr d;
	long long pid;
	double t0 = eng_now_s();
	int ret = -1;

	memset(r, 0, sizeof(*r));
	if (eng_refuse_readonly(e, "exec in", vm, err) < 0 || !(d = eng_dom_lookup(e, vm, err)))
		return -1;
	if (virDomainIsActive(d) != 1) {
		eng_err_set(err, ENG_E_FAILED, "exec %s: the VM is not running", vm);
		goto out;
	}
	if (eng_guest_spawn(d, argv, true, &pid, err) < 0) {
		if (not_started(err))
			eng_err_set(err, ENG_E_NOT_FOUND, "exec %s: %s: no such command in the guest (give its full path, "
				    "or a shell: -- sh -c '...')", vm, argv[0]);
		else if (strstr(err->msg, "not responding") || strstr(err->msg, "not connected") ||
			 strstr(err->msg, "not configured") || strstr(err->msg, "not available")) {
			char why[sizeof(err->msg)];
			const char *lv = strstr(err->msg, "guest agent: ");
			snprintf(why, sizeof(why), "%s", lv ? lv + 13 : err->msg);
			eng_err_set(err, ENG_E_FAILED, "exec %s: no guest agent answers (qemu-guest-agent must run in the "
				    "guest): %s", vm, why);
		}
		goto out;
	}
	for (;;) {
		json_object *args = json_object_new_object(), *st, *v;

		json_object_object_add(args, "pid", json_object_new_int64(pid));
		if (!(st = agent(d, command("guest-exec-status", args), err)))
			goto out;
		if (json_object_object_get_ex(st, "exited", &v) && json_object_get_boolean(v)) {
			r->out = b64_take(st, "out-data", &r->out_len);
			r->err = b64_take(st, "err-data", &r->err_len);
			r->truncated = (json_object_object_get_ex(st, "out-truncated", &v) && json_object_get_boolean(v)) ||
				       (json_object_object_get_ex(st, "err-truncated", &v) && json_object_get_boolean(v));
			if (json_object_object_get_ex(st, "signal", &v)) {
				r->signal = json_object_get_int(v);
				r->exit_code = 128 + r->signal;   /* as a shell reports it */
			} else {
				r->exit_code = json_object_object_get_ex(st, "exitcode", &v) ? json_object_get_int(v) : -1;
			}
			json_object_put(st);
			break;
		}
		json_object_put(st);
		if (eng_job_cancelled() || (timeout_s > 0 && eng_now_s() - t0 > timeout_s)) {
			/* guest-exec has no kill of its own: the guest's kill(1) */
			char p[32];
			const char *kill_argv[] = { "kill", "-KILL", p, NULL };
			int code;
			snprintf(p, sizeof(p), "%lld", pid);
			eng_guest_exec(d, kill_argv, 5, &code, NULL);
			r->timed_out = !eng_job_cancelled();
			eng_err_set(err, r->timed_out ? ENG_E_TIMEOUT : ENG_E_CANCELLED,
				    "exec %s: %s %s: killed in the guest", vm, argv[0],
				    r->timed_out ? "did not finish in time" : "was cancelled");
			if (r->timed_out)
				snprintf(err->msg + strlen(err->msg), sizeof(err->msg) - strlen(err->msg), " (--timeout %g)",
					 timeout_s);
			goto out;
		}
		usleep(eng_now_s() - t0 < 1 ? 20 * 1000 : 100 * 1000);
	}
	r->duration_s = eng_now_s() - t0;
	ret = 0;
out:
	if (ret < 0)
		r->duration_s = eng_now_s() - t0;
	virDomainFree(d);
	return ret;
}

void eng_exec_result_free(struct eng_exec_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}
