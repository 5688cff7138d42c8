/*
 * Instruction counts of the IOMMU core's update API, under callgrind.
 *
 * bench/run.py runs this as
 *   valgrind --tool=callgrind --collect-atstart=no --toggle-collect=bench_kill_*
 * Each measurement zeroes callgrind's counters, turns collection on around
 * the calls it measures and nothing else, and dumps under its own name;
 * run.py then reads the inclusive cost of the measured API function from
 * the dump. The fake PHB's kill functions toggle collection off while they
 * run, so a count holds the core's own instructions: the indirect call to
 * a kill is the core's, the kill's body (the PHB's MMIO handshake on real
 * hardware) is not.
 *
 * Built with plain gcc -O2 against the unchanged core (iommu/, lib/lock.c).
 * stdout: one line per measurement,
 *   M <name> <function> <calls> <entries per call> <phb> <groups> <PE kills> <range kills>
 * (the kills the fake PHB counted during the measured calls).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/callgrind.h>
#include <iommu/guest_mem.h>
#include <iommu/table_group.h>
#include <iommu/tce_pool.h>
#include <iommu/tce_table.h>

#define RW		(TCE_READ | TCE_WRITE)
#define GROUPS_MAX	64
#define POOL_BYTES	(32u << 20)
#define N_PUT		2000	/* calls per single-entry measurement */
#define N_BIG		200	/* calls per 512-entry measurement */
#define IOBA		0x10000000ULL
#define MAP_A		(0x00100000ULL | RW)
#define MAP_B		(0x00200000ULL | RW)

struct bench_phb {
	struct iommu_phb iphb;		/* first: the ops get this pointer */
	const char *name;
	struct table_group groups[GROUPS_MAX];
};

static struct tce_pool pool;
static struct bench_phb phb4, phb3;
/* one range of guest RAM, 1 GiB aligned in host memory */
static const struct guest_mem mem = { 1, { GUEST_MEM_RANGE(0, 1ULL << 30, 4ULL << 30) } };
static uint64_t list_a[TCE_LIST_MAX], list_b[TCE_LIST_MAX];

/* ---- the fake PHB: kills only count ---------------------------------------- */

static int bench_set_window(struct iommu_phb *phb, uint32_t pe, int window,
			    const struct tce_table *tbl)
{
	return 0;
}

/* noinline and named bench_kill_*: --toggle-collect leaves their bodies out */
__attribute__((noinline))
static int bench_kill_range(struct iommu_phb *phb, uint32_t pe, uint64_t bus, uint64_t npages,
			    unsigned int page_shift)
{
	phb->kills_range++;
	return 0;
}

__attribute__((noinline))
static int bench_kill_pe(struct iommu_phb *phb, uint32_t pe)
{
	phb->kills_pe++;
	return 0;
}

__attribute__((noinline))
static int bench_kill_all(struct iommu_phb *phb)
{
	phb->kills_all++;
	return 0;
}

/* A PHB4-like batch: the PE kills and the sync in one call (its body is
 * the PHB's, not the core's, like the others) */
__attribute__((noinline))
static int bench_kill_pes(struct iommu_phb *phb, const uint64_t *tokens, unsigned int n)
{
	phb->kills_pe += n;
	__asm__ volatile("" : : "r"(tokens) : "memory");
	return 0;
}

__attribute__((noinline))
static int bench_kill_sync(struct iommu_phb *phb)
{
	__asm__ volatile("" : : "r"(phb) : "memory");
	return 0;
}

static const struct phb_ops bench_ops = {
	.set_window = bench_set_window,
	.kill_range = bench_kill_range,
	.kill_pe = bench_kill_pe,
	.kill_all = bench_kill_all,
	.kill_pes = bench_kill_pes,
	.sync = bench_kill_sync,
};

static void phb_init(struct bench_phb *p, const char *name, uint64_t threshold)
{
	unsigned int pe;

	memset(p, 0, sizeof(*p));
	p->name = name;
	p->iphb.ops = &bench_ops;
	p->iphb.name = name;
	p->iphb.kill_threshold = threshold;
	p->iphb.page_sizes = (1ULL << 12) | (1ULL << 16);
	for (pe = 0; pe < GROUPS_MAX; pe++)
		table_group_init(&p->groups[pe], &p->iphb, pe);
}

