/*
 * Spinlocks. The hypervisor runs with MSR[EE] = 0, so a lock holder is never
 * interrupted: a plain test-and-set lock with acquire/release barriers is
 * enough. Locks must not be taken from the exception path except through
 * the *_try/force variants the panic code uses.
 */
#ifndef LIB_LOCK_H
#define LIB_LOCK_H

#include <stdbool.h>
#include <stdint.h>

struct lock {
	volatile uint32_t word;
};

#define LOCK_INIT { 0 }

bool lock_try(struct lock *l);
void lock_take(struct lock *l);
void lock_release(struct lock *l);

#endif /* LIB_LOCK_H */
