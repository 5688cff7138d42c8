/*
 * What PHB3 and PHB4 share: finding them in the FDT, the PHB/PE/RTT pools,
 * bring-up order and its common steps (version check, RTT, TVT, RTC
 * invalidation), PE assignment, config access through CONFIG_ADDRESS/DATA,
 * IODA table access and set_window (IODA2 and IODA3 encode TVEs alike).
 *
 * The FDT names PHBs but does not say which exist (phb-and-tce.md §1):
 * every PHB it names is probed through XSCOM by its driver, and one that
 * does not answer is kept in the list as absent.
 *
 * RTTs live in BSS, one 128 KiB slot per possible PHB (1.5 MiB for
 * PHB_MAX = 12): the linker then accounts for them below the 16 MiB limit
 * and boot clears them, and nothing else has to know about a carve-out
 * above the image when guests get memory.
 */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <arch/io.h>
#include <drivers/phb.h>
#include <drivers/phb4-regs.h>
#include <iommu/tce_table.h>
#include <lib/fdt_util.h>

static struct phb phbs[PHB_MAX];
static unsigned int nr_phbs;
static struct phb_pe pes[PHB_PE_MAX];
static unsigned int nr_pes;
/* PHB phbs[i]'s RTT is rtt_pool[i]: PHBs do not move once sorted. */
static uint16_t rtt_pool[PHB_MAX][PHB_RTT_ENTRIES] __attribute__((aligned(PHB_RTT_SIZE)));

unsigned int phb_count(void)
{
	return nr_phbs;
}

struct phb *phb_get(unsigned int i)
{
	return i < nr_phbs ? &phbs[i] : NULL;
}

unsigned int phb_pe_count(void)
{
	return nr_pes;
}

struct phb_pe *phb_pe_get(unsigned int i)
{
	return i < nr_pes ? &pes[i] : NULL;
}

unsigned int phb_pe_index(const struct phb_pe *pe)
{
	unsigned int i;

	for (i = 0; i < nr_pes; i++)
		if (&pes[i] == pe)
			return i;
	return PHB_PE_MAX;
}

struct phb_pe *phb_pe_of_dev(const struct pci_dev *dev)
{
	unsigned int i;

	for (i = 0; i < nr_pes; i++)
		if (pes[i].dev == dev)
			return &pes[i];
	return NULL;
}

uint64_t phb_read(struct phb *p, uint32_t reg)
{
	return in_be64(p->regs + reg);
}

void phb_write(struct phb *p, uint32_t reg, uint64_t val)
{
	out_be64(p->regs + reg, val);
}

static void cfg_select(struct phb *p, uint16_t bdf, uint32_t off)
{
	phb_write(p, PHB_CONFIG_ADDRESS, PHB_CA_ENABLE | SETFIELD(PHB_CA_BDFN, 0ULL, bdf) |
		  SETFIELD(PHB_CA_REG, 0ULL, off & 0xffc));
}

uint32_t phb_cfg_read(struct phb *p, uint16_t bdf, uint32_t off, unsigned int size)
{
	uint64_t data = p->regs + PHB_CONFIG_DATA + (off & 3);
	uint32_t v;

	lock_take(&p->lock);
	cfg_select(p, bdf, off);
	if (size == 1)
		v = in_8(data);
	else if (size == 2)
		v = in_le16(data);
	else
		v = in_le32(data);
	lock_release(&p->lock);
	return v;
}

void phb_cfg_write(struct phb *p, uint16_t bdf, uint32_t off, unsigned int size, uint32_t val)
{
	uint64_t data = p->regs + PHB_CONFIG_DATA + (off & 3);

	lock_take(&p->lock);
	cfg_select(p, bdf, off);
	if (size == 1)
		out_8(data, (uint8_t)val);
	else if (size == 2)
		out_le16(data, (uint16_t)val);
	else
		out_le32(data, val);
	lock_release(&p->lock);
}

/* Can TVE #window of this PHB walk tbl? Checked in an order that keeps
 * every shift below 64. */
