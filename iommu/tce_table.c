/*
 * TCE tables: creation, the update API (validate everything, then apply
 * with a path that cannot fail), and the invalidation fan-out to every PE
 * linked to the table.
 *
 * Lock order, outer to inner:
 *   table_group.lock    link/unlink of one group          (table_group.c)
 *   tce_table.lock      entries, link list and stats of one table
 *   PHB driver lock     the PHB's registers, inside phb_ops
 *   tce_pool.lock, link pool lock, tables_lock             leaves
 *
 * Concurrency: a lock, no deferred free. An update holds its table's lock
 * from its first check to its last sync, so the link list it walks cannot
 * change under it. iommu_unlink() first invalidates the PE's TVE and kills
 * the PE (without the table lock: an update running meanwhile kills that
 * PE too, which is harmless), then takes the table lock to remove the link.
 * After that no walker can reach the link, so it is freed at once. Tables
 * are reference-counted: each link holds a reference, the creator holds one
 * (the hypervisor's LIOBN map), and each update in flight holds one (the
 * hcall layer takes it under its own lookup lock). The last put returns
 * every level to the pool.
 *
 * All-or-nothing: validation (range, alignment, translation of every TCE)
 * writes nothing. Then missing upper levels are allocated; if the pool runs
 * out the call fails having changed no leaf entry (levels already linked
 * stay, empty: every translation through them still faults). Then the
 * entries are written, which cannot fail, the kills are queued on every
 * linked PE and each PHB touched is synced once (phb_ops.h).
 */
#include <stddef.h>
#include <string.h>
#include <iommu/guest_mem.h>
#include <iommu/table_group.h>
#include <iommu/tce_pool.h>
#include <iommu/tce_table.h>
#include <lib/panic.h>

/* Entries are stored big-endian, as the PHB reads them. */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define to_be64(x) (x)
#define from_be64(x) (x)
#else
#define to_be64(x) __builtin_bswap64(x)
#define from_be64(x) __builtin_bswap64(x)
#endif

/* Scratch for translated list entries, one per table (used under its lock). */
struct tce_table_slot {
	struct tce_table tbl;
	uint64_t xlat[TCE_LIST_MAX];
};

static struct tce_table_slot slots[TCE_TABLES_MAX];
static struct lock tables_lock = LOCK_INIT;

/* Hardware entries whose value changed, as ranges of hardware indexes. */
struct tce_changes {
	uint64_t changed;
	uint32_t n;
	bool unknown;	/* ranges not recorded (or too many): PE kills only */
	struct {
		uint64_t first, count;
	} r[TCE_KILL_RANGES_MAX];
};

const char *iommu_strerror(int err)
{
	switch (err) {
	case IOMMU_OK: return "ok";
	case IOMMU_ERANGE: return "IOBA range outside the window";
	case IOMMU_EALIGN: return "IOBA not aligned to the IOMMU page";
	case IOMMU_ETCE: return "TCE outside the guest's memory or misaligned";
	case IOMMU_ENOMEM: return "TCE pool exhausted";
	case IOMMU_EHW: return "PHB operation failed";
	case IOMMU_EINVAL: return "invalid argument";
	case IOMMU_EBUSY: return "busy";
	case IOMMU_ENOENT: return "not linked";
	default: return "unknown error";
	}
}

/* ---- geometry and levels ------------------------------------------------ */

static unsigned int log2_exact(uint64_t v)
{
	return (unsigned int)__builtin_ctzll(v);
}

static uint64_t level_bytes(const struct tce_table *tbl)
{
	return 8ULL << tbl->level_shift;
}

/* A leaf block holds the hardware entries and, after them, their twins. */
static unsigned int leaf_order(const struct tce_table *tbl)
{
	return tce_pool_order_for(2 * level_bytes(tbl));
}

static unsigned int upper_order(const struct tce_table *tbl)
{
	return tce_pool_order_for(level_bytes(tbl));
}

