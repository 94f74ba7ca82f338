/* error.c - struct eng_error and the capture of libvirt's errors. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

void eng_err_set(struct eng_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

void eng_err_clear(struct eng_error *err)
{
	if (err) {
		err->code = ENG_E_NONE;
		err->msg[0] = '\0';
	}
}

/* libvirt's messages can span lines (e.g. qemu stderr); the contract is one line. */
static void one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

void eng_err_libvirt(struct eng_error *err, const char *fmt, ...)
{
	char prefix[256];
	va_list ap;
	virErrorPtr le = virGetLastError();
	int code = ENG_E_FAILED;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	if (le && (le->code == VIR_ERR_NO_DOMAIN || le->code == VIR_ERR_NO_NETWORK ||
		   le->code == VIR_ERR_NO_STORAGE_VOL || le->code == VIR_ERR_NO_STORAGE_POOL ||
		   le->code == VIR_ERR_NO_DOMAIN_SNAPSHOT))
		code = ENG_E_NOT_FOUND;
	else if (le && le->code == VIR_ERR_OPERATION_DENIED)
		code = ENG_E_READONLY;
	eng_err_set(err, code, "%s: %s", prefix,
		    le && le->message ? le->message : "unknown libvirt error");
	if (err)
		one_line(err->msg);
}

/* Nothing may be printed behind curses or between a command's lines: errors
 * are read back with virGetLastError by the caller. */
static void silent_error_handler(void *opaque, virErrorPtr e)
{
	(void)opaque;
	(void)e;
}

void eng_libvirt_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, (void (*)(void))virInitialize);
	virSetErrorFunc(NULL, silent_error_handler);
}
