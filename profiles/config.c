/* config.c - vmdeck.ini: [connection] uri, [hosts], [ui] refresh_ms, [keys]. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <iniparser.h>

#include "profiles.h"
#include "iniutil.h"

void prof_config_default_path(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg && *xdg)
		snprintf(buf, len, "%s/vmdeck/vmdeck.ini", xdg);
	else
		snprintf(buf, len, "%s/.config/vmdeck/vmdeck.ini", home ? home : ".");
}

/* The keys each section accepts; anything else is a warning naming file:line. */
static const char *const connection_keys[] = { "uri", NULL };
static const char *const ui_keys[] = { "refresh_ms", NULL };
static const struct ini_section config_sections[] = {
	{ "connection", connection_keys },
	{ "ui", ui_keys },
	{ "hosts", NULL },  /* any key name: a host */
	{ "keys", NULL },   /* any key name: a binding */
	{ NULL, NULL },
};

/* [hosts]: NAME = URI lines, kept in the file's order (iniparser keeps it).
 * Names follow the name rule (they prefix guests as HOST:VM, so no ':'), and
 * "auto" is --host's placement word, not a name. */
static int load_hosts(dictionary *d, const char *path, struct vmdeck_config *c, struct eng_error *err)
{
	int n = iniparser_getsecnkeys(d, "hosts");
	const char **keys;
	int ret = 0;

	if (n <= 0)
		return 0;
	if (n > PROF_MAX_HOSTS) {
		eng_err_set(err, ENG_E_INVALID, "%s: [hosts] has %d hosts: at most %d", path, n, PROF_MAX_HOSTS);
		return -1;
	}
	if (!(keys = calloc((size_t)n, sizeof(*keys))) || !iniparser_getseckeys(d, "hosts", keys)) {
		free(keys);
		eng_err_set(err, ENG_E_FAILED, "%s: cannot read [hosts]", path);
		return -1;
	}
	for (int i = 0; i < n && ret == 0; i++) {
		struct prof_host *h = &c->hosts[c->n_hosts];
		const char *name = keys[i] + strlen("hosts:"), *uri = ini_value(d, keys[i]);

		if (!eng_name_valid(name) || strchr(name, ':') || strcmp(name, "auto") == 0)
			ret = ini_fail(err, path, "hosts", name,
				       "not a host name (letters, digits, '-', '_', '.'; not 'auto')");
		else if (!*uri || strlen(uri) >= sizeof(h->uri) || !strstr(uri, ":/"))
			ret = ini_fail(err, path, "hosts", name, "expected a libvirt URI (qemu+ssh://host/system)");
		if (ret)
			break;
		snprintf(h->name, sizeof(h->name), "%s", name);
		snprintf(h->uri, sizeof(h->uri), "%s", uri);
		h->line = ini_line_of(path, "hosts", name);
		c->n_hosts++;
	}
	free(keys);
	return ret;
}

int prof_config_load(const char *path, struct vmdeck_config *c, struct eng_error *err)
{
	dictionary *d;
	const char *s;
	char def[1024];
	int ret = -1;

	memset(c, 0, sizeof(*c));
	c->refresh_ms = 1000;
	if (!path) {
		prof_config_default_path(def, sizeof(def));
		if (access(def, F_OK) != 0)
			return 0;
		path = def;
	}
	if (!(d = ini_load_checked(path, err)))
		return -1;
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->n_warnings = ini_warn_unknown(d, path, config_sections, c->warnings,
					 (int)(sizeof(c->warnings) / sizeof(c->warnings[0])));
	if ((s = iniparser_getstring(d, "connection:uri", NULL))) {
		snprintf(c->uri, sizeof(c->uri), "%s", s);
		c->uri_line = ini_line_of(path, "connection", "uri");
	}
	if ((s = iniparser_getstring(d, "ui:refresh_ms", NULL))) {
		char *end;
		long v = strtol(s, &end, 10);
		if (*end || v < 100 || v > 60000) {
			eng_err_set(err, ENG_E_INVALID, "%s:%d: [ui] refresh_ms '%s': expected 100..60000",
				    path, ini_line_of(path, "ui", "refresh_ms"), s);
			goto out;
		}
		c->refresh_ms = (int)v;
		c->refresh_line = ini_line_of(path, "ui", "refresh_ms");
	}
	if (load_hosts(d, path, c, err) < 0)
		goto out;
	{
		int n = iniparser_getsecnkeys(d, "keys");
		const char **keys = n > 0 ? calloc((size_t)n, sizeof(*keys)) : NULL;
		if (keys && iniparser_getseckeys(d, "keys", keys)) {
			for (int i = 0; i < n && c->n_keys < PROF_MAX_KEYS; i++) {
				struct prof_key_binding *b = &c->keys[c->n_keys++];
				snprintf(b->key, sizeof(b->key), "%s", keys[i] + strlen("keys:"));
				snprintf(b->command, sizeof(b->command), "%s",
					 ini_value(d, keys[i]));
				b->line = ini_line_of(path, "keys", b->key);
			}
		}
		free(keys);
	}
	ret = 0;
out:
	iniparser_freedict(d);
	return ret;
}
