/* fleet.c - the hosts a command works on. vmdeck.ini's [hosts] names them;
 * -c picks one, --host limits to some. A guest is VM when its name is unique
 * across the hosts in use, else HOST:VM (like incus' remote:name); routing
 * the VM argument to its host happens here, before the command runs, so the
 * commands themselves stay single-host. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "profiles.h"

/* a host that has not answered in this long is left out (its thread is left
 * to finish on its own): a dead or stopped libvirtd never holds the others */
#define FLEET_CONNECT_TIMEOUT_S 10.0

/* the host part of a URI: qemu+ssh://root@srv:22/system -> "srv"; "local"
 * for a URI without one (qemu:///system, test:///default) */
static void name_from_uri(const char *uri, char *out, size_t len)
{
	const char *p = strstr(uri, "://"), *at, *end;

	snprintf(out, len, "local");
	if (!p || p[3] == '/' || !p[3])
		return;
	p += 3;
	end = p + strcspn(p, "/?");
	if ((at = memchr(p, '@', (size_t)(end - p))))
		p = at + 1;
	if (memchr(p, ':', (size_t)(end - p)) && *p != '[')
		end = memchr(p, ':', (size_t)(end - p));
	if (end > p)
		snprintf(out, len, "%.*s", (int)(end - p), p);
}

