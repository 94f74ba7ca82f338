/* units.c - sizes with binary suffixes and bounded counts. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine.h"

static const struct {
	const char *suffix;
	unsigned shift;
} size_suffixes[] = {
	{ "", 0 }, /* placeholder: a bare number takes the default unit */
	{ "b", 0 },
	{ "k", 10 }, { "kb", 10 }, { "kib", 10 },
	{ "m", 20 }, { "mb", 20 }, { "mib", 20 },
	{ "g", 30 }, { "gb", 30 }, { "gib", 30 },
	{ "t", 40 }, { "tb", 40 }, { "tib", 40 },
};

static unsigned unit_shift(enum eng_unit u)
{
	static const unsigned shifts[] = {
		[ENG_UNIT_B] = 0, [ENG_UNIT_KIB] = 10, [ENG_UNIT_MIB] = 20,
		[ENG_UNIT_GIB] = 30, [ENG_UNIT_TIB] = 40,
	};
	return shifts[u];
}

int eng_size_parse(const char *what, const char *text, enum eng_unit default_unit,
		   unsigned long long *bytes, struct eng_error *err)
{
	const char *p = text;
	unsigned long long n = 0;
	int shift = -1;

	if (!text || !*text || !isdigit((unsigned char)*text)) {
		eng_err_set(err, ENG_E_INVALID,
			    "invalid %s '%s': expected a number with an optional K/M/G/T suffix",
			    what, text ? text : "");
		return -1;
	}
	for (; isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');
		if (n > (~0ULL - d) / 10)
			goto overflow;
		n = n * 10 + d;
	}
	for (size_t i = 0; i < sizeof(size_suffixes) / sizeof(size_suffixes[0]); i++)
		if (strcasecmp(p, size_suffixes[i].suffix) == 0) {
			shift = i == 0 ? (int)unit_shift(default_unit) : (int)size_suffixes[i].shift;
			break;
		}
	if (shift < 0) {
		eng_err_set(err, ENG_E_INVALID,
			    "invalid %s '%s': unknown unit '%s' (use K, M, G or T)", what, text, p);
		return -1;
	}
	if (n == 0) {
		eng_err_set(err, ENG_E_INVALID, "invalid %s '%s': must be greater than zero", what, text);
		return -1;
	}
	if (shift && n > (~0ULL >> shift))
		goto overflow;
	*bytes = n << shift;
	return 0;
overflow:
	eng_err_set(err, ENG_E_INVALID, "invalid %s '%s': too large", what, text);
	return -1;
}

int eng_count_parse(const char *what, const char *text, unsigned max,
		    unsigned *out, struct eng_error *err)
{
	char *end;
	unsigned long v;

	errno = 0;
	if (!text || !isdigit((unsigned char)*text)) {
		eng_err_set(err, ENG_E_INVALID, "invalid %s '%s': expected a whole number",
			    what, text ? text : "");
		return -1;
	}
	v = strtoul(text, &end, 10);
	if (*end || errno) {
		eng_err_set(err, ENG_E_INVALID, "invalid %s '%s': expected a whole number", what, text);
		return -1;
	}
	if (v < 1 || v > max) {
		eng_err_set(err, ENG_E_INVALID, "invalid %s '%s': must be between 1 and %u",
			    what, text, max);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

int eng_seconds_parse(const char *what, const char *text, double min, double max,
		      double *out, struct eng_error *err)
{
	char *end;
	double v;

	errno = 0;
	v = text && *text ? strtod(text, &end) : NAN;
	/* NaN compares false with every bound: it must be refused by name */
	if (!text || !*text || *end || errno || !isfinite(v)) {
		eng_err_set(err, ENG_E_INVALID, "invalid %s '%s': expected a number of seconds", what,
			    text ? text : "");
		return -1;
	}
	if (v < min || v > max) {
		eng_err_set(err, ENG_E_INVALID, "invalid %s '%s': seconds between %g and %g", what, text,
			    min, max);
		return -1;
	}
	*out = v;
	return 0;
}

void eng_size_format(unsigned long long bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned i = 0;

	/* the largest unit the value reaches; one decimal unless it is exact */
	while (i < 4 && bytes >= (1ULL << (10 * (i + 1))))
		i++;
	if (bytes % (1ULL << (10 * i)) == 0)
		snprintf(buf, len, "%llu %s", bytes >> (10 * i), units[i]);
	else
		snprintf(buf, len, "%.1f %s", (double)bytes / (double)(1ULL << (10 * i)), units[i]);
}

void eng_size_token(unsigned long long bytes, char *buf, size_t len)
{
	static const char units[] = "BKMGTP";
	unsigned i = 0;

	/* one token per column for scripts: "512M", "1.5G", "100B" */
	while (i < 5 && bytes >= (1ULL << (10 * (i + 1))))
		i++;
	if (i == 0)
		snprintf(buf, len, "%lluB", bytes);
	else if (bytes % (1ULL << (10 * i)) == 0)
		snprintf(buf, len, "%llu%c", bytes >> (10 * i), units[i]);
	else
		snprintf(buf, len, "%.1f%c", (double)bytes / (double)(1ULL << (10 * i)), units[i]);
}
