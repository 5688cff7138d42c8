/*
 * selftest=dma: real DMA through the PHBs' IOMMUs, checked from outside
 * by tests/system/test_phb.py (QMP memory reads, QEMU's guest_errors log
 * and its MMIO write trace).
 *
 * Until the IOMMU core lands, the TCE table is built by hand: one static
 * 4 KiB single-level table (512 entries, 4 KiB pages, a 2 MiB window at
 * bus 0), linked through TVE #0 to the PE of every edu device found, so
 * that one table is shared by every PE (two functions of one PHB and a
 * function on another PHB in the shared-table test). Edu k uses entries
 * 3k+1 (source, read-only), 3k+2 (destination, write-only) and 3k+3 (a
 * second destination that gets unmapped).
 *
 * Console protocol, one line each, in this order (hex without padding):
 *
 *   selftest: dma table 0x<pa> entries 512 page 0x1000 edus <n>
 *   selftest: phase link         TVE #0 of every edu's PE -> the table
 *   selftest: link <bdf> pe <n> <phb> window 0 ok|failed
 *   selftest: phase map          the 3 entries per edu, then the kill fan-out
 *   selftest: phase dma
 *   selftest: edu <bdf> pe <n> src 0x<pa> dst 0x<pa> bytes 256 ok|mismatch|timeout
 *   selftest: phase update       one update: every 3k+3 entry cleared, then
 *                                one PE kill per linked PE
 *   selftest: update cleared <n> tce(s), killed <n> pe(s)
 *   selftest: phase blocked
 *   selftest: edu <bdf> pe <n> unmapped dst 0x<pa> bus 0x<bus> bytes 256 issued|timeout
 *   selftest: phase nochange     the same update again: nothing changes, no kill
 *   selftest: nochange rewrote <n> tce(s), changed <n>, killed <n> pe(s)
 *   selftest: phase range        page kills where the PHB takes them
 *   selftest: range <bdf> pe <n> bus 0x<bus> pages 1 ok|failed   (PHB3 only)
 *   selftest: done
 *
 * Every register write of a phase happens after its "phase" line reaches
 * the UART and before the next one does; the tests split QEMU's write
 * trace on the UART writes of these lines. The source holds a pattern
 * that differs per edu; after a good run the destination equals it and the
 * unmapped destination is still all zero.
 */
#include <stdio.h>
#include <string.h>
#include <drivers/edu.h>
#include <drivers/pci.h>
#include <drivers/phb.h>
#include <hv/main.h>
#include <hv/platform.h>
#include <hv/selftest.h>
#include <iommu/tce_table.h>

#define ST_MAX_EDU	8
#define ST_BYTES	256
#define ST_PAGE_SHIFT	12
#define ST_PAGE		(1u << ST_PAGE_SHIFT)
#define ST_LEVEL_SHIFT	9
#define ST_TCES		(1u << ST_LEVEL_SHIFT)
#define ST_DMA_TIMEOUT_US 2000000

enum { ST_SRC, ST_DST, ST_DST2, ST_PAGES_PER_EDU };

struct st_edu {
	struct pci_dev *dev;
	struct phb *phb;
	uint32_t pe;
	char name[PCI_NAME_LEN];
};

/* A level must be aligned to its size: the PHB ORs the index into it. */
static uint64_t tce_level[ST_TCES] __attribute__((aligned(ST_TCES * 8)));
static uint8_t pages[ST_MAX_EDU][ST_PAGES_PER_EDU][ST_PAGE] __attribute__((aligned(ST_PAGE)));
static struct tce_table table;
static struct st_edu edus[ST_MAX_EDU];
static unsigned int nr_edus;

static unsigned int tce_index(unsigned int k, unsigned int which)
{
	return ST_PAGES_PER_EDU * k + which + 1;
}

static uint64_t bus_addr(unsigned int k, unsigned int which)
{
	return (uint64_t)tce_index(k, which) << ST_PAGE_SHIFT;
}

static uint64_t page_pa(unsigned int k, unsigned int which)
{
	return (uint64_t)(uintptr_t)pages[k][which];
}

/* Store one entry (big-endian, as the PHB reads it); true if it changed. */
static bool tce_store(unsigned int index, uint64_t tce)
{
	uint64_t be = __builtin_bswap64(tce);
	bool changed = tce_level[index] != be;

	tce_level[index] = be;
	return changed;
}

/* What the IOMMU core will do after an update: one PE kill per PE linked
 * to the table. Returns the number of kills that completed. */
static unsigned int kill_linked(void)
{
	unsigned int k, n = 0;

	for (k = 0; k < nr_edus; k++) {
		struct iommu_phb *iphb = &edus[k].phb->iommu;

		if (iphb->ops->kill_pe(iphb, edus[k].pe) == IOMMU_OK)
			n++;
		else
			printf("selftest: kill %s pe %u failed\n", edus[k].name, edus[k].pe);
	}
	return n;
}

static void table_init(void)
{
	memset(tce_level, 0, sizeof(tce_level));
	table = (struct tce_table){
		.bus_offset = 0,
		.window_size = (uint64_t)ST_TCES << ST_PAGE_SHIFT,
		.page_shift = ST_PAGE_SHIFT,
		.hw_page_shift = ST_PAGE_SHIFT,
		.levels = 1,
		.level_shift = ST_LEVEL_SHIFT,
		.top = tce_level,
		.top_hpa = (uint64_t)(uintptr_t)tce_level,
	};
}