static int geometry_check(const struct tce_pool *pool, const struct tce_table_geometry *g,
			  unsigned int *level_shift)
{
	unsigned int bits;

	if (g->page_shift < TCE_PAGE_SHIFT_MIN || g->page_shift > TCE_PAGE_SHIFT_MAX ||
	    g->hw_page_shift < TCE_PAGE_SHIFT_MIN || g->hw_page_shift > g->page_shift ||
	    g->levels < 1 || g->levels > TCE_LEVELS_MAX)
		return IOMMU_EINVAL;
	if (g->window_size == 0 || (g->window_size & (g->window_size - 1)) ||
	    g->window_size < (1ULL << g->page_shift) || (g->bus_offset & (g->window_size - 1)))
		return IOMMU_EINVAL;
	bits = log2_exact(g->window_size) - g->hw_page_shift;
	if (bits % g->levels)
		return IOMMU_EINVAL;	/* every level has the same size */
	*level_shift = bits / g->levels;
	if (*level_shift < TCE_LEVEL_SHIFT_MIN)
		return IOMMU_EINVAL;
	if (tce_pool_order_for(2 * (8ULL << *level_shift)) > pool->max_order)
		return IOMMU_EINVAL;	/* a level larger than the pool's blocks */
	return IOMMU_OK;
}

struct tce_table *tce_table_create(struct tce_pool *pool,
				   const struct tce_table_geometry *geo, int *err)
{
	struct tce_table *tbl = NULL;
	unsigned int ls, i;
	int rc = geometry_check(pool, geo, &ls);

	if (rc) {
		*err = rc;
		return NULL;
	}
	lock_take(&tables_lock);
	for (i = 0; i < TCE_TABLES_MAX; i++) {
		if (!slots[i].tbl.allocated) {
			tbl = &slots[i].tbl;
			tbl->allocated = true;
			break;
		}
	}
	lock_release(&tables_lock);
	if (!tbl) {
		*err = IOMMU_ENOMEM;
		return NULL;
	}
	memset(&tbl->stats, 0, sizeof(tbl->stats));
	tbl->id = i;
	tbl->pool = pool;
	tbl->bus_offset = geo->bus_offset;
	tbl->window_size = geo->window_size;
	tbl->page_shift = (uint8_t)geo->page_shift;
	tbl->hw_page_shift = (uint8_t)geo->hw_page_shift;
	tbl->levels = (uint8_t)geo->levels;
	tbl->level_shift = (uint8_t)ls;
	tbl->lock = (struct lock)LOCK_INIT;
	tbl->links = NULL;
	tbl->nr_links = 0;
	tbl->owner = 0;
	tbl->liobn = 0;
	tbl->top = tce_pool_alloc(pool, tbl->levels == 1 ? leaf_order(tbl) : upper_order(tbl));
	if (!tbl->top) {
		lock_take(&tables_lock);
		tbl->allocated = false;
		lock_release(&tables_lock);
		*err = IOMMU_ENOMEM;
		return NULL;
	}
	tbl->top_hpa = tce_pool_hpa(pool, tbl->top);
	tbl->levels_allocated = 1;
	__atomic_store_n(&tbl->refs, 1, __ATOMIC_RELEASE);
	*err = IOMMU_OK;
	return tbl;
}

/* Free a level and everything below it; `below` is the number of levels
 * under this one (0 for a leaf). */
static void free_level(struct tce_table *tbl, uint64_t *lvl, unsigned int below)
{
	uint64_t i, n = 1ULL << tbl->level_shift;

	if (below == 0) {
		tce_pool_free(tbl->pool, lvl, leaf_order(tbl));
		return;
	}
	for (i = 0; i < n; i++) {
		uint64_t e = from_be64(lvl[i]);

		if (e & TCE_INDIRECT_VALID)
			free_level(tbl, tce_pool_va(tbl->pool, e & TCE_RPN_MASK), below - 1);
	}
	tce_pool_free(tbl->pool, lvl, upper_order(tbl));
}

void tce_table_get(struct tce_table *tbl)
{
	uint32_t old = __atomic_fetch_add(&tbl->refs, 1, __ATOMIC_ACQUIRE);

	CHECK(old > 0);
}

void tce_table_put(struct tce_table *tbl)
{
	uint32_t left = __atomic_sub_fetch(&tbl->refs, 1, __ATOMIC_ACQ_REL);

	if (left)
		return;
	CHECK(tbl->nr_links == 0);
	free_level(tbl, tbl->top, tbl->levels - 1u);
	tbl->top = NULL;
	lock_take(&tables_lock);
	tbl->allocated = false;
	lock_release(&tables_lock);
}

