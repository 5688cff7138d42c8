/*
 * PHB4, the POWER9 PCIe host bridge (phb-and-tce.md §2, §3, §5, §7).
 *
 * Bring-up is the minimal sequence QEMU's model needs (real hardware also
 * needs skiboot's long ETU reset and link training, not done here):
 *   1. presence: PHB_VERSION through the XSCOM indirect window, with HMER
 *      telling an absent PHB from a present one;
 *   2. the PEC stack BARs through XSCOM, BAR_EN last (QEMU maps at that
 *      write and does not support moving an enabled BAR);
 *   3. RTT_BAR, TVT cleared (both in drivers/phb.c), M32 through MBT
 *      entry 0.
 *
 * Everything after step 2 goes through the register space by MMIO, kills
 * included: the XSCOM indirect path would hide them from the MMIO trace
 * the tests watch, and is far slower.
 */
#include <arch/io.h>
#include <drivers/phb.h>
#include <drivers/phb4-regs.h>
#include <drivers/xscom.h>
#include <iommu/tce_table.h>

/*
 * skiboot's POWER9 (Nimbus) physical map. Chip n's copy is at n << 42,
 * the same chip stride QEMU uses for its own per-chip units
 * (PNV9_CHIP_BASE); on chip 1 these land between QEMU's XIVE, LPC and
 * XSCOM windows without touching them.
 */
#define P9_CHIP_SHIFT		42
#define P9_M64_BASE_LOW		0x0006000000000000ULL	/* PHB 0-2 */
#define P9_M64_BASE_HIGH	0x0006020000000000ULL	/* PHB 3-5 */
#define P9_M64_SIZE		0x0000004000000000ULL	/* 256 GiB */
#define P9_M32_BASE		0x000600c000000000ULL	/* + index * 2 GiB */
#define P9_ESB_BASE		0x000600c300000000ULL
#define P9_ESB_STRIDE		0x0000000020000000ULL
#define P9_REGS_BASE		0x000600c3c0000000ULL
#define P9_REGS_STRIDE		0x0000000000100000ULL

#define PHB4_PES_BIG		512	/* PHB0 and PHB3, the x16 stacks */
#define PHB4_PES_SMALL		256
/* Kill/sync status polls: QEMU answers at once, hardware within µs. */
#define PHB4_POLL_MAX		100000

static const struct phb_ops phb4_iommu_ops;
static const struct pci_cfg_ops phb4_cfg_ops;

/* --- bring-up ---------------------------------------------------------------- */

static bool phb4_xscom_probe(struct phb *p)
{
	uint64_t v;

	if (xscom_write(p->chip_id, p->xscom_ind + PHB4_IND_ADDR,
			PHB4_IND_ADDR_VALID | SETFIELD(PHB4_IND_ADDR_OFFSET, 0ULL, PHB_VERSION)))
		return false;
	if (xscom_read(p->chip_id, p->xscom_ind + PHB4_IND_DATA, &v) || !v)
		return false;
	p->version = v;
	return true;
}

static uint64_t nest_bar(uint64_t addr)
{
	return addr << PHB4_NEST_BAR_SHIFT;
}

static uint64_t nest_mask(uint64_t size)
{
	return (~(size - 1) & PHB4_NEST_MASK_BITS) << PHB4_NEST_BAR_SHIFT;
}

static bool nest_write(struct phb *p, uint32_t reg, uint64_t val)
{
	return xscom_write(p->chip_id, p->xscom_nest + reg, val) == 0;
}

