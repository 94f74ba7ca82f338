/* The command table and its parser: lookup, options, globals anywhere,
 * usage errors, prompt-line splitting, and the man page generated from it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cmd.h"
#include "tui.h"
#include "testutil.h"

static FILE *devnull(void)
{
	FILE *f = fopen("/dev/null", "w");
	assert_non_null(f);
	return f;
}

static void table_is_sane(void **state)
{
	(void)state;
	for (size_t i = 0; cmd_table[i]; i++) {
		const struct cmd_def *d = cmd_table[i];
		assert_non_null(d->name);
		assert_non_null(d->summary);
		assert_non_null(d->exec);
		assert_true(d->min_args <= d->max_args);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(cmd_table[j]->name, d->name);
		for (int k = 0; d->opts && d->opts[k].name; k++)
			assert_non_null(d->opts[k].help);
	}
}

static void find_commands(void **state)
{
	char *argv1[] = { "list", "--all" };
	char *argv2[] = { "nosuch" };
	int words;
	(void)state;
	assert_string_equal(cmd_find(2, argv1, &words)->name, "list");
	assert_int_equal(words, 1);
	assert_null(cmd_find(1, argv2, &words));
}

static void options_and_globals(void **state)
{
	char *argv[] = { "test", "--memory", "512", "--json", "--network=a", "--network", "b", "-c",
			 "test:///default", "--start" };
	int words;
	char *name[] = { "create" };
	const struct cmd_def *d = cmd_find(1, name, &words);
	struct cmd_args a;
	struct cmd_global g = { 0 };
	const char *const *nets;
	FILE *err = devnull();
	(void)state;
	assert_int_equal(cmd_parse(d, 10, argv, &a, &g, err), 0);
	assert_string_equal(a.pos[0], "test");
	assert_string_equal(cmd_opt(&a, "memory"), "512");
	assert_true(g.json);
	assert_string_equal(g.uri, "test:///default");
	assert_true(cmd_flag(&a, "start"));
	assert_false(cmd_flag(&a, "wait-ip"));
	assert_int_equal(cmd_optv(&a, "network", &nets), 2);
	assert_string_equal(nets[0], "a");
	assert_string_equal(nets[1], "b");
	fclose(err);
}

static void usage_errors(void **state)
{
	char *name[] = { "info" };
	int words;
	const struct cmd_def *d = cmd_find(1, name, &words);
	struct cmd_args a;
	struct cmd_global g = { 0 };
	char *unknown[] = { "vm1", "--frobnicate" };
	char *toomany[] = { "vm1", "vm2" };
	char *novalue[] = { "--memory" };
	char *cname[] = { "create" };
	FILE *err = devnull();
	(void)state;
	assert_int_equal(cmd_parse(d, 2, unknown, &a, &g, err), 2);
	assert_int_equal(cmd_parse(d, 2, toomany, &a, &g, err), 2);
	assert_int_equal(cmd_parse(d, 0, NULL, &a, &g, err), 2);
	d = cmd_find(1, cname, &words);
	assert_int_equal(cmd_parse(d, 1, novalue, &a, &g, err), 2);
	fclose(err);
}

static void globals_before_command(void **state)
{
	char *argv[] = { "vmdeck", "-c", "test:///default", "--readonly", "--accel=tcg", "list" };
	char *bad[] = { "vmdeck", "--frobnicate", "list" };
	char *badaccel[] = { "vmdeck", "--accel", "xen", "list" };
	struct cmd_global g = { 0 };
	int first;
	FILE *err = devnull();
	(void)state;
	assert_int_equal(cmd_parse_globals(6, argv, &first, &g, err), 0);
	assert_int_equal(first, 5);
	assert_true(g.readonly);
	assert_int_equal(g.accel, ENG_ACCEL_TCG);
	assert_int_equal(cmd_parse_globals(3, bad, &first, &g, err), 2);
	assert_int_equal(cmd_parse_globals(4, badaccel, &first, &g, err), 2);
	fclose(err);
}

static void split_lines(void **state)
{
	char **argv, errbuf[64];
	int n;
	(void)state;
	n = cmd_split_line("  set web1  --cpus 2 --cmdline 'console=ttyS0 quiet' \"a b\" c\\ d ''", &argv,
			   errbuf, sizeof(errbuf));
	assert_int_equal(n, 9);
	assert_string_equal(argv[8], "");
	assert_string_equal(argv[0], "set");
	assert_string_equal(argv[5], "console=ttyS0 quiet");
	assert_string_equal(argv[6], "a b");
	assert_string_equal(argv[7], "c d");
	cmd_words_free(n, argv);
	assert_int_equal(cmd_split_line("x 'open", &argv, errbuf, sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "unterminated"));
}

/* What the create wizard quotes comes back word for word from the splitter. */
static void quote_round_trip(void **state)
{
	static const char *const words[] = { "plain", "/tmp/my isos/a.iso", "it's", "a\"b", "$(reboot)", "x;y",
					     "'", "", "back\\slash", "tab\there", "--memory" };
	char q[256], small[8], **argv, err[64];
	(void)state;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		assert_int_equal(cmd_quote_word(words[i], q, sizeof(q)), 0);
		assert_int_equal(cmd_split_line(q, &argv, err, sizeof(err)), 1);
		assert_string_equal(argv[0], words[i]);
		cmd_words_free(1, argv);
	}
	assert_int_equal(cmd_quote_word("plain", q, sizeof(q)), 0);
	assert_string_equal(q, "plain");
	/* too long: refused, never cut */
	assert_int_equal(cmd_quote_word("a long word", small, sizeof(small)), -1);
	assert_int_equal(cmd_quote_word("longplainword", small, sizeof(small)), -1);
}

