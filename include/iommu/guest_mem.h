/*
 * A guest's memory map as the IOMMU core sees it: which guest-physical
 * ranges exist and where they are in host memory. Every mapping TCE is
 * translated through it; a page that is not wholly inside one range is
 * refused, so a guest can never point a device outside its own memory.
 */
#ifndef IOMMU_GUEST_MEM_H
#define IOMMU_GUEST_MEM_H

#include <stdbool.h>
#include <stdint.h>

#define GUEST_MEM_RANGES_MAX	4

/*
 * A range, written with GUEST_MEM_RANGE() so that align_mask is right: the
 * largest power of two that gpa, hpa and size are all multiples of, minus
 * one. Any page no larger than that lies wholly in the range as soon as it
 * starts in it, which lets the TCE hot paths check a page with one compare
 * (tce_table.c, xlate_ram). A range written without it (align_mask 0) only
 * loses that fast path; a range changed after it was written must be
 * written again with the macro.
 */
struct guest_mem_range {
	uint64_t gpa, hpa, size;
	uint64_t align_mask;
};

#define GUEST_MEM_LOWBIT(x)		((x) & (~(x) + 1))
#define GUEST_MEM_RANGE(gpa, hpa, size)						\
	{ (gpa), (hpa), (size), GUEST_MEM_LOWBIT((gpa) | (hpa) | (size)) - 1 }

struct guest_mem {
	unsigned int nr;
	struct guest_mem_range r[GUEST_MEM_RANGES_MAX];
};

/* [a, a + len) inside [base, base + size)? Written so nothing overflows. */
static inline bool guest_mem_inside(uint64_t a, uint64_t len, uint64_t base, uint64_t size)
{
	return len != 0 && a >= base && len <= size && a - base <= size - len;
}

/* [gpa, gpa + len) inside one range: its host address in *hpa. Inline:
 * every mapping TCE goes through it. */
static inline bool guest_mem_translate(const struct guest_mem *m, uint64_t gpa, uint64_t len,
				       uint64_t *hpa)
{
	unsigned int i;

	for (i = 0; i < m->nr && i < GUEST_MEM_RANGES_MAX; i++) {
		const struct guest_mem_range *r = &m->r[i];

		if (guest_mem_inside(gpa, len, r->gpa, r->size)) {
			*hpa = r->hpa + (gpa - r->gpa);
			return true;
		}
	}
	return false;
}
/* Is [hpa, hpa + len) inside the guest's host memory? (test oracles) */
bool guest_mem_owns_hpa(const struct guest_mem *m, uint64_t hpa, uint64_t len);
/* The guest-physical address of host address hpa, if the guest owns it
 * (H_GET_TCE turns a mapping back into what the guest stored). */
bool guest_mem_reverse(const struct guest_mem *m, uint64_t hpa, uint64_t *gpa);

#endif /* IOMMU_GUEST_MEM_H */
