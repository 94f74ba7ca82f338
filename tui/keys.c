/* keys.c - the key table: every key is a command string run through the
 * command table (%v: the selected or marked guests) or a TUI action ('@...').
 * Help and the footer are generated from it; [keys] in the config rebinds. */
#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tui.h"

#define CTRL(c) ((c) & 0x1f)

static const struct key_binding default_keys[] = {
	{ 's', "start %v", "start", 0 },
	{ 'd', "shutdown %v", "shutdown", 0 },
	{ 'D', "poweroff %v", "power off (asks)", KB_CONFIRM },
	{ 'p', "pause %v", "pause/resume", KB_PAUSE_TOGGLE },
	{ 't', "snapshot take %v", "take snapshot", 0 },
	{ 'T', "@snapshots", "snapshot tree", 0 },
	{ 'R', "snapshot revert %v", "revert to current snapshot (asks)", KB_CONFIRM | KB_NAME_SNAPSHOT },
	{ 'c', "@create", "create wizard", 0 },
	{ 'C', "@clone", "clone", 0 },
	{ 'e', "@edit", "edit vCPUs/memory", 0 },
	{ 'm', "@monitor", "monitor", 0 },
	{ 'n', "@networks", "networks", 0 },
	{ 'L', "@labs", "classroom labs and their seats", 0 },
	{ 'H', "@hosts", "hosts", 0 },
	{ 'M', "@migrate", "migrate to a host", 0 },
	{ 'o', "console %v", "serial console (Ctrl-] returns)", 0 },
	{ 'v', "@screen", "the guest's screen, live", 0 },
	{ 'x', "delete %v --yes", "delete (asks; disks kept unless ticked)", KB_CONFIRM | KB_DELETE },
	{ '\n', "@details", "details", 0 },
	{ ' ', "@mark", "mark/unmark for one action on several", 0 },
	{ ':', "@prompt", "command prompt (any vmdeck command)", 0 },
	{ '/', "@filter", "filter by name", 0 },
	{ '?', "@help", "help", 0 },
	{ '\t', "@next-view", "next view", 0 },
	{ 'S', "@sort", "sort by next column", 0 },
	{ 'r', "@refresh", "refresh now", 0 },
	{ 27, "@cancel", "cancel the running job / back", 0 },
	{ 'q', "@quit", "quit / back", 0 },
	{ 'j', "@down", "down", 0 },
	{ 'k', "@up", "up", 0 },
	{ KEY_DOWN, "@down", "down", 0 },
	{ KEY_UP, "@up", "up", 0 },
	{ KEY_NPAGE, "@page-down", "page down", 0 },
	{ KEY_PPAGE, "@page-up", "page up", 0 },
	{ 'g', "@top", "first", 0 },
	{ 'G', "@bottom", "last", 0 },
	{ CTRL('l'), "@redraw", "redraw the screen", 0 },
};

void tui_keys_init(struct tui *t)
{
	t->n_keys = sizeof(default_keys) / sizeof(default_keys[0]);
	memcpy(t->keys, default_keys, sizeof(default_keys));
}

const struct key_binding *tui_key_find(const struct tui *t, int key)
{
	if (key == KEY_ENTER || key == '\r')
		key = '\n';
	for (size_t i = 0; i < t->n_keys; i++)
		if (t->keys[i].key == key)
			return &t->keys[i];
	return NULL;
}

/* Names as tmux writes them: "s", "S-d" is not needed ("D" is a key of its
 * own), "C-r", "Space", "Tab", "Enter", "Escape", "Up", "PageDown". */
static const struct {
	const char *name;
	int key;
} key_names[] = {
	{ "Space", ' ' }, { "Tab", '\t' }, { "Enter", '\n' }, { "Escape", 27 },
	{ "Up", KEY_UP }, { "Down", KEY_DOWN }, { "PageUp", KEY_PPAGE }, { "PageDown", KEY_NPAGE },
};

