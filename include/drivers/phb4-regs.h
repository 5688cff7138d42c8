/*
 * PHB4 (POWER9) registers used by drivers/phb4.c: the PEC stack's XSCOM
 * registers and the PHB's own register space (phb-and-tce.md §3, §5, §7).
 * IBM bit numbering; fields are indented under their register. Registers
 * PHB3 has at the same offset are in drivers/phb.h, with their shared
 * fields.
 */
#ifndef DRIVERS_PHB4_REGS_H
#define DRIVERS_PHB4_REGS_H

#include <arch/ppc.h>

/* XSCOM: PEC stack n's registers sit 0x40 * (n + 1) above the PEC's nest
 * and PCI bases; the PHB indirect window at PCI base + 0x100 + 0x40 * n. */
#define PHB4_XSCOM_STACK_STRIDE		0x40
#define PHB4_XSCOM_IND_OFFSET		0x100

/* nest stack registers (XSCOM) */
#define PHB4_NEST_MMIO_BAR0		0x0e	/* M64, value = addr << 8 */
#define PHB4_NEST_MMIO_BAR0_MASK	0x0f
#define PHB4_NEST_MMIO_BAR1		0x10	/* M32 */
#define PHB4_NEST_MMIO_BAR1_MASK	0x11
#define PHB4_NEST_PHB_REGS_BAR		0x12
#define PHB4_NEST_INT_BAR		0x13	/* XIVE ESB pages */
#define PHB4_NEST_BAR_EN		0x14
#define   PHB4_BAR_EN_MMIO0		PPC_BIT(0)
#define   PHB4_BAR_EN_MMIO1		PPC_BIT(1)
#define   PHB4_BAR_EN_PHB		PPC_BIT(2)
#define   PHB4_BAR_EN_INT		PPC_BIT(3)
#define PHB4_NEST_BAR_SHIFT		8
/* A mask register holds ~(size - 1) over 56 bits, shifted like the BAR. */
#define PHB4_NEST_MASK_BITS		0x00ffffffffffffffULL

/* PHB indirect window (XSCOM, from the PHB's PCI base + 0x100) */
#define PHB4_IND_ADDR			0x00
#define   PHB4_IND_ADDR_VALID		PPC_BIT(0)
#define   PHB4_IND_ADDR_OFFSET		PPC_BITMASK(51, 63)
#define PHB4_IND_DATA			0x01

/* PHB register space (MMIO, big-endian, 8-byte) */
/* PHB_RTT_BAR (phb.h) */
#define   PHB4_RTT_BAR_BASE		PPC_BITMASK(8, 46)
#define PHB4_M32_START_ADDR		0x1a0
#define PHB4_DMARD_SYNC			0x200
#define   PHB4_DMARD_SYNC_START		PPC_BIT(0)
#define   PHB4_DMARD_SYNC_COMPLETE	PPC_BIT(1)
#define PHB4_TCE_KILL			0x210
#define   PHB4_TCE_KILL_ALL		PPC_BIT(0)
#define   PHB4_TCE_KILL_PE		PPC_BIT(1)
#define   PHB4_TCE_KILL_ONE		PPC_BIT(2)
#define   PHB4_TCE_KILL_PSEL		PPC_BIT(3)	/* page size from the override */
#define   PHB4_TCE_KILL_PSIZE		PPC_BITMASK(50, 51)
#define     PHB4_TCE_KILL_PSIZE_64K	1
#define     PHB4_TCE_KILL_PSIZE_2M	2
#define     PHB4_TCE_KILL_PSIZE_1G	3
#define   PHB4_TCE_KILL_PENUM		PPC_BITMASK(55, 63)
#define   PHB4_TCE_KILL_BUSY		(PHB4_TCE_KILL_ALL | PHB4_TCE_KILL_PE | \
					 PHB4_TCE_KILL_ONE)
/* PHB_IODA_ADDR (phb.h) */
#define   PHB4_IODA_AD_TADR		PPC_BITMASK(54, 63)
#define PHB4_EEH_CAP			0x268
#define   PHB4_EEH_CAP_NUM_PES		PPC_BITMASK(0, 11)
#define PHB4_Q_DMA_R			0x888
#define   PHB4_Q_DMA_R_TCE_KILL_STATUS	PPC_BIT(7)
#define PHB4_RC_CONFIG_BASE		0x1000	/* root port config, LE, 4 bytes */
#define PHB4_RC_CONFIG_SIZE		0x800

/* IODA3 tables (the TVT is PHB_IODA_TBL_TVT) */
#define IODA3_TBL_MBT			16

/* MBT entry pair: [0] address and type, [1] enable and size mask */
#define IODA3_MBT0_TYPE_M32		PPC_BIT(1)
#define IODA3_MBT0_BASE			PPC_BITMASK(8, 51)
#define IODA3_MBT1_ENABLE		PPC_BIT(0)
#define IODA3_MBT1_MASK			PPC_BITMASK(8, 51)

#endif /* DRIVERS_PHB4_REGS_H */
