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
#include "picture.h"
#include "profiles.h"

int tui_main(const struct cmd_global *g);
struct tui;

/* The views; what each one is (name, drawing, keys, data, job handler) is
 * its row of tui_views[] in views.c, the only place that lists them. */
enum tui_view { VIEW_LIST, VIEW_DETAILS, VIEW_HELP, VIEW_OUTPUT, VIEW_SNAPSHOTS, VIEW_MONITOR, VIEW_NETWORKS,
		VIEW_WIZARD, VIEW_PICKER, VIEW_LABS, VIEW_SCREEN, VIEW_HOSTS, VIEW_MIGRATE,
		VIEW__COUNT,
		VIEW_ANY = VIEW__COUNT,   /* a key of every view (q, ?, :, arrows...) */
		VIEW_NONE };

/* A command line from a key, the prompt or the wizard (paths included). */
#define TUI_LINE_MAX 4096

struct tui_row {
	struct eng_dom_summary s;
	int host;                  /* its host in t->lh (0 when one host) */
	double cpu_pct;            /* < 0: not sampled (another host's guest) */
	bool marked;
};

/* A key: a row of the key table (keys.c), in one view. Its command is a
 * vmdeck command line run through the command table, or a TUI action
 * ('@name'). Placeholders, each replaced by one quoted word:
 *   %v  the guest: the marked ones (one line each) or the selected one; in a
 *       view of one guest (details, snapshots, screen), that guest
 *   %s  the view's selected item (snapshot, network, lab, host)
 *   %l  the selected lab's file
 *   %c  the guest's current snapshot, read by the refresh thread when the
 *       key is pressed: the question names it and the command carries it
 *   %1 %2  the answers to ask[0], ask[1]; %* the first answer as typed
 *       (several words: exec's argv) */
enum key_flags {
	KB_CONFIRM = 1 << 0,       /* y/n question (question, or "VERB GUEST?") first */
	KB_DELETE = 1 << 1,        /* the delete question, with a disks tick box */
	KB_PAUSE_TOGGLE = 1 << 2,  /* "pause" on a running guest, "resume" on a paused one */
	KB_PROMPT = 1 << 3,        /* the line is put in the ':' prompt to finish and Enter */
	KB_NOHINT = 1 << 4,        /* a second key for a row's action: not in the footer */
};

struct key_binding {
	int key;
	enum tui_view view;        /* its view, or VIEW_ANY */
	char command[256];
	char label[48];            /* ? and the man page */
	char hint[16];             /* its word in the footer; "" = not shown there */
	unsigned flags;
	const char *ask[2];        /* prompts for %1, %2 */
	const char *question;      /* KB_CONFIRM's question (placeholders as the command) */
};

/* An action of the TUI ('@name' in the key table): a view's own ones are in
 * its row of the view table, the rest in views.c. */
struct tui_action {
	const char *name;
	void (*fn)(struct tui *t);
	bool changes;              /* refused on a read-only connection, hidden from its footer */
	enum tui_view opens;       /* the view it opens (pressed there, it leaves it), or VIEW_NONE */
};

/* What the refresh thread reads while a view is shown (its row's wants). */
enum tui_want {
	WANT_GUEST = 1 << 0,       /* details_name's information */
	WANT_SNAPS = 1 << 1,       /* details_name's snapshots */
	WANT_NETS = 1 << 2,        /* the networks */
	WANT_FWD = 1 << 3,         /* the port forwards (re-applied) */
	WANT_FOCUS = 1 << 4,       /* slow statistics of the guests on screen */
	WANT_LISTED = 1 << 5,      /* CPU % of the list's rows on screen */
	WANT_FAST = 1 << 6,        /* about once a second (a live picture) */
	WANT_BACK = 1 << 7,        /* what the view it returns to wants (output over networks) */
	WANT_HOSTS = 1 << 8,       /* the hosts' watchers run */
};

