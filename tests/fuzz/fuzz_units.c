/* fuzz_units.c - the number parsers users type into: sizes, counts,
 * seconds, ports, CIDRs, names. Each must refuse or accept without reading
 * past the text or overflowing; a refusal says why (the command layer puts
 * it on one line, whatever bytes it quotes), an acceptance is in range. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "netcfg.h"
#include "forward.h"

static void says_why(const struct eng_error *err)
{
	if (!err->msg[0])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct eng_error err = { 0 };
	unsigned long long bytes;
	unsigned count, port, prefix;
	unsigned char addr[4];
	double secs;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (int u = ENG_UNIT_B; u <= ENG_UNIT_TIB; u++)
		if (eng_size_parse("size", text, (enum eng_unit)u, &bytes, &err) < 0)
			says_why(&err);
	if (eng_count_parse("count", text, 1000000, &count, &err) == 0 && (count < 1 || count > 1000000))
		abort();
	if (eng_seconds_parse("seconds", text, 0.1, 86400, &secs, &err) == 0 && !(secs >= 0.1 && secs <= 86400))
		abort();
	if (fwd_port_parse(text, "port", &port, &err) == 0 && (port < 1 || port > 65535))
		abort();
	if (net_cidr_parse(text, addr, &prefix, &err) == 0 && (prefix < 16 || prefix > 29))
		abort();
	eng_name_valid(text);
	free(text);
	return 0;
}
