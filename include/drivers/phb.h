/*
 * PCIe host bridges (PHBs): PHB4 on POWER9 (drivers/phb4.c), PHB3 on
 * POWER8 (drivers/phb3.c), and what they share (drivers/phb.c): the walk
 * of the FDT's PEC/PBCQ nodes, the PHB and PE pools, RTT ownership, PE
 * assignment after enumeration, and the accessors the rest of the
 * hypervisor uses (boot listing, debug shell, IOMMU core).
 *
 * A PHB is named by its chip id and its index on the chip ("phb0:1"); its
 * PCI domain is (chip << 4) | index. Each present PHB gets:
 *   - its register space, 32-bit MMIO window (M32: CPU window onto PCI
 *     0x80000000-0xffffffff) and, on PHB4, M64 and ESB BARs;
 *   - an RTT (RID -> PE table) in hypervisor memory, every RID on the
 *     reserved PE (the PHB's last PE) until a device is given its own;
 *   - an empty TVT (every DMA window invalid);
 *   - one PE per endpoint function found behind its root port, numbered
 *     from 1.
 */
#ifndef DRIVERS_PHB_H
#define DRIVERS_PHB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <arch/ppc.h>
#include <drivers/pci.h>
#include <iommu/phb_ops.h>
#include <iommu/table_group.h>
#include <lib/lock.h>

#define PHB_MAX			12	/* 2 chips x 6 PHB4s, 4 chips x 3 PHB3s */
#define PHB_PE_MAX		PCI_MAX_DEVS
#define PHB_RTT_ENTRIES		65536	/* one big-endian u16 per RID */
#define PHB_RTT_SIZE		(PHB_RTT_ENTRIES * 2)	/* 128 KiB, its alignment */
#define PHB_M32_PCI_BASE	0x80000000ULL
#define PHB_M32_SIZE		0x80000000ULL

/* The first PE handed out; 0 is left unused so that a zeroed RTT entry
 * (a bug) never lands in a device's PE. */
#define PHB_FIRST_PE		1

/* Config access registers, identical on PHB3 and PHB4 */
#define PHB_CONFIG_DATA		0x130	/* little-endian, 1/2/4 bytes */
#define PHB_CONFIG_ADDRESS	0x140
#define PHB_CA_ENABLE		PPC_BIT(0)
#define PHB_CA_BDFN		PPC_BITMASK(4, 19)
#define PHB_CA_REG		PPC_BITMASK(20, 31)

/* Registers at the same offset on PHB3 and PHB4, with the fields they
 * share; the rest of each field is in struct phb_hw_ops. */
#define PHB_RTT_BAR		0x168
#define   PHB_RTT_BAR_ENABLE	PPC_BIT(0)
#define PHB_RTC_INVALIDATE	0x208
#define   PHB_RTC_INVALIDATE_ALL PPC_BIT(0)
#define PHB_IODA_ADDR		0x220
#define   PHB_IODA_AD_AUTOINC	PPC_BIT(0)
#define   PHB_IODA_AD_TSEL	PPC_BITMASK(11, 15)
#define PHB_IODA_DATA0		0x228
#define PHB_VERSION		0x800

/* IODA table number of the TVT, 9 in IODA2 (PHB3) and IODA3 (PHB4) */
#define PHB_IODA_TBL_TVT	9

/* TVE, identical in IODA2 (PHB3) and IODA3 (PHB4) */
#define PHB_TVE_TABLE_ADDR	PPC_BITMASK(0, 47)	/* top level >> 12 */
#define PHB_TVE_NUM_LEVELS	PPC_BITMASK(48, 50)	/* levels - 1 */
#define PHB_TVE_TABLE_SIZE	PPC_BITMASK(51, 55)	/* log2(level bytes) - 11 */
#define PHB_TVE_IO_PSIZE	PPC_BITMASK(59, 63)	/* log2(page) - 11; 0 = bypass */

struct phb;

/* What a PHB generation does for the common code. */
struct phb_hw_ops {
	const char *model;		/* "phb3", "phb4" */
	/* Presence through XSCOM (p->version), BARs. False (with
	 * p->why_absent if it answered) if the PHB is not there. */
	bool (*setup)(struct phb *p);
	/* The PHB's PE count, once its register space answers. */
	uint32_t (*num_pes)(struct phb *p);
	/* Open the M32 window, set the config and IOMMU ops and the kill
	 * policy; called once the RTT and TVT are set up (phb.c). */
	void (*init)(struct phb *p);
	uint64_t rtt_bar_base;		/* RTT_BAR's address field */
	uint64_t ioda_tadr;		/* IODA_ADDR's table index field */
};

