/* main.c - the TUI's set-up, refresh thread and single poll loop. */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui.h"

/* ---- the refresh thread: the only place the list is read from libvirt ---- */

/* Connecting can take a while (a remote host, a big test node): the first
 * frame is drawn before, and the connection is made here. */
static bool refresher_connect(struct tui *t)
{
	struct eng_error err = { 0 };
	struct eng *e = eng_open(&t->open_opts, &err);

	pthread_mutex_lock(&t->lock);
	if (!e) {
		snprintf(t->open_err, sizeof(t->open_err), "%s", err.msg);
		pthread_mutex_unlock(&t->lock);
		tui_wake(t);
		return false;
	}
	t->eng = e;
	t->sampler = eng_sampler_new(e);
	if (eng_events_subscribe(e, t->wake[1], &err) < 0)
		snprintf(t->events_note, sizeof(t->events_note),
			 "no lifecycle events (%.400s): refreshing every %d ms", err.msg, t->cfg.refresh_ms);
	pthread_mutex_unlock(&t->lock);
	/* port forwards are firewall rules: put back what a reboot of the host or
	 * a restarted network lost (quietly where there is no local firewall) */
	eng_forward_sync(e, NULL, NULL, NULL);
	return true;
}

/* The daemon went away (restarted by an upgrade, killed): the header says
 * so at once, then a new connection is tried every second until one
 * answers. What belonged to the old connection goes first; the old one is
 * retired (the UI thread closes it when no job or list call holds it). */
static void refresher_reconnect(struct tui *t)
{
	struct eng_error err = { 0 };
	struct eng *e = NULL;

	pthread_mutex_lock(&t->lock);
	__atomic_store_n(&t->lost_ns, tui_now_ns(), __ATOMIC_RELAXED);
	__atomic_store_n(&t->conn_lost, true, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&t->lock);
	tui_wake(t);
	if (t->wiz_tap) {
		eng_console_tap_close(t->wiz_tap);
		t->wiz_tap = NULL;
	}
	eng_sampler_free(t->sampler);
	t->sampler = NULL;
	while (!t->quit && !(e = eng_open(&t->open_opts, &err))) {
		struct timespec until;
		tui_deadline(&until, 1000);
		pthread_mutex_lock(&t->lock);
		if (!t->quit)
			pthread_cond_timedwait(&t->cond, &t->lock, &until);
		pthread_mutex_unlock(&t->lock);
	}
	if (!e)
		return;
	t->sampler = eng_sampler_new(e);
	int erc = eng_events_subscribe(e, t->wake[1], &err);
	pthread_mutex_lock(&t->lock);
	if (erc < 0)
		snprintf(t->events_note, sizeof(t->events_note), "no lifecycle events after reconnecting (%.400s)", err.msg);
	if (t->n_retired < (int)(sizeof(t->retired) / sizeof(t->retired[0])))
		t->retired[t->n_retired++] = t->eng;   /* (more than 8 restarts unclosed: left open) */
	t->eng = e;
	__atomic_store_n(&t->conn_lost, false, __ATOMIC_RELAXED);
	t->refresh_wanted = true;
	pthread_mutex_unlock(&t->lock);
	tui_wake(t);
}

/* UI thread: connections replaced by a reconnect, closed once nothing can
 * still be inside them (a job, the first host's list call) */
void tui_close_retired(struct tui *t)
{
	struct eng *v[8];
	int n = 0;

	if (t->job)
		return;
	pthread_mutex_lock(&t->lock);
	if (!(t->multi && t->lh[0].busy)) {
		n = t->n_retired;
		memcpy(v, t->retired, sizeof(v[0]) * (size_t)n);
		t->n_retired = 0;
	}
	pthread_mutex_unlock(&t->lock);
	for (int i = 0; i < n; i++)
		eng_close(v[i]);
}

