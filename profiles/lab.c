/* lab.c - classroom lab files (man/vmdeck-lab.5): one INI file says the base
 * VM, how many seats, their network (shared or one per seat), port forwards
 * and the clean snapshot. Read into struct lab_spec; every error names
 * file:line, the section and the key, and unknown keys are errors. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iniutil.h"
#include "profiles.h"

static const char *const lab_keys[] = { "name", "base", "seats", "start", "hosts", NULL };
static const char *const net_keys[] = { "layout", "mode", "use", NULL };
static const char *const snap_keys[] = { "clean", NULL };
static const char *const seats_keys[] = { "user", "password", "ssh_key", NULL };
static const struct ini_section lab_sections[] = {
	{ "lab", lab_keys }, { "network", net_keys }, { "forward", NULL }, { "snapshot", snap_keys },
	{ "seats", seats_keys }, { NULL, NULL },
};

/* a lab's names end in -N and -net-N: leave room for them */
#define LAB_NAME_MAX (ENG_NAME_MAX - 8)

/* [lab] hosts = a, b: names of vmdeck.ini's [hosts] (checked against it
 * when the lab runs), each once. */
static int read_hosts(const char *v, const char *path, struct lab_spec *l, struct eng_error *err)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s", v);
	for (char *save = NULL, *h = strtok_r(buf, ", \t", &save); h; h = strtok_r(NULL, ", \t", &save)) {
		bool again = false;
		for (size_t k = 0; k < l->n_hosts; k++)
			again |= strcmp(l->hosts[k], h) == 0;
		if (!eng_name_valid(h) || again || l->n_hosts == LAB_MAX_HOSTS) {
			char why[200];
			snprintf(why, sizeof(why), "%s '%.60s' (host names of vmdeck.ini's [hosts], each once, at most %d)",
				 again ? "twice:" : l->n_hosts == LAB_MAX_HOSTS ? "too many at" : "not a host name:", h,
				 LAB_MAX_HOSTS);
			ini_fail(err, path, "lab", "hosts", why);
			return -1;
		}
		snprintf(l->hosts[l->n_hosts++], sizeof(l->hosts[0]), "%s", h);
	}
	if (l->n_hosts == 0) {
		ini_fail(err, path, "lab", "hosts", "empty (leave it out for the host in use)");
		return -1;
	}
	return 0;
}

/* A port: digits only, 1-65535 (sscanf's %u took "-1" as 4294967295). */
static bool parse_port(const char *text, const char **end, unsigned long *out)
{
	char *e;

	if (!isdigit((unsigned char)*text))
		return false;
	errno = 0;
	*out = strtoul(text, &e, 10);
	*end = e;
	return errno == 0 && *out >= 1 && *out <= 65535;
}

/* "2200:22" or "2200:22/udp", the whole value: seat i's host port is 2200 + i */
static int parse_forward(const char *v, unsigned seats, struct lab_forward *f, const char **why)
{
	static const char *const usage = "use HOSTBASE:GUESTPORT[/tcp|/udp] (seat N gets host port HOSTBASE+N)";
	const char *p = v, *proto = "tcp";
	unsigned long base, guest;

	if (!parse_port(p, &p, &base) || *p++ != ':' || !parse_port(p, &p, &guest)) {
		*why = isdigit((unsigned char)*v) && strchr(v, ':') ? "ports out of range (1-65535)" : usage;
		return -1;
	}
	if (*p) {
		if (strcmp(p, "/tcp") != 0 && strcmp(p, "/udp") != 0) {
			*why = usage;
			return -1;
		}
		proto = p + 1;
	}
	if (base + seats > 65535) {
		*why = "ports out of range: HOSTBASE+seats must stay within 65535";
		return -1;
	}
	f->host_base = (unsigned)base;
	f->guest_port = (unsigned)guest;
	snprintf(f->proto, sizeof(f->proto), "%s", proto);
	return 0;
}

