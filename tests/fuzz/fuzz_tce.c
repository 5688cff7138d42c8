/*
 * Fuzz target: the IOMMU core's update API against an oracle.
 *
 * An input is decoded into at most OPS_MAX operations on a small world:
 * up to NTABLES tables (geometries from geos[]: 1-3 levels, guest page >=
 * hardware page, windows 0 and 1), a PHB4-like fake (kill threshold 0) and
 * a PHB3-like fake (threshold 64) with NPES PEs each, and a guest memory of
 * three ranges (one only 4 KiB aligned in host memory, one ending at 2^64).
 * Operations: create (a known or an arbitrary geometry), drop, link,
 * unlink, put, stuff, list, get, with arbitrary IOBA, TCE and count values
 * and now and then an injected PHB failure (kill, or set_window on link).
 *
 * After every operation the oracle checks:
 *  (a) no crash and no sanitizer report (the build does that);
 *  (b) every valid hardware entry of every table maps a page wholly inside
 *      the guest's host memory, is aligned and has no reserved bit set
 *      (an invalid one is a page-fault value, any other bits); upper levels
 *      point into the pool and are
 *      counted in levels_allocated;
 *  (c) a call that failed (other than by a kill failure we injected, after
 *      which the update stands) changed no hardware entry and no
 *      guest-visible value: snapshots before and after;
 *  (d) the shadow TCE cache (tests/host/fake_phb.c) holds no stale entry,
 *      unless a kill we injected failed in this operation: then every
 *      linked PE is killed once more, which must leave it clean.
 * and, because a reference model of every table is cheap to keep:
 *  - the return code is the one predicted from the rules, restated here
 *    independently (only ENOMEM from a multi-level table is unpredicted);
 *  - every hardware entry equals what the model's guest values translate to,
 *    and get_tce returns the model's value (around each call's range after
 *    the call, for the whole table at the end);
 *  - kills: none when no hardware entry changed; otherwise exactly one PE
 *    kill per linked PE on the PHB4-like fake, and on the PHB3-like fake one
 *    range kill per changed run (exact bounds) or a single PE kill when a run
 *    is over 64 pages or there are more than TCE_KILL_RANGES_MAX runs; no
 *    kill reaches a PE that is not linked to the table;
 *  - at the end, the report readers (read_hw, count_valid) agree with the
 *    snapshot, and every link and table is released and both pools whole.
 *
 * Multi-level tables cover 2^18 or more entries, too many for the shadow
 * (it tracks whole tables), so updates and links of those run with the
 * shadow off and rely on the kill check above; their snapshots cover only
 * the leaves that exist, found by walking the table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "oracle.h"

#define OPS_MAX		64		/* operations per input */
#define MAIN_POOL	(256u << 10)	/* single-level tables */
#define SMALL_POOL	(192u << 10)	/* multi-level tables: a few leaves */

struct fgeo {
	const char *name;
	uint64_t bus, window;
	unsigned int page_shift, hw_shift, levels;
};

static const struct fgeo geos[] = {
	{ "w0 4K/4K 1L 512",	0,  1ULL << 21, 12, 12, 1 },
	{ "w0 4K/4K 1L 2048",	0,  1ULL << 23, 12, 12, 1 },
	{ "w0 64K/4K 1L 4096",	0,  1ULL << 24, 16, 12, 1 },
	{ "w1 64K/64K 1L 512",	W1, 1ULL << 25, 16, 16, 1 },
	{ "w1 2M/64K 1L 1024",	W1, 1ULL << 26, 21, 16, 1 },
	{ "w0 1G/2M 1L 512",	0,  1ULL << 30, 30, 21, 1 },
	{ "w1 16M/16M 1L 512",	W1, 1ULL << 33, 24, 24, 1 },
	{ "w0 4K/4K 2L",	0,  1ULL << 30, 12, 12, 2 },
	{ "w0 64K/4K 2L",	0,  1ULL << 34, 16, 12, 2 },
	{ "w1 64K/64K 3L",	W1, 1ULL << 43, 16, 16, 3 },
};
#define NGEOS (sizeof(geos) / sizeof(geos[0]))

/* An injected failure: `kills` kills, or one set_window, fail on phb. */
struct inj {
	int phb;
	int kills;
	bool set_window;
};

struct rd {
	const uint8_t *p;
	size_t n;
};

