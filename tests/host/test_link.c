/* iommu/table_group.c: link/unlink rules, their PHB operations in order,
 * failure rollback, and table lifetime through references. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "fake_phb.h"

#define SIZES ((1ULL << 12) | (1ULL << 16))

static struct test_env env;
static struct fake_phb phb;

static int setup(void **state)
{
	test_env_init(&env, 64, 256);
	fake_phb_init(&phb, 0, 0, SIZES);
	return 0;
}

static int teardown(void **state)
{
	assert_int_equal(group_links_in_use(), 0);
	assert_int_equal(env.pool.bytes_free, env.pool.size);
	test_env_fini(&env);
	return 0;
}

static void test_link_rules(void **state)
{
	struct tce_table *w0 = test_table(&env, 0, 2 << 20, 12, 12, 1);
	struct tce_table *w1 = test_table(&env, TCE_WINDOW1_BUS, 2 << 20, 12, 12, 1);
	struct tce_table *big = test_table(&env, 0, 1ULL << 30, 21, 21, 1);	/* 2M pages */
	struct table_group *g = &phb.groups[1];

	assert_int_equal(iommu_link(w0, g, 2), IOMMU_EINVAL);
	assert_int_equal(iommu_link(w0, g, -1), IOMMU_EINVAL);
	assert_int_equal(iommu_link(w0, g, 1), IOMMU_EINVAL);	/* bus 0 is window 0 */
	assert_int_equal(iommu_link(w1, g, 0), IOMMU_EINVAL);
	assert_int_equal(iommu_link(big, g, 0), IOMMU_EINVAL);	/* PHB has no 2M pages */
	assert_int_equal(fake_log_n, 0);
	assert_int_equal(iommu_link(w0, g, 0), IOMMU_OK);
	assert_int_equal(iommu_link(w0, g, 0), IOMMU_EBUSY);
	assert_int_equal(iommu_link(w1, g, 1), IOMMU_OK);	/* both windows in use */
	assert_ptr_equal(table_group_table(g, 0), w0);
	assert_ptr_equal(table_group_table(g, 1), w1);
	assert_int_equal(w0->nr_links, 1);
	assert_int_equal(iommu_unlink(big, g), IOMMU_ENOENT);
	assert_int_equal(iommu_unlink(w0, g), IOMMU_OK);
	assert_int_equal(iommu_unlink(w0, g), IOMMU_ENOENT);
	assert_int_equal(iommu_unlink(w1, g), IOMMU_OK);
	assert_int_equal(shadow_check(), 0);
	shadow_untrack(w0);
	shadow_untrack(w1);
	shadow_untrack(big);
	tce_table_put(w0);
	tce_table_put(w1);
	tce_table_put(big);
}

/* link: TVE first, then a PE kill and its sync (the PE may cache its old
 * window); unlink: TVE invalid, PE kill, sync, and only then off the
 * fan-out list. */
static void test_link_unlink_order(void **state)
{
	struct tce_table *t = test_table(&env, 0, 2 << 20, 12, 12, 1);
	struct table_group *g = &phb.groups[3];

	assert_int_equal(iommu_link(t, g, 0), IOMMU_OK);
	assert_int_equal(fake_log_n, 3);
	assert_int_equal(fake_log[0].op, FK_SET_WINDOW);
	assert_ptr_equal(fake_log[0].tbl, t);
	assert_int_equal(fake_log[0].pe, 3);
	assert_int_equal(fake_log[1].op, FK_KILL_PE);
	assert_int_equal(fake_log[2].op, FK_SYNC);
	assert_ptr_equal(fake_log[2].phb, &phb);
	assert_int_equal(shadow_check(), 0);
	fake_log_clear();
	assert_int_equal(iommu_unlink(t, g), IOMMU_OK);
	assert_int_equal(fake_log_n, 3);
	assert_int_equal(fake_log[0].op, FK_SET_WINDOW);
	assert_null(fake_log[0].tbl);
	assert_int_equal(fake_log[1].op, FK_KILL_PE);
	assert_int_equal(fake_log[2].op, FK_SYNC);
	/* unlinked: updates no longer reach it */
	fake_log_clear();
	assert_int_equal(tce_table_put_tce(t, &env.mem, 0, 0x1000 | TCE_READ), IOMMU_OK);
	assert_int_equal(fake_kills(), 0);
	shadow_untrack(t);
	tce_table_put(t);
}