static int read_forwards(dictionary *d, const char *path, struct lab_spec *l, struct eng_error *err)
{
	int n = iniparser_getsecnkeys(d, "forward");
	const char **keys;
	int ret = -1;

	if (n <= 0)
		return 0;
	if (n > LAB_MAX_FORWARDS) {
		eng_err_set(err, ENG_E_INVALID, "%s:%d: [forward]: at most %d forwards", path,
			    ini_line_of(path, "forward", NULL), LAB_MAX_FORWARDS);
		return -1;
	}
	if (!(keys = calloc((size_t)n, sizeof(*keys))) || !iniparser_getseckeys(d, "forward", keys)) {
		eng_err_set(err, ENG_E_FAILED, "%s: cannot read [forward]", path);
		goto out;
	}
	for (int i = 0; i < n; i++) {
		const char *key = strchr(keys[i], ':') + 1, *why = NULL;
		struct lab_forward *f = &l->fwd[l->n_fwd];
		if (parse_forward(ini_value(d, keys[i]), l->seats, f, &why) < 0) {
			ini_fail(err, path, "forward", key, why);
			goto out;
		}
		snprintf(f->name, sizeof(f->name), "%s", key);
		for (size_t k = 0; k < l->n_fwd; k++)
			if (strcmp(l->fwd[k].proto, f->proto) == 0 &&
			    !(f->host_base + l->seats < l->fwd[k].host_base + 1 ||
			      l->fwd[k].host_base + l->seats < f->host_base + 1)) {
				ini_fail(err, path, "forward", key, "its host ports overlap another forward's");
				goto out;
			}
		l->n_fwd++;
	}
	ret = 0;
out:
	free(keys);
	return ret;
}

