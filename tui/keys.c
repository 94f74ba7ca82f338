/* keys.c - the key table: every key of every view is one row, a command
 * string run through the command table (placeholders in tui.h) or a TUI
 * action ('@...'). ?, the footer and the man page's KEYS are generated from
 * it; [keys] in the config rebinds any row ("snapshots.x = ..."). */
#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tui.h"

#define CTRL(c) ((c) & 0x1f)

/* Rows of a view in the order its footer shows them (most used first). */
#define K(k, v, cmd, label, hint, flags) { k, v, cmd, label, hint, flags, { NULL, NULL }, NULL }
#define KQ(k, v, cmd, label, hint, flags, question) { k, v, cmd, label, hint, flags, { NULL, NULL }, question }
#define KA(k, v, cmd, label, hint, flags, ask1, ask2, question) { k, v, cmd, label, hint, flags, { ask1, ask2 }, question }

static const struct key_binding default_keys[] = {
	/* the guest list (also the guest keys of details, monitor, snapshots, screen) */
	K('s', VIEW_LIST, "start %v", "start", "start", 0),
	K('d', VIEW_LIST, "shutdown %v", "shut down (ACPI)", "stop", 0),
	K('\n', VIEW_LIST, "@details", "details", "info", 0),
	K('c', VIEW_LIST, "@create", "create wizard", "new", 0),
	K('x', VIEW_LIST, "delete %v --yes", "delete (asks; disks kept unless ticked)", "del", KB_CONFIRM | KB_DELETE),
	K('t', VIEW_LIST, "snapshot take %v", "take snapshot", "snap", 0),
	K('q', VIEW_LIST, "@quit", "quit", "quit", 0),
	K('T', VIEW_LIST, "@snapshots", "snapshot tree", "", 0),
	K('o', VIEW_LIST, "console %v", "serial console (Ctrl-] returns)", "", 0),
	K('m', VIEW_LIST, "@monitor", "monitor", "", 0),
	K('D', VIEW_LIST, "poweroff %v", "power off (asks)", "", KB_CONFIRM),
	K('p', VIEW_LIST, "pause %v", "pause/resume", "", KB_PAUSE_TOGGLE),
	KQ('R', VIEW_LIST, "snapshot revert %v %c", "revert to the current snapshot (asks)", "", KB_CONFIRM,
	   "revert %v to snapshot %c?"),
	K('C', VIEW_LIST, "clone %v ", "clone (the prompt, to finish)", "", KB_PROMPT),
	K('e', VIEW_LIST, "@edit", "edit vCPUs/memory", "", 0),
	K('n', VIEW_LIST, "@networks", "networks", "", 0),
	K('L', VIEW_LIST, "@labs", "classroom labs and their seats", "", 0),
	K('H', VIEW_LIST, "@hosts", "hosts", "", 0),
	K('M', VIEW_LIST, "@migrate", "migrate to a host", "", 0),
	K('v', VIEW_LIST, "@screen", "the guest's screen, live", "", 0),
	K(' ', VIEW_LIST, "@mark", "mark/unmark for one action on several", "", 0),
	K('/', VIEW_LIST, "@filter", "filter by name (as you type)", "", 0),
	K('S', VIEW_LIST, "@sort", "sort by the next column", "", 0),
	K(KEY_RIGHT, VIEW_LIST, "@details", "details", "", KB_NOHINT),

	/* details of one guest */
	KA('a', VIEW_DETAILS, "disk add %v %1", "add a disk (asks its size)", "add disk", 0, "new disk's size (e.g. 2G): ",
	   NULL, NULL),
	KA('r', VIEW_DETAILS, "disk resize %v %1 %2", "resize a disk", "resize", 0, "resize which disk (vda, vdb...): ",
	   "to size (e.g. 20G or +5G): ", NULL),
	KA('x', VIEW_DETAILS, "disk detach %v %1", "detach a disk (asks; its image is kept)", "detach", KB_CONFIRM,
	   "detach which disk (its image is kept): ", NULL, "detach disk %1 from %v?"),
	KA('b', VIEW_DETAILS, "backup %v %1", "back up into a directory", "backup", 0, "back up into directory: ", NULL,
	   NULL),
	KA('N', VIEW_DETAILS, "net attach %v %1", "add a NIC on a network", "add NIC", 0, "add a NIC on network: ", NULL,
	   NULL),
	KA('U', VIEW_DETAILS, "net detach %v %1", "remove the NIC on a network (asks)", "rm NIC", KB_CONFIRM,
	   "remove the NIC on network: ", NULL, "remove %v's NIC on %1?"),
	KA('X', VIEW_DETAILS, "exec %v -- %*", "run a command in the guest (agent)", "exec", 0,
	   "run in the guest (no shell; sh -c '...' for one): ", NULL, NULL),

	/* the snapshot tree of one guest */
	KQ('\n', VIEW_SNAPSHOTS, "snapshot revert %v %s", "revert to this snapshot (asks)", "revert", KB_CONFIRM,
	   "revert %v to snapshot %s?"),
	KQ('x', VIEW_SNAPSHOTS, "snapshot delete %v %s", "delete this snapshot (asks)", "delete", KB_CONFIRM,
	   "delete snapshot %s of %v?"),
	K('t', VIEW_SNAPSHOTS, "snapshot take %v", "take a snapshot", "take", 0),

	/* the monitor */
	K('S', VIEW_MONITOR, "@monitor-sort", "sort by the next figure", "sort", 0),

	/* the networks */
	K('c', VIEW_NETWORKS, "@net-create", "create a network (shows its reachability)", "create", 0),
	KQ('x', VIEW_NETWORKS, "net delete %s", "delete this network (asks)", "delete", KB_CONFIRM, "delete network %s?"),
	K('s', VIEW_NETWORKS, "net start %s", "start this network", "start", 0),
	K('S', VIEW_NETWORKS, "net stop %s", "stop this network", "stop", 0),
	K('\n', VIEW_NETWORKS, "net info %s", "its details (net info)", "info", 0),

	/* classroom labs */
	K('u', VIEW_LABS, "lab up %l", "bring the lab up", "up", 0),
	K('r', VIEW_LABS, "@lab-reset", "reset seats to the clean snapshot (asks which)", "reset", 0),
	KQ('D', VIEW_LABS, "lab down --yes %l", "take the lab down (asks)", "down", KB_CONFIRM,
	   "take lab %s down (its seats and their disks)?"),
	K('e', VIEW_LABS, "lab exec %l -- ", "run a command in every seat (the prompt)", "exec", KB_PROMPT),
	K('c', VIEW_LABS, "lab collect %l ", "collect a file from every seat (the prompt)", "collect", KB_PROMPT),

	/* migrate dialog */
	K('\n', VIEW_MIGRATE, "@migrate-go", "migrate to this host (live when running)", "migrate", 0),

	/* the create wizard (typing goes into the focused field) */
	K('\n', VIEW_WIZARD, "@wizard-next", "next step / open the list / create", "next", 0),
	K(27, VIEW_WIZARD, "@wizard-back", "previous step / close", "back", 0),
	K('\t', VIEW_WIZARD, "@wizard-field-next", "next field", "field", 0),
	K(KEY_DOWN, VIEW_WIZARD, "@wizard-field-next", "next field", "", KB_NOHINT),
	K(KEY_UP, VIEW_WIZARD, "@wizard-field-prev", "previous field", "", KB_NOHINT),
	K(KEY_BTAB, VIEW_WIZARD, "@wizard-field-prev", "previous field", "", KB_NOHINT),
	K(KEY_RIGHT, VIEW_WIZARD, "@wizard-choice-next", "next choice of a choice field", "", KB_NOHINT),
	K(' ', VIEW_WIZARD, "@wizard-choice-next", "next choice of a choice field", "", KB_NOHINT),
	K(KEY_LEFT, VIEW_WIZARD, "@wizard-choice-prev", "previous choice of a choice field", "", KB_NOHINT),
	K('s', VIEW_WIZARD, "@wizard-save", "set up the host (step 1) / save as a profile", "setup/save", 0),
	K('o', VIEW_WIZARD, "@wizard-console", "the new guest's console", "console", 0),
	K('q', VIEW_WIZARD, "@wizard-close", "close the wizard (its answers go)", "close", 0),

	/* a list of the wizard (OS, profile, networks): typing filters it */
	K('\n', VIEW_PICKER, "@pick", "choose", "choose", 0),
	K(' ', VIEW_PICKER, "@pick-toggle", "tick/untick a network", "tick", 0),
	K(27, VIEW_PICKER, "@pick-close", "close the list", "close", 0),

	/* every view */
	K('?', VIEW_ANY, "@help", "help", "help", 0),
	K(KEY_F(1), VIEW_ANY, "@help", "help", "", KB_NOHINT),
	K(':', VIEW_ANY, "@prompt", "command prompt (any vmdeck command)", "cmd", 0),
	K('q', VIEW_ANY, "@back", "back", "back", 0),
	K(27, VIEW_ANY, "@cancel", "cancel the running job / back", "", 0),
	K(KEY_LEFT, VIEW_ANY, "@back", "back", "", KB_NOHINT),
	K('h', VIEW_ANY, "@back", "back", "", KB_NOHINT),
	K(KEY_F(10), VIEW_ANY, "@quit-all", "quit vmdeck", "", 0),
	K('\t', VIEW_ANY, "@next-view", "next view", "", 0),
	K('r', VIEW_ANY, "@refresh", "refresh now", "", 0),
	K('j', VIEW_ANY, "@down", "down", "", 0),
	K('k', VIEW_ANY, "@up", "up", "", 0),
	K(KEY_DOWN, VIEW_ANY, "@down", "down", "", KB_NOHINT),
	K(KEY_UP, VIEW_ANY, "@up", "up", "", KB_NOHINT),
	K(KEY_NPAGE, VIEW_ANY, "@page-down", "page down", "", 0),
	K(KEY_PPAGE, VIEW_ANY, "@page-up", "page up", "", 0),
	K('g', VIEW_ANY, "@top", "first", "", 0),
	K(KEY_HOME, VIEW_ANY, "@top", "first", "", KB_NOHINT),
	K('G', VIEW_ANY, "@bottom", "last", "", 0),
	K(KEY_END, VIEW_ANY, "@bottom", "last", "", KB_NOHINT),
	K(CTRL('l'), VIEW_ANY, "@redraw", "redraw the screen", "", 0),
};
#define N_DEFAULT_KEYS (sizeof(default_keys) / sizeof(default_keys[0]))

