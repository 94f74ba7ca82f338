/* engine.h - vmdeck's libvirt-backed core.
 *
 * Plain C structs and opaque handles only: no libvirt types leak out of engine/.
 * Nothing here prints; every call returns 0 / -1 (or NULL) and fills a
 * struct eng_error with a one-line message that names the object and the cause.
 */
#ifndef VMDECK_ENGINE_H
#define VMDECK_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "base.h"   /* errors, names, units: shared with netcfg/ */

/* ---- private state (statedir.c) ---- */
/* $XDG_ENV/vmdeck[/SUB] (else $HOME/HOME_REL/vmdeck[/SUB]), made with mode;
 * refused (-1, err) when neither variable is an absolute path (no /tmp
 * fallback), or a level is a symlink, another user's, or group/world-writable. */
int eng_private_dir(const char *xdg_env, const char *home_rel, const char *sub, mode_t mode,
		    char *out, size_t len, struct eng_error *err);
/* eng_private_dir("XDG_STATE_HOME", ".local/state", sub, 0700, ...) */
int eng_state_dir(const char *sub, char *out, size_t len, struct eng_error *err);
/* A new file, 0600, O_EXCL|O_NOFOLLOW: the descriptor, or -1 (err). */
int eng_private_file_create(const char *path, struct eng_error *err);
/* Opened for reading only when it is a regular file of this user's, not a
 * symlink, not group/world-writable; NULL otherwise. */
FILE *eng_private_file_read(const char *path);

/* ---- acceleration (pure, given a filesystem root for tests) ---- */
enum eng_accel { ENG_ACCEL_AUTO = 0, ENG_ACCEL_KVM, ENG_ACCEL_TCG };
int eng_accel_from_string(const char *s, enum eng_accel *out);

struct eng_accel_choice {
	const char *virt_type;  /* libvirt <domain type=...>: "kvm", "qemu" or "test" */
	const char *accel;      /* "kvm" or "tcg" */
	char why[200];
};
/* root: "" or "/" for the real machine; a directory tree in tests. */
void eng_accel_pick(enum eng_accel mode, const char *root, struct eng_accel_choice *out);

/* ---- URI choice (pure) ---- */
struct eng_uri_inputs {
	const char *cli;          /* -c URI */
	const char *env_vmdeck;   /* $VMDECK_URI */
	const char *env_libvirt;  /* $LIBVIRT_DEFAULT_URI */
	const char *config;       /* [connection] uri */
	uid_t uid;
	bool system_answers;      /* the system daemon's socket accepts a connection */
	bool systemd;             /* systemd is PID 1 (for the how-to-start hint) */
};
/* Returns the URI to open (a pointer into the inputs or a constant), or NULL
 * with err saying how to start the daemon. *why tells which rule chose it. */
const char *eng_uri_choose(const struct eng_uri_inputs *in, const char **why,
			   struct eng_error *err);
bool eng_system_socket_answers(void);
bool eng_systemd_running(void);

/* ---- connection ---- */
struct eng;

struct eng_open_opts {
	const char *uri;          /* already chosen; NULL = choose with eng_uri_choose */
	const char *config_uri;
	bool readonly;
	bool embedded;
	enum eng_accel accel;
};

struct eng *eng_open(const struct eng_open_opts *o, struct eng_error *err);
void eng_close(struct eng *e);
/* false once the link to the daemon is gone (it died, or keepalive gave up on it) */
bool eng_alive(struct eng *e);
const char *eng_uri(const struct eng *e);
const char *eng_uri_why(const struct eng *e);
bool eng_is_readonly(const struct eng *e);
const struct eng_accel_choice *eng_accel(const struct eng *e);

/* ---- several hosts (fleet.c) ---- */
struct eng_fleet_host {
	char name[ENG_NAME_MAX + 1];
	char uri[512];            /* "" = the default connection (eng_uri_choose) */
	struct eng *eng;          /* NULL: it did not answer (err says why) */
	struct eng_error err;
};
/* Opens every host's connection at once; a host that has not answered within
 * timeout_s is given up (its err says so) without delaying the others.
 * base: the options every connection shares (its uri is ignored). Returns
 * how many answered. */
int eng_fleet_open(struct eng_fleet_host *h, size_t n, const struct eng_open_opts *base, double timeout_s);
void eng_fleet_close(struct eng_fleet_host *h, size_t n);

/* What a host has and how many guests it runs, for placing and moving guests (host.c). */
struct eng_host_load {
	unsigned cpus;
	unsigned long long mem_total_kib, mem_free_kib;   /* eng_host_memory's figures */
	unsigned guests, running;
	char lv_version[32];
	const char *accel;        /* "kvm", "tcg" (static) */
};
int eng_host_load(struct eng *e, struct eng_host_load *l, struct eng_error *err);

/* ---- host ---- */
struct eng_host {
	char hypervisor[32];        /* "QEMU" */
	char hv_version[32];        /* "7.2.0" */
	char lv_version[32];        /* "9.0.0" */
	char hostname[256];
	char uri[256];
	char cpu_model[64];
	unsigned cpus;
	unsigned long long mem_total_kib, mem_free_kib;
	struct eng_accel_choice accel;
	/* what a first guest needs (the create wizard's step 1) */
	bool pool_exists, pool_active;
	char pool_path[512];
	unsigned long long pool_capacity, pool_available;   /* bytes, when active */
	bool default_net_exists, default_net_active;
	bool uefi;                  /* UEFI firmware (OVMF) is installed for new guests */
};
int eng_host_info(struct eng *e, struct eng_host *h, struct eng_error *err);
/* Makes what is missing of it: vmdeck's pool, the default NAT network (started).
 * done: what it did, "; "-joined, "" when nothing was missing. */
int eng_host_setup(struct eng *e, char *done, size_t len, struct eng_error *err);
/* UEFI firmware (OVMF) for new guests of this connection's domain type. */
bool eng_uefi_available(struct eng *e);

/* ---- domains ---- */
enum eng_state {
	ENG_ST_RUNNING, ENG_ST_PAUSED, ENG_ST_SHUTOFF, ENG_ST_CRASHED,
	ENG_ST_PMSUSPENDED, ENG_ST_OTHER,
};
const char *eng_state_name(enum eng_state s);

