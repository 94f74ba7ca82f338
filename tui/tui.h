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

enum tui_view { VIEW_LIST, VIEW_DETAILS, VIEW_HELP, VIEW_OUTPUT, VIEW_SNAPSHOTS, VIEW_MONITOR, VIEW_NETWORKS,
		VIEW_WIZARD, VIEW_LABS, VIEW_SCREEN, VIEW_HOSTS, VIEW_MIGRATE,
		VIEW__COUNT };

/* A command line from a key, the prompt or the wizard (paths included). */
#define TUI_LINE_MAX 4096

struct tui_row {
	struct eng_dom_summary s;
	int host;                  /* its host in t->lh (0 when one host) */
	double cpu_pct;            /* < 0: not sampled (another host's guest) */
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
	char line[TUI_LINE_MAX];
	char *output;          /* stdout + stderr of the command */
	int rc;
	bool done;
	bool for_wizard;       /* its end goes to the create wizard, not the output view */
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
	char queue[32][TUI_LINE_MAX];
	int n_queue;

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
	enum tui_view shot_back;

	struct tui_wizard *wiz;         /* the create wizard while open */
	/* refresh thread only: the console of the guest the wizard made */
	struct eng_console_tap *wiz_tap;
	char wiz_tap_vm[ENG_NAME_MAX + 1];
	char wiz_console_prev[4096];    /* what closed taps showed (earlier boots) */

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

/* guestscreen.c: v, the selected guest's screen as a live picture */
void tui_screen_open(struct tui *t);
void tui_screen_refresh(struct tui *t);
void tui_screen_draw(struct tui *t);
bool tui_screen_key(struct tui *t, int ch);

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

/* labs.c: L, classroom labs and their seats */
void tui_labs_open(struct tui *t);
void tui_labs_draw(struct tui *t);
bool tui_labs_key(struct tui *t, int ch);
void tui_labs_refresh(struct tui *t);   /* refresh thread */

/* hosts.c: H, the hosts in use */
int tui_hosts_init(struct tui *t);      /* before the screen: 0, or the exit status */
void tui_hosts_open(struct tui *t);
void tui_hosts_draw(struct tui *t);
void tui_migrate_open(struct tui *t);
void tui_migrate_draw(struct tui *t);
bool tui_migrate_key(struct tui *t, int ch);

/* wizard.c: c, the five steps of creating a VM */
void tui_wizard_open(struct tui *t);
void tui_wizard_draw(struct tui *t);
bool tui_wizard_key(struct tui *t, int ch);
/* refresh thread: the host facts, OS list, console and agent the wizard shows */
void tui_wizard_refresh(struct tui *t);
/* the wizard's create job ended (output: its text, taken) */
void tui_wizard_job_done(struct tui *t, int rc, char *output);
void tui_wizard_free(struct tui *t);

/* prompt.c: ':' and '/' line editing, history, Tab completion */
/* Reads a line at the bottom; returns false on Esc. */
bool tui_prompt_read(struct tui *t, const char *prefix, char *buf, size_t len, bool complete);
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
void tui_jobs_poll(struct tui *t);
void tui_job_cancel(struct tui *t);
/* Starts line as the job now; false (with the status saying why) when one runs. */
bool tui_job_start(struct tui *t, const char *line, bool for_wizard);
void tui_set_status(struct tui *t, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool tui_confirm(struct tui *t, const char *question, const char *tick_label, bool *tick);
void tui_edit_form(struct tui *t);

/* term.c */
void tui_term_init(struct tui *t);
void tui_term_restore(void);
/* The KEYS section of vmdeck(1), in roff, from the key table. */
void tui_keys_man(FILE *f);
/* A key binding's command names a command of the table or a TUI action. */
bool tui_binding_known(const char *command);
/* Ends the process by sig with its default action (no-op for 0). */
void tui_term_exit_signal(int sig);
void tui_wake(struct tui *t);
uint64_t tui_now_ns(void);
/* now + ms on the clock pthread_cond_timedwait uses (CLOCK_REALTIME) */
void tui_deadline(struct timespec *until, long ms);

#endif
