/* names.c - VM, network, snapshot and lab names. What vmdeck makes follows
 * [A-Za-z0-9][A-Za-z0-9._-]{0,63}; what exists may be named as libvirt allows
 * (virt-manager users have "Windows 10"), and is found by that name. */
#include <ctype.h>
#include <string.h>

#include "engine.h"

static bool name_char(char c, bool first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return !first && (c == '.' || c == '_' || c == '-');
}

bool eng_name_valid(const char *name)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len > ENG_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!name_char(name[i], i == 0))
			return false;
	return true;
}

int eng_name_check(const char *kind, const char *name, struct eng_error *err)
{
	size_t len = name ? strlen(name) : 0;

	if (eng_name_valid(name))
		return 0;
	if (len == 0)
		eng_err_set(err, ENG_E_INVALID, "invalid %s name '': it is empty", kind);
	else if (len > ENG_NAME_MAX)
		eng_err_set(err, ENG_E_INVALID, "invalid %s name '%.20s...': longer than %d characters",
			    kind, name, ENG_NAME_MAX);
	else
		eng_err_set(err, ENG_E_INVALID,
			    "invalid %s name '%s': use letters, digits, '.', '_' and '-', starting with a letter or digit",
			    kind, name);
	return -1;
}

int eng_name_lookup_check(const char *kind, const char *name, struct eng_error *err)
{
	size_t len = name ? strlen(name) : 0;

	if (eng_name_valid(name))
		return 0;
	if (len == 0 || len > ENG_NAME_MAX)
		return eng_name_check(kind, name, err);
	/* a name of libvirt's, but never one that control bytes would hide,
	 * nor quotes (names are put into XPath expressions in quotes), nor '/'
	 * (libvirt refuses it too; names become parts of file names) */
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f || strchr("'\"/", name[i])) {
			eng_err_set(err, ENG_E_INVALID, "invalid %s name '%s': vmdeck does not handle names with control "
				    "characters, quotes or '/'", kind, (unsigned char)name[i] < 0x20 ? "?" : name);
			return -1;
		}
	return 0;
}

/* Case-blind, with runs of digits compared as numbers: "Alpine Linux 3.5"
 * before "Alpine Linux 3.10", as a person sorts versions. */
int eng_natural_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			const char *ea = a, *eb = b;
			while (*a == '0' && isdigit((unsigned char)a[1]))
				a++;
			while (*b == '0' && isdigit((unsigned char)b[1]))
				b++;
			for (ea = a; isdigit((unsigned char)*ea); ea++)
				;
			for (eb = b; isdigit((unsigned char)*eb); eb++)
				;
			if (ea - a != eb - b)
				return ea - a < eb - b ? -1 : 1;
			for (; a < ea; a++, b++)
				if (*a != *b)
					return *a < *b ? -1 : 1;
			continue;
		}
		int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
		if (ca != cb)
			return ca < cb ? -1 : 1;
		a++;
		b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}