struct phb {
	/* ops, kill policy, and kill counters: the driver counts each kill
	 * operation it performs (kill_range counts once per call), PHB4 under
	 * `lock`, PHB3 atomically (callers on different tables reach one
	 * PHB concurrently) */
	struct iommu_phb iommu;
	struct pci_host pci;		/* config access, M32 window */
	const struct phb_hw_ops *hw;	/* its generation, from the FDT */
	uint32_t chip_id, index;
	bool present;			/* answered the XSCOM probe and came up */
	const char *why_absent;		/* !present but answered: why */
	uint64_t version;		/* PHB_VERSION */
	/* XSCOM addresses (PCB) of this PHB's units, from the FDT */
	uint64_t xscom_nest, xscom_ind;
	uint64_t regs;			/* register space (MMIO) */
	uint64_t m32_cpu, m64_cpu, m64_size;
	uint32_t num_pes, reserved_pe, next_pe;
	uint16_t *rtt;			/* big-endian PE per RID */
	/* Config and IODA address/data register pairs; on PHB4 also the
	 * kill queue, the sync handshake and the kill counters. */
	struct lock lock;
	char name[12];			/* "phb<chip>:<index>" */
};

/*
 * One PE: a device function behind a PHB, with its own RTT entry and its
 * own pair of TVEs. The IOMMU core links PEs to TCE tables through `group`.
 */
struct phb_pe {
	struct phb *phb;
	uint32_t pe;
	struct pci_dev *dev;
	/* The IOMMU core's per-PE state: the tables this PE translates
	 * through. The PHB code only initialises it. */
	struct table_group group;
};

/* Probe every PHB the FDT names on every chip, bring up the present ones,
 * enumerate behind them and give each endpoint a PE. Call once at boot. */
void phb_init(const void *fdt);

/* PHBs in (chip, index) order, absent ones included. */
unsigned int phb_count(void);
struct phb *phb_get(unsigned int i);
static inline uint16_t phb_domain(const struct phb *p)
{
	return (uint16_t)((p->chip_id << 4) | p->index);
}

/* PEs in assignment order. */
unsigned int phb_pe_count(void);
struct phb_pe *phb_pe_get(unsigned int i);
/* i such that phb_pe_get(i) == pe; PHB_PE_MAX if pe is none of them. */
unsigned int phb_pe_index(const struct phb_pe *pe);
struct phb_pe *phb_pe_of_dev(const struct pci_dev *dev);

static inline struct phb *phb_from_iommu(struct iommu_phb *iphb)
{
	return (struct phb *)((char *)iphb - offsetof(struct phb, iommu));
}

static inline struct phb *phb_from_host(struct pci_host *host)
{
	return (struct phb *)((char *)host - offsetof(struct phb, pci));
}

/* Every table group is a PE's (phb_init sets them up). */
static inline const struct phb_pe *phb_pe_of_group(const struct table_group *g)
{
	return (const struct phb_pe *)((const char *)g - offsetof(struct phb_pe, group));
}

/* --- for drivers/phb3.c and drivers/phb4.c only ------------------------- */

extern const struct phb_hw_ops phb3_hw_ops, phb4_hw_ops;

uint64_t phb_read(struct phb *p, uint32_t reg);
void phb_write(struct phb *p, uint32_t reg, uint64_t val);
/* Config access through CONFIG_ADDRESS/CONFIG_DATA (both generations). */
uint32_t phb_cfg_read(struct phb *p, uint16_t bdf, uint32_t off, unsigned int size);
void phb_cfg_write(struct phb *p, uint16_t bdf, uint32_t off, unsigned int size,
		   uint32_t val);
/* Select entry `index` of IODA table `table` for IODA_DATA0 accesses;
 * with autoinc, each access moves to the next entry. Under p->lock once
 * the PHB is up. */
void phb_ioda_select(struct phb *p, unsigned int table, unsigned int index, bool autoinc);
/* The phb_ops set_window of both generations: the TVE in IODA_DATA0. */
int phb_set_window(struct iommu_phb *iphb, uint32_t pe, int window,
		   const struct tce_table *tbl);

#endif /* DRIVERS_PHB_H */