/* ---- helpers ---------------------------------------------------------------- */

__attribute__((noreturn))
static void die(const char *what, int rc)
{
	fprintf(stderr, "iommu_bench: %s: %s\n", what, iommu_strerror(rc));
	exit(1);
}

static void ok(const char *what, int rc)
{
	if (rc)
		die(what, rc);
}

/* 2 GiB of 4 KiB pages at bus 0 (Linux's default window shape) in one
 * level, or 1 GiB in two levels of 512 entries. Created once: zeroing an
 * 8 MiB level under valgrind is what would take the time. */
static struct tce_table *tables[3];

static struct tce_table *table_new(unsigned int levels)
{
	struct tce_table_geometry g = { 0, levels == 1 ? 2ULL << 30 : 1ULL << 30, 12, 12,
					levels };
	int err;

	if (!tables[levels] && !(tables[levels] = tce_table_create(&pool, &g, &err)))
		die("create", err);
	return tables[levels];
}

static void link_groups(struct tce_table *t, struct bench_phb *p, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		ok("link", iommu_link(t, &p->groups[i], 0));
}

static void table_done(struct tce_table *t, struct bench_phb *p, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		ok("unlink", iommu_unlink(t, &p->groups[i]));
}

/* Collection on: only what runs between on() and off() is counted. */
static void on(void)
{
	CALLGRIND_TOGGLE_COLLECT;
}

static void off(void)
{
	CALLGRIND_TOGGLE_COLLECT;
}

struct kills {
	uint64_t pe, range;
};

static struct kills kills_of(const struct bench_phb *p)
{
	return (struct kills){ p->iphb.kills_pe, p->iphb.kills_range };
}

static void kills_add(struct kills *sum, struct kills before, struct kills after)
{
	sum->pe += after.pe - before.pe;
	sum->range += after.range - before.range;
}

static void report(const char *name, const char *fn, unsigned int calls, unsigned int entries,
		   const struct bench_phb *p, unsigned int groups, struct kills k)
{
	CALLGRIND_DUMP_STATS_AT(name);
	printf("M %s %s %u %u %s %u %llu %llu\n", name, fn, calls, entries, p->name, groups,
	       (unsigned long long)k.pe, (unsigned long long)k.range);
}

/* ---- measurements --------------------------------------------------------------- */

/* H_PUT_TCE: one mapping, alternating two values so every call changes it. */
static void bench_put(const char *name, struct bench_phb *p, unsigned int groups,
		      unsigned int levels)
{
	struct tce_table *t = table_new(levels);
	struct kills k = { 0, 0 }, k0;
	unsigned int i;
	int rc = 0;

	link_groups(t, p, groups);
	ok("put", tce_table_put_tce(t, &mem, IOBA, MAP_A));	/* leaves exist */
	k0 = kills_of(p);
	CALLGRIND_ZERO_STATS;
	on();
	for (i = 0; i < N_PUT; i++)
		rc |= tce_table_put_tce(t, &mem, IOBA, i & 1 ? MAP_A : MAP_B);
	off();
	ok("put", rc);
	kills_add(&k, k0, kills_of(p));
	report(name, "tce_table_put_tce", N_PUT, 1, p, groups, k);
	table_done(t, p, groups);
}

/* H_STUFF_TCE of 512 entries: a mapping (alternating two pages, so every
 * call changes every entry), a clear of mapped entries (N_BIG regions
 * mapped beforehand: no unmeasured call may run between the zeroing and
 * the dump, since a kill it issued would toggle collection on), or a clear
 * of entries that are clear already. */
enum stuff_kind { STUFF_MAP, STUFF_CLEAR, STUFF_CLEAR_CLEAN };

static uint64_t region(unsigned int i)
{
	return IOBA + ((uint64_t)i * TCE_LIST_MAX << 12);
}

static void bench_stuff(const char *name, struct bench_phb *p, unsigned int groups,
			enum stuff_kind kind)
{
	struct tce_table *t = table_new(1);
	struct kills k = { 0, 0 }, k0;
	unsigned int i;
	int rc = 0;

