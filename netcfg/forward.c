/* forward.c - NAT port forwards as libnftables JSON (see libnftables-json(5)).
 * The DNAT rules live in a table of vmdeck's own that is rebuilt whole in one
 * atomic batch; the accepts must go into libvirt's LIBVIRT_FWI chain, because
 * a reject in any table's forward hook drops the packet whatever another
 * table accepted. The expressions there are the ones iptables-nft itself
 * writes, so libvirt's iptables calls keep parsing that chain. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "forward.h"

int fwd_port_parse(const char *text, const char *what, unsigned *port, struct eng_error *err)
{
	char *end;
	long v;

	errno = 0;
	v = text ? strtol(text, &end, 10) : 0;
	if (!text || !*text || *end || errno || v < 1 || v > 65535) {
		eng_err_set(err, ENG_E_INVALID, "%s '%s': not a port number (1-65535)", what,
			    text ? text : "");
		return -1;
	}
	*port = (unsigned)v;
	return 0;
}

int fwd_proto_check(const char *proto, struct eng_error *err)
{
	if (proto && strcmp(proto, "tcp") && strcmp(proto, "udp")) {
		eng_err_set(err, ENG_E_INVALID, "protocol '%s': use tcp or udp", proto);
		return -1;
	}
	return 0;
}

int fwd_conflict(const struct fwd_rule *rules, size_t n, const struct fwd_rule *r,
		 struct eng_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (rules[i].host_port == r->host_port && strcmp(rules[i].proto, r->proto) == 0) {
			eng_err_set(err, ENG_E_FAILED, "host port %u/%s is already forwarded to %s port %u",
				    r->host_port, r->proto, rules[i].vm, rules[i].guest_port);
			return -1;
		}
	return 0;
}

void fwd_comment(const struct fwd_rule *r, char *buf, size_t len)
{
	snprintf(buf, len, FWD_COMMENT_PREFIX "%s %s %u %s:%u", r->vm, r->proto, r->host_port,
		 r->guest_ip, r->guest_port);
}

/* {"match": {"op": "==", "left": LEFT, "right": RIGHT}} */
static json_object *match(json_object *left, json_object *right)
{
	json_object *m = json_object_new_object(), *o = json_object_new_object();

	json_object_object_add(m, "op", json_object_new_string("=="));
	json_object_object_add(m, "left", left);
	json_object_object_add(m, "right", right);
	json_object_object_add(o, "match", m);
	return o;
}

static json_object *payload(const char *proto, const char *field)
{
	json_object *p = json_object_new_object(), *o = json_object_new_object();

	json_object_object_add(p, "protocol", json_object_new_string(proto));
	json_object_object_add(p, "field", json_object_new_string(field));
	json_object_object_add(o, "payload", p);
	return o;
}

static json_object *keyed(const char *key, json_object *v)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, key, v);
	return o;
}

/* {"add": {"chain": {...}}} for a nat base chain of vmdeck's table */
static json_object *nat_chain(const char *name, const char *hook)
{
	json_object *c = json_object_new_object();

	json_object_object_add(c, "family", json_object_new_string("ip"));
	json_object_object_add(c, "table", json_object_new_string(FWD_TABLE));
	json_object_object_add(c, "name", json_object_new_string(name));
	json_object_object_add(c, "type", json_object_new_string("nat"));
	json_object_object_add(c, "hook", json_object_new_string(hook));
	json_object_object_add(c, "prio", json_object_new_int(-100));   /* dstnat */
	json_object_object_add(c, "policy", json_object_new_string("accept"));
	return keyed("add", keyed("chain", c));
}

static json_object *rule(const char *verb, const char *table, const char *chain,
			 const struct fwd_rule *r, json_object *expr)
{
	json_object *o = json_object_new_object();
	char comment[128];

	fwd_comment(r, comment, sizeof(comment));
	json_object_object_add(o, "family", json_object_new_string("ip"));
	json_object_object_add(o, "table", json_object_new_string(table));
	json_object_object_add(o, "chain", json_object_new_string(chain));
	json_object_object_add(o, "comment", json_object_new_string(comment));
	json_object_object_add(o, "expr", expr);
	return keyed(verb, keyed("rule", o));
}

static json_object *table_cmd(const char *verb)
{
	json_object *t = json_object_new_object();

	json_object_object_add(t, "family", json_object_new_string("ip"));
	json_object_object_add(t, "name", json_object_new_string(FWD_TABLE));
	return keyed(verb, keyed("table", t));
}