static void find_edus(void)
{
	unsigned int i;

	nr_edus = 0;
	for (i = 0; i < pci_dev_count() && nr_edus < ST_MAX_EDU; i++) {
		struct pci_dev *dev = pci_dev_get(i);
		struct st_edu *e = &edus[nr_edus];

		if (!edu_probe(dev) || dev->pe < 0)
			continue;
		e->dev = dev;
		e->phb = phb_of_dev(dev);
		e->pe = (uint32_t)dev->pe;
		pci_dev_name(dev, e->name);
		nr_edus++;
	}
}

static void link_all(void)
{
	unsigned int k;

	printf("selftest: phase link\n");
	for (k = 0; k < nr_edus; k++) {
		struct st_edu *e = &edus[k];
		int rc = e->phb->iommu.ops->set_window(&e->phb->iommu, e->pe, 0, &table);

		printf("selftest: link %s pe %u %s window 0 %s\n", e->name, e->pe,
		       e->phb->name, rc ? "failed" : "ok");
	}
}

static void phase_map(void)
{
	unsigned int k, i;

	printf("selftest: phase map\n");
	for (k = 0; k < nr_edus; k++) {
		for (i = 0; i < ST_BYTES; i++)
			pages[k][ST_SRC][i] = (uint8_t)(0x5a + 0x35 * k + 7 * i);
		tce_store(tce_index(k, ST_SRC), page_pa(k, ST_SRC) | TCE_READ);
		tce_store(tce_index(k, ST_DST), page_pa(k, ST_DST) | TCE_WRITE);
		tce_store(tce_index(k, ST_DST2), page_pa(k, ST_DST2) | TCE_WRITE);
	}
	kill_linked();
}

static const char *dma_result(int rc, bool match)
{
	return rc ? "timeout" : match ? "ok" : "mismatch";
}

static void phase_dma(void)
{
	uint64_t timeout = us_to_tb(ST_DMA_TIMEOUT_US);
	unsigned int k;

	printf("selftest: phase dma\n");
	for (k = 0; k < nr_edus; k++) {
		struct st_edu *e = &edus[k];
		int rc;

		pci_set_master(e->dev, true);
		rc = edu_dma(e->dev, EDU_TO_DEVICE, bus_addr(k, ST_SRC), 0, ST_BYTES, timeout);
		if (!rc)
			rc = edu_dma(e->dev, EDU_TO_MEMORY, bus_addr(k, ST_DST), 0, ST_BYTES,
				     timeout);
		printf("selftest: edu %s pe %u src 0x%lx dst 0x%lx bytes %u %s\n", e->name, e->pe,
		       page_pa(k, ST_SRC), page_pa(k, ST_DST), ST_BYTES,
		       dma_result(rc, !memcmp(pages[k][ST_SRC], pages[k][ST_DST], ST_BYTES)));
	}
}

/* Clear (or, `again`, re-clear) every second destination as one update;
 * kill only if an entry changed, as the core will decide. */
static void update_dst2(bool again)
{
	unsigned int k, changed = 0, killed = 0;

	printf("selftest: phase %s\n", again ? "nochange" : "update");
	for (k = 0; k < nr_edus; k++)
		changed += tce_store(tce_index(k, ST_DST2), 0);
	if (changed)
		killed = kill_linked();
	if (again)
		printf("selftest: nochange rewrote %u tce(s), changed %u, killed %u pe(s)\n",
		       nr_edus, changed, killed);
	else
		printf("selftest: update cleared %u tce(s), killed %u pe(s)\n", changed, killed);
}

static void phase_blocked(void)
{
	uint64_t timeout = us_to_tb(ST_DMA_TIMEOUT_US);
	unsigned int k;

	printf("selftest: phase blocked\n");
	for (k = 0; k < nr_edus; k++) {
		struct st_edu *e = &edus[k];
		int rc = edu_dma(e->dev, EDU_TO_MEMORY, bus_addr(k, ST_DST2), 0, ST_BYTES, timeout);

		printf("selftest: edu %s pe %u unmapped dst 0x%lx bus 0x%lx bytes %u %s\n", e->name,
		       e->pe, page_pa(k, ST_DST2), bus_addr(k, ST_DST2), ST_BYTES,
		       rc ? "timeout" : "issued");
	}
}

/* kill_range is only for PHBs that take page kills (kill_threshold > 0). */
static void phase_range(void)
{
	unsigned int k;

	printf("selftest: phase range\n");
	for (k = 0; k < nr_edus; k++) {
		struct st_edu *e = &edus[k];
		struct iommu_phb *iphb = &e->phb->iommu;
		int rc;

		if (!iphb->kill_threshold)
			continue;
		rc = iphb->ops->kill_range(iphb, e->pe, bus_addr(k, ST_DST2), 1, ST_PAGE_SHIFT);
		printf("selftest: range %s pe %u bus 0x%lx pages 1 %s\n", e->name, e->pe,
		       bus_addr(k, ST_DST2), rc ? "failed" : "ok");
	}
}

static void finish(void)
{
	unsigned int k;

	for (k = 0; k < nr_edus; k++)
		pci_set_master(edus[k].dev, false);
	printf("selftest: done\n");
}

void selftest_dma(void)
{
	table_init();
	find_edus();
	printf("selftest: dma table 0x%lx entries %u page 0x%x edus %u\n", table.top_hpa,
	       ST_TCES, ST_PAGE, nr_edus);
	link_all();
	phase_map();
	phase_dma();
	update_dst2(false);
	phase_blocked();
	update_dst2(true);
	phase_range();
	finish();
	hv_power_off();
}
