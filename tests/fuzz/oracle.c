/*
 * The TCE fuzz target's oracle (see oracle.h and the top of fuzz_tce.c):
 * the rules restated, the model of every table, snapshots of hardware
 * entries, and the checks.
 *
 * Written to share as little as possible with the core: ranges are checked
 * in 128-bit arithmetic, translation walks the guest map itself, expected
 * hardware values come from the model, never from reading the table back.
 */
#include <endian.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oracle.h"

struct world W;
struct fake_phb phbs[2];
struct run runs[HW_MAX];
static uint64_t hw_a[HW_MAX], hw_b[HW_MAX];
struct snap snap_a = { .hw = hw_a }, snap_b = { .hw = hw_b };

/* RAM (1 GiB aligned in host memory, so every page size translates), a
 * range only 4 KiB aligned in host memory, and one ending at 2^64. */
const struct guest_mem gmem = { 3, {
	GUEST_MEM_RANGE(0, 0x40000000ULL, 2ULL << 30),
	GUEST_MEM_RANGE(0x100000000ULL, 0x1c0001000ULL, 1ULL << 20),
	GUEST_MEM_RANGE(0xfffffffffff00000ULL, 0x200000000ULL, 1ULL << 20),
} };

void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_tce: oracle violated at op %u (%s): ", W.op, W.what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void describe(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(W.what, sizeof(W.what), fmt, ap);
	va_end(ap);
	if (W.trace)
		fprintf(stderr, "op %u: %s\n", W.op, W.what);
}

/* [a, a + len) inside [base, base + size), in 128 bits: the oracle shares
 * no overflow reasoning with the core. */
static bool inside128(uint64_t a, uint64_t len, uint64_t base, uint64_t size)
{
	return a >= base && (unsigned __int128)a + len <= (unsigned __int128)base + size;
}

int predict_range(const struct tce_table *t, uint64_t ioba, uint64_t count, uint64_t *gi)
{
	uint64_t off;

	if (!inside128(ioba, 1, t->bus_offset, t->window_size))
		return IOMMU_ERANGE;
	off = ioba - t->bus_offset;
	if (off % (1ULL << t->page_shift))
		return IOMMU_EALIGN;
	*gi = off >> t->page_shift;
	if ((unsigned __int128)*gi + count > tce_table_entries(t))
		return IOMMU_ERANGE;
	return IOMMU_OK;
}

/* The hardware value of a guest TCE's first hardware page: a page fault
 * as it is, a mapping translated (its reserved bits must be clear). */
static int predict_tce(const struct tce_table *t, uint64_t tce, uint64_t *hw)
{
	uint64_t page = 1ULL << t->page_shift, gpa = tce & ~RW;
	unsigned int i;

	*hw = tce;
	if (!(tce & RW))
		return IOMMU_OK;
	*hw = 0;
	if (gpa % page)
		return IOMMU_ETCE;
	for (i = 0; i < gmem.nr; i++) {
		const struct guest_mem_range *g = &gmem.r[i];
		uint64_t hpa = g->hpa + (gpa - g->gpa);

		if (!inside128(gpa, page, g->gpa, g->size))
			continue;
		if (hpa % (1ULL << t->hw_page_shift))
			return IOMMU_ETCE;
		*hw = hpa | (tce & RW);
		return IOMMU_OK;
	}
	return IOMMU_ETCE;
}

int predict_update(const struct tce_table *t, enum upd_kind kind, uint64_t ioba,
		   const uint64_t *tces, uint64_t count, uint64_t *gi, uint64_t *hw)
{
	uint64_t k, n = kind == UPD_LIST ? count : 1;
	int rc;

	if (kind == UPD_LIST && count > TCE_LIST_MAX)
		return IOMMU_EINVAL;
	rc = predict_range(t, ioba, count, gi);
	for (k = 0; !rc && k < n; k++)
		rc = predict_tce(t, tces[k], &hw[k]);
	return rc;
}