/* fib daddr type local [ip daddr != 127.0.0.0/8] PROTO dport HOST dnat to IP:GUEST */
static json_object *dnat_expr(const struct fwd_rule *r, bool not_loopback)
{
	json_object *e = json_object_new_array(), *fib = json_object_new_object(),
		    *flags = json_object_new_array(), *dnat = json_object_new_object();

	json_object_object_add(fib, "result", json_object_new_string("type"));
	json_object_array_add(flags, json_object_new_string("daddr"));
	json_object_object_add(fib, "flags", flags);
	json_object_array_add(e, match(keyed("fib", fib), json_object_new_string("local")));
	if (not_loopback) {
		/* DNAT of 127.0.0.1 to another host needs route_localnet: not ours to change */
		json_object *pfx = json_object_new_object(), *m;
		json_object_object_add(pfx, "addr", json_object_new_string("127.0.0.0"));
		json_object_object_add(pfx, "len", json_object_new_int(8));
		m = match(payload("ip", "daddr"), keyed("prefix", pfx));
		json_object_object_add(json_object_object_get(m, "match"), "op", json_object_new_string("!="));
		json_object_array_add(e, m);
	}
	json_object_array_add(e, match(payload(r->proto, "dport"), json_object_new_int((int)r->host_port)));
	json_object_object_add(dnat, "addr", json_object_new_string(r->guest_ip));
	json_object_object_add(dnat, "port", json_object_new_int((int)r->guest_port));
	json_object_array_add(e, keyed("dnat", dnat));
	return e;
}

static char *take(json_object *cmds)
{
	json_object *root = keyed("nftables", cmds);
	char *s = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));

	json_object_put(root);
	return s;
}

char *fwd_nat_batch(const struct fwd_rule *rules, size_t n)
{
	json_object *c = json_object_new_array();

	/* add + delete + add: the table is replaced whether or not it existed */
	json_object_array_add(c, table_cmd("add"));
	json_object_array_add(c, table_cmd("delete"));
	json_object_array_add(c, table_cmd("add"));
	json_object_array_add(c, nat_chain("prerouting", "prerouting"));
	json_object_array_add(c, nat_chain("output", "output"));
	for (size_t i = 0; i < n; i++) {
		if (!rules[i].guest_ip[0])
			continue;
		json_object_array_add(c, rule("add", FWD_TABLE, "prerouting", &rules[i], dnat_expr(&rules[i], false)));
		json_object_array_add(c, rule("add", FWD_TABLE, "output", &rules[i], dnat_expr(&rules[i], true)));
	}
	return take(c);
}

/* ip daddr IP oifname BRIDGE PROTO dport GUEST counter accept: the shape of
 * `iptables -d IP/32 -o BRIDGE -p PROTO --dport GUEST -j ACCEPT` in iptables-nft */
static json_object *accept_expr(const struct fwd_rule *r)
{
	json_object *e = json_object_new_array(), *meta = json_object_new_object();

	json_object_array_add(e, match(payload("ip", "daddr"), json_object_new_string(r->guest_ip)));
	json_object_object_add(meta, "key", json_object_new_string("oifname"));
	json_object_array_add(e, match(keyed("meta", meta), json_object_new_string(r->bridge)));
	json_object_array_add(e, match(payload(r->proto, "dport"), json_object_new_int((int)r->guest_port)));
	json_object_array_add(e, keyed("counter", NULL));
	json_object_array_add(e, keyed("accept", NULL));
	return e;
}

char *fwd_filter_batch(const struct fwd_rule *rules, size_t n,
		       const unsigned long long *del_handles, size_t n_del)
{
	json_object *c = json_object_new_array();

	for (size_t i = 0; i < n_del; i++) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "family", json_object_new_string("ip"));
		json_object_object_add(o, "table", json_object_new_string("filter"));
		json_object_object_add(o, "chain", json_object_new_string(FWD_LIBVIRT_CHAIN));
		json_object_object_add(o, "handle", json_object_new_int64((int64_t)del_handles[i]));
		json_object_array_add(c, keyed("delete", keyed("rule", o)));
	}
	for (size_t i = 0; i < n; i++)
		if (rules[i].guest_ip[0] && rules[i].bridge[0])
			json_object_array_add(c, rule("insert", "filter", FWD_LIBVIRT_CHAIN, &rules[i],
						      accept_expr(&rules[i])));
	return take(c);
}

int fwd_filter_parse(const char *json, unsigned long long *handles, char (*comments)[128],
		     size_t max, bool *at_head)
{
	json_object *root = json_tokener_parse(json), *arr;
	int count = 0, index = 0;

	*at_head = true;
	if (!root || !json_object_object_get_ex(root, "nftables", &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		json_object_put(root);
		return -1;
	}
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *r, *cm, *h;
		const char *text;

		if (!json_object_object_get_ex(json_object_array_get_idx(arr, i), "rule", &r))
			continue;
		text = json_object_object_get_ex(r, "comment", &cm) ? json_object_get_string(cm) : "";
		if (strncmp(text, FWD_COMMENT_PREFIX, strlen(FWD_COMMENT_PREFIX)) == 0) {
			if (index != count)
				*at_head = false;   /* one of libvirt's rules comes before ours */
			if ((size_t)count < max && json_object_object_get_ex(r, "handle", &h)) {
				handles[count] = (unsigned long long)json_object_get_int64(h);
				snprintf(comments[count], 128, "%s", text);
				count++;
			}
		}
		index++;
	}
	json_object_put(root);
	return count;
}