struct tui_view_class {
	const char *name;          /* [keys] prefix ("snapshots.x = ...") */
	const char *heading;       /* its heading in ? and the man page */
	void (*draw)(struct tui *t);
	void (*move_sel)(struct tui *t, int delta);   /* @up/@down/...: NULL, nothing to move */
	void (*select)(struct tui *t, int item);  /* a click on its item's row */
	/* %s / %l of its selected item into buf, 'v' its own selected guest
	 * (the monitor's row); false: none */
	bool (*item)(struct tui *t, char what, char *buf, size_t len);
	bool (*text_key)(struct tui *t, int ch);  /* a key typed into a field, before the table */
	enum tui_view (*key_view)(struct tui *t); /* the rows its keys are read from now (a picker) */
	void (*fetch)(struct tui *t);             /* refresh thread: its own data while shown */
	bool fetch_always;       /* ...and while not (the wizard's job and console go on) */
	void (*job_done)(struct tui *t, int rc, char *output);   /* a job it started ended */
	const struct tui_action *actions;
	size_t n_actions;
	enum tui_view also;        /* the rows it shares after its own (the list's guest keys), or VIEW_NONE */
	enum tui_view next;        /* where Tab goes (0: the list) */
	unsigned wants;
	bool one_guest;            /* %v is details_name, not the list's selection */
	bool remembers_back;       /* leaving returns where it was opened from (else: the list) */
	int min_cols, min_lines;
};
extern const struct tui_view_class tui_views[VIEW__COUNT];

#define TUI_MAX_KEYS 96
#define TUI_HISTORY 64

struct tui_job {
	struct eng_job job;
	char line[TUI_LINE_MAX];
	char *output;          /* stdout + stderr of the command */
	int rc;
	bool done;
	enum tui_view owner;   /* its end goes to this view's job_done (VIEW_NONE: output/status) */
	int batch;             /* one of the lines of one key on several guests (0: alone) */
	char target[ENG_NAME_MAX + 1];   /* the guest of that line */
};

/* The create wizard's five steps (wizard.c). */
enum wiz_step { WIZ_HOST, WIZ_VM, WIZ_RESOURCES, WIZ_INSTALL, WIZ_TOOLS, WIZ__STEPS };

/* What the user answered, as text: it becomes one `create` command line. */
struct wiz_answers {
	char name[ENG_NAME_MAX + 1];
	char profile[ENG_NAME_MAX + 1];
	char os[ENG_NAME_MAX + 1];         /* libosinfo short id; "" = other */
	char source[8];                    /* iso, import, linked, kernel, none */
	char iso[1024], import[1024], base[ENG_NAME_MAX + 1];
	char kernel[1024], initrd[1024], cmdline[1024];
	char cpus[12], memory[16], disk[16];
	char nets[512];                    /* ", "-joined network names */
	char firmware[8];                  /* bios, uefi */
	char seed[4];                      /* cloud-init seed: no, yes */
	char cloud_user[33], cloud_key[1024];
	char force[4];                     /* no, yes: overcommit / sparse beyond the pool */
};

struct tui_wizard {
	enum wiz_step step;
	int field;                         /* focused field of the step */
	struct wiz_answers a;
	char msg[400];                     /* the last check's verdict, under the form */
	bool msg_error;
	int picker;                        /* field index whose list is open, -1 none */
	char pick_filter[64];
	int pick_sel;
	struct prof_entry *profiles;       /* for "start from profile" */
	size_t n_profiles;
	/* the create job and what the refresh thread watches (under t->lock) */
	bool started, done;
	int rc;
	char *job_output;
	char watch[ENG_NAME_MAX + 1];      /* the guest being made, "" before the job */
	bool installing;                   /* an ISO install runs (step 4 waits for it) */
	struct eng_host host;
	bool host_ok, host_stale;
	struct eng_os *oses;
	size_t n_oses;
	bool oses_ok;
	char oses_err[512];
	char console[8192];                /* the guest's recent console output */
	char graphics[128];                /* vnc://127.0.0.1:5900, "" when none */
	int agent;                         /* -1 not asked yet, 0 silent, 1 answers */
	char agent_version[32];
	char agent_why[512];
	double tools_since;                /* when step 5 began (monotonic s) */
};

