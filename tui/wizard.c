/* wizard.c - c: creating a VM in the five steps people learn, by keyboard:
 * 1 the hypervisor is ready, 2 new VM (name, OS, install source), 3 resources
 * (checked against the host), 4 install (the installer's console on screen),
 * 5 guest tools (does the agent answer; how to install it). The answers become
 * one `create` command line, shown before it runs, so the wizard does exactly
 * what the CLI does. The fields of each step are a table (below); drawing is in
 * wizard_draw.c, the lists in wizard_pick.c, what libvirt says in wizard_watch.c. */
#include <ctype.h>
#include <curses.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wizard.h"

#define ANSWER(f) .off = offsetof(struct wiz_answers, f), .len = sizeof(((struct wiz_answers *)0)->f)

static const char *const sources[] = { "iso", "import", "linked", "kernel", "none", NULL };
static const char *const firmwares[] = { "bios", "uefi", NULL };
static const char *const yes_no[] = { "no", "yes", NULL };

const struct wiz_field wiz_fields[] = {
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
const size_t wiz_n_fields = sizeof(wiz_fields) / sizeof(wiz_fields[0]);
_Static_assert(sizeof(wiz_fields) / sizeof(wiz_fields[0]) <= WIZ_MAX_FIELDS, "raise WIZ_MAX_FIELDS");

const char *const wiz_step_names[WIZ__STEPS] = { "hypervisor", "new VM", "resources", "install",
						    "guest tools" };

char *wiz_answer(struct tui_wizard *w, const struct wiz_field *f)
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
int wiz_step_fields(const struct tui_wizard *w, const struct wiz_field **out, int max)
{
	int n = 0;

	for (size_t i = 0; i < wiz_n_fields && n < max; i++)
		if (wiz_fields[i].step == w->step && shown(w, &wiz_fields[i]))
			out[n++] = &wiz_fields[i];
	return n;
}

/* A word too long to quote makes the line incomplete: the answers' fields are
 * far shorter than q, so it cannot happen, and the parser would refuse it. */
static void add_word(char *line, size_t len, const char *opt, const char *value)
{
	char q[4 * 1100];
	size_t used = strlen(line);

	if (opt) {
		snprintf(line + used, len - used, " %s", opt);
		used = strlen(line);
	}
	if (value && cmd_quote_word(value, q, sizeof(q)) == 0)
		snprintf(line + used, len - used, " %s", q);
}

int wiz_nets(const struct wiz_answers *a, char out[][ENG_NAME_MAX + 1])
{
	char copy[sizeof(a->nets)], *save = NULL;
	int n = 0;

	snprintf(copy, sizeof(copy), "%s", a->nets);
	for (char *w = strtok_r(copy, ", ", &save); w && n < WIZ_MAX_NETS; w = strtok_r(NULL, ", ", &save))
		snprintf(out[n++], ENG_NAME_MAX + 1, "%s", w);
	return n;
}

void wiz_nets_add(struct wiz_answers *a, const char *name)
{
	size_t used = strlen(a->nets);

	snprintf(a->nets + used, sizeof(a->nets) - used, "%s%s", used ? ", " : "", name);
}

/* The answers as the `create` command the CLI would take. */
void wiz_build_line(const struct tui_wizard *w, char *line, size_t len)
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
		char nets[WIZ_MAX_NETS][ENG_NAME_MAX + 1];
		int n = wiz_nets(a, nets);
		if (strcmp(src, "import") != 0 && a->disk[0] && strcmp(a->disk, "0") != 0)
			add_word(line, len, "--disk", a->disk);
		for (int i = 0; i < n; i++)
			add_word(line, len, "--network", nets[i]);
		if (!n)
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

void wiz_say(struct tui_wizard *w, bool error, const char *fmt, ...)
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
		tui_refuse_readonly(t, "create");
		return;
	}
	if (t->wiz) {   /* back to the wizard that is open */
		tui_view_show(t, VIEW_WIZARD);
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
	t->nets_ok = false;
	pthread_mutex_unlock(&t->lock);
	tui_view_show(t, VIEW_WIZARD);
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
	tui_view_show(t, VIEW_LIST);
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

	if (!w) {   /* closed while it ran: what it said goes to the status line */
		tui_set_status(t, rc != 0, "%.*s", (int)strcspn(output, "\n"), output);
		free(output);
		return;
	}
	if (w->started)
		tui_set_status(t, rc != 0, "%s", rc ? "create failed (its output is on the wizard's screen)" : "created");
	if (!w->started) {   /* step 1's host --setup: its first line says what it made */
		char first[300];
		snprintf(first, sizeof(first), "%.*s", (int)strcspn(output, "\n"), output);
		wiz_say(w, rc != 0, "%s", first[0] ? first : rc ? "set-up failed" : "set up");
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
		wiz_say(w, true, "%s: give a file", what);
		return false;
	}
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || access(path, R_OK) < 0) {
		wiz_say(w, true, "%s %s: no such readable file", what, path);
		return false;
	}
	return true;
}

