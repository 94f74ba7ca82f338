/* guestexec.h - programs run inside a guest by qemu-guest-agent (engine-internal). */
#ifndef VMDECK_GUESTEXEC_H
#define VMDECK_GUESTEXEC_H

#include <json-c/json.h>

#include "internal.h"

/* One agent command (cmd is consumed), waiting up to timeout_s; returns the
 * "return" member (caller puts) or NULL with err. */
json_object *eng_agent_within(virDomainPtr d, json_object *cmd, int timeout_s, struct eng_error *err);

/* Starts argv (argv[0] looked up in the guest's PATH); does not wait. */
int eng_guest_spawn(virDomainPtr d, const char *const *argv, bool capture, long long *pid,
		    struct eng_error *err);
/* Runs argv and waits up to timeout_s for its exit code. */
int eng_guest_exec(virDomainPtr d, const char *const *argv, double timeout_s, int *exitcode,
		   struct eng_error *err);

#endif