/* One host in use (hosts.c); its watcher thread writes it under t->lock. */
#define TUI_MAX_HOSTS 16
struct tui_host {
	char name[ENG_NAME_MAX + 1];
	char uri[512];
	bool watched, tried, up, connecting;
	uint64_t seen_ns;                  /* its last answer (monotonic) */
	struct eng_host_load load;
	char err[512];
};

/* A host of the list when several are in use (fleetlist.c): its connection
 * is the refresh thread's (the first host's is t->eng); the rest under t->lock. */
struct tui_list_host {
	struct eng_fleet_host fh;          /* name, uri, connection */
	bool up;                           /* its last list answered */
	bool failed;                       /* it did not answer once (else: connecting) */
	char err[512];
	struct eng_host_load load;
	bool load_ok;
	uint64_t load_ns, retry_ns;
	unsigned guests, running, skipped;
	/* its list call runs on a detached thread: busy while inside it (a hung
	 * host holds nobody); v: its last list, handed over under t->lock */
	struct tui *t;
	bool busy;
	uint64_t busy_since;
	struct eng_dom_summary *v;
	size_t n;
};
struct tui {
	struct eng *eng;                /* set by the refresh thread once connected */
	/* the daemon went away: the refresh thread reconnects (these three are
	 * atomics: the frame reads them while a view holds the lock); connections it
	 * replaced are closed by the UI thread once no job can hold them */
	bool conn_lost;
	uint64_t lost_ns;               /* when it was noticed */
	uint64_t tick_ns;               /* the refresh thread is inside libvirt since (0: not) */
	struct eng *retired[8];
	int n_retired;
	/* several hosts in one list: rows are HOST:VM, commands go through a
	 * fleet of the command layer's (the job thread's) */
	bool multi;
	struct tui_list_host lh[TUI_MAX_HOSTS];
	size_t n_lh;
	struct cmd_fleet *cmd_fleet;
	pthread_cond_t fleet_cond;      /* a host's list call ended (under lock) */
	struct eng_open_opts open_opts;
	char open_uri[1100];
	char first_uri[512];            /* [hosts]: the first host in use, the list's */
	struct tui_host hosts[TUI_MAX_HOSTS];
	size_t n_hosts;
	uint64_t hosts_since_ns;        /* when H or M last opened */
	char mig_vm[ENG_NAME_MAX + 1];  /* the migrate dialog's guest (M) */
	unsigned mig_cpus;
	unsigned long long mig_mem_mib;
	int mig_sel;
	char open_err[512];             /* connection failed: the UI exits with it */
	char events_note[600];          /* events unavailable: shown once in the status line */
	struct cmd_global g;
	struct vmdeck_config cfg;
	int wake[2];                    /* pipe: anything written wakes the poll loop */
	volatile int quit;
	volatile int quit_signal;      /* the signal that asked to quit, 0 for q */
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
	char mon_sel_name[ENG_NAME_MAX + 1];   /* the monitor's selected guest (its %v) */

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
	enum tui_view back[VIEW__COUNT];   /* where leaving each view returns */
	char status[300];
	bool status_error;
	uint64_t status_ns;             /* when it was said: it fades after a few seconds */
	char *output;                   /* the output view's text */
	int out_top;
	int help_top;
	bool have_sample;

	/* the one running job (commands run off the UI thread) */
	pthread_t worker;
	struct tui_job *job;
	char queue[32][TUI_LINE_MAX];
	struct { int batch; char target[ENG_NAME_MAX + 1]; } queued[32];
	int n_queue;
	/* one key on several marked guests: "3 of 3 started", or who failed */
	struct {
		int id, total, ended, failed;
		char verb[64];
		char failures[200];
	} batch;
	int next_batch;

	/* a key waiting for the refresh thread (%c: the guest's current
	 * snapshot); under lock: ask_vm set by the UI, ask_ok/ask_snap by the
	 * refresh thread */
	const struct key_binding *ask_kb;
	char ask_vm[ENG_NAME_MAX + 1];
	bool ask_done, ask_found;
	char ask_snap[ENG_NAME_MAX + 1];
	char ask_err[256];

	/* mouse: what each screen row holds (item + 1, 0 none) and the footer's
	 * hints (drawn by the UI thread) */
	short row_item[256];
	struct tui_hint { int x0, x1, key; } hints[24];
	int n_hints;