void tui_keys_init(struct tui *t)
{
	_Static_assert(N_DEFAULT_KEYS <= TUI_MAX_KEYS, "the key table outgrew TUI_MAX_KEYS");
	t->n_keys = N_DEFAULT_KEYS;
	memcpy(t->keys, default_keys, sizeof(default_keys));
}

static int canonical(int key)
{
	return key == KEY_ENTER || key == '\r' ? '\n' : key;
}

const struct key_binding *tui_key_row(const struct tui *t, enum tui_view v, int key)
{
	key = canonical(key);
	for (size_t i = 0; i < t->n_keys; i++)
		if (t->keys[i].key == key && t->keys[i].view == v)
			return &t->keys[i];
	return NULL;
}

const struct key_binding *tui_key_lookup(const struct tui *t, enum tui_view v, int key)
{
	const struct key_binding *kb = tui_key_row(t, v, key);

	/* every view's keys before the shared ones: q in details goes back,
	 * it does not quit as the list's q does */
	if (!kb)
		kb = tui_key_row(t, VIEW_ANY, key);
	if (!kb && v < VIEW__COUNT && tui_views[v].also != VIEW_NONE)
		kb = tui_key_row(t, tui_views[v].also, key);
	return kb;
}

/* Names as tmux writes them: "s", "S-d" is not needed ("D" is a key of its
 * own), "C-r", "Space", "Tab", "Enter", "Escape", "Up", "PageDown", "F1". */
