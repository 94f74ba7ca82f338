/* statedir.c - vmdeck's private directories and the files in them.
 *
 * vmdeck often runs as root, and what it keeps here (clone journals) tells it
 * what to delete later. So the directory must be one only this user can write:
 * $XDG_STATE_HOME/vmdeck (else ~/.local/state/vmdeck), never a fallback under
 * /tmp; made 0700; refused when it is a symlink, owned by another user, or
 * group/world-writable. Files in it are created O_EXCL|O_NOFOLLOW 0600 and read
 * only when they are regular files of this user's. */
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* A directory of ours: made when missing (mode), then checked without
 * following a symlink at its name. */
static int own_dir(const char *path, mode_t mode, struct eng_error *err)
{
	struct stat st;

	if (mkdir(path, mode) < 0 && errno != EEXIST) {
		eng_err_set(err, ENG_E_FAILED, "cannot make directory %s: %s", path, strerror(errno));
		return -1;
	}
	if (lstat(path, &st) < 0) {
		eng_err_set(err, ENG_E_FAILED, "cannot read directory %s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		eng_err_set(err, ENG_E_FAILED, "%s is not a directory (a symlink or a file): refusing to keep "
			    "vmdeck's state there", path);
		return -1;
	}
	if (st.st_uid != geteuid()) {
		eng_err_set(err, ENG_E_FAILED, "%s belongs to uid %u, not to this user (uid %u): refusing to keep "
			    "vmdeck's state there", path, (unsigned)st.st_uid, (unsigned)geteuid());
		return -1;
	}
	if (st.st_mode & 022) {
		eng_err_set(err, ENG_E_FAILED, "%s is writable by others (mode %04o): refusing to keep vmdeck's "
			    "state there (chmod go-w it)", path, (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

/* mkdir -p of the levels above BASE/vmdeck that do not exist yet (0700, as
 * the XDG base directory specification asks); existing ones are left as
 * they are, and only vmdeck's own levels are checked. */
static int make_parents(const char *path, struct eng_error *err)
{
	char p[1024];

	if (snprintf(p, sizeof(p), "%s", path) >= (int)sizeof(p)) {
		eng_err_set(err, ENG_E_FAILED, "directory %.100s...: path too long", path);
		return -1;
	}
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0700) < 0 && errno != EEXIST) {
				eng_err_set(err, ENG_E_FAILED, "cannot make directory %s: %s", p, strerror(errno));
				return -1;
			}
			*s = '/';
		}
	return 0;
}

int eng_private_dir(const char *xdg_env, const char *home_rel, const char *sub, mode_t mode,
		    char *out, size_t len, struct eng_error *err)
{
	const char *xdg = getenv(xdg_env), *home = getenv("HOME");
	char top[1024];

	/* the XDG specification: a relative value is to be ignored */
	if (xdg && xdg[0] == '/')
		snprintf(top, sizeof(top), "%s/vmdeck", xdg);
	else if (home && home[0] == '/')
		snprintf(top, sizeof(top), "%s/%s/vmdeck", home, home_rel);
	else {
		eng_err_set(err, ENG_E_FAILED, "neither $%s nor $HOME is set to an absolute path: vmdeck keeps its "
			    "state there and nowhere else (never under /tmp)", xdg_env);
		return -1;
	}
	if (make_parents(top, err) < 0 || own_dir(top, mode, err) < 0)
		return -1;
	if (!sub || !*sub)
		return snprintf(out, len, "%s", top) < (int)len ? 0 : -1;
	if (snprintf(out, len, "%s/%s", top, sub) >= (int)len) {
		eng_err_set(err, ENG_E_FAILED, "directory %s/%s: path too long", top, sub);
		return -1;
	}
	return own_dir(out, mode, err);
}

int eng_state_dir(const char *sub, char *out, size_t len, struct eng_error *err)
{
	return eng_private_dir("XDG_STATE_HOME", ".local/state", sub, 0700, out, len, err);
}

int eng_private_file_create(const char *path, struct eng_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		eng_err_set(err, ENG_E_FAILED, "cannot create %s: %s", path, strerror(errno));
	return fd;
}

FILE *eng_private_file_read(const char *path)
{
	struct stat st;
	FILE *f;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	/* another user's file, a device or a FIFO planted here is not ours to act on */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022) ||
	    !(f = fdopen(fd, "r"))) {
		close(fd);
		return NULL;
	}
	return f;
}

bool eng_pathf(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		if (len)
			out[0] = '\0';
		return false;
	}
	return true;
}

int eng_file_copy_private(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	ssize_t got;

	if (in < 0)
		return -1;
	if ((out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) {
		close(in);
		return -1;
	}
	while ((got = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)got) != got) {
			got = -1;
			break;
		}
	close(in);
	if (close(out) < 0 || got < 0) {
		unlink(to);
		return -1;
	}
	return 0;
}

char *eng_file_slurp(const char *path, size_t max)
{
	FILE *f = fopen(path, "rb");
	char *buf = f ? malloc(max + 1) : NULL;
	size_t got = buf ? fread(buf, 1, max + 1, f) : 0;

	if (f)
		fclose(f);
	if (!buf || got > max) {
		free(buf);
		return NULL;
	}
	buf[got] = '\0';
	return buf;
}
