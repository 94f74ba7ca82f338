/* hostnet.h - packets from this host or from inside a network namespace the
 * user names (an "outside" peer for `net probe`): ICMP echo, TCP connect,
 * addresses. Every wait is bounded by the timeouts given. Engine-internal. */
#ifndef VMDECK_HOSTNET_H
#define VMDECK_HOSTNET_H

#include <stdbool.h>

#include "engine.h"

/* ns: NULL for this host's namespace, a name under /run/netns, or a path
 * (/proc/PID/ns/net). The results: 1 answered, 0 did not, -1 error (err). */
int hn_ping(const char *ns, const char *ip, int tries, int timeout_ms, struct eng_error *err);
int hn_tcp(const char *ns, const char *ip, unsigned port, int timeout_ms, struct eng_error *err);
bool hn_is_ipv4(const char *text);
/* The first non-loopback IPv4 address of ns (with its prefix length). */
int hn_first_addr(const char *ns, char ip[16], unsigned *prefix, struct eng_error *err);
/* This host's address on interface ifname, or in the same subnet as ip/prefix
 * (ifname NULL), or any non-loopback one (both NULL). 0 when found. */
int hn_local_addr(const char *ifname, const char *ip, unsigned prefix, char out[16]);

#endif
