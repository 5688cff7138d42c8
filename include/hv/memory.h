/*
 * Host memory above the hypervisor image, handed out once at boot: the TCE
 * pool and each guest's RAM. Nothing is ever returned: partitions and pools
 * are fixed for the life of the machine.
 */
#ifndef HV_MEMORY_H
#define HV_MEMORY_H

#include <stdint.h>
#include <iommu/tce_pool.h>

/* Default size of the TCE pool (option tcepool=<MiB>). */
#define HV_TCE_POOL_MIB		64

void memory_init(void);
/* `size` bytes aligned to `align` (a power of two), or 0 when memory is
 * exhausted. Not zeroed. */
uint64_t memory_carve(uint64_t size, uint64_t align);
/* Take [addr, addr + size) for a fixed placement: 0, -1 if it overlaps
 * memory already handed out (or the hypervisor's), -2 if not in RAM. */
int memory_claim(uint64_t addr, uint64_t size);
/* A zeroed block of `size` (a power of two) bytes aligned to its size, for
 * page tables; NULL when memory is exhausted. */
void *memory_alloc_zeroed(uint64_t size);
uint64_t memory_free_bytes(void);
uint64_t memory_carved_bytes(void);

/* The pool every TCE table comes from; NULL if it could not be set up. */
struct tce_pool *hv_tce_pool(void);

#endif /* HV_MEMORY_H */
