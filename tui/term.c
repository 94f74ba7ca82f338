/* term.c - terminal hygiene: curses set-up, signals that end the program
 * cleanly, a crash handler that restores the terminal, the wake pipe. */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "tui.h"

static struct tui *signal_tui;
static volatile sig_atomic_t curses_active;
/* the terminal as it was before curses: what a dying vmdeck puts back */
static struct termios saved_termios;
static bool have_termios;

uint64_t tui_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void tui_deadline(struct timespec *until, long ms)
{
	clock_gettime(CLOCK_REALTIME, until);
	until->tv_nsec += (ms % 1000) * 1000000L;
	until->tv_sec += ms / 1000 + until->tv_nsec / 1000000000L;
	until->tv_nsec %= 1000000000L;
}

void tui_wake(struct tui *t)
{
	char b = 'w';

	if (write(t->wake[1], &b, 1) < 0) {
		/* a full pipe already wakes the loop */
	}
}

void tui_term_restore(void)
{
	if (curses_active) {
		curses_active = 0;
		curs_set(1);
		endwin();
	}
}

/* SIGINT, SIGTERM, SIGHUP: leave through the main loop, which restores the
 * terminal; vmdeck then ends by the same signal (tui_term_exit_signal). */
static void quit_handler(int sig)
{
	int saved = errno;

	if (signal_tui) {
		signal_tui->quit = 1;
		signal_tui->quit_signal = sig;
		tui_wake(signal_tui);
	}
	errno = saved;
}

/* A crash or a deadly signal (SIGQUIT, SIGUSR1, SIGALRM...) must not leave
 * the terminal raw, without echo or cursor. endwin() is not async-signal-safe
 * (it takes locks other threads may hold: a deadlock instead of a death);
 * tcsetattr and write are. So: the saved termios back, the sequences that
 * leave the alternate screen and show the cursor, then the signal again
 * with its default action. */
static void crash_handler(int sig)
{
	static const char reset[] = "\033[0m\033[?25h\033[?1049l\r\n";

	if (curses_active && have_termios) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
		if (write(STDOUT_FILENO, reset, sizeof(reset) - 1) < 0) {
			/* nothing more can be done for a dying process */
		}
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void tui_term_exit_signal(int sig)
{
	if (sig <= 0)
		return;
	signal(sig, SIG_DFL);
	raise(sig);
}

void tui_term_init(struct tui *t)
{
	static const int quit_signals[] = { SIGINT, SIGTERM, SIGHUP };
	/* every other signal whose default action ends the process */
	static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT, SIGTRAP,
					     SIGSYS, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU,
					     SIGXFSZ, SIGPOLL, SIGSTKFLT, SIGPWR };
	struct sigaction sa;

	setlocale(LC_ALL, "");
	t->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if (!getenv("ESCDELAY"))
		setenv("ESCDELAY", "25", 1);   /* Esc answers at once, also over SSH */
	if (pipe2(t->wake, O_CLOEXEC | O_NONBLOCK) < 0)
		t->wake[0] = t->wake[1] = -1;
	signal_tui = t;
	have_termios = tcgetattr(STDIN_FILENO, &saved_termios) == 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = quit_handler;
	for (size_t i = 0; i < sizeof(quit_signals) / sizeof(quit_signals[0]); i++)
		sigaction(quit_signals[i], &sa, NULL);
	sa.sa_handler = crash_handler;
	sa.sa_flags = SA_RESETHAND;   /* a second fault inside it dies at once */
	for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++)
		sigaction(crash_signals[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	initscr();
	curses_active = 1;
	atexit(tui_term_restore);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	/* clicks select and run hints, the wheel scrolls, where the terminal
	 * reports them (Shift+drag still selects text in xterm and tmux) */
	mouseinterval(0);
	mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	t->color = has_colors() && !getenv("NO_COLOR");
	if (t->color) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_GREEN, -1);    /* running */
		init_pair(2, COLOR_YELLOW, -1);   /* paused */
		init_pair(3, COLOR_RED, -1);      /* crashed, errors */
		init_pair(4, COLOR_CYAN, -1);     /* headers */
	}
}
