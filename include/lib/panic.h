/* Fatal errors in the hypervisor itself: report and power off. */
#ifndef LIB_PANIC_H
#define LIB_PANIC_H

__attribute__((noreturn, format(printf, 1, 2)))
void panic(const char *fmt, ...);

/* Invariants of our own code (never guest input): panics with file:line. */
#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			panic("CHECK(%s) failed at %s:%d", #cond,	\
			      __FILE__, __LINE__);			\
	} while (0)

/* The machine-specific way to end: IPMI power-off on powernv. */
void panic_set_power_off(void (*fn)(void));
/* Power off without a message (the caller printed one). */
__attribute__((noreturn)) void panic_halt(void);

#endif /* LIB_PANIC_H */
