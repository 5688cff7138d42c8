/*
 * The STORM script op: a deterministic pseudo-random mix of H_PUT_TCE,
 * H_STUFF_TCE, H_PUT_TCE_INDIRECT and H_GET_TCE over the guest's windows,
 * valid and invalid arguments mixed, each call's return code predicted
 * from tcevisor's rules (below) and checked, and a model of every entry
 * of every window kept and compared with H_GET_TCE at the end.
 *
 * The rules, in the order tcevisor checks them:
 *  1. INDIRECT only: LIOBN negative as int64 -> H_FUNCTION;
 *  2. LIOBN with upper bits set or not one of our windows -> H_PARAMETER;
 *  3. STUFF: count > 512 -> H_P4; INDIRECT: count > 512, the list not
 *     4 KiB-aligned or its page not wholly in RAM -> H_PARAMETER;
 *  4. IOBA outside the window, not aligned to its page, or index + count
 *     past its end -> H_PARAMETER (even for count 0); count 0 -> success;
 *  5. every TCE: permission bits 00 is accepted as is; otherwise the
 *     rest (tce & ~3: reserved bits 2-11 clear) must be a page aligned to
 *     the window's page and lying wholly inside RAM -> else H_PARAMETER;
 *  6. a failed call changes nothing.
 *
 * The model starts from the windows' contents (read with H_GET_TCE: the
 * script may have mapped entries before) and lives in guest RAM from
 * STORM_MODEL_GPA, 8 bytes per entry. The INDIRECT lists are in a page of
 * the guest's BSS.
 */
#include <stdio.h>
#include <string.h>
#include "papr.h"
#include "script.h"
#include "vphb.h"

#define MISMATCH_REPORTS	10
#define PROGRESS_EVERY		20000

struct swin {
	const struct dma_window *w;
	uint64_t entries, page;
	uint64_t *model;
};

struct call {
	unsigned long op;
	uint64_t liobn, ioba, tce, count, list;
};

static struct {
	uint64_t rng;
	int nwin;
	struct swin win[DMA_WINDOWS_MAX];
	uint64_t ram;
	unsigned long mismatches;
	unsigned long rc_success, rc_parameter, rc_p4, rc_function, rc_other;
} st;

static uint64_t list_page[TCE_LIST_MAX] __attribute__((aligned(4096)));

