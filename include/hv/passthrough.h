/* PCI passthrough to guests (see hv/passthrough.c). */
#ifndef HV_PASSTHROUGH_H
#define HV_PASSTHROUGH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <hv/guest.h>

/* The guest's PCI addresses [0x80000000, 4 GiB) appear at guest-physical
 * GUEST_PCI_MMIO_GPA + address (as on QEMU pseries). */
#define GUEST_PCI_MMIO_GPA	0x200000000000ULL
#define GUEST_PCI_M32_BASE	0x80000000ULL
#define GUEST_PCI_M32_SIZE	0x80000000ULL

/* Give the guest's devices guest PCI addresses and map their BARs. */
bool passthrough_setup(struct guest *g, char *err, size_t len);
/* Bus mastering of the guest's devices on (guest running) or off. */
void passthrough_enable(struct guest *g, bool on);
/* Extra properties of the k-th device node and of the virtual PHB node. */
int passthrough_fdt_dev(void *fdt, const struct guest *g, unsigned int k);
int passthrough_fdt_vphb(void *fdt, const struct guest *g);
/* RTAS ibm,read-pci-config / ibm,write-pci-config */
int32_t passthrough_rtas_read(struct guest *g, const uint32_t *args, uint32_t nargs,
			      uint32_t *rets, uint32_t nret);
int32_t passthrough_rtas_write(struct guest *g, const uint32_t *args, uint32_t nargs,
			       uint32_t *rets, uint32_t nret);

#endif /* HV_PASSTHROUGH_H */
