/*
 * Device registers from the test guest. It runs in real mode (MSR IR =
 * DR = 0), where the hypervisor's partition-scoped mapping of a BAR is
 * cache-inhibited; the caching-inhibited *cix forms are hypervisor-only,
 * so these are plain loads and stores, ordered by hand: `sync` before
 * every access (earlier RAM writes, e.g. a DMA buffer or a queue entry,
 * reach memory before the device is told about them) and, after a load,
 * the usual twi/isync so that nothing later runs ahead of the value.
 *
 * NVMe registers are little-endian like the guest; edu's are big-endian
 * (QEMU's DEVICE_NATIVE_ENDIAN on ppc64), hence the byte-reversed forms.
 */
#ifndef GUEST_MMIO_H
#define GUEST_MMIO_H

#include <stdint.h>

static inline uint32_t mmio_read32(uint64_t a)
{
	uint32_t v;

	__asm__ volatile("sync; lwz %0, 0(%1); twi 0, %0, 0; isync"
			 : "=r"(v) : "b"(a) : "memory");
	return v;
}

static inline void mmio_write32(uint64_t a, uint32_t v)
{
	__asm__ volatile("sync; stw %0, 0(%1)" : : "r"(v), "b"(a) : "memory");
}

static inline uint64_t mmio_read64_be(uint64_t a)
{
	uint64_t v;

	__asm__ volatile("sync; ldbrx %0, 0, %1; twi 0, %0, 0; isync"
			 : "=r"(v) : "r"(a) : "memory");
	return v;
}

static inline void mmio_write64_be(uint64_t a, uint64_t v)
{
	__asm__ volatile("sync; stdbrx %0, 0, %1" : : "r"(v), "r"(a) : "memory");
}

static inline uint32_t mmio_read32_be(uint64_t a)
{
	uint32_t v;

	__asm__ volatile("sync; lwbrx %0, 0, %1; twi 0, %0, 0; isync"
			 : "=r"(v) : "r"(a) : "memory");
	return v;
}

#endif /* GUEST_MMIO_H */
