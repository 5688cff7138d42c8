/*
 * Concurrency stress: host threads link and unlink groups and replace the
 * published table while other threads update it. Run under ASan/UBSan in
 * `make test` (short) and under ThreadSanitizer in `make tsan` (longer).
 *
 * Tables are replaced while in use, the reference-count contract of
 * tce_table.h: a lookup lock protects the "published" table pointer;
 * users take a reference under it and drop it when done. A retiring table
 * is unpublished, its groups unlinked, and its creator reference dropped:
 * it must stay alive while an update still holds it and return all of its
 * memory afterwards. (tcevisor's TCE hcalls need no reference: a guest's
 * window tables live as long as the guest, see guest_window() in
 * include/hv/guest.h; link and unlink still race with their updates here.)
 *
 * Checked: no sanitizer report; every kill names a PE of this PHB that a
 * linker has begun to link (iommu_link puts the link in the fan-out list
 * before it sets the TVE, so a kill may come just before the TVE; the fake
 * checks under the PHB's own lock); at the end every link is gone, every
 * table freed, the pool whole.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>
#include <iommu/guest_mem.h>
#include <iommu/table_group.h>
#include <iommu/tce_pool.h>
#include <iommu/tce_table.h>

#ifndef STRESS_ITERS
#define STRESS_ITERS	20000
#endif
#define NGROUPS		8
#define RW		(TCE_READ | TCE_WRITE)

/* A thread-safe fake PHB: set_window records the TVE, kills count and
 * are checked against the PEs a linker announced (announce()). */
struct cfake {
	struct iommu_phb iphb;
	pthread_mutex_t lock;
	const struct tce_table *tve[NGROUPS + 1][TCE_WINDOWS];
	bool ever_linked[NGROUPS + 1];
	uint64_t kills, bad_kills, syncs, set_windows;
};

static struct cfake phb;
static struct table_group groups[NGROUPS];
static struct tce_pool pool;
static struct guest_mem mem = { 1, { GUEST_MEM_RANGE(0, 0x40000000ULL, 256ULL << 20) } };
static pthread_mutex_t lookup = PTHREAD_MUTEX_INITIALIZER;
static struct tce_table *published;
static uint64_t updates_ok, tables_made;

static int c_set_window(struct iommu_phb *i, uint32_t pe, int w, const struct tce_table *t)
{
	struct cfake *f = (struct cfake *)i;

	pthread_mutex_lock(&f->lock);
	f->tve[pe][w] = t;
	f->set_windows++;
	pthread_mutex_unlock(&f->lock);
	return 0;
}

static int c_kill_pe(struct iommu_phb *i, uint32_t pe)
{
	struct cfake *f = (struct cfake *)i;

	pthread_mutex_lock(&f->lock);
	f->kills++;
	if (pe < 1 || pe > NGROUPS || !f->ever_linked[pe])
		f->bad_kills++;		/* counted: cmocka asserts are not thread-safe */
	pthread_mutex_unlock(&f->lock);
	return 0;
}

static int c_kill_range(struct iommu_phb *i, uint32_t pe, uint64_t bus, uint64_t n, unsigned int s)
{
	return c_kill_pe(i, pe);
}

static int c_kill_all(struct iommu_phb *i)
{
	struct cfake *f = (struct cfake *)i;

	pthread_mutex_lock(&f->lock);
	f->kills++;
	pthread_mutex_unlock(&f->lock);
	return 0;
}

static int c_sync(struct iommu_phb *i)
{
	struct cfake *f = (struct cfake *)i;

	pthread_mutex_lock(&f->lock);
	f->syncs++;
	pthread_mutex_unlock(&f->lock);
	return 0;
}

static const struct phb_ops cops = {
	.set_window = c_set_window,
	.kill_range = c_kill_range,
	.kill_pe = c_kill_pe,
	.kill_all = c_kill_all,
	.kill_pes = iommu_kill_pes_each,
	.sync = c_sync,
};

static struct tce_table *acquire(void)
{
	struct tce_table *t;

	pthread_mutex_lock(&lookup);
	t = published;
	if (t)
		tce_table_get(t);
	pthread_mutex_unlock(&lookup);
	return t;
}

static struct tce_table *make_table(void)
{
	struct tce_table_geometry g = { 0, 2 << 20, 12, 12, 1 };
	int err;
	struct tce_table *t = tce_table_create(&pool, &g, &err);

