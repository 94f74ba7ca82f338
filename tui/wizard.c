/* wizard.c - c: creating a VM in the five steps people learn, by keyboard:
 * 1 the hypervisor is ready, 2 new VM (name, OS, install source), 3 resources
 * (checked against the host), 4 install (the installer's console on screen),
 * 5 guest tools (does the agent answer; how to install it). The answers become
 * one `create` command line, shown before it runs, so the wizard does exactly
 * what the CLI does. The fields of each step are a table. */
#include <ctype.h>
#include <curses.h>
#include <stdarg.h>
#include <stddef.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "netcfg.h"
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

#define ANSWER(f) .off = offsetof(struct wiz_answers, f), .len = sizeof(((struct wiz_answers *)0)->f)

static const char *const sources[] = { "iso", "import", "linked", "kernel", "none", NULL };
static const char *const firmwares[] = { "bios", "uefi", NULL };
static const char *const yes_no[] = { "no", "yes", NULL };

static const struct wiz_field fields[] = {
	{ .step = WIZ_VM, .label = "name", .kind = WF_TEXT, ANSWER(name), .hint = "letters, digits, . _ - (up to 64)" },
	{ .step = WIZ_VM, .label = "start from profile", .kind = WF_PICK, ANSWER(profile), .list = WL_PROFILES,
	  .hint = "Enter: a preset fills the answers (optional)" },
	{ .step = WIZ_VM, .label = "OS", .kind = WF_PICK, ANSWER(os), .list = WL_OSES,
	  .hint = "Enter: search libosinfo; its recommended resources fill step 3" },
	{ .step = WIZ_VM, .label = "install from", .kind = WF_CHOICE, ANSWER(source), .choices = sources,
	  .hint = "iso: installer media; import: an existing disk; linked: overlay on a template; kernel: direct boot" },
	{ .step = WIZ_VM, .label = "ISO file", .kind = WF_PATH, ANSWER(iso), .source = "iso", .hint = "Tab completes the path" },
	{ .step = WIZ_VM, .label = "disk to import", .kind = WF_PATH, ANSWER(import), .source = "import",
	  .hint = "qcow2, raw; .vdi .vmdk .vhdx .vhd .ova are converted (Tab completes)" },
	{ .step = WIZ_VM, .label = "template VM", .kind = WF_PICK, ANSWER(base), .list = WL_VMS, .source = "linked",
	  .hint = "Enter: choose the shut-off VM to overlay" },
	{ .step = WIZ_VM, .label = "kernel", .kind = WF_PATH, ANSWER(kernel), .source = "kernel", .hint = "Tab completes the path" },
	{ .step = WIZ_VM, .label = "initrd", .kind = WF_PATH, ANSWER(initrd), .source = "kernel", .hint = "Tab completes the path" },
	{ .step = WIZ_VM, .label = "kernel cmdline", .kind = WF_TEXT, ANSWER(cmdline), .source = "kernel" },
	{ .step = WIZ_RESOURCES, .label = "vCPUs", .kind = WF_TEXT, ANSWER(cpus) },
	{ .step = WIZ_RESOURCES, .label = "memory", .kind = WF_TEXT, ANSWER(memory), .hint = "MiB when bare; K M G suffixes" },
	{ .step = WIZ_RESOURCES, .label = "disk size", .kind = WF_TEXT, ANSWER(disk), .hint = "GiB when bare; 0: no new disk" },
	{ .step = WIZ_RESOURCES, .label = "networks", .kind = WF_PICK, ANSWER(nets), .list = WL_NETS,
	  .hint = "Enter: tick networks (Space); each mode's reachability is shown" },
	{ .step = WIZ_RESOURCES, .label = "firmware", .kind = WF_CHOICE, ANSWER(firmware), .choices = firmwares,
	  .hint = "uefi: OVMF, when installed on the host" },
	{ .step = WIZ_RESOURCES, .label = "cloud-init seed", .kind = WF_CHOICE, ANSWER(seed), .choices = yes_no, .source = "import",
	  .hint = "cloud images: hostname, user, key; installs qemu-guest-agent" },
	{ .step = WIZ_RESOURCES, .label = "cloud-init user", .kind = WF_TEXT, ANSWER(cloud_user), .source = "import" },
	{ .step = WIZ_RESOURCES, .label = "SSH public key", .kind = WF_PATH, ANSWER(cloud_key), .source = "import",
	  .hint = "the user's key file (.pub; Tab completes)" },
	{ .step = WIZ_RESOURCES, .label = "overcommit", .kind = WF_CHOICE, ANSWER(force), .choices = yes_no,
	  .hint = "yes: more than the host has, a sparse disk beyond the pool's free space" },
};
#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

static const char *const step_names[WIZ__STEPS] = { "hypervisor", "new VM", "resources", "install",
						    "guest tools" };

static char *answer(struct tui_wizard *w, const struct wiz_field *f)
{
	return (char *)&w->a + f->off;
}

/* Fields that do not apply to the chosen source are hidden (and not used). */
static bool shown(const struct tui_wizard *w, const struct wiz_field *f)
{
	const char *src = w->a.source;
	bool linked = strcmp(src, "linked") == 0;

	if (f->source && strcmp(f->source, src) != 0)
		return false;
	if (linked && (f->off == offsetof(struct wiz_answers, disk) || f->off == offsetof(struct wiz_answers, nets) ||
		       f->off == offsetof(struct wiz_answers, firmware)))
		return false;   /* the clone keeps its template's devices */
	if (strcmp(src, "import") == 0 && f->off == offsetof(struct wiz_answers, disk))
		return false;   /* the imported disk is the disk */
	if ((f->off == offsetof(struct wiz_answers, cloud_user) || f->off == offsetof(struct wiz_answers, cloud_key)) &&
	    strcmp(w->a.seed, "yes") != 0)
		return false;
	return true;
}

/* The fields on screen for the current step, in table order. */
static int step_fields(const struct tui_wizard *w, const struct wiz_field **out, int max)
{
	int n = 0;

	for (size_t i = 0; i < N_FIELDS && n < max; i++)
		if (fields[i].step == w->step && shown(w, &fields[i]))
			out[n++] = &fields[i];
	return n;
}

void tui_quote_word(const char *w, char *out, size_t len)
{
	size_t o = 0;
	bool plain = *w != '\0';

	for (const char *p = w; *p; p++)
		plain &= isalnum((unsigned char)*p) || strchr("/._-+,:=@%", *p);
	if (plain) {
		snprintf(out, len, "%s", w);
		return;
	}
	/* single quotes keep everything; a quote inside is '\'' */
	if (o + 1 < len)
		out[o++] = '\'';
	for (const char *p = w; *p && o + 5 < len; p++) {
		if (*p == '\'') {
			memcpy(out + o, "'\\''", 4);
			o += 4;
		} else {
			out[o++] = *p;
		}
	}
	if (o + 1 < len)
		out[o++] = '\'';
	out[o] = '\0';
}