static bool phb4_set_bars(struct phb *p)
{
	uint64_t chip = (uint64_t)p->chip_id << P9_CHIP_SHIFT, n = p->index;
	uint64_t esb = chip + P9_ESB_BASE + n * P9_ESB_STRIDE;

	p->m64_cpu = chip + (n < 3 ? P9_M64_BASE_LOW + n * P9_M64_SIZE :
			     P9_M64_BASE_HIGH + (n - 3) * P9_M64_SIZE);
	p->m64_size = P9_M64_SIZE;
	p->m32_cpu = chip + P9_M32_BASE + n * PHB_M32_SIZE;
	p->regs = chip + P9_REGS_BASE + n * P9_REGS_STRIDE;
	return nest_write(p, PHB4_NEST_MMIO_BAR0, nest_bar(p->m64_cpu)) &&
	       nest_write(p, PHB4_NEST_MMIO_BAR0_MASK, nest_mask(p->m64_size)) &&
	       nest_write(p, PHB4_NEST_MMIO_BAR1, nest_bar(p->m32_cpu)) &&
	       nest_write(p, PHB4_NEST_MMIO_BAR1_MASK, nest_mask(PHB_M32_SIZE)) &&
	       nest_write(p, PHB4_NEST_PHB_REGS_BAR, nest_bar(p->regs)) &&
	       nest_write(p, PHB4_NEST_INT_BAR, nest_bar(esb)) &&
	       nest_write(p, PHB4_NEST_BAR_EN, PHB4_BAR_EN_MMIO0 | PHB4_BAR_EN_MMIO1 |
			  PHB4_BAR_EN_PHB | PHB4_BAR_EN_INT);
}

/* The PE count the PHB advertises, checked against the known geometry:
 * 512 on the big stacks, 256 on the others. */
static uint32_t phb4_num_pes(struct phb *p)
{
	uint32_t n = (uint32_t)GETFIELD(PHB4_EEH_CAP_NUM_PES, phb_read(p, PHB4_EEH_CAP));

	if (n == PHB4_PES_BIG || n == PHB4_PES_SMALL)
		return n;
	return (p->index == 0 || p->index == 3) ? PHB4_PES_BIG : PHB4_PES_SMALL;
}

static bool phb4_setup(struct phb *p)
{
	if (!phb4_xscom_probe(p))
		return false;
	if (!phb4_set_bars(p)) {
		p->why_absent = "BAR setup failed";
		return false;
	}
	return true;
}

/* M32: CPU [m32_cpu, +2 GiB) onto PCI [0x80000000, 4 GiB), one MBT pair. */
static void phb4_m32_init(struct phb *p)
{
	phb_write(p, PHB4_M32_START_ADDR, PHB_M32_PCI_BASE);
	phb_ioda_select(p, IODA3_TBL_MBT, 0, true);
	phb_write(p, PHB_IODA_DATA0, IODA3_MBT0_TYPE_M32 | (p->m32_cpu & IODA3_MBT0_BASE));
	phb_write(p, PHB_IODA_DATA0, IODA3_MBT1_ENABLE | (~(PHB_M32_SIZE - 1) & IODA3_MBT1_MASK));
}

static void phb4_init(struct phb *p)
{
	phb4_m32_init(p);
	p->pci.cfg = &phb4_cfg_ops;
	p->iommu.ops = &phb4_iommu_ops;
	/* HW560152: single-page kills can be lost under load; always PE. */
	p->iommu.kill_threshold = 0;
	p->iommu.page_sizes = (1ULL << 12) | (1ULL << 16) | (1ULL << 21) | (1ULL << 30);
}

const struct phb_hw_ops phb4_hw_ops = {
	.model = "phb4",
	.setup = phb4_setup,
	.num_pes = phb4_num_pes,
	.init = phb4_init,
	.rtt_bar_base = PHB4_RTT_BAR_BASE,
	.ioda_tadr = PHB4_IODA_AD_TADR,
};

/* --- config space ------------------------------------------------------------ */

/*
 * The root port is not reachable through CONFIG_ADDRESS on PHB4: its
 * config space is memory-mapped at regs + 0x1000, little-endian, and takes
 * 4-byte accesses only, so narrower writes read-modify-write the dword.
 */
