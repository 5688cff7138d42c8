/* iommu/tce_pool.c: natural alignment, splitting and merging, exhaustion. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>
#include <iommu/tce_pool.h>

static struct tce_pool pool;
static uint8_t *mem;

static int setup(void **state)
{
	mem = aligned_alloc(32 << 20, 32 << 20);
	assert_true(tce_pool_init(&pool, mem, (uintptr_t)mem, 8 << 20));
	return 0;
}

static int teardown(void **state)
{
	free(mem);
	return 0;
}

static void test_alignment_and_zeroing(void **state)
{
	unsigned int order;

	assert_int_equal(pool.max_order, 11);	/* 8 MiB blocks */
	for (order = 0; order <= 8; order++) {
		uint8_t *b = tce_pool_alloc(&pool, order);
		uint64_t bytes = TCE_POOL_PAGE << order, i;

		assert_non_null(b);
		assert_int_equal(tce_pool_hpa(&pool, b) & (bytes - 1), 0);
		for (i = 0; i < bytes; i += 512)
			assert_int_equal(b[i], 0);
		b[0] = 0xff;	/* dirty it: the next allocation must be zeroed again */
		tce_pool_free(&pool, b, order);
	}
	assert_int_equal(pool.bytes_free, pool.size);
}

static void test_split_merge_exhaust(void **state)
{
	static void *blocks[2048];
	unsigned int n = 0, i;

	/* every 4 KiB page, then nothing */
	while (n < 2048 && (blocks[n] = tce_pool_alloc(&pool, 0)))
		n++;
	assert_int_equal(n, 2048);
	assert_int_equal(pool.bytes_free, 0);
	assert_null(tce_pool_alloc(&pool, 0));
	assert_int_equal(pool.failures, 1);
	/* free in a scattered order: buddies merge back to one 8 MiB block */
	for (i = 0; i < n; i += 2)
		tce_pool_free(&pool, blocks[i], 0);
	for (i = 1; i < n; i += 2)
		tce_pool_free(&pool, blocks[i], 0);
	assert_non_null(blocks[0] = tce_pool_alloc(&pool, 11));
	tce_pool_free(&pool, blocks[0], 11);
	assert_null(tce_pool_alloc(&pool, 12));	/* above the largest block */
}

static void test_va_hpa(void **state)
{
	void *b = tce_pool_alloc(&pool, 1);

	assert_ptr_equal(tce_pool_va(&pool, tce_pool_hpa(&pool, b)), b);
	assert_null(tce_pool_va(&pool, (uintptr_t)mem + (8 << 20)));
	assert_null(tce_pool_va(&pool, (uintptr_t)mem - 1));
	tce_pool_free(&pool, b, 1);
}

static void test_unusable_regions(void **state)
{
	struct tce_pool *p = test_malloc(sizeof(*p));

	assert_false(tce_pool_init(p, NULL, 0, 1 << 20));
	assert_false(tce_pool_init(p, mem + 8, (uintptr_t)mem + 8, 1 << 20));
	assert_false(tce_pool_init(p, mem, (uintptr_t)mem, 100));
	/* a region aligned only to 64 KiB gets blocks of at most 64 KiB */
	assert_true(tce_pool_init(p, mem + (64 << 10), (uintptr_t)mem + (64 << 10), 1 << 20));
	assert_int_equal(p->max_order, 4);
	test_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alignment_and_zeroing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_merge_exhaust, setup, teardown),
		cmocka_unit_test_setup_teardown(test_va_hpa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unusable_regions, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