static void add_word(char *line, size_t len, const char *opt, const char *value)
{
	char q[2100];
	size_t used = strlen(line);

	if (opt) {
		snprintf(line + used, len - used, " %s", opt);
		used = strlen(line);
	}
	if (value) {
		tui_quote_word(value, q, sizeof(q));
		snprintf(line + used, len - used, " %s", q);
	}
}

/* The answers as the `create` command the CLI would take. */
static void build_line(const struct tui_wizard *w, char *line, size_t len)
{
	const struct wiz_answers *a = &w->a;
	const char *src = a->source;

	snprintf(line, len, "create");
	add_word(line, len, NULL, a->name);
	if (a->os[0])
		add_word(line, len, "--os", a->os);
	add_word(line, len, "--cpus", a->cpus);
	add_word(line, len, "--memory", a->memory);
	if (strcmp(src, "iso") == 0)
		add_word(line, len, "--iso", a->iso);
	else if (strcmp(src, "import") == 0)
		add_word(line, len, "--import", a->import);
	else if (strcmp(src, "linked") == 0)
		add_word(line, len, "--linked-to", a->base);
	else if (strcmp(src, "kernel") == 0) {
		add_word(line, len, "--kernel", a->kernel);
		if (a->initrd[0])
			add_word(line, len, "--initrd", a->initrd);
		if (a->cmdline[0])
			add_word(line, len, "--cmdline", a->cmdline);
	}
	if (strcmp(src, "linked") != 0) {
		char nets[sizeof(a->nets)], *save = NULL;
		bool any = false;
		if (strcmp(src, "import") != 0 && a->disk[0] && strcmp(a->disk, "0") != 0)
			add_word(line, len, "--disk", a->disk);
		snprintf(nets, sizeof(nets), "%s", a->nets);
		for (char *n = strtok_r(nets, ", ", &save); n; n = strtok_r(NULL, ", ", &save)) {
			add_word(line, len, "--network", n);
			any = true;
		}
		if (!any)
			add_word(line, len, "--network", "none");
		if (strcmp(a->firmware, "uefi") == 0)
			add_word(line, len, "--firmware", "uefi");
	}
	if (strcmp(src, "import") == 0 && strcmp(a->seed, "yes") == 0) {
		add_word(line, len, "--cloud-init", NULL);
		if (a->cloud_user[0])
			add_word(line, len, "--cloud-user", a->cloud_user);
		if (a->cloud_key[0])
			add_word(line, len, "--cloud-ssh-key", a->cloud_key);
	}
	if (strcmp(a->force, "yes") == 0)
		add_word(line, len, "--force", NULL);
	add_word(line, len, "--start", NULL);
}

/* ---- opening, closing ---- */

static void say(struct tui_wizard *w, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(struct tui_wizard *w, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->msg, sizeof(w->msg), fmt, ap);
	va_end(ap);
	w->msg_error = error;
}


