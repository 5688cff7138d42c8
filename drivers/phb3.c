/*
 * PHB3, the POWER8 PCIe host bridge (phb-and-tce.md §8): what differs
 * from PHB4.
 *
 *   - The PBCQ BARs are firmware's (QEMU presets them, as hostboot does on
 *     hardware): they are read back and only BAR_EN is written.
 *   - M32 is three PHB registers plus an enable bit, not an MBT entry.
 *   - The root port answers through CONFIG_ADDRESS/DATA like any device.
 *   - 256 PEs, an 8-bit PE field in TCE_KILL, 512 TVEs (9-bit IODA index).
 *   - Kills are fire-and-forget: the register keeps the value written and
 *     there is no queue status to wait on, so sync is a read-back that
 *     orders every earlier kill before anything the caller does next.
 *     Single page kills work (no HW560152), so small ranges are killed by
 *     page.
 */
#include <arch/io.h>
#include <drivers/phb.h>
#include <drivers/phb3-regs.h>
#include <drivers/xscom.h>
#include <iommu/tce_table.h>

#define PHB3_NUM_PES		256
#define PHB3_KILL_THRESHOLD	64

static const struct phb_ops phb3_iommu_ops;
static const struct pci_cfg_ops phb3_cfg_ops;

/* --- bring-up ---------------------------------------------------------------- */

/* PHB_VERSION through the SPCI ASB window, which needs no BAR. */
static bool phb3_xscom_probe(struct phb *p)
{
	uint64_t v;

	if (xscom_write(p->chip_id, p->xscom_ind + PHB3_SPCI_ASB_ADDR, PHB_VERSION))
		return false;
	if (xscom_read(p->chip_id, p->xscom_ind + PHB3_SPCI_ASB_DATA, &v) || !v)
		return false;
	p->version = v;
	return true;
}

static bool nest_read(struct phb *p, uint32_t reg, uint64_t *val)
{
	return xscom_read(p->chip_id, p->xscom_nest + reg, val) == 0;
}

static uint64_t mask_size(uint64_t mask)
{
	return ((~(mask >> PHB3_NEST_BAR_SHIFT)) & PHB3_NEST_MASK_BITS) + 1;
}

static bool phb3_enable_bars(struct phb *p)
{
	uint64_t m64, m64_mask, m32, m32_mask, regs;

	if (!nest_read(p, PHB3_NEST_MMIO_BAR0, &m64) ||
	    !nest_read(p, PHB3_NEST_MMIO_MASK0, &m64_mask) ||
	    !nest_read(p, PHB3_NEST_MMIO_BAR1, &m32) ||
	    !nest_read(p, PHB3_NEST_MMIO_MASK1, &m32_mask) ||
	    !nest_read(p, PHB3_NEST_PHB_BAR, &regs) || !m32 || !regs)
		return false;
	p->m64_cpu = m64 >> PHB3_NEST_BAR_SHIFT;
	p->m64_size = m64 ? mask_size(m64_mask) : 0;
	p->m32_cpu = m32 >> PHB3_NEST_BAR_SHIFT;
	p->regs = regs >> PHB3_NEST_BAR_SHIFT;
	/* The M32 window must fit in the MMIO1 BAR. */
	if (mask_size(m32_mask) < PHB_M32_SIZE)
		return false;
	return xscom_write(p->chip_id, p->xscom_nest + PHB3_NEST_BAR_EN,
			   PHB3_BAR_EN_MMIO0 | PHB3_BAR_EN_MMIO1 | PHB3_BAR_EN_PHB) == 0;
}

static bool phb3_setup(struct phb *p)
{
	if (!phb3_xscom_probe(p))
		return false;
	if (!phb3_enable_bars(p)) {
		p->why_absent = "BARs not set by firmware";
		return false;
	}
	return true;
}

static uint32_t phb3_num_pes(struct phb *p)
{
	(void)p;
	return PHB3_NUM_PES;
}

static void phb3_m32_init(struct phb *p)
{
	phb_write(p, PHB3_M32_BASE_ADDR, p->m32_cpu);
	phb_write(p, PHB3_M32_BASE_MASK, ~(PHB_M32_SIZE - 1) & PHB3_NEST_MASK_BITS);
	phb_write(p, PHB3_M32_START_ADDR, PHB_M32_PCI_BASE);
	phb_write(p, PHB3_PHB3_CONFIG, phb_read(p, PHB3_PHB3_CONFIG) | PHB3_CONFIG_M32_EN);
}

