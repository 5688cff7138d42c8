/*
 * iommu/tce_table.c: geometry, the update rules, all-or-nothing, the kill
 * rules, multi-level tables, big guest pages. Every test that links a
 * group runs under the shadow TCE-cache checker (ASSERT_CLEAN after each
 * operation); the rule tests check return codes and entries only.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "fake_phb.h"

#define K4	(1ULL << 12)
#define K64	(1ULL << 16)
#define M2	(1ULL << 21)
#define G1	(1ULL << 30)
#define RW	(TCE_READ | TCE_WRITE)
#define RAM	0x40000000ULL		/* host address of guest RAM (fake_phb.c) */
#define PHB4_SIZES ((1ULL << 12) | (1ULL << 16) | (1ULL << 21) | (1ULL << 30))
#define PHB3_SIZES ((1ULL << 12) | (1ULL << 16) | (1ULL << 24) | (1ULL << 28))

#define ASSERT_CLEAN() assert_int_equal(shadow_check(), 0)

static struct test_env env;
static struct fake_phb phb4, phb3, phb4b;

static int setup(void **state)
{
	test_env_init(&env, 64, 256);
	fake_phb_init(&phb4, 0, 0, PHB4_SIZES);
	fake_phb_init(&phb3, 1, 64, PHB3_SIZES);
	fake_phb_init(&phb4b, 2, 0, PHB4_SIZES);
	return 0;
}

static int teardown(void **state)
{
	unsigned int i;

	/* every table released by the test: the pool is whole again */
	for (i = 0; i < TCE_TABLES_MAX; i++)
		assert_null(tce_table_by_id(i));
	assert_int_equal(env.pool.bytes_free, env.pool.size);
	test_env_fini(&env);
	return 0;
}

static void drop(struct tce_table *t)
{
	shadow_untrack(t);
	tce_table_put(t);
}

static uint64_t guest_value(struct tce_table *t, uint64_t ioba)
{
	uint64_t v = 0xdead;

	assert_int_equal(tce_table_get_tce(t, &env.mem, ioba, &v), IOMMU_OK);
	return v;
}

/* ---- geometry ------------------------------------------------------------ */

static void test_geometry_rules(void **state)
{
	struct tce_table_geometry g = { 0, 2 * 1024 * 1024, 12, 12, 1 };
	struct tce_table *t;
	int err;

	t = tce_table_create(&env.pool, &g, &err);
	assert_non_null(t);
	assert_int_equal(t->level_shift, 9);
	assert_int_equal(tce_table_entries(t), 512);
	tce_table_put(t);

	struct tce_table_geometry bad[] = {
		{ 0, 1 << 20, 12, 12, 1 },	/* 256 entries: level < 4 KiB */
		{ 0, 3 << 20, 12, 12, 1 },	/* not a power of two */
		{ 0, 2 << 20, 11, 11, 1 },	/* page below 4 KiB */
		{ 0, 2ULL << 30, 31, 31, 1 },	/* page above 1 GiB */
		{ 0, 2 << 20, 12, 16, 1 },	/* hardware page above guest page */
		{ 0, 1ULL << 30, 12, 12, 0 },	/* no level */
		{ 0, 1ULL << 30, 12, 12, 6 },	/* six levels */
		{ 0, 1ULL << 31, 12, 12, 2 },	/* 19 bits over 2 levels */
		{ 1 << 20, 2 << 20, 12, 12, 1 },	/* bus offset not aligned */
		{ 0, 1ULL << 40, 12, 12, 1 },	/* one level larger than the pool */
	};
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(tce_table_create(&env.pool, &bad[i], &err));
		assert_int_equal(err, IOMMU_EINVAL);
	}
	assert_int_equal(env.pool.bytes_free, env.pool.size);
}

/* ---- put / get / validation ------------------------------------------------- */

