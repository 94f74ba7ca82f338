/* cmd.h - THE command table: one definition per command, shared by the CLI,
 * the TUI's `:` prompt and its key bindings. Help, completion and the man
 * page's command list are generated from it. */
#ifndef VMDECK_CMD_H
#define VMDECK_CMD_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "engine.h"

#define CMD_MAX_POS 64
#define CMD_MAX_OPTS 32
#define CMD_MAX_REPEAT 8
#define CMD_MAX_HOSTS 16

enum cmd_opt_flags {
	OPT_REPEAT = 1 << 0,      /* may be given several times (--network a --network b) */
	OPT_REQUIRED = 1 << 1,    /* must be given (shown without brackets) */
};

struct cmd_opt {
	const char *name;         /* long name without "--" */
	char short_name;          /* -r for --recursive; 0: none */
	const char *arg;          /* value placeholder ("N", "SIZE"); NULL for a flag */
	const char *help;
	unsigned flags;
};

enum cmd_flags {
	CMD_CHANGES = 1 << 0,     /* changes state: refused with --readonly */
	CMD_VM_ARG = 1 << 1,      /* first argument is a VM (completion, %v keys) */
	CMD_NO_CONN = 1 << 2,     /* needs no libvirt connection (help, version) */
	CMD_JSON = 1 << 3,        /* prints its own JSON under --json; else dispatch wraps
				   * its text into one result object */
	CMD_NO_CONFIG = 1 << 4,   /* never reads vmdeck.ini (help, version, completion) */
	CMD_FLEET = 1 << 5,       /* works on every host in use itself (list, hosts, stats,
				   * host evacuate): no guest is routed to one host */
	CMD_NEW_VM = 1 << 6,      /* first argument names a new guest: HOST:NAME places it */
};

struct cmd_optval {
	const char *vals[CMD_MAX_REPEAT];
	int n;                    /* times given (a flag: > 0 when set) */
};

struct cmd_def;

struct cmd_args {
	const struct cmd_def *def;
	const char *pos[CMD_MAX_POS];
	int npos;
	int dashdash;             /* pos[dashdash] is the first word after "--"; -1: none */
	struct cmd_optval opt[CMD_MAX_OPTS];   /* parallel to def->opts */
};

/* Options every command accepts, wherever they appear on the line. */
struct cmd_global {
	const char *uri;          /* -c: a URI or a [hosts] name */
	const char *hosts[CMD_MAX_HOSTS];   /* --host NAME... ("auto": placement) */
	int n_hosts;
	bool readonly;
	bool json;
	bool embedded;
	bool help;
	bool version;
	enum eng_accel accel;
};

struct cmd_ctx {
	struct eng *eng;          /* NULL until a command needs it (CLI connects lazily) */
	struct cmd_global g;
	FILE *out;                /* stdout, or the TUI's output pane */
	FILE *err;                /* stderr, or the TUI's status line */
	bool interactive;         /* a person can answer y/n questions */
	bool tty_out;             /* progress bars allowed */
	/* connects on first use; set by the CLI, the TUI passes an open engine */
	int (*connect)(struct cmd_ctx *ctx);
	const char *config_uri;
	struct cmd_fleet *fleet;  /* the hosts in use (CLI); NULL: just eng (the TUI) */
	/* the CLI's: where dispatch sets the fleet up once the whole line (and
	 * its -c/--host anywhere on it) is parsed */
	struct cmd_fleet *fleet_store;
	const struct prof_host *cfg_hosts;
	size_t n_cfg_hosts;
};

/* ---- several hosts (fleet.c) ---- */
struct prof_host;
struct cmd_fleet {
	struct eng_fleet_host h[CMD_MAX_HOSTS];   /* the hosts in use, in [hosts] order */
	size_t n;
	bool tried[CMD_MAX_HOSTS];                /* connection attempted (h[i].eng or h[i].err) */
	bool warned[CMD_MAX_HOSTS];               /* its "did not answer" warning printed */
	char known[CMD_MAX_HOSTS][ENG_NAME_MAX + 1];   /* every name of [hosts], for HOST:VM */
	char known_uri[CMD_MAX_HOSTS][512];
	size_t n_known;
	bool configured;                          /* the hosts come from [hosts] */
	bool auto_place;                          /* --host auto */
	int current;                              /* the host of ctx->eng; -1: none yet */
	struct eng_open_opts base;
};
/* The hosts in use: -c (one: a URI or a [hosts] name), else --host NAMEs,
 * else all of [hosts], else the one default connection. 0, or 2 after an
 * error line (an unknown host name). */
int cmd_fleet_setup(struct cmd_ctx *ctx, struct cmd_fleet *f, const struct prof_host *cfg, size_t ncfg);
void cmd_fleet_close(struct cmd_fleet *f);
/* Connects to every host in use not tried yet, all at once; each one that
 * does not answer is one warning line ("host b: ..."). Returns how many answer. */
