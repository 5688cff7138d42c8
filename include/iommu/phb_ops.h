/*
 * The IOMMU core's view of a PCIe host bridge: the few operations it needs,
 * implemented by drivers/phb4.c and drivers/phb3.c (and by a recording
 * fake in the host tests). The core never touches a register.
 *
 * Kills are split in two, as on the hardware: kill_range, kill_pe and
 * kill_all only queue an invalidation (waiting, if the PHB requires it,
 * for room in its kill queue), and sync waits for completion. A queued
 * kill is guaranteed to have taken effect only once a later sync of the
 * same PHB has returned 0: from then on the PE's TCE cache no longer holds
 * any entry the kill covers, nor any entry changed before the kill was
 * queued. A sync covers every kill queued on that PHB before it, by any
 * caller, so one sync per PHB after a batch of kills is enough.
 *
 * The core's contract, for every caller that changes entries or TVEs
 * (an update of a table, a link or unlink): it queues the kills of every
 * linked PE, then syncs each distinct PHB it queued kills on, after the
 * last kill queued there, before it returns to its caller. So when an
 * update hcall returns, no linked PE's TCE cache holds a changed entry.
 *
 * Ordering: the kill operations (kill_range, kill_pe, kill_all, kill_pes)
 * make every store to memory that the caller did before the call visible
 * to the PHB before the kill can take effect, so the PHB refetches the new
 * entries. The drivers get this from the full barrier (sync) that starts
 * each of their register accesses; the core adds no fence of its own.
 */
#ifndef IOMMU_PHB_OPS_H
#define IOMMU_PHB_OPS_H

#include <stdint.h>

struct iommu_phb;
struct tce_table;

struct phb_ops {
	/*
	 * Point TVE #window of `pe` at `tbl` (levels, level size, page size,
	 * top-level address), or make it invalid when tbl is NULL. Returns 0,
	 * or IOMMU_EINVAL if the PHB cannot express this table.
	 */
	int (*set_window)(struct iommu_phb *phb, uint32_t pe, int window,
			  const struct tce_table *tbl);
	/*
	 * Queue the invalidation of `npages` pages of 1 << page_shift bytes
	 * starting at bus address `bus` for `pe`. Only called with npages <=
	 * the PHB's kill_threshold. 0 or IOMMU_EHW (the kill queue never
	 * had room). Effective after the next sync.
	 */
	int (*kill_range)(struct iommu_phb *phb, uint32_t pe, uint64_t bus,
			  uint64_t npages, unsigned int page_shift);
	/* Queue the invalidation of every cached TCE of `pe`. 0 or
	 * IOMMU_EHW. Effective after the next sync. */
	int (*kill_pe)(struct iommu_phb *phb, uint32_t pe);
	/* Queue the invalidation of the whole TCE cache of the PHB. 0 or
	 * IOMMU_EHW. Effective after the next sync. */
	int (*kill_all)(struct iommu_phb *phb);
	/*
	 * The fan-out's usual case: a PE kill for each of the n (>= 1) PEs
	 * whose kill tokens are in tokens[], then a sync, as n kill_pe calls
	 * and one sync would do, in one hold of the PHB. 0, or IOMMU_EHW if a
	 * kill never found room or the sync did not complete: then none of
	 * these kills may be relied on. A PHB without a faster way uses
	 * iommu_kill_pes_each().
	 */
	int (*kill_pes)(struct iommu_phb *phb, const uint64_t *tokens, unsigned int n);
	/*
	 * Optional: what kill_pes wants to be given for `pe`, worked out once
	 * when its table_group is set up (PHB4: the kill register's value).
	 * Without it the token is the PE number.
	 */
	uint64_t (*kill_token)(const struct iommu_phb *phb, uint32_t pe);
	/*
	 * Wait until every kill queued on this PHB before the call has taken
	 * effect (the PHB's completion handshake). 0, or IOMMU_EHW if the PHB
	 * did not complete: then none of those kills may be relied on.
	 */
	int (*sync)(struct iommu_phb *phb);
};

/* Embedded in the driver's own PHB structure. */
struct iommu_phb {
	const struct phb_ops *ops;
	const char *name;		/* "phb0:1" (chip:index), for reports */
	/*
	 * Largest changed range, in pages, that is killed page by page; a
	 * longer one gets a PE kill instead. 0 means "always a PE kill": PHB4,
	 * whose single-page kills can be lost under load (HW560152).
	 */
	uint64_t kill_threshold;
	/* Bit n set: IOMMU pages of 1 << n bytes are supported. */
	uint64_t page_sizes;
	/* Kill operations this PHB performed, counted by its driver (a range
	 * kill counts once, however many register writes it takes). */
	uint64_t kills_range, kills_pe, kills_all;
};

/* kill_pes as kill_pe on each PE (tokens are PE numbers), then sync. */
int iommu_kill_pes_each(struct iommu_phb *phb, const uint64_t *tokens, unsigned int n);

#endif /* IOMMU_PHB_OPS_H */