/* operation kinds for the statistics; the updates first, as upd_kind */
enum { K_PUT, K_STUFF, K_LIST, K_LINK, K_UNLINK, K_GET, K_CREATE, NKINDS };
static const char *const kname[NKINDS] = { "put", "stuff", "list", "link", "unlink", "get",
					   "create" };

static struct tce_pool main_pool, small_pool;

/* per operation kind: calls, and how they ended (FUZZ_TCE_STATS) */
static struct {
	unsigned long calls[NKINDS], ok[NKINDS], refused[NKINDS], hw[NKINDS], kills;
} st;

static void tally(int kind, int rc)
{
	if (W.trace)
		fprintf(stderr, "    -> %s\n", iommu_strerror(rc));
	st.calls[kind]++;
	if (!rc)
		st.ok[kind]++;
	else if (rc == IOMMU_EHW)
		st.hw[kind]++;
	else
		st.refused[kind]++;
}

static void print_stats(void)
{
	int k;

	fprintf(stderr, "fuzz_tce: %-8s %9s %9s %9s %9s\n", "op", "calls", "ok", "refused",
		"EHW");
	for (k = 0; k < NKINDS; k++)
		fprintf(stderr, "fuzz_tce: %-8s %9lu %9lu %9lu %9lu\n", kname[k], st.calls[k],
			st.ok[k], st.refused[k], st.hw[k]);
	fprintf(stderr, "fuzz_tce: kills issued by updates: %lu\n", st.kills);
}

/* ---- input ------------------------------------------------------------------ */

/* Little-endian bytes from the input; zeros once it runs out. */
static uint64_t take(struct rd *r, unsigned int bytes)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < bytes && r->n; i++, r->n--)
		v |= (uint64_t)*r->p++ << (8 * i);
	return v;
}

static uint8_t u8(struct rd *r) { return (uint8_t)take(r, 1); }
static uint16_t u16(struct rd *r) { return (uint16_t)take(r, 2); }
static uint32_t u32(struct rd *r) { return (uint32_t)take(r, 4); }
static uint64_t u64(struct rd *r) { return take(r, 8); }

/* Mostly IOBAs of real entries (inside, near the end, just past it), now
 * and then anything at all or a misaligned one. */
static uint64_t dec_ioba(struct rd *r, const struct tce_table *t)
{
	uint8_t m = u8(r);
	uint64_t n = tce_table_entries(t), gi, ioba;

	switch (m & 15) {
	case 0: return u64(r);
	case 1: return t->bus_offset + (u64(r) & (t->window_size - 1));
	case 2: gi = n + u8(r) % 4; break;
	case 3:
	case 4: gi = n - 1 - u8(r) % n; break;
	default: gi = u32(r) % n; break;
	}
	ioba = t->bus_offset + (gi << t->page_shift);
	if ((m & 0xf0) == 0xf0)
		ioba ^= W1;			/* the other window */
	return ioba;
}

/* A mapping of a page in (or just past) one of the guest's ranges; one
 * time in eight misaligned for pages over 4 KiB. */
static uint64_t dec_map(struct rd *r, const struct tce_table *t)
{
	uint8_t m = u8(r);
	const struct guest_mem_range *g = &gmem.r[(m & 7) == 7 ? 2 : (m & 7) == 6 ? 1 : 0];
	uint64_t pages = g->size >> t->page_shift, gpa;

	gpa = g->gpa + ((u32(r) % (pages + 2)) << t->page_shift);
	if ((m & 0x38) == 0x38)
		gpa += (uint64_t)u8(r) << 12;
	return (gpa & TCE_RPN_MASK) | (1 + (m >> 6) % 3);
}

/* Mostly mappings; clears, page faults with other bits, anything at all. */
static uint64_t dec_tce(struct rd *r, const struct tce_table *t)
{
	uint8_t m = u8(r);

	switch (m & 31) {
	case 0: return u64(r);
	case 1:
	case 2: return u64(r) & ~RW;		/* page fault carrying other bits */
	case 3:
	case 4:
	case 5:
	case 6: return 0;
	default: return dec_map(r, t);
	}
}

/* Entries from ioba to the end of the window (all of them if ioba is not
 * in it), so that counts are mostly in range whatever the geometry. */