int cmd_fleet_open_all(struct cmd_ctx *ctx);
/* Makes host i ctx->eng (connecting when needed): 0, or 1 after the error line. */
int cmd_fleet_use(struct cmd_ctx *ctx, int i);
int cmd_fleet_index(const struct cmd_fleet *f, const char *name);
/* Host i's connection (connecting when needed, warning when it does not
 * answer); NULL when it does not. ctx->eng stays as it is. */
struct eng *cmd_fleet_eng(struct cmd_ctx *ctx, int i);
/* The URI of a [hosts] name (in use or not); NULL when it names none. */
const char *cmd_fleet_known_uri(const struct cmd_ctx *ctx, const char *name);
/* The name of ctx->eng's host ("" without a fleet). */
const char *cmd_fleet_host_name(const struct cmd_ctx *ctx);
/* Before a command runs: its VM argument (HOST:VM, or a name unique across
 * the hosts) picks the host, and a->pos[0] becomes the bare name. 0, 1 (no
 * such guest) or 2 (ambiguous, unknown host), the error line printed. */
int cmd_fleet_route(struct cmd_ctx *ctx, const struct cmd_def *def, struct cmd_args *a);
/* The same for a VM word of a command's own (cp's HOST:VM:PATH): 0, 1 or 2. */
int cmd_fleet_pick(struct cmd_ctx *ctx, const char *word, const char **vm);
/* A VM word with its host: "b:web" -> host index of b and "web"; a word
 * without a known host prefix -> -1 and the word. */
int cmd_fleet_split(const struct cmd_fleet *f, const char *word, const char **vm);
/* fn on every host that answers, all at once (a thread each); rcs[i]: its
 * return value, -1 for a host that did not answer. Returns how many ran. */
int cmd_fleet_each(struct cmd_ctx *ctx, int (*fn)(struct eng *e, int host, void *arg), void *arg, int *rcs);
/* Connects to the hosts in use (a CMD_FLEET command's first step). Returns
 * how many answer; 0 after the error line (one host: libvirt's error; several:
 * each one's warning and "no host answered"). ctx->eng: the first that answers. */
int cmd_fleet_connect(struct cmd_ctx *ctx);
const char *cmd_fleet_name(const struct cmd_ctx *ctx, int i);
size_t cmd_fleet_count(const struct cmd_ctx *ctx);
/* migrate's check (cmd_migrate.c): dst has the free memory and the CPUs
 * the guest i needs; else 1 after the line giving both hosts' figures. */
int cmd_fit_check(struct cmd_ctx *ctx, const char *vm, const struct eng_dom_info *i, const char *src_name,
		  struct eng *src, const char *dst_name, struct eng *dst);
/* create --host auto: the reachable host with the most free memory that
 * fits the guest becomes ctx->eng, and the choice is printed. No-op unless
 * --host auto. */
int cmd_fleet_place(struct cmd_ctx *ctx, const char *name, unsigned cpus, unsigned long long mem_mib);

/* ---- where a lab's seats are (labsites.c) ---- */
struct lab_site {
	const char *host;         /* its [hosts] name ("" : the one host in use) */
	struct eng *eng;
	struct lab_spec spec;     /* the lab, with the other sites' seats marked elsewhere */
};
struct lab_sites {
	struct lab_site s[LAB_MAX_HOSTS];
	size_t n;
	int of_seat[LAB_MAX_SEATS];   /* the site each seat is on */
};
/* The sites of lab l (one without [lab] hosts), connected; placing (lab up):
 * the seats no host has are placed by free memory and the base copied where
 * it is missing. NULL after the error line, *rc the exit status. */
struct lab_sites *cmd_lab_sites(struct cmd_ctx *ctx, const struct lab_spec *l, bool placing, int *rc);
/* One engine lab call per site, its rows merged into one per seat (caller
 * frees *out, also when it fails half way: the rows so far). */
typedef int (*cmd_lab_fn)(struct eng *e, const struct lab_spec *l, const void *arg, struct eng_seat **out,
			  struct eng_error *err);
int cmd_lab_rows(const struct lab_sites *ls, const struct lab_spec *l, cmd_lab_fn fn, const void *arg,
		 struct eng_seat **out, struct eng_error *err);
/* Every seat of the lab (those that exist or not, the lab's or foreign), in
 * seat order, with the engine of its host in on[] (caller frees *out). */
int cmd_lab_targets(const struct lab_sites *ls, const struct lab_spec *l, struct eng_seat **out,
		    struct eng **on, size_t *n, struct eng_error *err);
/* eng_lab_status as a cmd_lab_fn. */
int cmd_lab_status_fn(struct eng *e, const struct lab_spec *l, const void *arg, struct eng_seat **out,
		      struct eng_error *err);
/* Seat NAME-N's index (N - 1), -1 for a name that is no seat of l. */
int cmd_lab_seat_index(const struct lab_spec *l, const char *seat);
/* The host of seat i (0-based); NULL when the lab is on one host. */
const char *cmd_lab_host(const struct lab_sites *ls, const struct lab_spec *l, unsigned seat);

