/* lab.c - classroom labs: N seats that are linked clones of one base, on a
 * network of the lab's (shared, or one per seat), with port forwards and a
 * clean snapshot that `lab reset` goes back to. Built from the engine's own
 * pieces (clones, networks, forwards, snapshots); what exists is kept, so
 * `lab up` can be run again and finishes what an interrupted one began. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "storage.h"
#include "template.h"

/* FNV-1a, 64 bits: the lab's identity need not be secret, only stable and
 * unlikely to meet another lab's (two hashes with different bases give 128). */
static unsigned long long fnv1a(unsigned long long h, const char *a, const char *b)
{
	for (const char *p = a; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	h = (h ^ 0xffu) * 0x100000001b3ULL;   /* a separator no name holds */
	for (const char *p = b; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	return h;
}

static void uuid_of(const char *a, const char *b, char out[37])
{
	unsigned long long hi = fnv1a(0xcbf29ce484222325ULL, a, b), lo = fnv1a(0x84222325cbf29ce4ULL, b, a);

	/* RFC 4122 layout, version 8 (vendor-defined), variant 10 */
	hi = (hi & ~0xf000ULL) | 0x8000ULL;
	lo = (lo & ~(3ULL << 62)) | (2ULL << 62);
	snprintf(out, 37, "%08llx-%04llx-%04llx-%04llx-%012llx", hi >> 32, (hi >> 16) & 0xffff, hi & 0xffff,
		 lo >> 48, lo & 0xffffffffffffULL);
}

void eng_lab_id(const char *name, const char *real_path, char out[37])
{
	uuid_of(name, real_path, out);
}

void eng_lab_net_uuid(const struct lab_spec *l, const char *net, char out[37])
{
	uuid_of(l->id, net, out);
}

/* 1: a seat this lab made; 0: no VM of that name; -1: a VM of that name
 * this lab did not make (why says whose it is). */
static int seat_owner(struct eng *e, const struct lab_spec *l, const char *seat, char *why, size_t len)
{
	virDomainPtr d = virDomainLookupByName(e->conn, seat);
	struct vmdeck_meta *m;
	int ret = -1;

	if (why && len)
		why[0] = '\0';
	if (!d)
		return 0;
	if ((m = calloc(1, sizeof(*m))) && eng_meta_read(d, m) == 0) {
		if (strcmp(m->lab_id, l->id) == 0)
			ret = 1;
		else if (m->lab_id[0] && why)
			snprintf(why, len, " (a seat of lab %s of %s)", m->lab_name, m->lab_file);
	}
	free(m);
	virDomainFree(d);
	return ret;
}

/* 1: a network this lab made (its UUID is the lab's), or the one it was told
 * to use; 0: none of that name; -1: somebody else's. */
static int net_owner(struct eng *e, const struct lab_spec *l, const char *net)
{
	char have[VIR_UUID_STRING_BUFLEN], want[37];

	if (eng_network_uuid(e, net, have, sizeof(have)) < 0)
		return 0;
	if (l->use[0])
		return 1;
	eng_lab_net_uuid(l, net, want);
	return strcmp(have, want) == 0 ? 1 : -1;
}

/* Before anything changes: every seat name and network the lab would touch
 * is free or the lab's own. */
static int lab_owns_all(struct eng *e, const struct lab_spec *l, const struct eng_seat *s, struct eng_error *err)
{
	for (unsigned i = 0; i < l->seats; i++) {
		char why[1200];
		if (l->elsewhere[i])
			continue;
		if (seat_owner(e, l, s[i].name, why, sizeof(why)) < 0) {
			eng_err_set(err, ENG_E_FAILED, "lab %s: a VM named '%s' exists and is not a seat of this lab%s: "
				    "nothing was changed (rename that VM, or the lab)", l->name, s[i].name, why);
			return -1;
		}
		if (net_owner(e, l, s[i].network) < 0) {
			eng_err_set(err, ENG_E_FAILED, "lab %s: a network named '%s' exists and was not made by this lab: "
				    "nothing was changed (use it with [network] use = %s, or rename the lab)", l->name,
				    s[i].network, s[i].network);
			return -1;
		}
	}
	return 0;
}

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

int eng_lab_check(struct eng *e, const struct lab_spec *l, struct eng_error *err)
{
	struct eng_seat *s = seats_new(l, err);
	int rc = s ? lab_owns_all(e, l, s, err) : -1;

	free(s);
	return rc;
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
		char uuid[37];
		eng_lab_net_uuid(l, net, uuid);
		return eng_network_create_uuid(e, net, l->mode, NULL, NULL, false, uuid, &made, err);
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

/* ---- [seats]: credentials through a cloud-init seed per seat ---- */

/* The lab's sheet: "seat<TAB>user<TAB>password" lines in a 0600 file of
 * vmdeck's private state directory, the one place a password is in clear. */
static int sheet_path(const struct lab_spec *l, char *out, size_t len, struct eng_error *err)
{
	char dir[900];

	if (eng_state_dir("labs", dir, sizeof(dir), err) < 0)
		return -1;
	snprintf(out, len, "%s/%s.sheet", dir, l->id);
	return 0;
}

int eng_lab_credentials(const struct lab_spec *l, const char *seat, char *user, size_t ulen, char *password,
			size_t plen)
{
	char path[1100], line[300];
	FILE *f;
	int ret = -1;

	if (sheet_path(l, path, sizeof(path), NULL) < 0 || !(f = eng_private_file_read(path)))
		return -1;
	while (ret < 0 && fgets(line, sizeof(line), f)) {
		char *save = NULL, *s = strtok_r(line, "\t\n", &save), *u = strtok_r(NULL, "\t\n", &save),
		     *p = strtok_r(NULL, "\t\n", &save);
		if (s && u && strcmp(s, seat) == 0) {
			snprintf(user, ulen, "%s", u);
			snprintf(password, plen, "%s", p && strcmp(p, "-") ? p : "");
			ret = 0;
		}
	}
	explicit_bzero(line, sizeof(line));
	fclose(f);
	return ret;
}

/* adds or replaces a seat's line: the new sheet is written beside the old one
 * (0600, never through a symlink) and renamed over it */
static int sheet_set(const struct lab_spec *l, const char *seat, const char *user, const char *password,
		     struct eng_error *err)
{
	char path[1100], tmp[1200], line[300];
	FILE *in, *out;
	int fd;

	if (sheet_path(l, path, sizeof(path), err) < 0)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.%d.new", path, (int)getpid());
	if ((fd = eng_private_file_create(tmp, err)) < 0 || !(out = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if ((in = eng_private_file_read(path))) {
		size_t sl = strlen(seat);
		while (fgets(line, sizeof(line), in))
			if (strncmp(line, seat, sl) != 0 || line[sl] != '\t')
				fputs(line, out);
		explicit_bzero(line, sizeof(line));
		fclose(in);
	}
	fprintf(out, "%s\t%s\t%s\n", seat, user, password[0] ? password : "-");
	if (fclose(out) != 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		eng_err_set(err, ENG_E_FAILED, "lab %s: cannot write its sheet %s", l->name, path);
		return -1;
	}
	return 0;
}

static void sheet_remove(const struct lab_spec *l)
{
	char path[1100];

	if (sheet_path(l, path, sizeof(path), NULL) == 0)
		unlink(path);
}

/* 12 characters a student can type and read back (no 0/O, 1/l/I) */
static int random_password(char *out, size_t len)
{
	static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	unsigned char r[12];

	if (len < sizeof(r) + 1 || getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -1;
	for (size_t i = 0; i < sizeof(r); i++)
		out[i] = alphabet[r[i] % (sizeof(alphabet) - 1)];
	out[sizeof(r)] = '\0';
	explicit_bzero(r, sizeof(r));
	return 0;
}

/* A new seat's own cloud-init seed: its hostname, the lab's user with the
 * seat's password (hashed) and/or key; a volume of the pool (SEAT-seed.iso,
 * removed with the seat) in a CD-ROM drive before the first boot. */
static int seat_credentials(struct eng *e, const struct lab_spec *l, const char *seat, struct eng_error *err)
{
	char password[16] = "", hash[256] = "", dir[] = "/tmp/vmdeck-seat-XXXXXX", file[64], vol[ENG_NAME_MAX + 16],
	     id[ENG_NAME_MAX + 40];
	char *keys = NULL, *path = NULL;
	struct eng_seed sd = { .hostname = seat, .user = l->seat_user, .agent = true };
	const char *fmt;
	int ret = -1;

	if (l->seat_password && (random_password(password, sizeof(password)) < 0 ||
				 eng_seed_hash_password(password, hash, sizeof(hash)) < 0)) {
		eng_err_set(err, ENG_E_FAILED, "lab %s: seat %s: cannot make its password", l->name, seat);
		goto out;
	}
	sd.password_hash = hash[0] ? hash : NULL;
	if (l->seat_ssh_key[0] && eng_seed_read_keys(l->seat_ssh_key, &keys, err) < 0)
		goto out;
	sd.ssh_keys = keys;
	if (eng_seed_check(&sd, seat, err) < 0)
		goto out;
	if (!mkdtemp(dir)) {
		eng_err_set(err, ENG_E_FAILED, "lab %s: seat %s: cannot make a directory for its seed", l->name, seat);
		goto out;
	}
	snprintf(file, sizeof(file), "%s/seed.iso", dir);
	snprintf(vol, sizeof(vol), "%s-seed.iso", seat);
	snprintf(id, sizeof(id), "vmdeck-%s-%lx", seat, (unsigned long)time(NULL));
	if (eng_seed_write_iso(&sd, seat, id, file, err) == 0)
		path = eng_vol_import(e, vol, file, &fmt, err);
	unlink(file);
	rmdir(dir);
	if (!path)
		goto out;
	if (eng_cdrom(e, seat, path, NULL, 0, err) < 0) {
		eng_vol_delete_path(e, path, NULL);
		goto out;
	}
	ret = sheet_set(l, seat, l->seat_user, password, err);
out:
	explicit_bzero(password, sizeof(password));
	explicit_bzero(hash, sizeof(hash));
	free(keys);
	free(path);
	return ret;
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
	if (lab_owns_all(e, l, s, err) < 0)
		goto out;
	for (unsigned i = 0; i < l->seats; i++) {
		if (l->elsewhere[i])
			continue;
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
		const struct eng_lab_mark mark = { .name = l->name, .id = l->id, .file = l->path };
		struct eng_clone_report *reps = calloc(n_missing, sizeof(*reps));
		struct eng_error *errs = calloc(n_missing, sizeof(*errs));
		int *rcs = calloc(n_missing, sizeof(*rcs));
		int failed = !reps || !errs || !rcs ? -1
			     : eng_clone_many_marked(e, l->base, missing, n_missing, true, &mark, reps, errs, rcs);
		for (size_t k = 0; failed < 0 && rcs && errs && k < n_missing; k++)
			if (rcs[k] != 0) {
				*err = errs[k];
				break;
			}
		for (size_t k = 0; rcs && k < n_missing; k++)
			if (rcs[k] == 0)
				did(&s[idx[k]], "made (linked clone of %s)", l->base);
		/* each new seat's credentials, in its seed before its first boot */
		for (size_t k = 0; failed >= 0 && rcs && k < n_missing && (l->seat_user[0] || l->seat_ssh_key[0]); k++) {
			if (rcs[k] != 0)
				continue;
			if (seat_credentials(e, l, missing[k], err) < 0) {
				failed = -1;
				break;
			}
			did(&s[idx[k]], "credentials for %s", l->seat_user[0] ? l->seat_user : "the key");
		}
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
		int rc = l->elsewhere[i] ? 0 : seat_rewire(e, &s[i], err);
		if (rc < 0)
			goto out;
		if (rc > 0)
			did(&s[i], "NIC on %s", s[i].network);
	}
	if (l->n_fwd && eng_forward_sync(e, &have, &n_have, err) < 0)
		goto out;
	for (unsigned i = 0; i < l->seats; i++) {
		char taken[ENG_NAME_MAX + 1];
		if (l->elsewhere[i])
			continue;
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
		if (l->elsewhere[i])
			continue;
		if (seat_owner(e, l, s[i].name, NULL, 0) < 0) {
			/* a VM of that name, not this lab's: not shown as the seat */
			s[i].foreign = true;
			did(&s[i], "a VM of this name is not this lab's");
			continue;
		}
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
	eng_lab_exec_recall(l, s, l->seats);
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

/* Seats by name ("cls-3", or "3" as teachers number them), all when n == 0;
 * every name is checked before any seat is touched. */
static int lab_pick(const struct lab_spec *l, const struct eng_seat *s, const char *const *names, size_t n,
		    bool pick[LAB_MAX_SEATS], struct eng_error *err)
{
	for (unsigned i = 0; i < l->seats; i++)
		pick[i] = n == 0;
	for (size_t k = 0; k < n; k++) {
		int i = seat_index(l, s, names[k]);
		if (i < 0) {
			char full[ENG_NAME_MAX + 16];
			snprintf(full, sizeof(full), "%s-%s", l->name, names[k]);
			i = seat_index(l, s, full);
		}
		if (i < 0) {
			eng_err_set(err, ENG_E_INVALID, "lab %s has no seat '%s' (seats %s-1 to %s-%u)", l->name,
				    names[k], l->name, l->name, l->seats);
			return -1;
		}
		pick[i] = true;
	}
	return 0;
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
	if (lab_pick(l, s, names, n, pick, err) < 0)
		goto out;
	for (unsigned i = 0; i < l->seats; i++) {
		char back[ENG_NAME_MAX + 1], why[1200];
		if (!pick[i] || l->elsewhere[i])
			continue;
		switch (seat_owner(e, l, s[i].name, why, sizeof(why))) {
		case 0:
			eng_err_set(err, ENG_E_NOT_FOUND, "lab %s: seat %s does not exist (lab up makes it)", l->name,
				    s[i].name);
			goto out;
		case -1:
			eng_err_set(err, ENG_E_FAILED, "lab %s: the VM named '%s' is not a seat of this lab%s: left alone",
				    l->name, s[i].name, why);
			goto out;
		}
		if (eng_snapshot_revert(e, s[i].name, l->snapshot, false, back, sizeof(back), err) < 0)
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
		int own;
		if (l->elsewhere[i])
			continue;
		if ((own = seat_owner(e, l, s[i].name, NULL, 0)) == 0) {
			did(&s[i], "not there");
			continue;
		}
		if (own < 0) {
			s[i].foreign = true;
			did(&s[i], "a VM of this name is not this lab's: left alone");
			continue;
		}
		/* the seats' disks are their overlays: the base's stay */
		if (eng_domain_delete(e, s[i].name, true, &rep, err) < 0)
			goto out;
		did(&s[i], "deleted with %zu disk%s", rep.n_removed, rep.n_removed == 1 ? "" : "s");
	}
	/* forwards of deleted seats leave the firewall; their passwords the sheet */
	if (l->n_fwd)
		eng_forward_sync(e, NULL, NULL, NULL);
	sheet_remove(l);
	eng_lab_exec_forget(l);
	/* the networks the lab made (never one it was told to use) */
	for (unsigned i = 0, shared_done = 0; !l->use[0] && i < l->seats; i++) {
		struct eng_net info;
		/* the seats' own networks; a shared one once, at this host's first seat */
		if (l->elsewhere[i] || (!l->per_seat && shared_done++) ||
		    eng_network_info(e, s[i].network, &info, NULL) < 0)
			continue;
		if (net_owner(e, l, s[i].network) < 0) {
			did(&s[i], "network %s is not this lab's: left alone", s[i].network);
			continue;
		}
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

/* ---- a lesson: the same command, file or collection on every seat ---- */

int eng_lab_targets(struct eng *e, const struct lab_spec *l, const char *const *names, size_t n,
		    struct eng_seat **out, size_t *nout, struct eng_error *err)
{
	struct eng_seat *s, *v;
	bool pick[LAB_MAX_SEATS];
	size_t k = 0;

	*out = NULL;
	*nout = 0;
	if (!(s = seats_new(l, err)))
		return -1;
	if (lab_pick(l, s, names, n, pick, err) < 0 || !(v = calloc(l->seats, sizeof(*v)))) {
		free(s);
		return -1;
	}
	for (unsigned i = 0; i < l->seats; i++) {
		if (!pick[i] || l->elsewhere[i])
			continue;
		v[k] = s[i];
		switch (seat_owner(e, l, s[i].name, NULL, 0)) {
		case 1:
			v[k].exists = true;
			eng_domain_state(e, s[i].name, &v[k].state, NULL);
			break;
		case -1:
			v[k].foreign = true;
			did(&v[k], "a VM of this name is not this lab's: left alone");
			break;
		default:
			did(&v[k], "does not exist (lab up makes it)");
		}
		k++;
	}
	free(s);
	*out = v;
	*nout = k;
	return 0;
}

struct exec_batch {
	struct eng *e;
	const char *const *argv;
	double timeout;
	struct eng_seat_run *runs;
	size_t n, next;
	pthread_mutex_t lock;
};

static void *exec_worker(void *arg)
{
	struct exec_batch *b = arg;

	for (;;) {
		size_t i;
		struct eng_error err = { 0 };
		pthread_mutex_lock(&b->lock);
		i = b->next++;
		pthread_mutex_unlock(&b->lock);
		if (i >= b->n)
			break;
		if (!b->runs[i].seat.exists)
			continue;
		if (eng_guest_run(b->e, b->runs[i].seat.name, b->argv, b->timeout, &b->runs[i].r, &err) < 0) {
			b->runs[i].rc = -1;
			snprintf(b->runs[i].error, sizeof(b->runs[i].error), "%s", err.msg);
		}
		b->runs[i].ran = true;
	}
	return NULL;
}

int eng_lab_exec(struct eng *e, const struct lab_spec *l, const char *const *names, size_t n,
		 const char *const *argv, double timeout_s, struct eng_seat_run **out, size_t *nout,
		 struct eng_error *err)
{
	/* a few seats at a time: each waits on its guest, not on this host */
	enum { LAB_EXEC_PARALLEL = 8 };
	struct eng_seat *s;
	size_t ns;
	struct exec_batch b = { .e = e, .argv = argv, .timeout = timeout_s };
	pthread_t th[LAB_EXEC_PARALLEL];
	size_t started = 0;

	*out = NULL;
	*nout = 0;
	if (eng_refuse_readonly(e, "exec in lab", l->name, err) < 0 ||
	    eng_lab_targets(e, l, names, n, &s, &ns, err) < 0)
		return -1;
	if (!(b.runs = calloc(ns ? ns : 1, sizeof(*b.runs)))) {
		free(s);
		return -1;
	}
	for (size_t i = 0; i < ns; i++) {
		b.runs[i].seat = s[i];
		if (!s[i].exists)
			snprintf(b.runs[i].error, sizeof(b.runs[i].error), "%s", s[i].did);
	}
	free(s);
	b.n = ns;
	pthread_mutex_init(&b.lock, NULL);
	for (size_t i = 0; i + 1 < LAB_EXEC_PARALLEL && i + 1 < ns; i++)
		if (pthread_create(&th[started], NULL, exec_worker, &b) == 0)
			started++;
	exec_worker(&b);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&b.lock);
	eng_lab_exec_record(l, argv, b.runs, ns);
	*out = b.runs;
	*nout = ns;
	return 0;
}

void eng_lab_runs_free(struct eng_seat_run *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		eng_exec_result_free(&v[i].r);
	free(v);
}
