/*
 * QEMU's "edu" teaching device (1234:11e8) as a DMA engine for self-tests
 * (phb-and-tce.md §4): it copies between bus addresses and its own 4 KiB
 * buffer, which it calls "address" 0x40000.
 */
#ifndef DRIVERS_EDU_H
#define DRIVERS_EDU_H

#include <stdbool.h>
#include <stdint.h>
#include <drivers/pci.h>

#define EDU_VENDOR_ID		0x1234
#define EDU_DEVICE_ID		0x11e8
#define EDU_BUFFER		0x40000ULL	/* the device-side address */
#define EDU_BUFFER_SIZE		4096

enum edu_dir {
	EDU_TO_DEVICE,		/* bus address -> buffer (device reads memory) */
	EDU_TO_MEMORY,		/* buffer -> bus address (device writes memory) */
};

static inline bool edu_match(const struct pci_dev *dev)
{
	return dev->vendor == EDU_VENDOR_ID && dev->device == EDU_DEVICE_ID;
}

/* True if BAR0 is mapped and answers with edu's identification. */
bool edu_probe(const struct pci_dev *dev);
/*
 * Copy `len` bytes between bus address `bus` and buffer offset `buf_off`
 * and wait for the engine to finish (it runs on a ~100 ms virtual timer).
 * The range must stay inside the buffer: QEMU aborts otherwise. 0, or -1
 * if the engine did not finish within `timeout_tb` timebase ticks or the
 * arguments are out of range. The device must be a bus master.
 */
int edu_dma(const struct pci_dev *dev, enum edu_dir dir, uint64_t bus, uint32_t buf_off,
	    uint32_t len, uint64_t timeout_tb);

#endif /* DRIVERS_EDU_H */
