/* tui.h - the full-screen interface (the only layer that includes curses.h).
 * One poll loop on stdin, a wake pipe (libvirt events, refresh results, job
 * completions, signals) and a timer; libvirt is only called from the refresh
 * and job threads, so the screen never waits on it. */
#ifndef VMDECK_TUI_H
#define VMDECK_TUI_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "cmd.h"
#include "engine.h"
#include "profiles.h"

int tui_main(const struct cmd_global *g);

enum tui_view { VIEW_LIST, VIEW_DETAILS, VIEW_HELP, VIEW_OUTPUT, VIEW_SNAPSHOTS, VIEW_MONITOR, VIEW_NETWORKS,
		VIEW__COUNT };

struct tui_row {
	struct eng_dom_summary s;
	double cpu_pct;
	bool marked;
};

/* A key: a command string from the table (%v = the selected VM), or a TUI
 * action starting with '@'. */
enum key_flags {
	KB_CONFIRM = 1 << 0,       /* y/n question naming the guest first */
	KB_DELETE = 1 << 1,        /* the delete question, with a disks tick box */
	KB_PAUSE_TOGGLE = 1 << 2,  /* "pause" on a running guest, "resume" on a paused one */
	KB_NAME_SNAPSHOT = 1 << 3, /* the question names the guest's current snapshot */
};

struct key_binding {
	int key;
	char command[256];
	char label[48];
	unsigned flags;
};

#define TUI_MAX_KEYS 96
#define TUI_HISTORY 64

struct tui_job {
	struct eng_job job;
	char line[512];
	char *output;          /* stdout + stderr of the command */
	int rc;
	bool done;
};

struct tui {
	struct eng *eng;                /* set by the refresh thread once connected */
	struct eng_open_opts open_opts;
	char open_uri[1100];
	char open_err[512];             /* connection failed: the UI exits with it */
	char events_note[600];          /* events unavailable: shown once in the status line */
	struct cmd_global g;
	struct vmdeck_config cfg;
	int wake[2];                    /* pipe: anything written wakes the poll loop */
	volatile int quit;
	bool utf8, color, small;
	FILE *trace;                    /* VMDECK_TRACE: frame timings for bench/ */
	uint64_t t_start_ns;

	/* keys */
	struct key_binding keys[TUI_MAX_KEYS];
	size_t n_keys;

	/* data from the refresh thread */
	pthread_t refresher;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool refresh_wanted;
	struct eng_dom_summary *fresh;  /* new sample waiting for the UI, or NULL */
	size_t n_fresh;
	uint64_t fresh_ns;
	char fresh_err[512];
	char details_name[ENG_NAME_MAX + 1];
	struct eng_dom_info details;    /* of details_name, owned under lock */
	bool details_ok;
	struct eng_snapshot *snaps;     /* of details_name, in the snapshot view */
	size_t n_snaps;
	bool snaps_ok;
	int snap_sel;

	/* the monitor: the refresh thread's sampler, copied for the UI */
	struct eng_sampler *sampler;    /* refresh thread only */
	struct eng_guest_stats *mon;    /* under lock */
	size_t n_mon;
	struct eng_host_stats mon_host;
	char focus[64][ENG_NAME_MAX + 1];   /* guests on the monitor screen */
	int n_focus;
	char listed[64][ENG_NAME_MAX + 1];  /* guests in the list on screen (their CPU %) */
	int n_listed;
	int mon_sort, mon_top, mon_sel;

	/* the networks view (refresh thread fills it while shown) */
	struct eng_net *nets;
	size_t n_nets;
	bool nets_ok;
	int net_sel;
	const char *net_preview;        /* mode whose reachability is shown while creating */
	struct eng_forward *fwd;        /* port forwards (networks view) */
	size_t n_fwd;