struct tce_table *tce_table_by_id(uint32_t id)
{
	if (id >= TCE_TABLES_MAX || !slots[id].tbl.allocated)
		return NULL;
	return &slots[id].tbl;
}

/* Index into the level `below` levels above the leaves. */
static uint64_t level_index(const struct tce_table *tbl, uint64_t hw, unsigned int below)
{
	return (hw >> (tbl->level_shift * below)) & ((1ULL << tbl->level_shift) - 1);
}

/* The leaf block holding hardware index hw, or NULL if not allocated. */
static inline uint64_t *leaf_lookup(const struct tce_table *tbl, uint64_t hw)
{
	uint64_t *lvl = tbl->top;
	unsigned int below;

	for (below = tbl->levels - 1u; below > 0; below--) {
		uint64_t e = from_be64(lvl[level_index(tbl, hw, below)]);

		if (!(e & TCE_INDIRECT_VALID))
			return NULL;
		lvl = tce_pool_va(tbl->pool, e & TCE_RPN_MASK);
	}
	return lvl;
}

/* Make sure the leaf holding hw exists, allocating upper levels as needed. */
static int leaf_ensure(struct tce_table *tbl, uint64_t hw)
{
	uint64_t *lvl = tbl->top;
	unsigned int below;

	for (below = tbl->levels - 1u; below > 0; below--) {
		uint64_t *slot = &lvl[level_index(tbl, hw, below)];
		uint64_t e = from_be64(*slot);

		if (!(e & TCE_INDIRECT_VALID)) {
			uint64_t *child = tce_pool_alloc(tbl->pool, below == 1 ?
							 leaf_order(tbl) : upper_order(tbl));

			if (!child)
				return IOMMU_ENOMEM;
			tbl->levels_allocated++;
			e = tce_pool_hpa(tbl->pool, child) | TCE_INDIRECT_VALID;
			/* Release: the child is zeroed before the PHB can see it. */
			__atomic_store_n(slot, to_be64(e), __ATOMIC_RELEASE);
		}
		lvl = tce_pool_va(tbl->pool, e & TCE_RPN_MASK);
	}
	return IOMMU_OK;
}

/* Leaves for hardware indexes [first, end). */
static int ensure_range(struct tce_table *tbl, uint64_t first, uint64_t end)
{
	uint64_t per_leaf = 1ULL << tbl->level_shift;
	uint64_t x;

	if (tbl->levels == 1)
		return IOMMU_OK;
	for (x = first; x < end; x = (x | (per_leaf - 1)) + 1) {
		int rc = leaf_ensure(tbl, x);

		if (rc)
			return rc;
	}
	return IOMMU_OK;
}

uint64_t tce_table_read_hw(struct tce_table *tbl, uint64_t hw_index)
{
	uint64_t *leaf, v = 0;

	if (hw_index >= tce_table_hw_entries(tbl))
		return 0;
	lock_take(&tbl->lock);
	leaf = leaf_lookup(tbl, hw_index);
	if (leaf)
		v = from_be64(leaf[hw_index & ((1ULL << tbl->level_shift) - 1)]);
	lock_release(&tbl->lock);
	return v;
}

void tce_table_peek_hw_range(const struct tce_table *tbl, uint64_t first, uint64_t count,
			     uint64_t *out)
{
	uint64_t mask = (1ULL << tbl->level_shift) - 1, x = first;

	while (x < first + count) {
		uint64_t chunk_end = (x | mask) + 1 < first + count ? (x | mask) + 1 : first + count;
		const uint64_t *leaf = x < tce_table_hw_entries(tbl) ? leaf_lookup(tbl, x) : NULL;

		for (; x < chunk_end; x++)
			*out++ = leaf ? from_be64(leaf[x & mask]) : 0;
	}
}

void tce_table_read_hw_range(struct tce_table *tbl, uint64_t first, uint64_t count,
			     uint64_t *out)
{
	lock_take(&tbl->lock);
	tce_table_peek_hw_range(tbl, first, count, out);
	lock_release(&tbl->lock);
}

/* ---- validation -------------------------------------------------------- */

