/*
 * selftest=dma: real DMA through the PHBs' IOMMUs, checked from outside
 * by tests/system/test_phb.py (QMP memory reads, QEMU's guest_errors log
 * and its MMIO write trace).
 *
 * One TCE table from the pool (4 KiB pages, a 2 MiB window at bus 0,
 * one level) is linked through TVE #0 to the PE of every edu device found,
 * so that one table is shared by every PE (two functions of one PHB and a
 * function on another PHB in the shared-table test). Updates go through
 * the IOMMU core, which issues the kills: one PE kill per linked PE on
 * PHB4, one range kill per changed range on PHB3. Edu k uses entries 3k+1
 * (source, read-only), 3k+2 (destination, write-only) and 3k+3 (a second
 * destination that gets unmapped). The hypervisor plays the guest: its
 * memory map is the identity over its own first 16 MiB.
 *
 * Console protocol, one line each, in this order (hex without padding):
 *
 *   selftest: dma table 0x<pa> entries 512 page 0x1000 edus <n>
 *   selftest: phase link         TVE #0 of every edu's PE -> the table
 *   selftest: link <bdf> pe <n> <phb> window 0 ok|failed
 *   selftest: phase map          the 3 entries per edu in one list update
 *   selftest: phase dma
 *   selftest: edu <bdf> pe <n> src 0x<pa> dst 0x<pa> bytes 256 ok|mismatch|timeout
 *   selftest: phase update       one list update over entries 3..3n that
 *                                clears every 3k+3 entry
 *   selftest: update changed <n> tce(s), kills <n>
 *   selftest: phase blocked
 *   selftest: edu <bdf> pe <n> unmapped dst 0x<pa> bus 0x<bus> bytes 256 issued|timeout
 *   selftest: phase nochange     the same update again: nothing changes, no kill
 *   selftest: nochange changed <n> tce(s), kills <n>
 *   selftest: phase unlink       every PE unlinked (TVE cleared, PE killed)
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
#include <hv/memory.h>
#include <iommu/guest_mem.h>
#include <iommu/table_group.h>
#include <iommu/tce_table.h>

#define ST_MAX_EDU	8
#define ST_BYTES	256
#define ST_PAGE_SHIFT	12
#define ST_PAGE		(1u << ST_PAGE_SHIFT)
#define ST_WINDOW	(2ULL << 20)
#define ST_DMA_TIMEOUT_US 2000000

enum { ST_SRC, ST_DST, ST_DST2, ST_PAGES_PER_EDU };

struct st_edu {
	struct pci_dev *dev;
	struct phb_pe *pe;
	char name[PCI_NAME_LEN];
};

static uint8_t pages[ST_MAX_EDU][ST_PAGES_PER_EDU][ST_PAGE] __attribute__((aligned(ST_PAGE)));
static uint64_t list[ST_MAX_EDU * ST_PAGES_PER_EDU];
static struct tce_table *table;
static const struct guest_mem self_mem = { 1, { GUEST_MEM_RANGE(0, 0, 16ULL << 20) } };
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

static bool table_init(void)
{
	const struct tce_table_geometry geo = {
		.bus_offset = 0, .window_size = ST_WINDOW, .page_shift = ST_PAGE_SHIFT,
		.hw_page_shift = ST_PAGE_SHIFT, .levels = 1,
	};
	int err = IOMMU_EINVAL;

	table = hv_tce_pool() ? tce_table_create(hv_tce_pool(), &geo, &err) : NULL;
	if (!table)
		printf("selftest: no TCE table: %s\n", iommu_strerror(err));
	return table != NULL;
}

static void find_edus(void)
{
	unsigned int i;

	nr_edus = 0;
	for (i = 0; i < pci_dev_count() && nr_edus < ST_MAX_EDU; i++) {
		struct pci_dev *dev = pci_dev_get(i);
		struct st_edu *e = &edus[nr_edus];

		if (!edu_probe(dev) || !phb_pe_of_dev(dev))
			continue;
		e->dev = dev;
		e->pe = phb_pe_of_dev(dev);
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
		int rc = iommu_link(table, &e->pe->group, 0);

		printf("selftest: link %s pe %u %s window 0 %s\n", e->name, e->pe->pe,
		       e->pe->phb->name, rc ? iommu_strerror(rc) : "ok");
	}
}

/* Entries 3k+1 .. 3k+3 of every edu, as mapped by phase_map. */
static void fill_list(bool clear_dst2)
{
	unsigned int k;

	for (k = 0; k < nr_edus; k++) {
		list[3 * k + ST_SRC] = page_pa(k, ST_SRC) | TCE_READ;
		list[3 * k + ST_DST] = page_pa(k, ST_DST) | TCE_WRITE;
		list[3 * k + ST_DST2] = clear_dst2 ? 0 : page_pa(k, ST_DST2) | TCE_WRITE;
	}
}

