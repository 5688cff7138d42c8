/*
 * mode=tcebench: the cost of the TCE hypercalls on the first DMA window
 * of the tree (tcevisor's window 0, or QEMU pseries' default PHB window),
 * measured with the timebase and PMC6 around tight loops:
 *
 *   put       H_PUT_TCE on one entry, alternating two mappings, so every
 *             call changes the entry
 *   stuff512  H_STUFF_TCE of 512 entries, alternating two mappings
 *   indirect  H_PUT_TCE_INDIRECT of 512 entries from one of two lists
 *
 * The mappings point at pages in the middle of RAM, which the guest does
 * not otherwise use (below the FDT and the driver area). The two values
 * of each pair differ in their permission bits (read-only against
 * read/write): the same pages, but a different hardware entry each time.
 */
#include <stdio.h>
#include "papr.h"
#include "script.h"
#include "vphb.h"

#define TCE_R		1UL
#define TCE_RW		3UL

static uint64_t lists[2][TCE_LIST_MAX] __attribute__((aligned(4096)));

struct bench {
	const struct dma_window *w;
	uint64_t page, n512;	/* n512: 512, or the window's entries if fewer */
	uint64_t base;		/* first target page (guest-physical) */
	uint64_t pages;		/* target pages available from base */
};

struct result {
	unsigned long ticks, pmc;
	long rc;
};

static unsigned long read_pmc6(void)
{
	unsigned long v;

	__asm__ volatile("mfspr %0, 776" : "=r"(v));
	return v;
}

/* Target pages: from the middle of RAM up to the driver area. */
static bool bench_setup(struct bench *b)
{
	uint64_t ram = guest_ram_size(), top = driver_area_gpa();

	if (!vphb.nwin)
		return false;
	b->w = &vphb.win[0];
	b->page = 1ULL << b->w->page_shift;
	b->n512 = b->w->size / b->page < TCE_LIST_MAX ? b->w->size / b->page : TCE_LIST_MAX;
	b->base = (ram / 2 + b->page - 1) & ~(b->page - 1);
	if (b->base >= top || !b->n512)
		return false;
	b->pages = (top - b->base) / b->page;
	for (uint64_t k = 0; k < TCE_LIST_MAX; k++) {
		uint64_t gpa = b->base + (k % b->pages) * b->page;

		lists[0][k] = __builtin_bswap64(gpa | TCE_R);
		lists[1][k] = __builtin_bswap64(gpa | TCE_RW);
	}
	return true;
}

static struct result bench_put(const struct bench *b, unsigned long n)
{
	unsigned long liobn = b->w->liobn, ioba = b->w->start;
	unsigned long v[2] = { b->base | TCE_R, b->base | TCE_RW };
	struct result r = { 0, 0, 0 };
	uint64_t t0, p0;

	p0 = read_pmc6();
	t0 = mftb();
	for (unsigned long i = 0; i < n; i++) {
		long rc = h_put_tce(liobn, ioba, v[i & 1]);

		r.rc = rc ? rc : r.rc;	/* the last failure, if any */
	}
	r.ticks = mftb() - t0;
	r.pmc = read_pmc6() - p0;
	return r;
}

static struct result bench_stuff(const struct bench *b, unsigned long n)
{
	unsigned long liobn = b->w->liobn, ioba = b->w->start, cnt = b->n512;
	unsigned long v[2] = { b->base | TCE_R, b->base | TCE_RW };
	struct result r = { 0, 0, 0 };
	uint64_t t0, p0;

	p0 = read_pmc6();
	t0 = mftb();
	for (unsigned long i = 0; i < n; i++) {
		long rc = h_stuff_tce(liobn, ioba, v[i & 1], cnt);

		r.rc = rc ? rc : r.rc;	/* the last failure, if any */
	}
	r.ticks = mftb() - t0;
	r.pmc = read_pmc6() - p0;
	return r;
}

static struct result bench_indirect(const struct bench *b, unsigned long n)
{
	unsigned long liobn = b->w->liobn, ioba = b->w->start, cnt = b->n512;
	unsigned long l[2] = { (uintptr_t)lists[0], (uintptr_t)lists[1] };
	struct result r = { 0, 0, 0 };
	uint64_t t0, p0;

	p0 = read_pmc6();
	t0 = mftb();
	for (unsigned long i = 0; i < n; i++) {
		long rc = h_put_tce_indirect(liobn, ioba, l[i & 1], cnt);

		r.rc = rc ? rc : r.rc;	/* the last failure, if any */
	}
	r.ticks = mftb() - t0;
	r.pmc = read_pmc6() - p0;
	return r;
}

/*
 * count= puts (default 20000) and count / 10 stuffs and indirects (at
 * least 1). One line, or why not. The entries are cleared at the end.
 */
void mode_tcebench(void)
{
	unsigned long puts = opt_ulong("count", 20000), multi;
	struct result put, stuff, ind;
	struct bench b;

	vphb_init();
	if (!puts)
		puts = 1;
	multi = puts / 10 ? puts / 10 : 1;
	if (!bench_setup(&b)) {
		printf("bench: tce no usable window\n");
		return;
	}
	put = bench_put(&b, puts);
	stuff = bench_stuff(&b, multi);
	ind = bench_indirect(&b, multi);
	h_stuff_tce(b.w->liobn, b.w->start, 0, b.n512);
	if (put.rc || stuff.rc || ind.rc) {
		printf("bench: tce failed put rc %ld stuff rc %ld indirect rc %ld\n", put.rc,
		       stuff.rc, ind.rc);
		return;
	}
	printf("bench: tce put_x100=%lu stuff512_x100=%lu indirect512_x100=%lu pmc6_put=%lu "
	       "pmc6_stuff512=%lu pmc6_indirect512=%lu count=%lu\n",
	       put.ticks * 100 / puts, stuff.ticks * 100 / multi, ind.ticks * 100 / multi,
	       put.pmc / puts, stuff.pmc / multi, ind.pmc / multi, puts);
}
