/* guestexec.c - running a program inside a guest through qemu-guest-agent's
 * guest-exec (what `net probe` pings with). The command is a JSON argv built
 * with json-c, never a shell line; the wait is bounded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libvirt/libvirt-qemu.h>

#include "guestexec.h"

/* One agent command, waiting up to timeout_s; returns the "return" member
 * (caller puts) or NULL. */
static json_object *agent_within(virDomainPtr d, json_object *cmd, int timeout_s, struct eng_error *err)
{
	char *reply = virDomainQemuAgentCommand(d, json_object_to_json_string_ext(cmd, JSON_C_TO_STRING_PLAIN),
						timeout_s, 0);
	json_object *root, *ret = NULL;

	json_object_put(cmd);
	if (!reply) {
		eng_err_libvirt(err, "VM %s: the guest agent did not answer", virDomainGetName(d));
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
	return agent_within(d, cmd, 10, err);
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
	ret = agent_within(d, c, 2, err);
	virDomainFree(d);
	if (!ret)
		return -1;
	if (json_object_object_get_ex(ret, "version", &v))
		snprintf(version, len, "%s", json_object_get_string(v));
	json_object_put(ret);
	return 0;
}