static void phase_map(void)
{
	unsigned int k, i;
	int rc;

	printf("selftest: phase map\n");
	for (k = 0; k < nr_edus; k++)
		for (i = 0; i < ST_BYTES; i++)
			pages[k][ST_SRC][i] = (uint8_t)(0x5a + 0x35 * k + 7 * i);
	fill_list(false);
	rc = tce_table_put_list(table, &self_mem, bus_addr(0, ST_SRC), list,
				ST_PAGES_PER_EDU * nr_edus);
	if (rc)
		printf("selftest: map failed: %s\n", iommu_strerror(rc));
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
		printf("selftest: edu %s pe %u src 0x%lx dst 0x%lx bytes %u %s\n", e->name,
		       e->pe->pe, page_pa(k, ST_SRC), page_pa(k, ST_DST), ST_BYTES,
		       dma_result(rc, !memcmp(pages[k][ST_SRC], pages[k][ST_DST], ST_BYTES)));
	}
}

/* One list update over entries 3..3n: every second destination cleared,
 * the entries between rewritten unchanged. The core kills only if some
 * hardware entry changed. */
static void update_dst2(bool again)
{
	struct tce_table_stats st;
	uint64_t written, kills;
	unsigned int n = ST_PAGES_PER_EDU * nr_edus - ST_DST2;
	int rc;

	tce_table_stats(table, &st);
	written = st.entries_written;
	kills = st.kills_pe + st.kills_range;
	printf("selftest: phase %s\n", again ? "nochange" : "update");
	fill_list(true);
	rc = tce_table_put_list(table, &self_mem, bus_addr(0, ST_DST2), list + ST_DST2, n);
	if (rc)
		printf("selftest: update failed: %s\n", iommu_strerror(rc));
	tce_table_stats(table, &st);
	printf("selftest: %s wrote %lu tce(s), kills %lu\n", again ? "nochange" : "update",
	       st.entries_written - written, st.kills_pe + st.kills_range - kills);
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
		       e->pe->pe, page_pa(k, ST_DST2), bus_addr(k, ST_DST2), ST_BYTES,
		       rc ? "timeout" : "issued");
	}
}

static void unlink_all(void)
{
	unsigned int k;

	printf("selftest: phase unlink\n");
	for (k = 0; k < nr_edus; k++) {
		pci_set_master(edus[k].dev, false);
		iommu_unlink(table, &edus[k].pe->group);
	}
	tce_table_put(table);
}

void selftest_dma(void)
{
	if (!table_init()) {
		printf("selftest: done\n");
		hv_power_off();
	}
	find_edus();
	printf("selftest: dma table 0x%lx entries %lu page 0x%x edus %u\n", table->top_hpa,
	       tce_table_entries(table), ST_PAGE, nr_edus);
	link_all();
	phase_map();
	phase_dma();
	update_dst2(false);
	phase_blocked();
	update_dst2(true);
	unlink_all();
	printf("selftest: done\n");
	hv_power_off();
}