/* First guest index for [ioba, count pages): in the window, aligned, and
 * index + count not past the end (checked without overflow). */
static int check_range(const struct tce_table *tbl, uint64_t ioba, uint64_t count,
		       uint64_t *gi)
{
	uint64_t off;

	if (ioba < tbl->bus_offset || ioba - tbl->bus_offset >= tbl->window_size)
		return IOMMU_ERANGE;
	off = ioba - tbl->bus_offset;
	if (off & ((1ULL << tbl->page_shift) - 1))
		return IOMMU_EALIGN;
	*gi = off >> tbl->page_shift;
	if (count > tce_table_entries(tbl) - *gi)
		return IOMMU_ERANGE;
	return IOMMU_OK;
}

/* The hardware value for a guest TCE: host page | W | R, or 0 for a page
 * fault. The whole guest page must lie in one range of the guest's memory. */
static inline int xlate_tce(const struct tce_table *tbl, const struct guest_mem *mem,
			    uint64_t tce, uint64_t *hw)
{
	uint64_t page = 1ULL << tbl->page_shift, gpa = tce & TCE_RPN_MASK, hpa;

	if (!tce_is_mapping(tce)) {
		*hw = 0;
		return IOMMU_OK;
	}
	if ((gpa & (page - 1)) || !guest_mem_translate(mem, gpa, page, &hpa))
		return IOMMU_ETCE;
	if (hpa & ((1ULL << tbl->hw_page_shift) - 1))
		return IOMMU_ETCE;	/* host memory not aligned for this page size */
	*hw = hpa | (tce & TCE_PERM_MASK);
	return IOMMU_OK;
}

/* ---- apply (cannot fail) ---------------------------------------------------- */

static void changes_add(struct tce_changes *ch, uint64_t first, uint64_t count)
{
	ch->changed += count;
	if (ch->unknown)
		return;
	if (ch->n && ch->r[ch->n - 1].first + ch->r[ch->n - 1].count == first) {
		ch->r[ch->n - 1].count += count;
		return;
	}
	if (ch->n == TCE_KILL_RANGES_MAX) {
		ch->unknown = true;
		return;
	}
	ch->r[ch->n].first = first;
	ch->r[ch->n].count = count;
	ch->n++;
}

/* Do any linked PEs sit on a PHB that kills ranges? If not, exact ranges
 * are not needed: every linked PE gets one PE kill. */
static bool want_ranges(const struct tce_table *tbl)
{
	const struct group_link *l;

	for (l = tbl->links; l; l = l->next)
		if (l->grp->phb->kill_threshold)
			return true;
	return false;
}

/*
 * One value into leaf slots [s0, s1) whose first hardware index is base:
 * the stuff fast path for guest page == hardware page. Without a PHB that
 * kills ranges, one branch-free pass counts the entries that change and
 * writes every entry and its twin (an unchanged entry gets its own value
 * back, which the PHB cannot tell from no write). Exact runs are scanned
 * only when a PHB needs them.
 */
static void fill_leaf(uint64_t *leaf, uint64_t *twin, uint64_t s0, uint64_t s1, uint64_t base,
		      uint64_t hw_be, uint64_t guest, bool ranges, struct tce_changes *ch)
{
	uint64_t s, diff = 0;

	if (!ranges) {
		for (s = s0; s < s1; s++) {
			diff += leaf[s] != hw_be;
			leaf[s] = hw_be;
			twin[s] = guest;
		}
		if (diff) {
			ch->changed += diff;
			ch->unknown = true;
		}
		return;
	}
	s = s0;
	while (s < s1) {
		uint64_t start;

		while (s < s1 && leaf[s] == hw_be)
			s++;
		start = s;
		while (s < s1 && leaf[s] != hw_be)
			leaf[s++] = hw_be;
		if (s > start)
			changes_add(ch, base + start - s0, s - start);
	}
	for (s = s0; s < s1; s++)
		twin[s] = guest;
}

/*
 * Guest entries [gi, gi + count): entry k gets guest value guest[k] and
 * hardware value hw[k] (k = 0 for all when `repeat`). Each guest entry
 * covers 1 << rs hardware entries: host page + j * hardware page.
 */