static bool check_vm_step(struct tui *t, struct tui_wizard *w)
{
	struct eng_error err = { 0 };
	const char *src = w->a.source;

	if (eng_name_check("VM", w->a.name, &err) < 0) {
		wiz_say(w, true, "%s", w->a.name[0] ? err.msg : "name: give the new VM a name");
		return false;
	}
	if (vm_exists(t, w->a.name)) {
		wiz_say(w, true, "a VM named '%s' already exists", w->a.name);
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
		wiz_say(w, true, "template VM: choose the VM to overlay (Enter on the field)");
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
		wiz_say(w, true, "%s", err.msg);
		return false;
	}
	if (mem < (1ULL << 20)) {
		wiz_say(w, true, "memory %s: at least 1 MiB", w->a.memory);
		return false;
	}
	if (!w->host_ok) {
		wiz_say(w, false, "reading the host's figures...");
		return true;
	}
	if (!force && cpus > h->cpus) {
		wiz_say(w, true, "%u vCPUs exceed the host's %u logical CPUs: fewer, or overcommit: yes", cpus, h->cpus);
		return false;
	}
	if (!force && mem > h->mem_total_kib * 1024) {
		eng_size_format(h->mem_total_kib * 1024, a, sizeof(a));
		wiz_say(w, true, "%s of memory exceeds the host's %s: less, or overcommit: yes", w->a.memory, a);
		return false;
	}
	if (!force && disk && h->pool_active && disk > h->pool_available && strcmp(w->a.source, "import") &&
	    strcmp(w->a.source, "linked")) {
		eng_size_format(h->pool_available, a, sizeof(a));
		wiz_say(w, true, "a %s disk is more than pool %s has free (%s): smaller, or overcommit: yes "
			     "(sparse: space is taken as the guest writes)", w->a.disk, ENG_POOL_NAME, a);
		return false;
	}
	if (strcmp(w->a.firmware, "uefi") == 0 && !h->uefi) {
		wiz_say(w, true, "no UEFI firmware on the host (apt-get install ovmf), or firmware: bios");
		return false;
	}
	if (h->mem_free_kib && mem > h->mem_free_kib * 1024) {
		eng_size_format(h->mem_free_kib * 1024, a, sizeof(a));
		eng_size_format(h->mem_total_kib * 1024, b, sizeof(b));
		wiz_say(w, false, "warning: %s is more than the host's free memory (%s free of %s): it may swap",
		    w->a.memory, a, b);
		return true;
	}
	w->msg[0] = '\0';
	return true;
}

/* ---- the answers from a profile, an OS's recommendations ---- */

const struct eng_os *wiz_find_os(const struct tui_wizard *w, const char *short_id)
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