int predict_geometry(const struct tce_table_geometry *g, const struct tce_pool *p,
		     unsigned int *ls)
{
	unsigned int bits;

	if (g->page_shift < 12 || g->page_shift > 30 || g->hw_page_shift < 12 ||
	    g->hw_page_shift > g->page_shift || g->levels < 1 || g->levels > 5)
		return IOMMU_EINVAL;
	if (__builtin_popcountll(g->window_size) != 1 ||
	    g->window_size < (1ULL << g->page_shift) || g->bus_offset % g->window_size)
		return IOMMU_EINVAL;
	bits = (unsigned int)__builtin_ctzll(g->window_size) - g->hw_page_shift;
	if (bits % g->levels || bits / g->levels < 9)
		return IOMMU_EINVAL;
	*ls = bits / g->levels;
	/* a level: 8 << ls bytes, order ls - 9 of 4 KiB */
	if (*ls - 9 > p->max_order)
		return IOMMU_EINVAL;
	return IOMMU_OK;
}

static size_t model_find(const struct ftable *ft, uint64_t gi)
{
	size_t lo = 0, hi = ft->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ft->m[mid].gi < gi)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint64_t model_guest(const struct ftable *ft, uint64_t gi)
{
	size_t i = model_find(ft, gi);

	return i < ft->n && ft->m[i].gi == gi ? ft->m[i].guest : 0;
}

/* Guest entries [gi, gi + count) now hold guest[k] / hw[k] (k = 0 for all
 * when repeat). */
void model_set(struct ftable *ft, uint64_t gi, uint64_t count, const uint64_t *guest,
	       const uint64_t *hw, bool repeat)
{
	size_t lo = model_find(ft, gi), hi = model_find(ft, gi + count), n = 0;
	uint64_t k, add = 0;
	struct mentry *m;

	if (repeat)
		add = guest[0] ? count : 0;	/* a huge clearing stuff adds nothing */
	else
		for (k = 0; k < count; k++)
			add += guest[k] != 0;
	if (add > HW_MAX * 16)
		fail("model: %lu values stored by one call", (unsigned long)add);
	m = malloc((lo + add + (ft->n - hi) + 1) * sizeof(*m));
	if (!m)
		abort();
	if (lo)
		memcpy(m, ft->m, lo * sizeof(*m));
	n = lo;
	for (k = 0; k < count && add; k++) {
		uint64_t j = repeat ? 0 : k;

		if (guest[j])
			m[n++] = (struct mentry){ gi + k, guest[j], hw[j] };
	}
	if (ft->n > hi)
		memcpy(m + n, ft->m + hi, (ft->n - hi) * sizeof(*m));
	n += ft->n - hi;
	free(ft->m);
	ft->m = m;
	ft->n = n;
}

static void snap_add(struct snap *s, uint64_t first, uint64_t count)
{
	if (s->nr == REGIONS_MAX || s->n + count > HW_MAX)
		fail("more leaves than the pool can hold");
	s->r[s->nr++] = (struct region){ first, count };
	s->n += count;
}

/* Upper levels: every entry is 0 or a valid pointer to a level-aligned
 * block of the pool; leaves found become regions. */
static void walk(const struct tce_table *t, struct snap *s, const uint64_t *lvl,
		 unsigned int below, uint64_t base, uint64_t *levels)
{
	uint64_t n = 1ULL << t->level_shift, bytes = 8ULL << t->level_shift, i;

	for (i = 0; i < n; i++) {
		uint64_t e = be64toh(lvl[i]), idx = (base << t->level_shift) | i;
		const uint64_t *child;

		if (!(e & TCE_INDIRECT_VALID)) {
			if (e)
				fail("table %u: upper entry %#lx neither empty nor valid",
				     t->id, (unsigned long)e);
			continue;
		}
		child = tce_pool_va(t->pool, e & TCE_RPN_MASK);
		if (!child || (e & ~TCE_RPN_MASK) != TCE_INDIRECT_VALID ||
		    (e & TCE_RPN_MASK) % bytes)
			fail("table %u: upper entry %#lx is not a level in the pool",
			     t->id, (unsigned long)e);
		(*levels)++;
		if (below == 1)
			snap_add(s, idx << t->level_shift, n);
		else
			walk(t, s, child, below - 1, idx, levels);
	}
}