static uint64_t room(const struct tce_table *t, uint64_t ioba)
{
	uint64_t n = tce_table_entries(t);

	if (ioba < t->bus_offset || ioba - t->bus_offset >= t->window_size)
		return n;
	return n - ((ioba - t->bus_offset) >> t->page_shift);
}

static uint64_t dec_count(struct rd *r, const struct tce_table *t, uint64_t ioba)
{
	uint8_t m = u8(r);
	uint64_t left = room(t, ioba);

	switch (m & 15) {
	case 0: return u64(r);
	case 1: return u32(r) & 0xffffff;
	case 2: return left + 1;
	case 3: return left;
	case 4: return TCE_LIST_MAX < left ? TCE_LIST_MAX : left;
	default: return u8(r) % (left < 80 ? left + 1 : 80);
	}
}

/* A TCE list: valid mappings and clears from the input, runs of
 * consecutive pages with holes (several separate changed ranges), or one
 * value; maybe one odd entry anywhere. */
static uint64_t dec_list(struct rd *r, const struct tce_table *t, uint64_t ioba, uint64_t *l)
{
	uint8_t m = u8(r);
	uint64_t left = room(t, ioba), max = left < TCE_LIST_MAX ? left : TCE_LIST_MAX;
	uint64_t n, k, base, run;

	switch (m & 7) {
	case 0: n = u16(r) % (TCE_LIST_MAX + 80); break;
	case 1: n = max + 1; break;
	case 2:
	case 3: n = max; break;
	default: n = u8(r) % (max < 64 ? max + 1 : 64); break;
	}
	switch ((m >> 3) & 3) {
	case 0:
		for (k = 0; k < n; k++)
			l[k] = (u8(r) & 3) ? dec_map(r, t) : 0;
		break;
	case 1:
		base = dec_tce(r, t);
		run = 1 + u8(r) % 70;
		for (k = 0; k < n; k++)
			l[k] = ((k / run) & 1) && (m & 0x40) ? 0 : base + (k << t->page_shift);
		break;
	default:
		base = dec_tce(r, t);
		for (k = 0; k < n; k++)
			l[k] = base;
		break;
	}
	if ((m & 0x80) && n && !(u8(r) & 3))
		l[u16(r) % n] = dec_tce(r, t);
	return n;
}

static struct inj dec_inj(struct rd *r)
{
	uint8_t m = u8(r);
	struct inj i = { -1, 0, false };

	if ((m & 0xe0) == 0xe0) {
		i.phb = m & 1;
		i.kills = 1 + ((m >> 1) & 3);
	} else if ((m & 0xf0) == 0xc0) {
		i.phb = m & 1;
		i.set_window = true;
	}
	return i;
}

static void inj_arm(const struct inj *i)
{
	if (i->phb < 0)
		return;
	phbs[i->phb].fail_kills = i->kills;
	phbs[i->phb].fail_set_window = i->set_window;
}

/* Disarm; how many injected kill failures happened. */
static int inj_disarm(const struct inj *i)
{
	int failed;

	if (i->phb < 0)
		return 0;
	failed = i->kills - phbs[i->phb].fail_kills;
	phbs[i->phb].fail_kills = 0;
	phbs[i->phb].fail_set_window = 0;
	return failed;
}

/* ---- the rules, restated ---------------------------------------------------- */

/* ---- the model -------------------------------------------------------------- */

/* ---- snapshots and the checks on them ----------------------------------------- */

/* ---- guest-visible values ------------------------------------------------------ */

/* ---- links -------------------------------------------------------------------- */

/* ---- kills -------------------------------------------------------------------- */

/* ---- operations --------------------------------------------------------------- */

static struct ftable *pick_table(struct rd *r, bool zombies)
{
	unsigned int i, s = u8(r) % NTABLES;

	for (i = 0; i < NTABLES; i++) {
		struct ftable *ft = &W.t[(s + i) % NTABLES];

		if (ft->tbl && (zombies || !ft->zombie))
			return ft;
	}
	return NULL;
}

static void table_forget(struct ftable *ft)
{
	free(ft->m);
	memset(ft, 0, sizeof(*ft));
}

/* Drop the last reference we hold; no link may be left. */
static void table_release(struct ftable *ft)
{
	struct tce_table *t = ft->tbl;

	if (ft->shadowed)
		shadow_untrack(t);
	tce_table_put(t);
	if (t->allocated)
		fail("table %u still allocated after its last reference", t->id);
	table_forget(ft);
}

