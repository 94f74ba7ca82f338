/* base.h - what engine/ and netcfg/ both stand on: the error every call
 * fills, the name and unit rules. engine.h includes it; netcfg/ includes
 * only this (so the two layers do not include each other). Pure. */
#ifndef VMDECK_BASE_H
#define VMDECK_BASE_H

#include <stdbool.h>
#include <stddef.h>

#define ENG_NAME_MAX 64
#define ENG_MAX_IPV4 8

struct eng_error {
	int code;          /* ENG_E_* */
	char msg[512];
};

enum {
	ENG_E_NONE = 0,
	ENG_E_FAILED,      /* the operation failed (exit 1) */
	ENG_E_INVALID,     /* bad input from the user (exit 2 when parsing, 1 otherwise) */
	ENG_E_NOT_FOUND,
	ENG_E_READONLY,
	ENG_E_TIMEOUT,
	ENG_E_CANCELLED,
	ENG_E_RISKY,       /* libvirt refused as risky: only with the user's --force */
};

void eng_err_set(struct eng_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void eng_err_clear(struct eng_error *err);

/* ---- names and units (pure) ---- */
bool eng_name_valid(const char *name);
/* strcasecmp with digit runs compared as numbers ("3.5" before "3.10") */
int eng_natural_cmp(const char *a, const char *b);
/* Validates and fills err with "invalid KIND name 'x': why". */
int eng_name_check(const char *kind, const char *name, struct eng_error *err);
/* For finding what exists: any name libvirt allows (spaces, '--' inside),
 * up to ENG_NAME_MAX bytes, without control bytes, quotes or '/'. New objects still
 * take eng_name_check. */
int eng_name_lookup_check(const char *kind, const char *name, struct eng_error *err);

enum eng_unit { ENG_UNIT_B = 1, ENG_UNIT_KIB, ENG_UNIT_MIB, ENG_UNIT_GIB, ENG_UNIT_TIB };
/* "512", "512M", "2G", "1T", "64KiB", "3GB": binary suffixes; a bare number is
 * in default_unit. Result in bytes; overflow, garbage, negatives are refused. */
int eng_size_parse(const char *what, const char *text, enum eng_unit default_unit,
		   unsigned long long *bytes, struct eng_error *err);
/* "4", "16": a positive count within [1, max]. */
int eng_count_parse(const char *what, const char *text, unsigned max,
		    unsigned *out, struct eng_error *err);
/* "2", "0.5", "1e1": seconds within [min, max]. Non-finite values ("nan",
 * "inf"), trailing junk and an empty text are refused. */
int eng_seconds_parse(const char *what, const char *text, double min, double max,
		      double *out, struct eng_error *err);
/* Human size: "512 MiB", "2.0 GiB". */
void eng_size_format(unsigned long long bytes, char *buf, size_t len);
/* One token for a table column: "512M", "1.5G", "100B" (binary units). */
void eng_size_token(unsigned long long bytes, char *buf, size_t len);

#endif
