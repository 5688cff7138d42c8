/*
 * TCE tables: creation, the update API (validate everything, then apply
 * with a path that cannot fail), and the invalidation fan-out to every PE
 * linked to the table.
 *
 * Lock order, outer to inner:
 *   table_group.lock    link/unlink of one group          (table_group.c)
 *   tce_table.lock      entries, link list and stats of one table, and
 *                       the stats in each of its links
 *   PHB driver lock     the PHB's registers, inside phb_ops
 *   tce_pool.lock, link pool lock, tables_lock             leaves
 *
 * Concurrency: a lock, no deferred free. An update holds its table's lock
 * from its first check to its last sync, so the link list it walks cannot
 * change under it. iommu_unlink() first invalidates the PE's TVE and kills
 * the PE (without the table lock: an update running meanwhile kills that
 * PE too, which is harmless), then takes the table lock to remove the link.
 * After that no walker can reach the link, so it is freed at once. Tables
 * are reference-counted: each link holds a reference and the creator holds
 * one (the hypervisor's guest window); an update's caller must keep the
 * table alive for the call (the hcalls run on the owning guest's vCPUs,
 * and a guest's windows outlive them: hv/guest.h, guest_window). The last
 * put returns every level to the pool. The kill plan (a copy of the link
 * list's kill tokens) changes only with the list, under the same lock.
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

/* What an update changed that a PHB may have cached: whether anything
 * did, and the ranges of hardware indexes. */
struct tce_changes {
	bool kill;	/* an entry changed that a PE may cache */
	bool unknown;	/* ranges not recorded (or too many): PE kills only */
	uint32_t n;
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

/* Every level, leaves included, is one block of 8 << level_shift bytes. */
static unsigned int level_order(const struct tce_table *tbl)
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
	if (tce_pool_order_for(8ULL << *level_shift) > pool->max_order)
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
	tbl->puts = 0;
	tbl->id = i;
	tbl->pool = pool;
	tbl->bus_offset = geo->bus_offset;
	tbl->window_size = geo->window_size;
	tbl->page_shift = (uint8_t)geo->page_shift;
	tbl->page_mask = (1ULL << geo->page_shift) - 1;
	tbl->hw_page_shift = (uint8_t)geo->hw_page_shift;
	tbl->levels = (uint8_t)geo->levels;
	tbl->level_shift = (uint8_t)ls;
	tbl->leaf_mask = (1ULL << ls) - 1;
	tbl->put_window = geo->page_shift == geo->hw_page_shift && geo->levels == 1 ?
			  geo->window_size : 0;
	tbl->lock = (struct lock)LOCK_INIT;
	tbl->links = NULL;
	tbl->nr_links = 0;
	tbl->plan = (struct tce_kill_plan){ 0 };
	tbl->owner = 0;
	tbl->liobn = 0;
	tbl->top = tce_pool_alloc(pool, level_order(tbl));
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

	for (i = 0; below && i < n; i++) {
		uint64_t e = from_be64(lvl[i]);

		if (e & TCE_INDIRECT_VALID)
			free_level(tbl, tce_pool_va(tbl->pool, e & TCE_RPN_MASK), below - 1);
	}
	tce_pool_free(tbl->pool, lvl, level_order(tbl));
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
	return (hw >> (tbl->level_shift * below)) & tbl->leaf_mask;
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
			uint64_t *child = tce_pool_alloc(tbl->pool, level_order(tbl));

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
		v = from_be64(leaf[hw_index & tbl->leaf_mask]);
	lock_release(&tbl->lock);
	return v;
}