static void phb3_init(struct phb *p)
{
	phb3_m32_init(p);
	p->pci.cfg = &phb3_cfg_ops;
	p->iommu.ops = &phb3_iommu_ops;
	p->iommu.kill_threshold = PHB3_KILL_THRESHOLD;
	p->iommu.page_sizes = (1ULL << 12) | (1ULL << 16) | (1ULL << 24) | (1ULL << 28);
}

const struct phb_hw_ops phb3_hw_ops = {
	.model = "phb3",
	.setup = phb3_setup,
	.num_pes = phb3_num_pes,
	.init = phb3_init,
	.rtt_bar_base = PHB3_RTT_BAR_BASE,
	.ioda_tadr = PHB3_IODA_AD_TADR,
};

/* --- config space ------------------------------------------------------------ */

static uint32_t phb3_cfg_read(struct pci_host *h, uint16_t bdf, uint32_t off, unsigned int size)
{
	return phb_cfg_read(phb_from_host(h), bdf, off, size);
}

static void phb3_cfg_write(struct pci_host *h, uint16_t bdf, uint32_t off, unsigned int size,
			   uint32_t val)
{
	phb_cfg_write(phb_from_host(h), bdf, off, size, val);
}

static const struct pci_cfg_ops phb3_cfg_ops = {
	.read = phb3_cfg_read,
	.write = phb3_cfg_write,
};

/* --- IOMMU operations ---------------------------------------------------------- */

/*
 * Completion: the PHB has no kill queue status, and a read-back cannot
 * complete before the PHB has taken every earlier store to its registers,
 * so one read after any number of kills orders them all before whatever
 * the caller does next.
 */
static int phb3_sync(struct iommu_phb *iphb)
{
	(void)phb_read(phb_from_iommu(iphb), PHB3_TCE_KILL);
	return IOMMU_OK;
}

/*
 * Each kill is one store of a complete request to TCE_KILL, with no queue
 * status to wait on, so CPUs killing on the same PHB need no lock: their
 * stores may interleave, each is a kill of its own.
 */
static int phb3_kill_pe(struct iommu_phb *iphb, uint32_t pe)
{
	__atomic_fetch_add(&iphb->kills_pe, 1, __ATOMIC_RELAXED);
	phb_write(phb_from_iommu(iphb), PHB3_TCE_KILL,
		  PHB3_TCE_KILL_PE | SETFIELD(PHB3_TCE_KILL_PENUM, 0ULL, pe));
	return IOMMU_OK;
}

static int phb3_kill_all(struct iommu_phb *iphb)
{
	__atomic_fetch_add(&iphb->kills_all, 1, __ATOMIC_RELAXED);
	phb_write(phb_from_iommu(iphb), PHB3_TCE_KILL, PHB3_TCE_KILL_ALL);
	return IOMMU_OK;
}

/*
 * One write per page: KILL_ONE | page bus address | PE; the caller syncs.
 * The PE number overlays the address's low bits, which are clear: the
 * core only links tables whose page size is in page_sizes, 4 KiB or more.
 */
static int phb3_kill_range(struct iommu_phb *iphb, uint32_t pe, uint64_t bus,
			   uint64_t npages, unsigned int page_shift)
{
	struct phb *p = phb_from_iommu(iphb);
	uint64_t page = 1ULL << page_shift, i;

	if (!npages)
		return IOMMU_OK;
	if (bus & (page - 1))
		return phb3_kill_pe(iphb, pe);
	__atomic_fetch_add(&iphb->kills_range, 1, __ATOMIC_RELAXED);
	for (i = 0; i < npages; i++)
		phb_write(p, PHB3_TCE_KILL, PHB3_TCE_KILL_ONE |
			  SETFIELD(PHB3_TCE_KILL_PENUM, bus + i * page, pe));
	return IOMMU_OK;
}

static const struct phb_ops phb3_iommu_ops = {
	.set_window = phb_set_window,
	.kill_range = phb3_kill_range,
	.kill_pe = phb3_kill_pe,
	.kill_all = phb3_kill_all,
	.kill_pes = iommu_kill_pes_each,
	.sync = phb3_sync,
};
