/*
 * The TCE pool: a fixed region of memory handed out in naturally aligned
 * power-of-two blocks (a buddy allocator), for TCE table levels. The PHB
 * requires every table level to be aligned to its own size, which buddy
 * blocks are by construction.
 *
 * No heap: the region and the per-page bookkeeping are fixed at init.
 * Allocation happens when a table is created or an update first needs an
 * upper level; exhaustion is reported (NULL), never a crash.
 */
#ifndef IOMMU_TCE_POOL_H
#define IOMMU_TCE_POOL_H

#include <stdbool.h>
#include <stdint.h>
#include <lib/lock.h>

#define TCE_POOL_PAGE_SHIFT	12
#define TCE_POOL_PAGE		(1ULL << TCE_POOL_PAGE_SHIFT)
#define TCE_POOL_ORDERS		14		/* blocks of 4 KiB .. 32 MiB */
#define TCE_POOL_MAX_PAGES	65536		/* 256 MiB of pool at most */

struct tce_pool_block;

struct tce_pool {
	struct lock lock;		/* leaf lock: nothing is taken inside */
	uint8_t *base;			/* host pointer to the region */
	uint64_t hpa_base;		/* the region as the PHB addresses it */
	uint64_t size;
	uint32_t npages;
	unsigned int max_order;
	struct tce_pool_block *free[TCE_POOL_ORDERS];
	/* per 4 KiB page: 0, or 1 + order if a free block starts here */
	uint8_t free_order[TCE_POOL_MAX_PAGES];
	uint64_t bytes_free;
	uint64_t allocs, frees, failures;
};

/*
 * Give the pool the region [base, base + size) whose physical address is
 * hpa_base. base and hpa_base must be aligned to the largest block that is
 * wanted (the largest power of two <= size, capped at TCE_POOL_ORDERS).
 * Returns false if the region is unusable.
 */
bool tce_pool_init(struct tce_pool *p, void *base, uint64_t hpa_base, uint64_t size);
/* A zeroed block of (4 KiB << order) bytes aligned to its size, or NULL. */
void *tce_pool_alloc(struct tce_pool *p, unsigned int order);
/* Return a block. Panics on a pointer that is not a block of this order
 * that is in use: that is a bug in our own code. */
void tce_pool_free(struct tce_pool *p, void *blk, unsigned int order);
uint64_t tce_pool_hpa(const struct tce_pool *p, const void *va);
/* Host pointer for a physical address inside the pool, NULL if outside. */
void *tce_pool_va(const struct tce_pool *p, uint64_t hpa);
/* Order of the smallest block holding `bytes` (>= 4 KiB). */
unsigned int tce_pool_order_for(uint64_t bytes);

#endif /* IOMMU_TCE_POOL_H */