void tui_wizard_open(struct tui *t)
{
	struct tui_wizard *w;

	if (t->g.readonly) {
		tui_set_status(t, true, "read-only connection: cannot create");
		return;
	}
	if (t->wiz) {   /* back to the wizard that is open */
		t->view = VIEW_WIZARD;
		return;
	}
	if (!(w = calloc(1, sizeof(*w)))) {
		tui_set_status(t, true, "out of memory");
		return;
	}
	snprintf(w->a.source, sizeof(w->a.source), "iso");
	snprintf(w->a.cpus, sizeof(w->a.cpus), "1");
	snprintf(w->a.memory, sizeof(w->a.memory), "512M");
	snprintf(w->a.disk, sizeof(w->a.disk), "10G");
	snprintf(w->a.nets, sizeof(w->a.nets), "default");
	snprintf(w->a.firmware, sizeof(w->a.firmware), "bios");
	snprintf(w->a.seed, sizeof(w->a.seed), "no");
	snprintf(w->a.force, sizeof(w->a.force), "no");
	w->picker = -1;
	w->agent = -1;
	prof_profile_list(&w->profiles, &w->n_profiles);
	pthread_mutex_lock(&t->lock);
	t->wiz = w;
	t->view = VIEW_WIZARD;
	t->nets_ok = false;
	t->refresh_wanted = true;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

/* The UI thread closes; the refresh thread lets its tap go when it sees no wizard. */
static void wizard_close(struct tui *t)
{
	char sel[ENG_NAME_MAX + 1] = "";

	pthread_mutex_lock(&t->lock);
	if (t->wiz->done && t->wiz->rc == 0)
		snprintf(sel, sizeof(sel), "%s", t->wiz->watch);
	pthread_mutex_unlock(&t->lock);
	tui_wizard_free(t);
	t->view = VIEW_LIST;
	if (sel[0])   /* the list selects the new guest */
		snprintf(t->sel_name, sizeof(t->sel_name), "%s", sel);
}

void tui_wizard_free(struct tui *t)
{
	struct tui_wizard *w;

	pthread_mutex_lock(&t->lock);
	w = t->wiz;
	t->wiz = NULL;      /* the refresh thread lets the console tap go */
	pthread_mutex_unlock(&t->lock);
	if (!w)
		return;
	free(w->profiles);
	free(w->oses);
	free(w->job_output);
	free(w);
}

void tui_wizard_job_done(struct tui *t, int rc, char *output)
{
	struct tui_wizard *w = t->wiz;

	if (!w->started) {   /* step 1's host --setup: its first line says what it made */
		char first[300];
		snprintf(first, sizeof(first), "%.*s", (int)strcspn(output, "\n"), output);
		say(w, rc != 0, "%s", first[0] ? first : rc ? "set-up failed" : "set up");
		free(output);
		pthread_mutex_lock(&t->lock);
		w->host_stale = true;
		t->refresh_wanted = true;
		pthread_cond_signal(&t->cond);
		pthread_mutex_unlock(&t->lock);
		return;
	}
	pthread_mutex_lock(&t->lock);
	w->done = true;
	w->rc = rc;
	free(w->job_output);
	w->job_output = output;
	w->installing = false;
	if (rc == 0) {
		w->step = WIZ_TOOLS;
		w->tools_since = (double)tui_now_ns() / 1e9;
	}
	t->refresh_wanted = true;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

/* ---- the refresh thread's part (libvirt calls happen only here) ---- */

static void keep_tail(char *dst, size_t cap, const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);

	if (nb >= cap - 1) {
		snprintf(dst, cap, "%s", b + nb - (cap - 1));
	} else {
		size_t skip = na + nb > cap - 1 ? na + nb - (cap - 1) : 0;
		snprintf(dst, cap, "%s%s", a + skip, b);
	}
}

/* One tap per boot of the guest being made (an install powers off, then the
 * disk boots): what a closed tap showed is kept above the next one's. */
static void follow_console(struct tui *t, const char *vm, bool running, char *text, size_t len)
{
	char now[8192];

	text[0] = '\0';
	if (t->wiz_tap && (strcmp(t->wiz_tap_vm, vm) != 0 || eng_console_tap_closed(t->wiz_tap))) {
		eng_console_tap_text(t->wiz_tap, now, sizeof(now));
		if (strcmp(t->wiz_tap_vm, vm) == 0)
			keep_tail(t->wiz_console_prev, sizeof(t->wiz_console_prev), t->wiz_console_prev, now);
		eng_console_tap_close(t->wiz_tap);
		t->wiz_tap = NULL;
	}
	if (strcmp(t->wiz_tap_vm, vm) != 0) {
		t->wiz_console_prev[0] = '\0';
		snprintf(t->wiz_tap_vm, sizeof(t->wiz_tap_vm), "%s", vm);
	}
	if (!vm[0])
		return;
	if (!t->wiz_tap && running)
		t->wiz_tap = eng_console_tap_open(t->eng, vm, NULL);
	now[0] = '\0';
	if (t->wiz_tap)
		eng_console_tap_text(t->wiz_tap, now, sizeof(now));
	keep_tail(text, len, t->wiz_console_prev, now);
}

/* Locks and says whether w is still the open wizard (results go only to it);
 * unlocks when not. */
static bool still_open(struct tui *t, struct tui_wizard *w)
{
	pthread_mutex_lock(&t->lock);
	if (w && t->wiz == w)
		return true;
	pthread_mutex_unlock(&t->lock);
	return false;
}

void tui_wizard_refresh(struct tui *t)
{
	struct tui_wizard *w;
	struct eng_host host;
	struct eng_os *oses = NULL;
	size_t n_oses = 0;
	struct eng_error err = { 0 };
	char vm[ENG_NAME_MAX + 1] = "", text[sizeof(w->console)], gfx[128] = "", version[32] = "";
	char why[512] = "";
	bool want_host = false, want_oses = false, tools = false;
	int agent = -1;
	enum eng_state st = ENG_ST_OTHER;

	pthread_mutex_lock(&t->lock);
	if ((w = t->wiz)) {
		want_host = !w->host_ok || w->host_stale || w->step <= WIZ_RESOURCES;
		want_oses = !w->oses_ok && !w->oses_err[0];
		snprintf(vm, sizeof(vm), "%s", w->watch);
		tools = w->step == WIZ_TOOLS;
	}
	pthread_mutex_unlock(&t->lock);

	/* each result is shown as soon as it is there (the first domain
	 * capabilities query of a fresh libvirtd takes seconds) */
	if (want_host && eng_host_info(t->eng, &host, &err) == 0 && still_open(t, w)) {
		w->host = host;
		w->host_ok = true;
		w->host_stale = false;
		pthread_mutex_unlock(&t->lock);
	}
	if (want_oses) {
		if (eng_os_list(&oses, &n_oses, &err) < 0)
			snprintf(why, sizeof(why), "%s", err.msg);
		if (still_open(t, w)) {
			w->oses = oses;
			w->n_oses = n_oses;
			w->oses_ok = oses != NULL;
			if (!oses)
				snprintf(w->oses_err, sizeof(w->oses_err), "%s", why[0] ? why : "no OS database");
			pthread_mutex_unlock(&t->lock);
		} else {
			free(oses);
		}
	}
	if (vm[0] && eng_domain_state(t->eng, vm, &st, NULL) == 0 && st == ENG_ST_RUNNING)
		eng_domain_graphics(t->eng, vm, gfx, sizeof(gfx), NULL);
	follow_console(t, vm, st == ENG_ST_RUNNING, text, sizeof(text));
	if (tools && st == ENG_ST_RUNNING) {
		struct eng_error aerr = { 0 };
		agent = eng_agent_ping(t->eng, vm, version, sizeof(version), &aerr) == 0;
		if (!agent)
			snprintf(why, sizeof(why), "%s", aerr.msg);
	}
	if (!vm[0] || !still_open(t, w))
		return;
	snprintf(w->console, sizeof(w->console), "%s", text);
	snprintf(w->graphics, sizeof(w->graphics), "%s", gfx);
	if (agent >= 0 && w->agent != 1) {
		w->agent = agent;
		snprintf(w->agent_version, sizeof(w->agent_version), "%s", version);
		snprintf(w->agent_why, sizeof(w->agent_why), "%s", why);
	}
	pthread_mutex_unlock(&t->lock);
}

/* ---- checks: what the user would be told by `create`, said before it runs ---- */

static bool vm_exists(const struct tui *t, const char *name)
{
	for (size_t i = 0; i < t->n_rows; i++)
		if (strcmp(t->rows[i].s.name, name) == 0)
			return true;
	return false;
}

static bool readable_file(struct tui_wizard *w, const char *what, const char *path)
{
	struct stat st;

	if (!path[0]) {
		say(w, true, "%s: give a file", what);
		return false;
	}
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || access(path, R_OK) < 0) {
		say(w, true, "%s %s: no such readable file", what, path);
		return false;
	}
	return true;
}

static bool check_vm_step(struct tui *t, struct tui_wizard *w)
{
	struct eng_error err = { 0 };
	const char *src = w->a.source;

	if (eng_name_check("VM", w->a.name, &err) < 0) {
		say(w, true, "%s", w->a.name[0] ? err.msg : "name: give the new VM a name");
		return false;
	}
	if (vm_exists(t, w->a.name)) {
		say(w, true, "a VM named '%s' already exists", w->a.name);
		return false;
	}
	if (strcmp(src, "iso") == 0)
		return readable_file(w, "ISO", w->a.iso);
	if (strcmp(src, "import") == 0)
		return readable_file(w, "disk", w->a.import);
	if (strcmp(src, "kernel") == 0)
		return readable_file(w, "kernel", w->a.kernel) &&
		       (!w->a.initrd[0] || readable_file(w, "initrd", w->a.initrd));
	if (strcmp(src, "linked") == 0 && !w->a.base[0]) {
		say(w, true, "template VM: choose the VM to overlay (Enter on the field)");
		return false;
	}
	return true;
}

/* Step 3: refuse what cannot work, warn about what is unwise (host figures in
 * the message, as `create` says them). */
