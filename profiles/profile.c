/* profile.c - VM profiles: INI presets read into the values `create` uses.
 * Every error names file:line, the section and the key; unknown sections and
 * keys are errors (a typo must not silently become a default); sizes and
 * counts are range-checked; files named by [install] must exist (relative
 * paths are relative to the profile's own directory). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iniutil.h"
#include "profiles.h"

static const char *const vm_keys[] = { "description", "os", "cpus", "memory", "firmware", NULL };
static const char *const disk_keys[] = { "size", "format", NULL };
static const char *const install_keys[] = { "iso", "import", "kernel", "initrd", "cmdline", NULL };
static const char *const network_keys[] = { "nic0", "nic1", "nic2", "nic3", "nic4", "nic5", "nic6", "nic7", NULL };
static const char *const tools_keys[] = { "agent", NULL };
static const struct ini_section profile_sections[] = {
	{ "vm", vm_keys }, { "disk", disk_keys }, { "install", install_keys },
	{ "network", network_keys }, { "tools", tools_keys }, { NULL, NULL },
};

#define MIN_MEMORY_MIB 16ULL
#define MAX_MEMORY_MIB (16ULL << 20)      /* 16 TiB */
#define MAX_DISK_BYTES (64ULL << 40)      /* 64 TiB */
#define MAX_CPUS 512

/* A file named in the profile: relative to the profile's directory. */
static int file_key(dictionary *d, const char *path, const char *key, char *out, size_t len,
		    struct eng_error *err)
{
	const char *v = ini_get(d, "install", key);
	char dir[PATH_MAX], full[PATH_MAX + 256];
	struct stat st;

	out[0] = '\0';
	if (!v)
		return 0;
	if (!*v)
		return ini_fail(err, path, "install", key, "empty path");
	snprintf(dir, sizeof(dir), "%s", path);
	*(strrchr(dir, '/') ? strrchr(dir, '/') : dir) = '\0';
	if (v[0] == '/' || !dir[0])
		snprintf(full, sizeof(full), "%s", v);
	else
		snprintf(full, sizeof(full), "%s/%s", dir, v);
	const char *bad = stat(full, &st) < 0 ? strerror(errno) : !S_ISREG(st.st_mode) ? "not a regular file" : NULL;
	if (!bad && strlen(full) >= len)
		bad = "path too long";
	if (bad) {
		char why[1100];
		snprintf(why, sizeof(why), "'%.1000s': %s", full, bad);
		return ini_fail(err, path, "install", key, why);
	}
	memcpy(out, full, strlen(full) + 1);
	return 0;
}

