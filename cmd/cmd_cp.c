/* cmd_cp.c - cp [-r] SRC DST: one side VM:PATH (a path in the guest), the
 * other a local path; files of any size in chunks through the guest agent,
 * a progress bar on a terminal, mode bits carried. Directories with -r: the
 * guest's side listed with find(1) and made with mkdir(1) through the agent
 * (guest-exec), since the agent has no call for either. */
#include <errno.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"

struct side {
	char vm[ENG_NAME_MAX + 1];   /* "" for a local path */
	const char *path;
};

/* "web1:/etc/hosts" is the guest's; "./a:b" and "/x:y" are local files */
static void side_parse(const char *arg, struct side *s)
{
	const char *colon = strchr(arg, ':');

	s->vm[0] = '\0';
	s->path = arg;
	if (colon && colon > arg && !memchr(arg, '/', (size_t)(colon - arg)) &&
	    (size_t)(colon - arg) <= ENG_NAME_MAX) {
		snprintf(s->vm, sizeof(s->vm), "%.*s", (int)(colon - arg), arg);
		s->path = colon + 1;
	}
}

/* several hosts: HOST:VM:PATH names the host (side_parse took HOST as the
 * VM), a bare VM is looked for on every host; ctx->eng becomes its host */
static int guest_host(struct cmd_ctx *ctx, struct side *s)
{
	const char *vm, *colon;
	char word[2 * ENG_NAME_MAX + 2];
	int rc;

	if (!ctx->fleet)
		return 0;
	if (cmd_fleet_index(ctx->fleet, s->vm) >= 0 && (colon = strchr(s->path, ':')) &&
	    (size_t)(colon - s->path) <= ENG_NAME_MAX) {
		snprintf(word, sizeof(word), "%s:%.*s", s->vm, (int)(colon - s->path), s->path);
		s->path = colon + 1;
	} else {
		snprintf(word, sizeof(word), "%s", s->vm);
	}
	if ((rc = cmd_fleet_pick(ctx, word, &vm)) == 0)
		snprintf(s->vm, sizeof(s->vm), "%s", vm);
	return rc;
}

/* a guest command's exit status, -1 when it could not run */
static int guest_status(struct cmd_ctx *ctx, const char *vm, const char *const *argv)
{
	struct eng_exec_result r;
	struct eng_error err = { 0 };
	int code = -1;

	if (eng_guest_run(ctx->eng, vm, argv, 30, &r, &err) == 0)
		code = r.exit_code;
	eng_exec_result_free(&r);
	return code;
}

static bool guest_is_dir(struct cmd_ctx *ctx, const char *vm, const char *path)
{
	const char *argv[] = { "test", "-d", path, NULL };
	return guest_status(ctx, vm, argv) == 0;
}

static int copy_file(struct cmd_ctx *ctx, struct eng_job *job, const struct side *from, const struct side *to,
		     unsigned long long *bytes)
{
	struct eng_error err = { 0 };
	int mode = -1;

	snprintf(job->what, sizeof(job->what), "%s", from->path);
	job->progress = 0;
	if (from->vm[0]) {
		if (eng_guest_file_get(ctx->eng, from->vm, from->path, to->path, &mode, bytes, &err) < 0)
			return cmd_fail(ctx, &err);
		if (mode >= 0)
			chmod(to->path, (mode_t)mode & 07777);
	} else if (eng_guest_file_put(ctx->eng, to->vm, from->path, to->path, -1, bytes, &err) < 0) {
		return cmd_fail(ctx, &err);
	}
	return 0;
}

/* "a/b/c" + "d" -> "a/b/c/d" */
static void join(char *out, size_t len, const char *dir, const char *name)
{
	size_t l = strlen(dir);
	snprintf(out, len, "%s%s%s", dir, l && dir[l - 1] == '/' ? "" : "/", name);
}

/* ---- -r, local -> guest ---- */
static struct {
	struct cmd_ctx *ctx;
	struct eng_job *job;
	const char *root, *vm, *dst;
	unsigned long long bytes;
	int files, rc;
} put_walk;

static int put_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	char rel[PATH_MAX], dst[PATH_MAX * 2];
	struct side from = { .path = path }, to;
	unsigned long long b = 0;

	(void)ftw;
	snprintf(rel, sizeof(rel), "%s", path + strlen(put_walk.root));
	snprintf(dst, sizeof(dst), "%s%s", put_walk.dst, rel);
	snprintf(to.vm, sizeof(to.vm), "%s", put_walk.vm);
	to.path = dst;
	if (type == FTW_D) {
		char m[8];
		const char *argv[] = { "mkdir", "-p", "-m", m, dst, NULL };
		snprintf(m, sizeof(m), "%o", (unsigned)st->st_mode & 0777u);
		if (guest_status(put_walk.ctx, put_walk.vm, argv) != 0) {
			put_walk.rc = cmd_error(put_walk.ctx, 1, "%s:%s: cannot make the directory (mkdir in the guest)",
						put_walk.vm, dst);
			return 1;
		}
		return 0;
	}
	if (type != FTW_F || !S_ISREG(st->st_mode))
		return 0;   /* symlinks, devices: not copied */
	if ((put_walk.rc = copy_file(put_walk.ctx, put_walk.job, &from, &to, &b)) != 0)
		return 1;
	put_walk.bytes += b;
	put_walk.files++;
	return 0;
}