static bool check_resources(struct tui_wizard *w)
{
	struct eng_error err = { 0 };
	unsigned cpus;
	unsigned long long mem, disk = 0;
	char a[32], b[32];
	bool force = strcmp(w->a.force, "yes") == 0;
	const struct eng_host *h = &w->host;

	if (eng_count_parse("vCPUs", w->a.cpus, 4096, &cpus, &err) < 0 ||
	    eng_size_parse("memory", w->a.memory, ENG_UNIT_MIB, &mem, &err) < 0 ||
	    (w->a.disk[0] && strcmp(w->a.disk, "0") != 0 &&
	     eng_size_parse("disk size", w->a.disk, ENG_UNIT_GIB, &disk, &err) < 0)) {
		say(w, true, "%s", err.msg);
		return false;
	}
	if (mem < (1ULL << 20)) {
		say(w, true, "memory %s: at least 1 MiB", w->a.memory);
		return false;
	}
	if (!w->host_ok) {
		say(w, false, "reading the host's figures...");
		return true;
	}
	if (!force && cpus > h->cpus) {
		say(w, true, "%u vCPUs exceed the host's %u logical CPUs: fewer, or overcommit: yes", cpus, h->cpus);
		return false;
	}
	if (!force && mem > h->mem_total_kib * 1024) {
		eng_size_format(h->mem_total_kib * 1024, a, sizeof(a));
		say(w, true, "%s of memory exceeds the host's %s: less, or overcommit: yes", w->a.memory, a);
		return false;
	}
	if (!force && disk && h->pool_active && disk > h->pool_available && strcmp(w->a.source, "import") &&
	    strcmp(w->a.source, "linked")) {
		eng_size_format(h->pool_available, a, sizeof(a));
		say(w, true, "a %s disk is more than pool %s has free (%s): smaller, or overcommit: yes "
			     "(sparse: space is taken as the guest writes)", w->a.disk, ENG_POOL_NAME, a);
		return false;
	}
	if (strcmp(w->a.firmware, "uefi") == 0 && !h->uefi) {
		say(w, true, "no UEFI firmware on the host (apt-get install ovmf), or firmware: bios");
		return false;
	}
	if (h->mem_free_kib && mem > h->mem_free_kib * 1024) {
		eng_size_format(h->mem_free_kib * 1024, a, sizeof(a));
		eng_size_format(h->mem_total_kib * 1024, b, sizeof(b));
		say(w, false, "warning: %s is more than the host's free memory (%s free of %s): it may swap",
		    w->a.memory, a, b);
		return true;
	}
	w->msg[0] = '\0';
	return true;
}

/* ---- the answers from a profile, an OS's recommendations ---- */

static const struct eng_os *find_os(const struct tui_wizard *w, const char *short_id)
{
	for (size_t i = 0; short_id[0] && i < w->n_oses; i++)
		if (strcmp(w->oses[i].short_id, short_id) == 0)
			return &w->oses[i];
	return NULL;
}

static void size_text(char *out, size_t len, unsigned long long bytes)
{
	if (bytes >= (1ULL << 30) && bytes % (1ULL << 30) == 0)
		snprintf(out, len, "%lluG", bytes >> 30);
	else
		snprintf(out, len, "%lluM", bytes >> 20);
}

static void os_chosen(struct tui_wizard *w, const struct eng_os *os)
{
	char mem[16] = "", disk[16] = "";

	snprintf(w->a.os, sizeof(w->a.os), "%s", os ? os->short_id : "");
	if (!os) {
		say(w, false, "OS: other (no libosinfo id; set the resources yourself)");
		return;
	}
	if (os->cpus)
		snprintf(w->a.cpus, sizeof(w->a.cpus), "%u", os->cpus);
	if (os->ram_mib) {
		size_text(mem, sizeof(mem), os->ram_mib << 20);
		snprintf(w->a.memory, sizeof(w->a.memory), "%s", mem);
	}
	if (os->storage_bytes) {
		size_text(disk, sizeof(disk), os->storage_bytes);
		snprintf(w->a.disk, sizeof(w->a.disk), "%s", disk);
	}
	say(w, false, "%s recommends memory %s, vCPUs %s, disk %s: filled in for step 3", os->name,
	    mem[0] ? mem : "(none said)", os->cpus ? w->a.cpus : "(none said)", disk[0] ? disk : "(none said)");
}

static void profile_chosen(struct tui_wizard *w, const struct prof_entry *e)
{
	struct vm_profile *p = calloc(1, sizeof(*p));
	struct eng_error err = { 0 };
	struct wiz_answers *a = &w->a;

	if (!p || prof_profile_load(e->path, p, &err) < 0) {
		say(w, true, "%s", p ? err.msg : "out of memory");
		free(p);
		return;
	}
	snprintf(a->profile, sizeof(a->profile), "%s", p->name);
	snprintf(a->os, sizeof(a->os), "%s", p->os);
	if (p->cpus)
		snprintf(a->cpus, sizeof(a->cpus), "%u", p->cpus);
	if (p->memory_mib)
		size_text(a->memory, sizeof(a->memory), p->memory_mib << 20);
	if (p->disk_bytes)
		size_text(a->disk, sizeof(a->disk), p->disk_bytes);
	if (p->iso[0])
		snprintf(a->source, sizeof(a->source), "iso"), snprintf(a->iso, sizeof(a->iso), "%s", p->iso);
	else if (p->import[0])
		snprintf(a->source, sizeof(a->source), "import"), snprintf(a->import, sizeof(a->import), "%s", p->import);
	else if (p->kernel[0]) {
		snprintf(a->source, sizeof(a->source), "kernel");
		snprintf(a->kernel, sizeof(a->kernel), "%s", p->kernel);
		snprintf(a->initrd, sizeof(a->initrd), "%s", p->initrd);
		snprintf(a->cmdline, sizeof(a->cmdline), "%s", p->cmdline);
	}
	a->nets[0] = '\0';
	for (size_t i = 0; i < p->n_nets; i++)
		if (strcmp(p->nets[i], "none") != 0) {
			size_t used = strlen(a->nets);
			snprintf(a->nets + used, sizeof(a->nets) - used, "%s%s", used ? ", " : "", p->nets[i]);
		}
	say(w, false, "profile %s: %s", p->name, p->description);
	free(p);
}

/* s: the answers as the user's own profile, read back like any other */
static void save_profile(struct tui *t, struct tui_wizard *w)
{
	char name[ENG_NAME_MAX + 1] = "", path[1100];
	struct vm_profile *p = calloc(1, sizeof(*p));
	struct eng_error err = { 0 };
	unsigned long long bytes;
	const struct wiz_answers *a = &w->a;

	if (!p)
		return;
	if (!tui_prompt_read(t, "save the answers as profile named: ", name, sizeof(name), false) || !name[0]) {
		free(p);
		return;
	}
	snprintf(p->description, sizeof(p->description), "saved from the create wizard (VM %s)", a->name);
	snprintf(p->os, sizeof(p->os), "%s", a->os);
	eng_count_parse("vCPUs", a->cpus, 4096, &p->cpus, NULL);
	if (eng_size_parse("memory", a->memory, ENG_UNIT_MIB, &bytes, NULL) == 0)
		p->memory_mib = bytes >> 20;
	if (strcmp(a->source, "import") && strcmp(a->source, "linked") &&
	    eng_size_parse("disk", a->disk, ENG_UNIT_GIB, &bytes, NULL) == 0)
		p->disk_bytes = bytes;
	if (strcmp(a->source, "iso") == 0)
		snprintf(p->iso, sizeof(p->iso), "%s", a->iso);
	else if (strcmp(a->source, "import") == 0)
		snprintf(p->import, sizeof(p->import), "%s", a->import);
	else if (strcmp(a->source, "kernel") == 0) {
		snprintf(p->kernel, sizeof(p->kernel), "%s", a->kernel);
		snprintf(p->initrd, sizeof(p->initrd), "%s", a->initrd);
		snprintf(p->cmdline, sizeof(p->cmdline), "%s", a->cmdline);
	}
	{
		char nets[sizeof(a->nets)], *save = NULL;
		snprintf(nets, sizeof(nets), "%s", a->nets);
		for (char *n = strtok_r(nets, ", ", &save); n && p->n_nets < VM_SPEC_MAX_NETS; n = strtok_r(NULL, ", ", &save))
			snprintf(p->nets[p->n_nets++], sizeof(p->nets[0]), "%s", n);
		if (!p->n_nets)
			snprintf(p->nets[p->n_nets++], sizeof(p->nets[0]), "none");
	}
	p->agent = true;
	if (prof_profile_save(name, p, path, sizeof(path), &err) < 0)
		say(w, true, "%s", err.msg);
	else
		say(w, false, "saved as profile %s (%s): vmdeck create NAME --profile %s", name, path, name);
	free(p);
}