static void readonly_refuses_before_connecting(void **state)
{
	char *argv[] = { "poweroff", "web1" };
	FILE *out = devnull();
	char *errtext = NULL;
	size_t errlen = 0;
	FILE *err = open_memstream(&errtext, &errlen);
	struct cmd_ctx ctx = { .g = { .readonly = true }, .out = out, .err = err };
	(void)state;
	/* no connect function: reaching the engine would fail differently */
	assert_int_equal(cmd_dispatch(&ctx, 2, argv), 1);
	fclose(err);
	assert_string_equal(errtext, "vmdeck: error: read-only connection: cannot poweroff web1\n");
	free(errtext);
	fclose(out);
}

static int test_connect(struct cmd_ctx *ctx)
{
	struct eng_open_opts o = { .uri = "test:///default" };
	struct eng_error err = { 0 };

	return (ctx->eng = eng_open(&o, &err)) ? 0 : 1;
}

/* a value for each placeholder of a command's usage */
static const char *arg_for(const char *token)
{
	static const struct {
		const char *token, *value;
	} args[] = {
		{ "VM", "test" }, { "SRC", "test" }, { "NET", "default" }, { "FILE", "/nonexistent/x.ini" },
		{ "P", "tiny-linux" }, { "NAME", "n1" }, { "HOSTPORT", "8080" }, { "GUESTPORT", "80" },
		{ "DST", "t2" }, { "DEST_URI", "test:///default" }, { "bash|zsh", "bash" }, { "COMMAND", "list" },
		{ "--", "--" }, { "CMD", "true" },
	};
	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++)
		if (strcmp(args[i].token, token) == 0)
			return args[i].value;
	return "x";
}

/* Every command of the table, with --json, prints JSON on stdout and nothing
 * else, whether it succeeds or fails (on the test driver). A command added
 * without a JSON path fails here. */
