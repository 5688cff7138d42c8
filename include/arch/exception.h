/* Exceptions taken in hypervisor state (guest exits are not these). */
#ifndef ARCH_EXCEPTION_H
#define ARCH_EXCEPTION_H

#include <stdint.h>
#include <arch/cpu.h>

/* Called from arch/vectors.S with the interrupted context. Returns only if
 * the exception was expected and handled; otherwise prints a dump and
 * powers off. */
void exception_hv(struct regs *r);
const char *exception_name(uint64_t vec);
/* Print the register dump of a frame (also used for guest crashes). */
void exception_dump(const struct regs *r);

#endif /* ARCH_EXCEPTION_H */