struct cmd_def {
	const char *name;         /* "list", "snapshot take" */
	const char *usage;        /* arguments after the name: "VM [NAME]" */
	const char *summary;      /* one line */
	const struct cmd_opt *opts;
	unsigned flags;
	int min_args, max_args;
	int (*exec)(struct cmd_ctx *ctx, const struct cmd_args *a);
};

/* The table (NULL-terminated), in the order help lists it. */
extern const struct cmd_def *const cmd_table[];

/* Finds the command named by the first words of argv (longest match).
 * *words: how many words the name took. NULL when none matches. */
const struct cmd_def *cmd_find(int argc, char **argv, int *words);
/* Commands whose name starts with prefix + " " (for "snapshot" alone). */
int cmd_group_usage(const char *group, FILE *f);

/* Parses options and positionals for def; global options are accepted too and
 * stored in g. Returns 0, or 2 after printing a usage error to err. */
int cmd_parse(const struct cmd_def *def, int argc, char **argv, struct cmd_args *a,
	      struct cmd_global *g, FILE *err);
/* Parses leading global options of the CLI; *first: index of the command. */
int cmd_parse_globals(int argc, char **argv, int *first, struct cmd_global *g, FILE *err);

/* Lists the global options (help text, or roff for the man page). */
void cmd_print_globals(FILE *f, bool roff);

const char *cmd_opt(const struct cmd_args *a, const char *name);   /* last value */
bool cmd_flag(const struct cmd_args *a, const char *name);
int cmd_optv(const struct cmd_args *a, const char *name, const char *const **vals);

/* Runs one command line through the table (CLI and TUI prompt). Returns the
 * exit status: 0 ok, 1 failed, 2 usage. */
int cmd_dispatch(struct cmd_ctx *ctx, int argc, char **argv);
/* Splits a prompt line into words (quotes and backslashes as a shell would,
 * nothing expanded). Returns argc or -1; free with cmd_words_free. */
int cmd_split_line(const char *line, char ***argv_out, char *errbuf, size_t errlen);
void cmd_words_free(int argc, char **argv);
/* The inverse: a word quoted so that cmd_split_line gives it back as it is
 * ("a b" -> 'a b'); plain words stay plain. -1 when out is too small. */
int cmd_quote_word(const char *w, char *out, size_t len);
/* What the word being typed after prev, as positional pos, is (completion):
 * "vm", "net", "snapshot", "profile", "lab", "file", "dir", "host",
 * "choice" (choices filled, space-separated) or "". */
const char *cmd_value_kind(const struct cmd_def *def, const char *prev, int pos, char *choices, size_t len);

/* ---- output helpers (output.c) ---- */
int cmd_error(struct cmd_ctx *ctx, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prints err's message; returns 2 for ENG_E_INVALID raised while parsing, else 1. */
int cmd_fail(struct cmd_ctx *ctx, const struct eng_error *err);
/* A listing's only option: --names (one name per line). */
extern const struct cmd_opt cmd_names_opts[];
/* The subcommands of a family, joined by ", " ("take, list, revert, delete"). */
void cmd_group_names(const char *group, char *out, size_t len);
/* "vmdeck: error: " + the message on one line (control bytes become '?'). */
void cmd_errorf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "vmdeck: warning: " + the message on one line. */
void cmd_warnf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* text on one line of its own, control bytes replaced. */
void cmd_print_clean(FILE *f, const char *text);
int cmd_usage_error(FILE *f, const struct cmd_def *def, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void cmd_print_usage(FILE *f, const struct cmd_def *def);
/* "vmdeck NAME USAGE" and the required options (all: every option, in brackets
 * unless required). */
void cmd_synopsis(const struct cmd_def *def, bool all, char *out, size_t len);
/* text starting at column col, wrapped at word boundaries before width; the
 * lines after the first start at column indent. */
void cmd_print_wrapped(FILE *f, const char *text, int indent, int col, int width);
/* A long CLI command as a job (job.c): Ctrl-C/SIGTERM cancel, a progress
 * bar on a terminal when progress; nothing in the TUI, which has its own. */
struct cmd_job {
	struct eng_job job;
	bool attached;
	struct sigaction old_int, old_term;
};
void cmd_job_begin(struct cmd_ctx *ctx, struct cmd_job *cj, bool progress);
void cmd_job_end(struct cmd_job *cj);

/* Set by the program to the TUI's KEYS section writer (cmd/ does not reach
 * up into tui/); NULL: no KEYS section. */
extern void (*cmd_man_keys)(FILE *f);
/* A command's synopsis, summary and options (help COMMAND, COMMAND --help). */
void cmd_print_help(FILE *f, const struct cmd_def *def);
int cmd_need_conn(struct cmd_ctx *ctx);
/* y/N question on the terminal; false when not interactive. */
bool cmd_confirm(struct cmd_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- entry points ---- */
/* The CLI: runs argv (the command and its arguments) after the global options. */
int cmd_cli_run(const struct cmd_global *g, int argc, char **argv);
int cmd_help_man(FILE *f);                     /* the whole man/vmdeck.1 */

#endif
