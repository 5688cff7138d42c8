/*
 * Spinlocks on GCC's __atomic builtins: portable C, so iommu/ can use the
 * same code on the host. On ppc64 these are lwarx/stwcx. loops with
 * acquire (isync) and release (lwsync) barriers.
 */
#include <lib/lock.h>

bool lock_try(struct lock *l)
{
	uint32_t expected = 0;

	return __atomic_compare_exchange_n(&l->word, &expected, 1, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

void lock_take(struct lock *l)
{
	while (!lock_try(l)) {
		while (__atomic_load_n(&l->word, __ATOMIC_RELAXED))
			;
	}
}

void lock_release(struct lock *l)
{
	__atomic_store_n(&l->word, 0, __ATOMIC_RELEASE);
}