int prof_lab_load(const char *path, struct lab_spec *l, struct eng_error *err)
{
	dictionary *d;
	const char *v;
	struct eng_error e2 = { 0 };
	int ret = -1;

	memset(l, 0, sizeof(*l));
	snprintf(l->path, sizeof(l->path), "%s", path);
	l->start = true;
	snprintf(l->mode, sizeof(l->mode), "nat");
	snprintf(l->snapshot, sizeof(l->snapshot), "clean");
	if (!(d = ini_load_checked(path, err)))
		return -1;
	if (ini_check_sections(d, path, lab_sections, err) < 0)
		goto out;
	if (iniparser_find_entry(d, "lab") == 0) {
		eng_err_set(err, ENG_E_INVALID, "%s:1: missing section [lab] (name, base, seats)", path);
		goto out;
	}
	if (!(v = ini_get(d, "lab", "name")) || !eng_name_valid(v) || strlen(v) > LAB_NAME_MAX) {
		ini_fail(err, path, "lab", "name", v ? "letters, digits, . _ - (at most 56: seats are NAME-N)" : "missing");
		goto out;
	}
	snprintf(l->name, sizeof(l->name), "%s", v);
	{
		/* the lab's identity: its name and where its file is (engine/lab.c) */
		char *real = realpath(path, NULL);
		eng_lab_id(l->name, real ? real : path, l->id);
		if (real)
			snprintf(l->path, sizeof(l->path), "%s", real);
		free(real);
	}
	if (!(v = ini_get(d, "lab", "base")) || !eng_name_valid(v)) {
		ini_fail(err, path, "lab", "base", v ? "not a VM name" : "missing (the VM the seats are linked clones of)");
		goto out;
	}
	snprintf(l->base, sizeof(l->base), "%s", v);
	if (!(v = ini_get(d, "lab", "seats")) || eng_count_parse("seats", v, LAB_MAX_SEATS, &l->seats, &e2) < 0) {
		ini_fail(err, path, "lab", "seats", v ? e2.msg : "missing (1 to 64)");
		goto out;
	}
	if (ini_get(d, "lab", "start")) {
		int b = iniparser_getboolean(d, "lab:start", -1);
		if (b < 0) {
			ini_fail(err, path, "lab", "start", "use yes or no");
			goto out;
		}
		l->start = b;
	}
	if ((v = ini_get(d, "lab", "hosts")) && read_hosts(v, path, l, err) < 0)
		goto out;
	if ((v = ini_get(d, "network", "layout"))) {
		if (strcmp(v, "shared") && strcmp(v, "per-seat")) {
			ini_fail(err, path, "network", "layout", "use shared or per-seat");
			goto out;
		}
		l->per_seat = strcmp(v, "per-seat") == 0;
	}
	if ((v = ini_get(d, "network", "mode"))) {
		if (strcmp(v, "nat") && strcmp(v, "hostonly") && strcmp(v, "internal")) {
			ini_fail(err, path, "network", "mode", "use nat, hostonly or internal");
			goto out;
		}
		snprintf(l->mode, sizeof(l->mode), "%s", v);
	}
	if ((v = ini_get(d, "network", "use"))) {
		if (!eng_name_valid(v)) {
			ini_fail(err, path, "network", "use", "not a network name");
			goto out;
		}
		if (l->per_seat || ini_get(d, "network", "mode")) {
			ini_fail(err, path, "network", "use", "an existing network is shared: no layout = per-seat, no mode");
			goto out;
		}
		snprintf(l->use, sizeof(l->use), "%s", v);
	}
	if ((v = ini_get(d, "snapshot", "clean"))) {
		if (!eng_name_valid(v)) {
			ini_fail(err, path, "snapshot", "clean", "not a snapshot name");
			goto out;
		}
		snprintf(l->snapshot, sizeof(l->snapshot), "%s", v);
	}
	if (read_forwards(d, path, l, err) < 0)
		goto out;
	if ((v = ini_get(d, "seats", "user"))) {
		/* a POSIX user name, as cloud-init's users: takes it */
		bool ok = *v && strlen(v) < sizeof(l->seat_user) && (islower((unsigned char)*v) || *v == '_');
		for (const char *c = v; ok && *c; c++)
			ok = islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '_' || *c == '-';
		if (!ok) {
			ini_fail(err, path, "seats", "user", "a user name: lower-case letters, digits, _ and -");
			goto out;
		}
		snprintf(l->seat_user, sizeof(l->seat_user), "%s", v);
	}
	if ((v = ini_get(d, "seats", "password"))) {
		if (strcmp(v, "random") != 0) {
			ini_fail(err, path, "seats", "password", "only 'random' (each seat its own; no password is written here)");
			goto out;
		}
		l->seat_password = true;
	}
	if ((v = ini_get(d, "seats", "ssh_key"))) {
		char key[2048];
		/* relative to the lab file, as a profile's files are */
		if (v[0] == '/')
			snprintf(key, sizeof(key), "%s", v);
		else
			snprintf(key, sizeof(key), "%.*s/%s", (int)(strrchr(l->path, '/') ? strrchr(l->path, '/') - l->path : 1),
				 strrchr(l->path, '/') ? l->path : ".", v);
		if (access(key, R_OK) != 0 || strlen(key) >= sizeof(l->seat_ssh_key)) {
			ini_fail(err, path, "seats", "ssh_key", "no such readable file");
			goto out;
		}
		memcpy(l->seat_ssh_key, key, strlen(key) + 1);
	}
	if ((l->seat_password || l->seat_ssh_key[0]) && !l->seat_user[0]) {
		ini_fail(err, path, "seats", l->seat_password ? "password" : "ssh_key", "needs [seats] user");
		goto out;
	}
	if (l->n_fwd && !l->use[0] && strcmp(l->mode, "nat") != 0) {
		ini_fail(err, path, "forward", l->fwd[0].name, "port forwarding needs [network] mode = nat");
		goto out;
	}
	ret = 0;
out:
	iniparser_freedict(d);
	return ret;
}
