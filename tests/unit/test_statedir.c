/* vmdeck's private state directory: never /tmp, 0700, refused when it is a
 * symlink, another user's or writable by others; files in it never follow a
 * symlink; a clone journal names only volumes of vmdeck's pool it may remove. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"

static char dir[] = "/tmp/vmdeck-statedir-test.XXXXXX";

static void run(const char *fmt, const char *arg)
{
	char cmd[1200];
	snprintf(cmd, sizeof(cmd), fmt, arg);
	assert_int_equal(system(cmd), 0);
}

static void no_tmp_fallback(void **state)
{
	char out[1024];
	struct eng_error err = { 0 };
	struct stat st;
	(void)state;
	unsetenv("XDG_STATE_HOME");
	unsetenv("HOME");
	/* clone.c fell back to /tmp/.local/state/vmdeck/clones */
	run("rm -rf /tmp/.local/state/vmdeck%s", "");
	assert_int_equal(eng_state_dir("clones", out, sizeof(out), &err), -1);
	assert_non_null(strstr(err.msg, "never under /tmp"));
	assert_int_not_equal(stat("/tmp/.local/state/vmdeck", &st), 0);
	/* a relative value is ignored (XDG), so is a relative HOME */
	setenv("XDG_STATE_HOME", "relative/state", 1);
	setenv("HOME", "also-relative", 1);
	assert_int_equal(eng_state_dir("clones", out, sizeof(out), &err), -1);
	unsetenv("HOME");
	unsetenv("XDG_STATE_HOME");
}

static void made_private(void **state)
{
	char base[600], out[1024];
	struct eng_error err = { 0 };
	struct stat st;
	(void)state;
	snprintf(base, sizeof(base), "%s/home", dir);
	setenv("HOME", base, 1);
	unsetenv("XDG_STATE_HOME");
	umask(022);
	assert_int_equal(eng_state_dir("clones", out, sizeof(out), &err), 0);
	assert_non_null(strstr(out, "/home/.local/state/vmdeck/clones"));
	assert_int_equal(stat(out, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	*strrchr(out, '/') = '\0';
	assert_int_equal(stat(out, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* XDG_STATE_HOME wins over HOME */
	snprintf(base, sizeof(base), "%s/xdg", dir);
	setenv("XDG_STATE_HOME", base, 1);
	assert_int_equal(eng_state_dir(NULL, out, sizeof(out), &err), 0);
	snprintf(base, sizeof(base), "%s/xdg/vmdeck", dir);
	assert_string_equal(out, base);
}

static void refused_dirs(void **state)
{
	char base[600], out[1024], victim[700];
	struct eng_error err = { 0 };
	(void)state;
	/* group-writable */
	snprintf(base, sizeof(base), "%s/gw", dir);
	setenv("XDG_STATE_HOME", base, 1);
	run("mkdir -p %s/vmdeck", base);
	run("chmod 0770 %s/vmdeck", base);
	assert_int_equal(eng_state_dir("clones", out, sizeof(out), &err), -1);
	assert_non_null(strstr(err.msg, "writable by others"));
	/* a symlink at vmdeck's name (to a directory somebody else chose) */
	snprintf(base, sizeof(base), "%s/ln", dir);
	snprintf(victim, sizeof(victim), "%s/elsewhere", dir);
	run("mkdir -p %s", victim);
	run("mkdir -p %s", base);
	assert_int_equal(symlink(victim, strcat(strcpy(out, base), "/vmdeck")), 0);
	setenv("XDG_STATE_HOME", base, 1);
	assert_int_equal(eng_state_dir("clones", out, sizeof(out), &err), -1);
	assert_non_null(strstr(err.msg, "not a directory"));
	/* another user's (the audit: a journal directory made by nobody) */
	if (geteuid() == 0) {
		struct passwd *pw = getpwnam("nobody");
		snprintf(base, sizeof(base), "%s/nobody", dir);
		setenv("XDG_STATE_HOME", base, 1);
		run("mkdir -p %s/vmdeck/clones", base);
		assert_non_null(pw);
		snprintf(out, sizeof(out), "%s/vmdeck/clones", base);
		assert_int_equal(chmod(out, 0700), 0);
		assert_int_equal(chown(out, pw->pw_uid, pw->pw_gid), 0);
		assert_int_equal(eng_state_dir("clones", out, sizeof(out), &err), -1);
		assert_non_null(strstr(err.msg, "belongs to uid"));
	}
	unsetenv("XDG_STATE_HOME");
}

static void private_files(void **state)
{
	char path[700], victim[700], line[64];
	struct eng_error err = { 0 };
	FILE *f;
	int fd;
	(void)state;
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	snprintf(path, sizeof(path), "%s/journal", dir);
	f = fopen(victim, "w");
	fputs("precious\n", f);
	fclose(f);
	/* a symlink planted at the journal's name: not followed, not overwritten */
	assert_int_equal(symlink(victim, path), 0);
	assert_int_equal(eng_private_file_create(path, &err), -1);
	assert_null(eng_private_file_read(path));
	f = fopen(victim, "r");
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_string_equal(line, "precious\n");
	unlink(path);
	/* a new one is 0600 whatever the umask, and exclusive */
	umask(0);
	assert_true((fd = eng_private_file_create(path, &err)) >= 0);
	close(fd);
	{
		struct stat st;
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
	}
	umask(022);
	assert_int_equal(eng_private_file_create(path, &err), -1);
	assert_non_null(f = eng_private_file_read(path));
	fclose(f);
	/* writable by others, or another user's: not read */
	assert_int_equal(chmod(path, 0666), 0);
	assert_null(eng_private_file_read(path));
	assert_int_equal(chmod(path, 0600), 0);
	if (geteuid() == 0) {
		struct passwd *pw = getpwnam("nobody");
		assert_int_equal(chown(path, pw->pw_uid, pw->pw_gid), 0);
		assert_null(eng_private_file_read(path));
	}
	unlink(path);
	unlink(victim);
}

/* A stale journal once made root delete any path it listed */
static void leftovers(void **state)
{
	static const struct {
		const char *path;
		bool ours;
	} cases[] = {
		{ "/pool/c3-disk0.qcow2", true },
		{ "/pool/c3-disk12.img", true },
		{ "/etc/shadow", false },
		{ "/pool/../etc/c3-disk0.qcow2", false },
		{ "/pool/sub/c3-disk0.qcow2", false },
		{ "/pool/c3-disk0.qcow2.bak", false },
		{ "/pool/c3-disk.qcow2", false },
		{ "/pool/c3-diskX.qcow2", false },
		{ "/pool/c4-disk0.qcow2", false },
		{ "/pool/base.qcow2", false },
		{ "/poolx/c3-disk0.qcow2", false },
		{ "/pool", false },
		{ "", false },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (eng_clone_leftover_ours("/pool", "c3", cases[i].path) != cases[i].ours)
			fail_msg("%s: expected %s", cases[i].path, cases[i].ours ? "ours" : "not ours");
	assert_false(eng_clone_leftover_ours("", "c3", "/c3-disk0.qcow2"));
	assert_false(eng_clone_leftover_ours("/pool", "../x", "/pool/../x-disk0.qcow2"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_tmp_fallback),
		cmocka_unit_test(made_private),
		cmocka_unit_test(refused_dirs),
		cmocka_unit_test(private_files),
		cmocka_unit_test(leftovers),
	};
	int rc;

	if (!mkdtemp(dir))
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	run("rm -rf %s", dir);
	return rc;
}
