/*
 * The guest's PCI host bridge as its device tree describes it (the first
 * node with device_type "pci"): DMA windows, the BUID RTAS config calls
 * name it by, and its children in tree order with their BARs, translated
 * to the guest-physical addresses the guest reaches them at.
 */
#ifndef GUEST_VPHB_H
#define GUEST_VPHB_H

#include <stdbool.h>
#include <stdint.h>
#include "guest.h"

#define VPHB_DEVS_MAX		8
#define PCI_BARS		6

struct vphb_dev {
	uint32_t vendor, device, class_code;
	uint64_t bar_pci[PCI_BARS];	/* PCI address from assigned-addresses */
	uint64_t bar_gpa[PCI_BARS];	/* through `ranges`; 0: no BAR, or untranslatable */
	uint64_t bar_size[PCI_BARS];
};

struct vphb {
	bool present;
	uint64_t buid;			/* the node's reg, first two cells */
	int nwin;
	struct dma_window win[DMA_WINDOWS_MAX];
	int ndev;
	struct vphb_dev dev[VPHB_DEVS_MAX];
	uint32_t tok_read, tok_write;	/* ibm,read/write-pci-config, or RTAS_NO_TOKEN */
};
extern struct vphb vphb;

void vphb_init(void);
/* RTAS config access to bus 0, devfn (dev + 1) << 3: the RTAS status
 * (or the H_RTAS rc if that failed); *val as RTAS returned it. */
int vphb_cfg_read(uint64_t dev, uint32_t off, uint32_t size, uint32_t *val);
int vphb_cfg_write(uint64_t dev, uint32_t off, uint32_t size, uint32_t val);

#endif /* GUEST_VPHB_H */