int prof_profile_load(const char *path, struct vm_profile *p, struct eng_error *err)
{
	dictionary *d;
	const char *v;
	struct eng_error e2 = { 0 };
	int rc = -1, n_src;
	const char *base;

	memset(p, 0, sizeof(*p));
	snprintf(p->path, sizeof(p->path), "%s", path);
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	snprintf(p->name, sizeof(p->name), "%.*s", (int)strcspn(base, "."), base);
	p->agent = true;
	if (!(d = ini_load_checked(path, err)))
		return -1;
	if (ini_check_sections(d, path, profile_sections, err) < 0)
		goto out;
	if (iniparser_find_entry(d, "vm") == 0) {
		eng_err_set(err, ENG_E_INVALID, "%s:1: missing section [vm] (cpus and memory)", path);
		goto out;
	}
	if ((v = ini_get(d, "vm", "description")))
		snprintf(p->description, sizeof(p->description), "%s", v);
	if ((v = ini_get(d, "vm", "os"))) {
		if (!eng_name_valid(v)) {
			ini_fail(err, path, "vm", "os", "not a libosinfo short id (e.g. debian12, ubuntu22.04, win10)");
			goto out;
		}
		snprintf(p->os, sizeof(p->os), "%s", v);
	}
	if ((v = ini_get(d, "vm", "cpus")) && eng_count_parse("cpus", v, MAX_CPUS, &p->cpus, &e2) < 0) {
		ini_fail(err, path, "vm", "cpus", e2.msg);
		goto out;
	}
	if ((v = ini_get(d, "vm", "memory"))) {
		unsigned long long b;
		if (eng_size_parse("memory", v, ENG_UNIT_MIB, &b, &e2) < 0) {
			ini_fail(err, path, "vm", "memory", e2.msg);
			goto out;
		}
		if (b >> 20 < MIN_MEMORY_MIB || b >> 20 > MAX_MEMORY_MIB) {
			ini_fail(err, path, "vm", "memory", "out of range (16 MiB to 16 TiB)");
			goto out;
		}
		p->memory_mib = b >> 20;
	}
	if ((v = ini_get(d, "vm", "firmware"))) {
		if (strcmp(v, "bios") && strcmp(v, "uefi")) {
			ini_fail(err, path, "vm", "firmware", "use bios or uefi");
			goto out;
		}
		snprintf(p->firmware, sizeof(p->firmware), "%s", v);
	}
	if ((v = ini_get(d, "disk", "size"))) {
		if (eng_size_parse("disk size", v, ENG_UNIT_GIB, &p->disk_bytes, &e2) < 0) {
			ini_fail(err, path, "disk", "size", e2.msg);
			goto out;
		}
		if (p->disk_bytes < (1ULL << 20) || p->disk_bytes > MAX_DISK_BYTES) {
			ini_fail(err, path, "disk", "size", "out of range (1 MiB to 64 TiB)");
			goto out;
		}
	}
	if ((v = ini_get(d, "disk", "format"))) {
		if (strcmp(v, "qcow2") && strcmp(v, "raw")) {
			ini_fail(err, path, "disk", "format", "use qcow2 or raw");
			goto out;
		}
		snprintf(p->format, sizeof(p->format), "%s", v);
	}
	if (file_key(d, path, "iso", p->iso, sizeof(p->iso), err) < 0 ||
	    file_key(d, path, "import", p->import, sizeof(p->import), err) < 0 ||
	    file_key(d, path, "kernel", p->kernel, sizeof(p->kernel), err) < 0 ||
	    file_key(d, path, "initrd", p->initrd, sizeof(p->initrd), err) < 0)
		goto out;
	if ((v = ini_get(d, "install", "cmdline")))
		snprintf(p->cmdline, sizeof(p->cmdline), "%s", v);
	n_src = !!p->iso[0] + !!p->import[0] + !!p->kernel[0];
	if (n_src > 1) {
		ini_fail(err, path, "install", p->kernel[0] ? "kernel" : "import",
		     "give one install source: iso, import or kernel");
		goto out;
	}
	if ((p->initrd[0] || p->cmdline[0]) && !p->kernel[0]) {
		ini_fail(err, path, "install", p->initrd[0] ? "initrd" : "cmdline", "needs kernel");
		goto out;
	}
	for (int i = 0; network_keys[i]; i++) {
		if (!(v = ini_get(d, "network", network_keys[i])))
			continue;
		if (strcmp(v, "none") != 0 && !eng_name_valid(v)) {
			ini_fail(err, path, "network", network_keys[i], "not a network name");
			goto out;
		}
		snprintf(p->nets[p->n_nets++], ENG_NAME_MAX + 1, "%s", v);
	}
	if ((v = ini_get(d, "tools", "agent"))) {
		int b = iniparser_getboolean(d, "tools:agent", -1);
		if (b < 0) {
			ini_fail(err, path, "tools", "agent", "use yes or no");
			goto out;
		}
		p->agent = b;
	}
	rc = 0;
out:
	iniparser_freedict(d);
	return rc;
}

/* Where profiles (and lab files) live, most specific first: the user's, then
 * the shipped ones (installed, or in the source tree when run from a build
 * directory). */
