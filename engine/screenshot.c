/* screenshot.c - the guest's screen as a picture: libvirt's screenshot
 * stream (QEMU's screendump: PNG where QEMU offers it, as libvirt 9.0 asks
 * QEMU 7.2 for, else a binary PPM), decoded into RGB for a caller that draws
 * it (the TUI's `v`). The decoders are pure so the unit tests feed them
 * hostile input. */
#include <ctype.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* a 8K screen is 100 MB of RGB: anything larger is not a screen */
#define SHOT_MAX (128u << 20)
#define SIDE_MAX 16384

void eng_image_free(struct eng_image *img)
{
	free(img->rgb);
	memset(img, 0, sizeof(*img));
}

/* one header number of a PPM; '#' comments run to the end of the line */
static int ppm_number(const unsigned char *b, size_t len, size_t *at, long *out)
{
	long v = 0;
	int digits = 0;

	for (;;) {
		while (*at < len && isspace(b[*at]))
			(*at)++;
		if (*at < len && b[*at] == '#') {
			while (*at < len && b[*at] != '\n')
				(*at)++;
			continue;
		}
		break;
	}
	while (*at < len && isdigit(b[*at]) && digits < 7) {
		v = v * 10 + (b[*at] - '0');
		(*at)++;
		digits++;
	}
	if (!digits || (*at < len && isdigit(b[*at])))
		return -1;
	*out = v;
	return 0;
}

int eng_ppm_decode(const unsigned char *buf, size_t len, struct eng_image *img, struct eng_error *err)
{
	size_t at = 2, px;
	long w, h, maxval;

	memset(img, 0, sizeof(*img));
	if (len < 2 || buf[0] != 'P' || buf[1] != '6') {
		eng_err_set(err, ENG_E_FAILED, "the screenshot is not a binary PPM (P6) picture");
		return -1;
	}
	if (ppm_number(buf, len, &at, &w) < 0 || ppm_number(buf, len, &at, &h) < 0 ||
	    ppm_number(buf, len, &at, &maxval) < 0 || at >= len || !isspace(buf[at])) {
		eng_err_set(err, ENG_E_FAILED, "the screenshot's PPM header is malformed");
		return -1;
	}
	at++; /* the one whitespace byte before the samples */
	if (w < 1 || h < 1 || w > SIDE_MAX || h > SIDE_MAX || maxval < 1 || maxval > 65535) {
		eng_err_set(err, ENG_E_FAILED, "the screenshot's size %ldx%ld (max %ld) is not a screen", w, h, maxval);
		return -1;
	}
	px = (size_t)w * (size_t)h;
	size_t sample = maxval > 255 ? 2 : 1;
	if ((len - at) / (3 * sample) < px) {
		eng_err_set(err, ENG_E_FAILED, "the screenshot is cut short (%zu bytes for %ldx%ld)", len - at, w, h);
		return -1;
	}
	if (!(img->rgb = malloc(px * 3))) {
		eng_err_set(err, ENG_E_FAILED, "out of memory for a %ldx%ld screenshot", w, h);
		return -1;
	}
	for (size_t i = 0; i < px * 3; i++) {
		const unsigned char *s = buf + at + i * sample;
		unsigned v = sample == 2 ? (unsigned)s[0] << 8 | s[1] : s[0];
		img->rgb[i] = (unsigned char)(v * 255u / (unsigned)maxval);
	}
	img->w = (int)w;
	img->h = (int)h;
	return 0;
}

int eng_png_decode(const unsigned char *buf, size_t len, struct eng_image *img, struct eng_error *err)
{
	png_image pi;

	memset(img, 0, sizeof(*img));
	memset(&pi, 0, sizeof(pi));
	pi.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&pi, buf, len)) {
		eng_err_set(err, ENG_E_FAILED, "the screenshot is not a PNG picture (%s)", pi.message);
		return -1;
	}
	if (pi.width < 1 || pi.height < 1 || pi.width > SIDE_MAX || pi.height > SIDE_MAX) {
		eng_err_set(err, ENG_E_FAILED, "the screenshot's size %ux%u is not a screen", pi.width, pi.height);
		png_image_free(&pi);
		return -1;
	}
	pi.format = PNG_FORMAT_RGB;
	if (!(img->rgb = malloc(PNG_IMAGE_SIZE(pi)))) {
		eng_err_set(err, ENG_E_FAILED, "out of memory for a %ux%u screenshot", pi.width, pi.height);
		png_image_free(&pi);
		return -1;
	}
	if (!png_image_finish_read(&pi, NULL, img->rgb, 0, NULL)) {
		eng_err_set(err, ENG_E_FAILED, "the screenshot's PNG data is damaged (%s)", pi.message);
		eng_image_free(img);
		png_image_free(&pi);
		return -1;
	}
	img->w = (int)pi.width;
	img->h = (int)pi.height;
	return 0;
}

int eng_screenshot(struct eng *e, const char *name, struct eng_image *img, size_t *bytes, struct eng_error *err)
{
	virDomainPtr d = eng_dom_lookup(e, name, err);
	virStreamPtr st = NULL;
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0;
	char *mime = NULL;
	int ret = -1, got;

	memset(img, 0, sizeof(*img));
	if (bytes)
		*bytes = 0;
	if (!d)
		return -1;
	if (virDomainIsActive(d) != 1) {
		eng_err_set(err, ENG_E_FAILED, "VM %s is not running: it has no screen", name);
		goto out;
	}
	if (!(st = virStreamNew(e->conn, 0)) || !(mime = virDomainScreenshot(d, st, 0, 0))) {
		eng_err_libvirt(err, "screenshot of %s", name);
		goto out;
	}
	for (;;) {
		if (cap - len < 65536) {
			unsigned char *n = cap + 65536 > SHOT_MAX ? NULL : realloc(buf, cap + (cap > 1 << 20 ? cap : 1 << 20));
			if (!n) {
				eng_err_set(err, ENG_E_FAILED, "screenshot of %s: larger than %u MiB", name, SHOT_MAX >> 20);
				virStreamAbort(st);
				goto out;
			}
			buf = n;
			cap += cap > 1 << 20 ? cap : 1 << 20;
		}
		if ((got = virStreamRecv(st, (char *)buf + len, cap - len)) < 0) {
			eng_err_libvirt(err, "screenshot of %s", name);
			virStreamAbort(st);
			goto out;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	virStreamFinish(st);
	if (bytes)
		*bytes = len;
	if (strcmp(mime, "image/png") == 0)
		ret = eng_png_decode(buf, len, img, err);
	else if (strcmp(mime, "image/x-portable-pixmap") == 0)
		ret = eng_ppm_decode(buf, len, img, err);
	else
		eng_err_set(err, ENG_E_FAILED, "screenshot of %s: %s pictures are not decoded (PNG and PPM are)", name,
			    mime);
out:
	free(mime);
	free(buf);
	if (st)
		virStreamFree(st);
	virDomainFree(d);
	return ret;
}