/* ---- path completion (Tab): the longest common prefix of the matches ---- */

static void complete_path(char *buf, size_t cap)
{
	char pat[1100];
	glob_t g;

	snprintf(pat, sizeof(pat), "%.1024s*", buf);
	if (glob(pat, GLOB_MARK | GLOB_NOESCAPE, NULL, &g) != 0)
		return;
	size_t common = strlen(g.gl_pathv[0]);
	for (size_t i = 1; i < g.gl_pathc; i++) {
		size_t k = 0;
		while (k < common && g.gl_pathv[i][k] == g.gl_pathv[0][k])
			k++;
		common = k;
	}
	if (common < cap && common >= strlen(buf))
		snprintf(buf, cap, "%.*s", (int)common, g.gl_pathv[0]);
	globfree(&g);
}

/* ---- the picker: a filtered list over the form ---- */

struct pick_item {
	char key[ENG_NAME_MAX + 1];        /* what the answer becomes */
	char text[200];                    /* what the list shows */
	const void *ref;
};

static bool matches(const char *filter, const char *a, const char *b)
{
	return !filter[0] || strcasestr(a, filter) || (b && strcasestr(b, filter));
}

static bool ticked(const char *list, const char *name)
{
	char copy[512], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", list);
	for (char *n = strtok_r(copy, ", ", &save); n; n = strtok_r(NULL, ", ", &save))
		if (strcmp(n, name) == 0)
			return true;
	return false;
}

static int pick_items(struct tui *t, const struct tui_wizard *w, enum wf_list list, struct pick_item *out, int max)
{
	int n = 0;
	const char *f = w->pick_filter;

	switch (list) {
	case WL_PROFILES:
		for (size_t i = 0; i < w->n_profiles && n < max; i++)
			if (matches(f, w->profiles[i].name, NULL)) {
				snprintf(out[n].key, sizeof(out[n].key), "%s", w->profiles[i].name);
				snprintf(out[n].text, sizeof(out[n].text), "%-20s %s", w->profiles[i].name,
					 w->profiles[i].shipped ? "(shipped)" : "(yours)");
				out[n++].ref = &w->profiles[i];
			}
		break;
	case WL_OSES:
		if (matches(f, "other", "no OS id") && n < max) {
			snprintf(out[n].text, sizeof(out[n].text), "%-20s %s", "(other)", "no OS id: set resources yourself");
			out[n].key[0] = '\0';
			out[n++].ref = NULL;
		}
		for (int pass = 0; pass < 2; pass++)   /* generic Linux first */
			for (size_t i = 0; i < w->n_oses && n < max; i++) {
				const struct eng_os *os = &w->oses[i];
				bool generic = strncmp(os->short_id, "linux20", 7) == 0;
				if (generic != (pass == 0) || !matches(f, os->short_id, os->name))
					continue;
				snprintf(out[n].key, sizeof(out[n].key), "%s", os->short_id);
				snprintf(out[n].text, sizeof(out[n].text), "%-20s %s", os->short_id, os->name);
				out[n++].ref = os;
			}
		break;
	case WL_VMS:
		for (size_t i = 0; i < t->n_rows && n < max; i++)
			if (matches(f, t->rows[i].s.name, NULL)) {
				snprintf(out[n].key, sizeof(out[n].key), "%s", t->rows[i].s.name);
				snprintf(out[n].text, sizeof(out[n].text), "%-24s %s", t->rows[i].s.name,
					 eng_state_name(t->rows[i].s.state));
				out[n++].ref = NULL;
			}
		break;
	case WL_NETS:
		pthread_mutex_lock(&t->lock);
		for (size_t i = 0; i < t->n_nets && n < max; i++) {
			const struct eng_net *net = &t->nets[i];
			const struct net_mode_def *m = net_mode_find(net->mode);
			if (!matches(f, net->name, net->mode))
				continue;
			snprintf(out[n].key, sizeof(out[n].key), "%s", net->name);
			snprintf(out[n].text, sizeof(out[n].text), "[%c] %-14.14s %-8s %s",
				 ticked(w->a.nets, net->name) ? 'x' : ' ', net->name, net->mode,
				 m ? m->summary : "made outside vmdeck");
			out[n++].ref = NULL;
		}
		pthread_mutex_unlock(&t->lock);
		break;
	default:
		break;
	}
	return n;
}

static void toggle_net(struct tui_wizard *w, const char *name)
{
	char copy[512], out[512] = "", *save = NULL;
	bool had = false;

	snprintf(copy, sizeof(copy), "%s", w->a.nets);
	for (char *n = strtok_r(copy, ", ", &save); n; n = strtok_r(NULL, ", ", &save)) {
		if (strcmp(n, name) == 0) {
			had = true;
			continue;
		}
		size_t used = strlen(out);
		snprintf(out + used, sizeof(out) - used, "%s%s", used ? ", " : "", n);
	}
	if (!had) {
		size_t used = strlen(out);
		snprintf(out + used, sizeof(out) - used, "%s%s", used ? ", " : "", name);
	}
	snprintf(w->a.nets, sizeof(w->a.nets), "%s", out);
}

#define PICK_MAX 2048