void wiz_os_chosen(struct tui_wizard *w, const struct eng_os *os)
{
	char mem[16] = "", disk[16] = "";

	snprintf(w->a.os, sizeof(w->a.os), "%s", os ? os->short_id : "");
	if (!os) {
		wiz_say(w, false, "OS: other (no libosinfo id; set the resources yourself)");
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
	wiz_say(w, false, "%s recommends memory %s, vCPUs %s, disk %s: filled in for step 3", os->name,
	    mem[0] ? mem : "(none said)", os->cpus ? w->a.cpus : "(none said)", disk[0] ? disk : "(none said)");
}

void wiz_profile_chosen(struct tui_wizard *w, const struct prof_entry *e)
{
	struct vm_profile *p = calloc(1, sizeof(*p));
	struct eng_error err = { 0 };
	struct wiz_answers *a = &w->a;

	if (!p || prof_profile_load(e->path, p, &err) < 0) {
		wiz_say(w, true, "%s", p ? err.msg : "out of memory");
		free(p);
		return;
	}
	snprintf(a->profile, sizeof(a->profile), "%s", p->name);
	snprintf(a->os, sizeof(a->os), "%s", p->os);
	if (p->firmware[0])
		snprintf(a->firmware, sizeof(a->firmware), "%s", p->firmware);
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
		if (strcmp(p->nets[i], "none") != 0)
			wiz_nets_add(a, p->nets[i]);
	wiz_say(w, false, "profile %s: %s", p->name, p->description);
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
		char nets[WIZ_MAX_NETS][ENG_NAME_MAX + 1];
		int n = wiz_nets(a, nets);
		for (int i = 0; i < n && p->n_nets < VM_SPEC_MAX_NETS; i++)
			snprintf(p->nets[p->n_nets++], sizeof(p->nets[0]), "%.64s", nets[i]);
		if (!p->n_nets)
			snprintf(p->nets[p->n_nets++], sizeof(p->nets[0]), "none");
	}
	p->agent = true;
	if (strcmp(a->source, "linked") != 0)
		snprintf(p->firmware, sizeof(p->firmware), "%s", a->firmware);
	if (prof_profile_save(name, p, path, sizeof(path), &err) < 0)
		wiz_say(w, true, "%s", err.msg);
	else
		wiz_say(w, false, "saved as profile %s (%s): vmdeck create NAME --profile %s", name, path, name);
	free(p);
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
		wiz_complete_path(v, f->len);
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

	wiz_build_line(w, line, sizeof(line));
	pthread_mutex_lock(&t->lock);
	snprintf(w->watch, sizeof(w->watch), "%s", w->a.name);
	w->started = true;
	w->done = false;
	w->installing = strcmp(w->a.source, "iso") == 0;
	w->console[0] = w->graphics[0] = '\0';
	pthread_mutex_unlock(&t->lock);
	if (!tui_job_start(t, line, VIEW_WIZARD)) {
		pthread_mutex_lock(&t->lock);
		w->started = w->installing = false;
		w->watch[0] = '\0';
		pthread_mutex_unlock(&t->lock);
	}
}

static void form_key(struct tui *t, struct tui_wizard *w, int ch)
{
	const struct wiz_field *f[WIZ_MAX_FIELDS];
	int n = wiz_step_fields(w, f, (int)WIZ_MAX_FIELDS);
	const struct wiz_field *cur = w->field >= 0 && w->field < n ? f[w->field] : NULL;
	bool no_uefi = false;

	if (ch == KEY_DOWN || (ch == '\t' && cur && cur->kind != WF_PATH)) {
		w->field = (w->field + 1) % n;
	} else if (ch == KEY_UP || ch == KEY_BTAB) {
		w->field = (w->field + n - 1) % n;
	} else if (ch == 27) {
		w->step--;
		w->field = 0;
	} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		if (cur && cur->kind == WF_PICK) {
			w->picker = (int)(cur - wiz_fields);
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
			cycle_choice(cur, wiz_answer(w, cur), ch == KEY_LEFT ? -1 : 1);
		/* UEFI is a choice only where OVMF is installed */
		no_uefi = cur->off == offsetof(struct wiz_answers, firmware) && w->host_ok && !w->host.uefi &&
			  strcmp(w->a.firmware, "uefi") == 0;
		if (no_uefi)
			snprintf(w->a.firmware, sizeof(w->a.firmware), "bios");
	} else if (cur && (cur->kind == WF_TEXT || cur->kind == WF_PATH)) {
		edit_text(cur, wiz_answer(w, cur), ch);
	}
	if (w->step == WIZ_RESOURCES && ch != '\n')
		check_resources(w);   /* the verdict follows the typing */
	if (no_uefi)
		wiz_say(w, false, "UEFI firmware is not installed on this host (apt-get install ovmf): BIOS");
}

/* The wizard's steps read canonical keys; the key table's rows (its
 * actions below) are what the user's keys map to. */
static bool wizard_key(struct tui *t, int ch)
{
	struct tui_wizard *w = t->wiz;

	if (!w)
		return false;
	if (w->picker >= 0) {
		wiz_picker_key(t, w, ch);
		return true;
	}
	switch (w->step) {
	case WIZ_HOST:
		if (ch == 's') {
			pthread_mutex_lock(&t->lock);
			w->host_stale = true;
			pthread_mutex_unlock(&t->lock);
			tui_job_start(t, "host --setup", VIEW_WIZARD);
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
				tui_run_fmt(t, "console %s", w->watch);
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
			tui_run_fmt(t, "console %s", w->watch);
		} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER || ch == 27 || ch == 'q') {
			wizard_close(t);
		}
		break;
	}
	return true;
}

