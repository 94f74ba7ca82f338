/* profiles.h - vmdeck's INI files (config, later VM profiles and labs), read with
 * iniparser. The only layer that includes iniparser.h. Errors carry file:line. */
#ifndef VMDECK_PROFILES_H
#define VMDECK_PROFILES_H

#include <stddef.h>

#include "engine.h"

#define PROF_MAX_KEYS 64

struct prof_key_binding {
	char key[16];       /* "s", "^R", "F5" as written */
	char command[256];  /* "start %v" */
};

struct vmdeck_config {
	char path[1024];    /* file read, "" when none */
	char uri[512];      /* [connection] uri */
	int refresh_ms;     /* [ui] refresh_ms, default 1000 */
	struct prof_key_binding keys[PROF_MAX_KEYS];
	size_t n_keys;
};

/* $XDG_CONFIG_HOME/vmdeck/vmdeck.ini (or ~/.config/...). */
void prof_config_default_path(char *buf, size_t len);
/* path NULL: the default path; a missing default file is not an error. */
int prof_config_load(const char *path, struct vmdeck_config *c, struct eng_error *err);

#endif