static void test_put_get_and_format(void **state)
{
	struct tce_table *t = test_table(&env, 0, 1 << 21, 12, 12, 1);
	struct table_group *g = &phb4.groups[1];

	assert_int_equal(iommu_link(t, g, 0), IOMMU_OK);
	ASSERT_CLEAN();
	assert_int_equal(tce_table_put_tce(t, &env.mem, 5 * K4, tce_of(0x123000, RW)), IOMMU_OK);
	ASSERT_CLEAN();
	assert_int_equal(guest_value(t, 5 * K4), 0x123000 | RW);
	/* stored big-endian, host page | W | R, exactly as the PHB reads it */
	assert_int_equal(t->top[5], __builtin_bswap64((RAM + 0x123000) | RW));
	assert_int_equal(tce_table_read_hw(t, 5), (RAM + 0x123000) | RW);
	assert_int_equal(tce_table_count_valid(t), 1);
	/* read-only and write-only keep their bit */
	assert_int_equal(tce_table_put_tce(t, &env.mem, 6 * K4, tce_of(0x1000, TCE_READ)), 0);
	assert_int_equal(tce_table_read_hw(t, 6), (RAM + 0x1000) | TCE_READ);
	assert_int_equal(tce_table_put_tce(t, &env.mem, 7 * K4, tce_of(0x1000, TCE_WRITE)), 0);
	assert_int_equal(tce_table_read_hw(t, 7), (RAM + 0x1000) | TCE_WRITE);
	ASSERT_CLEAN();
	assert_int_equal(iommu_unlink(t, g), IOMMU_OK);
	ASSERT_CLEAN();
	drop(t);
}

static void test_ioba_rules(void **state)
{
	struct tce_table *t = test_table(&env, 0, 1 << 21, 12, 12, 1);
	uint64_t v;

	assert_int_equal(tce_table_put_tce(t, &env.mem, 1 << 21, RW), IOMMU_ERANGE);
	assert_int_equal(tce_table_put_tce(t, &env.mem, ~0ULL & ~0xfffULL, RW), IOMMU_ERANGE);
	assert_int_equal(tce_table_put_tce(t, &env.mem, 0x1008, RW), IOMMU_EALIGN);
	assert_int_equal(tce_table_get_tce(t, &env.mem, 0x1001, &v), IOMMU_EALIGN);
	assert_int_equal(tce_table_get_tce(t, &env.mem, 1 << 21, &v), IOMMU_ERANGE);
	/* index + count: exact end is fine, one more is not, overflow caught */
	assert_int_equal(tce_table_stuff(t, &env.mem, 500 * K4, 0, 12), IOMMU_OK);
	assert_int_equal(tce_table_stuff(t, &env.mem, 500 * K4, 0, 13), IOMMU_ERANGE);
	assert_int_equal(tce_table_stuff(t, &env.mem, 1 * K4, 0, ~0ULL), IOMMU_ERANGE);
	assert_int_equal(tce_table_stuff(t, &env.mem, 1 * K4, 0, (1ULL << 52) + 2), IOMMU_ERANGE);
	/* count 0: success, nothing changed */
	assert_int_equal(tce_table_stuff(t, &env.mem, 0, tce_of(0x1000, RW), 0), IOMMU_OK);
	assert_int_equal(tce_table_count_valid(t), 0);
	assert_int_equal(fake_kills(), 0);

	/* window 1 lives at 2^59 */
	struct tce_table *t1 = test_table(&env, TCE_WINDOW1_BUS, 1 << 21, 12, 12, 1);

	assert_int_equal(tce_table_put_tce(t1, &env.mem, 0x1000, RW), IOMMU_ERANGE);
	assert_int_equal(tce_table_put_tce(t1, &env.mem, TCE_WINDOW1_BUS + 0x1000,
					   tce_of(0x2000, RW)), IOMMU_OK);
	assert_int_equal(tce_table_read_hw(t1, 1), (RAM + 0x2000) | RW);
	drop(t1);
	drop(t);
}

