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

		if (!t->refresh_wanted) {
			struct timespec until;
			/* the guest's screen is a live picture: about once a second */
			long ms = t->view == VIEW_SCREEN && t->cfg.refresh_ms > 1000 ? 1000 : t->cfg.refresh_ms;
			tui_deadline(&until, ms);
			pthread_cond_timedwait(&t->cond, &t->lock, &until);
			if (t->quit)
				break;
		}
		t->refresh_wanted = false;
		snprintf(name, sizeof(name), "%s",
			 t->view == VIEW_DETAILS || t->view == VIEW_SNAPSHOTS ? t->details_name : "");
		bool want_snaps = t->view == VIEW_SNAPSHOTS;
		bool want_fwd = t->view == VIEW_NETWORKS ||
				(t->view == VIEW_OUTPUT && t->output_back == VIEW_NETWORKS);
		bool want_nets = want_fwd || t->view == VIEW_WIZARD;
		pthread_mutex_unlock(&t->lock);

		struct eng_snapshot *snaps = NULL;
		size_t n_snaps = 0;
		int src = -1;
		const char *focus[65];
		size_t nfocus = 0;
		char focus_buf[65][ENG_NAME_MAX + 1];

		/* the slow statistics only for what is on screen */
		pthread_mutex_lock(&t->lock);
		for (int i = 0; t->view == VIEW_MONITOR && i < t->n_focus; i++)
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
			for (int i = 0; t->view == VIEW_LIST && i < t->n_listed; i++)
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
		/* the create wizard's host facts, OS list, new guest's console and agent */
		tui_wizard_refresh(t);
		tui_labs_refresh(t);
		tui_screen_refresh(t);

		pthread_mutex_lock(&t->lock);
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
		tui_wake(t);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

