/* connect.c - which libvirt URI to open, opening it, keepalive, the event loop thread. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "internal.h"

#define SYSTEM_URI "qemu:///system"
#define SESSION_URI "qemu:///session"

/* Both the monolithic and the modular daemon listen here when running. */
static const char *const system_sockets[] = {
	"/run/libvirt/libvirt-sock",
	"/run/libvirt/virtqemud-sock",
	"/var/run/libvirt/libvirt-sock",
	NULL,
};

bool eng_system_socket_answers(void)
{
	for (size_t i = 0; system_sockets[i]; i++) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int fd, rc;

		strncpy(sa.sun_path, system_sockets[i], sizeof(sa.sun_path) - 1);
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
			return false;
		rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
		close(fd);
		if (rc == 0)
			return true;
	}
	return false;
}

bool eng_systemd_running(void)
{
	struct stat st;

	return stat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode);
}

static bool nonempty(const char *s)
{
	return s && *s;
}

const char *eng_uri_choose(const struct eng_uri_inputs *in, const char **why,
			   struct eng_error *err)
{
	const char *dummy;

	if (!why)
		why = &dummy;
	if (nonempty(in->cli)) {
		*why = "-c";
		return in->cli;
	}
	if (nonempty(in->env_vmdeck)) {
		*why = "$VMDECK_URI";
		return in->env_vmdeck;
	}
	if (nonempty(in->env_libvirt)) {
		*why = "$LIBVIRT_DEFAULT_URI";
		return in->env_libvirt;
	}
	if (nonempty(in->config)) {
		*why = "config [connection] uri";
		return in->config;
	}
	if (in->system_answers) {
		*why = "system daemon answers";
		return SYSTEM_URI;
	}
	if (in->uid != 0) {
		/* libvirt spawns the session daemon itself for ordinary users */
		*why = "session daemon (not root, no system daemon)";
		return SESSION_URI;
	}
	*why = "none";
	if (in->systemd)
		eng_err_set(err, ENG_E_FAILED,
			    "no libvirt daemon answers at /run/libvirt/libvirt-sock: "
			    "start it with 'systemctl start libvirtd'");
	else
		eng_err_set(err, ENG_E_FAILED,
			    "no libvirt daemon answers at /run/libvirt/libvirt-sock: "
			    "start it with 'virtlogd -d' and 'libvirtd -d' (no systemd runs here)");
	return NULL;
}

/* ---- event loop: keepalive, console streams and (for the TUI) lifecycle events ---- */

/* One loop thread for the process, however many connections are open (a
 * fleet has one per host): libvirt's default event implementation serves
 * them all, and two threads running it would take each other's wake-ups. */
static struct {
	pthread_mutex_t lock;
	unsigned users;
	pthread_t thread;
	volatile int quit;
} loop = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void *event_loop_main(void *arg)
{
	(void)arg;
	while (!loop.quit)
		if (virEventRunDefaultImpl() < 0)
			break;
	return NULL;
}

static void wake_noop(int timer, void *opaque)
{
	(void)opaque;
	virEventRemoveTimeout(timer);
}

static bool event_loop_start(void)
{
	bool ok = true;

	pthread_mutex_lock(&loop.lock);
	if (loop.users == 0) {
		loop.quit = 0;
		ok = pthread_create(&loop.thread, NULL, event_loop_main, NULL) == 0;
	}
	if (ok)
		loop.users++;
	pthread_mutex_unlock(&loop.lock);
	return ok;
}

static void event_loop_stop(struct eng *e)
{
	if (!e->loop_running)
		return;
	e->loop_running = false;
	pthread_mutex_lock(&loop.lock);
	if (--loop.users == 0) {
		loop.quit = 1;
		/* adding a timer wakes the loop's poll() so it sees quit */
		virEventAddTimeout(0, wake_noop, NULL, NULL);
		pthread_join(loop.thread, NULL);
	}
	pthread_mutex_unlock(&loop.lock);
}

static void register_event_impl_once(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, (void (*)(void))virEventRegisterDefaultImpl);
}

static bool uri_is_local(virConnectPtr c)
{
	char *uri = virConnectGetURI(c);
	bool local = true;

	/* qemu+ssh://host/... names a server; qemu:///..., test:///... do not */
	if (uri) {
		const char *p = strstr(uri, "://");
		if (p && p[3] != '/' && strncmp(p + 3, "localhost", 9) != 0)
			local = false;
	}
	free(uri);
	return local;
}

