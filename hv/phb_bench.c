/*
 * phb-bench=N: time the PHB's TCE kill handshake from the hypervisor, at
 * boot, for the benchmarks (bench/hcalls.py). On the first PHB with kill
 * operations, N times each:
 *
 *   kill_pes(reserved PE)  one PE kill and the DMA-read sync: what every
 *                          H_PUT_TCE costs per linked PHB (PHB4: five
 *                          register accesses under the PHB lock)
 *   sync                   the sync alone (PHB4: three accesses)
 *
 * and prints, in timebase ticks x 100 per call, and the instructions of one
 * kill_pes call and its loop x 100 as PMC6 counts them (exact under QEMU
 * -icount, measuring.md):
 *
 *   bench: phb <name> kill_pes_x100=<n> sync_x100=<n> kill_pes_instr_x100=<n> count=<N>
 *
 * The reserved PE translates nothing (no TVE), so killing its TCE cache
 * changes nothing for any device. Under QEMU TCG each register access is
 * an emulated MMIO, which is most of H_PUT_TCE's wall time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <arch/ppc.h>
#include <arch/spr.h>
#include <drivers/phb.h>
#include <hv/options.h>
#include <hv/phb_bench.h>

#define MMCR0_FC	0x80000000ULL	/* freeze counters */

static uint64_t time_kills(struct iommu_phb *iphb, uint64_t token, unsigned long n)
{
	uint64_t t0 = mftb();
	unsigned long i;

	for (i = 0; i < n; i++)
		if (iphb->ops->kill_pes(iphb, &token, 1))
			return 0;
	return mftb() - t0;
}

/* PMC6 over n kills: QEMU adds to it when the count freezes (MMCR0[FC]
 * set), so it is frozen around the loop and read frozen; then MMCR0 is
 * restored. */
static uint64_t count_kills(struct iommu_phb *iphb, uint64_t token, unsigned long n)
{
	uint64_t mmcr0 = MFSPR(SPR_MMCR0), c0, c1;
	unsigned long i;

	MTSPR(SPR_MMCR0, MMCR0_FC);
	c0 = MFSPR(SPR_PMC6);
	MTSPR(SPR_MMCR0, 0);
	for (i = 0; i < n; i++)
		iphb->ops->kill_pes(iphb, &token, 1);
	MTSPR(SPR_MMCR0, MMCR0_FC);
	c1 = MFSPR(SPR_PMC6);
	MTSPR(SPR_MMCR0, mmcr0);
	return c1 - c0;
}

static uint64_t time_syncs(struct iommu_phb *iphb, unsigned long n)
{
	uint64_t t0 = mftb();
	unsigned long i;

	for (i = 0; i < n; i++)
		if (iphb->ops->sync(iphb))
			return 0;
	return mftb() - t0;
}

void phb_bench(void)
{
	const char *opt = options_get("phb-bench");
	unsigned long n = opt ? strtoul(opt, NULL, 0) : 0;
	unsigned int i;

	if (!n)
		return;
	for (i = 0; i < phb_count(); i++) {
		struct phb *p = phb_get(i);
		struct iommu_phb *iphb = &p->iommu;
		uint64_t token, kills, syncs, instr;

		if (!p->present || !iphb->ops || !iphb->ops->kill_pes)
			continue;
		token = iphb->ops->kill_token ? iphb->ops->kill_token(iphb, p->reserved_pe)
					      : p->reserved_pe;
		kills = time_kills(iphb, token, n);
		syncs = time_syncs(iphb, n);
		instr = count_kills(iphb, token, n);
		if (!kills || !syncs) {
			printf("bench: phb %s failed: the PHB did not complete\n", p->name);
			return;
		}
		printf("bench: phb %s kill_pes_x100=%lu sync_x100=%lu kill_pes_instr_x100=%lu "
		       "count=%lu\n", p->name, kills * 100 / n, syncs * 100 / n, instr * 100 / n, n);
		return;
	}
	printf("bench: phb none: no PHB with kill operations\n");
}