	/* the labs view (L): lab files, the selected one's seats (refresh thread) */
	struct prof_entry *labs;
	size_t n_labs;
	int lab_sel;
	char lab_path[1024];
	struct eng_seat *lab_seats;
	unsigned n_lab_seats;
	char lab_snapshot[ENG_NAME_MAX + 1];
	char lab_err[512];
	bool lab_ok;

	/* the guest's screen (v): details_name's picture, fetched about once a
	 * second by the refresh thread while shown, fitted to shot_cols x
	 * shot_rows (set by the UI thread); all under lock */
	struct picture shot;
	size_t shot_bytes;
	uint64_t shot_ns;
	char shot_err[512];
	int shot_cols, shot_rows;

	struct tui_wizard *wiz;         /* the create wizard while open */
	/* refresh thread only: the console of the guest the wizard made */
	struct eng_console_tap *wiz_tap;
	char wiz_tap_vm[ENG_NAME_MAX + 1];
	char wiz_console_prev[4096];    /* what closed taps showed (earlier boots) */

	/* the prompt's completion: names the refresh thread reads while it is
	 * open (networks; snapshots of comp_vm), under lock */
	bool prompt_open;
	char comp_vm[ENG_NAME_MAX + 1];
	char comp_snaps[64][ENG_NAME_MAX + 1];
	int n_comp_snaps;
	bool comp_ok;

	/* prompt history */
	char history[TUI_HISTORY][512];
	int n_history;
};

/* fleetlist.c: the list over several hosts (t->multi) */
/* refresh thread, at its start (a thread of its own while the first host
 * connects): every other host's connection, all at once */
void *tui_fleet_open(void *t);
int tui_fleet_list(struct tui *t, struct eng_dom_summary **out, size_t *nout, struct eng_error *err);
/* the host index of a row's HOST:VM name (0 when not multi) and the bare name */
int tui_fleet_host_of(const struct tui *t, const char *name, const char **bare);
/* refresh thread: the connection of a row's host */
struct eng *tui_guest_eng(struct tui *t, const char *name, const char **bare);
/* a host's header row text; caller holds t->lock */
void tui_fleet_header(const struct tui *t, size_t i, char *buf, size_t len);
/* false when the first host's list call still runs (t->eng stays open) */
bool tui_fleet_close(struct tui *t);
/* a host's call is still running (t must outlive it) */
bool tui_fleet_busy(struct tui *t);
/* views.c: the view table's walkers */
/* switches to v (remembering where it came from when v returns there),
 * clears the status line and asks the refresh thread for v's data */
void tui_view_show(struct tui *t, enum tui_view v);
void tui_view_back(struct tui *t);
/* the selected guest becomes details_name, then v is shown; false (and a
 * status line) when no guest is selected */
bool tui_focus_show(struct tui *t, enum tui_view v);
void tui_view_draw(struct tui *t);
void tui_view_key(struct tui *t, int ch);
/* the wants of the view shown (through WANT_BACK); caller holds t->lock */
unsigned tui_view_wants(const struct tui *t);
/* refresh thread: every view's refresh that its wants ask for now */
void tui_views_refresh(struct tui *t);
/* the view whose rows the keys are read from now (a view's key_view) */
enum tui_view tui_key_view(struct tui *t);
const struct tui_action *tui_action_find(enum tui_view v, const char *name);
/* mouse: the button event of a KEY_MOUSE */
void tui_mouse(struct tui *t);

/* v kept within [0, n - 1] (0 when n is 0): a selection or a scroll */
int tui_clamp(int v, int n);