static void test_tce_rules(void **state)
{
	struct tce_table *t = test_table(&env, 0, 1 << 26, 16, 12, 1);	/* 64K pages */
	uint64_t end = 256ULL << 20;

	/* inside RAM, aligned */
	assert_int_equal(tce_table_put_tce(t, &env.mem, 0, tce_of(end - K64, RW)), IOMMU_OK);
	/* page crosses the end of RAM, or lies beyond it */
	assert_int_equal(tce_table_put_tce(t, &env.mem, 0, tce_of(end - K4, RW)), IOMMU_ETCE);
	assert_int_equal(tce_table_put_tce(t, &env.mem, 0, tce_of(end, RW)), IOMMU_ETCE);
	assert_int_equal(tce_table_put_tce(t, &env.mem, 0, tce_of(1ULL << 51, RW)), IOMMU_ETCE);
	/* RPN not aligned to the 64K guest page */
	assert_int_equal(tce_table_put_tce(t, &env.mem, 0, tce_of(0x11000, RW)), IOMMU_ETCE);
	/* a page-fault value is not translated: stored as is, hardware invalid */
	assert_int_equal(tce_table_put_tce(t, &env.mem, K64, 0xdeadbeefcafe0abcULL), IOMMU_OK);
	assert_int_equal(guest_value(t, K64), 0xdeadbeefcafe0abcULL);
	assert_int_equal(tce_table_read_hw(t, 16), 0xdeadbeefcafe0abcULL);
	assert_int_equal(tce_table_count_valid(t), 16);	/* entry 0's 64K: 16 hw pages */
	/* a mapping's reserved bits (2-11) must be clear */
	assert_int_equal(tce_table_put_tce(t, &env.mem, 2 * K64, tce_of(K64, RW) | 0x10),
			 IOMMU_ETCE);
	/* the first entry kept its mapping through the failures */
	assert_int_equal(tce_table_read_hw(t, 0), (RAM + end - K64) | RW);
	assert_int_equal(t->stats.rejected, 5);
	drop(t);
}

/* Inject a translation failure at entry k of n: nothing changes at all. */
static void test_all_or_nothing(void **state)
{
	struct tce_table *t = test_table(&env, 0, 1 << 22, 12, 12, 1);
	static uint64_t list[TCE_LIST_MAX], before[1024], after[1024];
	static const unsigned int ks[] = { 0, 1, 17, 255, 510, 511 };
	struct table_group *g = &phb3.groups[2];
	unsigned int i, k;

	assert_int_equal(iommu_link(t, g, 0), IOMMU_OK);
	for (i = 0; i < 300; i++)
		assert_int_equal(tce_table_put_tce(t, &env.mem, i * K4, tce_of(i * K4, TCE_READ)), 0);
	ASSERT_CLEAN();
	for (k = 0; k < sizeof(ks) / sizeof(ks[0]); k++) {
		for (i = 0; i < TCE_LIST_MAX; i++)
			list[i] = tce_of((1000 + i) * K4, RW);
		list[ks[k]] = tce_of(300ULL << 20, RW);		/* outside the 256 MiB */
		tce_table_read_hw_range(t, 0, 1024, before);
		fake_log_clear();
		assert_int_equal(tce_table_put_list(t, &env.mem, 100 * K4, list, TCE_LIST_MAX),
				 IOMMU_ETCE);
		tce_table_read_hw_range(t, 0, 1024, after);
		assert_memory_equal(before, after, sizeof(before));
		assert_int_equal(fake_kills(), 0);
		for (i = 100; i < 612; i++)
			assert_int_equal(guest_value(t, i * K4),
					 i < 300 ? tce_of(i * K4, TCE_READ) : 0);
	}
	/* the same list without the bad entry goes in whole */
	list[ks[k - 1]] = tce_of(5 * K4, RW);
	assert_int_equal(tce_table_put_list(t, &env.mem, 100 * K4, list, TCE_LIST_MAX), 0);
	assert_int_equal(tce_table_read_hw(t, 610), (RAM + 1510 * K4) | RW);
	assert_int_equal(tce_table_read_hw(t, 611), (RAM + 5 * K4) | RW);
	ASSERT_CLEAN();
	assert_int_equal(iommu_unlink(t, g), 0);
	drop(t);
}

/* ---- kill rules ---------------------------------------------------------------- */