struct eng_dom_summary {
	char name[ENG_NAME_MAX + 1];
	char uuid[37];
	enum eng_state state;
	unsigned cpus;
	unsigned long long memory_mib;
	char ipv4[ENG_MAX_IPV4][16];
	int n_ipv4;
	bool autostart;
	bool persistent;
	unsigned long long cpu_time_ns;   /* guest CPU time so far (for CPU %) */
};

/* CPU % of a guest's vCPUs between two samples (100 = all vCPUs busy);
 * 0 when the counter went backwards (the guest restarted) or no time passed. */
double eng_cpu_pct(unsigned long long prev_ns, unsigned long long cur_ns,
		   unsigned long long wall_ns, unsigned vcpus);

/* all: include shut-off guests. with_ip: look up DHCP leases of running guests. */
int eng_domain_list(struct eng *e, bool all, bool with_ip,
		    struct eng_dom_summary **out, size_t *n, struct eng_error *err);
bool eng_domain_exists(struct eng *e, const char *name);

struct eng_disk {
	char *target;     /* vda */
	char *device;     /* disk, cdrom */
	char *bus;
	char *format;     /* qcow2, raw */
	char *source;     /* path or NULL (empty cdrom) */
	char *backing;    /* first backing file or NULL */
	unsigned long long capacity, allocation;   /* bytes, 0 when unknown */
};

struct eng_nic {
	char *mac;
	char *type;       /* network, bridge, user, ... */
	char *network;    /* network or bridge name */
	char *model;
	char ipv4[ENG_MAX_IPV4][16];
	int n_ipv4;
};

struct eng_dom_info {
	struct eng_dom_summary s;
	unsigned cpus_live, cpus_config, cpus_max;
	unsigned long long mem_live_mib, mem_config_mib, mem_max_mib;
	char *virt_type;
	char *os_type;    /* hvm */
	char *firmware;   /* bios, uefi */
	char *kernel;     /* direct kernel boot, or NULL */
	struct eng_disk *disks;
	size_t n_disks;
	struct eng_nic *nics;
	size_t n_nics;
	int n_snapshots;
	char *current_snapshot;
	bool managed_save;
	bool has_agent_channel;
};
int eng_domain_info(struct eng *e, const char *name, struct eng_dom_info *out,
		    struct eng_error *err);
void eng_dom_info_free(struct eng_dom_info *i);

/* ---- lifecycle ---- */
enum eng_action {
	ENG_ACT_START, ENG_ACT_PAUSE, ENG_ACT_RESUME, ENG_ACT_POWEROFF,
	ENG_ACT_REBOOT, ENG_ACT_RESET, ENG_ACT_SAVE,
};
int eng_domain_act(struct eng *e, const char *name, enum eng_action act,
		   struct eng_error *err);
/* Graceful: the guest agent when it answers, else ACPI; waits up to timeout_s
 * (0 = do not wait) for shut off. */
int eng_domain_shutdown(struct eng *e, const char *name, int timeout_s,
			struct eng_error *err);
int eng_domain_state(struct eng *e, const char *name, enum eng_state *st,
		     struct eng_error *err);

/* ---- create / delete ---- */
#define VM_SPEC_MAX_NETS 8
#define VM_SPEC_MAX_DISKS 8

struct vm_disk_spec {
	const char *path;       /* file the domain uses */
	const char *format;     /* qcow2, raw */
	bool cdrom;
};

/* A cloud-init NoCloud seed (cloud images): attached as a second CD-ROM. */
struct eng_seed {
	const char *hostname;           /* NULL: the VM's name */
	const char *user;               /* NULL: the image's default user only */
	const char *password_hash;      /* crypt(3) hash for user (eng_seed_read_password) */
	const char *ssh_keys;           /* authorized_keys lines for user */
	bool agent;                     /* install and enable qemu-guest-agent */
};

struct vm_spec {
	const char *name;
	const char *virt_type;          /* kvm, qemu, test; NULL = from the connection */
	unsigned cpus, max_cpus;        /* max 0 = cpus */
	unsigned long long memory_mib, max_memory_mib;
	unsigned long long disk_bytes;  /* new disk of this size; 0 = none */
	const char *disk_format;        /* its format: qcow2 (NULL) or raw */
	const char *import_path;        /* existing disk */
	bool import_in_place;           /* use it where it is instead of copying */
	const char *iso;
	const char *kernel, *initrd, *cmdline;
	const char *networks[VM_SPEC_MAX_NETS];
	size_t n_networks;
	bool no_network;                /* --network none */
	bool no_agent;                  /* no qemu-guest-agent channel (profile [tools] agent = no) */
	bool no_graphics;               /* no VNC screen and no video device (--graphics none) */
	bool force;                     /* allow overcommit beyond host CPUs/memory, and a
					 * sparse disk larger than the pool's free space */
	const char *firmware;           /* "uefi" (OVMF) or NULL/"bios" */
	const struct eng_seed *seed;    /* cloud-init seed to make and attach, or NULL */
	/* filled by the engine while creating (or by tests for the XML): */
	struct vm_disk_spec disks[VM_SPEC_MAX_DISKS];
	size_t n_disks;
	char disk_path_buf[VM_SPEC_MAX_DISKS][1024];   /* paths of volumes it made */
	const char *serial_log;         /* file the serial console is logged to */
	const char *os_id;              /* libosinfo id, recorded in the metadata as virt-install does */
	const char *uuid;               /* set: this UUID (the install run of a defined guest) */
	bool install_run;               /* an install run: a reboot ends it (on_reboot destroy) */
	bool cd_boot;                   /* boot the CD-ROM before the disk */
	char warning[256];              /* set by the checks: worth saying, not refusing */
};

/* Pure: the domain XML for a resolved spec (disks filled). Caller frees. */
char *eng_domxml_build(const struct vm_spec *s, struct eng_error *err);

/* Checks, creates volumes, defines; on failure removes exactly what it made.
 * start: also start it (a failed start removes the new guest too). */
int eng_domain_create(struct eng *e, struct vm_spec *s, bool start,
		      struct eng_error *err);
/* Waits until an install run (create with iso and start) ends: the installer
 * powered off or rebooted. Cancel (Ctrl-C, Esc) stops waiting, not the install. */
int eng_install_wait(struct eng *e, const char *name, struct eng_error *err);
/* Checks a spec against the host (CPUs, memory) and the connection (name free);
 * s->warning says what is allowed but unwise (more memory than is free). */
