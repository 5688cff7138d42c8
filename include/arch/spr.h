/* Special-purpose register access and a few single instructions. */
#ifndef ARCH_SPR_H
#define ARCH_SPR_H

#include <stdint.h>
#include <arch/ppc.h>

#define mfspr(n) ({ uint64_t __v; __asm__ volatile("mfspr %0," #n : "=r"(__v)); __v; })
#define mtspr(n, v) __asm__ volatile("mtspr " #n ",%0" : : "r"((uint64_t)(v)) : "memory")
/* The SPR number must be a literal for the assembler: expand macros first. */
#define mfspr_n(n) mfspr(n)
#define mtspr_n(n, v) mtspr(n, v)
#define MFSPR(name) mfspr_n(name)
#define MTSPR(name, v) mtspr_n(name, v)

static inline uint64_t mfmsr(void)
{
	uint64_t v;

	__asm__ volatile("mfmsr %0" : "=r"(v));
	return v;
}

static inline uint64_t mftb(void)
{
	uint64_t v;

	__asm__ volatile("mftb %0" : "=r"(v));
	return v;
}

static inline void sync(void)
{
	__asm__ volatile("sync" : : : "memory");
}

static inline void lwsync(void)
{
	__asm__ volatile("lwsync" : : : "memory");
}

static inline void isync(void)
{
	__asm__ volatile("isync" : : : "memory");
}

static inline void eieio(void)
{
	__asm__ volatile("eieio" : : : "memory");
}

#endif /* ARCH_SPR_H */
