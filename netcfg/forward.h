/* forward.h - NAT port forwarding as data: a forward (VM, protocol, host port,
 * guest port) and the guest address it points at become libnftables JSON
 * batches (built with json-c, never text from user input). Pure: no libvirt,
 * no nftables calls; engine/forward.c applies what these build. */
#ifndef VMDECK_FORWARD_H
#define VMDECK_FORWARD_H

#include <stdbool.h>
#include <stddef.h>

#include "base.h"

#define FWD_TABLE "vmdeck"                 /* vmdeck's own table: DNAT only */
#define FWD_LIBVIRT_CHAIN "LIBVIRT_FWI"    /* libvirt's inbound filter (table ip filter) */
#define FWD_COMMENT_PREFIX "vmdeck-fwd "

struct fwd_rule {
	char vm[ENG_NAME_MAX + 1];
	char proto[4];               /* tcp, udp */
	unsigned host_port, guest_port;
	char guest_ip[16];           /* "" when the guest has no address now */
	char bridge[64];             /* the NAT network's bridge */
};

/* "8080" -> 8080; what names the argument in the error ("host port"). */
int fwd_port_parse(const char *text, const char *what, unsigned *port, struct eng_error *err);
/* NULL or "tcp"/"udp". */
int fwd_proto_check(const char *proto, struct eng_error *err);
/* Refuses r when another rule already holds its host port and protocol. */
int fwd_conflict(const struct fwd_rule *rules, size_t n, const struct fwd_rule *r,
		 struct eng_error *err);
/* The comment that marks a rule as vmdeck's: it names the VM, the ports and
 * the address, so a changed address is a changed comment. */
void fwd_comment(const struct fwd_rule *r, char *buf, size_t len);

/* Batch that replaces vmdeck's table with DNAT rules for the rules that have
 * an address (prerouting for traffic from outside, output for the host's own). */
char *fwd_nat_batch(const struct fwd_rule *rules, size_t n);
/* Batch that deletes the rule handles given and inserts, at the head of
 * libvirt's LIBVIRT_FWI chain, one accept per rule with an address: libvirt
 * rejects new inbound connections to NAT guests there. */
char *fwd_filter_batch(const struct fwd_rule *rules, size_t n,
		       const unsigned long long *del_handles, size_t n_del);
/* From nft's JSON listing of a chain (LIBVIRT_FWI) or of vmdeck's table:
 * vmdeck's rules (handles and comments, in order) and whether they come
 * before every other rule. Returns how many, -1 when the text is not that output. */
int fwd_filter_parse(const char *json, unsigned long long *handles, char (*comments)[128],
		     size_t max, bool *at_head);

#endif
