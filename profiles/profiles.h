/* profiles.h - vmdeck's INI files (config, later VM profiles and labs), read with
 * iniparser. The only layer that includes iniparser.h. Errors carry file:line. */
#ifndef VMDECK_PROFILES_H
#define VMDECK_PROFILES_H

#include <stddef.h>

#include "engine.h"

#define PROF_MAX_KEYS 64
#define PROF_MAX_HOSTS 16

struct prof_key_binding {
	char key[40];       /* "s", "C-r", "snapshots.x" as written */
	char command[256];  /* "start %v" */
	int line;           /* where in the file, for errors */
};

struct vmdeck_config {
	char path[1024];    /* file read, "" when none */
	char uri[512];      /* [connection] uri */
	int refresh_ms;     /* [ui] refresh_ms, default 1000 */
	struct prof_key_binding keys[PROF_MAX_KEYS];
	size_t n_keys;
	int refresh_line;   /* line of refresh_ms, 0 when not set */
	int uri_line;       /* line of uri, 0 when not set */
	/* [hosts] NAME = URI, in the file's order (several hosts in one vmdeck) */
	struct prof_host {
		char name[ENG_NAME_MAX + 1];
		char uri[512];
		int line;
	} hosts[PROF_MAX_HOSTS];
	size_t n_hosts;
	/* unknown sections and keys: warned about, not fatal (a typo must not
	 * stop every command) */
	char warnings[8][400];
	int n_warnings;
};

/* $XDG_CONFIG_HOME/vmdeck/vmdeck.ini (or ~/.config/...). */
void prof_config_default_path(char *buf, size_t len);
/* path NULL: the default path; a missing default file is not an error.
 * Unknown sections and keys become c->warnings; a bad value of a known key
 * is an error naming file:line. */
int prof_config_load(const char *path, struct vmdeck_config *c, struct eng_error *err);

/* ---- VM profiles (man/vmdeck-profile.5) ---- */
struct vm_profile {
	char name[ENG_NAME_MAX + 1];
	char path[1024];
	char description[256];
	char os[ENG_NAME_MAX + 1];          /* libosinfo short id, "" when not set */
	unsigned cpus;                      /* 0: not set */
	unsigned long long memory_mib;      /* 0: not set */
	unsigned long long disk_bytes;      /* 0: not set */
	char format[8];                     /* qcow2, raw, "" */
	char firmware[8];                   /* bios, uefi, "" */
	char iso[1024], import[1024], kernel[1024], initrd[1024], cmdline[1024];
	char nets[VM_SPEC_MAX_NETS][ENG_NAME_MAX + 1];
	size_t n_nets;
	bool agent;
};

/* Reads and checks a profile file; errors say file:line, section and key. */
int prof_profile_load(const char *path, struct vm_profile *p, struct eng_error *err);
/* A profile name (user's, then shipped) or a path to an .ini file. */
int prof_profile_find(const char *name, char *path, size_t len, struct eng_error *err);

struct prof_entry {
	char name[ENG_NAME_MAX + 1];
	char path[1024];
	bool shipped;
};
int prof_profile_list(struct prof_entry **out, size_t *n);
/* Writes p as the user's profile NAME ($XDG_CONFIG_HOME/vmdeck/profiles/NAME.ini,
 * never over an existing file) and reads it back; path: where it went. */
int prof_profile_save(const char *name, const struct vm_profile *p, char *path, size_t len,
		      struct eng_error *err);

/* ---- labs (man/vmdeck-lab.5) ---- */
/* Reads and checks a lab file; errors say file:line, section and key. */
int prof_lab_load(const char *path, struct lab_spec *l, struct eng_error *err);
/* A lab name ($XDG_CONFIG_HOME/vmdeck/labs/NAME.ini, then shipped) or a path. */
int prof_lab_find(const char *name, char *path, size_t len, struct eng_error *err);
int prof_lab_list(struct prof_entry **out, size_t *n);

#endif
