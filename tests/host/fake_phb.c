/* Recording fake PHB and shadow TCE-cache checker (see fake_phb.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fake_phb.h"

struct fake_event fake_log[FAKE_LOG_MAX];
unsigned int fake_log_n;
bool fake_shadow_enabled = true;

/* ---- shadow ------------------------------------------------------------- */

#define SHADOW_TABLES	16
#define SHADOW_PES	64

struct shadow_table {
	struct tce_table *tbl;
	uint64_t n;
	uint64_t *cur, *tmp;
};

/* stale[w][i]: 0 if entry i of window w cannot be cached stale, else the
 * time of the change (or TVE change) that made it so. A kill queued at
 * time T covers only changes before T, and only once its PHB syncs. */
struct shadow_pe {
	const struct fake_phb *phb;
	uint32_t pe;
	const struct tce_table *tve[TCE_WINDOWS];
	uint64_t *stale[TCE_WINDOWS];
	uint64_t nstale[TCE_WINDOWS];
};

/* A kill queued on a PHB and not yet synced. */
#define SHADOW_PENDING	65536

struct shadow_pending {
	enum fake_op op;
	const struct fake_phb *phb;
	uint32_t pe;
	int w;				/* range kills: the window, its table */
	const struct tce_table *tbl;
	uint64_t lo, hi;		/* and its entries [lo, hi) */
	uint64_t when;
};

static struct shadow_table stables[SHADOW_TABLES];
static struct shadow_pe spes[SHADOW_PES];
static unsigned int nspes;
static struct shadow_pending pending[SHADOW_PENDING];
static unsigned int npending;
static uint64_t shadow_clock;

void shadow_reset(void)
{
	unsigned int i, w;

	for (i = 0; i < SHADOW_TABLES; i++) {
		free(stables[i].cur);
		free(stables[i].tmp);
	}
	for (i = 0; i < nspes; i++)
		for (w = 0; w < TCE_WINDOWS; w++)
			free(spes[i].stale[w]);
	memset(stables, 0, sizeof(stables));
	memset(spes, 0, sizeof(spes));
	nspes = 0;
	npending = 0;
	shadow_clock = 0;
}

void shadow_track(struct tce_table *tbl)
{
	unsigned int i;

	for (i = 0; i < SHADOW_TABLES; i++) {
		if (!stables[i].tbl) {
			stables[i].tbl = tbl;
			stables[i].n = tce_table_hw_entries(tbl);
			stables[i].cur = calloc(stables[i].n, 8);
			stables[i].tmp = calloc(stables[i].n, 8);
			tce_table_read_hw_range(tbl, 0, stables[i].n, stables[i].cur);
			return;
		}
	}
	abort();
}

void shadow_untrack(struct tce_table *tbl)
{
	unsigned int i;

	for (i = 0; i < SHADOW_TABLES; i++) {
		if (stables[i].tbl == tbl) {
			free(stables[i].cur);
			free(stables[i].tmp);
			memset(&stables[i], 0, sizeof(stables[i]));
		}
	}
}

static struct shadow_pe *spe_of(const struct fake_phb *phb, uint32_t pe)
{
	unsigned int i;

	for (i = 0; i < nspes; i++)
		if (spes[i].phb == phb && spes[i].pe == pe)
			return &spes[i];
	if (nspes == SHADOW_PES)
		abort();
	spes[nspes].phb = phb;
	spes[nspes].pe = pe;
	return &spes[nspes++];
}

static void mark_stale(struct shadow_pe *p, int w, uint64_t i, uint64_t when)
{
	if (!p->stale[w][i])
		p->nstale[w]++;
	p->stale[w][i] = when;
}

/* A kill queued at `before` takes effect: changes made before it are gone. */
static void clear_stale(struct shadow_pe *p, int w, uint64_t i, uint64_t before)
{
	if (p->stale[w][i] && p->stale[w][i] < before) {
		p->stale[w][i] = 0;
		p->nstale[w]--;
	}
}

