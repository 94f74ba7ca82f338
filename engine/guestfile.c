/* guestfile.c - files into and out of a guest through qemu-guest-agent's
 * guest-file-open/read/write/close, in chunks (any size, bounded memory), with
 * the job's progress; `vmdeck cp`. Mode bits travel by the guest's stat(1)
 * and chmod(1) through guest-exec when the guest has them. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <json-c/json.h>
#include <libvirt/libvirt-qemu.h>

#include "guestexec.h"

/* Reads: 256 KiB a call (base64 makes it a third larger, well inside one
 * agent reply). Writes: 32 KiB a call; measured with qemu-guest-agent 7.2, a
 * write request of 200 KB left the agent unanswering until libvirt gave up
 * (30 s) while 60 KB went through at once. */
#define CHUNK (256 * 1024)
#define WRITE_CHUNK (32 * 1024)

static json_object *ga(virDomainPtr d, const char *execute, json_object *args, struct eng_error *err)
{
	json_object *c = json_object_new_object();

	json_object_object_add(c, "execute", json_object_new_string(execute));
	if (args)
		json_object_object_add(c, "arguments", args);
	return eng_agent_within(d, c, 30, err);
}

/* the agent's "No such file or directory" as one clear line */
static void open_error(struct eng_error *err, const char *vm, const char *path, const char *mode)
{
	bool missing = strstr(err->msg, "No such file") != NULL;
	bool denied = strstr(err->msg, "ermission denied") != NULL;
	char why[sizeof(err->msg)];

	snprintf(why, sizeof(why), "%s", err->msg);
	if (missing)
		eng_err_set(err, ENG_E_NOT_FOUND, "%s:%s: no such file in the guest%s", vm, path,
			    mode[0] == 'w' ? " (or its directory does not exist)" : "");
	else if (denied)
		eng_err_set(err, ENG_E_FAILED, "%s:%s: permission denied in the guest", vm, path);
	else
		eng_err_set(err, ENG_E_FAILED, "%s:%s: %s", vm, path, why);
}

static int file_open(virDomainPtr d, const char *vm, const char *path, const char *mode, long long *h,
		     struct eng_error *err)
{
	json_object *a = json_object_new_object(), *r;

	json_object_object_add(a, "path", json_object_new_string(path));
	json_object_object_add(a, "mode", json_object_new_string(mode));
	if (!(r = ga(d, "guest-file-open", a, err))) {
		open_error(err, vm, path, mode);
		return -1;
	}
	*h = json_object_get_int64(r);
	json_object_put(r);
	return 0;
}

static void file_close(virDomainPtr d, long long h)
{
	json_object *a = json_object_new_object(), *r;

	json_object_object_add(a, "handle", json_object_new_int64(h));
	if ((r = ga(d, "guest-file-close", a, NULL)))
		json_object_put(r);
}

/* size by seeking to the end and back */
static long long file_size(virDomainPtr d, long long h)
{
	json_object *a = json_object_new_object(), *r, *v;
	long long size = -1;

	json_object_object_add(a, "handle", json_object_new_int64(h));
	json_object_object_add(a, "offset", json_object_new_int64(0));
	json_object_object_add(a, "whence", json_object_new_string("end"));
	if ((r = ga(d, "guest-file-seek", a, NULL))) {
		if (json_object_object_get_ex(r, "position", &v))
			size = json_object_get_int64(v);
		json_object_put(r);
	}
	a = json_object_new_object();
	json_object_object_add(a, "handle", json_object_new_int64(h));
	json_object_object_add(a, "offset", json_object_new_int64(0));
	json_object_object_add(a, "whence", json_object_new_string("set"));
	if ((r = ga(d, "guest-file-seek", a, NULL)))
		json_object_put(r);
	return size;
}

/* the guest's mode bits of path (stat -c %a), -1 when it cannot say */
static int guest_mode(virDomainPtr d, const char *path)
{
	const char *argv[] = { "stat", "-c", "%a", path, NULL };
	long long pid;
	int mode = -1;

	if (eng_guest_spawn(d, argv, true, &pid, NULL) < 0)
		return -1;
	for (int i = 0; i < 100; i++) {
		json_object *a = json_object_new_object(), *st, *v;
		json_object_object_add(a, "pid", json_object_new_int64(pid));
		if (!(st = ga(d, "guest-exec-status", a, NULL)))
			return -1;
		if (json_object_object_get_ex(st, "exited", &v) && json_object_get_boolean(v)) {
			if (json_object_object_get_ex(st, "out-data", &v)) {
				gsize n;
				guchar *raw = g_base64_decode(json_object_get_string(v), &n);
				char buf[16];
				snprintf(buf, sizeof(buf), "%.*s", (int)(n < 15 ? n : 15), (const char *)raw);
				mode = (int)strtol(buf, NULL, 8);
				g_free(raw);
			}
			json_object_put(st);
			break;
		}
		json_object_put(st);
		usleep(20 * 1000);
	}
	return mode;
}

