/* labrecord.c - what the last `lab exec` gave in each seat, kept for `lab
 * status` and the TUI's labs view: one line per seat in a 0600 file of
 * vmdeck's private state directory ($XDG_STATE_HOME/vmdeck/labs/ID.exec),
 *   seat<TAB>status<TAB>unix time<TAB>command<TAB>first line of output
 * where status is the exit code, "timeout" or "error". A run over some seats
 * replaces only their lines. The file is written beside the old one and
 * renamed over it (never through a symlink). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

static int record_path(const struct lab_spec *l, char *out, size_t len, struct eng_error *err)
{
	char dir[900];

	if (eng_state_dir("labs", dir, sizeof(dir), err) < 0)
		return -1;
	snprintf(out, len, "%s/%s.exec", dir, l->id);
	return 0;
}

/* text on one line of the record: no tabs, no control characters */
static void one_line(const char *text, size_t len, char *out, size_t olen)
{
	size_t n = 0;

	for (size_t i = 0; i < len && text[i] != '\n' && n + 1 < olen; i++)
		out[n++] = (unsigned char)text[i] < 0x20 ? ' ' : text[i];
	out[n] = '\0';
}

static void run_line(const struct eng_seat_run *r, const char *cmd, long when, char *out, size_t len)
{
	char status[16], first[ENG_SEAT_EXEC_LINE];

	if (r->ran && r->rc == 0) {
		snprintf(status, sizeof(status), "%s", r->r.timed_out ? "timeout" : "");
		if (!status[0])
			snprintf(status, sizeof(status), "%d", r->r.exit_code);
		if (r->r.out_len)
			one_line(r->r.out, r->r.out_len, first, sizeof(first));
		else
			one_line(r->r.err ? r->r.err : "", r->r.err_len, first, sizeof(first));
	} else {
		snprintf(status, sizeof(status), "error");
		one_line(r->error, strlen(r->error), first, sizeof(first));
	}
	snprintf(out, len, "%s\t%s\t%ld\t%s\t%s\n", r->seat.name, status, when, cmd, first);
}

void eng_lab_exec_record(const struct lab_spec *l, const char *const *argv, const struct eng_seat_run *runs,
			 size_t n)
{
	char path[1100], tmp[1200], line[1024], cmd[ENG_SEAT_EXEC_CMD] = "";
	FILE *in, *out;
	int fd;
	size_t existing = 0;

	/* seats that do not exist ran nothing: a lab never brought up keeps no record */
	for (size_t i = 0; i < n; i++)
		existing += runs[i].seat.exists;
	if (!existing || record_path(l, path, sizeof(path), NULL) < 0)
		return;
	/* the command as words joined by spaces, cut to fit (one_line drops tabs) */
	for (size_t i = 0, used = 0; argv[i] && used + 2 < sizeof(cmd); i++) {
		if (used)
			cmd[used++] = ' ';
		one_line(argv[i], strlen(argv[i]), cmd + used, sizeof(cmd) - used);
		used += strlen(cmd + used);
	}
	snprintf(tmp, sizeof(tmp), "%s.%d.new", path, (int)getpid());
	if ((fd = eng_private_file_create(tmp, NULL)) < 0)
		return;
	if (!(out = fdopen(fd, "w"))) {
		close(fd);
		unlink(tmp);
		return;
	}
	/* the other seats' lines stay */
	if ((in = eng_private_file_read(path))) {
		while (fgets(line, sizeof(line), in)) {
			bool replaced = false;
			for (size_t i = 0; i < n && !replaced; i++) {
				size_t sl = strlen(runs[i].seat.name);
				replaced = strncmp(line, runs[i].seat.name, sl) == 0 && line[sl] == '\t';
			}
			if (!replaced && strchr(line, '\n'))
				fputs(line, out);
		}
		fclose(in);
	}
	for (size_t i = 0; i < n; i++) {
		if (!runs[i].seat.exists)
			continue;
		run_line(&runs[i], cmd, (long)time(NULL), line, sizeof(line));
		fputs(line, out);
	}
	if (fclose(out) != 0 || rename(tmp, path) < 0)
		unlink(tmp);
}

void eng_lab_exec_recall(const struct lab_spec *l, struct eng_seat *seats, size_t n)
{
	char path[1100], line[1024];
	FILE *f;

	if (record_path(l, path, sizeof(path), NULL) < 0 || !(f = eng_private_file_read(path)))
		return;
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *seat = strtok_r(line, "\t\n", &save), *status = strtok_r(NULL, "\t\n", &save),
		     *when = strtok_r(NULL, "\t\n", &save), *cmd = strtok_r(NULL, "\t\n", &save),
		     *first = strtok_r(NULL, "\n", &save);
		if (!seat || !status || !when || !cmd)
			continue;
		for (size_t i = 0; i < n; i++) {
			struct eng_seat *s = &seats[i];
			if (strcmp(s->name, seat) != 0)
				continue;
			snprintf(s->exec_status, sizeof(s->exec_status), "%s", status);
			snprintf(s->exec_cmd, sizeof(s->exec_cmd), "%s", cmd);
			snprintf(s->exec_line, sizeof(s->exec_line), "%s", first ? first : "");
			s->exec_time = strtol(when, NULL, 10);
		}
	}
	fclose(f);
}

void eng_lab_exec_forget(const struct lab_spec *l)
{
	char path[1100];

	if (record_path(l, path, sizeof(path), NULL) == 0)
		unlink(path);
}