/* Attribute every change since the last look to the PEs that translate
 * through the changed table right now. */
static void shadow_observe(void)
{
	unsigned int t, k;
	uint64_t now = ++shadow_clock;
	int w;

	for (t = 0; t < SHADOW_TABLES; t++) {
		struct shadow_table *st = &stables[t];
		uint64_t i;

		if (!st->tbl)
			continue;
		tce_table_peek_hw_range(st->tbl, 0, st->n, st->tmp);
		for (i = 0; i < st->n; i++) {
			/* one page fault for another: the PHB treats them alike */
			if (!((st->tmp[i] | st->cur[i]) & TCE_PERM_MASK)) {
				st->cur[i] = st->tmp[i];
				continue;
			}
			if (st->tmp[i] == st->cur[i])
				continue;
			for (k = 0; k < nspes; k++)
				for (w = 0; w < TCE_WINDOWS; w++)
					if (spes[k].tve[w] == st->tbl)
						mark_stale(&spes[k], w, i, now);
			st->cur[i] = st->tmp[i];
		}
	}
}

/* Queue a kill: what it covers is fixed now, it takes effect at the sync. */
static void shadow_queue(struct shadow_pending k)
{
	if (npending == SHADOW_PENDING) {
		fprintf(stderr, "shadow: more than %d kills queued without a sync\n",
			SHADOW_PENDING);
		abort();
	}
	k.when = ++shadow_clock;
	pending[npending++] = k;
}

static void shadow_kill_range(const struct fake_phb *phb, uint32_t pe, uint64_t bus,
			      uint64_t npages, unsigned int shift)
{
	struct shadow_pe *p = spe_of(phb, pe);
	int w = (bus & TCE_WINDOW1_BUS) ? 1 : 0;
	const struct tce_table *t = p->tve[w];
	uint64_t lo, hi;

	if (!t)
		return;
	lo = (bus - t->bus_offset) >> t->hw_page_shift;
	hi = ((bus - t->bus_offset) + (npages << shift) + (1ULL << t->hw_page_shift) - 1) >>
	     t->hw_page_shift;
	shadow_queue((struct shadow_pending){ .op = FK_KILL_RANGE, .phb = phb, .pe = pe, .w = w,
					      .tbl = t, .lo = lo, .hi = hi });
}

static void shadow_kill_pe(struct shadow_pe *p, uint64_t before)
{
	uint64_t i;
	int w;

	for (w = 0; w < TCE_WINDOWS; w++)
		if (p->stale[w])
			for (i = 0; i < tce_table_hw_entries(p->tve[w]); i++)
				clear_stale(p, w, i, before);
}

/* The PHB synced: every kill queued on it so far takes effect. */
static void shadow_sync(const struct fake_phb *phb)
{
	unsigned int i, k, kept = 0;
	uint64_t x;

	for (i = 0; i < npending; i++) {
		const struct shadow_pending *q = &pending[i];
		struct shadow_pe *p;

		if (q->phb != phb) {
			pending[kept++] = *q;
			continue;
		}
		switch (q->op) {
		case FK_KILL_RANGE:
			p = spe_of(phb, q->pe);
			/* a TVE changed since: the new window is stale from
			 * later than this kill anyway */
			if (p->tve[q->w] != q->tbl)
				break;
			for (x = q->lo; x < q->hi && x < tce_table_hw_entries(q->tbl); x++)
				clear_stale(p, q->w, x, q->when);
			break;
		case FK_KILL_PE:
			shadow_kill_pe(spe_of(phb, q->pe), q->when);
			break;
		case FK_KILL_ALL:
			for (k = 0; k < nspes; k++)
				if (spes[k].phb == phb)
					shadow_kill_pe(&spes[k], q->when);
			break;
		default:
			break;
		}
	}
	npending = kept;
}

