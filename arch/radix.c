/*
 * Radix partition-scoped page tables (POWER9, ISA 3.0 §6.7) as QEMU 7.2
 * accepts them: root of 2^13 entries (RPDS 13, RTS 52 bits), then levels of
 * 2^9 entries; leaves at 1 GiB, 2 MiB or 4 KiB. Entries are big-endian.
 */
#include <stddef.h>
#include <string.h>
#include <arch/radix.h>
#include <arch/spr.h>

#define PTE_V		PPC_BIT(0)
#define PTE_L		PPC_BIT(1)
#define PTE_RPN		0x01fffffffffff000ULL
#define PTE_R		0x100ULL
#define PTE_C		0x080ULL
#define PTE_ATT_NI_IO	0x020ULL	/* non-idempotent I/O: guarded */
#define PTE_EAA_R	0x004ULL
#define PTE_EAA_RW	0x002ULL
#define PTE_EAA_X	0x001ULL
#define PDE_NLB		0x0fffffffffffff00ULL
#define PDE_NLS		0x1fULL

#define PATE0_HR	PPC_BIT(0)
/* RTS = 52 bits: RTS1 (bits 1-2) = 0b10, RTS2 (bits 56-58) = 0b101 */
#define PATE0_RTS52	(0x4000000000000000ULL | 0xa0ULL)
#define ROOT_BITS	13
#define LEVEL_BITS	9
#define ROOT_SIZE	(8ULL << ROOT_BITS)
#define LEVEL_SIZE	(8ULL << LEVEL_BITS)

#define SZ_4K		(1ULL << 12)
#define SZ_2M		(1ULL << 21)

static uint64_t *partition_table;

static uint64_t be(uint64_t v)
{
	return __builtin_bswap64(v);
}

void radix_partition_table_init(void *table)
{
	partition_table = table;
	memset(table, 0, 4096);
	radix_load_ptcr();
}

void radix_load_ptcr(void)
{
	/* PATS = 0: 2^(12 + 0) bytes, 256 entries of 16 bytes */
	MTSPR(SPR_PTCR, (uint64_t)(uintptr_t)partition_table);
	isync();
}

bool radix_tree_init(struct radix_tree *t, radix_alloc_fn alloc)
{
	t->alloc = alloc;
	t->root = alloc(ROOT_SIZE);
	return t->root != NULL;
}

/* The next-level table under entry *e, created if absent. */
static uint64_t *next_level(struct radix_tree *t, uint64_t *e)
{
	uint64_t v = be(*e);
	uint64_t *tbl;

	if (v & PTE_V)
		return (v & PTE_L) ? NULL : (uint64_t *)(uintptr_t)(v & PDE_NLB);
	tbl = t->alloc(LEVEL_SIZE);
	if (!tbl)
		return NULL;
	*e = be(PTE_V | ((uint64_t)(uintptr_t)tbl & PDE_NLB) | LEVEL_BITS);
	return tbl;
}

static uint64_t leaf(uint64_t hpa, enum radix_attr attr)
{
	uint64_t v = PTE_V | PTE_L | (hpa & PTE_RPN) | PTE_R | PTE_C | PTE_EAA_R | PTE_EAA_RW;

	return attr == RADIX_MMIO ? v | PTE_ATT_NI_IO : v | PTE_EAA_X;
}

static unsigned int idx(uint64_t gpa, unsigned int shift, unsigned int bits)
{
	return (unsigned int)((gpa >> shift) & ((1ULL << bits) - 1));
}

bool radix_map(struct radix_tree *t, uint64_t gpa, uint64_t hpa, uint64_t size,
	       enum radix_attr attr)
{
	while (size) {
		uint64_t *l1 = next_level(t, &t->root[idx(gpa, 39, ROOT_BITS)]);
		uint64_t *l2 = l1 ? next_level(t, &l1[idx(gpa, 30, LEVEL_BITS)]) : NULL;
		uint64_t *l3;

		if (!l2)
			return false;
		if (!((gpa | hpa) & (SZ_2M - 1)) && size >= SZ_2M) {
			l2[idx(gpa, 21, LEVEL_BITS)] = be(leaf(hpa, attr));
			gpa += SZ_2M;
			hpa += SZ_2M;
			size -= SZ_2M;
			continue;
		}
		l3 = next_level(t, &l2[idx(gpa, 21, LEVEL_BITS)]);
		if (!l3)
			return false;
		l3[idx(gpa, 12, LEVEL_BITS)] = be(leaf(hpa, attr));
		gpa += SZ_4K;
		hpa += SZ_4K;
		size = size > SZ_4K ? size - SZ_4K : 0;
	}
	return true;
}

static void radix_flush_lpid(unsigned int lpid)
{
	/* tlbie RIC=2 (all), PRS=0 (partition scoped), R=1, IS=2 (this LPID) */
	uint64_t rb = 2ULL << 10, rs = lpid;

	__asm__ volatile(".machine push; .machine power9;"
			 "ptesync; tlbie %0,%1,2,0,1; eieio; tlbsync; ptesync;"
			 ".machine pop" : : "r"(rb), "r"(rs) : "memory");
}

void radix_set_partition(unsigned int lpid, const struct radix_tree *t)
{
	partition_table[2 * lpid] = be(PATE0_HR | PATE0_RTS52 |
				       ((uint64_t)(uintptr_t)t->root & PDE_NLB) | ROOT_BITS);
	partition_table[2 * lpid + 1] = 0;
	radix_flush_lpid(lpid);
}