static void picker_key(struct tui *t, struct tui_wizard *w, int ch)
{
	const struct wiz_field *f = &fields[w->picker];
	struct pick_item *items = calloc(PICK_MAX, sizeof(*items));
	int n = items ? pick_items(t, w, f->list, items, PICK_MAX) : 0;
	size_t fl = strlen(w->pick_filter);

	if (!items)
		return;
	if (ch == 27) {
		w->picker = -1;
	} else if (ch == KEY_DOWN) {
		w->pick_sel += w->pick_sel + 1 < n;
	} else if (ch == KEY_UP) {
		w->pick_sel -= w->pick_sel > 0;
	} else if (ch == KEY_NPAGE || ch == KEY_PPAGE) {
		w->pick_sel += ch == KEY_NPAGE ? LINES - 10 : -(LINES - 10);
	} else if (ch == ' ' && f->list == WL_NETS && n > 0) {
		toggle_net(w, items[w->pick_sel].key);
	} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		if (f->list == WL_NETS) {
			w->picker = -1;
		} else if (n > 0) {
			const struct pick_item *it = &items[w->pick_sel];
			if (f->list == WL_OSES)
				os_chosen(w, it->ref);
			else if (f->list == WL_PROFILES)
				profile_chosen(w, it->ref);
			else
				snprintf(answer(w, f), f->len, "%s", it->key);
			w->picker = -1;
		}
	} else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && fl) {
		w->pick_filter[fl - 1] = '\0';
		w->pick_sel = 0;
	} else if (ch >= 0x20 && ch < 0x7f && ch != ' ' && fl + 1 < sizeof(w->pick_filter)) {
		w->pick_filter[fl] = (char)ch;
		w->pick_filter[fl + 1] = '\0';
		w->pick_sel = 0;
	}
	if (w->pick_sel >= n)
		w->pick_sel = n > 0 ? n - 1 : 0;
	if (w->pick_sel < 0)
		w->pick_sel = 0;
	free(items);
}

static void draw_picker(struct tui *t, struct tui_wizard *w)
{
	const struct wiz_field *f = &fields[w->picker];
	struct pick_item *items = calloc(PICK_MAX, sizeof(*items));
	int n = items ? pick_items(t, w, f->list, items, PICK_MAX) : 0, rows = LINES - 8, top;
	char head[400];

	if (!items)
		return;
	top = w->pick_sel >= rows ? w->pick_sel - rows + 1 : 0;
	for (int y = 3; y < LINES - 3; y++) {
		move(y, 0);
		clrtoeol();
	}
	if (f->list == WL_OSES && !w->oses_ok)
		snprintf(head, sizeof(head), "OS: %s", w->oses_err[0] ? w->oses_err : "reading libosinfo's database...");
	else
		snprintf(head, sizeof(head), "%s: type to filter [%s]  Up/Down  %s  Esc cancels", f->label,
			 w->pick_filter, f->list == WL_NETS ? "Space ticks, Enter done" : "Enter chooses");
	attron(A_BOLD);
	mvaddnstr(3, 0, head, COLS);
	attroff(A_BOLD);
	for (int i = top; i < n && i - top < rows; i++) {
		if (i == w->pick_sel)
			attron(A_REVERSE);
		mvaddnstr(4 + i - top, 2, items[i].text, COLS - 2);
		if (i == w->pick_sel)
			attroff(A_REVERSE);
	}
	if (n == 0)
		mvaddstr(4, 2, f->list == WL_NETS && !t->nets_ok ? "reading networks..." : "(nothing matches)");
	free(items);
}

/* ---- drawing ---- */

/* The console as text for curses: escape sequences and control bytes out. */
static void clean_console(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (const char *p = in; *p && o + 1 < len; p++) {
		if (*p == 27) {   /* ESC [ ... final byte, or ESC + one byte */
			if (p[1] == '[') {
				p += 2;
				while (*p && !(*p >= 0x40 && *p <= 0x7e))
					p++;
			} else if (p[1]) {
				p++;
			}
			if (!*p)
				break;
			continue;
		}
		if (*p == '\n' || (unsigned char)*p >= 0x20)
			out[o++] = *p == 0x7f ? ' ' : *p;
	}
	out[o] = '\0';
}

/* The last lines of text that fit between rows y0 and y1. */
static void draw_tail(const char *text, int y0, int y1)
{
	const char *lines[64];
	int n = 0;

	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		bool blank = true;
		for (size_t i = 0; i < l; i++)
			blank &= p[i] == ' ';
		if (!blank) {
			if (n == 64)
				memmove(lines, lines + 1, sizeof(lines[0]) * --n);
			lines[n++] = p;
		}
		p = e ? e + 1 : p + l;
	}
	for (int i = n > y1 - y0 ? n - (y1 - y0) : 0, y = y0; i < n; i++, y++) {
		size_t l = strcspn(lines[i], "\n");
		mvaddnstr(y, 2, lines[i], (int)l < COLS - 3 ? (int)l : COLS - 3);
	}
}

static void draw_console_panel(struct tui_wizard *w, int y0, int y1)
{
	char clean[sizeof(w->console)];

	if (y1 - y0 < 2)
		return;
	attron(A_BOLD);
	mvprintw(y0, 0, "serial console of %s (o opens it to type; Ctrl-] returns):", w->watch);
	attroff(A_BOLD);
	clean_console(w->console, clean, sizeof(clean));
	draw_tail(clean[0] ? clean : "(nothing yet)", y0 + 1, y1);
}

static void draw_steps(const struct tui_wizard *w)
{
	move(1, 0);
	clrtoeol();
	for (int i = 0; i < WIZ__STEPS; i++) {
		if (i)
			addstr(" > ");
		if (i == (int)w->step)
			attron(A_REVERSE | A_BOLD);
		printw("%d %s", i + 1, step_names[i]);
		if (i == (int)w->step)
			attroff(A_REVERSE | A_BOLD);
	}
}

static void draw_msg(struct tui *t, const struct tui_wizard *w, int y)
{
	if (!w->msg[0])
		return;
	if (w->msg_error)
		attron(A_BOLD | (t->color ? COLOR_PAIR(3) : 0));
	mvaddnstr(y, 0, w->msg, COLS);
	if (w->msg_error)
		attroff(A_BOLD | (t->color ? COLOR_PAIR(3) : 0));
}

static void draw_keys(const char *keys)
{
	move(LINES - 2, 0);
	clrtoeol();
	attron(A_BOLD);
	mvaddnstr(LINES - 2, 0, keys, COLS);
	attroff(A_BOLD);
}

static void draw_host(struct tui_wizard *w)
{
	const struct eng_host *h = &w->host;
	char tot[32], fr[32];
	int y = 3;

	mvaddstr(y++, 0, "Step 1/5: the hypervisor is ready");
	if (!w->host_ok) {
		mvaddstr(y + 1, 2, "reading the host...");
		return;
	}
	eng_size_format(h->mem_total_kib * 1024, tot, sizeof(tot));
	eng_size_format(h->mem_free_kib * 1024, fr, sizeof(fr));
	y++;
	mvprintw(y++, 2, "%-12s ok: libvirt %s at %s", "libvirt", h->lv_version, h->uri);
	mvprintw(y++, 2, "%-12s %s %s, %s", "hypervisor", h->hypervisor, h->hv_version, h->accel.accel);
	mvaddnstr(y++, 15, h->accel.why, COLS - 16);   /* why KVM or TCG, on a line of its own */
	mvprintw(y++, 2, "%-12s %u logical CPUs, %s memory (%s free)", "host", h->cpus, tot, fr);
	if (h->pool_active) {
		eng_size_format(h->pool_available, fr, sizeof(fr));
		mvprintw(y++, 2, "%-12s ok: pool %s at %s, %s free", "storage", ENG_POOL_NAME, h->pool_path, fr);
	} else {
		mvprintw(y++, 2, "%-12s pool %s %s: s makes it", "storage", ENG_POOL_NAME,
			 h->pool_exists ? "is inactive" : "is missing");
	}
	mvprintw(y++, 2, "%-12s %s", "network", h->default_net_active ? "ok: default (NAT) is active"
					    : h->default_net_exists ? "default is inactive: s starts it"
								    : "no default network: s makes a NAT one");
	mvprintw(y++, 2, "%-12s BIOS%s", "firmware", h->uefi ? ", UEFI (OVMF)" : "; UEFI: apt-get install ovmf");
}

