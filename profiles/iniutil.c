/* iniutil.c - iniparser with errors that say file:line. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iniutil.h"

/* iniparser reports syntax errors through a printf-like callback; keep the
 * first one of a load so the caller gets it as one line. */
static __thread char ini_last_error[512];

static int capture_error(const char *fmt, ...)
{
	va_list ap;

	if (ini_last_error[0])
		return 0;
	va_start(ap, fmt);
	vsnprintf(ini_last_error, sizeof(ini_last_error), fmt, ap);
	va_end(ap);
	return 0;
}

#define INI_MAX_BYTES (1 << 20)

/* The bytes of a regular file of at most 1 MiB, each checked: iniparser
 * silently accepts binary garbage, stops a line at a NUL byte, and reads a
 * device such as /dev/zero forever. Returns the open descriptor or -1. */
static int ini_open_text(const char *path, struct eng_error *err)
{
	char *buf = NULL;
	struct stat st;
	ssize_t got = 0, r;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY), lineno = 1;

	if (fd < 0) {
		eng_err_set(err, ENG_E_INVALID, "%s: cannot read it: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		eng_err_set(err, ENG_E_INVALID, "%s: not a regular file", path);
		goto fail;
	}
	if (st.st_size > INI_MAX_BYTES) {
		eng_err_set(err, ENG_E_INVALID, "%s: larger than 1 MiB: not an INI file of vmdeck's", path);
		goto fail;
	}
	if (!(buf = malloc(INI_MAX_BYTES + 1)))
		goto fail;
	/* the size may change under us: never read more than the limit */
	while (got <= INI_MAX_BYTES && (r = read(fd, buf + got, (size_t)(INI_MAX_BYTES + 1 - got))) > 0)
		got += r;
	if (got > INI_MAX_BYTES) {
		eng_err_set(err, ENG_E_INVALID, "%s: larger than 1 MiB: not an INI file of vmdeck's", path);
		goto fail;
	}
	for (ssize_t i = 0; i < got; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == '\n')
			lineno++;
		else if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
			eng_err_set(err, ENG_E_INVALID, "%s:%d: not a text INI file (control byte 0x%02x)", path,
				    lineno, c);
			goto fail;
		}
	}
	free(buf);
	lseek(fd, 0, SEEK_SET);
	return fd;
fail:
	free(buf);
	close(fd);
	return -1;
}

dictionary *ini_load_checked(const char *path, struct eng_error *err)
{
	dictionary *d;
	char fdpath[64];
	const char *load = fdpath;
	int fd = ini_open_text(path, err);

	if (fd < 0)
		return NULL;
	/* iniparser opens by name: give it the file just checked, not whatever
	 * the name points to by now */
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	if (access(fdpath, R_OK) != 0)
		load = path;   /* no /proc */
	ini_last_error[0] = '\0';
	iniparser_set_error_callback(capture_error);
	d = iniparser_load(load);
	close(fd);
	if (!d || ini_last_error[0]) {
		/* "iniparser: syntax error in FILE (LINE):\n-> text" -> one line */
		char *p, *q;
		int l = 0;
		if ((p = strrchr(ini_last_error, '(')) && (q = strchr(p, ')')))
			l = atoi(p + 1);
		for (p = ini_last_error; *p; p++)
			if (*p == '\n')
				*p = ' ';
		p = strstr(ini_last_error, "->");
		eng_err_set(err, ENG_E_INVALID, "%s:%d: syntax error%s%s", path, l, p ? ": " : "",
			    p ? p + 3 : "");
		if (d)
			iniparser_freedict(d);
		return NULL;
	}
	return d;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int ini_line_of(const char *path, const char *section, const char *key)
{
	FILE *f = fopen(path, "r");
	char line[4096], cur[256] = "";
	int lineno = 0, found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char *s = trim(line), *eq;
		lineno++;
		if (*s == '[') {
			char *end = strchr(s, ']');
			if (end)
				*end = '\0';
			snprintf(cur, sizeof(cur), "%s", trim(s + 1));
			if (!key && strcasecmp(cur, section) == 0)
				found = lineno;
		} else if (key && strcasecmp(cur, section) == 0 && (eq = strchr(s, '='))) {
			*eq = '\0';
			if (strcasecmp(trim(s), key) == 0)
				found = lineno;
		}
	}
	fclose(f);
	return found;
}