static void op_create(struct rd *r)
{
	const struct fgeo *g = &geos[u8(r) % NGEOS];
	struct tce_table_geometry geo = { g->bus, g->window, g->page_shift, g->hw_shift,
					  g->levels };
	struct ftable *ft = NULL;
	struct tce_table *t;
	unsigned int i;
	int err;

	describe("create %s", g->name);
	for (i = 0; i < NTABLES && !ft; i++)
		if (!W.t[i].tbl)
			ft = &W.t[i];
	if (!ft)
		return;
	t = tce_table_create(g->levels > 1 ? &small_pool : &main_pool, &geo, &err);
	tally(K_CREATE, t ? IOMMU_OK : err);
	if (!t) {
		if (err != IOMMU_ENOMEM)
			fail("create: %s", iommu_strerror(err));
		return;
	}
	if (tce_table_entries(t) != g->window >> g->page_shift || t->levels_allocated != 1 ||
	    t->nr_links || t->refs != 1)
		fail("create: a fresh table is not as asked");
	ft->tbl = t;
	ft->name = g->name;
	ft->shadowed = g->levels == 1;
	if (ft->shadowed)
		shadow_track(t);
}

/* Arbitrary geometry: refused exactly when the rules say so; a table that
 * is created has the geometry asked for, and is dropped at once. */
static void op_create_raw(struct rd *r)
{
	uint8_t m = u8(r);
	struct tce_table_geometry g;
	struct tce_pool *pool = (m & 8) ? &small_pool : &main_pool;
	struct tce_table *t;
	unsigned int ls = 0;
	int want, err;

	g.page_shift = 10 + u8(r) % 24;
	g.hw_page_shift = 10 + u8(r) % 24;
	g.levels = u8(r) % 7;
	g.window_size = (m & 1) ? u64(r) : 1ULL << (u8(r) % 64);
	g.bus_offset = (m & 2) ? u64(r) : (m & 4) ? W1 : 0;
	describe("create raw bus %#lx window %#lx page %u hw %u levels %u",
		 (unsigned long)g.bus_offset, (unsigned long)g.window_size, g.page_shift,
		 g.hw_page_shift, g.levels);
	want = predict_geometry(&g, pool, &ls);
	t = tce_table_create(pool, &g, &err);
	if (want) {
		if (t || err != want)
			fail("create raw: %s, expected %s", t ? "created" : iommu_strerror(err),
			     iommu_strerror(want));
		return;
	}
	if (!t) {
		if (err != IOMMU_ENOMEM)
			fail("create raw: %s for a valid geometry", iommu_strerror(err));
		return;
	}
	if (t->level_shift != ls || tce_table_hw_entries(t) != g.window_size >> g.hw_page_shift)
		fail("create raw: geometry not as asked");
	tce_table_put(t);
	if (t->allocated)
		fail("create raw: table not freed");
}

static void op_link(struct rd *r)
{
	struct ftable *ft = pick_table(r, false);
	uint8_t pb, m;
	unsigned int p, pe, nruns;
	struct inj inj;
	int w, want, rc;

	if (!ft)
		return;
	pb = u8(r);
	m = u8(r);
	p = pb & 1;
	pe = (pb >> 1) % NPES;
	w = ft->tbl->bus_offset ? 1 : 0;
	if ((m & 7) == 7)
		w = (int8_t)u8(r);
	else if ((m & 7) == 6)
		w = !w;
	inj = dec_inj(r);
	describe("link table %u (%s) phb%u pe %u window %d inject phb%d kills %d set_window %d",
		 ft->tbl->id, ft->name, p, pe, w, inj.phb, inj.kills, inj.set_window);
	want = predict_link(ft, p, pe, w,
			    inj.phb == (int)p && (inj.kills || inj.set_window));
	snap_take(ft, &snap_a);
	inj_arm(&inj);
	fake_shadow_enabled = ft->shadowed;
	rc = iommu_link(ft->tbl, &phbs[p].groups[pe], w);
	fake_shadow_enabled = true;
	tally(K_LINK, rc);
	W.kill_failed = inj_disarm(&inj) > 0;
	if (rc != want)
		fail("link returned %s, expected %s", iommu_strerror(rc), iommu_strerror(want));
	if (!rc)
		link_add(table_index(ft), p, pe, w);
	snap_take(ft, &snap_b);
	if (snap_diff(&snap_a, &snap_b, &nruns, false))
		fail("link changed entries");
	check_links(p, pe);
}

