/* wizard.h - what the create wizard's files share (tui/ only): the field
 * table, the answers, the checks' verdict line. */
#ifndef VMDECK_TUI_WIZARD_H
#define VMDECK_TUI_WIZARD_H

#include "tui.h"

enum wf_kind {
	WF_TEXT,      /* free text */
	WF_PATH,      /* a file on this machine: Tab completes */
	WF_CHOICE,    /* Left/Right/Space cycle through choices */
	WF_PICK,      /* Enter opens a list to choose from (type to filter) */
};

enum wf_list { WL_NONE, WL_PROFILES, WL_OSES, WL_VMS, WL_NETS };

struct wiz_field {
	enum wiz_step step;
	const char *label;
	enum wf_kind kind;
	size_t off, len;                   /* the answer in struct wiz_answers */
	const char *const *choices;        /* WF_CHOICE, NULL-terminated */
	enum wf_list list;                 /* WF_PICK */
	const char *source;                /* shown only for this install source */
	const char *hint;
};

#define WIZ_MAX_FIELDS 32
extern const struct wiz_field wiz_fields[];
extern const size_t wiz_n_fields;
extern const char *const wiz_step_names[WIZ__STEPS];

char *wiz_answer(struct tui_wizard *w, const struct wiz_field *f);
/* The fields on screen for the current step (the others do not apply). */
int wiz_step_fields(const struct tui_wizard *w, const struct wiz_field **out, int max);
/* The answers as the `create` command line the CLI would take. */
void wiz_build_line(const struct tui_wizard *w, char *line, size_t len);
/* The networks answer ("default, lab") as names (at most WIZ_MAX_NETS);
 * returns how many. wiz_nets_add appends one. */
#define WIZ_MAX_NETS 32
int wiz_nets(const struct wiz_answers *a, char out[][ENG_NAME_MAX + 1]);
void wiz_nets_add(struct wiz_answers *a, const char *name);
const struct eng_os *wiz_find_os(const struct tui_wizard *w, const char *short_id);
/* The verdict under the form. */
void wiz_say(struct tui_wizard *w, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* An OS (NULL: other) or a profile chosen: the answers it brings. */
void wiz_os_chosen(struct tui_wizard *w, const struct eng_os *os);
void wiz_profile_chosen(struct tui_wizard *w, const struct prof_entry *e);

/* wizard_pick.c: Tab completion of paths, the lists a field opens */
void wiz_complete_path(char *buf, size_t cap);
void wiz_picker_key(struct tui *t, struct tui_wizard *w, int ch);
void wiz_picker_move(struct tui *t, struct tui_wizard *w, int delta);
void wiz_picker_draw(struct tui *t, struct tui_wizard *w);

#endif