/* keys.c: the key table */
void tui_keys_init(struct tui *t);
int tui_keys_apply_config(struct tui *t, struct eng_error *err);
/* the row of key in view v itself (no fallback), or NULL */
const struct key_binding *tui_key_row(const struct tui *t, enum tui_view v, int key);
/* the row that key runs in view v: its own, then VIEW_ANY's, then v's also */
const struct key_binding *tui_key_lookup(const struct tui *t, enum tui_view v, int key);
void tui_key_name(int key, char *buf, size_t len);
/* a [keys] key name ("x", "S-d", "C-r", "F5", "Home") to a key; -1 unknown */
int tui_key_parse(const char *name);
/* the keys of typing into a field (the prompt, the wizard, questions) */
extern const char *const tui_typing_keys[];
/* a binding's command names a command of the table or an action of view v */
bool tui_binding_known(enum tui_view v, const char *command);
/* the binding changes something (refused, and hidden, when read-only) */
bool tui_binding_changes(const struct key_binding *kb);

/* footer.c: the hint line above the status line, from the view's key rows */
struct tui_hint_in {
	const char *key, *word;
	bool pin;                  /* always shown (back/quit, help) */
};
/* which of the n hints fit in width ("KEY word", two spaces apart): the
 * pinned ones (back or quit, help) first, then the others in order, each
 * that still fits (a long one left out lets a shorter later one in);
 * returns how many */
int tui_footer_fit(const struct tui_hint_in *h, int n, int width, bool *shown);
/* the hints of view v: its rows, VIEW_ANY's, then its also's, each key
 * once, changing ones left out when read-only; returns n */
int tui_footer_hints(const struct tui *t, enum tui_view v, struct tui_hint_in *out, int *keys, int max,
		     char names[][16]);
void tui_footer_draw(struct tui *t);

/* list.c */
void tui_list_apply_sample(struct tui *t, struct eng_dom_summary *v, size_t n, uint64_t now_ns);
void tui_list_refilter(struct tui *t);
void tui_list_draw(struct tui *t);
void tui_list_move(struct tui *t, int delta);
const struct tui_row *tui_selected(const struct tui *t);
void tui_list_cycle_sort(struct tui *t);
void tui_list_select(struct tui *t, int item);
void tui_draw_frame(struct tui *t, const char *title);
void tui_draw_status(struct tui *t);

/* Each view's file: its drawing, moving, selected item and own actions,
 * put together in its row of tui_views[] (views.c). */
#define TUI_ACTIONS(a) .actions = (a), .n_actions = sizeof(a) / sizeof((a)[0])

/* screens.c: details, help, output */
void tui_details_draw(struct tui *t);
void tui_help_draw(struct tui *t);
void tui_help_move(struct tui *t, int delta);
void tui_output_draw(struct tui *t);
void tui_output_move(struct tui *t, int delta);

/* snapshots.c: the snapshot tree of one guest */
void tui_snapshots_open(struct tui *t);
void tui_snapshots_draw(struct tui *t);
void tui_snapshots_move(struct tui *t, int delta);
void tui_snapshots_select(struct tui *t, int item);
bool tui_snapshots_item(struct tui *t, char what, char *buf, size_t len);

/* guestscreen.c: v, the selected guest's screen as a live picture */
void tui_screen_open(struct tui *t);
void tui_screen_refresh(struct tui *t);
void tui_screen_draw(struct tui *t);

/* monitor.c: CPU, memory, disk, network with sparklines, host line */
void tui_monitor_draw(struct tui *t);
void tui_monitor_move(struct tui *t, int delta);
bool tui_monitor_item(struct tui *t, char what, char *buf, size_t len);
void tui_monitor_select(struct tui *t, int item);
extern const struct tui_action tui_monitor_actions[1];
const struct eng_guest_stats *tui_monitor_find(const struct tui *t, const char *name);
/* A graph of height rows (Unicode eighths or ASCII) at y, x. */
void tui_graph_draw(struct tui *t, int y, int x, int rows, const float *v, int n, float maxv);

/* networks.c: n, the networks with mode, state, subnet, bridge, guests */
void tui_networks_open(struct tui *t);
void tui_networks_draw(struct tui *t);
void tui_networks_move(struct tui *t, int delta);
void tui_networks_select(struct tui *t, int item);
bool tui_networks_item(struct tui *t, char what, char *buf, size_t len);
extern const struct tui_action tui_networks_actions[1];