static void op_unlink(struct rd *r)
{
	uint8_t m = u8(r);
	struct flink *l = NULL;
	struct ftable *ft;
	unsigned int p, pe, i, k;
	struct inj inj;
	int want, rc;

	if (W.nlinks && (m & 3)) {
		k = u8(r) % W.nlinks;
		for (i = 0; !l; i++)
			if (W.l[i].used && !k--)
				l = &W.l[i];
		ft = &W.t[l->t];
		p = l->phb;
		pe = l->pe;
	} else {
		uint8_t pb;

		ft = pick_table(r, true);
		if (!ft)
			return;
		pb = u8(r);
		p = pb & 1;
		pe = (pb >> 1) % NPES;
		l = link_find(table_index(ft), p, pe);
	}
	inj = dec_inj(r);
	describe("unlink table %u (%s) phb%u pe %u inject phb%d kills %d set_window %d",
		 ft->tbl->id, ft->name, p, pe, inj.phb, inj.kills, inj.set_window);
	/* a PHB failure keeps the link (and the TVE) as they were */
	want = !l ? IOMMU_ENOENT :
	       inj.phb == (int)p && (inj.kills || inj.set_window) ? IOMMU_EHW : IOMMU_OK;
	inj_arm(&inj);
	fake_shadow_enabled = ft->shadowed;
	rc = iommu_unlink(ft->tbl, &phbs[p].groups[pe]);
	fake_shadow_enabled = true;
	tally(K_UNLINK, rc);
	W.kill_failed = inj_disarm(&inj) > 0;
	if (rc != want)
		fail("unlink returned %s, expected %s", iommu_strerror(rc), iommu_strerror(want));
	if (l && rc == IOMMU_OK)
		link_del(l);
	if (ft->zombie && !links_of(ft)) {
		/* the last link held the last reference */
		if (ft->tbl->allocated)
			fail("table %u outlived its last reference", ft->tbl->id);
		if (ft->shadowed)
			shadow_untrack(ft->tbl);
		table_forget(ft);
	}
	check_links(p, pe);
}

static void unlink_all(struct ftable *ft)
{
	unsigned int i;

	for (i = 0; i < NLINKS; i++) {
		struct flink *l = &W.l[i];
		int rc;

		if (!l->used || l->t != table_index(ft))
			continue;
		fake_shadow_enabled = ft->shadowed;
		rc = iommu_unlink(ft->tbl, &phbs[l->phb].groups[l->pe]);
		fake_shadow_enabled = true;
		if (rc)
			fail("unlink of a linked table: %s", iommu_strerror(rc));
		link_del(l);
	}
}

/* Drop the creator's reference: after unlinking everything, or (zombie)
 * while links still hold the table. */
static void op_drop(struct rd *r)
{
	struct ftable *ft = pick_table(r, false);
	bool keep_links = u8(r) & 1;

	if (!ft)
		return;
	describe("drop table %u (%s)%s", ft->tbl->id, ft->name,
		 keep_links ? " keeping its links" : "");
	if (keep_links && links_of(ft)) {
		tce_table_put(ft->tbl);
		if (!ft->tbl->allocated)
			fail("table freed while linked");
		ft->zombie = true;
		return;
	}
	unlink_all(ft);
	table_release(ft);
}

static int call_update(const struct ftable *ft, enum upd_kind kind, uint64_t ioba,
		       uint64_t tce, const uint64_t *list, uint64_t count)
{
	switch (kind) {
	case UPD_PUT: return tce_table_put_tce(ft->tbl, &gmem, ioba, tce);
	case UPD_STUFF: return tce_table_stuff(ft->tbl, &gmem, ioba, tce, count);
	default: return tce_table_put_list(ft->tbl, &gmem, ioba, list, count);
	}
}

/* The guest indexes a call aims at, clamped to the table. */
static void op_span(const struct tce_table *t, uint64_t ioba, uint64_t count, uint64_t *lo,
		    uint64_t *hi)
{
	uint64_t n = tce_table_entries(t);

	*lo = 0;
	*hi = 1;
	if (ioba < t->bus_offset || ioba - t->bus_offset >= t->window_size)
		return;
	*lo = (ioba - t->bus_offset) >> t->page_shift;
	*hi = *lo + (count < n - *lo ? count : n - *lo);
}

