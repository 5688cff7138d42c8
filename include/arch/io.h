/*
 * MMIO accessors for hardware registers, for drivers/ only.
 *
 * The hypervisor runs little-endian in real mode. Device registers are
 * reached with the cache-inhibited real-mode forms (ld/st..cix); big-endian
 * registers (PHB, XSCOM, edu) are byte-swapped in registers, little-endian
 * ones (PCI config data) are not. Every access is ordered: a sync before
 * stores and an eieio/sync pair around loads keeps device side effects in
 * program order, as skiboot's accessors do.
 */
#ifndef ARCH_IO_H
#define ARCH_IO_H

#include <stdint.h>

static inline uint8_t in_8(uint64_t addr)
{
	uint8_t v;

	__asm__ volatile("sync; lbzcix %0,0,%1; eieio" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void out_8(uint64_t addr, uint8_t v)
{
	__asm__ volatile("sync; stbcix %0,0,%1" : : "r"(v), "r"(addr) : "memory");
}

static inline uint32_t in_le32(uint64_t addr)
{
	uint32_t v;

	__asm__ volatile("sync; lwzcix %0,0,%1; eieio" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void out_le32(uint64_t addr, uint32_t v)
{
	__asm__ volatile("sync; stwcix %0,0,%1" : : "r"(v), "r"(addr) : "memory");
}

static inline uint16_t in_le16(uint64_t addr)
{
	uint16_t v;

	__asm__ volatile("sync; lhzcix %0,0,%1; eieio" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void out_le16(uint64_t addr, uint16_t v)
{
	__asm__ volatile("sync; sthcix %0,0,%1" : : "r"(v), "r"(addr) : "memory");
}

static inline uint64_t in_le64(uint64_t addr)
{
	uint64_t v;

	__asm__ volatile("sync; ldcix %0,0,%1; eieio" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void out_le64(uint64_t addr, uint64_t v)
{
	__asm__ volatile("sync; stdcix %0,0,%1" : : "r"(v), "r"(addr) : "memory");
}

static inline uint64_t in_be64(uint64_t addr)
{
	return __builtin_bswap64(in_le64(addr));
}

static inline void out_be64(uint64_t addr, uint64_t v)
{
	out_le64(addr, __builtin_bswap64(v));
}

static inline uint32_t in_be32(uint64_t addr)
{
	return __builtin_bswap32(in_le32(addr));
}

#endif /* ARCH_IO_H */