/* labs.c: L, classroom labs and their seats */
void tui_labs_open(struct tui *t);
void tui_labs_draw(struct tui *t);
void tui_labs_move(struct tui *t, int delta);
void tui_labs_select(struct tui *t, int item);
bool tui_labs_item(struct tui *t, char what, char *buf, size_t len);
extern const struct tui_action tui_labs_actions[1];
void tui_labs_refresh(struct tui *t);   /* refresh thread */

/* hosts.c: H, the hosts in use */
int tui_hosts_init(struct tui *t);      /* before the screen: 0, or the exit status */
void tui_hosts_open(struct tui *t);
void tui_hosts_draw(struct tui *t);
void tui_migrate_open(struct tui *t);
void tui_migrate_draw(struct tui *t);
void tui_migrate_move(struct tui *t, int delta);
extern const struct tui_action tui_migrate_actions[1];

/* wizard.c: c, the five steps of creating a VM */
void tui_wizard_open(struct tui *t);
void tui_wizard_draw(struct tui *t);
/* a character typed into the focused field or the list's filter */
bool tui_wizard_text(struct tui *t, int ch);
/* VIEW_PICKER while one of its lists is open */
enum tui_view tui_wizard_key_view(struct tui *t);
void tui_wizard_move(struct tui *t, int delta);
extern const struct tui_action tui_wizard_actions[9];
extern const struct tui_action tui_picker_actions[3];
/* refresh thread: the host facts, OS list, console and agent the wizard shows */
void tui_wizard_refresh(struct tui *t);
/* the wizard's create job ended (output: its text, taken) */
void tui_wizard_job_done(struct tui *t, int rc, char *output);
void tui_wizard_free(struct tui *t);

/* prompt.c: ':' and '/' line editing, history, Tab completion */
/* Reads a line at the bottom; returns false on Esc. */
bool tui_prompt_read(struct tui *t, const char *prefix, char *buf, size_t len, bool complete);
/* The same, calling changed after every key (the filter as you type). */
bool tui_prompt_live(struct tui *t, const char *prefix, char *buf, size_t len,
		     void (*changed)(struct tui *t, const char *text));
/* Completion candidates for line (pure, for tests): fills out, returns count. */
int tui_complete(const struct tui *t, const char *line, char out[][512], int max);

/* run.c: commands from keys and the prompt */
void tui_run_line(struct tui *t, const char *line);
/* A command line from fmt with each %s a name quoted as one word (libvirt
 * allows spaces; a name must never become an option); false, with the
 * reason on the status line, when a name cannot be put on a line. */
bool tui_line(struct tui *t, char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* tui_line, then runs it. */
bool tui_run_fmt(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tui_run_key(struct tui *t, const struct key_binding *kb);
/* a key waiting for the refresh thread's answer (%c): its question now */
void tui_run_asked(struct tui *t);
/* main.c: the refresh thread reads now */
void tui_request_refresh(struct tui *t);
void tui_close_retired(struct tui *t);
void tui_jobs_poll(struct tui *t);
void tui_job_cancel(struct tui *t);
/* Starts line as the job now, its end going to owner's job_done (VIEW_NONE:
 * the status line or the output view); false (the status says why) when one runs. */
bool tui_job_start(struct tui *t, const char *line, enum tui_view owner);
/* The one text of a read-only refusal: "read-only connection: cannot WHAT" */
void tui_refuse_readonly(struct tui *t, const char *what);
/* the list's own actions (main.c) */
extern const struct tui_action tui_global_actions[];
extern const size_t tui_n_global_actions;
void tui_set_status(struct tui *t, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool tui_confirm(struct tui *t, const char *question, const char *tick_label, bool *tick);
void tui_edit_form(struct tui *t);

/* term.c */
void tui_term_init(struct tui *t);
void tui_term_restore(void);
/* The KEYS section of vmdeck(1), in roff, from the key table. */
void tui_keys_man(FILE *f);
/* Ends the process by sig with its default action (no-op for 0). */
void tui_term_exit_signal(int sig);
void tui_wake(struct tui *t);
uint64_t tui_now_ns(void);
/* now + ms on the clock pthread_cond_timedwait uses (CLOCK_REALTIME) */
void tui_deadline(struct timespec *until, long ms);

#endif