static bool may_run_out(const struct tce_table *t, enum upd_kind kind, uint64_t tce,
			const uint64_t *list, uint64_t count)
{
	uint64_t k;

	if (t->levels == 1 || !count)
		return false;
	if (kind != UPD_LIST)
		return tce != 0;
	for (k = 0; k < count && k < TCE_LIST_MAX; k++)
		if (list[k])
			return true;
	return false;
}

/* Is rc what the rules allow? want: the predicted code; failed: how many
 * of the kills we made fail did fail. */
static bool rc_allowed(int rc, int want, int failed, bool may_run_out_of_pool)
{
	if (failed)		/* applied, then a kill failed */
		return rc == IOMMU_EHW && want == IOMMU_OK;
	if (rc == IOMMU_ENOMEM)	/* an upper level the pool could not give */
		return want == IOMMU_OK && may_run_out_of_pool;
	return rc == want;
}

static void op_update(struct rd *r, enum upd_kind kind)
{
	static uint64_t list[TCE_LIST_MAX + 80], xl[TCE_LIST_MAX];
	uint64_t idx[SAMPLE_MAX], ga[SAMPLE_MAX], gb[SAMPLE_MAX];
	struct ftable *ft = pick_table(r, false);
	uint64_t ioba, tce = 0, count = 1, gi = 0, lo, hi, changed;
	unsigned int ns, nruns, i;
	struct inj inj;
	int want, rc, failed;
	bool applied;

	if (!ft)
		return;
	ioba = dec_ioba(r, ft->tbl);
	if (kind == UPD_LIST)
		count = dec_list(r, ft->tbl, ioba, list);
	else
		tce = dec_tce(r, ft->tbl);
	if (kind == UPD_STUFF)
		count = dec_count(r, ft->tbl, ioba);
	inj = dec_inj(r);
	inj.set_window = false;
	describe("%s table %u (%s) ioba %#lx tce %#lx count %lu inject phb%d kills %d",
		 kname[kind], ft->tbl->id, ft->name, (unsigned long)ioba,
		 (unsigned long)(kind == UPD_LIST && count ? list[0] : tce),
		 (unsigned long)count, inj.phb, inj.kills);
	want = predict_update(ft->tbl, kind, ioba, kind == UPD_LIST ? list : &tce, count,
			      &gi, xl);

	op_span(ft->tbl, ioba, count, &lo, &hi);
	ns = sample(ft->tbl, lo, hi, idx);
	snap_take(ft, &snap_a);
	guest_read(ft, idx, ns, ga);
	fake_log_clear();
	inj_arm(&inj);
	fake_shadow_enabled = ft->shadowed;
	rc = call_update(ft, kind, ioba, tce, list, count);
	fake_shadow_enabled = true;
	tally((int)kind, rc);
	st.kills += fake_kills();
	failed = inj_disarm(&inj);
	W.kill_failed = failed > 0;
	snap_take(ft, &snap_b);
	guest_read(ft, idx, ns, gb);

	if (!rc_allowed(rc, want, failed, may_run_out(ft->tbl, kind, tce, list, count)))
		fail("returned %s, expected %s (%d kills failed)", iommu_strerror(rc),
		     iommu_strerror(want), failed);
	applied = !rc || failed;
	if (applied && count)
		model_set(ft, gi, count, kind == UPD_LIST ? list : &tce, xl, kind != UPD_LIST);
	changed = snap_diff(&snap_a, &snap_b, &nruns, false);
	if (!applied) {
		if (changed)		/* (c) */
			fail("failed call changed %lu hw entries (first %lu)",
			     (unsigned long)changed, (unsigned long)runs[0].first);
		for (i = 0; i < ns; i++)
			if (ga[i] != gb[i])
				fail("failed call changed guest entry %lu", (unsigned long)idx[i]);
	}
	guest_check(ft, idx, ns, gb);
	changed = snap_diff(&snap_a, &snap_b, &nruns, true);
	/* every linked PE is still tried after a kill fails */
	check_kills(ft, nruns, changed, failed ? inj.phb : -1);
}