static void *refresher_main(void *arg)
{
	struct tui *t = arg;
	pthread_t others;
	bool opening = t->multi && pthread_create(&others, NULL, tui_fleet_open, t) == 0;
	bool connected = refresher_connect(t);

	/* the other hosts connect while the first does: the first list waits
	 * for the slowest of them, not for their sum */
	if (opening)
		pthread_join(others, NULL);
	if (!connected)
		return NULL;
	pthread_mutex_lock(&t->lock);
	while (!t->quit) {
		struct eng_dom_summary *v = NULL;
		struct eng_dom_info info;
		struct eng_error err = { 0 };
		char name[ENG_NAME_MAX + 1];
		size_t n = 0;
		int rc, irc = -1;

		unsigned wants = tui_view_wants(t);
		if (!t->refresh_wanted) {
			struct timespec until;
			/* a live picture (the guest's screen): about once a second */
			long ms = (wants & WANT_FAST) && t->cfg.refresh_ms > 1000 ? 1000 : t->cfg.refresh_ms;
			tui_deadline(&until, ms);
			pthread_cond_timedwait(&t->cond, &t->lock, &until);
			if (t->quit)
				break;
		}
		t->refresh_wanted = false;
		__atomic_store_n(&t->tick_ns, tui_now_ns(), __ATOMIC_RELAXED);   /* inside libvirt from here: a hung daemon shows as "not answering" */
		wants = tui_view_wants(t);
		snprintf(name, sizeof(name), "%s", wants & WANT_GUEST ? t->details_name : "");
		bool want_snaps = wants & WANT_SNAPS;
		bool want_fwd = wants & WANT_FWD;
		bool want_nets = (wants & (WANT_NETS | WANT_FWD)) || t->prompt_open;
		char comp_vm[ENG_NAME_MAX + 1];
		snprintf(comp_vm, sizeof(comp_vm), "%s", t->prompt_open && !t->comp_ok ? t->comp_vm : "");
		char ask_vm[ENG_NAME_MAX + 1];
		snprintf(ask_vm, sizeof(ask_vm), "%s", t->ask_kb && !t->ask_done ? t->ask_vm : "");
		pthread_mutex_unlock(&t->lock);

		/* first of all (a job of the same guest may keep the rest of the
		 * tick waiting), what a key waits for: the guest's current snapshot */
		char ask_snap[ENG_NAME_MAX + 1] = "";
		char ask_msg[200] = "";
		const char *ask_bare = ask_vm;
		struct eng *ae = ask_vm[0] ? tui_guest_eng(t, ask_vm, &ask_bare) : NULL;
		int arc = ae ? eng_snapshot_current(ae, ask_bare, ask_snap, sizeof(ask_snap)) : -1;
		if (ask_vm[0] && !ae)
			snprintf(ask_msg, sizeof(ask_msg), "%s: its host does not answer", ask_vm);
		else if (ask_vm[0] && arc < 0)
			snprintf(ask_msg, sizeof(ask_msg), "%s has no current snapshot (t takes one)", ask_vm);
		if (ask_vm[0]) {
			pthread_mutex_lock(&t->lock);
			if (t->ask_kb && strcmp(ask_vm, t->ask_vm) == 0) {
				t->ask_done = true;
				t->ask_found = arc == 0;
				snprintf(t->ask_snap, sizeof(t->ask_snap), "%s", ask_snap);
				snprintf(t->ask_err, sizeof(t->ask_err), "%s", ask_msg);
			}
			pthread_mutex_unlock(&t->lock);
			tui_wake(t);
		}

		struct eng_snapshot *snaps = NULL;
		size_t n_snaps = 0;
		int src = -1;
		const char *focus[65];
		size_t nfocus = 0;
		char focus_buf[65][ENG_NAME_MAX + 1];

		/* the slow statistics only for what is on screen */
		pthread_mutex_lock(&t->lock);
		for (int i = 0; (wants & WANT_FOCUS) && i < t->n_focus; i++)
			snprintf(focus_buf[nfocus++], ENG_NAME_MAX + 1, "%s", t->focus[i]);
		if (name[0])
			snprintf(focus_buf[nfocus++], ENG_NAME_MAX + 1, "%s", name);
		pthread_mutex_unlock(&t->lock);
		for (size_t i = 0; i < nfocus; i++)
			focus[i] = focus_buf[i];
		/* the list's rows on screen: their CPU % every tick */
		if (t->sampler) {
			const char *listed[64];
			char listed_buf[64][ENG_NAME_MAX + 1];
			size_t nl = 0;
			pthread_mutex_lock(&t->lock);
			for (int i = 0; (wants & WANT_LISTED) && i < t->n_listed; i++)
				snprintf(listed_buf[nl++], ENG_NAME_MAX + 1, "%s", t->listed[i]);
			pthread_mutex_unlock(&t->lock);
			for (size_t i = 0; i < nl; i++)
				listed[i] = listed_buf[i];
			eng_sampler_set_visible(t->sampler, listed, nl);
		}
		rc = t->multi ? tui_fleet_list(t, &v, &n, &err) : eng_domain_list(t->eng, true, true, &v, &n, &err);
		if (t->sampler && eng_sampler_tick(t->sampler, focus, nfocus, false, NULL) == 0) {
			size_t ns = eng_sampler_count(t->sampler);
			struct eng_guest_stats *copy = calloc(ns + 1, sizeof(*copy));
			for (size_t i = 0; copy && i < ns; i++)
				copy[i] = *eng_sampler_guest(t->sampler, i);
			pthread_mutex_lock(&t->lock);
			if (copy) {
				free(t->mon);
				t->mon = copy;
				t->n_mon = ns;
			}
			t->mon_host = *eng_sampler_host(t->sampler);
			pthread_mutex_unlock(&t->lock);
		}
		/* the guest's own host (HOST:VM with several hosts) */
		const char *bare = name;
		struct eng *ge = name[0] ? tui_guest_eng(t, name, &bare) : NULL;
		if (ge)
			irc = eng_domain_info(ge, bare, &info, &err);
		if (ge && want_snaps)
			src = eng_snapshot_list(ge, bare, &snaps, &n_snaps, &err);
		struct eng_net *nets = NULL;
		size_t n_nets = 0;
		int nrc = want_nets ? eng_network_list(t->eng, &nets, &n_nets, NULL) : -1;
		struct eng_forward *fwd = NULL;
		size_t n_fwd = 0;
		/* the networks view re-applies forwards (addresses change, libvirt
		 * re-inserts its rules when a network starts) and shows them */
		if (want_fwd && eng_forward_sync(t->eng, &fwd, &n_fwd, NULL) < 0)
			fwd = NULL, n_fwd = 0;
		/* the prompt's completion: the snapshot names of the guest typed */
		struct eng_snapshot *csnaps = NULL;
		size_t n_csnaps = 0;
		const char *comp_bare = comp_vm;
		struct eng *ce = comp_vm[0] ? tui_guest_eng(t, comp_vm, &comp_bare) : NULL;
		struct eng_error cerr = { 0 };
		int crc = ce ? eng_snapshot_list(ce, comp_bare, &csnaps, &n_csnaps, &cerr) : -1;
		/* each view's own data (the wizard's host facts and console, a lab's
		 * seats, the guest's screen) */
		tui_views_refresh(t);
		bool lost = !eng_alive(t->eng);

		pthread_mutex_lock(&t->lock);
		if (comp_vm[0] && strcmp(comp_vm, t->comp_vm) == 0) {
			t->n_comp_snaps = 0;
			for (size_t i = 0; crc == 0 && i < n_csnaps && i < 64; i++)
				snprintf(t->comp_snaps[t->n_comp_snaps++], ENG_NAME_MAX + 1, "%s", csnaps[i].name);
			t->comp_ok = true;
		}
		free(csnaps);
		if (rc == 0) {
			free(t->fresh);
			t->fresh = v;
			t->n_fresh = n;
			t->fresh_ns = tui_now_ns();
			t->fresh_err[0] = '\0';
		} else {
			snprintf(t->fresh_err, sizeof(t->fresh_err), "%s", err.msg);
		}
		if (name[0] && strcmp(name, t->details_name) == 0) {
			if (t->details_ok)
				eng_dom_info_free(&t->details);
			t->details_ok = irc == 0;
			if (irc == 0)
				t->details = info;
		} else if (irc == 0) {
			eng_dom_info_free(&info);
		}
		if (nrc == 0) {
			free(t->nets);
			t->nets = nets;
			t->n_nets = n_nets;
			t->nets_ok = true;
		}
		if (want_fwd) {
			free(t->fwd);
			t->fwd = fwd;
			t->n_fwd = n_fwd;
		}
		if (src == 0 && strcmp(name, t->details_name) == 0) {
			free(t->snaps);
			t->snaps = snaps;
			t->n_snaps = n_snaps;
			t->snaps_ok = true;
		} else {
			free(snaps);
		}
		__atomic_store_n(&t->tick_ns, 0, __ATOMIC_RELAXED);
		tui_wake(t);
		if (lost) {
			pthread_mutex_unlock(&t->lock);
			refresher_reconnect(t);
			pthread_mutex_lock(&t->lock);
		}
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

void tui_request_refresh(struct tui *t)
{
	pthread_mutex_lock(&t->lock);
	t->refresh_wanted = true;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

/* ---- set-up ---- */

/* qemu:///embed keeps its state under one directory; its qemu.conf needs the
 * file stdio handler (no virtlogd) and no cgroups (TESTENV.md). The root is
 * the user's own ($XDG_DATA_HOME/vmdeck/embed, never under /tmp), 0755 so
 * that qemu's user can reach the disks in it, and refused when another user
 * owns it or can write to it. */
static const char *embedded_uri(char *buf, size_t len, struct eng_error *err)
{
	char root[900], path[1000];
	int fd;

	if (eng_private_dir("XDG_DATA_HOME", ".local/share", "embed", 0755, root, sizeof(root), err) < 0)
		return NULL;
	snprintf(path, sizeof(path), "%s/etc", root);
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		eng_err_set(err, ENG_E_FAILED, "cannot make directory %s: %s", path, strerror(errno));
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/etc/qemu.conf", root);
	/* made once, never through a symlink; the user's own edits are kept */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) >= 0) {
		static const char conf[] = "stdio_handler = \"file\"\ncgroup_controllers = [ ]\n";
		bool ok = write(fd, conf, sizeof(conf) - 1) == (ssize_t)(sizeof(conf) - 1);
		close(fd);
		if (!ok) {
			unlink(path);
			eng_err_set(err, ENG_E_FAILED, "cannot write %s", path);
			return NULL;
		}
	} else if (errno != EEXIST) {
		eng_err_set(err, ENG_E_FAILED, "cannot write %s: %s", path, strerror(errno));
		return NULL;
	}
	snprintf(buf, len, "qemu:///embed?root=%s", root);
	return buf;
}

int tui_main(const struct cmd_global *g)
{
	struct tui *t = calloc(1, sizeof(*t));
	struct eng_error err = { 0 };
	struct eng_open_opts *o;
	const char *trace = getenv("VMDECK_TRACE");
	bool first_frame = false, first_data = false;

	if (!t)
		return 1;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "vmdeck: error: the full-screen interface needs a terminal; "
				"give a command instead (see 'vmdeck help')\n");
		free(t);
		return 2;
	}
	t->t_start_ns = tui_now_ns();
	t->g = *g;
	if (prof_config_load(NULL, &t->cfg, &err) < 0) {
		fprintf(stderr, "vmdeck: error: %s\n", err.msg);
		return 1;
	}
	tui_keys_init(t);
	for (int i = 0; i < t->cfg.n_warnings; i++)
		fprintf(stderr, "vmdeck: warning: %s\n", t->cfg.warnings[i]);
	if (tui_keys_apply_config(t, &err) < 0) {
		fprintf(stderr, "vmdeck: error: %s\n", err.msg);
		return 1;
	}
	if (tui_hosts_init(t) != 0) {
		free(t);
		return 2;
	}
	o = &t->open_opts;
	o->uri = g->uri ? g->uri : t->first_uri[0] ? t->first_uri : NULL;
	if (g->embedded && !(o->uri = embedded_uri(t->open_uri, sizeof(t->open_uri), &err))) {
		fprintf(stderr, "vmdeck: error: --embedded: %s\n", err.msg);
		free(t);
		return 1;
	}
	o->config_uri = t->cfg.uri[0] ? t->cfg.uri : NULL;
	o->readonly = g->readonly;
	o->embedded = g->embedded;
	o->accel = g->accel;
	if (trace)
		t->trace = fopen(trace, "w");
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->cond, NULL);
	pthread_cond_init(&t->fleet_cond, NULL);
	tui_term_init(t);
	if (t->cfg.n_warnings)
		tui_set_status(t, true, "%s%s", t->cfg.warnings[0], t->cfg.n_warnings > 1 ? " (and more: vmdeck config)" : "");
	t->refresh_wanted = true;
	pthread_create(&t->refresher, NULL, refresher_main, t);

	while (!t->quit) {
		struct pollfd fds[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
					 { .fd = t->wake[0], .events = POLLIN } };
		uint64_t key_ns = 0;
		int ch;

		tui_view_draw(t);
		if (t->trace && !first_frame) {
			fprintf(t->trace, "first_frame_ms %.3f\n", (tui_now_ns() - t->t_start_ns) / 1e6);
			first_frame = true;
		}
		if (poll(fds, 2, 1000) < 0 && errno != EINTR)
			break;
		if (fds[1].revents & POLLIN) {
			char buf[256];
			ssize_t got;
			bool event = false;
			while ((got = read(t->wake[0], buf, sizeof(buf))) > 0)
				event |= memchr(buf, 'e', (size_t)got) != NULL;
			if (event)
				tui_request_refresh(t);
		}
		pthread_mutex_lock(&t->lock);
		if (t->open_err[0]) {
			pthread_mutex_unlock(&t->lock);
			break;
		}
		if (t->events_note[0]) {
			tui_set_status(t, false, "%s", t->events_note);
			t->events_note[0] = '\0';
		}
		if (t->fresh) {
			tui_list_apply_sample(t, t->fresh, t->n_fresh, t->fresh_ns);
			t->fresh = NULL;
			if (t->trace && !first_data) {
				fprintf(t->trace, "first_data_ms %.3f rows %zu\n",
					(tui_now_ns() - t->t_start_ns) / 1e6, t->n_rows);
				first_data = true;
			}
		} else if (t->fresh_err[0]) {
			tui_set_status(t, true, "%s", t->fresh_err);
			t->fresh_err[0] = '\0';
		}
		pthread_mutex_unlock(&t->lock);
		tui_jobs_poll(t);
		tui_close_retired(t);
		tui_run_asked(t);
		while (!t->quit && (ch = getch()) != ERR) {
			key_ns = tui_now_ns();
			tui_view_key(t, ch);
		}
		if (t->trace && key_ns) {
			tui_view_draw(t);
			fprintf(t->trace, "key_redraw_ms %.3f\n", (tui_now_ns() - key_ns) / 1e6);
		}
	}

	tui_term_restore();
	if (t->open_err[0]) {
		pthread_join(t->refresher, NULL);
		fprintf(stderr, "vmdeck: error: %s\n", t->open_err);
		return 1;
	}
	pthread_mutex_lock(&t->lock);
	t->quit = 1;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->refresher, NULL);
	if (t->job) {
		t->job->job.cancel = 1;
		pthread_join(t->worker, NULL);
		free(t->job->output);   /* (not shown any more) */
		free(t->job);
		t->job = NULL;
	}
	tui_close_retired(t);
	if (t->trace)
		fclose(t->trace);
	tui_wizard_free(t);
	if (t->wiz_tap)
		eng_console_tap_close(t->wiz_tap);
	eng_sampler_free(t->sampler);
	free(t->mon);
	free(t->nets);
	free(t->fwd);
	free(t->labs);
	free(t->lab_seats);
	pic_free(&t->shot);
	if (tui_fleet_close(t))
		eng_close(t->eng);
	/* ended by SIGTERM/SIGHUP/SIGINT: the terminal is back, now end as that
	 * signal does (the shell sees 128+N, as for other programs) */
	{
		int sig = t->quit_signal;
		bool watched = false;
		for (size_t i = 0; i < t->n_hosts; i++)
			watched = watched || t->hosts[i].watched;
		watched = watched || tui_fleet_busy(t);
		if (!watched)   /* a host's watcher may still be inside libvirt: t stays theirs */
			free(t);
		tui_term_exit_signal(sig);
		return sig ? 128 + sig : 0;
	}
}