void snap_take(const struct ftable *ft, struct snap *s)
{
	struct tce_table *t = ft->tbl;
	uint64_t levels = 1, k = 0;
	unsigned int i;

	s->nr = 0;
	s->n = 0;
	if (t->levels == 1)
		snap_add(s, 0, tce_table_hw_entries(t));
	else
		walk(t, s, t->top, t->levels - 1u, 0, &levels);
	if (levels != t->levels_allocated)
		fail("table %u: %lu levels found, levels_allocated says %lu", t->id,
		     (unsigned long)levels, (unsigned long)t->levels_allocated);
	for (i = 0; i < s->nr; i++) {
		tce_table_read_hw_range(t, s->r[i].first, s->r[i].count, s->hw + k);
		k += s->r[i].count;
	}
}

/* (b): nothing points outside the guest's memory. */
static void check_safe(const struct ftable *ft, const struct snap *s)
{
	const struct tce_table *t = ft->tbl;
	uint64_t page = 1ULL << t->hw_page_shift, k = 0, x;
	unsigned int i;

	for (i = 0; i < s->nr; i++) {
		for (x = s->r[i].first; x < s->r[i].first + s->r[i].count; x++, k++) {
			uint64_t v = s->hw[k], hpa = v & TCE_RPN_MASK;
			bool ok = true;		/* a page fault, whatever its bits */

			if (v & RW)
				ok = !(v & ~TCE_RPN_MASK & ~RW) && !(hpa % page) &&
				     guest_mem_owns_hpa(&gmem, hpa, page);
			if (!ok)
				fail("table %u (%s): hw entry %lu = %#lx is not a page fault nor "
				     "a page of the guest", t->id, ft->name, (unsigned long)x,
				     (unsigned long)v);
		}
	}
}

/* Every hardware entry is what the model's guest values translate to. */
static void check_model_hw(const struct ftable *ft, const struct snap *s)
{
	const struct tce_table *t = ft->tbl;
	unsigned int rs = t->page_shift - t->hw_page_shift, i;
	uint64_t rmask = (1ULL << rs) - 1, k = 0, x;
	size_t c = 0;

	for (i = 0; i < s->nr; i++) {
		for (x = s->r[i].first; x < s->r[i].first + s->r[i].count; x++, k++) {
			uint64_t gi = x >> rs, want = 0;

			while (c < ft->n && ft->m[c].gi < gi)
				c++;
			if (c < ft->n && ft->m[c].gi == gi)
				want = ft->m[c].hw & RW ?
				       ft->m[c].hw + ((x & rmask) << t->hw_page_shift) : ft->m[c].hw;
			if (s->hw[k] != want)
				fail("table %u (%s): hw entry %lu = %#lx, the model says %#lx",
				     t->id, ft->name, (unsigned long)x, (unsigned long)s->hw[k],
				     (unsigned long)want);
		}
	}
}

static void run_add(unsigned int *nr, uint64_t x)
{
	if (*nr && runs[*nr - 1].first + runs[*nr - 1].count == x) {
		runs[*nr - 1].count++;
		return;
	}
	runs[*nr] = (struct run){ x, 1 };
	(*nr)++;
}

/* Entries that differ between a and b (b taken later: leaves only appear)
 * as runs[]; returns how many entries changed. With cached_only, one page
 * fault replaced by another does not count: nothing a PHB caches changed. */