static void op_get(struct rd *r)
{
	struct ftable *ft = pick_table(r, false);
	uint64_t ioba, gi = 0, v = 0;
	int want, rc;

	if (!ft)
		return;
	ioba = dec_ioba(r, ft->tbl);
	describe("get table %u (%s) ioba %#lx", ft->tbl->id, ft->name, (unsigned long)ioba);
	want = predict_range(ft->tbl, ioba, 1, &gi);
	rc = tce_table_get_tce(ft->tbl, &gmem, ioba, &v);
	tally(K_GET, rc);
	if (rc != want)
		fail("get returned %s, expected %s", iommu_strerror(rc), iommu_strerror(want));
	if (!rc && v != model_guest(ft, gi))
		fail("get: %#lx, the model says %#lx", (unsigned long)v,
		     (unsigned long)model_guest(ft, gi));
}

/* ---- one execution ----------------------------------------------------------------- */

static void setup_once(void)
{
	static bool done;
	void *a, *b;

	if (done)
		return;
	a = aligned_alloc(MAIN_POOL, MAIN_POOL);
	b = aligned_alloc(256u << 10, 256u << 10);
	if (!a || !b || !tce_pool_init(&main_pool, a, (uintptr_t)a, MAIN_POOL) ||
	    !tce_pool_init(&small_pool, b, (uintptr_t)b, SMALL_POOL))
		abort();
	W.trace = getenv("FUZZ_TCE_TRACE") != NULL;
	if (getenv("FUZZ_TCE_STATS"))
		atexit(print_stats);
	done = true;
}

static void exec_begin(void)
{
	fake_phb_init(&phbs[0], 0, 0, PHB4_SIZES);
	fake_phb_init(&phbs[1], 1, 64, PHB3_SIZES);
	shadow_reset();
	fake_log_clear();
	fake_shadow_enabled = true;
	memset(W.t, 0, sizeof(W.t));
	memset(W.l, 0, sizeof(W.l));
	W.nlinks = 0;
	W.op = 0;
	describe("start");
	if (main_pool.bytes_free != main_pool.size || small_pool.bytes_free != small_pool.size ||
	    group_links_in_use())
		fail("the previous input leaked");
}

static void run_op(struct rd *r)
{
	static const uint8_t kinds[32] = { 0, 0, 0, 1, 2, 2, 2, 2, 2, 3, 3, 4, 4, 4, 4, 4,
					   4, 4, 4, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 7, 7, 8 };

	W.kill_failed = false;
	switch (kinds[u8(r) & 31]) {
	case 0: op_create(r); break;
	case 1: op_create_raw(r); break;
	case 2: op_link(r); break;
	case 3: op_unlink(r); break;
	case 4: op_update(r, UPD_PUT); break;
	case 5: op_update(r, UPD_STUFF); break;
	case 6: op_update(r, UPD_LIST); break;
	case 7: op_get(r); break;
	default: op_drop(r); break;
	}
}

static void exec_end(void)
{
	unsigned int i;

	describe("teardown");
	for (i = 0; i < NTABLES; i++) {
		if (W.t[i].tbl) {
			check_guest_view(&W.t[i]);
			check_readers(&W.t[i]);
		}
	}
	for (i = 0; i < NTABLES; i++) {
		struct ftable *ft = &W.t[i];

		if (!ft->tbl)
			continue;
		unlink_all(ft);
		if (ft->zombie) {
			if (ft->tbl->allocated)
				fail("table %u outlived its last reference", ft->tbl->id);
			if (ft->shadowed)
				shadow_untrack(ft->tbl);
			table_forget(ft);
		} else {
			table_release(ft);
		}
	}
	for (i = 0; i < TCE_TABLES_MAX; i++)
		if (tce_table_by_id(i))
			fail("table %u left allocated", i);
	if (main_pool.bytes_free != main_pool.size || small_pool.bytes_free != small_pool.size)
		fail("pool not whole after every table was released");
	if (group_links_in_use() || W.nlinks)
		fail("links left in use");
	if (shadow_check())
		fail("stale entries after teardown");
	shadow_reset();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd r = { data, size };

	setup_once();
	exec_begin();
	for (W.op = 0; W.op < OPS_MAX && r.n; W.op++) {
		run_op(&r);
		check_after_op();
	}
	exec_end();
	return 0;
}
