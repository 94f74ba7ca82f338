/* lab.c - classroom labs: N seats that are linked clones of one base, on a
 * network of the lab's (shared, or one per seat), with port forwards and a
 * clean snapshot that `lab reset` goes back to. Built from the engine's own
 * pieces (clones, networks, forwards, snapshots); what exists is kept, so
 * `lab up` can be run again and finishes what an interrupted one began. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void eng_lab_seat_name(const struct lab_spec *l, unsigned i, char *out, size_t len)
{
	snprintf(out, len, "%.56s-%u", l->name, i % 100);   /* names are at most 56: prof_lab_load */
}

void eng_lab_net_name(const struct lab_spec *l, unsigned i, char *out, size_t len)
{
	if (l->use[0])
		snprintf(out, len, "%s", l->use);
	else if (l->per_seat)
		snprintf(out, len, "%.56s-net-%u", l->name, i % 100);
	else
		snprintf(out, len, "%.56s-net", l->name);
}

static void did(struct eng_seat *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void did(struct eng_seat *s, const char *fmt, ...)
{
	size_t used = strlen(s->did);
	va_list ap;

	if (used && used + 2 < sizeof(s->did))
		used += (size_t)snprintf(s->did + used, sizeof(s->did) - used, ", ");
	va_start(ap, fmt);
	vsnprintf(s->did + used, sizeof(s->did) - used, fmt, ap);
	va_end(ap);
}

static struct eng_seat *seats_new(const struct lab_spec *l, struct eng_error *err)
{
	struct eng_seat *v = calloc(l->seats, sizeof(*v));

	if (!v) {
		eng_err_set(err, ENG_E_FAILED, "lab %s: out of memory", l->name);
		return NULL;
	}
	for (unsigned i = 0; i < l->seats; i++) {
		eng_lab_seat_name(l, i + 1, v[i].name, sizeof(v[i].name));
		eng_lab_net_name(l, i + 1, v[i].network, sizeof(v[i].network));
	}
	return v;
}

/* The lab's network: made when missing, started when stopped. */
static int network_ready(struct eng *e, const struct lab_spec *l, const char *net, struct eng_error *err)
{
	struct eng_net info, made;

	if (eng_network_info(e, net, &info, NULL) < 0) {
		if (l->use[0]) {
			eng_err_set(err, ENG_E_NOT_FOUND, "lab %s: no network named '%s' ([network] use)", l->name, net);
			return -1;
		}
		return eng_network_create(e, net, l->mode, NULL, NULL, false, &made, err);
	}
	if (!info.active)
		return eng_network_act(e, net, ENG_NET_START, err);
	return 0;
}

/* A seat without a NIC on the lab's network (new: it has its base's) gets its
 * NICs replaced by one there, with the new MAC the clone was given. Returns 1
 * when it changed something. */
static int seat_rewire(struct eng *e, const struct eng_seat *s, struct eng_error *err)
{
	struct eng_dom_info info;
	char mac[32] = "";
	int ret = 1;

	if (eng_domain_info(e, s->name, &info, err) < 0)
		return -1;
	for (size_t k = 0; k < info.n_nics; k++)
		if (info.nics[k].network && strcmp(info.nics[k].network, s->network) == 0)
			ret = 0;
	for (size_t k = 0; ret == 1 && k < info.n_nics; k++) {
		if (!mac[0] && info.nics[k].mac)
			snprintf(mac, sizeof(mac), "%s", info.nics[k].mac);
		if (info.nics[k].network && eng_network_detach(e, s->name, info.nics[k].network, err) < 0)
			ret = -1;
	}
	eng_dom_info_free(&info);
	if (ret == 1 && eng_network_attach(e, s->name, s->network, mac, sizeof(mac), err) < 0)
		ret = -1;
	return ret;
}

static bool has_forward(const struct eng_forward *f, size_t n, const char *vm, unsigned port, const char *proto)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].vm, vm) == 0 && f[i].host_port == port && strcmp(f[i].proto, proto) == 0)
			return true;
	return false;
}

static int seat_forwards(struct eng *e, const struct lab_spec *l, unsigned i, struct eng_seat *s,
			 const struct eng_forward *have, size_t n_have, struct eng_error *err)
{
	for (size_t k = 0; k < l->n_fwd; k++) {
		const struct lab_forward *f = &l->fwd[k];
		unsigned port = f->host_base + i;
		if (has_forward(have, n_have, s->name, port, f->proto))
			continue;
		if (eng_forward_add(e, s->name, port, f->guest_port, f->proto, NULL, err) < 0)
			return -1;
		did(s, "forward %u->%u/%s", port, f->guest_port, f->proto);
	}
	return 0;
}

/* One listing of the seat's snapshots: whether the clean one is there, and
 * (current not NULL) which one is current. */
