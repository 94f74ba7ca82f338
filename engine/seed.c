/* seed.c - cloud-init NoCloud seeds: an ISO 9660 image labelled "cidata" with
 * user-data and meta-data, made with libisofs (never by a shell line). The
 * files are JSON, which is YAML too: json-c quotes every value the user gave,
 * so nothing typed can become a YAML key or a command. */
#define LIBISOFS_WITHOUT_LIBBURN 1
#include <crypt.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libisofs/libisofs.h>

#include "engine.h"

#define SEED_KEY_MAX 16384

static bool hostname_valid(const char *h)
{
	size_t label = 0, n = strlen(h);

	if (n == 0 || n > 253)
		return false;
	for (const char *p = h; *p; p++) {
		if (*p == '.') {
			if (label == 0 || p[-1] == '-')
				return false;
			label = 0;
		} else if (isalnum((unsigned char)*p) || (*p == '-' && label > 0)) {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return label > 0 && h[n - 1] != '-';
}

/* useradd's rule for portable names */
static bool user_valid(const char *u)
{
	size_t n = strlen(u);

	if (n == 0 || n > 32 || !(islower((unsigned char)u[0]) || u[0] == '_'))
		return false;
	for (const char *p = u; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_' || *p == '-'))
			return false;
	return true;
}

int eng_seed_check(const struct eng_seed *s, const char *vm, struct eng_error *err)
{
	if (s->hostname && !hostname_valid(s->hostname)) {
		eng_err_set(err, ENG_E_INVALID, "VM %s: invalid cloud-init hostname '%s': letters, digits, "
			    "'-' and '.' (labels of 1-63)", vm, s->hostname);
		return -1;
	}
	if (s->user && !user_valid(s->user)) {
		eng_err_set(err, ENG_E_INVALID, "VM %s: invalid cloud-init user '%s': lower-case letters, "
			    "digits, '_' and '-', starting with a letter or '_' (at most 32)", vm, s->user);
		return -1;
	}
	if ((s->password_hash || s->ssh_keys) && !s->user) {
		eng_err_set(err, ENG_E_INVALID, "VM %s: a cloud-init password or SSH key needs a user "
			    "(--cloud-user NAME)", vm);
		return -1;
	}
	return 0;
}

/* The file's first line; a password file must hold exactly one. */
int eng_seed_read_password(const char *path, char *hash, size_t len, struct eng_error *err)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t n;

	if (!f) {
		eng_err_set(err, ENG_E_INVALID, "password file %s: %s", path, strerror(errno));
		return -1;
	}
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		eng_err_set(err, ENG_E_INVALID, "password file %s: empty", path);
		return -1;
	}
	fclose(f);
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (n == 0) {
		eng_err_set(err, ENG_E_INVALID, "password file %s: the first line is empty", path);
		return -1;
	}
	if (eng_seed_hash_password(line, hash, len) < 0) {
		explicit_bzero(line, sizeof(line));
		eng_err_set(err, ENG_E_FAILED, "password file %s: cannot hash the password", path);
		return -1;
	}
	explicit_bzero(line, sizeof(line));
	return 0;
}

int eng_seed_hash_password(const char *clear, char *hash, size_t len)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd;

	/* SHA-512 crypt, as cloud-init's passwd: takes it: the seed never holds the text */
	memset(&cd, 0, sizeof(cd));
	if (!crypt_gensalt_rn("$6$", 0, NULL, 0, salt, sizeof(salt)) || !crypt_r(clear, salt, &cd) ||
	    cd.output[0] == '*')
		return -1;
	snprintf(hash, len, "%s", cd.output);
	explicit_bzero(&cd, sizeof(cd));
	return 0;
}

int eng_seed_read_keys(const char *path, char **keys, struct eng_error *err)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, SEED_KEY_MAX + 1);
	size_t got;

	*keys = NULL;
	if (!f || !buf) {
		eng_err_set(err, ENG_E_INVALID, "SSH key file %s: %s", path, f ? "out of memory" : strerror(errno));
		goto fail;
	}
	got = fread(buf, 1, SEED_KEY_MAX + 1, f);
	if (got > SEED_KEY_MAX) {
		eng_err_set(err, ENG_E_INVALID, "SSH key file %s: more than %d bytes: not a public key", path,
			    SEED_KEY_MAX);
		goto fail;
	}
	buf[got] = '\0';
	for (size_t i = 0; i < got; i++)
		if ((unsigned char)buf[i] < 0x20 && buf[i] != '\n' && buf[i] != '\r') {
			eng_err_set(err, ENG_E_INVALID, "SSH key file %s: control bytes: not a public key", path);
			goto fail;
		}
	if (strncmp(buf, "ssh-", 4) != 0 && strncmp(buf, "ecdsa-", 6) != 0 && strncmp(buf, "sk-", 3) != 0) {
		eng_err_set(err, ENG_E_INVALID, "SSH key file %s: not a public key (ssh-ed25519 ..., "
			    "ssh-rsa ..., ecdsa-...): give the .pub file", path);
		goto fail;
	}
	fclose(f);
	*keys = buf;
	return 0;
fail:
	if (f)
		fclose(f);
	free(buf);
	return -1;
}

static json_object *jstr(const char *s)
{
	return json_object_new_string(s);
}

