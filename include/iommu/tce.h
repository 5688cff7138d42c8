/*
 * TCE (translation control entry) format and the IOMMU core's error codes.
 * Portable: included by the hypervisor and by host unit tests.
 *
 * A TCE is a big-endian doubleword in memory, read by the PHB:
 *   bits 0-51 (IBM) real page number, 52-61 reserved, 62 W, 63 R.
 * R: the device may read memory; W: the device may write memory. A value
 * with neither bit is a page fault ("no access"): hardware ignores the rest.
 */
#ifndef IOMMU_TCE_H
#define IOMMU_TCE_H

#include <stdbool.h>
#include <stdint.h>

#define TCE_READ		0x1ULL
#define TCE_WRITE		0x2ULL
#define TCE_PERM_MASK		0x3ULL
#define TCE_RPN_MASK		0xfffffffffffff000ULL	/* bits 0-51 */
/* Indirect (upper-level) entries must have R or W set to be followed. */
#define TCE_INDIRECT_VALID	(TCE_READ | TCE_WRITE)

#define TCE_PAGE_SHIFT_MIN	12
#define TCE_PAGE_SHIFT_MAX	30	/* 1 GiB */
#define TCE_LEVELS_MAX		5
/* Each level is at least one 4 KiB page: 512 entries. */
#define TCE_LEVEL_SHIFT_MIN	9

/* The two DMA windows of a PE: TVE #0 at bus 0, TVE #1 at bus 2^59. */
#define TCE_WINDOWS		2
#define TCE_WINDOW1_BUS		(1ULL << 59)

/* Errors of the IOMMU core: negative, far from the PAPR H_* range, so the
 * hcall layer can never return one by accident. */
enum iommu_err {
	IOMMU_OK = 0,
	IOMMU_ERANGE = -1001,	/* IOBA outside the window, or index + count overflows */
	IOMMU_EALIGN = -1002,	/* IOBA not aligned to the window's page */
	IOMMU_ETCE = -1003,	/* TCE not in the caller's memory, or misaligned */
	IOMMU_ENOMEM = -1004,	/* the table pool is exhausted */
	IOMMU_EHW = -1005,	/* a PHB operation failed or timed out */
	IOMMU_EINVAL = -1006,	/* bad argument from our own code or config */
	IOMMU_EBUSY = -1007,	/* window already linked, table still in use */
	IOMMU_ENOENT = -1008,	/* no such link */
};

static inline bool tce_is_mapping(uint64_t tce)
{
	return (tce & TCE_PERM_MASK) != 0;
}

const char *iommu_strerror(int err);

#endif /* IOMMU_TCE_H */
