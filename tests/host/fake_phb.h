/*
 * A recording fake PHB for host tests, and the shadow TCE-cache checker.
 *
 * The fake implements phb_ops by logging each call. The shadow models the
 * worst TCE cache a PE could have: any PE that translates through a table
 * may have cached any of its entries, valid or not, at any moment. So an
 * entry that changes while a PE translates through its table leaves that
 * PE stale for that entry until a kill covering it completes, and pointing
 * a PE's window at a table leaves the whole window stale until a PE kill.
 * Changes are found by comparing every tracked table with its last known
 * contents at each kill, sync and TVE change and at shadow_check(); a kill
 * therefore covers only writes made before it. A kill only queues: it
 * takes effect when its PHB is next synced (phb_ops.h), so a missing sync
 * leaves the PE stale.
 */
#ifndef TESTS_FAKE_PHB_H
#define TESTS_FAKE_PHB_H

#include <stdbool.h>
#include <stdint.h>
#include <iommu/guest_mem.h>
#include <iommu/phb_ops.h>
#include <iommu/table_group.h>
#include <iommu/tce_pool.h>
#include <iommu/tce_table.h>

#define FAKE_PES	16
#define FAKE_LOG_MAX	65536

enum fake_op { FK_SET_WINDOW, FK_KILL_RANGE, FK_KILL_PE, FK_KILL_ALL, FK_SYNC };

struct fake_phb {
	struct iommu_phb iphb;		/* first: the ops get this pointer */
	int id;
	int fail_kills;			/* > 0: that many kills fail from now */
	int fail_syncs;			/* > 0: that many syncs fail from now */
	int fail_set_window;		/* > 0: that many set_window calls fail */
	struct table_group groups[FAKE_PES];
};

struct fake_event {
	enum fake_op op;
	struct fake_phb *phb;
	uint32_t pe;
	int window;
	const struct tce_table *tbl;
	uint64_t bus, npages;
	unsigned int shift;
};

extern struct fake_event fake_log[FAKE_LOG_MAX];
extern unsigned int fake_log_n;
extern bool fake_shadow_enabled;

void fake_phb_init(struct fake_phb *f, int id, uint64_t threshold, uint64_t page_sizes);
void fake_log_clear(void);
/* Events of one kind, on phb (NULL: any), for pe (-1: any). */
unsigned int fake_count(enum fake_op op, const struct fake_phb *phb, int pe);
unsigned int fake_kills(void);
/* Does every PHB that was given a kill in the log have a sync after its
 * last kill? */
bool fake_synced_after_kills(void);

/* Shadow checker */
void shadow_reset(void);
void shadow_track(struct tce_table *tbl);
void shadow_untrack(struct tce_table *tbl);
/* Stale (PE, window, entry) triples now; prints the first few. */
unsigned long shadow_check(void);

/* A pool, a guest memory map and helpers shared by the tests. */
struct test_env {
	struct tce_pool pool;
	void *pool_mem;
	struct guest_mem mem;
	void *guest_ram;		/* host memory standing for the guest's RAM */
};
/* Pool of pool_mib MiB; guest RAM of ram_mib MiB at gpa 0. */
void test_env_init(struct test_env *e, unsigned int pool_mib, unsigned int ram_mib);
void test_env_fini(struct test_env *e);
struct tce_table *test_table(struct test_env *e, uint64_t bus, uint64_t window,
			     unsigned int page_shift, unsigned int hw_shift, unsigned int levels);
/* A mapping TCE for guest page gpa with permissions perm. */
static inline uint64_t tce_of(uint64_t gpa, uint64_t perm)
{
	return gpa | perm;
}

#endif /* TESTS_FAKE_PHB_H */
