/* fuzz_nft.c - the reader of nft's JSON listing (netcfg/forward.c): which
 * rules are vmdeck's and whether they come first. Any text; never more
 * rows than asked for. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "forward.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum { MAX = 8 };
	char *json = malloc(size + 1);
	unsigned long long handles[MAX];
	char comments[MAX][128];
	bool at_head = false;
	int n;

	if (!json)
		return 0;
	memcpy(json, data, size);
	json[size] = '\0';
	n = fwd_filter_parse(json, handles, comments, MAX, &at_head);
	if (n > MAX)
		abort();
	for (int i = 0; i < n; i++)
		if (!memchr(comments[i], '\0', sizeof(comments[i])))
			abort();
	free(json);
	return 0;
}
