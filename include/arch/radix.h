/*
 * POWER9 radix partition-scoped translation: the partition table (PTCR)
 * and one radix tree per guest mapping guest-real addresses to host-real
 * ones (boot-and-guest.md §5). All table entries are big-endian.
 *
 * Geometry: root 2^13 entries (64 KiB, 512 GiB each), then levels of 2^9
 * entries: 1 GiB, 2 MiB (leaves used for RAM) and 4 KiB (leaves used for
 * device MMIO smaller than 2 MiB).
 */
#ifndef ARCH_RADIX_H
#define ARCH_RADIX_H

#include <stdbool.h>
#include <stdint.h>

#define RADIX_LPID_MAX		255	/* a 4 KiB partition table */

/* What a mapping may be used for. */
enum radix_attr {
	RADIX_RAM,	/* cacheable, read/write/execute */
	RADIX_MMIO,	/* non-idempotent I/O (guarded), read/write, no execute */
};

/* Page-table memory: the caller provides zeroed, naturally aligned blocks. */
typedef void *(*radix_alloc_fn)(uint64_t size);

struct radix_tree {
	uint64_t *root;		/* 2^13 entries, 64 KiB aligned */
	radix_alloc_fn alloc;
};

/* Partition table at `table` (4 KiB, 4 KiB aligned, zeroed); loads PTCR on
 * this CPU. Every CPU that runs guests calls radix_load_ptcr(). */
void radix_partition_table_init(void *table);
void radix_load_ptcr(void);
bool radix_tree_init(struct radix_tree *t, radix_alloc_fn alloc);
/* Map [gpa, gpa + size) to [hpa, ...): 2 MiB leaves where both are 2 MiB
 * aligned, 4 KiB leaves elsewhere. False if a table could not be had. */
bool radix_map(struct radix_tree *t, uint64_t gpa, uint64_t hpa, uint64_t size,
	       enum radix_attr attr);
/* Point LPID's partition-table entry at the tree (guest real mode only,
 * no process table yet), then flush that LPID's translations. */
void radix_set_partition(unsigned int lpid, const struct radix_tree *t);

#endif /* ARCH_RADIX_H */