/* in-process drivers: no connection to keep alive */
static bool embedded_or_test(const char *uri)
{
	return uri && (strncmp(uri, "test:", 5) == 0 || strstr(uri, "/embed") != NULL);
}

struct eng *eng_open(const struct eng_open_opts *o, struct eng_error *err)
{
	struct eng *e = calloc(1, sizeof(*e));
	const char *uri = o->uri, *why = "-c";
	virConnectPtr c;
	char *type_uri;

	if (!e) {
		eng_err_set(err, ENG_E_FAILED, "out of memory");
		return NULL;
	}
	eng_libvirt_init();
	register_event_impl_once();
	pthread_mutex_init(&e->meta_lock, NULL);
	e->meta_fd = -1;

	if (!uri) {
		struct eng_uri_inputs in = {
			.env_vmdeck = getenv("VMDECK_URI"),
			.env_libvirt = getenv("LIBVIRT_DEFAULT_URI"),
			.config = o->config_uri,
			.uid = geteuid(),
			.system_answers = eng_system_socket_answers(),
			.systemd = eng_systemd_running(),
		};
		if (!(uri = eng_uri_choose(&in, &why, err)))
			goto fail;
	}
	e->uri_why = why;
	e->readonly = o->readonly;
	e->embedded = o->embedded;

	if (o->readonly)
		c = virConnectOpenReadOnly(uri);
	else
		c = virConnectOpen(uri);
	if (!c) {
		eng_err_libvirt(err, "cannot connect to %s", uri);
		goto fail;
	}
	e->conn = c;
	type_uri = virConnectGetURI(c);
	e->uri = type_uri ? type_uri : strdup(uri);
	e->local = uri_is_local(c);

	e->loop_running = event_loop_start();
	/* keepalive needs the event loop; a dead or hung daemon is then noticed
	 * (after 5 s x 3 unanswered) and its calls end instead of waiting on it;
	 * drivers in the process (test, embed) have no link to keep alive */
	if (!embedded_or_test(uri))
		virConnectSetKeepAlive(c, 5, 3);

	{
		const char *drv = virConnectGetType(c);
		if (drv && strcasecmp(drv, "test") == 0) {
			e->accel.virt_type = "test";
			e->accel.accel = "tcg";
			snprintf(e->accel.why, sizeof(e->accel.why),
				 "libvirt test driver (no real guests)");
		} else if (!e->local) {
			/* the remote host's /dev/kvm is not ours to inspect: trust its capabilities */
			char *caps = virConnectGetCapabilities(c);
			bool kvm = caps && strstr(caps, "<domain type='kvm'");
			free(caps);
			e->accel.virt_type = (kvm && o->accel != ENG_ACCEL_TCG) ? "kvm" : "qemu";
			e->accel.accel = strcmp(e->accel.virt_type, "kvm") == 0 ? "kvm" : "tcg";
			snprintf(e->accel.why, sizeof(e->accel.why), "%s",
				 o->accel == ENG_ACCEL_TCG ? "forced with --accel tcg" :
				 kvm ? "remote host advertises KVM" : "remote host has no KVM");
		} else {
			eng_accel_pick(o->accel, "", &e->accel);
		}
	}
	return e;
fail:
	free(e);
	return NULL;
}

bool eng_alive(struct eng *e)
{
	return e && e->conn && virConnectIsAlive(e->conn) == 1;
}

void eng_close(struct eng *e)
{
	if (!e)
		return;
	if (e->conn) {
		if (!embedded_or_test(e->uri))
			virConnectSetKeepAlive(e->conn, -1, 0);
		eng_events_close(e);
		virConnectClose(e->conn);
	}
	event_loop_stop(e);
	pthread_mutex_destroy(&e->meta_lock);
	if (e->meta_fd >= 0)
		close(e->meta_fd);
	free(e->uri);
	free(e);
}

const char *eng_uri(const struct eng *e) { return e->uri; }
const char *eng_uri_why(const struct eng *e) { return e->uri_why; }
bool eng_is_readonly(const struct eng *e) { return e->readonly; }
const struct eng_accel_choice *eng_accel(const struct eng *e) { return &e->accel; }

int eng_refuse_readonly(struct eng *e, const char *verb, const char *name,
			struct eng_error *err)
{
	if (!e->readonly)
		return 0;
	eng_err_set(err, ENG_E_READONLY, "read-only connection: cannot %s %s", verb, name);
	return -1;
}