static bool tve_geometry_ok(const struct phb *p, int window, const struct tce_table *tbl)
{
	unsigned int level_log2 = tbl->level_shift + 3u;	/* bytes per level */
	uint64_t span;

	if (window < 0 || window >= TCE_WINDOWS ||
	    tbl->bus_offset != (window ? TCE_WINDOW1_BUS : 0))
		return false;
	if (tbl->hw_page_shift >= 64 || !(p->iommu.page_sizes & (1ULL << tbl->hw_page_shift)))
		return false;
	if (tbl->levels < 1 || tbl->levels > TCE_LEVELS_MAX ||
	    tbl->level_shift < TCE_LEVEL_SHIFT_MIN ||
	    level_log2 - 11 > GETFIELD(PHB_TVE_TABLE_SIZE, PHB_TVE_TABLE_SIZE))
		return false;
	/* The PHB ORs each level index into the level's base. */
	if ((tbl->top_hpa & ((1ULL << level_log2) - 1)) ||
	    (tbl->top_hpa >> 12) > GETFIELD(PHB_TVE_TABLE_ADDR, PHB_TVE_TABLE_ADDR))
		return false;
	span = tbl->hw_page_shift + (uint64_t)tbl->levels * tbl->level_shift;
	return span <= 59 && tbl->window_size && tbl->window_size <= (1ULL << span);
}

/*
 * The TVE for tbl (NULL: 0, invalid), or IOMMU_EINVAL if this PHB cannot
 * express it (page size, levels, level size, alignment, window base). A
 * translated window's TVE holds the top level address, levels - 1, the
 * size of one level as log2(bytes) - 11 and the IO page as log2(page) - 11.
 */
static int tve_encode(const struct phb *p, int window, const struct tce_table *tbl,
		      uint64_t *tve)
{
	*tve = 0;
	if (!tbl)
		return IOMMU_OK;
	if (!tve_geometry_ok(p, window, tbl))
		return IOMMU_EINVAL;
	*tve = SETFIELD(PHB_TVE_TABLE_ADDR, 0ULL, tbl->top_hpa >> 12) |
	       SETFIELD(PHB_TVE_NUM_LEVELS, 0ULL, tbl->levels - 1) |
	       SETFIELD(PHB_TVE_TABLE_SIZE, 0ULL, tbl->level_shift + 3u - 11) |
	       SETFIELD(PHB_TVE_IO_PSIZE, 0ULL, tbl->hw_page_shift - 11);
	return IOMMU_OK;
}

void phb_ioda_select(struct phb *p, unsigned int table, unsigned int index, bool autoinc)
{
	phb_write(p, PHB_IODA_ADDR, (autoinc ? PHB_IODA_AD_AUTOINC : 0) |
		  SETFIELD(PHB_IODA_AD_TSEL, 0ULL, table) |
		  SETFIELD(p->hw->ioda_tadr, 0ULL, index));
}

/* The window is checked first: an invalid one must not select another
 * PE's TVE, even to clear it. */
int phb_set_window(struct iommu_phb *iphb, uint32_t pe, int window, const struct tce_table *tbl)
{
	struct phb *p = phb_from_iommu(iphb);
	uint64_t tve;
	int rc;

	if (window < 0 || window >= TCE_WINDOWS || pe >= p->num_pes)
		return IOMMU_EINVAL;
	rc = tve_encode(p, window, tbl, &tve);
	if (rc)
		return rc;
	lock_take(&p->lock);
	phb_ioda_select(p, PHB_IODA_TBL_TVT, pe * TCE_WINDOWS + (unsigned int)window, false);
	phb_write(p, PHB_IODA_DATA0, tve);
	lock_release(&p->lock);
	return IOMMU_OK;
}

/* --- discovery ------------------------------------------------------------ */