char *eng_seed_user_data(const struct eng_seed *s, const char *vm)
{
	json_object *o = json_object_new_object(), *pk = json_object_new_array();
	char *out;

	json_object_object_add(o, "hostname", jstr(s->hostname ? s->hostname : vm));
	if (s->user) {
		json_object *users = json_object_new_array(), *u = json_object_new_object();
		json_object_object_add(u, "name", jstr(s->user));
		json_object_object_add(u, "shell", jstr("/bin/bash"));
		json_object_object_add(u, "sudo", jstr("ALL=(ALL) NOPASSWD:ALL"));
		json_object_object_add(u, "groups", jstr("sudo"));
		json_object_object_add(u, "lock_passwd", json_object_new_boolean(!s->password_hash));
		if (s->password_hash)
			json_object_object_add(u, "passwd", jstr(s->password_hash));
		if (s->ssh_keys) {
			json_object *keys = json_object_new_array();
			char *copy = strdup(s->ssh_keys), *save = NULL;
			for (char *k = copy ? strtok_r(copy, "\r\n", &save) : NULL; k; k = strtok_r(NULL, "\r\n", &save))
				if (*k && *k != '#')
					json_object_array_add(keys, jstr(k));
			free(copy);
			json_object_object_add(u, "ssh_authorized_keys", keys);
		}
		json_object_array_add(users, u);
		json_object_object_add(o, "users", users);
		json_object_object_add(o, "ssh_pwauth", json_object_new_boolean(s->password_hash != NULL));
	}
	/* step 5, guest tools: cloud images get the agent through the seed */
	if (s->agent) {
		json_object *run = json_object_new_array(), *cmd = json_object_new_array();
		json_object_array_add(pk, jstr("qemu-guest-agent"));
		json_object_object_add(o, "packages", pk);
		pk = NULL;
		json_object_array_add(cmd, jstr("systemctl"));
		json_object_array_add(cmd, jstr("enable"));
		json_object_array_add(cmd, jstr("--now"));
		json_object_array_add(cmd, jstr("qemu-guest-agent"));
		json_object_array_add(run, cmd);
		json_object_object_add(o, "runcmd", run);
	}
	json_object_put(pk);
	if (asprintf(&out, "#cloud-config\n%s\n",
		     json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
		out = NULL;
	json_object_put(o);
	return out;
}

char *eng_seed_meta_data(const struct eng_seed *s, const char *vm, const char *instance_id)
{
	json_object *o = json_object_new_object();
	char *out;

	json_object_object_add(o, "instance-id", jstr(instance_id));
	json_object_object_add(o, "local-hostname", jstr(s->hostname ? s->hostname : vm));
	if (asprintf(&out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
									JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
		out = NULL;
	json_object_put(o);
	return out;
}

/* text becomes the file's content (libisofs takes the buffer) */
static int add_text_file(IsoDir *root, const char *name, char *text)
{
	IsoStream *st;
	size_t n = strlen(text);

	if (iso_memory_stream_new((unsigned char *)text, n, &st) < 0) {
		free(text);
		return -1;
	}
	if (iso_tree_add_new_file(root, name, st, NULL) < 0) {
		iso_stream_unref(st);
		return -1;
	}
	return 0;
}

int eng_seed_write_iso(const struct eng_seed *s, const char *vm, const char *instance_id, const char *path,
		       struct eng_error *err)
{
	IsoImage *img = NULL;
	IsoWriteOpts *opts = NULL;
	struct burn_source *src = NULL;
	char *ud = eng_seed_user_data(s, vm), *md = eng_seed_meta_data(s, vm, instance_id);
	unsigned char block[2048];
	FILE *f = NULL;
	int ret = -1, got = -1, fd = -1;
	bool made = false;

	if (!ud || !md || iso_init() < 0) {
		free(ud);
		free(md);
		eng_err_set(err, ENG_E_FAILED, "VM %s: cannot build its cloud-init seed", vm);
		return -1;
	}
	if (iso_image_new("cidata", &img) < 0) {
		free(ud);
		free(md);
		goto fail;
	}
	/* NoCloud finds the seed by this volume label */
	iso_image_set_volume_id(img, "cidata");
	if (add_text_file(iso_image_get_root(img), "user-data", ud) < 0) {
		free(md);
		goto fail;
	}
	if (add_text_file(iso_image_get_root(img), "meta-data", md) < 0)
		goto fail;
	/* Rock Ridge and Joliet keep the names as written (user-data, not USER_DAT) */
	if (iso_write_opts_new(&opts, 0) < 0 || iso_write_opts_set_rockridge(opts, 1) < 0 ||
	    iso_write_opts_set_joliet(opts, 1) < 0 || iso_image_create_burn_source(img, opts, &src) < 0)
		goto fail;
	/* it holds the password's hash: 0600, and never through a symlink */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0 ||
	    !(f = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		eng_err_set(err, ENG_E_FAILED, "VM %s: cannot write its seed %s: %s", vm, path, strerror(errno));
		goto out;
	}
	made = true;
	while ((got = src->read_xt(src, block, sizeof(block))) == (int)sizeof(block))
		if (fwrite(block, 1, sizeof(block), f) != sizeof(block)) {
			got = -1;
			break;
		}
	if (fclose(f) != 0)
		got = -1;
	f = NULL;
	if (got != 0)
		goto fail;
	ret = 0;
	goto out;
fail:
	eng_err_set(err, ENG_E_FAILED, "VM %s: cannot build its cloud-init seed ISO", vm);
out:
	if (f)
		fclose(f);
	if (ret < 0 && made)
		unlink(path);   /* only the file this call made */
	if (src && got != 0)
		src->cancel(src);
	if (src) {
		src->free_data(src);
		free(src);
	}
	if (opts)
		iso_write_opts_free(opts);
	if (img)
		iso_image_unref(img);
	iso_finish();
	return ret;
}
