/* Creating a guest from a validated configuration node. */
#ifndef HV_GUEST_BUILD_H
#define HV_GUEST_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <hv/guest.h>
#include <hv/images.h>

struct guest_spec {
	const char *name;
	uint64_t memory, host_address;	/* host_address 0: anywhere */
	unsigned int vcpus;
	const struct guest_image *image;
	const char *bootargs;
	const void *script;
	int script_len;
	unsigned int nr_devs;
	struct phb_pe *devs[GUEST_DEVS_MAX];
	struct {
		bool present;
		uint64_t size;
		unsigned int page_shift, levels;
	} win[TCE_WINDOWS];
};

/* Build and start the guest; false with a reason in err. */
bool guest_build(const struct guest_spec *s, char *err, size_t errlen);
/* Name of the guest a PE is assigned to, or NULL. */
const char *guest_build_device_owner(const struct phb_pe *pe);
/* The IOMMU page the hardware uses for a guest page of 1 << shift on all
 * the spec's devices: the largest supported one <= shift, or 0 if none. */
unsigned int guest_build_hw_page_shift(const struct guest_spec *s, unsigned int shift);

#endif /* HV_GUEST_BUILD_H */