static void draw_form(struct tui *t, struct tui_wizard *w)
{
	const struct wiz_field *f[N_FIELDS];
	int n = step_fields(w, f, (int)N_FIELDS), y = 4;

	mvprintw(3, 0, "Step %d/5: %s", (int)w->step + 1, w->step == WIZ_VM ? "new VM: name, OS, install source"
							    : "allocate resources (checked against the host)");
	if (w->field >= n)
		w->field = n - 1;
	for (int i = 0; i < n && y < LINES - 6; i++, y++) {
		const char *v = answer(w, f[i]);
		char shownv[1100];
		if (f[i]->kind == WF_CHOICE)
			snprintf(shownv, sizeof(shownv), "< %s >", v);
		else if (f[i]->kind == WF_PICK)
			snprintf(shownv, sizeof(shownv), "%s", v[0] ? v : f[i]->list == WL_OSES ? "(other)" : "(none)");
		else
			snprintf(shownv, sizeof(shownv), "%s", v);
		mvprintw(y, 2, "%-18s: ", f[i]->label);
		if (i == w->field)
			attron(A_REVERSE);
		addnstr(shownv, COLS - 24);
		if (i == w->field && f[i]->kind != WF_CHOICE && f[i]->kind != WF_PICK)
			addch(' ');   /* where typing goes */
		if (i == w->field)
			attroff(A_REVERSE);
	}
	if (w->field >= 0 && w->field < n && f[w->field]->hint)
		mvaddnstr(++y, 2, f[w->field]->hint, COLS - 2);
	if (w->step == WIZ_RESOURCES && strcmp(w->a.source, "linked") != 0) {
		/* what each chosen network lets the guest reach */
		char nets[512], *save = NULL;
		snprintf(nets, sizeof(nets), "%s", w->a.nets);
		/* (the caller holds t->lock: t->nets is the refresh thread's) */
		for (char *nm = strtok_r(nets, ", ", &save); nm && y < LINES - 5; nm = strtok_r(NULL, ", ", &save)) {
			const struct net_mode_def *m = NULL;
			for (size_t i = 0; i < t->n_nets; i++)
				if (strcmp(t->nets[i].name, nm) == 0)
					m = net_mode_find(t->nets[i].mode);
			mvprintw(++y, 2, "%s (%s): ", nm, m ? m->name : "?");
			addnstr(m ? m->summary : "not known here", COLS - getcurx(stdscr) - 1);
			if (m) {
				char cells[200];
				snprintf(cells, sizeof(cells), "VM->host %s  VM<->VM %s  VM->out %s  out->VM %s",
					 m->reach[0], m->reach[1], m->reach[2], m->reach[3]);
				mvaddnstr(++y, 4, cells, COLS - 5);
			}
		}
	}
	draw_msg(t, w, LINES - 4);
}

static void draw_install(struct tui *t, struct tui_wizard *w)
{
	char line[TUI_LINE_MAX];
	int y = 5;

	mvaddstr(3, 0, w->started ? "Step 4/5: install the guest OS" : "Step 4/5: install: vmdeck will run");
	if (!w->started) {
		build_line(w, line, sizeof(line));
		attron(A_BOLD);
		for (size_t off = 0, len = strlen(line); off < len && y < LINES - 6; off += (size_t)(COLS - 4), y++)
			mvaddnstr(y, 2, line + off, COLS - 4);
		attroff(A_BOLD);
		y++;
		if (strcmp(w->a.source, "iso") == 0) {
			mvaddnstr(y++, 2, "The ISO boots first; when the installer powers off or reboots,", COLS - 2);
			mvaddnstr(y++, 2, "vmdeck ejects it and boots the disk.", COLS - 2);
		}
		draw_msg(t, w, LINES - 4);
		return;
	}
	if (w->done && w->rc != 0) {
		attron(A_BOLD | (t->color ? COLOR_PAIR(3) : 0));
		mvaddstr(y++, 2, "create failed:");
		attroff(A_BOLD | (t->color ? COLOR_PAIR(3) : 0));
		draw_tail(w->job_output ? w->job_output : "", y, LINES - 3);
		return;
	}
	if (w->installing)
		mvprintw(y++, 2, "installing %s: waiting for the installer to power off or reboot", w->watch);
	else
		mvprintw(y++, 2, "creating %s...%s", w->watch,
			 t->job && t->job->job.progress > 0 ? " (converting the disk)" : "");
	if (t->job && t->job->job.progress > 0)
		mvprintw(y++, 2, "progress: %d%%", t->job->job.progress);
	if (w->graphics[0])
		mvprintw(y++, 2, "graphical console: %s  (virt-viewer -c %s %s)", w->graphics,
			 t->eng ? eng_uri(t->eng) : "URI", w->watch);
	draw_console_panel(w, y + 1, LINES - 3);
}

static void draw_tools(struct tui *t, struct tui_wizard *w)
{
	const struct eng_os *os = find_os(w, w->a.os);
	double waited = (double)tui_now_ns() / 1e9 - w->tools_since;
	int y = 5;

	mvaddstr(3, 0, "Step 5/5: guest tools");
	mvprintw(y++, 2, "%s runs; the qemu-guest-agent channel is in its definition.", w->watch);
	if (w->agent == 1) {
		mvprintw(y++, 2, "qemu-guest-agent answers%s%s: addresses, clean shutdown and `net probe` use it.",
			 w->agent_version[0] ? ", version " : "", w->agent_version);
	} else {
		mvprintw(y++, 2, "qemu-guest-agent %s (%.0f s since boot)", w->agent == 0 ? "does not answer yet" : "...",
			 waited);
		if (strcmp(w->a.seed, "yes") == 0 && strcmp(w->a.source, "import") == 0)
			mvaddnstr(y++, 2, "the cloud-init seed installs and starts it at first boot.", COLS - 2);
		else {
			mvaddnstr(y++, 2, "to install it in the guest:", COLS - 2);
			attron(A_BOLD);
			mvaddnstr(y++, 4, eng_os_agent_hint(os ? os->distro : NULL, os ? os->family : "linux"), COLS - 4);
			attroff(A_BOLD);
		}
	}
	if (w->job_output) {
		char last[512];
		const char *p = strrchr(w->job_output, '\n');
		snprintf(last, sizeof(last), "%s", p ? p + 1 : w->job_output);
		mvaddnstr(y++, 2, last, COLS - 2);
	}
	draw_msg(t, w, y++);
	draw_console_panel(w, y + 1, LINES - 3);
}