static void request_refresh(struct tui *t)
{
	pthread_mutex_lock(&t->lock);
	t->refresh_wanted = true;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

/* ---- actions of the key table ('@name') ---- */

/* leaving a view: command output goes back to where the command was given */
static void leave_view(struct tui *t)
{
	t->view = t->view == VIEW_OUTPUT ? t->output_back : t->view == VIEW_SCREEN ? t->shot_back : VIEW_LIST;
}

static void act_quit(struct tui *t)
{
	if (t->view != VIEW_LIST)
		leave_view(t);
	else
		t->quit = 1;
}

static void act_cancel(struct tui *t)
{
	if (t->job && !t->job->done)
		tui_job_cancel(t);
	else
		leave_view(t);
}

static void act_down(struct tui *t) { t->view == VIEW_LIST ? tui_list_move(t, 1) : tui_scroll_view(t, 1); }
static void act_up(struct tui *t) { t->view == VIEW_LIST ? tui_list_move(t, -1) : tui_scroll_view(t, -1); }
static void act_page_down(struct tui *t) { t->view == VIEW_LIST ? tui_list_move(t, LINES - 5) : tui_scroll_view(t, LINES - 4); }
static void act_page_up(struct tui *t) { t->view == VIEW_LIST ? tui_list_move(t, -(LINES - 5)) : tui_scroll_view(t, -(LINES - 4)); }
static void act_top(struct tui *t) { tui_list_move(t, -(int)t->n_visible); }
static void act_bottom(struct tui *t) { tui_list_move(t, (int)t->n_visible); }
static void act_help(struct tui *t) { t->help_top = 0; t->view = VIEW_HELP; }
static void act_sort(struct tui *t) { tui_list_cycle_sort(t); }
static void act_refresh(struct tui *t) { request_refresh(t); tui_set_status(t, false, "refreshing"); }
static void act_redraw(struct tui *t) { (void)t; clearok(curscr, TRUE); }
static void act_edit(struct tui *t) { tui_edit_form(t); }

bool tui_focus_selected(struct tui *t)
{
	const struct tui_row *r = tui_selected(t);

	if (!r)
		return false;
	pthread_mutex_lock(&t->lock);
	if (strcmp(t->details_name, r->s.name) != 0) {
		if (t->details_ok)
			eng_dom_info_free(&t->details);
		t->details_ok = false;
		snprintf(t->details_name, sizeof(t->details_name), "%s", r->s.name);
	}
	return true;
}

void tui_focus_show(struct tui *t, enum tui_view view)
{
	t->view = view;
	t->refresh_wanted = true;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

static void act_details(struct tui *t)
{
	if (tui_focus_selected(t))
		tui_focus_show(t, VIEW_DETAILS);
}

static void act_next_view(struct tui *t)
{
	if (t->view == VIEW_LIST)
		act_details(t);
	else
		t->view = VIEW_LIST;
}

static void act_mark(struct tui *t)
{
	const struct tui_row *r = tui_selected(t);

	if (!r)
		return;
	t->rows[t->visible[t->sel]].marked = !r->marked;
	tui_list_move(t, 1);
}

static void act_prompt(struct tui *t)
{
	char line[512] = "";

	if (!tui_prompt_read(t, ":", line, sizeof(line), true) || !line[0])
		return;
	if (t->n_history == TUI_HISTORY) {
		memmove(t->history[0], t->history[1], sizeof(t->history[0]) * (TUI_HISTORY - 1));
		t->n_history--;
	}
	snprintf(t->history[t->n_history++], sizeof(t->history[0]), "%s", line);
	tui_run_line(t, line);
}

static void act_filter(struct tui *t)
{
	char f[64];

	snprintf(f, sizeof(f), "%s", t->filter);
	if (tui_prompt_read(t, "/", f, sizeof(f), false)) {
		snprintf(t->filter, sizeof(t->filter), "%s", f);
		tui_list_refilter(t);
	}
}

/* C: the prompt, prefilled with the clone command for the selected guest */
static void act_clone(struct tui *t)
{
	const struct tui_row *r = tui_selected(t);
	char line[512];

	if (!r || !tui_line(t, line, sizeof(line), "clone %s ", r->s.name))
		return;
	if (tui_prompt_read(t, ":", line, sizeof(line), true) && line[0])
		tui_run_line(t, line);
}

static void act_monitor(struct tui *t)
{
	t->view = t->view == VIEW_MONITOR ? VIEW_LIST : VIEW_MONITOR;
	request_refresh(t);
}

static const struct {
	const char *name;
	void (*fn)(struct tui *t);
} actions[] = {
	{ "@quit", act_quit }, { "@cancel", act_cancel }, { "@down", act_down }, { "@up", act_up },
	{ "@page-down", act_page_down }, { "@page-up", act_page_up }, { "@top", act_top },
	{ "@bottom", act_bottom }, { "@help", act_help }, { "@sort", act_sort },
	{ "@refresh", act_refresh }, { "@redraw", act_redraw }, { "@edit", act_edit },
	{ "@details", act_details }, { "@next-view", act_next_view }, { "@mark", act_mark },
	{ "@prompt", act_prompt }, { "@filter", act_filter },
	{ "@snapshots", tui_snapshots_open }, { "@create", tui_wizard_open }, { "@clone", act_clone },
	{ "@monitor", act_monitor }, { "@networks", tui_networks_open }, { "@labs", tui_labs_open },
	{ "@hosts", tui_hosts_open }, { "@migrate", tui_migrate_open },
	{ "@screen", tui_screen_open },
};

bool tui_binding_known(const char *command)
{
	char **argv, msg[96];
	int argc, words;
	bool known = false;

	if (command[0] == '@') {
		for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
			known |= strcmp(actions[i].name, command) == 0;
		return known;
	}
	if ((argc = cmd_split_line(command, &argv, msg, sizeof(msg))) > 0) {
		known = cmd_find(argc, argv, &words) != NULL;
		cmd_words_free(argc, argv);
	} else if (argc == 0) {
		cmd_words_free(argc, argv);
	}
	return known;
}

static void handle_key(struct tui *t, int ch)
{
	const struct key_binding *kb;

	if (ch == KEY_RESIZE) {
		tui_list_move(t, 0);
		return;
	}
	if (t->view == VIEW_SNAPSHOTS && tui_snapshots_key(t, ch))
		return;
	if (t->view == VIEW_MONITOR && tui_monitor_key(t, ch))
		return;
	if (t->view == VIEW_NETWORKS && tui_networks_key(t, ch))
		return;
	if (t->view == VIEW_DETAILS && tui_details_key(t, ch))
		return;
	if (t->view == VIEW_WIZARD && tui_wizard_key(t, ch))
		return;
	if (t->view == VIEW_LABS && tui_labs_key(t, ch))
		return;
	if (t->view == VIEW_SCREEN && tui_screen_key(t, ch))
		return;
	if (t->view == VIEW_MIGRATE && tui_migrate_key(t, ch))
		return;
	/* help and output views: only scrolling and leaving */
	if ((t->view == VIEW_HELP || t->view == VIEW_OUTPUT) &&
	    !(kb = tui_key_find(t, ch), kb && kb->command[0] == '@' &&
	      (strstr("@quit @cancel @down @up @page-down @page-up @next-view @redraw", kb->command)))) {
		return;
	}
	if (!(kb = tui_key_find(t, ch))) {
		char name[16];
		tui_key_name(ch, name, sizeof(name));
		tui_set_status(t, false, "key %s is not bound (? shows the keys)", name);
		return;
	}
	if (kb->command[0] == '@') {
		for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
			if (strcmp(actions[i].name, kb->command) == 0) {
				actions[i].fn(t);
				return;
			}
		tui_set_status(t, true, "unknown action %s", kb->command);
		return;
	}
	tui_run_key(t, kb);
}

static void draw(struct tui *t)
{
	if (COLS < 30 || LINES < 6) {
		erase();
		mvaddnstr(0, 0, "vmdeck: terminal too small", COLS);
		refresh();
		return;
	}
	switch (t->view) {
	case VIEW_DETAILS: tui_details_draw(t); break;
	case VIEW_HELP: tui_help_draw(t); break;
	case VIEW_OUTPUT: tui_output_draw(t); break;
	case VIEW_SNAPSHOTS: tui_snapshots_draw(t); break;
	case VIEW_MONITOR: tui_monitor_draw(t); break;
	case VIEW_NETWORKS: tui_networks_draw(t); break;
	case VIEW_WIZARD: tui_wizard_draw(t); break;
	case VIEW_LABS: tui_labs_draw(t); break;
	case VIEW_SCREEN: tui_screen_draw(t); break;
	case VIEW_HOSTS: tui_hosts_draw(t); break;
	case VIEW_MIGRATE: tui_migrate_draw(t); break;
	default: tui_list_draw(t); break;
	}
	refresh();
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
	tui_set_status(t, false, "? help  : command  / filter  q quit");
	if (t->cfg.n_warnings)
		tui_set_status(t, true, "%s%s", t->cfg.warnings[0], t->cfg.n_warnings > 1 ? " (and more: vmdeck config)" : "");
	t->refresh_wanted = true;
	pthread_create(&t->refresher, NULL, refresher_main, t);

	while (!t->quit) {
		struct pollfd fds[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
					 { .fd = t->wake[0], .events = POLLIN } };
		uint64_t key_ns = 0;
		int ch;

		draw(t);
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
				request_refresh(t);
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
		while (!t->quit && (ch = getch()) != ERR) {
			key_ns = tui_now_ns();
			handle_key(t, ch);
		}
		if (t->trace && key_ns) {
			draw(t);
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
	}
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
