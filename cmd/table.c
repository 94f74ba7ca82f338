/* table.c - the command table: every command vmdeck has, in help order.
 * Adding a command is adding its definition in a cmd_*.c file and a row here. */
#include "cmd.h"

extern const struct cmd_def cmd_list, cmd_info, cmd_host, cmd_create, cmd_start,
	cmd_shutdown, cmd_poweroff, cmd_pause, cmd_resume, cmd_reboot, cmd_reset, cmd_save,
	cmd_delete, cmd_set, cmd_ip, cmd_console, cmd_help, cmd_version, cmd_snapshot_take,
	cmd_snapshot_list, cmd_snapshot_revert, cmd_snapshot_delete, cmd_clone, cmd_stats;

const struct cmd_def *const cmd_table[] = {
	&cmd_list,
	&cmd_info,
	&cmd_host,
	&cmd_create,
	&cmd_start,
	&cmd_shutdown,
	&cmd_poweroff,
	&cmd_pause,
	&cmd_resume,
	&cmd_reboot,
	&cmd_reset,
	&cmd_save,
	&cmd_delete,
	&cmd_set,
	&cmd_ip,
	&cmd_console,
	&cmd_snapshot_take,
	&cmd_snapshot_list,
	&cmd_snapshot_revert,
	&cmd_snapshot_delete,
	&cmd_clone,
	&cmd_stats,
	&cmd_help,
	&cmd_version,
	NULL,
};
