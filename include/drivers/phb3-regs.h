/*
 * PHB3 (POWER8) registers used by drivers/phb3.c: the PBCQ's XSCOM
 * registers and the PHB's register space (phb-and-tce.md §8). The PHB
 * register offsets match PHB4's where both have the register; those
 * registers are in drivers/phb.h, with the fields whose widths match, and
 * only the fields that differ are here (RTT base, IODA index).
 */
#ifndef DRIVERS_PHB3_REGS_H
#define DRIVERS_PHB3_REGS_H

#include <arch/ppc.h>

/* PBCQ nest registers (XSCOM); BAR values are addr << 14 */
#define PHB3_NEST_MMIO_BAR0		0x40	/* M64 */
#define PHB3_NEST_MMIO_BAR1		0x41	/* M32 */
#define PHB3_NEST_PHB_BAR		0x42
#define PHB3_NEST_MMIO_MASK0		0x43
#define PHB3_NEST_MMIO_MASK1		0x44
#define PHB3_NEST_BAR_EN		0x45
#define   PHB3_BAR_EN_MMIO0		PPC_BIT(0)
#define   PHB3_BAR_EN_MMIO1		PPC_BIT(1)
#define   PHB3_BAR_EN_PHB		PPC_BIT(2)
#define PHB3_NEST_BAR_SHIFT		14
/* Masks hold ~(size - 1) over the 50-bit address space, shifted. */
#define PHB3_NEST_MASK_BITS		0x0003ffffffffffffULL

/* SPCI ASB window (XSCOM): the PHB registers without any BAR */
#define PHB3_SPCI_ASB_ADDR		0x0
#define PHB3_SPCI_ASB_DATA		0x2

/* PHB register space (MMIO, big-endian, 8-byte) */
#define PHB3_PHB3_CONFIG		0x160
#define   PHB3_CONFIG_M32_EN		PPC_BIT(16)
/* PHB_RTT_BAR (phb.h) */
#define   PHB3_RTT_BAR_BASE		PPC_BITMASK(14, 46)
#define PHB3_M32_BASE_ADDR		0x190
#define PHB3_M32_BASE_MASK		0x198
#define PHB3_M32_START_ADDR		0x1a0
#define PHB3_TCE_KILL			0x210
#define   PHB3_TCE_KILL_ALL		PPC_BIT(0)
#define   PHB3_TCE_KILL_PE		PPC_BIT(1)
#define   PHB3_TCE_KILL_ONE		PPC_BIT(2)
#define   PHB3_TCE_KILL_PENUM		PPC_BITMASK(56, 63)
/* PHB_IODA_ADDR (phb.h) */
#define   PHB3_IODA_AD_TADR		PPC_BITMASK(55, 63)

#endif /* DRIVERS_PHB3_REGS_H */