/* ---- -r, guest -> local: the tree from find(1) in the guest ---- */
static int get_tree(struct cmd_ctx *ctx, struct eng_job *job, const struct side *from, const char *dst,
		    unsigned long long *bytes, int *files)
{
	struct eng_exec_result r;
	struct eng_error err = { 0 };
	const char *argv[] = { "find", from->path, "-type", "d", "-o", "-type", "f", "-print", NULL };
	const char *dirs_argv[] = { "find", from->path, "-type", "d", NULL };
	size_t root = strlen(from->path);
	int rc = 0;

	for (int pass = 0; pass < 2 && rc == 0; pass++) {
		if (eng_guest_run(ctx->eng, from->vm, pass == 0 ? dirs_argv : argv, 60, &r, &err) < 0 || r.exit_code != 0) {
			rc = err.msg[0] ? cmd_fail(ctx, &err)
					: cmd_error(ctx, 1, "%s:%s: cannot list it (find in the guest)", from->vm, from->path);
			eng_exec_result_free(&r);
			break;
		}
		for (char *save = NULL, *l = strtok_r(r.out, "\n", &save); l && rc == 0; l = strtok_r(NULL, "\n", &save)) {
			char local[PATH_MAX * 2];
			struct side f, t;
			unsigned long long b = 0;
			if (strncmp(l, from->path, root) != 0)
				continue;
			snprintf(local, sizeof(local), "%s%s", dst, l + root);
			if (pass == 0) {
				if (mkdir(local, 0755) < 0 && errno != EEXIST)
					rc = cmd_error(ctx, 1, "%s: %s", local, strerror(errno));
				continue;
			}
			if (guest_is_dir(ctx, from->vm, l))
				continue;
			snprintf(f.vm, sizeof(f.vm), "%s", from->vm);
			f.path = l;
			t.vm[0] = '\0';
			t.path = local;
			if ((rc = copy_file(ctx, job, &f, &t, &b)) == 0) {
				*bytes += b;
				(*files)++;
			}
		}
		eng_exec_result_free(&r);
	}
	return rc;
}

static const struct cmd_opt cp_opts[] = {
	{ .name = "recursive", .short_name = 'r', .help = "copy a directory and what is in it (-r)" },
	{ 0 },
};

static int cp_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct side from, to;
	struct cmd_job cj;
	struct eng_job *job = &cj.job;
	char dst[PATH_MAX * 2], base[PATH_MAX];
	bool recursive = cmd_flag(a, "recursive");
	unsigned long long bytes = 0;
	int rc, files = 0;
	struct stat st;

	side_parse(a->pos[0], &from);
	side_parse(a->pos[1], &to);
	if (!!from.vm[0] == !!to.vm[0])
		return cmd_error(ctx, 2, "cp: one side is VM:PATH (in the guest), the other a local path");
	if ((rc = guest_host(ctx, from.vm[0] ? &from : &to)) != 0)
		return rc;
	if (!*from.path || !*to.path)
		return cmd_error(ctx, 2, "cp: an empty path");
	snprintf(base, sizeof(base), "%s", from.path);
	/* into a directory: under the source's own name, as cp and scp do */
	snprintf(dst, sizeof(dst), "%s", to.path);
	if ((to.vm[0] && (to.path[strlen(to.path) - 1] == '/' || guest_is_dir(ctx, to.vm, to.path))) ||
	    (!to.vm[0] && stat(to.path, &st) == 0 && S_ISDIR(st.st_mode)))
		join(dst, sizeof(dst), to.path, basename(base));
	to.path = dst;
	if (!from.vm[0] && stat(from.path, &st) < 0)
		return cmd_error(ctx, 1, "%s: %s", from.path, strerror(errno));
	if ((from.vm[0] ? guest_is_dir(ctx, from.vm, from.path) : S_ISDIR(st.st_mode)) && !recursive)
		return cmd_error(ctx, 1, "cp: %s%s%s is a directory (cp -r copies it)", from.vm, from.vm[0] ? ":" : "",
				 from.path);
	cmd_job_begin(ctx, &cj, true);
	if (!recursive || (from.vm[0] ? !guest_is_dir(ctx, from.vm, from.path) : !S_ISDIR(st.st_mode))) {
		if ((rc = copy_file(ctx, job, &from, &to, &bytes)) == 0)
			files = 1;
	} else if (from.vm[0]) {
		rc = mkdir(dst, 0755) < 0 && errno != EEXIST ? cmd_error(ctx, 1, "%s: %s", dst, strerror(errno))
							      : get_tree(ctx, job, &from, dst, &bytes, &files);
	} else {
		put_walk.ctx = ctx;
		put_walk.job = job;
		put_walk.root = from.path;
		put_walk.vm = to.vm;
		put_walk.dst = dst;
		put_walk.bytes = 0;
		put_walk.files = 0;
		put_walk.rc = 0;
		nftw(from.path, put_one, 16, FTW_PHYS);
		rc = put_walk.rc;
		bytes = put_walk.bytes;
		files = put_walk.files;
	}
	cmd_job_end(&cj);
	if (rc == 0)
		fprintf(ctx->out, "%s -> %s%s%s: %d file%s, %llu bytes\n", a->pos[0], to.vm, to.vm[0] ? ":" : "", dst,
			files, files == 1 ? "" : "s", bytes);
	return rc;
}

const struct cmd_def cmd_cp = {
	.name = "cp",
	.usage = "SRC DST",
	.summary = "copy a file into or out of a guest (VM:PATH on one side) through its agent; -r for directories",
	.opts = cp_opts,
	.flags = CMD_CHANGES,
	.min_args = 2,
	.max_args = 2,
	.exec = cp_exec,
};