static void test_kills_phb4_one_pe_kill_per_update(void **state)
{
	struct tce_table *t = test_table(&env, 0, 1 << 22, 12, 12, 1);
	static uint64_t list[TCE_LIST_MAX];
	unsigned int i;

	assert_int_equal(iommu_link(t, &phb4.groups[1], 0), 0);
	assert_int_equal(iommu_link(t, &phb4.groups[2], 0), 0);
	assert_int_equal(iommu_link(t, &phb3.groups[3], 0), 0);
	ASSERT_CLEAN();

	fake_log_clear();
	assert_int_equal(tce_table_put_tce(t, &env.mem, 3 * K4, tce_of(K4, RW)), 0);
	assert_int_equal(fake_count(FK_KILL_PE, &phb4, 1), 1);
	assert_int_equal(fake_count(FK_KILL_PE, &phb4, 2), 1);
	assert_int_equal(fake_count(FK_KILL_RANGE, &phb3, 3), 1);	/* 1 page <= 64 */
	assert_int_equal(fake_kills(), 3);
	/* kills queued first, then one sync per PHB, after its last kill */
	assert_int_equal(fake_count(FK_SYNC, &phb4, -1), 1);
	assert_int_equal(fake_count(FK_SYNC, &phb3, -1), 1);
	assert_true(fake_synced_after_kills());
	ASSERT_CLEAN();

	/* 512 entries with gaps: still one PE kill per PHB4 PE */
	for (i = 0; i < TCE_LIST_MAX; i++)
		list[i] = (i % 100) < 50 ? tce_of(i * K4, RW) : 0;
	fake_log_clear();
	assert_int_equal(tce_table_put_list(t, &env.mem, 0, list, TCE_LIST_MAX), 0);
	assert_int_equal(fake_count(FK_KILL_PE, &phb4, -1), 2);
	assert_int_equal(fake_count(FK_KILL_RANGE, &phb4, -1), 0);
	assert_int_equal(fake_count(FK_SYNC, &phb4, -1), 1);
	assert_int_equal(fake_count(FK_SYNC, &phb3, -1), 1);
	assert_true(fake_synced_after_kills());
	ASSERT_CLEAN();

	/* writing the same values again changes no hardware entry: no kill */
	fake_log_clear();
	assert_int_equal(tce_table_put_list(t, &env.mem, 0, list, TCE_LIST_MAX), 0);
	assert_int_equal(tce_table_put_tce(t, &env.mem, 3 * K4, list[3]), 0);
	assert_int_equal(tce_table_stuff(t, &env.mem, 600 * K4, 0, 100), 0);
	assert_int_equal(fake_kills(), 0);
	/* a page-fault value with other bits over a page fault: stored, but
	 * nothing a PHB caches changed */
	assert_int_equal(tce_table_put_tce(t, &env.mem, 700 * K4, 0xabc000), 0);
	assert_int_equal(fake_kills(), 0);
	ASSERT_CLEAN();
	for (i = 1; i <= 2; i++)
		assert_int_equal(iommu_unlink(t, &phb4.groups[i]), 0);
	assert_int_equal(iommu_unlink(t, &phb3.groups[3]), 0);
	drop(t);
}

static void test_kills_phb3_ranges(void **state)
{
	struct tce_table *t = test_table(&env, 0, 1 << 22, 12, 12, 1);
	static uint64_t list[40];
	struct tce_table_stats st;
	unsigned int i;

	assert_int_equal(iommu_link(t, &phb3.groups[4], 0), 0);
	/* two separate changed runs: two range kills with exact bounds */
	for (i = 0; i < 40; i++)
		list[i] = (i < 10 || i >= 30) ? tce_of(i * K4, RW) : 0;
	fake_log_clear();
	assert_int_equal(tce_table_put_list(t, &env.mem, 50 * K4, list, 40), 0);
	assert_int_equal(fake_count(FK_KILL_RANGE, &phb3, 4), 2);
	assert_int_equal(fake_count(FK_KILL_PE, &phb3, -1), 0);
	assert_int_equal(fake_log[0].bus, 50 * K4);
	assert_int_equal(fake_log[0].npages, 10);
	assert_int_equal(fake_log[0].shift, 12);
	assert_int_equal(fake_log[1].bus, 80 * K4);
	assert_int_equal(fake_log[1].npages, 10);
	ASSERT_CLEAN();
	/* a range longer than the threshold (64): one PE kill instead */
	fake_log_clear();
	assert_int_equal(tce_table_stuff(t, &env.mem, 200 * K4, tce_of(0, TCE_READ), 65), 0);
	assert_int_equal(fake_count(FK_KILL_PE, &phb3, 4), 1);
	assert_int_equal(fake_kills(), 1);
	/* exactly the threshold: one range kill */
	fake_log_clear();
	assert_int_equal(tce_table_stuff(t, &env.mem, 300 * K4, tce_of(0, TCE_READ), 64), 0);
	assert_int_equal(fake_count(FK_KILL_RANGE, &phb3, 4), 1);
	assert_int_equal(fake_log[0].npages, 64);
	ASSERT_CLEAN();
	/* more separate runs than remembered: one PE kill */
	for (i = 0; i < 40; i++)
		list[i] = (i & 1) ? tce_of(K4, RW) : 0;
	fake_log_clear();
	assert_int_equal(tce_table_put_list(t, &env.mem, 400 * K4, list, 40), 0);
	assert_int_equal(fake_count(FK_KILL_PE, &phb3, 4), 1);
	assert_int_equal(fake_kills(), 1);
	ASSERT_CLEAN();
	tce_table_stats(t, &st);
	assert_int_equal(st.kills_range, 3);
	assert_int_equal(st.kills_pe, 2);
	assert_int_equal(iommu_unlink(t, &phb3.groups[4]), 0);
	drop(t);
}