	link_groups(t, p, groups);
	for (i = 0; i < N_BIG; i++)
		ok("stuff", tce_table_stuff(t, &mem, region(i), kind == STUFF_CLEAR ? MAP_A : 0,
					    TCE_LIST_MAX));
	k0 = kills_of(p);
	CALLGRIND_ZERO_STATS;
	on();
	for (i = 0; i < N_BIG; i++) {
		if (kind == STUFF_MAP)
			rc |= tce_table_stuff(t, &mem, region(0), i & 1 ? MAP_A : MAP_B,
					      TCE_LIST_MAX);
		else
			rc |= tce_table_stuff(t, &mem, region(i), 0, TCE_LIST_MAX);
	}
	off();
	ok("stuff", rc);
	kills_add(&k, k0, kills_of(p));
	report(name, "tce_table_stuff", N_BIG, TCE_LIST_MAX, p, groups, k);
	table_done(t, p, groups);
}

/* H_PUT_TCE_INDIRECT of 512 entries: lists a and b alternately; `runs`
 * separate runs of `len` entries differ between them (0: all differ). */
static void bench_list(const char *name, struct bench_phb *p, unsigned int groups,
		       unsigned int runs, unsigned int len)
{
	struct tce_table *t = table_new(1);
	struct kills k = { 0, 0 }, k0;
	unsigned int i, e;
	int rc = 0;

	for (e = 0; e < TCE_LIST_MAX; e++) {
		/* run r covers [2 * r * len, 2 * r * len + len) */
		bool differs = !runs || ((e / len) % 2 == 0 && e / len / 2 < runs);

		list_a[e] = MAP_A + ((uint64_t)e << 12);
		list_b[e] = differs ? MAP_B + ((uint64_t)e << 12) : list_a[e];
	}
	link_groups(t, p, groups);
	ok("list", tce_table_put_list(t, &mem, IOBA, list_a, TCE_LIST_MAX));
	k0 = kills_of(p);
	CALLGRIND_ZERO_STATS;
	on();
	for (i = 0; i < N_BIG; i++)
		rc |= tce_table_put_list(t, &mem, IOBA, i & 1 ? list_a : list_b, TCE_LIST_MAX);
	off();
	ok("list", rc);
	kills_add(&k, k0, kills_of(p));
	report(name, "tce_table_put_list", N_BIG, TCE_LIST_MAX, p, groups, k);
	table_done(t, p, groups);
}

static const unsigned int group_counts[] = { 1, 2, 8, 64 };
#define NCOUNTS (sizeof(group_counts) / sizeof(group_counts[0]))

static void bench_phb(struct bench_phb *p)
{
	char name[64];
	unsigned int i, g;

	for (i = 0; i < NCOUNTS; i++) {
		g = group_counts[i];
		snprintf(name, sizeof(name), "put/%s/%u", p->name, g);
		bench_put(name, p, g, 1);
		snprintf(name, sizeof(name), "stuff-map/%s/%u", p->name, g);
		bench_stuff(name, p, g, STUFF_MAP);
		snprintf(name, sizeof(name), "stuff-clear/%s/%u", p->name, g);
		bench_stuff(name, p, g, STUFF_CLEAR);
		snprintf(name, sizeof(name), "list/%s/%u", p->name, g);
		bench_list(name, p, g, 0, 1);
		snprintf(name, sizeof(name), "list-4runs/%s/%u", p->name, g);
		bench_list(name, p, g, 4, 16);
		snprintf(name, sizeof(name), "list-17runs/%s/%u", p->name, g);
		bench_list(name, p, g, 17, 8);
	}
}

int main(void)
{
	void *mem_pool = aligned_alloc(POOL_BYTES, POOL_BYTES);

	if (!mem_pool || !tce_pool_init(&pool, mem_pool, (uintptr_t)mem_pool, POOL_BYTES)) {
		fprintf(stderr, "iommu_bench: no pool\n");
		return 1;
	}
	phb_init(&phb4, "phb4", 0);
	phb_init(&phb3, "phb3", 64);
	bench_phb(&phb4);
	bench_phb(&phb3);
	bench_put("put-2level/phb4/1", &phb4, 1, 2);
	bench_stuff("stuff-clear-clean/phb4/1", &phb4, 1, STUFF_CLEAR_CLEAN);
	tce_table_put(tables[1]);
	tce_table_put(tables[2]);
	free(mem_pool);
	return 0;
}