static void shadow_set_window(const struct fake_phb *phb, uint32_t pe, int w,
			      const struct tce_table *t)
{
	struct shadow_pe *p = spe_of(phb, pe);
	uint64_t i, now = ++shadow_clock;

	free(p->stale[w]);
	p->stale[w] = NULL;
	p->nstale[w] = 0;
	p->tve[w] = t;
	if (t) {
		/* New bus -> table mapping: anything cached is suspect. */
		p->stale[w] = malloc(tce_table_hw_entries(t) * sizeof(uint64_t));
		for (i = 0; i < tce_table_hw_entries(t); i++)
			p->stale[w][i] = now;
		p->nstale[w] = tce_table_hw_entries(t);
	}
}

unsigned long shadow_check(void)
{
	unsigned long bad = 0;
	unsigned int k;
	int w, shown = 0;

	shadow_observe();
	for (k = 0; k < nspes; k++) {
		for (w = 0; w < TCE_WINDOWS; w++) {
			uint64_t i;

			if (!spes[k].tve[w] || !spes[k].nstale[w])
				continue;
			bad += spes[k].nstale[w];
			for (i = 0; i < tce_table_hw_entries(spes[k].tve[w]) && shown < 4; i++) {
				if (spes[k].stale[w][i]) {
					fprintf(stderr, "shadow: phb%d pe %u window %d entry %lu "
						"changed without a covering kill\n",
						spes[k].phb->id, spes[k].pe, w, (unsigned long)i);
					shown++;
				}
			}
		}
	}
	return bad;
}

/* ---- fake PHB ------------------------------------------------------------- */

static void log_event(struct fake_event ev)
{
	if (fake_log_n < FAKE_LOG_MAX)
		fake_log[fake_log_n++] = ev;
}

static int fake_set_window(struct iommu_phb *iphb, uint32_t pe, int window,
			   const struct tce_table *tbl)
{
	struct fake_phb *f = (struct fake_phb *)iphb;

	if (f->fail_set_window > 0) {
		f->fail_set_window--;
		return IOMMU_EHW;
	}
	if (fake_shadow_enabled) {
		shadow_observe();
		shadow_set_window(f, pe, window, tbl);
	}
	log_event((struct fake_event){ .op = FK_SET_WINDOW, .phb = f, .pe = pe,
				       .window = window, .tbl = tbl });
	return 0;
}

static int fake_kill_range(struct iommu_phb *iphb, uint32_t pe, uint64_t bus, uint64_t npages,
			   unsigned int shift)
{
	struct fake_phb *f = (struct fake_phb *)iphb;

	log_event((struct fake_event){ .op = FK_KILL_RANGE, .phb = f, .pe = pe, .bus = bus,
				       .npages = npages, .shift = shift });
	if (f->fail_kills > 0) {
		f->fail_kills--;
		return IOMMU_EHW;
	}
	if (fake_shadow_enabled) {
		shadow_observe();
		shadow_kill_range(f, pe, bus, npages, shift);
	}
	return 0;
}

static int fake_kill_pe(struct iommu_phb *iphb, uint32_t pe)
{
	struct fake_phb *f = (struct fake_phb *)iphb;

	log_event((struct fake_event){ .op = FK_KILL_PE, .phb = f, .pe = pe });
	if (f->fail_kills > 0) {
		f->fail_kills--;
		return IOMMU_EHW;
	}
	if (fake_shadow_enabled) {
		shadow_observe();
		spe_of(f, pe);
		shadow_queue((struct shadow_pending){ .op = FK_KILL_PE, .phb = f, .pe = pe });
	}
	return 0;
}

static int fake_kill_all(struct iommu_phb *iphb)
{
	struct fake_phb *f = (struct fake_phb *)iphb;

	log_event((struct fake_event){ .op = FK_KILL_ALL, .phb = f });
	if (fake_shadow_enabled) {
		shadow_observe();
		shadow_queue((struct shadow_pending){ .op = FK_KILL_ALL, .phb = f });
	}
	return 0;
}

/* A failed sync makes no queued kill effective (they stay queued: a later
 * sync of the PHB still completes them). */