static void apply(struct tce_table *tbl, uint64_t gi, uint64_t count, const uint64_t *guest,
		  const uint64_t *hw, bool repeat, struct tce_changes *ch)
{
	unsigned int rs = tbl->page_shift - tbl->hw_page_shift;
	uint64_t per_leaf = 1ULL << tbl->level_shift, mask = per_leaf - 1;
	uint64_t x = gi << rs, end = (gi + count) << rs;
	/* only the one-value fill below needs to know (it walks the links) */
	bool ranges = repeat && rs == 0 && want_ranges(tbl);

	while (x < end) {
		uint64_t chunk_end = (x | mask) + 1 < end ? (x | mask) + 1 : end;
		uint64_t *leaf = leaf_lookup(tbl, x), *twin;

		/* Missing leaf: ensure_range() allocated every leaf an entry
		 * with a non-zero value needs, so these stay zero. */
		if (!leaf) {
			x = chunk_end;
			continue;
		}
		twin = leaf + per_leaf;
		if (repeat && rs == 0) {
			fill_leaf(leaf, twin, x & mask, (x & mask) + (chunk_end - x), x,
				  to_be64(hw[0]), guest[0], ranges, ch);
			x = chunk_end;
			continue;
		}
		for (; x < chunk_end; x++) {
			uint64_t k = repeat ? 0 : (x >> rs) - gi;
			uint64_t j = x & ((1ULL << rs) - 1);
			uint64_t nv = hw[k] ? hw[k] + (j << tbl->hw_page_shift) : 0;
			uint64_t s = x & mask;

			if (from_be64(leaf[s]) != nv) {
				leaf[s] = to_be64(nv);
				changes_add(ch, x, 1);
			}
			if (j == 0)
				twin[s] = guest[k];
		}
	}
}

/* ---- invalidation fan-out ---------------------------------------------- */

/*
 * Kills are queued on every linked PE first, and each PHB is synced after
 * the last kill queued on it (phb_ops.h). A table keeps the links of one
 * PHB together (table_group.c), so syncing a PHB when the walk moves on to
 * another one, and the last one at the end, syncs each PHB once. Were the
 * links out of order a PHB would only be synced more than once: correct,
 * since a sync covers every kill queued before it.
 */

/* A sync failed: none of the kills queued on phb can be relied on, so
 * every group of the table on that PHB counts a kill error. */
static __attribute__((noinline)) int sync_failed(struct tce_table *tbl,
						 const struct iommu_phb *phb)
{
	struct group_link *l;

	for (l = tbl->links; l; l = l->next)
		if (l->grp->phb == phb)
			group_stat_inc(&l->grp->stats.kill_errors);
	return IOMMU_EHW;
}

static inline int sync_phb(struct tce_table *tbl, struct iommu_phb *phb)
{
	if (__builtin_expect(phb->ops->sync(phb) == 0, 1))
		return IOMMU_OK;
	return sync_failed(tbl, phb);
}

/*
 * After entries changed: every linked PE gets one range kill per changed
 * range, or a single PE kill when a range is longer than its PHB's
 * threshold (PHB4: always); then every PHB touched is synced once, after
 * its last kill. A failure is reported after every PE has been tried.
 */
