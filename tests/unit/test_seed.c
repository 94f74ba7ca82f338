/* cloud-init seeds: what user-data and meta-data say, that user text stays a
 * quoted value (JSON is YAML), the checks of names, and the ISO's label. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"

static json_object *parse_user_data(const char *ud)
{
	assert_int_equal(strncmp(ud, "#cloud-config\n", 14), 0);
	return json_tokener_parse(ud + 14);
}

static void user_data_content(void **state)
{
	struct eng_seed s = { .user = "alice", .password_hash = "$6$salt$hash", .agent = true,
			      .ssh_keys = "ssh-ed25519 AAAA one\n# a comment\n\nssh-rsa BBBB two: \"x\"\n" };
	char *ud = eng_seed_user_data(&s, "web1");
	json_object *o = parse_user_data(ud), *u, *keys, *v;
	(void)state;
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "hostname", &v));
	assert_string_equal(json_object_get_string(v), "web1");   /* the VM's name by default */
	assert_true(json_object_object_get_ex(o, "users", &v));
	u = json_object_array_get_idx(v, 0);
	assert_true(json_object_object_get_ex(u, "passwd", &v));
	assert_string_equal(json_object_get_string(v), "$6$salt$hash");
	assert_true(json_object_object_get_ex(u, "ssh_authorized_keys", &keys));
	assert_int_equal(json_object_array_length(keys), 2);      /* comments and blank lines dropped */
	assert_string_equal(json_object_get_string(json_object_array_get_idx(keys, 1)), "ssh-rsa BBBB two: \"x\"");
	assert_true(json_object_object_get_ex(o, "packages", &v));
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 0)), "qemu-guest-agent");
	/* '/' is not escaped: YAML would keep "\/" as is */
	assert_null(strstr(ud, "\\/"));
	json_object_put(o);
	free(ud);
}

static void no_user_no_agent(void **state)
{
	struct eng_seed s = { .hostname = "h1" };
	char *ud = eng_seed_user_data(&s, "vm"), *md = eng_seed_meta_data(&s, "vm", "id-1");
	json_object *o = parse_user_data(ud), *m = json_tokener_parse(md), *v;
	(void)state;
	assert_false(json_object_object_get_ex(o, "users", &v));
	assert_false(json_object_object_get_ex(o, "packages", &v));
	assert_true(json_object_object_get_ex(m, "local-hostname", &v));
	assert_string_equal(json_object_get_string(v), "h1");
	assert_true(json_object_object_get_ex(m, "instance-id", &v));
	assert_string_equal(json_object_get_string(v), "id-1");
	json_object_put(o);
	json_object_put(m);
	free(ud);
	free(md);
}

static void checks(void **state)
{
	static const char *const bad_hosts[] = { "", "a;b", "-a", "a-", "a..b", "a b", "a\nb", "x.-y" };
	static const char *const bad_users[] = { "", "Root", "1abc", "a b", "a;b", "abcdefghijabcdefghijabcdefghijabc" };
	struct eng_error err = { 0 };
	struct eng_seed s = { 0 };
	(void)state;
	s.hostname = "web-1.lab";
	s.user = "_svc-1";
	assert_int_equal(eng_seed_check(&s, "vm", &err), 0);
	for (size_t i = 0; i < sizeof(bad_hosts) / sizeof(bad_hosts[0]); i++) {
		s = (struct eng_seed){ .hostname = bad_hosts[i] };
		assert_int_equal(eng_seed_check(&s, "vm", &err), -1);
		assert_non_null(strstr(err.msg, "hostname"));
	}
	for (size_t i = 0; i < sizeof(bad_users) / sizeof(bad_users[0]); i++) {
		s = (struct eng_seed){ .user = bad_users[i] };
		assert_int_equal(eng_seed_check(&s, "vm", &err), -1);
		assert_non_null(strstr(err.msg, "user"));
	}
	s = (struct eng_seed){ .ssh_keys = "ssh-ed25519 AAAA" };
	assert_int_equal(eng_seed_check(&s, "vm", &err), -1);
	assert_non_null(strstr(err.msg, "--cloud-user"));
}

static void password_hashed(void **state)
{
	char path[] = "/tmp/vmdeck-pw-XXXXXX", hash[256];
	struct eng_error err = { 0 };
	int fd = mkstemp(path);
	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "s3cret pass\nsecond line\n", 24), 24);
	close(fd);
	assert_int_equal(eng_seed_read_password(path, hash, sizeof(hash), &err), 0);
	assert_int_equal(strncmp(hash, "$6$", 3), 0);
	assert_null(strstr(hash, "s3cret"));
	fd = open(path, O_WRONLY | O_TRUNC);
	close(fd);
	assert_int_equal(eng_seed_read_password(path, hash, sizeof(hash), &err), -1);
	assert_non_null(strstr(err.msg, "empty"));
	unlink(path);
}

static void iso_label(void **state)
{
	char dir[] = "/tmp/vmdeck-seedt-XXXXXX", path[64], vd[72];
	struct eng_seed s = { .hostname = "h" };
	struct eng_error err = { 0 };
	FILE *f;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/seed.iso", dir);
	umask(022);
	assert_int_equal(eng_seed_write_iso(&s, "vm", "id", path, &err), 0);
	{
		/* it holds a password's hash: 0600 whatever the umask */
		struct stat st;
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
	}
	f = fopen(path, "rb");
	assert_non_null(f);
	/* the primary volume descriptor at sector 16: "CD001" at byte 1, the volume id at 40 */
	assert_int_equal(fseek(f, 16 * 2048, SEEK_SET), 0);
	assert_int_equal(fread(vd, 1, sizeof(vd), f), sizeof(vd));
	fclose(f);
	assert_memory_equal(vd + 1, "CD001", 5);
	assert_int_equal(strncasecmp(vd + 40, "cidata", 6), 0);
	/* never overwrites what is there */
	assert_int_equal(eng_seed_write_iso(&s, "vm", "id", path, &err), -1);
	assert_int_equal(access(path, F_OK), 0);
	unlink(path);
	/* nor writes through a symlink planted at its name */
	{
		char victim[80];
		snprintf(victim, sizeof(victim), "%s/victim", dir);
		f = fopen(victim, "w");
		fputs("root's file", f);
		fclose(f);
		assert_int_equal(symlink(victim, path), 0);
		assert_int_equal(eng_seed_write_iso(&s, "vm", "id", path, &err), -1);
		f = fopen(victim, "r");
		assert_non_null(fgets(vd, sizeof(vd), f));
		fclose(f);
		assert_string_equal(vd, "root's file");
		unlink(path);
		unlink(victim);
	}
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(user_data_content),
		cmocka_unit_test(no_user_no_agent),
		cmocka_unit_test(checks),
		cmocka_unit_test(password_hashed),
		cmocka_unit_test(iso_label),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