static int fake_sync(struct iommu_phb *iphb)
{
	struct fake_phb *f = (struct fake_phb *)iphb;

	log_event((struct fake_event){ .op = FK_SYNC, .phb = f });
	if (f->fail_syncs > 0) {
		f->fail_syncs--;
		return IOMMU_EHW;
	}
	if (fake_shadow_enabled) {
		shadow_observe();
		shadow_sync(f);
	}
	return 0;
}

static const struct phb_ops fake_ops = {
	.set_window = fake_set_window,
	.kill_range = fake_kill_range,
	.kill_pe = fake_kill_pe,
	.kill_all = fake_kill_all,
	.kill_pes = iommu_kill_pes_each,
	.sync = fake_sync,
};

void fake_phb_init(struct fake_phb *f, int id, uint64_t threshold, uint64_t page_sizes)
{
	unsigned int pe;

	memset(f, 0, sizeof(*f));
	f->id = id;
	f->iphb.ops = &fake_ops;
	f->iphb.name = "fake";
	f->iphb.kill_threshold = threshold;
	f->iphb.page_sizes = page_sizes;
	for (pe = 0; pe < FAKE_PES; pe++)
		table_group_init(&f->groups[pe], &f->iphb, pe);
}

void fake_log_clear(void)
{
	fake_log_n = 0;
}

unsigned int fake_count(enum fake_op op, const struct fake_phb *phb, int pe)
{
	unsigned int i, n = 0;

	for (i = 0; i < fake_log_n; i++)
		if (fake_log[i].op == op && (!phb || fake_log[i].phb == phb) &&
		    (pe < 0 || fake_log[i].pe == (uint32_t)pe))
			n++;
	return n;
}

unsigned int fake_kills(void)
{
	return fake_count(FK_KILL_RANGE, NULL, -1) + fake_count(FK_KILL_PE, NULL, -1) +
	       fake_count(FK_KILL_ALL, NULL, -1);
}

bool fake_synced_after_kills(void)
{
	unsigned int i, j;

	for (i = 0; i < fake_log_n; i++) {
		enum fake_op op = fake_log[i].op;

		if (op != FK_KILL_RANGE && op != FK_KILL_PE && op != FK_KILL_ALL)
			continue;
		for (j = i + 1; j < fake_log_n; j++)
			if (fake_log[j].op == FK_SYNC && fake_log[j].phb == fake_log[i].phb)
				break;
		if (j == fake_log_n)
			return false;
	}
	return true;
}

/* ---- environment ------------------------------------------------------------ */

void test_env_init(struct test_env *e, unsigned int pool_mib, unsigned int ram_mib)
{
	size_t pool_bytes = (size_t)pool_mib << 20;

	memset(e, 0, sizeof(*e));
	e->pool_mem = aligned_alloc(32 << 20, pool_bytes < (32 << 20) ? 32 << 20 : pool_bytes);
	if (!e->pool_mem || !tce_pool_init(&e->pool, e->pool_mem, (uintptr_t)e->pool_mem, pool_bytes))
		abort();
	/* Guest RAM never touched: a host range standing for it, 1 GiB aligned
	 * like the hypervisor's guest carve-outs so big pages translate. */
	e->mem.nr = 1;
	e->mem.r[0] = (struct guest_mem_range)GUEST_MEM_RANGE(0, 0x40000000ULL,
							      (uint64_t)ram_mib << 20);
	fake_log_clear();
	shadow_reset();
}

void test_env_fini(struct test_env *e)
{
	shadow_reset();
	free(e->pool_mem);
}

struct tce_table *test_table(struct test_env *e, uint64_t bus, uint64_t window,
			     unsigned int page_shift, unsigned int hw_shift, unsigned int levels)
{
	struct tce_table_geometry g = { .bus_offset = bus, .window_size = window,
					.page_shift = page_shift, .hw_page_shift = hw_shift,
					.levels = levels };
	int err;
	struct tce_table *t = tce_table_create(&e->pool, &g, &err);

	if (t)
		shadow_track(t);
	return t;
}