uint64_t snap_diff(const struct snap *a, const struct snap *b, unsigned int *nruns,
		   bool cached_only)
{
	uint64_t ka = 0, kb = 0, changed = 0, x;
	unsigned int i, j = 0;

	*nruns = 0;
	for (i = 0; i < b->nr; i++) {
		bool old = j < a->nr && a->r[j].first == b->r[i].first;

		if (old && a->r[j].count != b->r[i].count)
			fail("a leaf changed size");
		for (x = b->r[i].first; x < b->r[i].first + b->r[i].count; x++, kb++) {
			uint64_t was = old ? a->hw[ka++] : 0;

			if (was != b->hw[kb] && (!cached_only || ((was | b->hw[kb]) & RW))) {
				run_add(nruns, x);
				changed++;
			}
		}
		j += old;
	}
	if (j != a->nr)
		fail("a leaf disappeared");
	return changed;
}

/* Guest indexes to look at around [lo, hi): its ends, some of its middle
 * and both neighbours. */
unsigned int sample(const struct tce_table *t, uint64_t lo, uint64_t hi, uint64_t *idx)
{
	uint64_t n = tce_table_entries(t), k, len = hi - lo;
	unsigned int c = 0;

	if (lo)
		idx[c++] = lo - 1;
	if (hi < n)
		idx[c++] = hi;
	if (len <= 32) {
		for (k = lo; k < hi; k++)
			idx[c++] = k;
		return c;
	}
	for (k = 0; k < 12; k++) {
		idx[c++] = lo + k;
		idx[c++] = hi - 1 - k;
	}
	for (k = 1; k < 8; k++)
		idx[c++] = lo + 12 + k * (len - 24) / 8;
	return c;
}

void guest_read(const struct ftable *ft, const uint64_t *idx, unsigned int n, uint64_t *out)
{
	struct tce_table *t = ft->tbl;
	unsigned int i;

	for (i = 0; i < n; i++) {
		int rc = tce_table_get_tce(t, &gmem, t->bus_offset + (idx[i] << t->page_shift),
					   &out[i]);

		if (rc)
			fail("get_tce of entry %lu failed: %s", (unsigned long)idx[i],
			     iommu_strerror(rc));
	}
}

void guest_check(const struct ftable *ft, const uint64_t *idx, unsigned int n,
		 const uint64_t *v)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (v[i] != model_guest(ft, idx[i]))
			fail("table %u (%s): guest entry %lu reads %#lx, the model says %#lx",
			     ft->tbl->id, ft->name, (unsigned long)idx[i], (unsigned long)v[i],
			     (unsigned long)model_guest(ft, idx[i]));
}

unsigned int table_index(const struct ftable *ft)
{
	return (unsigned int)(ft - W.t);
}

struct flink *link_find(unsigned int t, unsigned int phb, unsigned int pe)
{
	unsigned int i;

	for (i = 0; i < NLINKS; i++)
		if (W.l[i].used && W.l[i].t == t && W.l[i].phb == phb && W.l[i].pe == pe)
			return &W.l[i];
	return NULL;
}

unsigned int links_of(const struct ftable *ft)
{
	unsigned int i, n = 0;

	for (i = 0; i < NLINKS; i++)
		n += W.l[i].used && W.l[i].t == table_index(ft);
	return n;
}

void link_add(unsigned int t, unsigned int phb, unsigned int pe, int w)
{
	unsigned int i;

	for (i = 0; i < NLINKS && W.l[i].used; i++)
		;
	if (i == NLINKS)
		fail("more links than PE windows");
	W.l[i] = (struct flink){ true, t, phb, pe, w };
	W.nlinks++;
}

void link_del(struct flink *l)
{
	l->used = false;
	W.nlinks--;
}