static const struct {
	const char *name;
	int key;
} key_names[] = {
	{ "Space", ' ' }, { "Tab", '\t' }, { "BTab", KEY_BTAB }, { "Enter", '\n' }, { "Esc", 27 }, { "Escape", 27 },
	{ "Up", KEY_UP }, { "Down", KEY_DOWN }, { "Left", KEY_LEFT }, { "Right", KEY_RIGHT },
	{ "PageUp", KEY_PPAGE }, { "PageDown", KEY_NPAGE }, { "Home", KEY_HOME }, { "End", KEY_END },
	{ "Insert", KEY_IC }, { "Delete", KEY_DC }, { "BSpace", KEY_BACKSPACE },
};

void tui_key_name(int key, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++)
		if (key_names[i].key == key) {
			snprintf(buf, len, "%s", key_names[i].name);
			return;
		}
	if (key >= KEY_F(1) && key <= KEY_F(24))
		snprintf(buf, len, "F%d", key - KEY_F0);
	else if (key > 0 && key < 32)
		snprintf(buf, len, "C-%c", key + 'a' - 1);
	else if (key == 127)
		snprintf(buf, len, "BSpace");
	else if (key > 0 && key < 128 && isprint(key))
		snprintf(buf, len, "%c", key);
	else
		/* a key curses names itself ("KEY_SDC"), else its code */
		snprintf(buf, len, "%s", keyname(key) ? keyname(key) : "?");
}