static uint64_t kill_errors(struct table_group *g)
{
	struct table_group_stats st;

	table_group_stats(g, &st);
	return st.kill_errors;
}

static void test_kill_failure_reported(void **state)
{
	struct tce_table *t = test_table(&env, 0, 1 << 21, 12, 12, 1);

	assert_int_equal(iommu_link(t, &phb4.groups[1], 0), 0);
	assert_int_equal(iommu_link(t, &phb4.groups[2], 0), 0);
	phb4.fail_kills = 1;
	fake_log_clear();
	assert_int_equal(tce_table_put_tce(t, &env.mem, 0, tce_of(K4, RW)), IOMMU_EHW);
	/* every PE was still tried; the PHB's batch failed, so neither of its
	 * PEs' kills can be relied on: both count an error */
	assert_int_equal(fake_count(FK_KILL_PE, &phb4, -1), 2);
	assert_int_equal(kill_errors(&phb4.groups[1]), 1);
	assert_int_equal(kill_errors(&phb4.groups[2]), 1);
	/* the shadow sees the PE whose kill failed as stale */
	assert_int_not_equal(shadow_check(), 0);
	assert_int_equal(iommu_unlink(t, &phb4.groups[1]), 0);
	assert_int_equal(iommu_unlink(t, &phb4.groups[2]), 0);
	drop(t);
}

/* Two PHBs that kill whole PEs: the table's plan has two entries, and an
 * update syncs each PHB after its own kills. A failure on the first PHB
 * still lets the second be killed, and only the first's links count it. */
static void test_kills_plan_two_phbs(void **state)
{
	struct tce_table *t = test_table(&env, 0, 1 << 21, 12, 12, 1);
	struct tce_table_stats st;

	assert_int_equal(iommu_link(t, &phb4.groups[1], 0), 0);
	assert_int_equal(iommu_link(t, &phb4b.groups[5], 0), 0);
	assert_int_equal(t->plan.nphbs, 2);
	ASSERT_CLEAN();
	fake_log_clear();
	assert_int_equal(tce_table_put_tce(t, &env.mem, 9 * K4, tce_of(K4, RW)), 0);
	assert_int_equal(tce_table_put_tce(t, &env.mem, 9 * K4, 0), 0);
	assert_int_equal(fake_count(FK_KILL_PE, &phb4, 1), 2);
	assert_int_equal(fake_count(FK_KILL_PE, &phb4b, 5), 2);
	assert_int_equal(fake_count(FK_SYNC, &phb4, -1), 2);
	assert_int_equal(fake_count(FK_SYNC, &phb4b, -1), 2);
	assert_true(fake_synced_after_kills());
	ASSERT_CLEAN();
	tce_table_stats(t, &st);
	assert_int_equal(st.updates, 2);
	assert_int_equal(st.entries_written, 2);
	assert_int_equal(st.kills_pe, 4);

	phb4.fail_kills = 1;
	fake_log_clear();
	assert_int_equal(tce_table_put_tce(t, &env.mem, 9 * K4, tce_of(2 * K4, RW)), IOMMU_EHW);
	assert_int_equal(fake_count(FK_KILL_PE, &phb4b, 5), 1);
	assert_int_equal(kill_errors(&phb4.groups[1]), 1);
	assert_int_equal(kill_errors(&phb4b.groups[5]), 0);
	/* the next update gets through and leaves every PE clean */
	assert_int_equal(tce_table_put_tce(t, &env.mem, 9 * K4, 0), 0);
	ASSERT_CLEAN();
	assert_int_equal(iommu_unlink(t, &phb4.groups[1]), 0);
	assert_int_equal(t->plan.nphbs, 1);
	assert_int_equal(iommu_unlink(t, &phb4b.groups[5]), 0);
	drop(t);
}