/* The group's windows and the tables' link counts agree with the model. */
void check_links(unsigned int phb, unsigned int pe)
{
	const struct table_group *g = &phbs[phb].groups[pe];
	unsigned int i;
	int w;

	for (w = 0; w < TCE_WINDOWS; w++) {
		const struct tce_table *want = NULL;

		for (i = 0; i < NLINKS; i++)
			if (W.l[i].used && W.l[i].phb == phb && W.l[i].pe == pe && W.l[i].window == w)
				want = W.t[W.l[i].t].tbl;
		if (table_group_table(g, w) != want)
			fail("phb%u pe %u window %d: wrong table", phb, pe, w);
	}
	for (i = 0; i < NTABLES; i++)
		if (W.t[i].tbl && W.t[i].tbl->nr_links != links_of(&W.t[i]))
			fail("table %u: %u links, the model says %u", W.t[i].tbl->id,
			     W.t[i].tbl->nr_links, links_of(&W.t[i]));
	if (group_links_in_use() != W.nlinks)
		fail("%u links in use, the model says %u", group_links_in_use(), W.nlinks);
}

static const struct flink *link_of_event(unsigned int t, const struct fake_event *ev)
{
	unsigned int p = ev->phb == &phbs[1];

	return link_find(t, p, ev->pe);
}

/* One linked PE: a PE kill alone, or exactly the changed runs; on the PHB
 * whose kills we made fail, the runs may stop after the failed one. */
static void check_pe_kills(const struct tce_table *t, const struct flink *l,
			   unsigned int nruns, uint64_t longest, bool may_stop)
{
	const struct fake_phb *f = &phbs[l->phb];
	uint64_t thr = f->iphb.kill_threshold;
	bool pe_kill = thr == 0 || nruns > TCE_KILL_RANGES_MAX || longest > thr;
	unsigned int pes = 0, ranges = 0, e;

	for (e = 0; e < fake_log_n; e++) {
		const struct fake_event *ev = &fake_log[e];

		if (ev->op == FK_SYNC || ev->phb != f || ev->pe != l->pe)
			continue;
		if (ev->op == FK_KILL_PE) {
			pes++;
			continue;
		}
		if (pe_kill || ranges >= nruns || ev->shift != t->hw_page_shift ||
		    ev->bus != t->bus_offset + (runs[ranges].first << t->hw_page_shift) ||
		    ev->npages != runs[ranges].count)
			fail("phb%u pe %u: range kill at %#lx of %lu pages (shift %u) is not "
			     "changed run %u of %u", l->phb, l->pe, (unsigned long)ev->bus,
			     (unsigned long)ev->npages, ev->shift, ranges, nruns);
		ranges++;
	}
	if (pe_kill ? pes != 1 || ranges : pes || !ranges || (ranges != nruns && !may_stop))
		fail("phb%u pe %u: %u PE kills and %u range kills for %u changed runs "
		     "(longest %lu)", l->phb, l->pe, pes, ranges, nruns, (unsigned long)longest);
}

void check_kills(const struct ftable *ft, unsigned int nruns, uint64_t changed, int failing)
{
	unsigned int t = table_index(ft), e, i;
	uint64_t longest = 0;

	if (!changed) {
		if (fake_log_n)
			fail("%u PHB operations for an update that changed nothing", fake_log_n);
		return;
	}
	for (e = 0; e < fake_log_n; e++) {
		const struct fake_event *ev = &fake_log[e];

		if (ev->op == FK_SYNC)
			continue;
		if ((ev->op != FK_KILL_RANGE && ev->op != FK_KILL_PE) || !link_of_event(t, ev))
			fail("PHB operation %d on phb%d pe %u, which is not linked to the table",
			     ev->op, ev->phb->id, ev->pe);
	}
	if (!fake_synced_after_kills())
		fail("a PHB was given kills and not synced after the last of them");
	for (i = 0; i < nruns; i++)
		longest = runs[i].count > longest ? runs[i].count : longest;
	for (i = 0; i < NLINKS; i++)
		if (W.l[i].used && W.l[i].t == t)
			check_pe_kills(ft->tbl, &W.l[i], nruns, longest, (int)W.l[i].phb == failing);
}