int eng_spec_check(struct eng *e, struct vm_spec *s, struct eng_error *err);

struct eng_delete_report {
	char removed[VM_SPEC_MAX_DISKS][512];
	size_t n_removed;
	char kept[VM_SPEC_MAX_DISKS][600];   /* path: reason */
	size_t n_kept;
};
/* Undefines (with snapshot metadata, managed save, NVRAM); a running guest is
 * powered off first. Disks only when with_disks, and only storage volumes. */
int eng_domain_delete(struct eng *e, const char *name, bool with_disks,
		      struct eng_delete_report *rep, struct eng_error *err);

/* ---- storage ---- */
#define ENG_POOL_NAME "vmdeck"
/* Finds or creates (defines, builds, starts, autostarts) vmdeck's directory pool. */
int eng_pool_ensure(struct eng *e, char *path_out, size_t len, struct eng_error *err);
/* True only when e surely lacks the file: a storage pool of e holds path's
 * directory and, refreshed, has no volume at path (migrate's disk check). */
bool eng_vol_absent(struct eng *e, const char *path);

/* ---- configuration changes ---- */
struct eng_set_req {
	unsigned cpus, max_cpus;                    /* 0 = unchanged */
	unsigned long long memory_mib, max_memory_mib;
	int autostart;                              /* -1 unchanged, 0 off, 1 on */
	bool live, config;                          /* both false = default */
	bool force;
};
#define ENG_SET_MAX_LINES 8
struct eng_set_result {
	char lines[ENG_SET_MAX_LINES][200];         /* "vCPUs 2: now and on next boot" */
	size_t n_lines;
	bool pending_reboot;                        /* some part waits for the next boot */
};
int eng_domain_set(struct eng *e, const char *name, const struct eng_set_req *r,
		   struct eng_set_result *res, struct eng_error *err);

/* ---- IP discovery ---- */
enum eng_ip_source { ENG_IP_AUTO, ENG_IP_LEASE, ENG_IP_AGENT, ENG_IP_ARP };
int eng_ip_source_from_string(const char *s, enum eng_ip_source *out);
const char *eng_ip_source_name(enum eng_ip_source s);
/* Tries lease, agent, arp in that order (or only src), polling until an
 * address appears or wait_s passes. *used tells which source answered. */
int eng_domain_ipv4(struct eng *e, const char *name, enum eng_ip_source src,
		    double wait_s, char out[][16], int max, int *n,
		    enum eng_ip_source *used, struct eng_error *err);

/* ---- snapshots ---- */
struct eng_snapshot {
	char name[ENG_NAME_MAX + 1];
	char parent[ENG_NAME_MAX + 1];     /* "" for a root */
	long long created;                 /* unix time */
	char state[16];                    /* the guest's state when taken: running, shutoff, ... */
	char description[256];
	bool current;
	bool external;
	int depth;                         /* 0 for roots: list order is a tree walk */
};
/* name NULL: a readable unique default (snap-2026-11-25T10-04-05). A running
 * guest is snapshotted with its memory, a stopped one disk-only. */
int eng_snapshot_take(struct eng *e, const char *vm, const char *name, const char *description,
		      char *taken, size_t len, struct eng_error *err);
/* Tree order: each snapshot after its parent, children by creation time. */
int eng_snapshot_list(struct eng *e, const char *vm, struct eng_snapshot **out, size_t *n,
		      struct eng_error *err);
/* name NULL: the current snapshot. The guest ends running or stopped as it was then.
 * When libvirt refuses the revert as risky (VIR_ERR_SNAPSHOT_REVERT_RISKY),
 * err->code is ENG_E_RISKY and nothing changed; force retries that one case. */
int eng_snapshot_revert(struct eng *e, const char *vm, const char *name, bool force, char *reverted,
			size_t len, struct eng_error *err);
/* Refuses what would lose another snapshot's data (external with children). */
int eng_snapshot_delete(struct eng *e, const char *vm, const char *name, bool children,
			struct eng_error *err);
/* The current snapshot's name; -1 when there is none. */
int eng_snapshot_current(struct eng *e, const char *vm, char *name, size_t len);

/* ---- clones and templates ---- */
struct eng_clone_report {
	char disks[VM_SPEC_MAX_DISKS][1024];   /* the new guest's disks */
	size_t n_disks;
	char cleaned[512];                     /* leftovers of an interrupted clone removed first */
};
/* Full: copies every disk (SRC shut off or paused). Linked: qcow2 overlays on
 * SRC's disks (SRC shut off), and SRC becomes a template that cannot start or
 * change while clones depend on it. New UUID and MACs either way. */
int eng_domain_clone(struct eng *e, const char *src, const char *dst, bool linked,
		     struct eng_clone_report *rep, struct eng_error *err);
/* Several clones of one source (a lab, a class): linked ones a few at a time.
 * rcs[i] and errs[i] say how each went; -1 when any failed. */
int eng_domain_clone_many(struct eng *e, const char *src, const char *const *dsts, size_t n,
			  bool linked, struct eng_clone_report *reps, struct eng_error *errs, int *rcs);
/* Removes the volumes of clones that were interrupted (e.g. SIGKILL) before
 * their guest was defined; says what it removed in report. Only volumes of
 * vmdeck's pool named as the clone names them (eng_clone_leftover_ours). */
int eng_clone_cleanup(struct eng *e, char *report, size_t len, struct eng_error *err);
/* What an interrupted operation left (vmdeck doctor). */
struct eng_leftover {
	char kind[24];      /* clone-volume, seed-volume */
	char path[1100];
	char what[200];     /* "disk of the interrupted clone base -> c3" */
};
/* Everything doctor lists: the leftovers of interrupted clones and seeds of
 * guests that were never defined (removed when remove). */
int eng_doctor(struct eng *e, bool remove, struct eng_leftover **out, size_t *n, struct eng_error *err);
/* The leftovers of interrupted clones (removed first when remove). */
int eng_clone_leftovers(struct eng *e, bool remove, struct eng_leftover **out, size_t *n);
/* Pure: path is POOL/DST-diskN.qcow2 or POOL/DST-diskN.img, nothing else. */
bool eng_clone_leftover_ours(const char *pool, const char *dst, const char *path);
/* Clones of base in progress or interrupted whose guest is not defined yet
 * (names joined by ", "): their overlays may exist on base's disks. */
