/* fuzz_ini.c - the INI files vmdeck reads (profiles/): a lab file, a VM
 * profile, vmdeck.ini. The input becomes a file (the readers take paths, as
 * users give them); the first byte picks the reader. Every refusal names
 * the file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profiles.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct eng_error err = { 0 };
	FILE *f;
	int rc = 0;

	if (size < 1)
		return 0;
	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/vmdeck-fuzz-ini.%d.ini", (int)getpid());
	if (!(f = fopen(path, "w")))
		return 0;
	fwrite(data + 1, 1, size - 1, f);
	fclose(f);
	switch (data[0] % 3) {
	case 0: {
		struct lab_spec *l = calloc(1, sizeof(*l));
		rc = l ? prof_lab_load(path, l, &err) : 0;
		free(l);
		break;
	}
	case 1: {
		struct vm_profile *p = calloc(1, sizeof(*p));
		rc = p ? prof_profile_load(path, p, &err) : 0;
		free(p);
		break;
	}
	default: {
		struct vmdeck_config *c = calloc(1, sizeof(*c));
		rc = c ? prof_config_load(path, c, &err) : 0;
		free(c);
		break;
	}
	}
	if (rc < 0 && !strstr(err.msg, path))
		abort();   /* the refusal names the file */
	return 0;
}
