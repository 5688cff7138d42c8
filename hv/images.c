/* The table of built-in guest images. */
#include <string.h>
#include <hv/images.h>

extern const uint8_t image_testguest_start[], image_testguest_end[];

static const struct guest_image images[] = {
	{ "testguest", image_testguest_start, image_testguest_end },
};

const struct guest_image *image_find(const char *name)
{
	unsigned int i;

	for (i = 0; name && i < sizeof(images) / sizeof(images[0]); i++)
		if (!strcmp(images[i].name, name))
			return &images[i];
	return NULL;
}

const char *image_names(void)
{
	return "testguest";
}