int eng_clone_pending_from(struct eng *e, const char *base, char *names, size_t len);
/* Linked clones that depend on vm's disks (names joined by ", "), 0 when none. */
int eng_template_clones(struct eng *e, const char *vm, char *names, size_t len);

/* ---- live statistics ---- */
#define ENG_STATS_RING 120

/* Raw counters of one guest at one moment, as a backend delivers them. */
struct eng_stat_record {
	char name[ENG_NAME_MAX + 1];
	enum eng_state state;
	bool has_cpu;
	unsigned long long cpu_time_ns;
	unsigned vcpus;
	bool has_balloon;                 /* current/maximum allocation known */
	unsigned long long mem_current_kib, mem_max_kib;
	bool has_usable;                  /* the guest reports available/unused */
	unsigned long long mem_available_kib, mem_unused_kib;
	bool has_block;
	unsigned long long rd_bytes, wr_bytes, rd_reqs, wr_reqs;
	bool has_net;
	unsigned long long rx_bytes, tx_bytes;
};

/* The machine's memory total (the larger of virNodeGetInfo and the memory
 * statistics of all cells) and what is free for guests (free + buffers +
 * cache); the one source host, the checks, the wizard and the monitor use. */
int eng_host_memory(struct eng *e, unsigned long long *total_kib, unsigned long long *free_kib);

struct eng_host_record {
	unsigned long long cpu_busy_ns, cpu_total_ns;    /* summed over all host CPUs */
	unsigned long long mem_total_kib, mem_free_kib;  /* free includes buffers/cache */
	unsigned cpus;
};

/* One computed sample of a guest. */
struct eng_sample {
	double time;                       /* unix seconds */
	double cpu_pct;                    /* of the guest's vCPUs: 100 = all busy */
	double mem_used_mib, mem_total_mib;
	bool mem_estimated;                /* no guest report: the allocation is shown */
	double disk_rd_bps, disk_wr_bps, disk_rd_iops, disk_wr_iops;
	double net_rx_bps, net_tx_bps;
	bool has_disk;                     /* disk figures were read in this tick */
};

/* Pure: rates between two records taken elapsed_s apart (counters that went
 * back, e.g. a restarted guest, give 0 instead of a spike). */
void eng_stats_rates(const struct eng_stat_record *prev, const struct eng_stat_record *cur,
		     double elapsed_s, struct eng_sample *out);

struct eng_guest_stats {
	char name[ENG_NAME_MAX + 1];
	enum eng_state state;
	unsigned vcpus;
	struct eng_sample last;
	/* history, oldest first when read through eng_stats_history */
	float cpu[ENG_STATS_RING], mem[ENG_STATS_RING], disk[ENG_STATS_RING], net[ENG_STATS_RING];
	int ring_pos, ring_len;
	/* internal: counters of the previous ticks */
	struct eng_stat_record prev, prev_slow;
	double prev_time, prev_slow_time;
	unsigned long long prev_cpu_ns;   /* CPU time at the last reading (own time base) */
	double prev_cpu_time;
	bool seen, period_set, cpu_seen;
	int gen;
};

struct eng_host_stats {
	double cpu_pct, mem_used_mib, mem_total_mib;
	unsigned cpus, running;
	float cpu[ENG_STATS_RING];
	int ring_pos, ring_len;
};

/* Where records come from: libvirt (bulk calls), or a fake in tests/bench. */
enum { ENG_STATS_CHEAP = 1, ENG_STATS_SLOW = 2, ENG_STATS_CPU = 4 };
/* Off-screen running guests whose CPU time is read per tick, in turn: the
 * cost of guests nobody looks at stays flat however many there are. */
#define ENG_STATS_ROTATE 4
struct eng_stats_backend {
	/* groups: ENG_STATS_CHEAP (state, net; cpu when the backend has it for
	 * free) for every guest, names NULL; ENG_STATS_SLOW (cpu, block, balloon)
	 * or ENG_STATS_CPU (cpu time) for the n named guests */
	int (*domains)(void *ctx, unsigned groups, const char *const *names, size_t n,
		       struct eng_stat_record **out, size_t *nout, struct eng_error *err);
	int (*host)(void *ctx, struct eng_host_record *out, struct eng_error *err);
	/* a guest's vCPU count, asked when it starts (may be NULL) */
	unsigned (*vcpus)(void *ctx, const char *name);
	/* asks a guest's balloon driver to report used memory (may be NULL) */
	void (*enable_balloon_stats)(void *ctx, const char *name);
	void *ctx;
};

struct eng_sampler;
struct eng_sampler *eng_sampler_new(struct eng *e);
struct eng_sampler *eng_sampler_new_backend(const struct eng_stats_backend *b);
void eng_sampler_free(struct eng_sampler *s);
/* One tick: the cheap groups of every guest in one call, the slow groups
 * only of the focused guests (on screen, exported, in details) in one more;
 * focus_all: all running guests (the stats command). */
int eng_sampler_tick(struct eng_sampler *s, const char *const *focus, size_t nfocus,
		     bool focus_all, struct eng_error *err);
/* Guests shown in a list (CPU % only): their CPU time is read every tick. */
void eng_sampler_set_visible(struct eng_sampler *s, const char *const *names, size_t n);
size_t eng_sampler_count(const struct eng_sampler *s);
const struct eng_guest_stats *eng_sampler_guest(const struct eng_sampler *s, size_t i);
const struct eng_guest_stats *eng_sampler_find(const struct eng_sampler *s, const char *name);
const struct eng_host_stats *eng_sampler_host(const struct eng_sampler *s);
/* Copies up to max values of a ring, oldest first; returns how many. */
int eng_stats_history(const float *ring, int pos, int len, float *out, int max);
/* Sparkline of values (scaled to maxv; <= 0: to their own maximum) into buf:
 * Unicode blocks when utf8, else "_.:-=+*#%@" (zero is "_", never blank). */
void eng_sparkline(const float *v, int n, float maxv, bool utf8, char *buf, size_t len);

