/* fuzz_cmdline.c - a command line as the TUI's prompt takes it: split into
 * words (quotes, escapes), then the global options, the command table and
 * the command's own options, as dispatch does before anything runs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	char *line = malloc(size + 1), **argv = NULL, msg[96];
	int argc, first = 0, words = 0;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	argc = cmd_split_line(line, &argv, msg, sizeof(msg));
	if (argc > 0) {
		struct cmd_global g = { 0 };
		struct cmd_args a;
		const struct cmd_def *def;
		/* the words quoted back split into the same words */
		for (int i = 0; i < argc; i++) {
			char q[8192], **back = NULL;
			if (cmd_quote_word(argv[i], q, sizeof(q)) == 0) {
				if (cmd_split_line(q, &back, msg, sizeof(msg)) != 1 || strcmp(back[0], argv[i]) != 0)
					abort();
				cmd_words_free(1, back);
			}
		}
		if (cmd_parse_globals(argc, argv, &first, &g, devnull) == 0 && first < argc &&
		    (def = cmd_find(argc - first, argv + first, &words))) {
			memset(&a, 0, sizeof(a));
			cmd_parse(def, argc - first - words, argv + first + words, &a, &g, devnull);
		}
	}
	if (argc >= 0)
		cmd_words_free(argc, argv);
	free(line);
	return 0;
}