	/* what the UI shows */
	struct tui_row *rows;           /* all guests, sorted */
	size_t n_rows;
	size_t *visible;                /* indexes into rows after the filter */
	size_t n_visible;
	uint64_t sample_ns;
	int sel, top;
	char sel_name[ENG_NAME_MAX + 1];   /* the selection follows the guest, not the row */
	char filter[64];
	int sort;                       /* index into the sort table */
	enum tui_view view;
	char status[300];
	bool status_error;
	char *output;                   /* VIEW_OUTPUT text */
	enum tui_view output_back;      /* the view q/Esc returns to from VIEW_OUTPUT */
	int out_top;
	int help_top;
	bool have_sample;

	/* the one running job (commands run off the UI thread) */
	pthread_t worker;
	struct tui_job *job;
	char queue[32][512];
	int n_queue;

	/* prompt history */
	char history[TUI_HISTORY][512];
	int n_history;
};

/* keys.c */
void tui_keys_init(struct tui *t);
int tui_keys_apply_config(struct tui *t, struct eng_error *err);
const struct key_binding *tui_key_find(const struct tui *t, int key);
void tui_key_name(int key, char *buf, size_t len);

/* list.c */
void tui_list_apply_sample(struct tui *t, struct eng_dom_summary *v, size_t n, uint64_t now_ns);
void tui_list_refilter(struct tui *t);
void tui_list_draw(struct tui *t);
void tui_list_move(struct tui *t, int delta);
const struct tui_row *tui_selected(const struct tui *t);
void tui_list_cycle_sort(struct tui *t);
void tui_draw_frame(struct tui *t, const char *title);
void tui_draw_status(struct tui *t);

/* screens.c: details, help, output */
void tui_details_draw(struct tui *t);
void tui_help_draw(struct tui *t);
void tui_output_draw(struct tui *t);
void tui_scroll_view(struct tui *t, int delta);

/* main.c: the details and snapshot views follow the selected guest.
 * tui_focus_selected returns with t->lock held when true; tui_focus_show
 * switches the view, asks the refresh thread for its data and unlocks. */
bool tui_focus_selected(struct tui *t);
void tui_focus_show(struct tui *t, enum tui_view view);

/* snapshots.c: the snapshot tree of one guest */
void tui_snapshots_open(struct tui *t);
void tui_snapshots_draw(struct tui *t);
/* true when the key was the view's own */
bool tui_snapshots_key(struct tui *t, int ch);

/* monitor.c: CPU, memory, disk, network with sparklines, host line */
void tui_monitor_draw(struct tui *t);
bool tui_monitor_key(struct tui *t, int ch);
const struct eng_guest_stats *tui_monitor_find(const struct tui *t, const char *name);
/* A graph of height rows (Unicode eighths or ASCII) at y, x. */
void tui_graph_draw(struct tui *t, int y, int x, int rows, const float *v, int n, float maxv);

/* networks.c: n, the networks with mode, state, subnet, bridge, guests */
void tui_networks_open(struct tui *t);
void tui_networks_draw(struct tui *t);
bool tui_networks_key(struct tui *t, int ch);
bool tui_details_key(struct tui *t, int ch);

/* prompt.c: ':' and '/' line editing, history, Tab completion */
/* Reads a line at the bottom; returns false on Esc. */
bool tui_prompt_read(struct tui *t, const char *prefix, char *buf, size_t len, bool complete);
/* Completion candidates for line (pure, for tests): fills out, returns count. */
int tui_complete(const struct tui *t, const char *line, char out[][512], int max);

/* run.c: commands from keys and the prompt */
void tui_run_line(struct tui *t, const char *line);
void tui_run_key(struct tui *t, const struct key_binding *kb);
void tui_jobs_poll(struct tui *t);
void tui_job_cancel(struct tui *t);
void tui_set_status(struct tui *t, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool tui_confirm(struct tui *t, const char *question, const char *tick_label, bool *tick);
void tui_edit_form(struct tui *t);

/* term.c */
void tui_term_init(struct tui *t);
void tui_term_restore(void);
void tui_wake(struct tui *t);
uint64_t tui_now_ns(void);

#endif