/* ---- networks (the modes are data in netcfg/) ---- */
struct eng_net {
	char name[ENG_NAME_MAX + 1];
	char mode[16];          /* nat, bridged, hostonly, internal, other */
	bool active, autostart, persistent;
	char bridge[64];
	char subnet[32];        /* "192.168.122.0/24" or "" */
	char guests[512];       /* running guests with a NIC on it, ", "-joined */
	int n_guests;
};
int eng_network_list(struct eng *e, struct eng_net **out, size_t *n, struct eng_error *err);
int eng_network_info(struct eng *e, const char *name, struct eng_net *out, struct eng_error *err);
/* mode: nat, bridged, hostonly, internal; subnet NULL: picked free; uplink:
 * bridged only, an existing bridge, or with macvtap an existing interface. */
int eng_network_create(struct eng *e, const char *name, const char *mode, const char *subnet,
		       const char *uplink, bool macvtap, struct eng_net *made, struct eng_error *err);
/* The same with a given UUID (a lab's networks carry one derived from the lab). */
int eng_network_create_uuid(struct eng *e, const char *name, const char *mode, const char *subnet,
			    const char *uplink, bool macvtap, const char *uuid, struct eng_net *made,
			    struct eng_error *err);
/* The network's UUID; -1 when there is no such network. */
int eng_network_uuid(struct eng *e, const char *name, char *out, size_t len);
enum eng_net_action { ENG_NET_START, ENG_NET_STOP, ENG_NET_DELETE };
int eng_network_act(struct eng *e, const char *name, enum eng_net_action act, struct eng_error *err);
/* A virtio NIC on net, live and in the configuration (whatever applies). */
int eng_network_attach(struct eng *e, const char *vm, const char *net, char *mac, size_t len,
		       struct eng_error *err);
int eng_network_detach(struct eng *e, const char *vm, const char *net, struct eng_error *err);

/* ---- OS facts (libosinfo) ---- */
struct eng_os {
	char short_id[64];
	char id[256];                       /* http://debian.org/debian/11 */
	char name[128];                     /* Debian 11 */
	unsigned long long ram_mib;         /* recommended, 0 when libosinfo has none */
	unsigned cpus;
	unsigned long long storage_bytes;
	char family[32];                    /* linux, winnt, freebsd ... */
	char distro[32];                    /* debian, fedora, win ... */
	char note[200];                     /* set when a newer id was resolved to an older one */
};
/* A short id to its facts. A newer release than the host's database knows
 * (debian12 on Debian 12's osinfo-db) resolves to the same OS's nearest older
 * release, and note says so; an unknown OS is an error naming similar ids. */
int eng_os_lookup(const char *short_id, struct eng_os *out, struct eng_error *err);
/* Every OS of the database, sorted by name (the wizard's list). Caller frees. */
int eng_os_list(struct eng_os **out, size_t *n, struct eng_error *err);
/* The command that installs qemu-guest-agent in a guest of that distro/family. */
const char *eng_os_agent_hint(const char *distro, const char *family);

/* ---- a guest's disks (disk.c) ---- */
/* A new volume of vmdeck's pool (format qcow2|raw, default qcow2), attached
 * live and in the configuration on bus (virtio|sata|scsi, default virtio)
 * at the next free target; target and path say where. */
int eng_disk_add(struct eng *e, const char *vm, unsigned long long bytes, const char *format, const char *bus,
		 char *target, size_t tlen, char *path, size_t plen, struct eng_error *err);
/* An existing qcow2 or raw image (an absolute path), attached the same way. */
int eng_disk_attach(struct eng *e, const char *vm, const char *path, const char *bus, char *target, size_t tlen,
		    struct eng_error *err);
/* Detached live and from the configuration; with delete_volume its volume
 * goes too, only when it is one of vmdeck's pool (removed says which). */
int eng_disk_detach(struct eng *e, const char *vm, const char *target, bool delete_volume, char *removed,
		    size_t len, struct eng_error *err);
/* "20G" or "+5G": grow only (shrinking refused); live through libvirt's block
 * resize on a running guest, offline on a stopped one. now: the new size. */
int eng_disk_resize(struct eng *e, const char *vm, const char *target, const char *size, unsigned long long *now,
		    struct eng_error *err);

/* ---- into the guest: qemu-guest-agent (guestexec.c, guestfile.c) ---- */
struct eng_exec_result {
	int exit_code;              /* the command's (128+N when signal N ended it) */
	int signal;
	char *out, *err;            /* its stdout and stderr (may hold NUL bytes) */
	size_t out_len, err_len;
	bool truncated;             /* the agent kept only the first part (16 MiB) */
	bool timed_out;
	double duration_s;
};
/* argv in the guest through guest-exec (never a shell unless argv[0] is
 * one); waits for it (timeout_s > 0: killed in the guest after that long,
 * -1 with ENG_E_TIMEOUT; a cancelled job kills it too). -1 with
 * ENG_E_NOT_FOUND when argv[0] cannot be started there. */
int eng_guest_run(struct eng *e, const char *vm, const char *const *argv, double timeout_s,
		  struct eng_exec_result *r, struct eng_error *err);
void eng_exec_result_free(struct eng_exec_result *r);
/* A file out of the guest (src, a path there) into dst here, in chunks with
 * the job's progress; mode: the guest's mode bits, -1 when unknown. A failed
 * copy leaves no dst. */
int eng_guest_file_get(struct eng *e, const char *vm, const char *src, const char *dst, int *mode,
		       unsigned long long *bytes, struct eng_error *err);
/* A file from here into the guest (dst, a path there), mode bits carried
 * (mode < 0: src's). */
int eng_guest_file_put(struct eng *e, const char *vm, const char *src, const char *dst, int mode,
		       unsigned long long *bytes, struct eng_error *err);

/* ---- cloud-init seeds (seed.c) ---- */
/* Hostname and user names checked; a password or key needs a user. */
int eng_seed_check(const struct eng_seed *s, const char *vm, struct eng_error *err);
/* The first line of path, hashed (SHA-512 crypt) into hash. */
int eng_seed_read_password(const char *path, char *hash, size_t len, struct eng_error *err);
/* SHA-512 crypt of clear (a fresh salt), as cloud-init takes it. */
int eng_seed_hash_password(const char *clear, char *hash, size_t len);
/* An SSH public key file (one key per line); *keys malloc'd. */
int eng_seed_read_keys(const char *path, char **keys, struct eng_error *err);
/* Pure: the seed's files ("#cloud-config" + JSON, and JSON). Caller frees. */
char *eng_seed_user_data(const struct eng_seed *s, const char *vm);
char *eng_seed_meta_data(const struct eng_seed *s, const char *vm, const char *instance_id);
/* The ISO 9660 seed (volume label cidata) at path, which must not exist. */
int eng_seed_write_iso(const struct eng_seed *s, const char *vm, const char *instance_id, const char *path,
		       struct eng_error *err);

