/* iniutil.h - shared iniparser helpers for profiles/: loading with errors that
 * carry file:line, and the check that every section and key is known. */
#ifndef VMDECK_INIUTIL_H
#define VMDECK_INIUTIL_H

#include <iniparser.h>

#include "engine.h"

struct ini_section {
	const char *name;
	const char *const *keys;   /* NULL: any key is allowed */
};

dictionary *ini_load_checked(const char *path, struct eng_error *err);
/* Line number (1-based) where KEY is set inside [SECTION], or of the section
 * header when key is NULL; 0 when not found. iniparser keeps no line numbers. */
int ini_line_of(const char *path, const char *section, const char *key);
/* err = "FILE:LINE: [sec] key: reason" (the line where key is set); returns -1. */
int ini_fail(struct eng_error *err, const char *path, const char *sec, const char *key, const char *reason);
/* The value of sec:key, NULL when not set. */
const char *ini_get(dictionary *d, const char *sec, const char *key);
/* The value of a "section:key" from iniparser_getseckeys, "" for none: a
 * section named "hosts:x" is listed among [hosts]'s keys with no value
 * (found by fuzz_ini: a NULL where a string was read). */
const char *ini_value(dictionary *d, const char *full_key);
int ini_check_sections(dictionary *d, const char *path, const struct ini_section *known,
		       struct eng_error *err);
/* The same as warnings ("FILE:LINE: unknown key 'x' in [ui] (ignored)"), for
 * files where an unknown name must not stop vmdeck; returns how many. */
#define INI_WARN_LEN 400
int ini_warn_unknown(dictionary *d, const char *path, const struct ini_section *known,
		     char (*warnings)[INI_WARN_LEN], int max);

#endif
