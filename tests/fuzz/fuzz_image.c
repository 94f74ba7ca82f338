/* fuzz_image.c - the guest-screen decoders (engine/screenshot.c): binary
 * PPM and PNG, as a hostile guest or a broken stream could send them. A
 * decoded picture's size is what it says, within the limits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eng_image img = { 0 };
	struct eng_error err = { 0 };

	if (eng_ppm_decode(data, size, &img, &err) == 0) {
		if (img.w <= 0 || img.h <= 0 || !img.rgb)
			abort();
		volatile unsigned char last = img.rgb[(size_t)img.w * img.h * 3 - 1];   /* all of it is there */
		(void)last;
		eng_image_free(&img);
	}
	if (eng_png_decode(data, size, &img, &err) == 0) {
		if (img.w <= 0 || img.h <= 0 || !img.rgb)
			abort();
		volatile unsigned char last = img.rgb[(size_t)img.w * img.h * 3 - 1];
		(void)last;
		eng_image_free(&img);
	}
	return 0;
}
