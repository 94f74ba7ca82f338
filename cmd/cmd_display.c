/* cmd_display.c - display VM: where the guest's screen is (its VNC or SPICE
 * address), and how to reach it: the viewer's command, and for a guest on a
 * remote host over SSH the tunnel that reaches its loopback-only port. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "json.h"

/* "qemu+ssh://user@host:2222/system" -> "user@host", "2222" (port "" when
 * none); false for a URI that is not over SSH */
static bool ssh_target(const char *uri, char *host, size_t hlen, char *port, size_t plen)
{
	const char *p = strstr(uri, "+ssh://"), *end;
	size_t n;

	host[0] = port[0] = '\0';
	if (!p)
		return false;
	p += 7;
	end = p + strcspn(p, "/?");
	n = (size_t)(end - p);
	snprintf(host, hlen, "%.*s", (int)n, p);
	{
		char *colon = strrchr(host, ':');
		if (colon && !strchr(colon, ']')) {
			snprintf(port, plen, "%s", colon + 1);
			*colon = '\0';
		}
	}
	return host[0] != '\0';
}

static int display_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct eng_error err = { 0 };
	char addr[256], host[256], sshport[16], tunnel[600] = "", viewer[900];
	const char *uri = eng_uri(ctx->eng), *vm = a->pos[0], *hostport, *type_end;
	bool remote;

	if (eng_domain_graphics(ctx->eng, vm, addr, sizeof(addr), &err) < 0)
		return cmd_fail(ctx, &err);
	/* "vnc://127.0.0.1:5900" */
	type_end = strstr(addr, "://");
	hostport = type_end ? type_end + 3 : addr;
	remote = ssh_target(uri, host, sizeof(host), sshport, sizeof(sshport));
	if (remote) {
		const char *port = strrchr(hostport, ':');
		snprintf(tunnel, sizeof(tunnel), "ssh %s%s%s-N -L %s:%s %s", sshport[0] ? "-p " : "", sshport,
			 sshport[0] ? " " : "", port ? port + 1 : "5900", hostport, host);
	}
	/* virt-viewer finds the port itself and tunnels over the same SSH */
	snprintf(viewer, sizeof(viewer), "virt-viewer -c %s %s", uri, vm);
	if (ctx->g.json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(vm));
		json_object_object_add(o, "address", json_object_new_string(addr));
		json_object_object_add(o, "ssh_tunnel", tunnel[0] ? json_object_new_string(tunnel) : NULL);
		json_object_object_add(o, "viewer", json_object_new_string(viewer));
		{
			char type[16];
			snprintf(type, sizeof(type), "%.*s", type_end ? (int)(type_end - addr) : 3, addr);
			json_object_object_add(o, "type", json_object_new_string(type));
		}
		cmd_json_print(ctx->out, o);
		return 0;
	}
	fprintf(ctx->out, "%s\n", addr);
	if (tunnel[0])
		fprintf(ctx->out, "tunnel: %s   (then a VNC viewer on localhost:%s)\n", tunnel,
			strrchr(hostport, ':') ? strrchr(hostport, ':') + 1 : "5900");
	fprintf(ctx->out, "viewer: %s\n", viewer);
	return 0;
}

const struct cmd_def cmd_display = {
	.name = "display",
	.usage = "VM",
	.summary = "the guest's VNC/SPICE address, and the ssh -L and virt-viewer lines that reach it",
	.flags = CMD_VM_ARG | CMD_JSON,
	.min_args = 1,
	.max_args = 1,
	.exec = display_exec,
};
