/* Guest-physical to host-physical translation, overflow-safe. */
#include <iommu/guest_mem.h>

/* [a, a + len) inside [base, base + size)? Written so nothing overflows. */
static bool inside(uint64_t a, uint64_t len, uint64_t base, uint64_t size)
{
	return len != 0 && a >= base && len <= size && a - base <= size - len;
}

bool guest_mem_translate(const struct guest_mem *m, uint64_t gpa, uint64_t len,
			 uint64_t *hpa)
{
	unsigned int i;

	for (i = 0; i < m->nr && i < GUEST_MEM_RANGES_MAX; i++) {
		const struct guest_mem_range *r = &m->r[i];

		if (inside(gpa, len, r->gpa, r->size)) {
			*hpa = r->hpa + (gpa - r->gpa);
			return true;
		}
	}
	return false;
}

bool guest_mem_owns_hpa(const struct guest_mem *m, uint64_t hpa, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < m->nr && i < GUEST_MEM_RANGES_MAX; i++)
		if (inside(hpa, len, m->r[i].hpa, m->r[i].size))
			return true;
	return false;
}

bool guest_mem_reverse(const struct guest_mem *m, uint64_t hpa, uint64_t *gpa)
{
	unsigned int i;

	for (i = 0; i < m->nr && i < GUEST_MEM_RANGES_MAX; i++) {
		if (inside(hpa, 1, m->r[i].hpa, m->r[i].size)) {
			*gpa = m->r[i].gpa + (hpa - m->r[i].hpa);
			return true;
		}
	}
	return false;
}