static uint32_t chip_of(const void *fdt, int node)
{
	int parent = fdt_parent_offset(fdt, node);

	if (fdt_getprop(fdt, node, "ibm,chip-id", NULL) || parent < 0)
		return fdtu_u32(fdt, node, "ibm,chip-id", 0);
	return fdtu_u32(fdt, parent, "ibm,chip-id", 0);
}

static uint64_t reg_addr(const void *fdt, int node, int i)
{
	uint32_t space;
	uint64_t addr = 0, size;

	if (!fdtu_reg(fdt, node, i, &space, &addr, &size))
		return 0;
	return addr;
}

static struct phb *phb_add(uint32_t chip, uint32_t index)
{
	struct phb *p;

	if (nr_phbs == PHB_MAX) {
		printf("phb: warning: more than %u PHBs, phb%u:%u ignored\n", PHB_MAX,
		       chip, index);
		return NULL;
	}
	p = &phbs[nr_phbs++];
	memset(p, 0, sizeof(*p));
	p->chip_id = chip;
	p->index = index;
	p->lock = (struct lock)LOCK_INIT;
	snprintf(p->name, sizeof(p->name), "phb%u:%u", chip, index);
	return p;
}

/* One POWER9 stack: its nest registers sit a stride per stack above the
 * PEC's nest base, its indirect window above the PEC's PCI base. */
static bool add_p9_stack(const void *fdt, int pec, int stk, uint64_t nest, uint64_t pci)
{
	uint32_t stack = fdtu_u32(fdt, stk, "reg", 0);
	struct phb *p = phb_add(chip_of(fdt, pec), fdtu_u32(fdt, stk, "ibm,phb-index", 0));

	if (!p)
		return false;
	p->hw = &phb4_hw_ops;
	p->xscom_nest = nest + PHB4_XSCOM_STACK_STRIDE * (stack + 1);
	p->xscom_ind = pci + PHB4_XSCOM_IND_OFFSET + PHB4_XSCOM_STACK_STRIDE * stack;
	return true;
}

/*
 * POWER9: one PEC node per PEC, one stack child per PHB. The PEC's reg is
 * (nest base, size, PCI base, size); the stack's reg is its stack number.
 */
static void find_p9(const void *fdt)
{
	int pec = -1, stk;

	while ((pec = fdt_node_offset_by_compatible(fdt, pec, "ibm,power9-pbcq")) >= 0) {
		uint64_t nest = reg_addr(fdt, pec, 0), pci = reg_addr(fdt, pec, 1);

		fdt_for_each_subnode(stk, fdt, pec) {
			if (fdt_node_check_compatible(fdt, stk, "ibm,power9-phb-stack"))
				continue;
			if (!add_p9_stack(fdt, pec, stk, nest, pci))
				return;
		}
	}
}

/* POWER8: one PBCQ node per PHB, reg = (nest, size, PCI, size, SPCI, size). */
static void find_p8(const void *fdt)
{
	int node = -1;

	while ((node = fdt_node_offset_by_compatible(fdt, node, "ibm,power8-pbcq")) >= 0) {
		struct phb *p = phb_add(chip_of(fdt, node),
					fdtu_u32(fdt, node, "ibm,phb-index", 0));

		if (!p)
			return;
		p->hw = &phb3_hw_ops;
		p->xscom_nest = reg_addr(fdt, node, 0);
		p->xscom_ind = reg_addr(fdt, node, 2);
	}
}

static bool phb_before(const struct phb *a, const struct phb *b)
{
	return a->chip_id < b->chip_id || (a->chip_id == b->chip_id && a->index < b->index);
}

/* Insertion sort into (chip, index) order; done before any pointer to a
 * PHB is handed out. */
static void sort_phbs(void)
{
	unsigned int i, j;

	for (i = 1; i < nr_phbs; i++) {
		struct phb t = phbs[i];

		for (j = i; j > 0 && phb_before(&t, &phbs[j - 1]); j--)
			phbs[j] = phbs[j - 1];
		phbs[j] = t;
	}
}

/* --- bring-up --------------------------------------------------------------- */