void tce_table_peek_hw_range(const struct tce_table *tbl, uint64_t first, uint64_t count,
			     uint64_t *out)
{
	uint64_t mask = tbl->leaf_mask, x = first;

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
 * index + count not past the end (checked without overflow). One compare
 * covers both ends: below the window, ioba - bus_offset wraps past any
 * window size (bus_offset is a multiple of window_size). */
static inline int check_range(const struct tce_table *tbl, uint64_t ioba, uint64_t count,
			      uint64_t *gi)
{
	uint64_t off = ioba - tbl->bus_offset;

	if (off >= tbl->window_size)
		return IOMMU_ERANGE;
	if (off & tbl->page_mask)
		return IOMMU_EALIGN;
	*gi = off >> tbl->page_shift;
	if (count > tce_table_entries(tbl) - *gi)
		return IOMMU_ERANGE;
	return IOMMU_OK;
}

/*
 * The hardware value for a guest TCE. A page-fault value (R = W = 0) is
 * stored as it is: the PHB ignores its other bits, and H_GET_TCE returns
 * them. A mapping must be the guest page's address (reserved bits clear)
 * with the whole page in one range of the guest's memory: host page | W | R.
 */
static inline int xlate_tce(const struct tce_table *tbl, const struct guest_mem *mem,
			    uint64_t tce, uint64_t *hw)
{
	uint64_t gpa = tce & ~TCE_PERM_MASK, hpa;

	if (!tce_is_mapping(tce)) {
		*hw = tce;
		return IOMMU_OK;
	}
	if ((gpa & tbl->page_mask) || !guest_mem_translate(mem, gpa, tbl->page_mask + 1, &hpa))
		return IOMMU_ETCE;
	if (hpa & ((1ULL << tbl->hw_page_shift) - 1))
		return IOMMU_ETCE;	/* host memory not aligned for this page size */
	*hw = hpa | (tce & TCE_PERM_MASK);
	return IOMMU_OK;
}

/*
 * The fast translation, for H_PUT_TCE and each TCE of a list: a page fault,
 * or a mapping (reserved bits clear, page aligned) whose page lies in r,
 * the guest's first memory range (its RAM), when r is aligned to at least
 * the page (guest_mem.h). False: take xlate_tce(), which covers the other
 * cases and gives the error.
 */
static inline bool xlate_ram(const struct guest_mem_range *r, uint64_t pmask, uint64_t tce,
			     uint64_t *hw)
{
	uint64_t off = (tce & ~TCE_PERM_MASK) - r->gpa;	/* below r->gpa: wraps past size */

	if (!tce_is_mapping(tce)) {
		*hw = tce;
		return true;
	}
	/* The page is aligned (so is off: pmask <= r's alignment) and starts
	 * in r, whose size is a multiple of the page: it ends in r too. The
	 * host page is as aligned, so every hardware page in it is too. */
	if ((tce & pmask & ~TCE_PERM_MASK) || pmask > r->align_mask || off >= r->size)
		return false;
	*hw = (r->hpa + off) | (tce & TCE_PERM_MASK);
	return true;
}

/* A list's TCEs (H_PUT_TCE_INDIRECT), the first range and masks in locals. */
static int xlate_list(const struct tce_table *tbl, const struct guest_mem *mem,
		      const uint64_t *tces, uint64_t count, uint64_t *hw)
{
	const struct guest_mem_range r = mem->nr ? mem->r[0] : (struct guest_mem_range){ 0 };
	uint64_t pmask = tbl->page_mask, k;

	for (k = 0; k < count; k++) {
		int rc;

		if (xlate_ram(&r, pmask, tces[k], &hw[k]))
			continue;
		rc = xlate_tce(tbl, mem, tces[k], &hw[k]);
		if (rc)
			return rc;
	}
	return IOMMU_OK;
}

/* Hardware entry j of a guest value's 1 << rs: a mapping's host pages one
 * after another, a page-fault value repeated. */
static inline uint64_t hw_sub(uint64_t hw, uint64_t j, unsigned int hw_page_shift)
{
	return tce_is_mapping(hw) ? hw + (j << hw_page_shift) : hw;
}

/* Could the PHB hold a stale copy after old became new? Not if both are
 * page faults: the PHB treats every page-fault value alike. */
static inline bool needs_kill(uint64_t old, uint64_t new)
{
	return old != new && ((old | new) & TCE_PERM_MASK);
}

/* ---- apply (cannot fail) ---------------------------------------------------- */

static void changes_add(struct tce_changes *ch, uint64_t first, uint64_t count)
{
	ch->kill = true;
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

/* Does any linked PE sit on a PHB that kills ranges? If not, exact ranges
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
 * One value v (stored form) into leaf slots [s, s1) when only "did anything
 * change" matters (PE kills). Until an entry needs a kill, compare; after
 * that, only store: the usual stuff (a mapping over other values, or a
 * clear of mapped entries) costs one store per entry. Returns whether a
 * kill is needed, which *kill already says when set.
 */
static bool fill_pe(uint64_t *leaf, uint64_t s, uint64_t s1, uint64_t v_be, bool kill)
{
	const uint64_t perm_be = to_be64(TCE_PERM_MASK);

	if (!kill) {
		if (v_be & perm_be) {
			/* a mapping: an equal entry needs no store, any other a kill */
			for (; s < s1; s++)
				if (leaf[s] != v_be)
					goto store;
		} else {
			/* a page fault: a kill only over a mapping */
			for (; s < s1; s++) {
				if (leaf[s] & perm_be)
					goto store;
				leaf[s] = v_be;
			}
		}
		return false;
	}
store:
#pragma GCC unroll 4
	for (; s < s1; s++)
		leaf[s] = v_be;
	return true;
}

/* Values v[] into leaf slots [s, s1) when only "did anything change"
 * matters; returns whether a kill is needed. */
static bool list_pe(uint64_t *leaf, uint64_t s, uint64_t s1, const uint64_t *v)
{
	uint64_t cached = 0;

	for (; s < s1; s++, v++) {
		uint64_t nv = *v, old = from_be64(leaf[s]);

		if (old != nv) {
			leaf[s] = to_be64(nv);
			cached |= old | nv;
		}
	}
	return (cached & TCE_PERM_MASK) != 0;
}

/* The same with the changed runs recorded, for PHBs that kill ranges;
 * base is the hardware index of slot s. */
static void fill_ranges(uint64_t *leaf, uint64_t s, uint64_t s1, uint64_t base,
			uint64_t v, struct tce_changes *ch)
{
	uint64_t s0 = s;

	while (s < s1) {
		uint64_t start;

		while (s < s1 && !needs_kill(from_be64(leaf[s]), v))
			leaf[s++] = to_be64(v);
		start = s;
		while (s < s1 && needs_kill(from_be64(leaf[s]), v))
			leaf[s++] = to_be64(v);
		if (s > start)
			changes_add(ch, base + start - s0, s - start);
	}
}

/*
 * Guest entries [gi, gi + count) get hardware values hw[k] (hw[0] for all
 * when `repeat`), each spread over its 1 << rs hardware entries.
 */
static void apply(struct tce_table *tbl, uint64_t gi, uint64_t count, const uint64_t *hw,
		  bool repeat, struct tce_changes *ch)
{
	unsigned int rs = tbl->page_shift - tbl->hw_page_shift, hs = tbl->hw_page_shift;
	uint64_t per_leaf = 1ULL << tbl->level_shift, mask = per_leaf - 1;
	uint64_t x = gi << rs, end = (gi + count) << rs;
	bool fill = repeat && rs == 0, ranges = want_ranges(tbl);

	/* Without a PHB that kills ranges, only "anything to kill" counts. */
	ch->unknown = !ranges;

	while (x < end) {
		uint64_t chunk_end = (x | mask) + 1 < end ? (x | mask) + 1 : end;
		uint64_t *leaf = leaf_lookup(tbl, x), s = x & mask, s1 = s + (chunk_end - x);

		/* Missing leaf: ensure_range() allocated every leaf a non-zero
		 * value needs, so these stay zero. */
		if (!leaf) {
			x = chunk_end;
			continue;
		}
		if (fill && !ranges) {
			ch->kill = fill_pe(leaf, s, s1, to_be64(hw[0]), ch->kill);
		} else if (fill) {
			fill_ranges(leaf, s, s1, x, hw[0], ch);
		} else if (rs == 0 && !ranges) {
			ch->kill |= list_pe(leaf, s, s1, hw + (x - gi));
		} else if (rs == 0) {
			const uint64_t *v = hw + (x - gi);

			for (; s < s1; s++, v++, x++) {
				uint64_t old = from_be64(leaf[s]);

				if (old != *v) {
					leaf[s] = to_be64(*v);
					if (needs_kill(old, *v))
						changes_add(ch, x, 1);
				}
			}
		} else {
			for (; s < s1; s++, x++) {
				uint64_t k = repeat ? 0 : (x >> rs) - gi;
				uint64_t nv = hw_sub(hw[k], x & ((1ULL << rs) - 1), hs);
				uint64_t old = from_be64(leaf[s]);

				if (old != nv) {
					leaf[s] = to_be64(nv);
					if (needs_kill(old, nv))
						changes_add(ch, x, 1);	/* sets kill */
				}
			}
		}
		x = chunk_end;
	}
}

/* ---- invalidation fan-out ---------------------------------------------- */

/*
 * A table keeps the links of one PHB together (table_group.c), so the
 * fan-out takes the PHBs one at a time: every linked PE of the PHB gets
 * its kills, then the PHB is synced once, after its last kill (phb_ops.h).
 * With a plan (tce_table.h) that is one kill_pes call per PHB; otherwise
 * the links are walked. Per-link counts are plain: the table lock is held.
 */

/* The PHB failed to complete: none of the kills queued on it can be
 * relied on, so each of the table's links on it, from `from` (the first
 * of them) on, counts an error. */
static __attribute__((noinline)) int kill_failed(struct group_link *from,
						  const struct iommu_phb *phb)
{
	for (; from && from->grp->phb == phb; from = from->next)
		from->stats.kill_errors++;
	return IOMMU_EHW;
}

void tce_table_plan_fold(struct tce_table *tbl)
{
	struct group_link *l;

	for (l = tbl->links; l; l = l->next) {
		if (l->in_plan)
			l->stats.kills_pe += tbl->plan.kills;
		l->in_plan = 0;
	}
	tbl->stats.kills_pe += tbl->plan.kills * tbl->plan.npes;
	tbl->plan.kills = 0;
	tbl->plan.nphbs = 0;
	tbl->plan.npes = 0;
}

/* After tce_table_plan_fold() and the list change: no plan if a PHB kills
 * ranges or there are more links than it holds. */
void tce_table_plan_build(struct tce_table *tbl)
{
	struct tce_kill_plan *p = &tbl->plan;
	struct group_link *l;
	unsigned int n = 0;

	for (l = tbl->links; l; l = l->next)
		if (l->grp->phb->kill_threshold || ++n > TCE_PLAN_PES)
			return;
	for (l = tbl->links; l; l = l->next) {
		struct iommu_phb *phb = l->grp->phb;

		if (!p->nphbs || p->phb[p->nphbs - 1].phb != phb) {
			p->phb[p->nphbs].kill_pes = phb->ops->kill_pes;
			p->phb[p->nphbs].phb = phb;
			p->phb[p->nphbs].tokens = &p->token[p->npes];
			p->phb[p->nphbs].n = 0;
			p->nphbs++;
		}
		p->phb[p->nphbs - 1].n++;
		p->token[p->npes++] = l->grp->kill_token;
		l->in_plan = 1;
	}
}

/* Plan entry i's PHB failed: an error on each of its links. */
static __attribute__((noinline, cold)) int plan_failed(struct tce_table *tbl, unsigned int i)
{
	struct group_link *l;

	for (l = tbl->links; l->grp->phb != tbl->plan.phb[i].phb; l = l->next)
		;
	return kill_failed(l, tbl->plan.phb[i].phb);
}

/* A plan with one PHB: its kill_pes. */
static inline int kill_plan_one(struct tce_kill_plan *p)
{
	p->kills++;
	return p->phb[0].kill_pes(p->phb[0].phb, p->phb[0].tokens, p->phb[0].n);
}

/* The fan-out through the plan: one kill_pes per PHB. Inline: it is most
 * of H_PUT_TCE's fan-out. */
static inline int kill_plan(struct tce_table *tbl)
{
	struct tce_kill_plan *p = &tbl->plan;
	unsigned int i = 0;
	int rc = IOMMU_OK;

	p->kills++;
	do {
		if (__builtin_expect(p->phb[i].kill_pes(p->phb[i].phb, p->phb[i].tokens,
							p->phb[i].n) != 0, 0))
			rc = plan_failed(tbl, i);
	} while (++i < p->nphbs);
	return rc;
}

/* PE kills for the links of one PHB, from l on; returns the first link
 * past them. The kill function is read once: one load per link less. */
static struct group_link *kill_pes_walk(struct tce_table *tbl, struct group_link *l,
					struct iommu_phb *phb, int *rc)
{
	int (*kill_pe)(struct iommu_phb *, uint32_t) = phb->ops->kill_pe;
	uint64_t n = 0;

	for (; l && l->grp->phb == phb; l = l->next, n++) {
		l->stats.kills_pe++;
		if (kill_pe(phb, l->grp->pe)) {
			l->stats.kill_errors++;
			*rc = IOMMU_EHW;
		}
	}
	tbl->stats.kills_pe += n;
	return l;
}

/* One link's range kills, one per changed range. */
static int kill_link_ranges(struct tce_table *tbl, struct group_link *l,
			    const struct tce_changes *ch)
{
	struct iommu_phb *phb = l->grp->phb;
	int rc = IOMMU_OK;
	uint32_t i;

	l->stats.updates++;
	for (i = 0; i < ch->n; i++) {
		if (phb->ops->kill_range(phb, l->grp->pe, tbl->bus_offset +
					 (ch->r[i].first << tbl->hw_page_shift),
					 ch->r[i].count, tbl->hw_page_shift))
			rc = IOMMU_EHW;
		l->stats.kills_range++;
		tbl->stats.kills_range++;
	}
	if (rc)
		l->stats.kill_errors++;
	return rc;
}

/*
 * The fan-out without a plan: the PEs of each PHB get a range kill per
 * changed range if no range is longer than that PHB's threshold
 * (`longest`: the longest range, UINT64_MAX if they are not known), else
 * one PE kill each; then the PHB is synced. A failure is reported after
 * every PE has been tried.
 */
static __attribute__((noinline)) int kill_walk(struct tce_table *tbl, uint64_t longest,
						  const struct tce_changes *ch)
{
	struct group_link *l = tbl->links, *first;
	int rc = IOMMU_OK;

	while (l) {
		struct iommu_phb *phb = l->grp->phb;

		first = l;
		if (longest > phb->kill_threshold)
			l = kill_pes_walk(tbl, l, phb, &rc);
		else
			for (; l && l->grp->phb == phb; l = l->next)
				if (kill_link_ranges(tbl, l, ch))
					rc = IOMMU_EHW;
		if (phb->ops->sync(phb))
			rc = kill_failed(first, phb);
	}
	return rc;
}

static int fanout(struct tce_table *tbl, const struct tce_changes *ch)
{
	uint64_t longest = 0;
	uint32_t i;

	if (!ch->kill)
		return IOMMU_OK;
	if (tbl->plan.nphbs)
		return kill_plan(tbl);
	for (i = 0; i < ch->n; i++)
		longest = ch->r[i].count > longest ? ch->r[i].count : longest;
	return kill_walk(tbl, ch->unknown ? UINT64_MAX : longest, ch);
}

/* H_PUT_TCE's fan-out without a plan: hardware entry gi changed. */
static __attribute__((noinline)) int kill_walk_entry(struct tce_table *tbl, uint64_t gi)
{
	struct tce_changes ch;

	ch.kill = true;
	ch.unknown = false;
	ch.n = 1;
	ch.r[0].first = gi;
	ch.r[0].count = 1;
	return kill_walk(tbl, 1, &ch);
}

/* ---- the update API ------------------------------------------------------ */

static inline void changes_init(struct tce_changes *ch)
{
	ch->kill = false;
	ch->unknown = false;
	ch->n = 0;
}

/* The end of every update that passed validation: stats, kills, unlock. */
static int commit(struct tce_table *tbl, uint64_t written, const struct tce_changes *ch)
{
	int rc;

	tbl->stats.updates++;
	tbl->stats.entries_written += written;
	rc = fanout(tbl, ch);
	lock_release(&tbl->lock);
	return rc;
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
	struct tce_changes ch;
	uint64_t gi, hw;
	int rc;

	lock_take(&tbl->lock);
	rc = check_range(tbl, ioba, count, &gi);
	if (!rc)
		rc = xlate_tce(tbl, mem, tce, &hw);
	/* A zero value needs no leaf; anything else is stored, so its leaves
	 * must exist. */
	if (!rc && tce)
		rc = ensure_range(tbl, gi << rs, (gi + count) << rs);
	if (rc)
		return reject(tbl, rc);
	changes_init(&ch);
	apply(tbl, gi, count, &hw, true, &ch);
	return commit(tbl, count << rs, &ch);
}

/* Entry hw if its leaf exists. */
static inline uint64_t *entry_lookup(const struct tce_table *tbl, uint64_t hw)
{
	uint64_t *leaf = tbl->levels == 1 ? tbl->top : leaf_lookup(tbl, hw);

	return leaf ? &leaf[hw & tbl->leaf_mask] : NULL;
}

/* H_PUT_TCE's fan-out, lock held (released here), when the fast path's
 * one-PHB call does not apply: through the plan, or walking the links. */
static __attribute__((noinline)) int put_fanout(struct tce_table *tbl, uint64_t gi)
{
	int rc = tbl->plan.nphbs ? kill_plan(tbl) : kill_walk_entry(tbl, gi);

	lock_release(&tbl->lock);
	return rc;
}

/*
 * H_PUT_TCE in general, with the table lock held (released here): a guest
 * page of several hardware pages (a stuff of one), other memory ranges, a
 * leaf to allocate, the fan-out without a one-PHB plan. Same checks and
 * order as the fast path, which falls back here.
 */
static __attribute__((noinline)) int put_tce_locked(struct tce_table *tbl,
						    const struct guest_mem *mem, uint64_t ioba,
						    uint64_t tce)
{
	uint64_t gi, hw, old, *e;
	int rc;

	if (tbl->page_shift != tbl->hw_page_shift) {
		lock_release(&tbl->lock);
		return tce_table_stuff(tbl, mem, ioba, tce, 1);
	}
	rc = check_range(tbl, ioba, 1, &gi);
	if (!rc)
		rc = xlate_tce(tbl, mem, tce, &hw);
	if (!rc && tce && tbl->levels > 1)
		rc = leaf_ensure(tbl, gi);
	if (rc)
		return reject(tbl, rc);
	tbl->puts++;
	e = entry_lookup(tbl, gi);
	/* a missing leaf only for a zero value: nothing to store, no change */
	if (e) {
		old = from_be64(*e);
		if (old != hw) {
			*e = to_be64(hw);
			if (needs_kill(old, hw))
				return put_fanout(tbl, gi);
		}
	}
	lock_release(&tbl->lock);
	return IOMMU_OK;
}

/* The one-PHB plan's kill_pes failed: count it on its links, unlock. */
static __attribute__((noinline, cold)) int put_fanout_failed(struct tce_table *tbl)
{
	int rc = plan_failed(tbl, 0);

	lock_release(&tbl->lock);
	return rc;
}

/*
 * H_PUT_TCE is the hottest call: one per DMA map or unmap of a guest
 * without a direct window. Its fast path covers the usual table (guest
 * page = hardware page, one level), a TCE in the guest's first memory
 * range and a plan with one PHB; anything else goes on, lock held, in
 * put_tce_locked(), which makes the same checks in the same order.
 */
int tce_table_put_tce(struct tce_table *tbl, const struct guest_mem *mem, uint64_t ioba,
		      uint64_t tce)
{
	struct tce_kill_plan *p = &tbl->plan;
	uint64_t off, hw, old, *e;

	lock_take(&tbl->lock);
	off = ioba - tbl->bus_offset;
	if (__builtin_expect(off >= tbl->put_window ||
			     (off & tbl->page_mask) || !mem->nr ||
			     !xlate_ram(&mem->r[0], tbl->page_mask, tce, &hw), 0))
		return put_tce_locked(tbl, mem, ioba, tce);
	e = &tbl->top[off >> tbl->page_shift];	/* one level: off < window */
	tbl->puts++;
	/* compared and stored with byte-reversed accesses, not swaps */
	old = from_be64(*e);
	if (old == hw)
		goto unlock;
	*e = to_be64(hw);
	if (!needs_kill(old, hw))
		goto unlock;
	if (__builtin_expect(p->nphbs != 1, 0))
		return put_fanout(tbl, off >> tbl->page_shift);
	/* only tbl is live across the call: the rest of the path is short */
	if (__builtin_expect(kill_plan_one(p) != 0, 0))
		return put_fanout_failed(tbl);
unlock:
	lock_release(&tbl->lock);
	return IOMMU_OK;
}

void tce_table_stats(struct tce_table *tbl, struct tce_table_stats *out)
{
	lock_take(&tbl->lock);
	*out = tbl->stats;
	out->updates += tbl->puts;
	out->entries_written += tbl->puts;
	out->kills_pe += tbl->plan.kills * tbl->plan.npes;
	lock_release(&tbl->lock);
}

int tce_table_put_list(struct tce_table *tbl, const struct guest_mem *mem, uint64_t ioba,
		       const uint64_t *tces, uint64_t count)
{
	/* tbl is the first member of its slot */
	struct tce_table_slot *slot = (struct tce_table_slot *)tbl;
	unsigned int rs = tbl->page_shift - tbl->hw_page_shift;
	struct tce_changes ch;
	uint64_t gi, k;
	int rc;

	if (count > TCE_LIST_MAX)
		return IOMMU_EINVAL;
	lock_take(&tbl->lock);
	rc = check_range(tbl, ioba, count, &gi);
	if (!rc)
		rc = xlate_list(tbl, mem, tces, count, slot->xlat);
	if (!rc && tbl->levels > 1) {
		for (k = 0; !rc && k < count; k++)
			if (tces[k])
				rc = ensure_range(tbl, (gi + k) << rs, (gi + k + 1) << rs);
	}
	if (rc)
		return reject(tbl, rc);
	changes_init(&ch);
	apply(tbl, gi, count, slot->xlat, false, &ch);
	return commit(tbl, count << rs, &ch);
}

int tce_table_get_tce(struct tce_table *tbl, const struct guest_mem *mem, uint64_t ioba,
		      uint64_t *tce)
{
	unsigned int rs = tbl->page_shift - tbl->hw_page_shift;
	uint64_t gi, *leaf, x, v = 0, gpa;
	int rc;

	lock_take(&tbl->lock);
	rc = check_range(tbl, ioba, 1, &gi);
	if (!rc) {
		x = gi << rs;
		leaf = leaf_lookup(tbl, x);
		if (leaf)
			v = from_be64(leaf[x & tbl->leaf_mask]);
	}
	lock_release(&tbl->lock);
	if (rc || !tce_is_mapping(v)) {
		*tce = v;
		return rc;
	}
	/* Only this guest's own translations are stored: it owns the page. */
	if (!guest_mem_reverse(mem, v & TCE_RPN_MASK, &gpa))
		return IOMMU_EHW;
	*tce = gpa | (v & TCE_PERM_MASK);
	return IOMMU_OK;
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
