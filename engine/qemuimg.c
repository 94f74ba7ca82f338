/* qemuimg.c - qemu-img as a child process (copies, conversions, overlays). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "storage.h"

/* Runs qemu-img with argv (never through a shell). With -p in argv its
 * "    (42.00/100%)\r" lines become the job's progress. The child dies with
 * vmdeck, so a killed vmdeck leaves no copy running; cancel kills it. */
int eng_qemu_img(char *const argv[], const char *what, struct eng_error *err)
{
	int pipefd[2], status = 0;
	pid_t pid;
	char buf[256];
	size_t got = 0;

	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		eng_err_set(err, ENG_E_FAILED, "%s: pipe: %s", what, strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		eng_err_set(err, ENG_E_FAILED, "%s: fork: %s", what, strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* the disks it writes are 0600, as libvirt's own volumes: a guest's
		 * disk is readable by root only (qemu gets it by libvirt's chown) */
		umask(077);
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		execvp("qemu-img", argv);
		_exit(127);
	}
	close(pipefd[1]);
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	for (;;) {
		ssize_t r = read(pipefd[0], buf + got, sizeof(buf) - 1 - got);
		if (r > 0) {
			char *p;
			got += (size_t)r;
			buf[got] = '\0';
			if ((p = strrchr(buf, '(')))
				eng_job_progress((int)strtod(p + 1, NULL));
			if (got > sizeof(buf) / 2) {
				memmove(buf, buf + got / 2, got - got / 2);
				got -= got / 2;
			}
			continue;
		}
		if (r == 0)
			break;
		if (eng_job_cancelled()) {
			kill(pid, SIGKILL);
			break;
		}
		usleep(5 * 1000);
	}
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	if (eng_job_cancelled()) {
		eng_err_set(err, ENG_E_CANCELLED, "%s: cancelled", what);
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		buf[got] = '\0';
		for (char *q = buf; *q; q++)
			if (*q == '\n' || *q == '\r')
				*q = ' ';
		eng_err_set(err, ENG_E_FAILED, "%s failed (qemu-img exit %d)%s%s", what,
			    WIFEXITED(status) ? WEXITSTATUS(status) : -1, got ? ": " : "", buf);
		return -1;
	}
	return 0;
}