/* ---- disks to import ---- */
/* qcow2, raw; vdi, vmdk, vhdx, vpc (converted on import); ova (an archive). */
int eng_disk_format(const char *path, const char **format, struct eng_error *err);

/* ---- OVA archives (OVF + disks) ---- */
#define ENG_OVA_MAX_DISKS 4
struct eng_ova {
	char dir[1024];                      /* where it was unpacked (removed by close) */
	char name[ENG_NAME_MAX + 1];         /* the OVF's VirtualSystem name */
	unsigned cpus;
	unsigned long long memory_mib;
	char disks[ENG_OVA_MAX_DISKS][1400]; /* unpacked disk files, DiskSection order */
	int n_disks;
};
int eng_ova_open(const char *ova, struct eng_ova *o, struct eng_error *err);
void eng_ova_close(struct eng_ova *o);
struct eng_export_result {
	unsigned cpus;
	unsigned long long memory_mib, bytes;
	int n_disks, n_nics;
};
/* A stopped vm as file (NAME.ova): OVF 1.0 + stream-optimised VMDKs, never
 * over an existing file; written as file.partial, renamed when complete. */
int eng_export_ova(struct eng *e, const char *vm, const char *file, struct eng_export_result *r,
		   struct eng_error *err);

/* A shut-off vm of src defined on dst under the same name, its disks copied
 * into dst's pool by volume streams (progress into the calling thread's job;
 * cancel stops it); refused when dst has the name or a disk is an overlay.
 * A failure removes what it made there; src is never changed. */
int eng_domain_copy(struct eng *src, struct eng *dst, const char *vm, struct eng_error *err);

/* ---- classroom labs (lab.c; the INI file is read by profiles/lab.c) ---- */
#define LAB_MAX_SEATS 64
#define LAB_MAX_FORWARDS 8
#define LAB_MAX_HOSTS 16
struct lab_forward {
	char name[33];                  /* the key in [forward]: ssh, http */
	unsigned host_base;             /* seat i (from 1) gets host port host_base + i */
	unsigned guest_port;
	char proto[4];                  /* tcp, udp */
};
struct lab_spec {
	char path[1024];
	char id[37];                    /* the lab's identity: name + the lab file's real path
					 * (eng_lab_id); its seats carry it in their metadata */
	char name[ENG_NAME_MAX + 1];    /* seats are NAME-1 .. NAME-N */
	char base[ENG_NAME_MAX + 1];    /* a shut-off VM with a qcow2 disk: seats are linked clones */
	unsigned seats;
	bool start;                     /* seats run after up and reset */
	bool per_seat;                  /* a network per seat (NAME-net-I), else one (NAME-net) */
	char mode[12];                  /* nat, hostonly, internal: of the networks the lab makes */
	char use[ENG_NAME_MAX + 1];     /* an existing network for all seats instead ("" none) */
	struct lab_forward fwd[LAB_MAX_FORWARDS];
	size_t n_fwd;
	char snapshot[ENG_NAME_MAX + 1];   /* the clean snapshot reset goes back to */
	/* [seats]: each new seat gets a cloud-init seed with this user ("" none),
	 * its own random password (kept in clear only in the lab's sheet, 0600)
	 * and/or the SSH key of this file */
	char seat_user[33];
	bool seat_password;
	char seat_ssh_key[1024];
	/* [lab] hosts = a, b: the [hosts] of vmdeck.ini its seats are spread
	 * over (none: the host in use). The engine works on one host at a time:
	 * the caller marks the seats another host holds, and they are left alone. */
	char hosts[LAB_MAX_HOSTS][ENG_NAME_MAX + 1];
	size_t n_hosts;
	bool elsewhere[LAB_MAX_SEATS];
};
/* Pure: the lab's identity from its name and the real path of its file (a
 * UUID-shaped hash), and the UUID of a network the lab makes: what tells
 * the lab's seats and networks apart from anything else of the same name. */
void eng_lab_id(const char *name, const char *real_path, char out[37]);
void eng_lab_net_uuid(const struct lab_spec *l, const char *net, char out[37]);
/* Pure: seat i (1-based) and its network. */
void eng_lab_seat_name(const struct lab_spec *l, unsigned i, char *out, size_t len);
void eng_lab_net_name(const struct lab_spec *l, unsigned i, char *out, size_t len);

#define ENG_SEAT_EXEC_CMD 80
#define ENG_SEAT_EXEC_LINE 120
struct eng_seat {
	char name[ENG_NAME_MAX + 1];
	bool exists;
	enum eng_state state;
	char network[ENG_NAME_MAX + 1];
	char ipv4[16];
	bool clean;                     /* has the lab's clean snapshot */
	char current[ENG_NAME_MAX + 1]; /* current snapshot, "" none */
	char forwards[160];             /* "2201->22/tcp, 8001->80/tcp" */
	char did[160];                  /* what up/reset/down did to it */
	bool foreign;                   /* a VM of the seat's name that this lab did not make */
	/* the last `lab exec` in it (status: exit code, "timeout", "error"; "" none) */
	char exec_status[12];
	char exec_cmd[ENG_SEAT_EXEC_CMD];
	char exec_line[ENG_SEAT_EXEC_LINE];
	long exec_time;
};
/* Missing networks and seats made (linked clones of base, their NICs on the
 * lab's network, forwards, a clean snapshot), seats started; what exists is
 * kept, so up can be run again. seats: one row per seat (caller frees). */
int eng_lab_up(struct eng *e, const struct lab_spec *l, struct eng_seat **seats, struct eng_error *err);
int eng_lab_status(struct eng *e, const struct lab_spec *l, struct eng_seat **seats, struct eng_error *err);
/* Every seat name and network lab up would touch on e (its seats not marked
 * elsewhere) is free or the lab's own; else -1 naming the clash. */
