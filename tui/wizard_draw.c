/* wizard_draw.c - the create wizard's screens: the step bar, step 1's host
 * facts, the forms of steps 2 and 3, the command and the installer's console
 * of step 4, the agent's state of step 5. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "netcfg.h"
#include "wizard.h"

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
		printw("%d %s", i + 1, wiz_step_names[i]);
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
	const struct wiz_field *f[WIZ_MAX_FIELDS];
	int n = wiz_step_fields(w, f, (int)WIZ_MAX_FIELDS), y = 4;

	mvprintw(3, 0, "Step %d/5: %s", (int)w->step + 1, w->step == WIZ_VM ? "new VM: name, OS, install source"
							    : "allocate resources (checked against the host)");
	if (w->field >= n)
		w->field = n - 1;
	for (int i = 0; i < n && y < LINES - 6; i++, y++) {
		const char *v = wiz_answer(w, f[i]);
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
		char nets[WIZ_MAX_NETS][ENG_NAME_MAX + 1];
		int nn = wiz_nets(&w->a, nets);
		/* (the caller holds t->lock: t->nets is the refresh thread's) */
		for (int k = 0; k < nn && y < LINES - 5; k++) {
			const char *nm = nets[k];
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
		wiz_build_line(w, line, sizeof(line));
		attron(A_BOLD);
		/* wrapped at word boundaries: "--network default" stays whole */
		for (const char *p = line; *p && y < LINES - 6; y++) {
			size_t left = strlen(p), cut = left;
			if ((int)left > COLS - 4) {
				cut = (size_t)(COLS - 4);
				while (cut > 0 && p[cut] != ' ')
					cut--;
				if (cut == 0)
					cut = (size_t)(COLS - 4);   /* one word longer than the line */
			}
			mvaddnstr(y, 2, p, (int)cut);
			p += cut;
			while (*p == ' ')
				p++;
		}
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
	const struct eng_os *os = wiz_find_os(w, w->a.os);
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

void tui_wizard_draw(struct tui *t)
{
	struct tui_wizard *w = t->wiz;
	char title[96];

	erase();
	if (!w)
		return;
	snprintf(title, sizeof(title), "create: step %d/5%s%s", (int)w->step + 1, w->a.name[0] ? " " : "", w->a.name);
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
		wiz_picker_draw(t, w);
	else if (w->step == WIZ_INSTALL && w->started)   /* what Esc means here (the footer has the keys) */
		mvaddnstr(LINES - 3, 0, w->done ? "Esc: back to fix the answers" : "Esc: stop waiting (the install goes on)",
			  COLS);
}