static void every_command_speaks_json(void **state)
{
	static const struct {
		const char *name, *extra[4];
	} extras[] = {
		{ "stats", { "--count", "1", "--interval", "0.1" } }, { "shutdown", { "--timeout", "1" } },
		{ "delete", { "--yes" } }, { "lab down", { "--yes" } }, { "lab reset", { "--yes" } },
		{ "net create", { "--mode", "internal" } },
	};
	(void)state;
	for (size_t i = 0; cmd_table[i]; i++) {
		const struct cmd_def *d = cmd_table[i];
		char *argv[32], usage[256], *save = NULL, *text = NULL, *errtext = NULL;
		size_t len = 0, errlen = 0;
		int argc = 0;
		FILE *out = open_memstream(&text, &len), *err = open_memstream(&errtext, &errlen);
		struct cmd_ctx ctx = { .g = { .json = true }, .out = out, .err = err, .connect = test_connect };
		char name[96];
		json_tokener *tok;
		json_object *o;

		snprintf(name, sizeof(name), "%s", d->name);
		for (char *w = strtok_r(name, " ", &save); w; w = strtok_r(NULL, " ", &save))
			argv[argc++] = w;
		snprintf(usage, sizeof(usage), "%s", d->usage ? d->usage : "");
		save = NULL;
		for (char *w = strtok_r(usage, " ", &save); w && argc - 1 < 30; w = strtok_r(NULL, " ", &save))
			if (w[0] != '[')
				argv[argc++] = (char *)arg_for(w);
		for (size_t k = 0; k < sizeof(extras) / sizeof(extras[0]); k++)
			if (strcmp(extras[k].name, d->name) == 0)
				for (int j = 0; j < 4 && extras[k].extra[j]; j++)
					argv[argc++] = (char *)extras[k].extra[j];
		cmd_dispatch(&ctx, argc, argv);
		fclose(out);
		fclose(err);
		if (!len)
			fail_msg("%s --json printed nothing on stdout (stderr: %s)", d->name, errtext);
		/* stats prints one object per line; everything else one value */
		tok = json_tokener_new();
		{
			int plen = strcmp(d->name, "stats") == 0 ? (int)strcspn(text, "\n") : (int)len;
			o = json_tokener_parse_ex(tok, text, plen);
			if (!o || json_tokener_get_error(tok) != json_tokener_success)
				fail_msg("%s --json: not JSON: %.300s", d->name, text);
			/* and nothing after it (stats: the next lines are objects too) */
			for (size_t k = json_tokener_get_parse_end(tok); k < (size_t)plen; k++)
				if (!strchr(" \t\n", text[k]))
					fail_msg("%s --json: text after the JSON: %.200s", d->name, text + k);
		}
		json_object_put(o);
		json_tokener_free(tok);
		eng_close(ctx.eng);
		free(text);
		free(errtext);
	}
}

static void man_page_matches_table(void **state)
{
	char *gen = NULL, *want;
	size_t len = 0;
	FILE *f = open_memstream(&gen, &len);
	(void)state;
	cmd_man_keys = tui_keys_man;
	cmd_help_man(f);
	fclose(f);
	want = test_slurp(SRCDIR "/man/vmdeck.1");
	assert_non_null(want);
	/* regenerate with: build/vmdeck help --man > man/vmdeck.1 */
	assert_string_equal(gen, want);
	for (size_t i = 0; cmd_table[i]; i++) {
		char needle[80];
		snprintf(needle, sizeof(needle), ".B %s", cmd_table[i]->name);
		assert_non_null(strstr(gen, needle));
	}
	free(gen);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_is_sane),
		cmocka_unit_test(find_commands),
		cmocka_unit_test(options_and_globals),
		cmocka_unit_test(usage_errors),
		cmocka_unit_test(globals_before_command),
		cmocka_unit_test(split_lines),
		cmocka_unit_test(quote_round_trip),
		cmocka_unit_test(readonly_refuses_before_connecting),
		cmocka_unit_test(man_page_matches_table),
		cmocka_unit_test(every_command_speaks_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
