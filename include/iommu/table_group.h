/*
 * Table groups and group links: the many-to-many between TCE tables and PEs.
 *
 * A table_group is one PE of one PHB (embedded in the driver's PE record):
 * it uses up to two tables, one per DMA window. A group_link is an object
 * of its own, joining one table and one group for one window; each table
 * keeps the list of its links, and invalidation after an update walks that
 * list (Linux's iommu_table_group_link design).
 *
 * Locking and lifetime: see the top of iommu/tce_table.c.
 */
#ifndef IOMMU_TABLE_GROUP_H
#define IOMMU_TABLE_GROUP_H

#include <stdint.h>
#include <lib/lock.h>
#include <iommu/phb_ops.h>
#include <iommu/tce.h>

struct tce_table;

#define GROUP_LINKS_MAX		1024

/*
 * Statistics of a group. What its tables' updates send it is counted in
 * each link, under that table's lock (plain increments on the update
 * path); link and unlink count in the group, atomically; a link's counts
 * move into its group when it is freed. table_group_stats() adds them up.
 */
struct table_group_stats {
	uint64_t updates;	/* updates of a linked table that changed entries */
	uint64_t kills_range;	/* range kills received */
	uint64_t kills_pe;	/* PE kills received (including on link/unlink) */
	uint64_t kill_errors;	/* kills the PHB failed to complete */
};

struct table_group {
	struct lock lock;		/* serialises link/unlink of this group */
	struct iommu_phb *phb;
	uint32_t pe;
	uint64_t kill_token;		/* for phb->ops->kill_pes */
	struct group_link *windows[TCE_WINDOWS];
	struct table_group_stats stats;
};

struct group_link {
	struct tce_table *tbl;
	struct table_group *grp;
	uint8_t window;
	uint8_t in_use;
	uint8_t in_plan;		/* its table's kill plan has its token */
	struct group_link *next;	/* next link of the same table */
	/* Under tbl->lock. A fan-out by PE kill counts only in kills_pe (the
	 * update is implied), one by range kills in updates and kills_range. */
	struct table_group_stats stats;
};

static inline void group_stat_inc(uint64_t *stat)
{
	__atomic_fetch_add(stat, 1, __ATOMIC_RELAXED);
}

void table_group_init(struct table_group *grp, struct iommu_phb *phb, uint32_t pe);
/* The group's statistics, its live links' included (a snapshot). */
void table_group_stats(struct table_group *grp, struct table_group_stats *out);

/*
 * Make `grp` translate window `window` through `tbl`: the link joins the
 * table's fan-out list first, then the PE's TVE is pointed at the table and
 * the PE's TCE cache killed, so no update can be missed in between.
 * Errors: IOMMU_EBUSY (window in use, or the table already linked to this
 * group), IOMMU_EINVAL (the table's bus offset is not this window's, or
 * the PHB cannot do its page size), IOMMU_ENOMEM (no free link),
 * IOMMU_EHW (the PHB failed).
 */
int iommu_link(struct tce_table *tbl, struct table_group *grp, int window);
/*
 * Undo iommu_link: the TVE is invalidated and the PE killed first, then
 * the link leaves the table's list and is freed, dropping its table
 * reference. IOMMU_ENOENT if not linked; IOMMU_EHW if the PHB failed, and
 * then the link (and the table) stay.
 */
int iommu_unlink(struct tce_table *tbl, struct table_group *grp);
/* The table on a window of grp, or NULL. */
struct tce_table *table_group_table(const struct table_group *grp, int window);
/* Call fn for each link of tbl, under the table's lock (fn must not
 * link, unlink or update). */
void tce_table_for_each_link(struct tce_table *tbl,
			     void (*fn)(const struct group_link *link, void *arg), void *arg);
/* Links in use, for reports. */
unsigned int group_links_in_use(void);

#endif /* IOMMU_TABLE_GROUP_H */