static bool seat_has_clean(struct eng *e, const struct lab_spec *l, const char *seat, char *current)
{
	struct eng_snapshot *v = NULL;
	size_t n = 0;
	bool clean = false;

	if (current)
		current[0] = '\0';
	if (eng_snapshot_list(e, seat, &v, &n, NULL) < 0)
		return false;
	for (size_t k = 0; k < n; k++) {
		clean |= strcmp(v[k].name, l->snapshot) == 0;
		if (current && v[k].current)
			snprintf(current, ENG_NAME_MAX + 1, "%s", v[k].name);
	}
	free(v);
	return clean;
}

static int base_ready(struct eng *e, const struct lab_spec *l, struct eng_error *err)
{
	enum eng_state st;

	if (eng_domain_state(e, l->base, &st, err) < 0) {
		eng_err_set(err, ENG_E_NOT_FOUND, "lab %s: no base VM named '%s' ([lab] base)", l->name, l->base);
		return -1;
	}
	return 0;
}

int eng_lab_up(struct eng *e, const struct lab_spec *l, struct eng_seat **out, struct eng_error *err)
{
	struct eng_seat *s;
	const char *missing[LAB_MAX_SEATS];
	unsigned idx[LAB_MAX_SEATS];
	size_t n_missing = 0, n_have = 0;
	struct eng_forward *have = NULL;
	int ret = -1;

	*out = NULL;
	if (eng_refuse_readonly(e, "bring up lab", l->name, err) < 0 || base_ready(e, l, err) < 0 ||
	    !(s = seats_new(l, err)))
		return -1;
	for (unsigned i = 0; i < l->seats; i++) {
		if (network_ready(e, l, s[i].network, err) < 0)
			goto out;
		if (eng_domain_exists(e, s[i].name)) {
			did(&s[i], "kept");
		} else {
			idx[n_missing] = i;
			missing[n_missing++] = s[i].name;
		}
	}
	if (n_missing) {
		struct eng_clone_report *reps = calloc(n_missing, sizeof(*reps));
		struct eng_error *errs = calloc(n_missing, sizeof(*errs));
		int *rcs = calloc(n_missing, sizeof(*rcs));
		int failed = !reps || !errs || !rcs ? -1
			     : eng_domain_clone_many(e, l->base, missing, n_missing, true, reps, errs, rcs);
		for (size_t k = 0; failed < 0 && rcs && errs && k < n_missing; k++)
			if (rcs[k] != 0) {
				*err = errs[k];
				break;
			}
		for (size_t k = 0; rcs && k < n_missing; k++)
			if (rcs[k] == 0)
				did(&s[idx[k]], "made (linked clone of %s)", l->base);
		free(reps);
		free(errs);
		free(rcs);
		if (failed < 0) {
			if (!err->msg[0])
				eng_err_set(err, ENG_E_FAILED, "lab %s: cannot make its seats", l->name);
			goto out;
		}
	}
	/* every seat on the lab's network (new ones, and those an interrupted up left) */
	for (unsigned i = 0; i < l->seats; i++) {
		int rc = seat_rewire(e, &s[i], err);
		if (rc < 0)
			goto out;
		if (rc > 0)
			did(&s[i], "NIC on %s", s[i].network);
	}
	if (l->n_fwd && eng_forward_sync(e, &have, &n_have, err) < 0)
		goto out;
	for (unsigned i = 0; i < l->seats; i++) {
		char taken[ENG_NAME_MAX + 1];
		if (seat_forwards(e, l, i + 1, &s[i], have, n_have, err) < 0)
			goto out;
		if (!seat_has_clean(e, l, s[i].name, NULL)) {
			if (eng_domain_state(e, s[i].name, &s[i].state, err) < 0)
				goto out;
			if (s[i].state != ENG_ST_SHUTOFF) {
				eng_err_set(err, ENG_E_FAILED, "lab %s: seat %s runs without its '%s' snapshot: "
					    "power it off and run lab up again", l->name, s[i].name, l->snapshot);
				goto out;
			}
			if (eng_snapshot_take(e, s[i].name, l->snapshot, "the lab's initial state (lab reset)",
					      taken, sizeof(taken), err) < 0)
				goto out;
			did(&s[i], "snapshot %s", l->snapshot);
		}
		if (l->start && eng_domain_state(e, s[i].name, &s[i].state, NULL) == 0 &&
		    s[i].state == ENG_ST_SHUTOFF) {
			if (eng_domain_act(e, s[i].name, ENG_ACT_START, err) < 0)
				goto out;
			did(&s[i], "started");
		}
	}
	ret = 0;
out:
	free(have);
	*out = s;
	return ret;
}