void tui_key_name(int key, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++)
		if (key_names[i].key == key) {
			snprintf(buf, len, "%s", key_names[i].name);
			return;
		}
	if (key > 0 && key < 32)
		snprintf(buf, len, "C-%c", key + 'a' - 1);
	else if (key < 128 && isprint(key))
		snprintf(buf, len, "%c", key);
	else
		snprintf(buf, len, "key%d", key);
}

/* The man page's KEYS section, from the same table as ? and the footer. */
void tui_keys_man(FILE *f)
{
	fputs(".SH KEYS\nThe full-screen interface (vmdeck without a command). Every key is a row of one\n"
	      "table: a vmdeck command line (%v is the selected guest, or the marked ones) or an\n"
	      "action of the interface (@...). Rebind them in the [keys] section of vmdeck.ini\n"
	      "(KEY = command); '?' lists them on the screen.\n", f);
	for (size_t i = 0; i < sizeof(default_keys) / sizeof(default_keys[0]); i++) {
		char name[32];
		tui_key_name(default_keys[i].key, name, sizeof(name));
		fputs(".TP\n.B ", f);
		for (const char *p = name; *p; p++)
			fputs(*p == '-' ? "\\-" : *p == '\\' ? "\\e" : (char[2]){ *p, 0 }, f);
		fputc('\n', f);
		for (const char *p = default_keys[i].label; *p; p++)
			fputs(*p == '-' ? "\\-" : (char[2]){ *p, 0 }, f);
		fputs(" (\\fI", f);
		for (const char *p = default_keys[i].command; *p; p++)
			fputs(*p == '-' ? "\\-" : *p == '\\' ? "\\e" : (char[2]){ *p, 0 }, f);
		fputs("\\fR)\n", f);
	}
}

/* iniparser lowercases key names, so an upper-case letter is written "S-d"
 * (shift-d) in [keys]; "C-r" is Ctrl-R. */
static int key_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++)
		if (strcasecmp(key_names[i].name, name) == 0)
			return key_names[i].key;
	if (strlen(name) == 1 && isprint((unsigned char)name[0]))
		return (unsigned char)name[0];
	if (strlen(name) == 3 && name[1] == '-' && isalpha((unsigned char)name[2])) {
		if (name[0] == 's' || name[0] == 'S')
			return toupper((unsigned char)name[2]);
		if (name[0] == 'c' || name[0] == 'C')
			return CTRL(tolower((unsigned char)name[2]));
	}
	return -1;
}

int tui_keys_apply_config(struct tui *t, struct eng_error *err)
{
	for (size_t i = 0; i < t->cfg.n_keys; i++) {
		const struct prof_key_binding *b = &t->cfg.keys[i];
		int key = key_parse(b->key);
		struct key_binding *kb;

		if (key < 0) {
			eng_err_set(err, ENG_E_INVALID, "%s:%d: [keys] '%s': unknown key name "
				    "(use a character, S-x for upper case, C-x, Space, Tab, Enter)",
				    t->cfg.path, b->line, b->key);
			return -1;
		}
		if (!tui_binding_known(b->command)) {
			eng_err_set(err, ENG_E_INVALID, "%s:%d: [keys] %s = %s: no such command or action "
				    "(see 'vmdeck help' and the KEYS section of vmdeck(1))", t->cfg.path, b->line, b->key,
				    b->command);
			return -1;
		}
		kb = (struct key_binding *)tui_key_find(t, key);
		if (!kb) {
			if (t->n_keys >= TUI_MAX_KEYS) {
				eng_err_set(err, ENG_E_INVALID, "%s:%d: [keys]: too many bindings", t->cfg.path, b->line);
				return -1;
			}
			kb = &t->keys[t->n_keys++];
			kb->key = key;
		}
		snprintf(kb->command, sizeof(kb->command), "%s", b->command);
		snprintf(kb->label, sizeof(kb->label), "%.47s", b->command);
		kb->flags = 0;   /* a user's binding runs as written, no implicit question */
	}
	return 0;
}
