/* Unit tests that link tui/: the key table (names, [keys] rebinding, which
 * row a key runs in each view), the footer's fitting, the prompt's
 * completion candidates. No screen is opened: these parts are pure. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui.h"

static struct tui *new_tui(void)
{
	struct tui *t = calloc(1, sizeof(*t));
	assert_non_null(t);
	snprintf(t->cfg.path, sizeof(t->cfg.path), "vmdeck.ini");
	tui_keys_init(t);
	return t;
}

static void bind(struct tui *t, const char *key, const char *command)
{
	struct prof_key_binding *b = &t->cfg.keys[t->cfg.n_keys++];
	snprintf(b->key, sizeof(b->key), "%s", key);
	snprintf(b->command, sizeof(b->command), "%s", command);
	b->line = (int)t->cfg.n_keys + 1;
}

static void key_names(void **state)
{
	char buf[32];
	(void)state;
	assert_int_equal(tui_key_parse("x"), 'x');
	assert_int_equal(tui_key_parse("S-d"), 'D');
	assert_int_equal(tui_key_parse("C-r"), 'r' & 0x1f);
	assert_int_equal(tui_key_parse("F5"), KEY_F(5));
	assert_int_equal(tui_key_parse("f12"), KEY_F(12));
	assert_int_equal(tui_key_parse("Home"), KEY_HOME);
	assert_int_equal(tui_key_parse("esc"), 27);
	assert_int_equal(tui_key_parse("Escape"), 27);
	assert_int_equal(tui_key_parse("F25"), -1);
	assert_int_equal(tui_key_parse("F"), 'F');
	assert_int_equal(tui_key_parse("bogus"), -1);
	/* an unbound key is named as typed, never "key265" */
	tui_key_name(KEY_F(1), buf, sizeof(buf));
	assert_string_equal(buf, "F1");
	tui_key_name(KEY_END, buf, sizeof(buf));
	assert_string_equal(buf, "End");
	tui_key_name(27, buf, sizeof(buf));
	assert_string_equal(buf, "Esc");
	tui_key_name('\n', buf, sizeof(buf));
	assert_string_equal(buf, "Enter");
	tui_key_name('r' & 0x1f, buf, sizeof(buf));
	assert_string_equal(buf, "C-r");
	/* every name the table's keys get parses back to the key */
	struct tui *t = new_tui();
	for (size_t i = 0; i < t->n_keys; i++) {
		tui_key_name(t->keys[i].key, buf, sizeof(buf));
		assert_int_equal(tui_key_parse(buf), t->keys[i].key);
	}
	free(t);
}

/* the row each view runs for a key: its own, every view's, then the list's */
static void lookup_order(void **state)
{
	struct tui *t = new_tui();
	(void)state;
	assert_string_equal(tui_key_lookup(t, VIEW_LIST, 'q')->command, "@quit");
	assert_string_equal(tui_key_lookup(t, VIEW_DETAILS, 'q')->command, "@back");
	assert_string_equal(tui_key_lookup(t, VIEW_DETAILS, 's')->command, "start %v");
	assert_string_equal(tui_key_lookup(t, VIEW_DETAILS, 'x')->command, "disk detach %v %1");
	assert_string_equal(tui_key_lookup(t, VIEW_LIST, 'x')->command, "delete %v --yes");
	assert_string_equal(tui_key_lookup(t, VIEW_SNAPSHOTS, KEY_ENTER)->command, "snapshot revert %v %s");
	assert_string_equal(tui_key_lookup(t, VIEW_NETWORKS, 's')->command, "net start %s");
	assert_null(tui_key_lookup(t, VIEW_NETWORKS, 'd'));   /* no guest keys over the networks */
	assert_string_equal(tui_key_lookup(t, VIEW_HELP, KEY_F(1))->command, "@help");
	/* every action a row names exists in its view */
	for (size_t i = 0; i < t->n_keys; i++)
		if (t->keys[i].command[0] == '@')
			assert_non_null(tui_action_find(t->keys[i].view, t->keys[i].command));
	/* R names the current snapshot in its question and its command */
	const struct key_binding *r = tui_key_lookup(t, VIEW_LIST, 'R');
	assert_non_null(strstr(r->command, "%c"));
	assert_non_null(strstr(r->question, "%c"));
	free(t);
}