static uint32_t size_mask(unsigned int size)
{
	return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

static uint32_t phb4_rc_read(struct phb *p, uint32_t off, unsigned int size)
{
	uint32_t v;

	if (off >= PHB4_RC_CONFIG_SIZE)
		return size_mask(size);
	v = in_le32(p->regs + PHB4_RC_CONFIG_BASE + (off & ~3u));
	return (v >> (8 * (off & 3))) & size_mask(size);
}

static void phb4_rc_write(struct phb *p, uint32_t off, unsigned int size, uint32_t val)
{
	uint64_t addr = p->regs + PHB4_RC_CONFIG_BASE + (off & ~3u);
	unsigned int shift = 8 * (off & 3);
	uint32_t v = val;

	if (off >= PHB4_RC_CONFIG_SIZE)
		return;
	if (size != 4) {
		v = in_le32(addr) & ~(size_mask(size) << shift);
		v |= (val & size_mask(size)) << shift;
	}
	out_le32(addr, v);
}

static uint32_t phb4_cfg_read(struct pci_host *h, uint16_t bdf, uint32_t off, unsigned int size)
{
	struct phb *p = phb_from_host(h);

	return bdf == 0 ? phb4_rc_read(p, off, size) : phb_cfg_read(p, bdf, off, size);
}

static void phb4_cfg_write(struct pci_host *h, uint16_t bdf, uint32_t off, unsigned int size,
			   uint32_t val)
{
	struct phb *p = phb_from_host(h);

	if (bdf == 0)
		phb4_rc_write(p, off, size, val);
	else
		phb_cfg_write(p, bdf, off, size, val);
}

static const struct pci_cfg_ops phb4_cfg_ops = {
	.read = phb4_cfg_read,
	.write = phb4_cfg_write,
};

/* --- IOMMU operations ---------------------------------------------------------- */

/*
 * The kill path talks to the registers in their own byte order: the
 * hypervisor runs little-endian and the PHB's registers are big-endian, so
 * instead of a 64-bit swap per access (a dozen instructions on POWER8/9),
 * constants are swapped at compile time, the PE number with a 16-bit swap,
 * and masks are applied to the raw loaded value. in_le64/out_le64 are the
 * plain cache-inhibited accessors, barriers included.
 */
#define RAW(v)			__builtin_bswap64(v)

/* PE numbers have at most 9 bits: they sit in the register's low 16 bits,
 * which the swap moves to the top. */
static inline uint64_t raw_pe(uint32_t pe)
{
	return (uint64_t)__builtin_bswap16((uint16_t)(pe & 0x1ff)) << 48;
}

/* Poll a register until (raw value & mask) == want. The first read
 * usually matches (always on QEMU), so the loop is only set up after it. */
static inline bool poll_raw(uint64_t addr, uint64_t mask, uint64_t want)
{
	unsigned int i;

	if (__builtin_expect((in_le64(addr) & mask) == want, 1))
		return true;
	for (i = 1; i < PHB4_POLL_MAX; i++)
		if ((in_le64(addr) & mask) == want)
			return true;
	return false;
}

/* The kill queue takes one request at a time: the PHB clears the command
 * bits once it has queued the previous one. Called with the lock held. */
static inline int kill_issue(uint64_t regs, uint64_t raw)
{
	if (!poll_raw(regs + PHB4_TCE_KILL, RAW(PHB4_TCE_KILL_BUSY), 0))
		return IOMMU_EHW;
	out_le64(regs + PHB4_TCE_KILL, raw);
	return IOMMU_OK;
}

/* One kill request, counted in *count under the lock: callers on different
 * tables reach the same PHB concurrently. */
static int kill_one_request(struct phb *p, uint64_t raw, uint64_t *count)
{
	int rc;

	lock_take(&p->lock);
	(*count)++;
	rc = kill_issue(p->regs, raw);
	lock_release(&p->lock);
	return rc;
}

static int phb4_kill_pe(struct iommu_phb *iphb, uint32_t pe)
{
	return kill_one_request(phb_from_iommu(iphb), RAW(PHB4_TCE_KILL_PE) | raw_pe(pe),
				&iphb->kills_pe);
}

static int phb4_kill_all(struct iommu_phb *iphb)
{
	return kill_one_request(phb_from_iommu(iphb), RAW(PHB4_TCE_KILL_ALL), &iphb->kills_all);
}

/*
 * Wait until every queued kill has taken effect: start a DMA read sync,
 * let the kill status drain, then wait for the sync to complete
 * (skiboot's sequence, phb-and-tce.md §7). Under the lock, so that two
 * CPUs' handshakes do not interleave.
 */
static inline int sync_locked(uint64_t regs)
{
	out_le64(regs + PHB4_DMARD_SYNC, RAW(PHB4_DMARD_SYNC_START));
	if (poll_raw(regs + PHB4_Q_DMA_R, RAW(PHB4_Q_DMA_R_TCE_KILL_STATUS), 0) &&
	    poll_raw(regs + PHB4_DMARD_SYNC, RAW(PHB4_DMARD_SYNC_COMPLETE),
		     RAW(PHB4_DMARD_SYNC_COMPLETE)))
		return IOMMU_OK;
	return IOMMU_EHW;
}

static int phb4_sync(struct iommu_phb *iphb)
{
	struct phb *p = phb_from_iommu(iphb);
	int rc;

	lock_take(&p->lock);
	rc = sync_locked(p->regs);
	lock_release(&p->lock);
	return rc;
}

/* A PE's kill token: the whole kill request, in register byte order. */
static uint64_t phb4_kill_token(const struct iommu_phb *iphb, uint32_t pe)
{
	return RAW(PHB4_TCE_KILL_PE) | raw_pe(pe);
}

/* The fan-out's path: every PE kill and the sync in one hold of the lock.
 * The first kill is issued before the loop: usually there is only one. */
static int phb4_kill_pes(struct iommu_phb *iphb, const uint64_t *tokens, unsigned int n)
{
	struct phb *p = phb_from_iommu(iphb);
	uint64_t regs = p->regs;
	unsigned int i;
	int rc;

	lock_take(&p->lock);
	iphb->kills_pe += n;
	rc = kill_issue(regs, tokens[0]);
	for (i = 1; i < n && !rc; i++)
		rc = kill_issue(regs, tokens[i]);
	if (!rc)
		rc = sync_locked(regs);
	lock_release(&p->lock);
	return rc;
}

/* Page size field of a single-page kill; false if the PHB has none. */
static bool kill_page_size(unsigned int page_shift, uint64_t *bits)
{
	static const struct { unsigned int shift; uint64_t psize; } sizes[] = {
		{ 16, PHB4_TCE_KILL_PSIZE_64K },
		{ 21, PHB4_TCE_KILL_PSIZE_2M },
		{ 30, PHB4_TCE_KILL_PSIZE_1G },
	};
	unsigned int i;

	*bits = 0;
	if (page_shift == 12)
		return true;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (sizes[i].shift == page_shift) {
			*bits = PHB4_TCE_KILL_PSEL | SETFIELD(PHB4_TCE_KILL_PSIZE, 0ULL,
							      sizes[i].psize);
			return true;
		}
	}
	return false;
}

