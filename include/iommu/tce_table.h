/*
 * TCE tables: one DMA window's translations, shared by every PE linked to
 * it, with the guest-visible TCE values kept beside the hardware entries.
 *
 * Geometry: `levels` levels (1-5) of 1 << level_shift entries each (every
 * level the same size, as the TVE encodes it); the window covers
 * 1 << (hw_page_shift + levels * level_shift) bytes of bus space starting
 * at bus_offset (0 for window 0, 2^59 for window 1). Guests see pages of
 * 1 << page_shift bytes; when that is larger than the hardware page, one
 * guest TCE is backed by 1 << (page_shift - hw_page_shift) hardware TCEs,
 * and everything below (indexes, changed ranges, kills) is in hardware
 * units.
 *
 * Memory comes from a tce_pool; upper levels are allocated when an update
 * first needs them. The hardware entries are the only copy: a mapping is
 * host page | W | R, and a page-fault value (R = W = 0, which the PHB
 * ignores whatever its other bits) is stored exactly as the guest gave it.
 * H_GET_TCE turns a mapping's host page back into the guest page, so it
 * returns what the guest stored; a mapping TCE must have its reserved bits
 * (52-61) clear, or it is refused (KVM refuses them too).
 *
 * Locking and lifetime: see the top of iommu/tce_table.c.
 */
#ifndef IOMMU_TCE_TABLE_H
#define IOMMU_TCE_TABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <lib/lock.h>
#include <iommu/tce.h>

struct tce_pool;
struct group_link;
struct iommu_phb;
struct guest_mem;

#define TCE_TABLES_MAX		64
/* Changed ranges remembered per update; more distinct ranges than this and
 * every linked PE gets one PE kill instead. */
#define TCE_KILL_RANGES_MAX	16
/* The longest TCE list (H_PUT_TCE_INDIRECT) and stuff count per call. */
#define TCE_LIST_MAX		512

struct tce_table_stats {
	uint64_t updates;		/* successful put/stuff/list calls */
	uint64_t rejected;		/* calls that failed validation */
	uint64_t entries_written;	/* hardware entries written by updates */
	uint64_t kills_range;		/* range kills issued (all linked PEs) */
	uint64_t kills_pe;		/* PE kills issued (all linked PEs) */
};

/*
 * The fan-out plan: when every PHB linked to a table kills whole PEs
 * (PHB4) and there are at most TCE_PLAN_PES links, their kill tokens,
 * grouped by PHB, worked out whenever a link comes or goes. An update then
 * makes one kill_pes call per PHB without walking the links. Counting:
 * each fan-out through the plan is one PE kill for every link in it, so
 * only `kills` is counted; it moves into the links when the plan changes.
 */
#define TCE_PLAN_PES		8

struct tce_kill_plan {
	uint8_t nphbs;			/* 0: no plan, the fan-out walks the links */
	uint8_t npes;
	struct {
		/* phb->ops->kill_pes, read once when the plan is built */
		int (*kill_pes)(struct iommu_phb *phb, const uint64_t *tokens, unsigned int n);
		struct iommu_phb *phb;
		const uint64_t *tokens;	/* its n tokens, in token[] */
		unsigned int n;
	} phb[TCE_PLAN_PES];
	uint64_t token[TCE_PLAN_PES];
	uint64_t kills;			/* fan-outs through this plan */
};

struct tce_table_geometry {
	uint64_t bus_offset;		/* window start on the bus */
	uint64_t window_size;		/* bytes, a power of two */
	unsigned int page_shift;	/* guest-visible IOMMU page */
	unsigned int hw_page_shift;	/* page in the TVE; <= page_shift */
	unsigned int levels;		/* 1..5 */
};

struct tce_table {
	/* constant after creation */
	uint64_t bus_offset;
	uint64_t window_size;
	uint64_t page_mask;		/* guest page - 1 */
	uint8_t page_shift, hw_page_shift, levels, level_shift;
	uint64_t leaf_mask;		/* index within a level: (1 << level_shift) - 1 */
	/* window_size if H_PUT_TCE may take its fast path (guest page =
	 * hardware page, one level), else 0: one compare checks both */
	uint64_t put_window;
	uint32_t id;			/* index in the table array */
	uint64_t *top;			/* top level (host pointer) */
	uint64_t top_hpa;		/* top level, as the PHB addresses it */
	struct tce_pool *pool;