static void rebinding(void **state)
{
	struct tui *t = new_tui();
	struct eng_error err = { 0 };
	size_t before = t->n_keys;
	(void)state;
	bind(t, "snapshots.x", "snapshot take %v");
	bind(t, "S-w", "start %v");
	bind(t, "?", "@refresh");
	bind(t, "any.F2", "@help");
	bind(t, "networks.c", "net info %s");
	assert_int_equal(tui_keys_apply_config(t, &err), 0);
	assert_string_equal(tui_key_row(t, VIEW_SNAPSHOTS, 'x')->command, "snapshot take %v");
	assert_int_equal(tui_key_row(t, VIEW_SNAPSHOTS, 'x')->flags, 0);   /* no implicit question */
	assert_string_equal(tui_key_row(t, VIEW_LIST, 'x')->command, "delete %v --yes");   /* untouched */
	assert_string_equal(tui_key_row(t, VIEW_LIST, 'W')->command, "start %v");
	assert_string_equal(tui_key_row(t, VIEW_ANY, '?')->command, "@refresh");   /* a bare ? is every view's */
	assert_string_equal(tui_key_row(t, VIEW_ANY, KEY_F(2))->command, "@help");
	assert_string_equal(tui_key_row(t, VIEW_NETWORKS, 'c')->command, "net info %s");
	assert_int_equal(t->n_keys, before + 2);   /* W and F2 are new rows, the rest rebound */
	free(t);

	/* refused with the line and the reason */
	static const struct {
		const char *key, *command, *why;
	} bad[] = {
		{ "nowhere.x", "start %v", "no view 'nowhere'" },
		{ "x", "frobnicate %v", "no such command" },
		{ "snapshots.x", "@net-create", "no such command or action" },
		{ "S-", "start %v", "unknown key name" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = new_tui();
		bind(t, bad[i].key, bad[i].command);
		memset(&err, 0, sizeof(err));
		assert_int_equal(tui_keys_apply_config(t, &err), -1);
		assert_non_null(strstr(err.msg, bad[i].why));
		assert_non_null(strstr(err.msg, "vmdeck.ini:2"));
		free(t);
	}
}

static void footer_fitting(void **state)
{
	struct tui_hint_in h[] = {
		{ "s", "start", false }, { "d", "stop", false }, { "Enter", "information", false },
		{ "t", "snap", false }, { "q", "quit", true }, { "?", "help", true },
	};
	bool shown[6];
	(void)state;
	/* all fit: "s start  d stop  Enter information  t snap  q quit  ? help" */
	assert_int_equal(tui_footer_fit(h, 6, 80, shown), 6);
	/* 30 columns: the pinned two (14), then in order what still fits:
	 * s start (+9 = 23), d stop (+8 = 31: no), Enter... no, t snap (+8 = 31: no) */
	assert_int_equal(tui_footer_fit(h, 6, 30, shown), 3);
	assert_true(shown[0] && !shown[1] && !shown[2] && !shown[3] && shown[4] && shown[5]);
	/* a long one left out lets a shorter later one in */
	assert_int_equal(tui_footer_fit(h, 6, 40, shown), 5);
	assert_true(shown[0] && shown[1] && !shown[2] && shown[3]);
	/* narrower than the pinned ones: what fits of them */
	assert_int_equal(tui_footer_fit(h, 6, 6, shown), 1);
	assert_true(shown[4] && !shown[5]);
	assert_int_equal(tui_footer_fit(h, 0, 80, shown), 0);
}

/* the list's footer from the real table: main keys first, q and ? pinned,
 * changing keys left out when read-only */
static void footer_of_views(void **state)
{
	struct tui *t = new_tui();
	struct tui_hint_in h[24];
	char names[24][16];
	int keys[24], n;
	bool shown[24], has_start = false, has_quit = false, has_help = false;
	(void)state;
	n = tui_footer_hints(t, VIEW_LIST, h, keys, 24, names);
	assert_true(n > 5);
	assert_string_equal(h[0].key, "s");
	assert_string_equal(h[0].word, "start");
	assert_true(h[n - 1].pin && strcmp(h[n - 1].key, "?") == 0);
	assert_true(h[n - 2].pin && strcmp(h[n - 2].word, "quit") == 0);
	tui_footer_fit(h, n, 79, shown);
	assert_true(shown[0] && shown[n - 1] && shown[n - 2]);
	/* details: its own first, the ANY q is "back" there */
	n = tui_footer_hints(t, VIEW_DETAILS, h, keys, 24, names);
	assert_string_equal(h[0].key, "a");
	assert_string_equal(h[n - 2].word, "back");
	t->g.readonly = true;
	n = tui_footer_hints(t, VIEW_LIST, h, keys, 24, names);
	for (int i = 0; i < n; i++) {
		has_start |= strcmp(h[i].word, "start") == 0;
		has_quit |= strcmp(h[i].word, "quit") == 0;
		has_help |= strcmp(h[i].word, "help") == 0;
	}
	assert_false(has_start);
	assert_true(has_quit && has_help);
	free(t);
}

static int cands(struct tui *t, const char *line, char out[][512])
{
	return tui_complete(t, line, out, 32);
}

static void completion(void **state)
{
	struct tui *t = new_tui();
	char out[32][512];
	static struct tui_row rows[2];
	static struct eng_net nets[1];
	char dir[] = "/tmp/vdcompXXXXXX";
	(void)state;
	snprintf(rows[0].s.name, sizeof(rows[0].s.name), "alpha");
	snprintf(rows[1].s.name, sizeof(rows[1].s.name), "alps");
	t->rows = rows;
	t->n_rows = 2;
	snprintf(nets[0].name, sizeof(nets[0].name), "default");
	t->nets = nets;
	t->n_nets = 1;
	t->nets_ok = true;

	assert_int_equal(cands(t, "snapsh", out), 1);
	assert_string_equal(out[0], "snapshot ");
	assert_int_equal(cands(t, "start al", out), 2);   /* ambiguous: both listed */
	assert_int_equal(cands(t, "start alph", out), 1);
	assert_string_equal(out[0], "start alpha ");
	assert_int_equal(cands(t, "create x --network de", out), 1);
	assert_string_equal(out[0], "create x --network default ");
	assert_int_equal(cands(t, "create x --firmware ", out), 2);   /* bios|uefi */
	/* a snapshot after its VM, from what the refresh thread read */
	snprintf(t->comp_vm, sizeof(t->comp_vm), "alpha");
	snprintf(t->comp_snaps[0], sizeof(t->comp_snaps[0]), "clean");
	snprintf(t->comp_snaps[1], sizeof(t->comp_snaps[1]), "before-upgrade");
	t->n_comp_snaps = 2;
	t->comp_ok = true;
	assert_int_equal(cands(t, "snapshot revert alpha b", out), 1);
	assert_string_equal(out[0], "snapshot revert alpha before-upgrade ");
	assert_int_equal(cands(t, "snapshot revert alps ", out), 0);   /* not read for alps */
	/* files: a directory gets its slash and stays open */
	assert_non_null(mkdtemp(dir));
	char sub[64], file[80], line[200];
	snprintf(sub, sizeof(sub), "%s/isos", dir);
	mkdir(sub, 0700);
	snprintf(file, sizeof(file), "%s/isos/debian.iso", dir);
	fclose(fopen(file, "w"));
	snprintf(line, sizeof(line), "create x --iso %s/is", dir);
	assert_int_equal(cands(t, line, out), 1);
	assert_non_null(strstr(out[0], "/isos/"));
	snprintf(line, sizeof(line), "create x --iso %s/isos/de", dir);
	assert_int_equal(cands(t, line, out), 1);
	assert_non_null(strstr(out[0], "/isos/debian.iso "));
	unlink(file);
	rmdir(sub);
	rmdir(dir);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(key_names),    cmocka_unit_test(lookup_order),    cmocka_unit_test(rebinding),
		cmocka_unit_test(footer_fitting), cmocka_unit_test(footer_of_views), cmocka_unit_test(completion),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
