/* fuzz_ova.c - an OVA archive (tar with an OVF descriptor) as create
 * --import reads it (engine/ova.c: libarchive, then the OVF's XML): any
 * bytes; what it unpacks is removed by eng_ova_close. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct eng_ova *o = calloc(1, sizeof(*o));
	struct eng_error err = { 0 };
	FILE *f;

	if (!o)
		return 0;
	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/vmdeck-fuzz.%d.ova", (int)getpid());
	if ((f = fopen(path, "w"))) {
		fwrite(data, 1, size, f);
		fclose(f);
		if (eng_ova_open(path, o, &err) == 0) {
			if (o->n_disks < 0 || o->n_disks > ENG_OVA_MAX_DISKS)
				abort();
			eng_ova_close(o);
		} else if (!err.msg[0]) {
			abort();   /* a refusal says why */
		}
	}
	free(o);
	return 0;
}
