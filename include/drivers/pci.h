/*
 * PCI configuration space, enumeration and BAR assignment, independent of
 * the host bridge: a PHB driver supplies a `struct pci_host` with its config
 * accessor and its 32-bit memory window, and pci_enumerate() does the rest.
 *
 * Devices live in one fixed pool (no heap), in discovery order. Every entry
 * stays valid for the life of the hypervisor, so pointers to it may be kept.
 */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_MAX_DEVS		64
#define PCI_MAX_BARS		6

/* Config space registers and bits used here. */
#define PCI_VENDOR_ID		0x00
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define   PCI_COMMAND_MEMORY	0x0002
#define   PCI_COMMAND_MASTER	0x0004
#define PCI_CLASS_REVISION	0x08
#define PCI_HEADER_TYPE		0x0e
#define   PCI_HEADER_MULTIFUNC	0x80
#define   PCI_HEADER_TYPE_MASK	0x7f
#define   PCI_HEADER_NORMAL	0
#define   PCI_HEADER_BRIDGE	1
#define PCI_BAR0		0x10
#define   PCI_BAR_IO		0x1
#define   PCI_BAR_MEM_TYPE	0x6
#define   PCI_BAR_MEM_64	0x4
#define   PCI_BAR_MEM_MASK	0xfULL
#define PCI_BRIDGE_BUSES	0x18	/* primary, secondary, subordinate */
#define PCI_BRIDGE_IO		0x1c	/* I/O base/limit (+ secondary status) */
#define PCI_BRIDGE_MEM		0x20	/* memory base/limit */
#define PCI_BRIDGE_PREF		0x24	/* prefetchable base/limit */
#define PCI_BRIDGE_PREF_HI_BASE	0x28
#define PCI_BRIDGE_PREF_HI_LIM	0x2c
#define PCI_BRIDGE_WINDOW_ALIGN	0x100000ULL	/* 1 MiB granule */

#define PCI_BDF(bus, dev, fn)	((uint16_t)(((bus) << 8) | ((dev) << 3) | (fn)))
#define PCI_BUS(bdf)		((unsigned int)((bdf) >> 8))
#define PCI_SLOT(bdf)		((unsigned int)(((bdf) >> 3) & 0x1f))
#define PCI_FUNC(bdf)		((unsigned int)((bdf) & 7))

struct pci_host;

/* A host bridge's config access. `size` is 1, 2 or 4 and `off` (< 4096)
 * is aligned to it. A function that does not answer reads all-ones. */
struct pci_cfg_ops {
	uint32_t (*read)(struct pci_host *host, uint16_t bdf, uint32_t off,
			 unsigned int size);
	void (*write)(struct pci_host *host, uint16_t bdf, uint32_t off,
		      unsigned int size, uint32_t val);
};

/* Filled by the PHB driver before pci_enumerate(). */
struct pci_host {
	const struct pci_cfg_ops *cfg;
	uint16_t domain;		/* printed as the BDF's domain */
	/* The 32-bit memory window: PCI [mem_pci, mem_pci + mem_size) is
	 * CPU [mem_cpu, mem_cpu + mem_size). */
	uint64_t mem_pci, mem_cpu, mem_size;
	/* enumeration state */
	uint64_t mem_next;		/* next free PCI address */
	unsigned int last_bus;		/* highest bus number handed out */
	bool root_port;			/* 00:00.0 answered as a bridge */
};

struct pci_bar {
	uint64_t pci;			/* bus address; 0 when unassigned */
	uint64_t cpu;			/* where the CPU reaches it */
	uint64_t size;
	uint8_t reg;			/* BAR register number, 0-5 */
	bool is64;
	bool assigned;			/* false: the window was full */
};

struct pci_dev {
	struct pci_host *host;
	uint16_t bdf;
	uint16_t vendor, device;
	uint32_t class;			/* base class, subclass, prog-if */
	uint8_t hdr_type;		/* without the multifunction bit */
	bool root_port;			/* the PHB's root port, 00:00.0 */
	bool mem_enabled;		/* memory decode on (all BARs assigned) */
	unsigned int nr_bars;		/* memory BARs; I/O BARs are skipped */
	struct pci_bar bars[PCI_MAX_BARS];
	int pe;				/* PE number set by the PHB, -1: none */
};

/*
 * Program the root port (00:00.0: bus numbers 0/1/0xff, memory window
 * 0x80000000-0xffffffff, MEM|MASTER), then scan every bus behind it,
 * numbering bridges, sizing and assigning memory BARs from host->mem_pci
 * upward and turning memory decode on where every BAR fitted. Bus mastering
 * stays off for every device but bridges. Returns the number of pool
 * entries added (root port included), or -1 if the pool ran out.
 */
int pci_enumerate(struct pci_host *host);

unsigned int pci_dev_count(void);
struct pci_dev *pci_dev_get(unsigned int index);

uint8_t pci_cfg_read8(const struct pci_dev *dev, uint32_t off);
uint16_t pci_cfg_read16(const struct pci_dev *dev, uint32_t off);
uint32_t pci_cfg_read32(const struct pci_dev *dev, uint32_t off);
void pci_cfg_write8(const struct pci_dev *dev, uint32_t off, uint8_t val);
void pci_cfg_write16(const struct pci_dev *dev, uint32_t off, uint16_t val);
void pci_cfg_write32(const struct pci_dev *dev, uint32_t off, uint32_t val);

/* "dddd:bb:ss.f" (domain, bus, slot, function in hex). */
#define PCI_NAME_LEN		16
void pci_dev_name(const struct pci_dev *dev, char buf[PCI_NAME_LEN]);

/* Let the device master the bus (DMA) or not. */
void pci_set_master(const struct pci_dev *dev, bool on);

#endif /* DRIVERS_PCI_H */