	struct lock lock;		/* entries, links, stats */
	uint32_t refs;			/* atomic; table freed at 0 */
	bool allocated;
	struct group_link *links;	/* PEs that translate through this table */
	uint32_t nr_links;
	uint64_t levels_allocated;	/* blocks taken from the pool */
	struct tce_kill_plan plan;
	/* Read them with tce_table_stats(): H_PUT_TCE counts only in `puts`
	 * (an update writing one entry), and a plan's PE kills are in
	 * plan.kills until the plan changes. */
	struct tce_table_stats stats;
	uint64_t puts;
	uint32_t owner;			/* free for the hypervisor: guest id */
	uint32_t liobn;			/* free for the hypervisor */
};

/* For table_group.c, under the table lock: before the link list changes
 * (the plan's counts move into its links), and after (a new plan). */
void tce_table_plan_fold(struct tce_table *tbl);
void tce_table_plan_build(struct tce_table *tbl);

/* Create a table (holding one reference) from `pool`. NULL with *err set
 * (IOMMU_EINVAL: impossible geometry; IOMMU_ENOMEM: pool exhausted). */
struct tce_table *tce_table_create(struct tce_pool *pool,
				   const struct tce_table_geometry *geo, int *err);
void tce_table_get(struct tce_table *tbl);
/* Drop a reference; the last one returns every level to the pool. */
void tce_table_put(struct tce_table *tbl);
/* The table's statistics (a consistent snapshot, under its lock). */
void tce_table_stats(struct tce_table *tbl, struct tce_table_stats *out);
/* Table by id, or NULL if that slot is free (for the shell). */
struct tce_table *tce_table_by_id(uint32_t id);

static inline uint64_t tce_table_entries(const struct tce_table *tbl)
{
	return tbl->window_size >> tbl->page_shift;
}

/*
 * The update API. Each call validates all of its input first and then
 * applies it with a path that cannot fail, so a failed call changes no
 * entry. After applying, every PE linked to the table gets one kill per
 * contiguous changed range of hardware entries (or one PE kill), and none
 * when no entry the PHB could have cached changed (a page-fault value
 * replaced by another is no change to the PHB). Returns IOMMU_OK or a
 * negative error.
 *
 *   ioba    bus address of the first page, aligned to the guest page
 *   tce     guest TCE: guest-physical page | W | R, translated through `mem`,
 *           or a page-fault value (W = R = 0), stored as it is
 */
int tce_table_put_tce(struct tce_table *tbl, const struct guest_mem *mem,
		      uint64_t ioba, uint64_t tce);
/* The same TCE into `count` consecutive entries (a mapping TCE maps every
 * entry to that one page). count 0 succeeds and changes nothing. */
int tce_table_stuff(struct tce_table *tbl, const struct guest_mem *mem,
		    uint64_t ioba, uint64_t tce, uint64_t count);
/* tces[0..count) (host memory, CPU byte order) into consecutive entries;
 * count <= TCE_LIST_MAX. */
int tce_table_put_list(struct tce_table *tbl, const struct guest_mem *mem,
		       uint64_t ioba, const uint64_t *tces, uint64_t count);
/* The TCE the guest stored for ioba (0 if never written): a mapping's host
 * page translated back through `mem`. */
int tce_table_get_tce(struct tce_table *tbl, const struct guest_mem *mem, uint64_t ioba,
		      uint64_t *tce);
/* The hardware entry (as the PHB reads it, CPU byte order) for hardware
 * index `hw_index`, 0 if its level is not allocated. For tests and shell. */
uint64_t tce_table_read_hw(struct tce_table *tbl, uint64_t hw_index);
/* Hardware entries [first, first + count) into out[], as tce_table_read_hw. */
void tce_table_read_hw_range(struct tce_table *tbl, uint64_t first, uint64_t count,
			     uint64_t *out);
/* The same without the table lock, for an observer that runs inside an
 * update (the host tests' shadow cache, called from the PHB ops). */
void tce_table_peek_hw_range(const struct tce_table *tbl, uint64_t first, uint64_t count,
			     uint64_t *out);
/* Hardware entries with R or W set (walks the table: for reports). */
uint64_t tce_table_count_valid(struct tce_table *tbl);
static inline uint64_t tce_table_hw_entries(const struct tce_table *tbl)
{
	return tbl->window_size >> tbl->hw_page_shift;
}

#endif /* IOMMU_TCE_TABLE_H */
