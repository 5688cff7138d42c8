/*
 * The PAPR TCE hypercalls: unpack registers, find the caller's window by
 * LIOBN, let the IOMMU core validate and apply, map its result to PAPR.
 * The rules (papr-tce.md (d)) and every return code are in
 * docs/hcalls.md; the order of the checks is the order written here.
 */
#include <string.h>
#include <hv/guest.h>
#include <hv/hcall.h>
#include <iommu/tce_table.h>
#include <papr/hcall.h>

static int64_t papr_rc(int rc)
{
	switch (rc) {
	case IOMMU_OK:
		return H_SUCCESS;
	case IOMMU_ENOMEM:
		return H_NOT_ENOUGH_RESOURCES;
	case IOMMU_EHW:
		return H_HARDWARE;
	default:		/* range, alignment, TCE, argument */
		return H_PARAMETER;
	}
}

/* H_PUT_TCE(liobn, ioba, tce) */
int64_t h_put_tce(struct vcpu *v, const uint64_t *args, uint64_t *rets)
{
	struct tce_table *t = guest_window(v->guest, args[0]);

	if (!t)
		return H_PARAMETER;
	return papr_rc(tce_table_put_tce(t, &v->guest->mem, args[1], args[2]));
}

/* H_GET_TCE(liobn, ioba) -> the TCE the guest stored */
int64_t h_get_tce(struct vcpu *v, const uint64_t *args, uint64_t *rets)
{
	struct tce_table *t = guest_window(v->guest, args[0]);

	if (!t)
		return H_PARAMETER;
	return papr_rc(tce_table_get_tce(t, &v->guest->mem, args[1], &rets[0]));
}

/* H_STUFF_TCE(liobn, ioba, tce, count): count <= 512 (H_P4), and a mapping
 * TCE maps every entry of the range to that one page (PAPR allows it). */
int64_t h_stuff_tce(struct vcpu *v, const uint64_t *args, uint64_t *rets)
{
	struct tce_table *t = guest_window(v->guest, args[0]);

	if (!t)
		return H_PARAMETER;
	if (args[3] > TCE_LIST_MAX)
		return H_P4;
	return papr_rc(tce_table_stuff(t, &v->guest->mem, args[1], args[2], args[3]));
}

/*
 * H_PUT_TCE_INDIRECT(liobn, ioba, list, count). A negative LIOBN asks for
 * the Multi-TCE-Table option, not implemented: H_FUNCTION. The list is one
 * 4 KiB page of the caller's RAM, copied once into hypervisor memory
 * before anything is validated, so the guest cannot change it midway.
 */
int64_t h_put_tce_indirect(struct vcpu *v, const uint64_t *args, uint64_t *rets)
{
	struct guest *g = v->guest;
	uint64_t count = args[3], k;
	const uint64_t *list;
	struct tce_table *t;

	if ((int64_t)args[0] < 0)
		return H_FUNCTION;
	t = guest_window(g, args[0]);
	if (!t)
		return H_PARAMETER;
	list = (args[2] & 0xfff) ? NULL : guest_ram_ptr(g, args[2], 4096);
	if (count > TCE_LIST_MAX || !list)
		return H_PARAMETER;
	for (k = 0; k < count; k++)
		v->tce_list[k] = __builtin_bswap64(list[k]);	/* the list is big-endian */
	return papr_rc(tce_table_put_list(t, &g->mem, args[1], v->tce_list, count));
}
