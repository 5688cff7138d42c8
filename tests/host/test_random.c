/*
 * Randomised sequences of link / unlink / put / stuff / list / get, with
 * fixed seeds, checked
 *   - after every operation: the shadow TCE-cache checker (no PE may hold
 *     a stale entry), and the return code a reference model of the rules,
 *     written independently of the core, expects (get: also the value);
 *   - every 997 operations and at the end: every guest-visible value and
 *     every hardware entry of every table against the model, and the
 *     isolation oracle (no hardware entry points outside guest memory).
 * 100,000 operations per seed; three seeds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "fake_phb.h"

#define OPS		100000
#define RAM_MIB		256
#define RAM_HPA		0x40000000ULL
#define NT		3
#define NG		8
#define RW		(TCE_READ | TCE_WRITE)

static struct test_env env;
static struct fake_phb phb_a, phb_b;	/* PE kills only; ranges up to 8 pages */
static struct tce_table *tbl[NT];
static uint64_t *model[NT];		/* guest-visible value per guest entry */
static int linked[NT][NG];		/* window the group uses for the table, or -1 */
static uint64_t rng;

static uint64_t rnd(void)
{
	/* xorshift64*: deterministic for a seed, no libc state */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static struct table_group *group(unsigned int g)
{
	return g < NG / 2 ? &phb_a.groups[1 + g] : &phb_b.groups[1 + g - NG / 2];
}

/* ---- the reference model ------------------------------------------------ */

static uint64_t page(unsigned int t)
{
	return 1ULL << tbl[t]->page_shift;
}

static int ref_range(unsigned int t, uint64_t ioba, uint64_t count, uint64_t *gi)
{
	struct tce_table *T = tbl[t];

	if (ioba < T->bus_offset || ioba >= T->bus_offset + T->window_size)
		return IOMMU_ERANGE;
	if ((ioba - T->bus_offset) % page(t))
		return IOMMU_EALIGN;
	*gi = (ioba - T->bus_offset) / page(t);
	if (count > tce_table_entries(T) || *gi + count > tce_table_entries(T))
		return IOMMU_ERANGE;
	return IOMMU_OK;
}

/* A mapping's reserved bits (2-11) must be clear: they make it misaligned. */
static int ref_tce(unsigned int t, uint64_t tce)
{
	uint64_t gpa = tce & ~RW;

	if (!(tce & RW))
		return IOMMU_OK;
	if (gpa % page(t) || gpa >= ((uint64_t)RAM_MIB << 20) ||
	    gpa + page(t) > ((uint64_t)RAM_MIB << 20))
		return IOMMU_ETCE;
	return IOMMU_OK;
}

static uint64_t ref_hw(unsigned int t, uint64_t hw_index)
{
	unsigned int rs = tbl[t]->page_shift - tbl[t]->hw_page_shift;
	uint64_t v = model[t][hw_index >> rs];

	if (!(v & RW))
		return v;	/* a page fault is stored as the guest gave it */
	return (RAM_HPA + (v & ~0xfffULL) + ((hw_index & ((1ULL << rs) - 1)) << 12)) | (v & RW);
}

/* ---- random arguments ----------------------------------------------------- */

static uint64_t rnd_ioba(unsigned int t)
{
	struct tce_table *T = tbl[t];

	switch (below(10)) {
	case 0:
		return rnd();					/* anything */
	case 1:
		return T->bus_offset + below(T->window_size);	/* maybe misaligned */
	case 2:
		return T->bus_offset + T->window_size - page(t) * below(3);	/* the end */
	default:
		return T->bus_offset + page(t) * below(tce_table_entries(T));
	}
}

static uint64_t rnd_tce(unsigned int t)
{
	switch (below(12)) {
	case 0:
		return 0;
	case 1:
		return rnd() & ~RW;				/* page fault with garbage */
	case 2:
		return rnd();					/* anything */
	case 3:
		return (((uint64_t)RAM_MIB << 20) - page(t) * below(2)) | (1 + below(3));
	default:
		return (page(t) * below(((uint64_t)RAM_MIB << 20) / page(t) / 16)) | (1 + below(3));
	}
}

/* ---- operations ------------------------------------------------------------------ */

static void op_link(void)
{
	unsigned int t = (unsigned int)below(NT), g = (unsigned int)below(NG), t2;
	int w = tbl[t]->bus_offset ? 1 : 0, want = IOMMU_OK;

	for (t2 = 0; t2 < NT; t2++)
		if (linked[t2][g] == w || (t2 == t && linked[t2][g] >= 0))
			want = IOMMU_EBUSY;
	assert_int_equal(iommu_link(tbl[t], group(g), w), want);
	if (!want)
		linked[t][g] = w;
}

static void op_unlink(void)
{
	unsigned int t = (unsigned int)below(NT), g = (unsigned int)below(NG);

	assert_int_equal(iommu_unlink(tbl[t], group(g)),
			 linked[t][g] >= 0 ? IOMMU_OK : IOMMU_ENOENT);
	linked[t][g] = -1;
}

static void op_stuff(bool single)
{
	unsigned int t = (unsigned int)below(NT);
	uint64_t ioba = rnd_ioba(t), tce = rnd_tce(t), gi = 0, k;
	uint64_t count = single ? 1 : below(8) == 0 ? rnd() : below(600);
	int want = ref_range(t, ioba, count, &gi);

	if (!want)
		want = ref_tce(t, tce);
	assert_int_equal(single ? tce_table_put_tce(tbl[t], &env.mem, ioba, tce) :
			 tce_table_stuff(tbl[t], &env.mem, ioba, tce, count), want);
	if (!want)
		for (k = 0; k < count; k++)
			model[t][gi + k] = tce;
}

static void op_list(void)
{
	static uint64_t list[TCE_LIST_MAX];
	unsigned int t = (unsigned int)below(NT);
	uint64_t ioba = rnd_ioba(t), count = below(70), gi = 0, k;
	int want = ref_range(t, ioba, count, &gi);

	for (k = 0; k < count; k++) {
		list[k] = below(20) ? (page(t) * below(4096)) | (1 + below(3)) : rnd_tce(t);
		if (!want)
			want = ref_tce(t, list[k]);
	}
	assert_int_equal(tce_table_put_list(tbl[t], &env.mem, ioba, list, count), want);
	if (!want)
		for (k = 0; k < count; k++)
			model[t][gi + k] = list[k];
}

static void op_get(void)
{
	unsigned int t = (unsigned int)below(NT);
	uint64_t ioba = rnd_ioba(t), gi = 0, v = 0;
	int want = ref_range(t, ioba, 1, &gi);

	assert_int_equal(tce_table_get_tce(tbl[t], &env.mem, ioba, &v), want);
	if (!want)
		assert_int_equal(v, model[t][gi]);
}

/* Every guest-visible value and hardware entry equals the model's, and
 * every hardware entry points inside guest memory. */
static void check_tables(void)
{
	static uint64_t hw[4096];
	unsigned int t;
	uint64_t i, v;

	for (t = 0; t < NT; t++) {
		uint64_t n = tce_table_hw_entries(tbl[t]);

		for (i = 0; i < tce_table_entries(tbl[t]); i++) {
			assert_int_equal(tce_table_get_tce(tbl[t], &env.mem, tbl[t]->bus_offset +
							   (i << tbl[t]->page_shift), &v), IOMMU_OK);
			assert_int_equal(v, model[t][i]);
		}

		tce_table_read_hw_range(tbl[t], 0, n, hw);
		for (i = 0; i < n; i++) {
			assert_int_equal(hw[i], ref_hw(t, i));
			if (hw[i] & RW)
				assert_true(guest_mem_owns_hpa(&env.mem, hw[i] & ~0xfffULL,
							       1ULL << tbl[t]->hw_page_shift));
		}
	}
}

static void run_seed(uint64_t seed)
{
	unsigned int t, g, i;
	uint64_t kills_before = 0;

	test_env_init(&env, 64, RAM_MIB);
	fake_phb_init(&phb_a, 0, 0, ~0ULL);
	fake_phb_init(&phb_b, 1, 8, ~0ULL);
	tbl[0] = test_table(&env, 0, 2 << 20, 12, 12, 1);		/* 512 entries */
	tbl[1] = test_table(&env, 0, 4 << 20, 16, 12, 1);		/* 64 x 16 */
	tbl[2] = test_table(&env, TCE_WINDOW1_BUS, 2 << 20, 12, 12, 1);
	for (t = 0; t < NT; t++) {
		assert_non_null(tbl[t]);
		model[t] = test_calloc(tce_table_entries(tbl[t]), 8);
		for (g = 0; g < NG; g++)
			linked[t][g] = -1;
	}
	rng = seed;
	for (i = 0; i < OPS; i++) {
		unsigned int r = (unsigned int)below(100);

		fake_log_n = 0;		/* the log only needs to hold one op */
		if (r < 5)
			op_link();
		else if (r < 9)
			op_unlink();
		else if (r < 45)
			op_stuff(true);
		else if (r < 65)
			op_stuff(false);
		else if (r < 90)
			op_list();
		else
			op_get();
		kills_before += fake_kills();
		if (shadow_check()) {
			print_error("seed %lu op %u: a PE holds a stale entry\n",
				    (unsigned long)seed, i);
			fail();
		}
		if (i % 997 == 0)
			check_tables();
	}
	check_tables();
	assert_true(kills_before > 0);
	for (t = 0; t < NT; t++) {
		for (g = 0; g < NG; g++)
			if (linked[t][g] >= 0)
				assert_int_equal(iommu_unlink(tbl[t], group(g)), IOMMU_OK);
		shadow_untrack(tbl[t]);
		tce_table_put(tbl[t]);
		test_free(model[t]);
	}
	assert_int_equal(group_links_in_use(), 0);
	assert_int_equal(env.pool.bytes_free, env.pool.size);
	test_env_fini(&env);
}

static void test_seed_1(void **state)
{
	run_seed(1);
}

static void test_seed_2(void **state)
{
	run_seed(0x9e3779b97f4a7c15ULL);
}

static void test_seed_3(void **state)
{
	run_seed(20261121);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_1),
		cmocka_unit_test(test_seed_2),
		cmocka_unit_test(test_seed_3),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
