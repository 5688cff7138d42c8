/*
 * Carving host memory at boot. Everything below 32 MiB belongs to the
 * hypervisor: the image and BSS (below 16 MiB, link.ld), the FDT QEMU put
 * at 16 MiB (copied away, but kept clear for a reset). The carve-out grows
 * upward from there inside the first memory range, which on QEMU powernv
 * is all of chip 0's RAM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hv/memory.h>
#include <hv/options.h>
#include <hv/platform.h>
#include <lib/panic.h>

#define CARVE_START	(32ULL << 20)

static uint64_t next, limit, carved;
static struct tce_pool pool;
static bool pool_ok;

void memory_init(void)
{
	const char *opt = options_get("tcepool");
	uint64_t mib = opt ? strtoul(opt, NULL, 0) : HV_TCE_POOL_MIB, base;

	next = CARVE_START;
	limit = platform.nr_mem ? platform.mem[0].base + platform.mem[0].size : 0;
	/* The TCE pool first, aligned to its largest block (32 MiB) so that
	 * every table level is aligned to its size in physical memory. */
	base = memory_carve(mib << 20, TCE_POOL_PAGE << (TCE_POOL_ORDERS - 1));
	pool_ok = base && tce_pool_init(&pool, (void *)(uintptr_t)base, base, mib << 20);
	if (!pool_ok)
		printf("memory: no room for a %lu MiB TCE pool\n", mib);
	else
		printf("memory: TCE pool %lu MiB at 0x%lx; %lu MiB left for guests\n", mib, base,
		       memory_free_bytes() >> 20);
}

uint64_t memory_carve(uint64_t size, uint64_t align)
{
	uint64_t start = (next + align - 1) & ~(align - 1);

	if (!size || start < next || start > limit || size > limit - start)
		return 0;
	next = start + size;
	carved += size;
	return start;
}

int memory_claim(uint64_t addr, uint64_t size)
{
	if (!size || addr + size < addr || addr < platform.mem[0].base || addr + size > limit)
		return -2;
	if (addr < next)
		return -1;
	next = addr + size;
	carved += size;
	return 0;
}

/* Small zeroed blocks (radix page tables), naturally aligned, from 2 MiB
 * chunks carved on demand. */
void *memory_alloc_zeroed(uint64_t size)
{
	static uint64_t chunk, used, chunk_size;
	uint64_t off;

	off = (used + size - 1) & ~(size - 1);
	if (!chunk || off + size > chunk_size) {
		chunk_size = size > (2ULL << 20) ? size : 2ULL << 20;
		chunk = memory_carve(chunk_size, chunk_size);
		if (!chunk)
			return NULL;
		used = off = 0;
	}
	used = off + size;
	memset((void *)(uintptr_t)(chunk + off), 0, size);
	return (void *)(uintptr_t)(chunk + off);
}

uint64_t memory_free_bytes(void)
{
	return limit > next ? limit - next : 0;
}

uint64_t memory_carved_bytes(void)
{
	return carved;
}

struct tce_pool *hv_tce_pool(void)
{
	return pool_ok ? &pool : NULL;
}