int eng_lab_check(struct eng *e, const struct lab_spec *l, struct eng_error *err);
/* Seats (all when n == 0) back to the clean snapshot, started again if l->start. */
int eng_lab_reset(struct eng *e, const struct lab_spec *l, const char *const *names, size_t n,
		  struct eng_seat **seats, struct eng_error *err);
/* Seats deleted with their overlay disks, the networks the lab made removed;
 * the base stays (and is no longer a template once its clones are gone). */
int eng_lab_down(struct eng *e, const struct lab_spec *l, struct eng_seat **seats, struct eng_error *err);

/* The seats named (all when n == 0): exists for the lab's own ones, foreign
 * for a VM of a seat's name that the lab did not make; did says why a seat is
 * left out. Caller frees. */
/* The user and password lab up gave a seat ([seats]), from the lab's sheet
 * in vmdeck's state directory; -1 when it gave none. */
int eng_lab_credentials(const struct lab_spec *l, const char *seat, char *user, size_t ulen, char *password,
			size_t plen);
int eng_lab_targets(struct eng *e, const struct lab_spec *l, const char *const *names, size_t n,
		    struct eng_seat **out, size_t *nout, struct eng_error *err);
struct eng_seat_run {
	struct eng_seat seat;
	bool ran;
	int rc;                         /* 0: r holds the command's result; -1: error says why */
	struct eng_exec_result r;
	char error[512];
};
/* argv in every seat named (all when n == 0) through its agent, a few seats
 * at a time; one row per seat. */
int eng_lab_exec(struct eng *e, const struct lab_spec *l, const char *const *names, size_t n,
		 const char *const *argv, double timeout_s, struct eng_seat_run **out, size_t *nout,
		 struct eng_error *err);
void eng_lab_runs_free(struct eng_seat_run *v, size_t n);
/* ---- shared folders (share.c) ---- */
#define ENG_MAX_SHARES 16
struct eng_share {
	char tag[40];
	char source[1024];
	char type[12];      /* virtiofs (writable), 9p (read-only) */
	bool readonly;
	bool active;        /* in the running guest now */
};
struct eng_share_result {
	char source[1024], type[12];
	bool live;              /* changed in the running guest too */
	bool restart_needed;    /* the running guest sees it after its next start */
	bool memory_added;      /* shared memory backing added to the definition */
};
/* The shares of vm's definition (active: in the running guest); count or -1. */
int eng_share_list(struct eng *e, const char *vm, struct eng_share *out, int max, struct eng_error *err);
int eng_share_add(struct eng *e, const char *vm, const char *hostdir, const char *tag, bool readonly,
		  struct eng_share_result *r, struct eng_error *err);
int eng_share_remove(struct eng *e, const char *vm, const char *tag, struct eng_share_result *r,
		     struct eng_error *err);

/* ---- backups (backup.c, restore.c) ---- */
/* One backup in DIR/VM/TIME (complete: its manifest is there and readable). */
struct eng_backup_entry {
	char vm[ENG_NAME_MAX + 1];
	char time[32];                 /* 20261202T050012Z */
	char path[1100];
	char kind[12];                 /* full, incremental, incomplete */
	char parent[32];               /* the backup an incremental one builds on */
	char chain[32];                /* the full backup its chain starts from */
	char checkpoint[64];           /* the guest's checkpoint made with it, "" none */
	char consistency[96];
	long long created;
	unsigned long long bytes;      /* its disk files */
	int n_disks;
	bool complete, broken;         /* broken: a parent is missing */
};
struct eng_backup_result {
	char dir[1200], time[32], kind[12], parent[32];
	char consistency[96];          /* frozen by the agent, crash-consistent, stopped */
	char note[300];                /* why it is full when an incremental was possible */
	unsigned long long bytes;
	int n_disks;
};
/* Every disk of vm into DIR/VM/TIME: incremental on the newest backup there
 * unless full (or impossible: note says why). Made in DIR/VM/.TIME.partial
 * and renamed when complete; a failed or cancelled one removes what it wrote. */
int eng_backup(struct eng *e, const char *vm, const char *dir, bool full, struct eng_backup_result *r,
	       struct eng_error *err);
/* The backups of vm (every guest's when NULL) in dir, by guest then time. */
int eng_backup_list(const char *dir, const char *vm, struct eng_backup_entry **out, size_t *n,
		    struct eng_error *err);
/* Removes whole chains of vm's backups beyond the newest keep chains. */
int eng_backup_prune(const char *dir, const char *vm, unsigned keep, char (*removed)[32], size_t max_removed,
		     size_t *n_removed, struct eng_error *err);
/* vm's qcow2 v2 disks (checkpoints cannot live in them) named into names;
 * upgrade: amended to v3 (vm must be stopped). Returns how many, or -1. */
int eng_backup_v2_disks(struct eng *e, const char *vm, bool upgrade, char *names, size_t len,
			struct eng_error *err);
/* vmdeck's checkpoints of vm removed (its next running backup is full). */
int eng_checkpoints_drop(struct eng *e, const char *vm, int *dropped, struct eng_error *err);
struct eng_restore_result {
	char from_vm[ENG_NAME_MAX + 1];
	int n_disks;
};
/* A new guest name from the backup in bdir (DIR/VM/TIME); replace: the
 * backup's disks put under the stopped guest name instead. */
int eng_restore(struct eng *e, const char *bdir, const char *name, bool replace, struct eng_restore_result *r,
		struct eng_error *err);

/* The record of the last lab exec per seat (labrecord.c): written by
 * eng_lab_exec, read into seats by eng_lab_status, removed by lab down. */
void eng_lab_exec_record(const struct lab_spec *l, const char *const *argv, const struct eng_seat_run *runs,
			 size_t n);
void eng_lab_exec_recall(const struct lab_spec *l, struct eng_seat *seats, size_t n);
void eng_lab_exec_forget(const struct lab_spec *l);

/* ---- migration ---- */
struct eng_migrate_opts {
	bool live;          /* keep it running while its memory moves */
	bool copy_storage;  /* copy its disks too (not on shared storage) */
	bool tunnelled;     /* through libvirtd's connection (peer to peer) */
	/* direct first; when that fails, once more through libvirtd's connection
	 * (hosts whose QEMUs cannot reach each other, whose libvirtds can) */
	bool tunnel_fallback;
	bool *used_tunnel;  /* set: whether the tunnel carried it (may be NULL) */
};
/* Moves vm to the libvirt at dest (defined there, undefined here). On the
 * calling thread's job: progress (memory and disks moved) and cancel (the
 * guest keeps running on the source). */