/* A sync that fails: the update reports it, every group of the table on
 * that PHB counts an error, and the shadow still sees them stale (their
 * kills never took effect) until a sync succeeds. */
static void test_sync_failure_reported(void **state)
{
	struct tce_table *t = test_table(&env, 0, 1 << 21, 12, 12, 1);

	assert_int_equal(iommu_link(t, &phb4.groups[1], 0), 0);
	assert_int_equal(iommu_link(t, &phb4.groups[2], 0), 0);
	assert_int_equal(iommu_link(t, &phb3.groups[3], 0), 0);
	ASSERT_CLEAN();
	phb4.fail_syncs = 1;
	fake_log_clear();
	assert_int_equal(tce_table_put_tce(t, &env.mem, 0, tce_of(K4, RW)), IOMMU_EHW);
	assert_int_equal(fake_count(FK_KILL_PE, &phb4, -1), 2);
	assert_int_equal(fake_count(FK_KILL_RANGE, &phb3, 3), 1);
	assert_int_equal(fake_count(FK_SYNC, &phb4, -1), 1);
	assert_int_equal(fake_count(FK_SYNC, &phb3, -1), 1);
	assert_int_equal(kill_errors(&phb4.groups[1]), 1);
	assert_int_equal(kill_errors(&phb4.groups[2]), 1);
	assert_int_equal(kill_errors(&phb3.groups[3]), 0);
	assert_int_not_equal(shadow_check(), 0);
	/* the next update's sync completes the kills still queued */
	assert_int_equal(tce_table_put_tce(t, &env.mem, K4, tce_of(K4, RW)), 0);
	ASSERT_CLEAN();
	assert_int_equal(iommu_unlink(t, &phb4.groups[1]), 0);
	assert_int_equal(iommu_unlink(t, &phb4.groups[2]), 0);
	assert_int_equal(iommu_unlink(t, &phb3.groups[3]), 0);
	drop(t);
}

/* ---- big guest pages, multi-level, pool exhaustion --------------------------- */

static void test_guest_page_larger_than_hw_page(void **state)
{
	/* 64K guest pages backed by 4K hardware pages: 16 entries each */
	struct tce_table *t = test_table(&env, 0, 1 << 25, 16, 12, 1);
	uint64_t j;

	assert_int_equal(tce_table_entries(t), 512);
	assert_int_equal(tce_table_hw_entries(t), 8192);
	assert_int_equal(iommu_link(t, &phb3.groups[5], 0), 0);
	fake_log_clear();
	assert_int_equal(tce_table_put_tce(t, &env.mem, 3 * K64, tce_of(0x50000, RW)), 0);
	for (j = 0; j < 16; j++)
		assert_int_equal(tce_table_read_hw(t, 48 + j), (RAM + 0x50000 + j * K4) | RW);
	assert_int_equal(tce_table_read_hw(t, 47), 0);
	assert_int_equal(tce_table_read_hw(t, 64), 0);
	assert_int_equal(guest_value(t, 3 * K64), 0x50000 | RW);
	/* killed in hardware units: 16 pages of 4K at bus 3 * 64K */
	assert_int_equal(fake_count(FK_KILL_RANGE, &phb3, 5), 1);
	assert_int_equal(fake_log[0].bus, 3 * K64);
	assert_int_equal(fake_log[0].npages, 16);
	assert_int_equal(fake_log[0].shift, 12);
	ASSERT_CLEAN();
	/* stuffing 5 guest pages with one page: each maps the same 16 pages */
	assert_int_equal(tce_table_stuff(t, &env.mem, 10 * K64, tce_of(0x70000, TCE_READ), 5), 0);
	assert_int_equal(tce_table_read_hw(t, 14 * 16 + 15), (RAM + 0x70000 + 15 * K4) | TCE_READ);
	ASSERT_CLEAN();
	assert_int_equal(iommu_unlink(t, &phb3.groups[5]), 0);
	drop(t);
}