static const char *const step_keys[WIZ__STEPS] = {
	"Enter next   s set up what is missing   Esc close",
	"Up/Down field  Enter next (lists: open)  Tab completes paths  Esc back",
	"Up/Down field  Left/Right choose  Enter next (lists: open)  Esc back",
	"Enter create and start   s save answers as a profile   Esc back",
	"Enter done   s save answers as a profile   o console",
};

void tui_wizard_draw(struct tui *t)
{
	struct tui_wizard *w = t->wiz;
	char title[96];

	erase();
	if (!w)
		return;
	snprintf(title, sizeof(title), "create a VM: step %d/5 %s", (int)w->step + 1, step_names[w->step]);
	tui_draw_frame(t, title);
	pthread_mutex_lock(&t->lock);
	draw_steps(w);
	switch (w->step) {
	case WIZ_HOST: draw_host(w); draw_msg(t, w, LINES - 4); break;
	case WIZ_VM:
	case WIZ_RESOURCES: draw_form(t, w); break;
	case WIZ_INSTALL: draw_install(t, w); break;
	default: draw_tools(t, w); break;
	}
	pthread_mutex_unlock(&t->lock);
	if (w->picker >= 0)
		draw_picker(t, w);
	draw_keys(w->picker >= 0 ? "type to filter  Up/Down  Enter  Esc" :
		  w->step == WIZ_INSTALL && w->started && !w->done ? "Esc stops waiting (the install goes on)   o console" :
		  w->step == WIZ_INSTALL && w->done ? "Esc back to fix the answers" : step_keys[w->step]);
}

/* ---- keys ---- */

static void edit_text(const struct wiz_field *f, char *v, int ch)
{
	size_t l = strlen(v);

	if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && l)
		v[l - 1] = '\0';
	else if (ch == ('u' & 0x1f))
		v[0] = '\0';
	else if (ch == '\t' && f->kind == WF_PATH)
		complete_path(v, f->len);
	else if (ch >= 0x20 && ch < 0x7f && l + 1 < f->len) {
		v[l] = (char)ch;
		v[l + 1] = '\0';
	}
}

static void cycle_choice(const struct wiz_field *f, char *v, int dir)
{
	int n = 0, cur = 0;

	while (f->choices[n]) {
		if (strcmp(f->choices[n], v) == 0)
			cur = n;
		n++;
	}
	snprintf(v, f->len, "%s", f->choices[(cur + dir + n) % n]);
}

static void start_create(struct tui *t, struct tui_wizard *w)
{
	char line[TUI_LINE_MAX];

	build_line(w, line, sizeof(line));
	pthread_mutex_lock(&t->lock);
	snprintf(w->watch, sizeof(w->watch), "%s", w->a.name);
	w->started = true;
	w->done = false;
	w->installing = strcmp(w->a.source, "iso") == 0;
	w->console[0] = w->graphics[0] = '\0';
	pthread_mutex_unlock(&t->lock);
	if (!tui_job_start(t, line, true)) {
		pthread_mutex_lock(&t->lock);
		w->started = w->installing = false;
		w->watch[0] = '\0';
		pthread_mutex_unlock(&t->lock);
	}
}

static void form_key(struct tui *t, struct tui_wizard *w, int ch)
{
	const struct wiz_field *f[N_FIELDS];
	int n = step_fields(w, f, (int)N_FIELDS);
	const struct wiz_field *cur = w->field >= 0 && w->field < n ? f[w->field] : NULL;

	if (ch == KEY_DOWN || (ch == '\t' && cur && cur->kind != WF_PATH)) {
		w->field = (w->field + 1) % n;
	} else if (ch == KEY_UP || ch == KEY_BTAB) {
		w->field = (w->field + n - 1) % n;
	} else if (ch == 27) {
		w->step--;
		w->field = 0;
	} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		if (cur && cur->kind == WF_PICK) {
			w->picker = (int)(cur - fields);
			w->pick_filter[0] = '\0';
			w->pick_sel = 0;
		} else if (w->step == WIZ_VM ? check_vm_step(t, w) : check_resources(w)) {
			if (w->step == WIZ_VM && !w->msg_error)
				w->msg[0] = '\0';
			w->step++;
			w->field = 0;
			if (w->step == WIZ_RESOURCES)
				check_resources(w);
		}
	} else if (cur && cur->kind == WF_CHOICE) {
		if (ch == KEY_LEFT || ch == KEY_RIGHT || ch == ' ')
			cycle_choice(cur, answer(w, cur), ch == KEY_LEFT ? -1 : 1);
	} else if (cur && (cur->kind == WF_TEXT || cur->kind == WF_PATH)) {
		edit_text(cur, answer(w, cur), ch);
	}
	if (w->step == WIZ_RESOURCES && ch != '\n')
		check_resources(w);   /* the verdict follows the typing */
}

bool tui_wizard_key(struct tui *t, int ch)
{
	struct tui_wizard *w = t->wiz;
	char line[ENG_NAME_MAX + 16];

	if (!w)
		return false;
	if (w->picker >= 0) {
		picker_key(t, w, ch);
		return true;
	}
	switch (w->step) {
	case WIZ_HOST:
		if (ch == 's') {
			pthread_mutex_lock(&t->lock);
			w->host_stale = true;
			pthread_mutex_unlock(&t->lock);
			tui_job_start(t, "host --setup", true);
		} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
			w->step = WIZ_VM;
			w->field = 0;
		} else if (ch == 27 || ch == 'q') {
			wizard_close(t);
		}
		break;
	case WIZ_VM:
	case WIZ_RESOURCES:
		form_key(t, w, ch);
		break;
	case WIZ_INSTALL:
		if (w->started && !w->done) {
			if (ch == 27)
				tui_job_cancel(t);
			else if (ch == 'o') {
				snprintf(line, sizeof(line), "console %s", w->watch);
				tui_run_line(t, line);
			}
		} else if (w->started && w->done) {   /* failed: back to fix the answers */
			if (ch == 27) {
				pthread_mutex_lock(&t->lock);
				w->started = w->done = false;
				w->watch[0] = '\0';
				pthread_mutex_unlock(&t->lock);
				w->step = WIZ_RESOURCES;
			}
		} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
			start_create(t, w);
		} else if (ch == 's') {
			save_profile(t, w);
		} else if (ch == 27) {
			w->step = WIZ_RESOURCES;
		}
		break;
	default:
		if (ch == 's') {
			save_profile(t, w);
		} else if (ch == 'o') {
			snprintf(line, sizeof(line), "console %s", w->watch);
			tui_run_line(t, line);
		} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER || ch == 27 || ch == 'q') {
			wizard_close(t);
		}
		break;
	}
	return true;
}
