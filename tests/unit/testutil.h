/* testutil.h - helpers the unit tests share. */
#ifndef VMDECK_TESTUTIL_H
#define VMDECK_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>

/* The whole file as a string (caller frees), NULL when unreadable. */
static inline char *test_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

#endif