int eng_guest_file_get(struct eng *e, const char *vm, const char *src, const char *dst, int *mode,
		       unsigned long long *bytes, struct eng_error *err)
{
	virDomainPtr d = eng_dom_lookup(e, vm, err);
	long long h, size;
	int fd = -1, ret = -1;
	bool done = false;

	*bytes = 0;
	if (!d)
		return -1;
	if (file_open(d, vm, src, "r", &h, err) < 0)
		goto out_dom;
	size = file_size(d, h);
	if ((fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644)) < 0) {
		eng_err_set(err, ENG_E_FAILED, "%s: cannot write it: %s", dst, strerror(errno));
		goto out;
	}
	while (!done) {
		json_object *a = json_object_new_object(), *r, *v;
		gsize n = 0;
		guchar *raw;
		if (eng_job_cancelled()) {
			eng_err_set(err, ENG_E_CANCELLED, "cp %s:%s: cancelled", vm, src);
			goto out;
		}
		json_object_object_add(a, "handle", json_object_new_int64(h));
		json_object_object_add(a, "count", json_object_new_int64(CHUNK));
		if (!(r = ga(d, "guest-file-read", a, err)))
			goto out;
		done = json_object_object_get_ex(r, "eof", &v) && json_object_get_boolean(v);
		raw = json_object_object_get_ex(r, "buf-b64", &v) ? g_base64_decode(json_object_get_string(v), &n) : NULL;
		json_object_put(r);
		if (n && write(fd, raw, n) != (ssize_t)n) {
			g_free(raw);
			eng_err_set(err, ENG_E_FAILED, "%s: %s", dst, strerror(errno));
			goto out;
		}
		g_free(raw);
		*bytes += n;
		if (n == 0)
			done = true;
		if (size > 0)
			eng_job_progress((int)(*bytes * 100 / (unsigned long long)size));
	}
	*mode = guest_mode(d, src);
	ret = 0;
out:
	file_close(d, h);
	if (fd >= 0 && close(fd) < 0 && ret == 0) {
		eng_err_set(err, ENG_E_FAILED, "%s: %s", dst, strerror(errno));
		ret = -1;
	}
	if (ret < 0 && fd >= 0)
		unlink(dst);   /* no half file left under the name */
out_dom:
	virDomainFree(d);
	return ret;
}

int eng_guest_file_put(struct eng *e, const char *vm, const char *src, const char *dst, int mode,
		       unsigned long long *bytes, struct eng_error *err)
{
	virDomainPtr d = eng_dom_lookup(e, vm, err);
	char *buf = NULL;
	struct stat st;
	long long h;
	int fd = -1, ret = -1;

	*bytes = 0;
	if (!d)
		return -1;
	if ((fd = open(src, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0 || fstat(fd, &st) < 0) {
		eng_err_set(err, ENG_E_NOT_FOUND, "%s: %s", src, strerror(errno));
		goto out_dom;
	}
	if (!S_ISREG(st.st_mode)) {
		eng_err_set(err, ENG_E_INVALID, "%s: not a regular file%s", src, S_ISDIR(st.st_mode) ? " (a directory: cp -r)" : "");
		goto out_dom;
	}
	if (!(buf = malloc(WRITE_CHUNK)) || file_open(d, vm, dst, "w", &h, err) < 0)
		goto out_dom;
	for (;;) {
		ssize_t n = read(fd, buf, WRITE_CHUNK);
		json_object *a, *r;
		gchar *b64;
		if (n < 0) {
			eng_err_set(err, ENG_E_FAILED, "%s: %s", src, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (eng_job_cancelled()) {
			eng_err_set(err, ENG_E_CANCELLED, "cp %s: cancelled", src);
			goto out;
		}
		b64 = g_base64_encode((const guchar *)buf, (gsize)n);
		a = json_object_new_object();
		json_object_object_add(a, "handle", json_object_new_int64(h));
		json_object_object_add(a, "buf-b64", json_object_new_string(b64));
		g_free(b64);
		if (!(r = ga(d, "guest-file-write", a, err)))
			goto out;
		json_object_put(r);
		*bytes += (unsigned long long)n;
		if (st.st_size > 0)
			eng_job_progress((int)(*bytes * 100 / (unsigned long long)st.st_size));
	}
	ret = 0;
out:
	file_close(d, h);
	if (ret == 0) {
		/* the mode bits, where the guest has chmod */
		char m[8];
		const char *argv[] = { "chmod", m, dst, NULL };
		int code;
		snprintf(m, sizeof(m), "%o", (unsigned)(mode >= 0 ? mode : (int)st.st_mode) & 07777u);
		eng_guest_exec(d, argv, 10, &code, NULL);
	}
out_dom:
	free(buf);
	if (fd >= 0)
		close(fd);
	virDomainFree(d);
	return ret;
}