static int fanout(struct tce_table *tbl, const struct tce_changes *ch)
{
	struct group_link *l;
	struct iommu_phb *prev = NULL;
	bool known = !ch->unknown;
	uint64_t longest = 0;
	uint32_t i;
	int rc = IOMMU_OK;

	if (!ch->changed)
		return IOMMU_OK;
	/* The ranges fit a PHB when they are known and the longest is within
	 * its threshold: found once, one comparison per PE. */
	for (i = 0; i < ch->n; i++)
		longest = ch->r[i].count > longest ? ch->r[i].count : longest;
	/* Entries must be visible to the PHB before it refetches them. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (l = tbl->links; l; l = l->next) {
		struct table_group *g = l->grp;
		struct iommu_phb *phb = g->phb;
		int r = IOMMU_OK;

		if (phb != prev) {
			if (prev && sync_phb(tbl, prev))
				rc = IOMMU_EHW;
			prev = phb;
		}
		group_stat_inc(&g->stats.updates);
		if (!known || longest > phb->kill_threshold) {
			r = phb->ops->kill_pe(phb, g->pe);
			group_stat_inc(&g->stats.kills_pe);
			tbl->stats.kills_pe++;
		} else {
			for (i = 0; i < ch->n && !r; i++) {
				r = phb->ops->kill_range(phb, g->pe, tbl->bus_offset +
							 (ch->r[i].first << tbl->hw_page_shift),
							 ch->r[i].count, tbl->hw_page_shift);
				group_stat_inc(&g->stats.kills_range);
				tbl->stats.kills_range++;
			}
		}
		if (r) {
			group_stat_inc(&g->stats.kill_errors);
			rc = IOMMU_EHW;
		}
	}
	if (prev && sync_phb(tbl, prev))
		rc = IOMMU_EHW;
	return rc;
}

/* ---- the update API ------------------------------------------------------ */

/* The end of every update that passed validation: stats, kills, unlock. */
static int commit(struct tce_table *tbl, const struct tce_changes *ch)
{
	int rc;

	tbl->stats.updates++;
	tbl->stats.entries_changed += ch->changed;
	rc = fanout(tbl, ch);
	lock_release(&tbl->lock);
	return rc;
}

static int finish(struct tce_table *tbl, uint64_t gi, uint64_t count, const uint64_t *guest,
		  const uint64_t *hw, bool repeat)
{
	struct tce_changes ch;

	ch.changed = 0;
	ch.n = 0;
	ch.unknown = false;
	apply(tbl, gi, count, guest, hw, repeat, &ch);
	return commit(tbl, &ch);
}

static int reject(struct tce_table *tbl, int rc)
{
	tbl->stats.rejected++;
	lock_release(&tbl->lock);
	return rc;
}

int tce_table_stuff(struct tce_table *tbl, const struct guest_mem *mem, uint64_t ioba,
		    uint64_t tce, uint64_t count)
{
	unsigned int rs = tbl->page_shift - tbl->hw_page_shift;
	uint64_t gi, hw;
	int rc;

	lock_take(&tbl->lock);
	rc = check_range(tbl, ioba, count, &gi);
	if (!rc)
		rc = xlate_tce(tbl, mem, tce, &hw);
	/* A zero guest value needs no leaf; anything else (a mapping, or a
	 * page fault carrying other bits) is stored, so its leaves must exist. */
	if (!rc && tce)
		rc = ensure_range(tbl, gi << rs, (gi + count) << rs);
	if (rc)
		return reject(tbl, rc);
	if (count == 0) {
		lock_release(&tbl->lock);
		return IOMMU_OK;
	}
	return finish(tbl, gi, count, &tce, &hw, true);
}

/*
 * H_PUT_TCE is the hottest call: one per DMA map or unmap of a guest
 * without a direct window. When the guest page is the hardware page it
 * changes one hardware entry or none, so it needs neither apply()'s chunks
 * and run scans nor want_ranges()'s walk of the links: the changed entry
 * is an exact run of one. Same checks, order and kills as a stuff of one.
 */
/*
 * One changed hardware entry: each linked PE gets a one-page range kill if
 * its PHB takes page kills, else a PE kill, then each PHB one sync. The
 * general fan-out would come to the same; this is H_PUT_TCE's path, so it
 * stays short.
 */
static int kill_one(struct tce_table *tbl, uint64_t hw_index)
{
	uint64_t bus = tbl->bus_offset + (hw_index << tbl->hw_page_shift);
	struct group_link *l;
	struct iommu_phb *cur = NULL;
	int rc = IOMMU_OK;

	/* The entry must be visible to the PHB before it refetches it. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (l = tbl->links; l; l = l->next) {
		struct table_group *g = l->grp;
		struct iommu_phb *phb = g->phb;
		int r;

		if (__builtin_expect(phb != cur, 0)) {
			if (cur && sync_phb(tbl, cur))
				rc = IOMMU_EHW;
			cur = phb;
		}
		group_stat_inc(&g->stats.updates);
		if (phb->kill_threshold) {
			r = phb->ops->kill_range(phb, g->pe, bus, 1, tbl->hw_page_shift);
			group_stat_inc(&g->stats.kills_range);
			tbl->stats.kills_range++;
		} else {
			r = phb->ops->kill_pe(phb, g->pe);
			group_stat_inc(&g->stats.kills_pe);
			tbl->stats.kills_pe++;
		}
		if (__builtin_expect(r != 0, 0)) {
			group_stat_inc(&g->stats.kill_errors);
			rc = IOMMU_EHW;
		}
	}
	if (cur && sync_phb(tbl, cur))
		rc = IOMMU_EHW;
	return rc;
}

int tce_table_put_tce(struct tce_table *tbl, const struct guest_mem *mem, uint64_t ioba,
		      uint64_t tce)
{
	uint64_t gi, hw, s, *leaf;
	int rc;

	if (tbl->page_shift != tbl->hw_page_shift)
		return tce_table_stuff(tbl, mem, ioba, tce, 1);
	lock_take(&tbl->lock);
	rc = check_range(tbl, ioba, 1, &gi);
	if (!rc)
		rc = xlate_tce(tbl, mem, tce, &hw);
	if (!rc && tce && tbl->levels > 1)
		rc = leaf_ensure(tbl, gi);
	if (rc)
		return reject(tbl, rc);
	tbl->stats.updates++;
	leaf = leaf_lookup(tbl, gi);
	/* a missing leaf only for a zero value: nothing to store, no change */
	if (leaf) {
		s = gi & ((1ULL << tbl->level_shift) - 1);
		leaf[(1ULL << tbl->level_shift) + s] = tce;
		/* compared and stored with byte-reversed accesses, not swaps */
		if (from_be64(leaf[s]) != hw) {
			leaf[s] = to_be64(hw);
			tbl->stats.entries_changed++;
			rc = kill_one(tbl, gi);
		}
	}
	lock_release(&tbl->lock);
	return rc;
}

int tce_table_put_list(struct tce_table *tbl, const struct guest_mem *mem, uint64_t ioba,
		       const uint64_t *tces, uint64_t count)
{
	/* tbl is the first member of its slot */
	struct tce_table_slot *slot = (struct tce_table_slot *)tbl;
	unsigned int rs = tbl->page_shift - tbl->hw_page_shift;
	uint64_t gi, k;
	int rc;

	if (count > TCE_LIST_MAX)
		return IOMMU_EINVAL;
	lock_take(&tbl->lock);
	rc = check_range(tbl, ioba, count, &gi);
	for (k = 0; !rc && k < count; k++)
		rc = xlate_tce(tbl, mem, tces[k], &slot->xlat[k]);
	for (k = 0; !rc && k < count; k++)
		if (tces[k])
			rc = ensure_range(tbl, (gi + k) << rs, (gi + k + 1) << rs);
	if (rc)
		return reject(tbl, rc);
	if (count == 0) {
		lock_release(&tbl->lock);
		return IOMMU_OK;
	}
	return finish(tbl, gi, count, tces, slot->xlat, false);
}

int tce_table_get_tce(struct tce_table *tbl, uint64_t ioba, uint64_t *tce)
{
	unsigned int rs = tbl->page_shift - tbl->hw_page_shift;
	uint64_t gi, *leaf, hw;
	int rc;

	lock_take(&tbl->lock);
	rc = check_range(tbl, ioba, 1, &gi);
	if (!rc) {
		hw = gi << rs;
		leaf = leaf_lookup(tbl, hw);
		*tce = leaf ? leaf[(1ULL << tbl->level_shift) + (hw & ((1ULL << tbl->level_shift) - 1))] : 0;
	}
	lock_release(&tbl->lock);
	return rc;
}

static uint64_t count_level(const struct tce_table *tbl, const uint64_t *lvl, unsigned int below)
{
	uint64_t i, n = 1ULL << tbl->level_shift, valid = 0;

	for (i = 0; i < n; i++) {
		uint64_t e = from_be64(lvl[i]);

		if (!(e & TCE_PERM_MASK))
			continue;
		if (below == 0)
			valid++;
		else
			valid += count_level(tbl, tce_pool_va(tbl->pool, e & TCE_RPN_MASK), below - 1);
	}
	return valid;
}

uint64_t tce_table_count_valid(struct tce_table *tbl)
{
	uint64_t n;

	lock_take(&tbl->lock);
	n = count_level(tbl, tbl->top, tbl->levels - 1u);
	lock_release(&tbl->lock);
	return n;
}