/* xorshift64*: deterministic from the seed, no FP */
static uint64_t rnd(void)
{
	uint64_t x = st.rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	st.rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* ---- prediction ------------------------------------------------------------ */

static struct swin *find_window(uint64_t liobn)
{
	for (int k = 0; k < st.nwin; k++)
		if (liobn == st.win[k].w->liobn)
			return &st.win[k];
	return NULL;
}

static bool tce_ok(const struct swin *w, uint64_t tce)
{
	uint64_t gpa = tce & ~3ULL;

	if (!(tce & 3))
		return true;	/* a page fault, stored as it is */
	return !(gpa & (w->page - 1)) && range_inside(gpa, w->page, 0, st.ram);
}

/* The k-th TCE of an INDIRECT call's list, read where the hypervisor reads it. */
static uint64_t list_entry(const struct call *c, uint64_t k)
{
	uint64_t be;

	memcpy(&be, (const void *)(uintptr_t)(c->list + 8 * k), 8);
	return __builtin_bswap64(be);
}

static uint64_t call_count(const struct call *c)
{
	return c->op == H_STUFF_TCE || c->op == H_PUT_TCE_INDIRECT ? c->count : 1;
}

static long predict_args(const struct call *c, struct swin **out, uint64_t *idx)
{
	uint64_t count = call_count(c), off;
	struct swin *w;

	if (c->op == H_PUT_TCE_INDIRECT && (int64_t)c->liobn < 0)
		return H_FUNCTION;
	w = find_window(c->liobn);
	if (!w)
		return H_PARAMETER;
	if (c->op == H_STUFF_TCE && count > TCE_LIST_MAX)
		return H_P4;
	if (c->op == H_PUT_TCE_INDIRECT && (count > TCE_LIST_MAX || (c->list & 0xfff) ||
					   !range_inside(c->list, 4096, 0, st.ram)))
		return H_PARAMETER;
	if (c->ioba < w->w->start || c->ioba - w->w->start >= w->w->size)
		return H_PARAMETER;
	off = c->ioba - w->w->start;
	if (off & (w->page - 1))
		return H_PARAMETER;
	*idx = off / w->page;
	if (count > w->entries - *idx)
		return H_PARAMETER;
	*out = w;
	return H_SUCCESS;
}

/* The rc tcevisor must return; *out and *idx set when the arguments pass. */
static long predict(const struct call *c, struct swin **out, uint64_t *idx)
{
	long rc = predict_args(c, out, idx);

	if (rc || c->op == H_GET_TCE)
		return rc;
	if (c->op != H_PUT_TCE_INDIRECT)
		return tce_ok(*out, c->tce) ? H_SUCCESS : H_PARAMETER;
	for (uint64_t k = 0; k < c->count; k++)
		if (!tce_ok(*out, list_entry(c, k)))
			return H_PARAMETER;
	return H_SUCCESS;
}

static void model_apply(const struct call *c, struct swin *w, uint64_t idx)
{
	for (uint64_t k = 0; k < call_count(c); k++)
		w->model[idx + k] = c->op == H_PUT_TCE_INDIRECT ? list_entry(c, k) : c->tce;
}

/* ---- generation -------------------------------------------------------------- */

static uint64_t gen_liobn(struct swin **w)
{
	uint64_t r = below(100), l;

	*w = &st.win[below((uint64_t)st.nwin)];
	l = (*w)->w->liobn;
	if (r < 86)
		return l;
	if (r < 89)
		return l | 1ULL << (32 + below(31));	/* upper bits, still positive */
	if (r < 92)
		return l | 1ULL << 63;			/* negative */
	if (r < 94)
		return ~0ULL;
	if (r < 98)
		return (uint32_t)rnd();			/* almost surely no window */
	return 0;
}

/* An offset that breaks the window's page alignment. */
static uint64_t misalign(const struct swin *w)
{
	if (w->page > 4096)
		return 4096 * (1 + below(w->page / 4096 - 1));
	return 8 * (1 + below(511));
}

static uint64_t gen_ioba(const struct swin *w)
{
	uint64_t r = below(100), s = w->w->start, e = w->entries, p = w->page;

	if (r < 62)
		return s + below(e) * p;
	if (r < 72)
		return s + (e - 1 - below(e < 8 ? e : 8)) * p;	/* near the end */
	if (r < 76)
		return s;
	if (r < 80)
		return s + w->w->size;				/* just past the end */
	if (r < 83)
		return s - p;					/* below the start */
	if (r < 90)
		return s + below(e) * p + misalign(w);
	if (r < 94)
		return s + below(e) * p + w->w->size * (1 + below(4));
	if (r < 97)
		return ~0ULL - below(p);
	return 1ULL << 63 | below(e) * p;
}

/* Counts: 0, 1, small, up to 512, 512, 513, huge, and exactly to the end
 * of the window (or one past it). */
static uint64_t gen_count(const struct swin *w, uint64_t ioba)
{
	uint64_t r = below(100), rem;

	if (r < 8)
		return 0;
	if (r < 25)
		return 1;
	if (r < 55)
		return 2 + below(15);
	if (r < 70)
		return 1 + below(TCE_LIST_MAX);
	if (r < 78)
		return TCE_LIST_MAX;
	if (r < 84)
		return TCE_LIST_MAX + 1;
	if (r < 87)
		return TCE_LIST_MAX + 1 + below(1 << 20);
	if (r < 91)
		return below(2) ? ~0ULL - below(4) : 1ULL << (32 + below(32));
	if (ioba < w->w->start || ioba - w->w->start >= w->w->size)
		return 1 + below(4);
	rem = w->entries - (ioba - w->w->start) / w->page;
	return (rem > TCE_LIST_MAX ? TCE_LIST_MAX : rem) + below(2);
}

static uint64_t perm(void)
{
	return 1 + below(3);
}

/* A TCE that maps a page inside RAM; now and then with bits 2-11 set,
 * which tcevisor ignores and H_GET_TCE must return. */
static uint64_t valid_tce(const struct swin *w)
{
	uint64_t gpa = below(st.ram / w->page) * w->page;

	return gpa | perm();
}

static uint64_t good_tce(const struct swin *w)
{
	uint64_t r = below(100);

	if (r < 65)
		return valid_tce(w);
	if (r < 72)
		return (st.ram - w->page) | perm();		/* the last page of RAM */
	if (r < 90)
		return rnd() & ~3ULL;				/* a fault with garbage */
	return 0;
}

static uint64_t any_tce(const struct swin *w)
{
	uint64_t r = below(100);

	if (r < 45)
		return good_tce(w);
	if (r < 55)
		return st.ram | perm();				/* just outside RAM */
	if (r < 62)
		return (st.ram + (below(1 << 20) << 12)) | perm();
	if (r < 66)
		return ~0xfffULL | perm();
	if (r < 76 && w->page > 4096)
		return valid_tce(w) + misalign(w);		/* misaligned for 64K */
	if (r < 82)
		return (st.ram - 4096) | perm();		/* crosses the end unless 4K */
	if (r < 86)
		return valid_tce(w) | ((1 + below(1023)) << 2);	/* reserved bits */
	return valid_tce(w);
}

static uint64_t gen_list_addr(void)
{
	uint64_t r = below(100), page = (uintptr_t)list_page;

	if (r < 86)
		return page;
	if (r < 89)
		return page + 8 * (1 + below(511));
	if (r < 93)
		return st.ram + 4096 * below(16);
	if (r < 96)
		return st.ram - 2048;
	return ~0xfffULL;
}

static void gen_list(const struct swin *w, uint64_t count)
{
	bool all_good = below(100) < 65;

	for (uint64_t k = 0; k < count && k < TCE_LIST_MAX; k++)
		list_page[k] = __builtin_bswap64(all_good ? good_tce(w) : any_tce(w));
}

static void gen_call(struct call *c)
{
	uint64_t r = below(100);
	struct swin *w;

	memset(c, 0, sizeof(*c));
	c->op = r < 30 ? H_PUT_TCE : r < 52 ? H_STUFF_TCE : r < 72 ? H_PUT_TCE_INDIRECT :
		H_GET_TCE;
	c->liobn = gen_liobn(&w);
	c->ioba = gen_ioba(w);
	if (c->op == H_PUT_TCE)
		c->tce = any_tce(w);
	if (c->op == H_STUFF_TCE) {
		c->count = gen_count(w, c->ioba);
		c->tce = below(100) < 70 ? good_tce(w) : any_tce(w);
	}
	if (c->op == H_PUT_TCE_INDIRECT) {
		c->count = gen_count(w, c->ioba);
		c->list = gen_list_addr();
		gen_list(w, c->count);
	}
}

/* ---- running ------------------------------------------------------------------- */

/* Two lines per reported mismatch: tcevisor splits console lines at 128. */
static void mismatch(unsigned long n, const struct call *c, long rc, long want,
		     unsigned long got, unsigned long model)
{
	if (st.mismatches++ >= MISMATCH_REPORTS)
		return;
	printf("storm: mismatch %lu op 0x%lx rc %ld want %ld got 0x%lx model 0x%lx\n", n, c->op,
	       rc, want, got, model);
	printf("storm:   liobn 0x%lx ioba 0x%lx arg 0x%lx count 0x%lx\n", c->liobn, c->ioba,
	       c->op == H_PUT_TCE_INDIRECT ? c->list : c->tce, c->count);
}

static void count_rc(long rc)
{
	if (rc == H_SUCCESS)
		st.rc_success++;
	else if (rc == H_PARAMETER)
		st.rc_parameter++;
	else if (rc == H_P4)
		st.rc_p4++;
	else if (rc == H_FUNCTION)
		st.rc_function++;
	else
		st.rc_other++;
}

static void one_call(unsigned long n)
{
	struct swin *w = NULL;
	uint64_t idx = 0;
	unsigned long r4 = 0;
	struct call c;
	long want, rc;

	gen_call(&c);
	want = predict(&c, &w, &idx);
	rc = hcall_tce(c.op, c.liobn, c.ioba, c.op == H_PUT_TCE_INDIRECT ? c.list : c.tce,
		       c.count, &r4);
	if (rc != want)
		mismatch(n, &c, rc, want, r4, w && !want ? w->model[idx] : 0);
	else if (!rc && c.op == H_GET_TCE && r4 != w->model[idx])
		mismatch(n, &c, rc, want, r4, w->model[idx]);
	count_rc(rc);
	if (rc)
		return;
	/* The hypervisor is the truth for what follows: a success we did not
	 * predict is applied too (its arguments were valid after all). */
	if (!w && predict_args(&c, &w, &idx))
		return;
	if (c.op != H_GET_TCE)
		model_apply(&c, w, idx);
}

/* Every entry of every window through H_GET_TCE: into the model (load),
 * or compared with it. Returns the entries visited. */
static unsigned long sweep(bool load)
{
	unsigned long n = 0;

	for (int k = 0; k < st.nwin; k++) {
		struct swin *w = &st.win[k];

		for (uint64_t i = 0; i < w->entries; i++, n++) {
			unsigned long v = 0;
			long rc = h_get_tce(w->w->liobn, w->w->start + i * w->page, &v);
			struct call c = { .op = H_GET_TCE, .liobn = w->w->liobn,
					  .ioba = w->w->start + i * w->page };

			if (load)
				w->model[i] = v;
			if (rc || (!load && v != w->model[i]))
				mismatch(i, &c, rc, 0, v, w->model[i]);
		}
	}
	return n;
}

/* The windows and their models, laid out from STORM_MODEL_GPA. */
static const char *storm_setup(uint64_t seed)
{
	uint64_t total = 0;

	memset(&st, 0, sizeof(st));
	st.rng = seed ? seed : 0x9e3779b97f4a7c15ULL;
	st.ram = guest_ram_size();
	for (int k = 0; k < vphb.nwin; k++) {
		struct swin *w = &st.win[st.nwin];
		unsigned int shift = vphb.win[k].page_shift;

		w->w = &vphb.win[k];
		if (shift < 12 || shift > 30 || w->w->size >> shift == 0)
			continue;	/* not a window tcevisor would make */
		w->page = 1ULL << w->w->page_shift;
		w->entries = w->w->size >> w->w->page_shift;
		w->model = (uint64_t *)(uintptr_t)(STORM_MODEL_GPA + 8 * total);
		total += w->entries;
		st.nwin++;
	}
	if (!st.nwin)
		return "no-windows";
	if (total > (1ULL << 40) || !mem_is_free(STORM_MODEL_GPA, 8 * total))
		return "too-big";
	return NULL;
}

static void report(unsigned long count, uint64_t ticks)
{
	printf("storm: rc success=%lu parameter=%lu p4=%lu function=%lu other=%lu\n",
	       st.rc_success, st.rc_parameter, st.rc_p4, st.rc_function, st.rc_other);
	printf("storm: %lu calls in %lu ticks, %lu calls/s\n", count, (unsigned long)ticks,
	       ticks ? (unsigned long)(count * dt.tb_freq / ticks) : 0UL);
}

/* STORM seed, count */
void step_storm(const struct step *s)
{
	const char *err = storm_setup(s->a[0]);
	unsigned long count = s->a[1], checked;
	uint64_t t0;

	if (err) {
		printf("S%lu storm %s\n", s->index, err);
		return;
	}
	sweep(true);
	t0 = mftb();
	for (unsigned long n = 1; n <= count; n++) {
		one_call(n);
		if (n % PROGRESS_EVERY == 0)
			printf("storm: %lu calls\n", n);
	}
	report(count, mftb() - t0);
	checked = sweep(false);
	printf("S%lu storm calls=%lu mismatches=%lu checked=%lu\n", s->index, count,
	       st.mismatches, checked);
}