static const struct ini_section *find_section(const struct ini_section *known, const char *name)
{
	for (; known->name; known++)
		if (strcasecmp(known->name, name) == 0)
			return known;
	return NULL;
}

/* Calls bad(path, line, what) for each unknown section or key; stops when it
 * returns true. Returns how many it found. */
static int ini_walk_unknown(dictionary *d, const char *path, const struct ini_section *known,
			    bool (*bad)(void *arg, int line, const char *what), void *arg)
{
	int nsec = iniparser_getnsec(d), found = 0;

	for (int i = 0; i < nsec; i++) {
		const char *sec = iniparser_getsecname(d, i);
		const struct ini_section *ks = find_section(known, sec);
		int nkeys;
		const char **keys;
		char what[300];

		if (!ks) {
			snprintf(what, sizeof(what), "unknown section [%s]", sec);
			found++;
			if (bad(arg, ini_line_of(path, sec, NULL), what))
				return found;
			continue;
		}
		if (!ks->keys)
			continue;
		nkeys = iniparser_getsecnkeys(d, sec);
		if (nkeys <= 0)
			continue;
		keys = calloc((size_t)nkeys, sizeof(*keys));
		if (!keys || !iniparser_getseckeys(d, sec, keys)) {
			free(keys);
			continue;
		}
		for (int k = 0; k < nkeys; k++) {
			const char *kname = strchr(keys[k], ':') ? strchr(keys[k], ':') + 1 : keys[k];
			bool ok = false;
			for (const char *const *kk = ks->keys; *kk; kk++)
				ok |= strcasecmp(*kk, kname) == 0;
			if (ok)
				continue;
			snprintf(what, sizeof(what), "unknown key '%s' in [%s]", kname, sec);
			found++;
			if (bad(arg, ini_line_of(path, sec, kname), what)) {
				free(keys);
				return found;
			}
		}
		free(keys);
	}
	return found;
}

struct first_error {
	const char *path;
	struct eng_error *err;
};

static bool set_error(void *arg, int line, const char *what)
{
	struct first_error *f = arg;

	eng_err_set(f->err, ENG_E_INVALID, "%s:%d: %s", f->path, line, what);
	return true;
}

int ini_check_sections(dictionary *d, const char *path, const struct ini_section *known,
		       struct eng_error *err)
{
	struct first_error f = { path, err };

	return ini_walk_unknown(d, path, known, set_error, &f) > 0 ? -1 : 0;
}

struct warn_list {
	const char *path;
	char (*v)[INI_WARN_LEN];
	int max, n;
};

static bool add_warning(void *arg, int line, const char *what)
{
	struct warn_list *w = arg;

	if (w->n < w->max)
		snprintf(w->v[w->n++], INI_WARN_LEN, "%s:%d: %s (ignored)", w->path, line, what);
	return false;
}

int ini_warn_unknown(dictionary *d, const char *path, const struct ini_section *known,
		     char (*warnings)[INI_WARN_LEN], int max)
{
	struct warn_list w = { path, warnings, max, 0 };

	ini_walk_unknown(d, path, known, add_warning, &w);
	return w.n;
}

int ini_fail(struct eng_error *err, const char *path, const char *sec, const char *key, const char *reason)
{
	eng_err_set(err, ENG_E_INVALID, "%s:%d: [%s] %s: %s", path, ini_line_of(path, sec, key), sec, key, reason);
	return -1;
}

const char *ini_get(dictionary *d, const char *sec, const char *key)
{
	char k[128];

	snprintf(k, sizeof(k), "%s:%s", sec, key);
	return iniparser_getstring(d, k, NULL);
}

const char *ini_value(dictionary *d, const char *full_key)
{
	const char *v = iniparser_getstring(d, full_key, "");

	return v ? v : "";
}
