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
 * and prints, in timebase ticks x 100 per call:
 *
 *   bench: phb <name> kill_pes_x100=<n> sync_x100=<n> count=<N>
 *
 * The reserved PE translates nothing (no TVE), so killing its TCE cache
 * changes nothing for any device. Under QEMU TCG each register access is
 * an emulated MMIO, which is most of H_PUT_TCE's wall time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <arch/spr.h>
#include <drivers/phb.h>
#include <hv/options.h>
#include <hv/phb_bench.h>

static uint64_t time_kills(struct iommu_phb *iphb, uint64_t token, unsigned long n)
{
	uint64_t t0 = mftb();
	unsigned long i;

	for (i = 0; i < n; i++)
		if (iphb->ops->kill_pes(iphb, &token, 1))
			return 0;
	return mftb() - t0;
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
		uint64_t token, kills, syncs;

		if (!p->present || !iphb->ops || !iphb->ops->kill_pes)
			continue;
		token = iphb->ops->kill_token ? iphb->ops->kill_token(iphb, p->reserved_pe)
					      : p->reserved_pe;
		kills = time_kills(iphb, token, n);
		syncs = time_syncs(iphb, n);
		if (!kills || !syncs) {
			printf("bench: phb %s failed: the PHB did not complete\n", p->name);
			return;
		}
		printf("bench: phb %s kill_pes_x100=%lu sync_x100=%lu count=%lu\n", p->name,
		       kills * 100 / n, syncs * 100 / n, n);
		return;
	}
	printf("bench: phb none: no PHB with kill operations\n");
}