static const struct ini_kind {
	const char *sub;       /* under $XDG_CONFIG_HOME/vmdeck */
	const char *shipped, *source;
} kinds[] = {
	{ "profiles", VMDECK_DATADIR "/profiles", VMDECK_SOURCE_PROFILES },
	{ "labs", VMDECK_DATADIR "/labs", VMDECK_SOURCE_PROFILES "/labs" },
};

/* The source tree's profiles are for binaries that run from the build tree
 * (tests, a developer's build/vmdeck); an installed vmdeck reads only what
 * was installed with it, wherever the sources went. */
static bool in_build_tree(void)
{
	static int cached = -1;
	char exe[PATH_MAX];
	ssize_t n;

	if (cached < 0) {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		exe[n > 0 ? n : 0] = '\0';
		cached = n > 0 && strncmp(exe, VMDECK_BUILD_DIR "/", strlen(VMDECK_BUILD_DIR) + 1) == 0;
	}
	return cached;
}

static int kind_dirs(const struct ini_kind *k, const char *dirs[3], char user[PATH_MAX])
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n = 0;

	if (xdg && *xdg)
		snprintf(user, PATH_MAX, "%s/vmdeck/%s", xdg, k->sub);
	else
		snprintf(user, PATH_MAX, "%s/.config/vmdeck/%s", home ? home : "", k->sub);
	dirs[n++] = user;
	dirs[n++] = k->shipped;
	if (in_build_tree())
		dirs[n++] = k->source;
	return n;
}

static int profile_dirs(const char *dirs[3], char user[PATH_MAX])
{
	return kind_dirs(&kinds[0], dirs, user);
}

static int find_in(const struct ini_kind *k, const char *what, const char *name, char *path, size_t len,
		   struct eng_error *err)
{
	const char *dirs[3];
	char user[PATH_MAX];
	int n = kind_dirs(k, dirs, user);

	if (strchr(name, '/') || (strlen(name) > 4 && strcmp(name + strlen(name) - 4, ".ini") == 0)) {
		snprintf(path, len, "%s", name);
		return 0;
	}
	if (eng_name_check(what, name, err) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		snprintf(path, len, "%s/%s.ini", dirs[i], name);
		if (access(path, R_OK) == 0)
			return 0;
	}
	eng_err_set(err, ENG_E_NOT_FOUND, "no %s named '%s' (see 'vmdeck %s')", what, name,
		    k == &kinds[0] ? "profile list" : "help lab");
	return -1;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct prof_entry *)a)->name, ((const struct prof_entry *)b)->name);
}

static int list_in(const struct ini_kind *k, struct prof_entry **out, size_t *n_out)
{
	const char *dirs[3];
	char user[PATH_MAX];
	int nd = kind_dirs(k, dirs, user);
	struct prof_entry *v = NULL;
	size_t n = 0;

	for (int i = 0; i < nd; i++) {
		DIR *dir = opendir(dirs[i]);
		struct dirent *de;
		while (dir && (de = readdir(dir))) {
			size_t l = strlen(de->d_name);
			bool seen = false;
			struct prof_entry *nv;
			if (l < 5 || strcmp(de->d_name + l - 4, ".ini") != 0)
				continue;
			for (size_t k = 0; k < n; k++)
				seen |= strncmp(v[k].name, de->d_name, l - 4) == 0 && v[k].name[l - 4] == '\0';
			if (seen || !(nv = realloc(v, (n + 1) * sizeof(*v))))
				continue;   /* a user's profile hides a shipped one of the same name */
			v = nv;
			memset(&v[n], 0, sizeof(v[n]));
			snprintf(v[n].name, sizeof(v[n].name), "%.*s", (int)(l - 4), de->d_name);
			snprintf(v[n].path, sizeof(v[n].path), "%s/%s", dirs[i], de->d_name);
			v[n].shipped = i > 0;
			n++;
		}
		if (dir)
			closedir(dir);
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_entry);
	*out = v;
	*n_out = n;
	return 0;
}

int prof_profile_find(const char *name, char *path, size_t len, struct eng_error *err)
{
	return find_in(&kinds[0], "profile", name, path, len, err);
}