static int known_index(const struct prof_host *cfg, size_t ncfg, const char *name)
{
	for (size_t i = 0; i < ncfg; i++)
		if (strcmp(cfg[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void add_host(struct cmd_fleet *f, const char *name, const char *uri)
{
	struct eng_fleet_host *h = &f->h[f->n++];

	snprintf(h->name, sizeof(h->name), "%s", name);
	snprintf(h->uri, sizeof(h->uri), "%s", uri);
}

static void known_list(const struct prof_host *cfg, size_t ncfg, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < ncfg && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%s", i ? ", " : "", cfg[i].name);
}

int cmd_fleet_setup(struct cmd_ctx *ctx, struct cmd_fleet *f, const struct prof_host *cfg, size_t ncfg)
{
	const struct cmd_global *g = &ctx->g;
	int filters = 0;

	memset(f, 0, sizeof(*f));
	f->current = -1;
	f->base = (struct eng_open_opts){ .config_uri = ctx->config_uri, .readonly = g->readonly, .accel = g->accel };
	for (size_t i = 0; i < ncfg && i < CMD_MAX_HOSTS; i++) {
		snprintf(f->known[f->n_known], sizeof(f->known[0]), "%s", cfg[i].name);
		snprintf(f->known_uri[f->n_known++], sizeof(f->known_uri[0]), "%s", cfg[i].uri);
	}
	for (int i = 0; i < g->n_hosts; i++) {
		if (strcmp(g->hosts[i], "auto") == 0) {
			f->auto_place = true;
			continue;
		}
		filters++;
		if (known_index(cfg, ncfg, g->hosts[i]) < 0) {
			char names[400];
			known_list(cfg, ncfg, names, sizeof(names));
			if (ncfg)
				return cmd_error(ctx, 2, "unknown host '%s' (vmdeck.ini's [hosts] has: %s)", g->hosts[i],
						 names);
			return cmd_error(ctx, 2, "unknown host '%s': vmdeck.ini has no [hosts] section", g->hosts[i]);
		}
	}
	if (g->uri && filters)
		return cmd_error(ctx, 2, "-c and --host cannot be combined (-c names the one host to use)");
	ctx->fleet = f;
	if (g->uri) {
		int k = known_index(cfg, ncfg, g->uri);
		char name[ENG_NAME_MAX + 1];
		if (k >= 0) {
			add_host(f, cfg[k].name, cfg[k].uri);
		} else {
			name_from_uri(g->uri, name, sizeof(name));
			add_host(f, name, g->uri);
		}
		f->configured = k >= 0;
		return 0;
	}
	f->configured = ncfg > 0;
	for (size_t i = 0; i < ncfg && f->n < CMD_MAX_HOSTS; i++) {
		bool wanted = filters == 0;
		for (int k = 0; k < g->n_hosts && !wanted; k++)
			wanted = strcmp(g->hosts[k], cfg[i].name) == 0;
		if (wanted)
			add_host(f, cfg[i].name, cfg[i].uri);
	}
	if (f->n == 0)
		add_host(f, "local", "");   /* wave 1: the default connection */
	return 0;
}

void cmd_fleet_close(struct cmd_fleet *f)
{
	eng_fleet_close(f->h, f->n);
}

const char *cmd_fleet_host_name(const struct cmd_ctx *ctx)
{
	const struct cmd_fleet *f = ctx->fleet;

	return f && f->current >= 0 ? f->h[f->current].name : "";
}

int cmd_fleet_index(const struct cmd_fleet *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->h[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void warn_unreachable(struct cmd_ctx *ctx, int i)
{
	struct cmd_fleet *f = ctx->fleet;

	if (f->h[i].eng || f->warned[i])
		return;
	f->warned[i] = true;
	cmd_warnf(ctx->err, "host %s: %s", f->h[i].name, f->h[i].err.msg);
}

int cmd_fleet_open_all(struct cmd_ctx *ctx)
{
	struct cmd_fleet *f = ctx->fleet;
	struct eng_fleet_host todo[CMD_MAX_HOSTS];
	int idx[CMD_MAX_HOSTS], n = 0, answered = 0;

	for (size_t i = 0; i < f->n; i++)
		if (!f->tried[i]) {
			idx[n] = (int)i;
			todo[n++] = f->h[i];
		}
	if (n)
		eng_fleet_open(todo, (size_t)n, &f->base, FLEET_CONNECT_TIMEOUT_S);
	for (int k = 0; k < n; k++) {
		f->h[idx[k]] = todo[k];
		f->tried[idx[k]] = true;
	}
	for (size_t i = 0; i < f->n; i++) {
		warn_unreachable(ctx, (int)i);
		answered += f->h[i].eng != NULL;
	}
	return answered;
}

static void open_host(struct cmd_fleet *f, int i)
{
	struct eng_fleet_host *h = &f->h[i];

	if (f->tried[i])
		return;
	f->tried[i] = true;
	if (f->n == 1 && !f->configured) {
		/* one host, as in wave 1: no thread, libvirt's own error as it is */
		struct eng_open_opts o = f->base;
		o.uri = h->uri[0] ? h->uri : NULL;
		h->eng = eng_open(&o, &h->err);
	} else {
		eng_fleet_open(h, 1, &f->base, FLEET_CONNECT_TIMEOUT_S);
	}
}

struct eng *cmd_fleet_eng(struct cmd_ctx *ctx, int i)
{
	open_host(ctx->fleet, i);
	warn_unreachable(ctx, i);
	return ctx->fleet->h[i].eng;
}

const char *cmd_fleet_known_uri(const struct cmd_ctx *ctx, const char *name)
{
	const struct cmd_fleet *f = ctx->fleet;

	for (size_t i = 0; f && i < f->n_known; i++)
		if (strcmp(f->known[i], name) == 0)
			return f->known_uri[i];
	return NULL;
}

int cmd_fleet_use(struct cmd_ctx *ctx, int i)
{
	struct cmd_fleet *f = ctx->fleet;
	struct eng_fleet_host *h = &f->h[i];

	open_host(f, i);
	if (!h->eng) {
		f->warned[i] = true;
		if (f->n == 1 && !f->configured)
			return cmd_fail(ctx, &h->err);
		return cmd_error(ctx, 1, "host %s: %s", h->name, h->err.msg);
	}
	f->current = i;
	ctx->eng = h->eng;
	return 0;
}

/* word up to colon is name: "b:web" names host b */
static bool is_prefix(const char *word, const char *colon, const char *name)
{
	return strlen(name) == (size_t)(colon - word) && strncmp(word, name, (size_t)(colon - word)) == 0;
}

int cmd_fleet_split(const struct cmd_fleet *f, const char *word, const char **vm)
{
	const char *colon = strchr(word, ':');

	*vm = word;
	if (!colon || colon == word)
		return -1;
	for (size_t i = 0; i < f->n; i++)
		if (is_prefix(word, colon, f->h[i].name)) {
			*vm = colon + 1;
			return (int)i;
		}
	return -1;
}

/* HOST: naming a host of [hosts] that -c or --host left out */
static bool names_unused_host(const struct cmd_fleet *f, const char *word, char *host, size_t len)
{
	const char *colon = strchr(word, ':');

	if (!colon)
		return false;
	for (size_t i = 0; i < f->n_known; i++)
		if (is_prefix(word, colon, f->known[i])) {
			snprintf(host, len, "%s", f->known[i]);
			return true;
		}
	return false;
}

/* the guest's host when its bare name is unique among the hosts that answer */
static int find_guest(struct cmd_ctx *ctx, const char *vm)
{
	struct cmd_fleet *f = ctx->fleet;
	char have[400] = "", gone[400] = "", all[400] = "";
	int found = -1, count = 0;

	cmd_fleet_open_all(ctx);
	for (size_t i = 0; i < f->n; i++) {
		char *list = !f->h[i].eng ? gone : eng_domain_exists(f->h[i].eng, vm) ? have : NULL;
		size_t used = strlen(all);
		snprintf(all + used, sizeof(all) - used, "%s%s", used ? ", " : "", f->h[i].name);
		if (!list)
			continue;
		used = strlen(list);
		snprintf(list + used, 400 - used, "%s%s", used ? ", " : "", f->h[i].name);
		if (list == have && count++ == 0)
			found = (int)i;
	}
	if (count == 1)
		return cmd_fleet_use(ctx, found);
	if (count > 1)
		return cmd_error(ctx, 2, "'%s' is on hosts %s: say which (%s:%s)", vm, have, f->h[found].name, vm);
	if (gone[0])
		return cmd_error(ctx, 1, "no VM named '%s' on the hosts that answered (%s did not)", vm, gone);
	return cmd_error(ctx, 1, "no VM named '%s' on hosts %s", vm, all);
}

/* word: HOST:VM or VM; ctx->eng becomes its host, *vm the bare name */
static int pick(struct cmd_ctx *ctx, const char *word, const char **vm, bool new_vm)
{
	struct cmd_fleet *f = ctx->fleet;
	char host[ENG_NAME_MAX + 1];
	int i;

	*vm = word;
	if (!f)
		return 0;
	if ((i = cmd_fleet_split(f, word, vm)) >= 0)
		return cmd_fleet_use(ctx, i);
	if (names_unused_host(f, word, host, sizeof(host)))
		return cmd_error(ctx, 2, "host %s is not in use here (-c or --host left it out)", host);
	if (new_vm || f->n == 1)
		return 0;   /* a new guest goes on the first host unless --host auto */
	return find_guest(ctx, word);
}

int cmd_fleet_pick(struct cmd_ctx *ctx, const char *word, const char **vm)
{
	return pick(ctx, word, vm, false);
}

int cmd_fleet_route(struct cmd_ctx *ctx, const struct cmd_def *def, struct cmd_args *a)
{
	if (!ctx->fleet || (def->flags & CMD_FLEET) || !(def->flags & (CMD_VM_ARG | CMD_NEW_VM)) || a->npos == 0)
		return 0;
	return pick(ctx, a->pos[0], &a->pos[0], def->flags & CMD_NEW_VM);
}

int cmd_fleet_place(struct cmd_ctx *ctx, const char *name, unsigned cpus, unsigned long long mem_mib)
{
	struct cmd_fleet *f = ctx->fleet;
	struct eng_host_load best_load = { 0 };
	char why[800] = "";
	int best = -1;

	if (!f || !f->auto_place)
		return 0;
	cmd_fleet_open_all(ctx);
	for (size_t i = 0; i < f->n; i++) {
		struct eng_host_load l;
		struct eng_error err = { 0 };
		size_t used = strlen(why);
		unsigned long long free_mib;

		if (!f->h[i].eng)
			continue;
		if (eng_domain_exists(f->h[i].eng, name))
			return cmd_error(ctx, 1, "create %s: host %s already has a VM of that name", name, f->h[i].name);
		if (eng_host_load(f->h[i].eng, &l, &err) < 0) {
			cmd_warnf(ctx->err, "host %s: %s", f->h[i].name, err.msg);
			continue;
		}
		free_mib = l.mem_free_kib / 1024;
		snprintf(why + used, sizeof(why) - used, "%s%s %llu MiB free, %u CPUs", used ? "; " : "",
			 f->h[i].name, free_mib, l.cpus);
		if (free_mib < mem_mib || l.cpus < cpus)
			continue;
		if (best < 0 || l.mem_free_kib > best_load.mem_free_kib) {
			best = (int)i;
			best_load = l;
		}
	}
	if (best < 0)
		return cmd_error(ctx, 1, "create %s: no host has room for %u vCPUs and %llu MiB (%s)", name, cpus,
				 mem_mib, why[0] ? why : "no host answered");
	fprintf(ctx->g.json ? ctx->err : ctx->out, "%s goes on host %s: the most free memory that fits (%s)\n",
		name, f->h[best].name, why);
	fflush(ctx->g.json ? ctx->err : ctx->out);
	return cmd_fleet_use(ctx, best);
}

/* ---- one call on every host at once ---- */

struct each_call {
	int (*fn)(struct eng *e, int host, void *arg);
	void *arg;
	struct eng *eng;
	int host, rc;
};

static void *each_main(void *p)
{
	struct each_call *c = p;

	c->rc = c->fn(c->eng, c->host, c->arg);
	return NULL;
}

int cmd_fleet_each(struct cmd_ctx *ctx, int (*fn)(struct eng *e, int host, void *arg), void *arg, int *rcs)
{
	struct cmd_fleet *f = ctx->fleet;
	struct each_call calls[CMD_MAX_HOSTS];
	pthread_t t[CMD_MAX_HOSTS];
	bool started[CMD_MAX_HOSTS] = { false };
	int ran = 0;

	if (!f) {   /* the TUI's prompt: its one connection */
		rcs[0] = ctx->eng ? fn(ctx->eng, 0, arg) : -1;
		return ctx->eng != NULL;
	}

	for (size_t i = 0; i < f->n; i++) {
		rcs[i] = -1;
		if (!f->h[i].eng)
			continue;
		calls[i] = (struct each_call){ .fn = fn, .arg = arg, .eng = f->h[i].eng, .host = (int)i };
		/* one host needs no thread; several answer in the time of the slowest */
		if (f->n > 1 && pthread_create(&t[i], NULL, each_main, &calls[i]) == 0)
			started[i] = true;
		else
			each_main(&calls[i]);
		ran++;
	}
	for (size_t i = 0; i < f->n; i++) {
		if (started[i])
			pthread_join(t[i], NULL);
		if (f->h[i].eng)
			rcs[i] = calls[i].rc;
	}
	return ran;
}

int cmd_fleet_connect(struct cmd_ctx *ctx)
{
	struct cmd_fleet *f = ctx->fleet;
	int answered;

	if (!f)
		return cmd_need_conn(ctx) == 0 ? 1 : 0;   /* the TUI's, or a test's connect */
	if (f->n == 1)
		return cmd_fleet_use(ctx, 0) == 0 ? 1 : 0;
	if ((answered = cmd_fleet_open_all(ctx)) == 0)
		cmd_error(ctx, 1, "no host answered (%zu tried)", f->n);
	else if (f->current < 0)
		for (size_t i = 0; i < f->n && f->current < 0; i++)
			if (f->h[i].eng)
				cmd_fleet_use(ctx, (int)i);
	return answered;
}

const char *cmd_fleet_name(const struct cmd_ctx *ctx, int i)
{
	return ctx->fleet ? ctx->fleet->h[i].name : "local";
}

size_t cmd_fleet_count(const struct cmd_ctx *ctx)
{
	return ctx->fleet ? ctx->fleet->n : 1;
}
