/* wizard_watch.c - what the create wizard shows from libvirt, read on the
 * refresh thread (the screen never waits on libvirt): the host's readiness,
 * libosinfo's OS list, the new guest's console (a tap per boot), its VNC
 * address, whether its agent answers. */
#include <stdlib.h>
#include <string.h>

#include "wizard.h"

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