static void test_multilevel_on_demand(void **state)
{
	/* 2 levels of 512: 262144 entries of 4K = 1 GiB */
	struct tce_table *t = test_table(&env, 0, G1, 12, 12, 2);
	uint64_t free0 = env.pool.bytes_free;

	assert_int_equal(t->levels_allocated, 1);
	assert_int_equal(iommu_link(t, &phb4.groups[6], 0), 0);
	/* clearing where nothing was ever mapped allocates nothing */
	assert_int_equal(tce_table_stuff(t, &env.mem, 0, 0, 512), 0);
	assert_int_equal(env.pool.bytes_free, free0);
	assert_int_equal(tce_table_put_tce(t, &env.mem, 0x3ffff000, tce_of(0x5000, RW)), 0);
	assert_int_equal(t->levels_allocated, 2);
	assert_int_equal(tce_table_read_hw(t, 262143), (RAM + 0x5000) | RW);
	assert_true(t->top[511] != 0);
	/* a stuff across a leaf boundary allocates both leaves */
	assert_int_equal(tce_table_stuff(t, &env.mem, 510 * K4, tce_of(0x6000, RW), 4), 0);
	assert_int_equal(t->levels_allocated, 4);
	assert_int_equal(tce_table_read_hw(t, 513), (RAM + 0x6000) | RW);
	assert_int_equal(guest_value(t, 513 * K4), 0x6000 | RW);
	ASSERT_CLEAN();
	assert_int_equal(iommu_unlink(t, &phb4.groups[6]), 0);
	drop(t);
	assert_int_equal(env.pool.bytes_free, env.pool.size);
}

/* Table slots run out before this pool does: reported as ENOMEM, and the
 * tables that exist go on working. (Pool exhaustion: the test below.) */
static void test_table_slots_exhausted(void **state)
{
	struct tce_table *t = test_table(&env, 0, G1, 12, 12, 2);
	struct tce_table_geometry g = { 0, 1 << 21, 12, 12, 1 };
	struct tce_table *hog[TCE_TABLES_MAX];
	unsigned int n = 0, i;
	int err;

	while (n < TCE_TABLES_MAX && (hog[n] = tce_table_create(&env.pool, &g, &err)))
		n++;
	assert_int_equal(n, TCE_TABLES_MAX - 1);	/* t holds the other slot */
	assert_int_equal(err, IOMMU_ENOMEM);
	assert_true(env.pool.bytes_free > 0);
	assert_int_equal(tce_table_put_tce(t, &env.mem, 0, tce_of(0x1000, RW)), IOMMU_OK);
	for (i = 0; i < n; i++)
		tce_table_put(hog[i]);
	drop(t);
}

static void test_pool_exhaustion_midway(void **state)
{
	static struct test_env small;
	struct tce_table_geometry g = { 0, G1, 12, 12, 2 };
	struct tce_table *t;
	uint64_t v, k;
	int err;

	/* pool of 32 KiB: the top (4K) and seven 4K leaves fit, not more */
	test_env_init(&small, 1, 256);
	small.pool.max_order = 3;
	small.pool.bytes_free = 0;
	/* rebuild a tiny pool in the same memory */
	assert_true(tce_pool_init(&small.pool, small.pool_mem, (uintptr_t)small.pool_mem, 32768));
	t = tce_table_create(&small.pool, &g, &err);
	assert_non_null(t);
	for (k = 0; k < 7; k++)
		assert_int_equal(tce_table_put_tce(t, &small.mem, k * 512 * K4, tce_of(0x1000, RW)),
				 0);
	/* now the pool is empty: the next leaf cannot be had */
	assert_int_equal(tce_table_stuff(t, &small.mem, 4000 * K4, tce_of(0x2000, RW), 100),
			 IOMMU_ENOMEM);
	assert_int_equal(tce_table_get_tce(t, &small.mem, 4000 * K4, &v), 0);
	assert_int_equal(v, 0);
	/* the entries already there are untouched */
	assert_int_equal(tce_table_read_hw(t, 512), (RAM + 0x1000) | RW);
	tce_table_put(t);
	assert_int_equal(small.pool.bytes_free, small.pool.size);
	test_env_fini(&small);
	shadow_reset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_geometry_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_get_and_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ioba_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tce_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kills_phb4_one_pe_kill_per_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kills_phb3_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill_failure_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kills_plan_two_phbs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_failure_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_page_larger_than_hw_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multilevel_on_demand, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_slots_exhausted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_exhaustion_midway, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
