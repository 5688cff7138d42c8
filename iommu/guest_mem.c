/* Guest memory map lookups used off the update path (the translation
 * itself is inline in the header). */
#include <iommu/guest_mem.h>

bool guest_mem_owns_hpa(const struct guest_mem *m, uint64_t hpa, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < m->nr && i < GUEST_MEM_RANGES_MAX; i++)
		if (guest_mem_inside(hpa, len, m->r[i].hpa, m->r[i].size))
			return true;
	return false;
}

bool guest_mem_reverse(const struct guest_mem *m, uint64_t hpa, uint64_t *gpa)
{
	unsigned int i;

	for (i = 0; i < m->nr && i < GUEST_MEM_RANGES_MAX; i++) {
		if (guest_mem_inside(hpa, 1, m->r[i].hpa, m->r[i].size)) {
			*gpa = m->r[i].gpa + (hpa - m->r[i].hpa);
			return true;
		}
	}
	return false;
}