int eng_lab_status(struct eng *e, const struct lab_spec *l, struct eng_seat **out, struct eng_error *err)
{
	struct eng_dom_summary *v = NULL;
	struct eng_forward *f = NULL;
	size_t n = 0, nf = 0;
	struct eng_seat *s;

	*out = NULL;
	if (!(s = seats_new(l, err)))
		return -1;
	if (eng_domain_list(e, true, true, &v, &n, err) < 0) {
		free(s);
		return -1;
	}
	if (eng_forward_sync(e, &f, &nf, NULL) < 0)
		f = NULL, nf = 0;
	for (unsigned i = 0; i < l->seats; i++) {
		for (size_t k = 0; k < n; k++)
			if (strcmp(v[k].name, s[i].name) == 0) {
				s[i].exists = true;
				s[i].state = v[k].state;
				if (v[k].n_ipv4)
					snprintf(s[i].ipv4, sizeof(s[i].ipv4), "%s", v[k].ipv4[0]);
			}
		if (!s[i].exists)
			continue;
		s[i].clean = seat_has_clean(e, l, s[i].name, s[i].current);
		for (size_t k = 0; k < nf; k++) {
			size_t used = strlen(s[i].forwards);
			if (strcmp(f[k].vm, s[i].name) == 0)
				snprintf(s[i].forwards + used, sizeof(s[i].forwards) - used, "%s%u->%u/%s%s",
					 used ? ", " : "", f[k].host_port, f[k].guest_port, f[k].proto,
					 f[k].active ? "" : " (stale)");
		}
	}
	free(v);
	free(f);
	*out = s;
	return 0;
}

static int seat_index(const struct lab_spec *l, const struct eng_seat *s, const char *name)
{
	for (unsigned i = 0; i < l->seats; i++)
		if (strcmp(s[i].name, name) == 0)
			return (int)i;
	return -1;
}

int eng_lab_reset(struct eng *e, const struct lab_spec *l, const char *const *names, size_t n,
		  struct eng_seat **out, struct eng_error *err)
{
	struct eng_seat *s;
	bool pick[LAB_MAX_SEATS] = { false };
	int ret = -1;

	*out = NULL;
	if (eng_refuse_readonly(e, "reset lab", l->name, err) < 0 || !(s = seats_new(l, err)))
		return -1;
	/* every name is checked before any seat is touched */
	for (size_t k = 0; k < n; k++) {
		int i = seat_index(l, s, names[k]);
		if (i < 0) {
			/* "3" means seat NAME-3, as teachers number them */
			char full[ENG_NAME_MAX + 16];
			snprintf(full, sizeof(full), "%s-%s", l->name, names[k]);
			i = seat_index(l, s, full);
		}
		if (i < 0) {
			eng_err_set(err, ENG_E_INVALID, "lab %s has no seat '%s' (seats %s-1 to %s-%u)", l->name,
				    names[k], l->name, l->name, l->seats);
			goto out;
		}
		pick[i] = true;
	}
	for (unsigned i = 0; i < l->seats; i++) {
		char back[ENG_NAME_MAX + 1];
		if (n && !pick[i])
			continue;
		if (!eng_domain_exists(e, s[i].name)) {
			eng_err_set(err, ENG_E_NOT_FOUND, "lab %s: seat %s does not exist (lab up makes it)", l->name,
				    s[i].name);
			goto out;
		}
		if (eng_snapshot_revert(e, s[i].name, l->snapshot, back, sizeof(back), err) < 0)
			goto out;
		did(&s[i], "back to %s", back);
		if (l->start && eng_domain_act(e, s[i].name, ENG_ACT_START, err) < 0)
			goto out;
		if (l->start)
			did(&s[i], "started");
	}
	ret = 0;
out:
	*out = s;
	return ret;
}

int eng_lab_down(struct eng *e, const struct lab_spec *l, struct eng_seat **out, struct eng_error *err)
{
	struct eng_seat *s;
	int ret = -1;

	*out = NULL;
	if (eng_refuse_readonly(e, "take down lab", l->name, err) < 0 || !(s = seats_new(l, err)))
		return -1;
	for (unsigned i = 0; i < l->seats; i++) {
		struct eng_delete_report rep;
		if (!eng_domain_exists(e, s[i].name)) {
			did(&s[i], "not there");
			continue;
		}
		/* the seats' disks are their overlays: the base's stay */
		if (eng_domain_delete(e, s[i].name, true, &rep, err) < 0)
			goto out;
		did(&s[i], "deleted with %zu disk%s", rep.n_removed, rep.n_removed == 1 ? "" : "s");
	}
	/* forwards of deleted seats leave the firewall */
	if (l->n_fwd)
		eng_forward_sync(e, NULL, NULL, NULL);
	/* the networks the lab made (never one it was told to use) */
	for (unsigned i = 0; !l->use[0] && i < l->seats; i++) {
		struct eng_net info;
		if ((i > 0 && !l->per_seat) || eng_network_info(e, s[i].network, &info, NULL) < 0)
			continue;
		/* (refused while other running guests use it) */
		if (eng_network_act(e, s[i].network, ENG_NET_DELETE, err) < 0)
			goto out;
		did(&s[i], "network %s removed", s[i].network);
	}
	ret = 0;
out:
	*out = s;
	return ret;
}