int predict_link(const struct ftable *ft, unsigned int p, unsigned int pe, int w, bool fails)
{
	const struct tce_table *t = ft->tbl;
	unsigned int i;

	if (w < 0 || w >= TCE_WINDOWS || t->bus_offset != (w ? W1 : 0) ||
	    !(phbs[p].iphb.page_sizes & (1ULL << t->hw_page_shift)))
		return IOMMU_EINVAL;
	for (i = 0; i < NLINKS; i++)
		if (W.l[i].used && W.l[i].phb == p && W.l[i].pe == pe &&
		    (W.l[i].window == w || W.l[i].t == table_index(ft)))
			return IOMMU_EBUSY;
	if (fails)
		return IOMMU_EHW;
	return IOMMU_OK;
}

/* What is checked after every operation: (b) on every table, the model,
 * and (d) the shadow cache. */
void check_after_op(void)
{
	struct snap *s = &snap_b;
	unsigned int i;

	for (i = 0; i < NTABLES; i++) {
		if (!W.t[i].tbl)
			continue;
		snap_take(&W.t[i], s);
		check_safe(&W.t[i], s);
		check_model_hw(&W.t[i], s);
	}
	if (W.kill_failed) {
		/* the PE whose kill failed may cache anything: kill it again */
		for (i = 0; i < NLINKS; i++)
			if (W.l[i].used)
				phbs[W.l[i].phb].iphb.ops->kill_pe(&phbs[W.l[i].phb].iphb,
								   W.l[i].pe);
		for (i = 0; i < 2; i++)
			phbs[i].iphb.ops->sync(&phbs[i].iphb);
	}
	if (shadow_check())
		fail("the shadow TCE cache holds stale entries (see above)");
}

/* The whole guest view of a table against the model. */
void check_guest_view(const struct ftable *ft)
{
	struct snap *s = &snap_b;
	unsigned int rs = ft->tbl->page_shift - ft->tbl->hw_page_shift, i, c;
	uint64_t idx[SAMPLE_MAX], v[SAMPLE_MAX], gi;
	size_t k;

	snap_take(ft, s);
	for (i = 0; i < s->nr; i++) {
		c = 0;
		for (gi = s->r[i].first >> rs; gi < (s->r[i].first + s->r[i].count) >> rs; gi++) {
			idx[c++] = gi;
			if (c == SAMPLE_MAX) {
				guest_read(ft, idx, c, v);
				guest_check(ft, idx, c, v);
				c = 0;
			}
		}
		guest_read(ft, idx, c, v);
		guest_check(ft, idx, c, v);
	}
	/* values the model holds outside existing leaves would read 0 */
	for (k = 0; k < ft->n; k++) {
		guest_read(ft, &ft->m[k].gi, 1, v);
		guest_check(ft, &ft->m[k].gi, 1, v);
	}
}

/* The report readers agree with the snapshot: count_valid over the whole
 * table (entries of missing leaves are invalid), read_hw at both ends and
 * the middle of every existing leaf. */
void check_readers(const struct ftable *ft)
{
	struct snap *s = &snap_b;
	uint64_t valid = 0, k, off = 0;
	unsigned int i, j;

	snap_take(ft, s);
	for (k = 0; k < s->n; k++)
		valid += (s->hw[k] & RW) != 0;
	if (tce_table_count_valid(ft->tbl) != valid)
		fail("table %u: count_valid %lu, %lu valid entries read", ft->tbl->id,
		     (unsigned long)tce_table_count_valid(ft->tbl), (unsigned long)valid);
	for (i = 0; i < s->nr; off += s->r[i].count, i++) {
		const uint64_t at[3] = { 0, s->r[i].count / 2, s->r[i].count - 1 };

		for (j = 0; j < 3; j++)
			if (tce_table_read_hw(ft->tbl, s->r[i].first + at[j]) != s->hw[off + at[j]])
				fail("table %u: read_hw(%lu) disagrees with read_hw_range",
				     ft->tbl->id, (unsigned long)(s->r[i].first + at[j]));
	}
	if (tce_table_read_hw(ft->tbl, tce_table_hw_entries(ft->tbl)) != 0)
		fail("table %u: read_hw past the end is not 0", ft->tbl->id);
}