/* iniparser lowercases key names, so an upper-case letter is written "S-d"
 * (shift-d) in [keys]; "C-r" is Ctrl-R; F1..F24, Home, End, Left... */
int tui_key_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++)
		if (strcasecmp(key_names[i].name, name) == 0)
			return key_names[i].key;
	if (strlen(name) == 1 && isprint((unsigned char)name[0]))
		return (unsigned char)name[0];
	if ((name[0] == 'f' || name[0] == 'F') && isdigit((unsigned char)name[1])) {
		char *end;
		long n = strtol(name + 1, &end, 10);
		if (!*end && n >= 1 && n <= 24)
			return KEY_F((int)n);
	}
	if (strlen(name) == 3 && name[1] == '-' && isalpha((unsigned char)name[2])) {
		if (name[0] == 's' || name[0] == 'S')
			return toupper((unsigned char)name[2]);
		if (name[0] == 'c' || name[0] == 'C')
			return CTRL(tolower((unsigned char)name[2]));
	}
	return -1;
}

bool tui_binding_known(enum tui_view v, const char *command)
{
	char **argv, msg[96];
	int argc, words;
	bool known = false;

	if (command[0] == '@')
		return tui_action_find(v, command) != NULL;
	if ((argc = cmd_split_line(command, &argv, msg, sizeof(msg))) > 0) {
		known = cmd_find(argc, argv, &words) != NULL;
		cmd_words_free(argc, argv);
	} else if (argc == 0) {
		cmd_words_free(argc, argv);
	}
	return known;
}

bool tui_binding_changes(const struct key_binding *kb)
{
	char **argv, msg[96];
	int argc, words;
	bool changes = false;

	if (kb->command[0] == '@') {
		const struct tui_action *a = tui_action_find(kb->view, kb->command);
		return a && a->changes;
	}
	if ((argc = cmd_split_line(kb->command, &argv, msg, sizeof(msg))) > 0) {
		const struct cmd_def *def = cmd_find(argc, argv, &words);
		changes = def && (def->flags & CMD_CHANGES);
	}
	if (argc >= 0)
		cmd_words_free(argc, argv);
	return changes;
}

/* Typing into a field is not a row of the table (every character is text
 * there): the same lines in ? and the man page. */
const char *const tui_typing_keys[] = {
	"Left/Right, Home/End, C-a/C-e    move in the line",
	"BSpace, Delete, C-u              erase a character, the whole line",
	"Tab                              complete (a second Tab lists the candidates)",
	"Up/Down                          the : prompt's history",
	"Enter                            accept;  Esc, C-c, C-g: cancel",
	"y                                yes to a question (any other key: no); d ticks its box",
	NULL,
};

static void roff_text(FILE *f, const char *s)
{
	for (const char *p = s; *p; p++)
		fputs(*p == '-' ? "\\-" : *p == '\\' ? "\\e" : (char[2]){ *p, 0 }, f);
}

/* The man page's KEYS section, from the same table as ? and the footer:
 * a subsection per view, its rows in the footer's order. */
void tui_keys_man(FILE *f)
{
	fputs(".SH KEYS\nThe full-screen interface (vmdeck without a command). Every key is a row of one\n"
	      "table, in one view: a vmdeck command line (%v is the selected guest, or the marked ones;\n"
	      "%s the view's selected item; %c the guest's current snapshot, named in the question)\n"
	      "or an action of the interface (@...). Rebind them in the [keys] section of vmdeck.ini:\n"
	      "KEY = command for the guest list, VIEW.KEY = command for another view (e.g.\n"
	      "snapshots.x = ..., any.F2 = @help). Key names: a character, S-x for upper case, C-x,\n"
	      "F1..F24, Space, Tab, Enter, Esc, Up, Down, Left, Right, PageUp, PageDown, Home, End.\n"
	      "The key ? lists them on the screen; the line above the status line shows the view's main keys.\n"
	      "A mouse click selects a row, the wheel scrolls, a click on a hint runs its key.\n", f);
	for (int v = 0; v <= VIEW_ANY; v++) {
		bool any = false;
		for (size_t i = 0; i < N_DEFAULT_KEYS; i++) {
			char name[32];
			if ((int)default_keys[i].view != v)
				continue;
			if (!any) {
				fputs(".SS ", f);
				roff_text(f, v == VIEW_ANY ? "Every view" : tui_views[v].heading);
				fprintf(f, " (%s)\n", v == VIEW_ANY ? "any" : tui_views[v].name);
				any = true;
			}
			tui_key_name(default_keys[i].key, name, sizeof(name));
			fputs(".TP\n.B ", f);
			roff_text(f, name);
			fputc('\n', f);
			roff_text(f, default_keys[i].label);
			fputs(" (\\fI", f);
			roff_text(f, default_keys[i].command);
			fputs("\\fR)\n", f);
		}
	}
	fputs(".SS Typing in a field\nThe : prompt, the / filter, the wizard's fields, the e form and the y/n questions:\n", f);
	for (int i = 0; tui_typing_keys[i]; i++) {
		fputs(".br\n", f);
		roff_text(f, tui_typing_keys[i]);
		fputc('\n', f);
	}	fputs(".SS When the daemon goes away\nKilled or restarted, libvirtd's loss is in the header at once\n"
	      "(CONNECTION LOST, reconnecting); vmdeck connects again every second, and the list,\n"
	      "its states and the events are back as soon as the daemon answers. A daemon that does\n"
	      "not answer for 3 s is NOT ANSWERING in the header (after 15 s keepalive gives it up\n"
	      "and vmdeck reconnects). Meanwhile the keys that read (views, help, quit) keep working\n"
	      "and the ones that change are refused with that reason.\n", f);
}

