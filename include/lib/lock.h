/*
 * Spinlocks. The hypervisor runs with MSR[EE] = 0, so a lock holder is never
 * interrupted: a plain test-and-set lock with acquire/release barriers is
 * enough. Portable C on GCC's __atomic builtins (lwarx/stwcx. with isync
 * and lwsync on POWER), inline because the TCE update path takes one per
 * call; iommu/ uses the same code on the host.
 */
#ifndef LIB_LOCK_H
#define LIB_LOCK_H

#include <stdbool.h>
#include <stdint.h>

struct lock {
	volatile uint32_t word;
};

#define LOCK_INIT { 0 }

/* Test-and-set: an exchange is shorter than a compare-and-swap (no
 * compare inside the reservation), and a taken lock stays 1. */
static inline bool lock_try(struct lock *l)
{
	return __atomic_exchange_n(&l->word, 1, __ATOMIC_ACQUIRE) == 0;
}

static inline void lock_take(struct lock *l)
{
	while (!lock_try(l)) {
		while (__atomic_load_n(&l->word, __ATOMIC_RELAXED))
			;
	}
}

static inline void lock_release(struct lock *l)
{
	__atomic_store_n(&l->word, 0, __ATOMIC_RELEASE);
}

#endif /* LIB_LOCK_H */