/* ---- what the view table calls ---- */

static const struct wiz_field *focused_field(struct tui_wizard *w)
{
	const struct wiz_field *f[WIZ_MAX_FIELDS];
	int n = wiz_step_fields(w, f, (int)WIZ_MAX_FIELDS);

	return (w->step == WIZ_VM || w->step == WIZ_RESOURCES) && w->field >= 0 && w->field < n ? f[w->field] : NULL;
}

bool tui_wizard_text(struct tui *t, int ch)
{
	struct tui_wizard *w = t->wiz;
	const struct wiz_field *cur;
	bool editing = ch == KEY_BACKSPACE || ch == 127 || ch == 8 || ch == ('u' & 0x1f);

	if (!w)
		return false;
	if (w->picker >= 0) {   /* typing filters the list (a space ticks: a key row) */
		if (!(editing || (ch > 0x20 && ch < 0x7f)))
			return false;
		wiz_picker_key(t, w, ch);
		return true;
	}
	cur = focused_field(w);
	if (!cur || (cur->kind != WF_TEXT && cur->kind != WF_PATH))
		return false;
	/* Tab completes a path; text fields take every printable character */
	if (!(editing || (ch >= 0x20 && ch < 0x7f) || (ch == '\t' && cur->kind == WF_PATH)))
		return false;
	wizard_key(t, ch);
	return true;
}

enum tui_view tui_wizard_key_view(struct tui *t)
{
	return t->wiz && t->wiz->picker >= 0 ? VIEW_PICKER : VIEW_WIZARD;
}

void tui_wizard_move(struct tui *t, int delta)
{
	struct tui_wizard *w = t->wiz;

	if (!w)
		return;
	if (w->picker >= 0) {
		wiz_picker_move(t, w, delta);
		return;
	}
	for (int i = 0; i < (delta < 0 ? -delta : delta) && i < 64; i++)
		wizard_key(t, delta < 0 ? KEY_UP : KEY_DOWN);
}

static void wiz_next(struct tui *t) { wizard_key(t, '\n'); }
static void wiz_back(struct tui *t) { wizard_key(t, 27); }
static void wiz_field_next(struct tui *t) { wizard_key(t, KEY_DOWN); }
static void wiz_field_prev(struct tui *t) { wizard_key(t, KEY_UP); }
static void wiz_choice_next(struct tui *t) { wizard_key(t, KEY_RIGHT); }
static void wiz_choice_prev(struct tui *t) { wizard_key(t, KEY_LEFT); }
static void wiz_save(struct tui *t) { wizard_key(t, 's'); }
static void wiz_console(struct tui *t) { wizard_key(t, 'o'); }
static void wiz_close(struct tui *t) { wizard_close(t); }
static void pick(struct tui *t) { wiz_picker_key(t, t->wiz, '\n'); }
static void pick_toggle(struct tui *t) { wiz_picker_key(t, t->wiz, ' '); }
static void pick_close(struct tui *t) { wiz_picker_key(t, t->wiz, 27); }

const struct tui_action tui_wizard_actions[9] = {
	{ "@wizard-next", wiz_next, false, VIEW_NONE },
	{ "@wizard-back", wiz_back, false, VIEW_NONE },
	{ "@wizard-field-next", wiz_field_next, false, VIEW_NONE },
	{ "@wizard-field-prev", wiz_field_prev, false, VIEW_NONE },
	{ "@wizard-choice-next", wiz_choice_next, false, VIEW_NONE },
	{ "@wizard-choice-prev", wiz_choice_prev, false, VIEW_NONE },
	{ "@wizard-save", wiz_save, false, VIEW_NONE },
	{ "@wizard-console", wiz_console, false, VIEW_NONE },
	{ "@wizard-close", wiz_close, false, VIEW_NONE },
};

const struct tui_action tui_picker_actions[3] = {
	{ "@pick", pick, false, VIEW_NONE },
	{ "@pick-toggle", pick_toggle, false, VIEW_NONE },
	{ "@pick-close", pick_close, false, VIEW_NONE },
};
