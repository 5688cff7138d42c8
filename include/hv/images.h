/* Guest images built into the hypervisor image (hv/images.S). */
#ifndef HV_IMAGES_H
#define HV_IMAGES_H

#include <stdint.h>

struct guest_image {
	const char *name;
	const uint8_t *start, *end;
};

/* NULL for an unknown (or NULL) name. */
const struct guest_image *image_find(const char *name);
/* "a, b" for error messages */
const char *image_names(void);

#endif /* HV_IMAGES_H */