int prof_profile_list(struct prof_entry **out, size_t *n)
{
	return list_in(&kinds[0], out, n);
}

int prof_lab_find(const char *name, char *path, size_t len, struct eng_error *err)
{
	return find_in(&kinds[1], "lab", name, path, len, err);
}

int prof_lab_list(struct prof_entry **out, size_t *n)
{
	return list_in(&kinds[1], out, n);
}

/* INI values are written quoted; iniparser has no escape for a quote inside */
static int put_value(FILE *f, const char *key, const char *v, struct eng_error *err)
{
	if (!v || !*v)
		return 0;
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == '"') {
			eng_err_set(err, ENG_E_INVALID, "profile key %s: control bytes and '\"' cannot be saved", key);
			return -1;
		}
	fprintf(f, "%s = \"%s\"\n", key, v);
	return 0;
}

static void put_size(FILE *f, const char *key, unsigned long long bytes)
{
	if (bytes % (1ULL << 30) == 0)
		fprintf(f, "%s = %lluG\n", key, bytes >> 30);
	else
		fprintf(f, "%s = %lluM\n", key, bytes >> 20);
}

static int write_profile(FILE *f, const struct vm_profile *p, struct eng_error *err)
{
	int rc = 0;

	fprintf(f, "; saved by vmdeck's create wizard (man vmdeck-profile.5)\n[vm]\n");
	rc |= put_value(f, "description", p->description, err);
	rc |= put_value(f, "os", p->os, err);
	fprintf(f, "cpus = %u\n", p->cpus);
	put_size(f, "memory", p->memory_mib << 20);
	if (p->firmware[0])
		fprintf(f, "firmware = %s\n", p->firmware);
	if (p->disk_bytes) {
		fprintf(f, "\n[disk]\n");
		put_size(f, "size", p->disk_bytes);
		rc |= put_value(f, "format", p->format, err);
	}
	if (p->iso[0] || p->import[0] || p->kernel[0]) {
		fprintf(f, "\n[install]\n");
		rc |= put_value(f, "iso", p->iso, err);
		rc |= put_value(f, "import", p->import, err);
		rc |= put_value(f, "kernel", p->kernel, err);
		rc |= put_value(f, "initrd", p->initrd, err);
		rc |= put_value(f, "cmdline", p->cmdline, err);
	}
	if (p->n_nets) {
		fprintf(f, "\n[network]\n");
		for (size_t i = 0; i < p->n_nets; i++)
			fprintf(f, "nic%zu = %s\n", i, p->nets[i]);
	}
	fprintf(f, "\n[tools]\nagent = %s\n", p->agent ? "yes" : "no");
	return rc ? -1 : 0;
}

int prof_profile_save(const char *name, const struct vm_profile *p, char *path, size_t len,
		      struct eng_error *err)
{
	const char *dirs[3];
	char user[PATH_MAX];
	struct vm_profile check;
	FILE *f;

	if (eng_name_check("profile", name, err) < 0)
		return -1;
	profile_dirs(dirs, user);
	for (char *s = user + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(user, 0755);
			*s = '/';
		}
	mkdir(user, 0755);
	snprintf(path, len, "%s/%s.ini", user, name);
	/* never over a profile that is there */
	if (!(f = fopen(path, "wx"))) {
		eng_err_set(err, ENG_E_FAILED, "profile %s: cannot write %s: %s", name, path,
			    errno == EEXIST ? "it exists (choose another name)" : strerror(errno));
		return -1;
	}
	eng_err_clear(err);
	if ((write_profile(f, p, err) < 0) | (fclose(f) != 0)) {
		if (!err->msg[0])
			eng_err_set(err, ENG_E_FAILED, "profile %s: cannot write %s", name, path);
		unlink(path);
		return -1;
	}
	/* what was written must read back: the same checks as every profile */
	if (prof_profile_load(path, &check, err) < 0) {
		unlink(path);
		return -1;
	}
	return 0;
}
