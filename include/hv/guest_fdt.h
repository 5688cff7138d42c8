/* Building a guest's flattened device tree (see hv/guest_fdt.c). */
#ifndef HV_GUEST_FDT_H
#define HV_GUEST_FDT_H

#include <stddef.h>
#include <hv/guest.h>

struct guest_fdt_args {
	const char *bootargs;
	const void *script;
	int script_len;
	/* extra properties of device k's node / of the virtual PHB (passthrough) */
	int (*dev_node)(void *fdt, const struct guest *g, unsigned int k);
	int (*vphb_props)(void *fdt, const struct guest *g);
};

/* Build g's tree into buf (size bytes, at guest-real g->fdt_gpa).
 * 0, or -1 if it does not fit. */
int guest_fdt_build(struct guest *g, void *buf, size_t size, const struct guest_fdt_args *a);

#endif /* HV_GUEST_FDT_H */