static void rtt_setup(struct phb *p)
{
	uint16_t be_pe = __builtin_bswap16((uint16_t)p->reserved_pe);
	unsigned int i;

	p->rtt = rtt_pool[p - phbs];
	for (i = 0; i < PHB_RTT_ENTRIES; i++)
		p->rtt[i] = be_pe;
}

static bool pe_alloc(struct phb *p, struct pci_dev *dev)
{
	if (p->next_pe == p->reserved_pe)
		p->next_pe++;
	if (p->next_pe >= p->num_pes || nr_pes == PHB_PE_MAX)
		return false;
	dev->pe = (int)p->next_pe++;
	p->rtt[dev->bdf] = __builtin_bswap16((uint16_t)dev->pe);
	pes[nr_pes] = (struct phb_pe){ .phb = p, .pe = (uint32_t)dev->pe, .dev = dev };
	table_group_init(&pes[nr_pes].group, &p->iommu, (uint32_t)dev->pe);
	nr_pes++;
	return true;
}

/*
 * One PE per endpoint function: bridges and the root port stay on the
 * reserved PE. The RTT stores are ordered before the invalidation by the
 * sync in the MMIO store.
 *
 * Not handled yet: functions behind a PCIe-to-PCI bridge reach the PHB
 * under the bridge's alias RID (secondary bus, 00.0), which stays on the
 * reserved PE, so their own PEs see no DMA.
 */
static void assign_pes(struct phb *p)
{
	unsigned int i;

	for (i = 0; i < pci_dev_count(); i++) {
		struct pci_dev *dev = pci_dev_get(i);

		if (dev->host != &p->pci || dev->root_port || dev->hdr_type != PCI_HEADER_NORMAL)
			continue;
		if (!pe_alloc(p, dev))
			printf("phb: warning: %s: no PE left for %02x:%02x.%x\n", p->name,
			       PCI_BUS(dev->bdf), PCI_SLOT(dev->bdf), PCI_FUNC(dev->bdf));
	}
	phb_write(p, PHB_RTC_INVALIDATE, PHB_RTC_INVALIDATE_ALL);
}

/* What both generations do before their own init: point the PHB at its
 * RTT, clear the TVT, describe the M32 window to the PCI code. */
static void phb_init_common(struct phb *p)
{
	unsigned int i;

	phb_write(p, PHB_RTT_BAR, PHB_RTT_BAR_ENABLE |
		  ((uint64_t)(uintptr_t)p->rtt & p->hw->rtt_bar_base));
	phb_ioda_select(p, PHB_IODA_TBL_TVT, 0, true);
	for (i = 0; i < p->num_pes * TCE_WINDOWS; i++)
		phb_write(p, PHB_IODA_DATA0, 0);
	p->pci.mem_pci = PHB_M32_PCI_BASE;
	p->pci.mem_cpu = p->m32_cpu;
	p->pci.mem_size = PHB_M32_SIZE;
}

static void phb_bring_up(struct phb *p)
{
	if (!p->hw->setup(p))
		return;
	if (phb_read(p, PHB_VERSION) != p->version) {
		p->why_absent = "register space not mapped";
		return;
	}
	p->num_pes = p->hw->num_pes(p);
	p->reserved_pe = p->num_pes - 1;
	rtt_setup(p);
	p->present = true;
	p->iommu.name = p->name;
	p->pci.domain = phb_domain(p);
	p->next_pe = PHB_FIRST_PE;
	phb_init_common(p);
	p->hw->init(p);
	if (pci_enumerate(&p->pci) < 0)
		printf("phb: warning: %s: more than %u PCI functions, the rest ignored\n",
		       p->name, PCI_MAX_DEVS);
	assign_pes(p);
}

void phb_init(const void *fdt)
{
	unsigned int i;

	nr_phbs = nr_pes = 0;
	find_p9(fdt);
	find_p8(fdt);
	sort_phbs();
	for (i = 0; i < nr_phbs; i++)
		phb_bring_up(&phbs[i]);
}