int eng_domain_migrate(struct eng *e, const char *vm, const char *dest, const struct eng_migrate_opts *o,
		       struct eng_error *err);

/* ---- install media ---- */
/* iso: insert it into vm's CD-ROM drive (a stopped guest without one gets
 * one); NULL: eject. Live and in the configuration. target: the drive (hdc). */
int eng_cdrom(struct eng *e, const char *vm, const char *iso, char *target, size_t tlen,
	      struct eng_error *err);

/* ---- NAT port forwarding (outside -> VM; the rules as data in netcfg/forward.c) ---- */
struct eng_forward {
	char vm[ENG_NAME_MAX + 1];
	char proto[4];               /* tcp, udp */
	unsigned host_port, guest_port;
	char network[ENG_NAME_MAX + 1];
	char guest_ip[16];           /* the guest's address on network now, "" when none */
	bool active;                 /* the firewall forwards it now */
	char why[192];               /* why it is stale when not active */
};
/* Records host_port -> guest_port (proto NULL = tcp) on vm's NIC on a NAT
 * network and applies it; refuses a host port already forwarded. */
int eng_forward_add(struct eng *e, const char *vm, unsigned host_port, unsigned guest_port,
		    const char *proto, struct eng_forward *made, struct eng_error *err);
/* proto NULL: both protocols. */
int eng_forward_delete(struct eng *e, const char *vm, unsigned host_port, const char *proto,
		       struct eng_error *err);
/* Re-applies every recorded forward to the guests' current addresses (and
 * ahead of libvirt's rules) and reports each; out NULL: apply only. */
int eng_forward_sync(struct eng *e, struct eng_forward **out, size_t *n, struct eng_error *err);

/* ---- net probe: the reachability table of the modes, measured ---- */
#define ENG_REACH_CELLS 4          /* VM->host, VM<->VM, VM->outside, outside->VM */
struct eng_probe_cell {
	int expected;              /* 1 yes, 0 no, -1 unknown (mode made outside vmdeck) */
	int measured;              /* 1 yes, 0 no, -1 not measured */
	char how[192];             /* the packets sent, or why nothing was measured */
};
struct eng_probe_row {             /* one NIC of a guest */
	char vm[ENG_NAME_MAX + 1];
	char network[ENG_NAME_MAX + 1];
	char mode[16];
	char ip[16];
	bool agent;
	struct eng_probe_cell cell[ENG_REACH_CELLS];
};
struct eng_probe_opts {
	const char *outside_ns;    /* network namespace playing the outside network */
	const char *outside_host;  /* an address beyond this host (VM -> outside) */
};
int eng_probe(struct eng *e, const char *const *vms, size_t n, const struct eng_probe_opts *o,
	      struct eng_probe_row **rows, size_t *nrows, struct eng_error *err);

/* ---- events ---- */
/* Lifecycle events (started, stopped, defined, ...) from libvirt's event loop
 * thread: each one writes a byte to notify_fd, so a poll loop wakes at once. */
int eng_events_subscribe(struct eng *e, int notify_fd, struct eng_error *err);

/* ---- jobs: long operations on a worker thread ---- */
/* The engine's waiting loops (shutdown, IP wait) check this flag of the job
 * running on the calling thread and stop with ENG_E_CANCELLED. */
struct eng_job {
	volatile int cancel;      /* set by the UI thread or a signal handler */
	volatile int progress;    /* 0..100, -1 when unknown */
	char what[128];
	char detail[64];          /* what the percentage stands for: "412 MiB left at 85 MiB/s" */
	/* called on the working thread when progress changes (a CLI progress bar) */
	void (*on_progress)(struct eng_job *j);
};
void eng_job_attach(struct eng_job *j);      /* for the calling thread; NULL detaches */
struct eng_job *eng_job_current(void);
bool eng_job_cancelled(void);
void eng_job_progress(int pct);
/* The calling thread's job's detail (set before the progress it explains). */
void eng_job_detail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- guest agent and screens ---- */
/* qemu-guest-agent answers guest-info (within 2 s); version filled. */
int eng_agent_ping(struct eng *e, const char *name, char *version, size_t len, struct eng_error *err);
/* A running guest's graphical console as an address: "vnc://127.0.0.1:5900". */
int eng_domain_graphics(struct eng *e, const char *name, char *out, size_t len, struct eng_error *err);

/* The guest's screen as RGB, 3 bytes per pixel, rows top down. */
struct eng_image {
	int w, h;
	unsigned char *rgb;
};
/* A running guest's screen now (libvirt's screenshot stream); bytes = what
 * the stream carried. Needs a video device (vmdeck's guests have VNC). */
int eng_screenshot(struct eng *e, const char *name, struct eng_image *img, size_t *bytes, struct eng_error *err);
/* A binary PPM (P6, maxval up to 65535) or a PNG into img; -1 on anything else. */
int eng_ppm_decode(const unsigned char *buf, size_t len, struct eng_image *img, struct eng_error *err);
int eng_png_decode(const unsigned char *buf, size_t len, struct eng_image *img, struct eng_error *err);
void eng_image_free(struct eng_image *img);

/* ---- serial console ---- */
/* Bridges the guest's serial console to in_fd/out_fd until the escape byte
 * (Ctrl-] = 0x1d) is read from in_fd or the console closes. */
int eng_console_bridge(struct eng *e, const char *name, int in_fd, int out_fd,
		       unsigned char escape, struct eng_error *err);
/* A tap keeps the console's recent output (read-only; a console the user has
 * open is left alone) for a screen to show, e.g. an installer's. */
struct eng_console_tap;
struct eng_console_tap *eng_console_tap_open(struct eng *e, const char *name, struct eng_error *err);
/* The last bytes (at most len - 1), NUL-terminated; returns how many. */
size_t eng_console_tap_text(struct eng_console_tap *t, char *buf, size_t len);
/* The console closed (the guest stopped): open a new tap when it runs again. */
bool eng_console_tap_closed(struct eng_console_tap *t);
void eng_console_tap_close(struct eng_console_tap *t);

#endif