static enum tui_view view_named(const char *name, size_t len)
{
	if (len == 3 && strncasecmp(name, "any", 3) == 0)
		return VIEW_ANY;
	for (int v = 0; v < VIEW__COUNT; v++)
		if (strlen(tui_views[v].name) == len && strncasecmp(tui_views[v].name, name, len) == 0)
			return (enum tui_view)v;
	return VIEW_NONE;
}

/* "x" or "list.x": the guest list; "snapshots.x": that view; "any.x": every view */
int tui_keys_apply_config(struct tui *t, struct eng_error *err)
{
	for (size_t i = 0; i < t->cfg.n_keys; i++) {
		const struct prof_key_binding *b = &t->cfg.keys[i];
		const char *dot = strchr(b->key, '.');
		enum tui_view v = dot ? view_named(b->key, (size_t)(dot - b->key)) : VIEW_LIST;
		int key = tui_key_parse(dot ? dot + 1 : b->key);
		struct key_binding *kb;

		if (v == VIEW_NONE) {
			eng_err_set(err, ENG_E_INVALID, "%s:%d: [keys] '%s': no view '%.*s' (the views are in the KEYS "
				    "section of vmdeck(1))", t->cfg.path, b->line, b->key, (int)(dot - b->key), b->key);
			return -1;
		}
		if (key < 0) {
			eng_err_set(err, ENG_E_INVALID, "%s:%d: [keys] '%s': unknown key name "
				    "(use a character, S-x for upper case, C-x, F1, Space, Tab, Enter, Home...)",
				    t->cfg.path, b->line, b->key);
			return -1;
		}
		if (!tui_binding_known(v, b->command)) {
			eng_err_set(err, ENG_E_INVALID, "%s:%d: [keys] %s = %s: no such command or action "
				    "(see 'vmdeck help' and the KEYS section of vmdeck(1))", t->cfg.path, b->line, b->key,
				    b->command);
			return -1;
		}
		/* a bare key that is one of every view's keys rebinds that row */
		if (!dot && !tui_key_row(t, VIEW_LIST, key) && tui_key_row(t, VIEW_ANY, key))
			v = VIEW_ANY;
		kb = (struct key_binding *)tui_key_row(t, v, key);
		if (!kb) {
			if (t->n_keys >= TUI_MAX_KEYS) {
				eng_err_set(err, ENG_E_INVALID, "%s:%d: [keys]: too many bindings", t->cfg.path, b->line);
				return -1;
			}
			kb = &t->keys[t->n_keys++];
			kb->key = key;
			kb->view = v;
			kb->hint[0] = '\0';
		}
		snprintf(kb->command, sizeof(kb->command), "%s", b->command);
		snprintf(kb->label, sizeof(kb->label), "%.47s", b->command);
		/* a user's binding runs as written, no implicit question or prompt;
		 * its footer word is its command's first word */
		if (kb->hint[0])
			snprintf(kb->hint, sizeof(kb->hint), "%.*s", (int)strcspn(b->command + (b->command[0] == '@'), " "),
				 b->command + (b->command[0] == '@'));
		kb->flags = 0;
		kb->ask[0] = kb->ask[1] = NULL;
		kb->question = NULL;
	}
	return 0;
}