/*
 * One KILL_ONE per page, the bus address in the middle bits; the caller
 * syncs. Only reached with kill_threshold > 0, which PHB4 does not set
 * (HW560152); kept correct for a PHB revision without the erratum. A page
 * size or address the register cannot express gets a PE kill instead,
 * which covers it.
 */
static int phb4_kill_range(struct iommu_phb *iphb, uint32_t pe, uint64_t bus,
			   uint64_t npages, unsigned int page_shift)
{
	struct phb *p = phb_from_iommu(iphb);
	uint64_t psize, page, last, i;
	int rc = IOMMU_OK;

	if (!npages)
		return IOMMU_OK;
	if (!kill_page_size(page_shift, &psize))
		return phb4_kill_pe(iphb, pe);
	page = 1ULL << page_shift;
	last = bus + (npages - 1) * page;
	if ((bus & (page - 1)) || last < bus || (last & ~PPC_BITMASK(4, 51)))
		return phb4_kill_pe(iphb, pe);
	lock_take(&p->lock);
	iphb->kills_range++;
	for (i = 0; i < npages && !rc; i++)
		rc = kill_issue(p->regs, RAW(PHB4_TCE_KILL_ONE | psize |
					     SETFIELD(PHB4_TCE_KILL_PENUM, bus + i * page, pe)));
	lock_release(&p->lock);
	return rc;
}

static const struct phb_ops phb4_iommu_ops = {
	.set_window = phb_set_window,
	.kill_range = phb4_kill_range,
	.kill_pe = phb4_kill_pe,
	.kill_all = phb4_kill_all,
	.kill_pes = phb4_kill_pes,
	.kill_token = phb4_kill_token,
	.sync = phb4_sync,
};
