/* main.c - vmdeck: with a command, run it (the CLI); without one, the TUI. */
#include <stdio.h>
#include <unistd.h>

#include "cmd.h"
#include "tui.h"

int main(int argc, char **argv)
{
	struct cmd_global g = { 0 };
	int first;
	int rc = cmd_parse_globals(argc, argv, &first, &g, stderr);

	cmd_man_keys = tui_keys_man;   /* help --man: the key table is the TUI's */
	if (rc)
		return rc;
	if (first >= argc) {
		/* vmdeck --help / --version: the overview and the version commands */
		char *help[] = { "help", NULL }, *version[] = { "version", NULL };
		if (g.version) {
			g.version = false;
			return cmd_cli_run(&g, 1, version);
		}
		if (g.help) {
			g.help = false;
			return cmd_cli_run(&g, 1, help);
		}
		return tui_main(&g);
	}
	return cmd_cli_run(&g, argc - first, argv + first);
}
