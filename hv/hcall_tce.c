/*
 * The PAPR TCE hypercalls: unpack registers, find the caller's window by
 * LIOBN, let the IOMMU core validate and apply. Its errors are returned
 * as they are and mapped to PAPR codes by the dispatch (hcall_iommu_rc).
 * The rules (papr-tce.md (d)) and every return code are in
 * docs/hcalls.md; the order of the checks is the order written here.
 */
#include <string.h>
#include <hv/guest.h>
#include <hv/hcall.h>
#include <iommu/tce_table.h>
#include <papr/hcall.h>

/* An IOMMU core error as a PAPR code, 0 if rc is none. The handlers return
 * them as they are; dispatch calls this for anything not a PAPR code. */
int64_t hcall_iommu_rc(int64_t rc)
{
	switch (rc) {
	case IOMMU_ENOMEM:
		return H_NOT_ENOUGH_RESOURCES;
	case IOMMU_EHW:
		return H_HARDWARE;
	case IOMMU_ERANGE:
	case IOMMU_EALIGN:
	case IOMMU_ETCE:
	case IOMMU_EINVAL:
		return H_PARAMETER;
	default:
		return 0;
	}
}

/* H_PUT_TCE is inline in hv/hcall.h: the dispatch calls it directly. */

/* H_GET_TCE(liobn, ioba) -> the TCE the guest stored */
int64_t h_get_tce(struct vcpu *v, uint64_t *r)
{
	struct tce_table *t = guest_window(v->guest, r[0]);
	uint64_t tce;
	int rc;

	if (!t)
		return H_PARAMETER;
	rc = tce_table_get_tce(t, &v->guest->mem, r[1], &tce);
	if (rc)
		return rc;
	r[0] = tce;
	return H_SUCCESS;
}

/* H_STUFF_TCE(liobn, ioba, tce, count): count <= 512 (H_P4), and a mapping
 * TCE maps every entry of the range to that one page (PAPR allows it). */
int64_t h_stuff_tce(struct vcpu *v, uint64_t *r)
{
	struct tce_table *t = guest_window(v->guest, r[0]);

	if (!t)
		return H_PARAMETER;
	if (r[3] > TCE_LIST_MAX)
		return H_P4;
	return tce_table_stuff(t, &v->guest->mem, r[1], r[2], r[3]);
}

/*
 * H_PUT_TCE_INDIRECT(liobn, ioba, list, count). A negative LIOBN asks for
 * the Multi-TCE-Table option, not implemented: H_FUNCTION. The list is one
 * 4 KiB page of the caller's RAM, copied once into hypervisor memory
 * before anything is validated, so the guest cannot change it midway.
 */
int64_t h_put_tce_indirect(struct vcpu *v, uint64_t *r)
{
	struct guest *g = v->guest;
	uint64_t count = r[3], k;
	const uint64_t *list;
	struct tce_table *t;

	if ((int64_t)r[0] < 0)
		return H_FUNCTION;
	t = guest_window(g, r[0]);
	if (!t)
		return H_PARAMETER;
	list = (r[2] & 0xfff) ? NULL : guest_ram_ptr(g, r[2], 4096);
	if (count > TCE_LIST_MAX || !list)
		return H_PARAMETER;
	for (k = 0; k < count; k++)
		v->tce_list[k] = __builtin_bswap64(list[k]);	/* the list is big-endian */
	return tce_table_put_list(t, &g->mem, r[1], v->tce_list, count);
}