	assert_non_null(t);
	__atomic_add_fetch(&tables_made, 1, __ATOMIC_RELAXED);
	return t;
}

static void *updater(void *arg)
{
	uint64_t seed = (uintptr_t)arg, i;
	static __thread uint64_t list[64];

	for (i = 0; i < STRESS_ITERS; i++) {
		struct tce_table *t = acquire();
		uint64_t idx, k;
		int rc;

		if (!t)
			continue;
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		idx = (seed >> 33) % 448;
		switch (i % 3) {
		case 0:
			rc = tce_table_put_tce(t, &mem, idx << 12, (idx << 12) | RW);
			break;
		case 1:
			rc = tce_table_stuff(t, &mem, idx << 12, 0, 64);
			break;
		default:
			for (k = 0; k < 64; k++)
				list[k] = ((idx + k) << 12) | TCE_READ;
			rc = tce_table_put_list(t, &mem, idx << 12, list, 64);
		}
		assert_int_equal(rc, IOMMU_OK);
		__atomic_add_fetch(&updates_ok, 1, __ATOMIC_RELAXED);
		tce_table_put(t);
	}
	return NULL;
}

static void announce(uint32_t pe)
{
	pthread_mutex_lock(&phb.lock);
	phb.ever_linked[pe] = true;
	pthread_mutex_unlock(&phb.lock);
}

/* Links and unlinks its own groups to whatever table is published. */
static void *linker(void *arg)
{
	unsigned int first = (unsigned int)(uintptr_t)arg, i;

	for (i = 0; i < STRESS_ITERS; i++) {
		struct table_group *g = &groups[first + i % (NGROUPS / 2)];
		struct tce_table *t = acquire(), *cur;

		if (!t)
			continue;
		cur = table_group_table(g, 0);
		if (cur) {
			assert_int_equal(iommu_unlink(cur, g), IOMMU_OK);
		} else {
			announce(g->pe);
			assert_int_equal(iommu_link(t, g, 0), IOMMU_OK);
		}
		tce_table_put(t);
	}
	return NULL;
}

/* Replaces the published table now and then; the old one is unlinked by
 * the linkers over time and freed when its last user lets go. */
static void *replacer(void *arg)
{
	unsigned int i;

	for (i = 0; i < STRESS_ITERS / 50; i++) {
		struct tce_table *fresh = make_table(), *old;

		pthread_mutex_lock(&lookup);
		old = published;
		published = fresh;
		pthread_mutex_unlock(&lookup);
		tce_table_put(old);	/* the creator's reference */
	}
	return NULL;
}

static void test_stress(void **state)
{
	static uint8_t *mem_block;
	pthread_t th[5];
	unsigned int i;

	mem_block = aligned_alloc(32 << 20, 32 << 20);
	assert_true(tce_pool_init(&pool, mem_block, (uintptr_t)mem_block, 32 << 20));
	phb.iphb.ops = &cops;
	phb.iphb.kill_threshold = 0;
	phb.iphb.page_sizes = ~0ULL;
	pthread_mutex_init(&phb.lock, NULL);
	for (i = 0; i < NGROUPS; i++)
		table_group_init(&groups[i], &phb.iphb, i + 1);
	published = make_table();

	pthread_create(&th[0], NULL, updater, (void *)1);
	pthread_create(&th[1], NULL, updater, (void *)2);
	pthread_create(&th[2], NULL, linker, (void *)0);
	pthread_create(&th[3], NULL, linker, (void *)(NGROUPS / 2));
	pthread_create(&th[4], NULL, replacer, NULL);
	for (i = 0; i < 5; i++)
		pthread_join(th[i], NULL);

	for (i = 0; i < NGROUPS; i++) {
		struct tce_table *t = table_group_table(&groups[i], 0);

		if (t)
			assert_int_equal(iommu_unlink(t, &groups[i]), IOMMU_OK);
		assert_null(phb.tve[i + 1][0]);
	}
	tce_table_put(published);
	assert_int_equal(group_links_in_use(), 0);
	for (i = 0; i < TCE_TABLES_MAX; i++)
		assert_null(tce_table_by_id(i));
	assert_int_equal(pool.bytes_free, pool.size);
	assert_true(updates_ok > 0 && phb.kills > 0 && tables_made > 1);
	assert_int_equal(phb.bad_kills, 0);
	free(mem_block);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