static void test_link_failure_rolls_back(void **state)
{
	struct tce_table *t = test_table(&env, 0, 2 << 20, 12, 12, 1);
	struct table_group *g = &phb.groups[4];
	uint64_t kills, errors;

	phb.fail_set_window = 1;
	assert_int_equal(iommu_link(t, g, 0), IOMMU_EHW);
	assert_null(table_group_table(g, 0));
	assert_int_equal(t->nr_links, 0);
	assert_int_equal(t->refs, 1);
	phb.fail_kills = 1;	/* the PE kill after the TVE fails: TVE undone */
	fake_log_clear();
	kills = g->stats.kills_pe;
	errors = g->stats.kill_errors;
	assert_int_equal(iommu_link(t, g, 0), IOMMU_EHW);
	assert_int_equal(fake_log[fake_log_n - 1].op, FK_SET_WINDOW);
	assert_null(fake_log[fake_log_n - 1].tbl);
	assert_int_equal(t->nr_links, 0);
	assert_int_equal(g->stats.kills_pe, kills);		/* a failed kill is an error */
	assert_int_equal(g->stats.kill_errors, errors + 1);
	assert_int_equal(iommu_link(t, g, 0), IOMMU_OK);
	assert_int_equal(g->stats.kills_pe, kills + 1);
	assert_int_equal(iommu_unlink(t, g), IOMMU_OK);
	shadow_untrack(t);
	tce_table_put(t);
}

/* A PHB that fails the unlink keeps the link, and the table alive. */
static void test_unlink_failure_keeps_link(void **state)
{
	struct tce_table *t = test_table(&env, 0, 2 << 20, 12, 12, 1);
	struct table_group *g = &phb.groups[7];

	assert_int_equal(iommu_link(t, g, 0), IOMMU_OK);
	phb.fail_set_window = 1;
	assert_int_equal(iommu_unlink(t, g), IOMMU_EHW);
	assert_ptr_equal(table_group_table(g, 0), t);
	assert_int_equal(t->nr_links, 1);
	phb.fail_kills = 1;
	assert_int_equal(iommu_unlink(t, g), IOMMU_EHW);
	assert_int_equal(t->nr_links, 1);
	/* updates still reach the PE */
	fake_log_clear();
	assert_int_equal(tce_table_put_tce(t, &env.mem, 0, 0x1000 | TCE_READ), IOMMU_OK);
	assert_int_equal(fake_count(FK_KILL_PE, &phb, 7), 1);
	assert_int_equal(iommu_unlink(t, g), IOMMU_OK);
	shadow_untrack(t);
	tce_table_put(t);
}

/* The creator's reference goes; links keep the table until unlinked. */
static void test_table_lives_while_linked(void **state)
{
	struct tce_table *t = test_table(&env, 0, 2 << 20, 12, 12, 1);
	uint32_t id = t->id;

	assert_int_equal(iommu_link(t, &phb.groups[5], 0), IOMMU_OK);
	assert_int_equal(iommu_link(t, &phb.groups[6], 0), IOMMU_OK);
	assert_int_equal(t->refs, 3);
	shadow_untrack(t);
	tce_table_put(t);
	assert_ptr_equal(tce_table_by_id(id), t);
	assert_int_equal(iommu_unlink(t, &phb.groups[5]), IOMMU_OK);
	assert_ptr_equal(tce_table_by_id(id), t);
	assert_int_equal(iommu_unlink(t, &phb.groups[6]), IOMMU_OK);
	assert_null(tce_table_by_id(id));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_link_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_unlink_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_failure_rolls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unlink_failure_keeps_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_lives_while_linked, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
