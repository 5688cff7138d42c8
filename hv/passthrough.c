/*
 * PCI passthrough: a guest owns PCI functions, whose DMA goes through the
 * guest's own TCE tables and whose registers it reaches directly.
 *
 *  - BARs are placed by the hypervisor (at enumeration) and mapped into the
 *    guest's partition-scoped space, cache-inhibited and guarded, at
 *    guest-physical GUEST_PCI_MMIO_GPA + the BAR's guest PCI address. Guest
 *    PCI addresses are handed out per guest from 0x80000000 upward, each BAR
 *    aligned to its size, so devices from different host PHBs never collide.
 *  - Config space is reached the PAPR way, RTAS ibm,read-pci-config and
 *    ibm,write-pci-config, on the guest's one virtual PHB (bus 0, device k+1
 *    for the k-th assigned function). Reads and writes go to the real device
 *    except: BAR registers (virtual: the guest sees its guest PCI addresses
 *    and the sizing protocol works, writes never reach the device), the
 *    expansion ROM (absent), and the command register (the guest's copy;
 *    memory decode and bus mastering stay under the hypervisor's control:
 *    on while the guest runs, off once it stops).
 */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <drivers/pci.h>
#include <drivers/phb.h>
#include <hv/passthrough.h>
#include <hv/rtas.h>
#include <papr/hcall.h>

#define CFG_SPACE	4096
#define ROM_BAR		0x30
#define CMD_MEM		0x2
#define CMD_MASTER	0x4

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static uint64_t bar_span(const struct pci_bar *b)
{
	return b->size < 4096 ? 4096 : b->size;
}

bool passthrough_setup(struct guest *g, char *err, size_t len)
{
	uint64_t next = GUEST_PCI_M32_BASE;
	unsigned int k, i;

	for (k = 0; k < g->nr_devs; k++) {
		const struct pci_dev *d = g->devs[k]->dev;
		struct guest_pci *gp = &g->pci[k];

		memset(gp, 0, sizeof(*gp));
		for (i = 0; i < d->nr_bars; i++) {
			const struct pci_bar *b = &d->bars[i];
			uint64_t span = bar_span(b), pci;

			if (!b->assigned) {
				snprintf(err, len, "device %u BAR%u has no address", k, b->reg);
				return false;
			}
			pci = align_up(next, span);
			if (pci + span > GUEST_PCI_M32_BASE + GUEST_PCI_M32_SIZE) {
				snprintf(err, len, "devices' BARs exceed the 2 GiB PCI window");
				return false;
			}
			next = pci + span;
			gp->bar_pci[i] = pci;
			if (!radix_map(&g->radix, GUEST_PCI_MMIO_GPA + pci, b->cpu, span, RADIX_MMIO)) {
				snprintf(err, len, "no memory for page tables");
				return false;
			}
		}
		gp->vcmd = CMD_MEM | CMD_MASTER;
	}
	return true;
}

void passthrough_enable(struct guest *g, bool on)
{
	unsigned int k;

	for (k = 0; k < g->nr_devs; k++) {
		const struct pci_dev *d = g->devs[k]->dev;
		uint16_t cmd = pci_cfg_read16(d, PCI_COMMAND);

		/* memory decode stays on (the BARs are mapped); DMA follows `on` */
		cmd = (uint16_t)((cmd | CMD_MEM) & ~CMD_MASTER);
		pci_cfg_write16(d, PCI_COMMAND, on ? (uint16_t)(cmd | CMD_MASTER) : cmd);
	}
}

/* ---- device tree --------------------------------------------------------- */

static uint32_t phys_hi(const struct pci_bar *b, unsigned int k)
{
	uint32_t space = b->is64 ? 0x83000000 : 0x82000000;

	return space | ((k + 1) << 11) | (PCI_BAR0 + 4 * b->reg);
}

int passthrough_fdt_dev(void *fdt, const struct guest *g, unsigned int k)
{
	const struct pci_dev *d = g->devs[k]->dev;
	fdt32_t reg[5 * (1 + PCI_MAX_BARS)], aa[5 * PCI_MAX_BARS];
	unsigned int i, n = 0;

	reg[0] = cpu_to_fdt32((k + 1) << 11);
	reg[1] = reg[2] = reg[3] = reg[4] = 0;
	for (i = 0; i < d->nr_bars; i++) {
		const struct pci_bar *b = &d->bars[i];
		uint64_t pci = g->pci[k].bar_pci[i], size = b->size;

		reg[5 * (i + 1)] = cpu_to_fdt32(phys_hi(b, k) & 0x03ffffff);
		reg[5 * (i + 1) + 1] = reg[5 * (i + 1) + 2] = 0;
		reg[5 * (i + 1) + 3] = cpu_to_fdt32((uint32_t)(size >> 32));
		reg[5 * (i + 1) + 4] = cpu_to_fdt32((uint32_t)size);
		aa[5 * n] = cpu_to_fdt32(phys_hi(b, k));
		aa[5 * n + 1] = cpu_to_fdt32((uint32_t)(pci >> 32));
		aa[5 * n + 2] = cpu_to_fdt32((uint32_t)pci);
		aa[5 * n + 3] = cpu_to_fdt32((uint32_t)(size >> 32));
		aa[5 * n + 4] = cpu_to_fdt32((uint32_t)size);
		n++;
	}
	return fdt_property(fdt, "reg", reg, (int)(20 * (1 + d->nr_bars))) |
	       fdt_property(fdt, "assigned-addresses", aa, (int)(20 * n));
}

int passthrough_fdt_vphb(void *fdt, const struct guest *g)
{
	uint64_t gpa = GUEST_PCI_MMIO_GPA + GUEST_PCI_M32_BASE;
	fdt32_t ranges[7] = {
		cpu_to_fdt32(0x02000000), 0, cpu_to_fdt32((uint32_t)GUEST_PCI_M32_BASE),
		cpu_to_fdt32((uint32_t)(gpa >> 32)), cpu_to_fdt32((uint32_t)gpa),
		0, cpu_to_fdt32((uint32_t)GUEST_PCI_M32_SIZE),
	};
	fdt32_t bus_range[2] = { 0, cpu_to_fdt32(0xff) };

	return fdt_property(fdt, "ranges", ranges, sizeof(ranges)) |
	       fdt_property(fdt, "bus-range", bus_range, sizeof(bus_range)) |
	       fdt_property_u32(fdt, "ibm,pci-config-space-type", 1) |
	       fdt_property_u32(fdt, "#interrupt-cells", 1);
}

/* ---- config space through RTAS --------------------------------------------------- */

/* The function behind a guest config address on the virtual PHB, or -1:
 * config_addr = (reg & 0xf00) << 20 | bus << 16 | devfn << 8 | (reg & 0xff) */
static int dev_of(const struct guest *g, uint32_t buid_hi, uint32_t buid_lo, uint32_t addr,
		  uint32_t *off)
{
	unsigned int bus = (addr >> 16) & 0xff, devfn = (addr >> 8) & 0xff;

	if (((uint64_t)buid_hi << 32 | buid_lo) != GUEST_VPHB_BUID || bus != 0)
		return -1;
	if ((devfn & 7) || (devfn >> 3) < 1 || (devfn >> 3) > g->nr_devs)
		return -1;
	*off = ((addr >> 20) & 0xf00) | (addr & 0xff);
	return (int)(devfn >> 3) - 1;
}

static bool size_ok(uint32_t off, uint32_t size)
{
	return (size == 1 || size == 2 || size == 4) && !(off & (size - 1)) && off < CFG_SPACE;
}

/* The BAR of device d decoded by config register `off` (4-byte aligned), as
 * its index in d->bars and whether off is the upper half of a 64-bit one. */
static int bar_at(const struct pci_dev *d, uint32_t off, bool *upper)
{
	unsigned int i;

	for (i = 0; i < d->nr_bars; i++) {
		uint32_t lo = PCI_BAR0 + 4 * d->bars[i].reg;

		if (off == lo || (d->bars[i].is64 && off == lo + 4)) {
			*upper = off != lo;
			return (int)i;
		}
	}
	return -1;
}

static uint32_t vbar_read(const struct guest *g, unsigned int k, uint32_t off)
{
	const struct pci_dev *d = g->devs[k]->dev;
	const struct guest_pci *gp = &g->pci[k];
	bool upper;
	int i = bar_at(d, off, &upper);
	uint64_t v;

	if (i < 0)
		return 0;	/* unimplemented (or I/O) BAR */
	if (gp->sizing & (1u << ((off - PCI_BAR0) / 4)))
		v = ~(d->bars[i].size - 1);
	else
		v = gp->bar_pci[i];
	if (upper)
		return (uint32_t)(v >> 32);
	return (uint32_t)(v & ~0xfULL) | (d->bars[i].is64 ? 0x4 : 0);
}

static uint32_t cfg_read(struct guest *g, unsigned int k, uint32_t off, uint32_t size)
{
	const struct pci_dev *d = g->devs[k]->dev;
	uint32_t dw = off & ~3u, v;

	if (dw >= PCI_BAR0 && dw < PCI_BAR0 + 4 * PCI_MAX_BARS)
		v = vbar_read(g, k, dw);
	else if (dw == ROM_BAR)
		v = 0;
	else
		v = pci_cfg_read32(d, dw);
	if (dw == PCI_COMMAND)
		v = (v & 0xffff0000) | g->pci[k].vcmd;
	v >>= 8 * (off & 3);
	return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void cfg_write(struct guest *g, unsigned int k, uint32_t off, uint32_t size, uint32_t val)
{
	const struct pci_dev *d = g->devs[k]->dev;
	struct guest_pci *gp = &g->pci[k];
	uint32_t dw = off & ~3u;

	if (dw >= PCI_BAR0 && dw < PCI_BAR0 + 4 * PCI_MAX_BARS) {
		/* all ones (whole dword) starts the sizing protocol, anything
		 * else ends it; the address itself is the hypervisor's */
		uint32_t bit = 1u << ((dw - PCI_BAR0) / 4);

		if (size == 4 && val == 0xffffffff)
			gp->sizing |= bit;
		else
			gp->sizing &= ~bit;
		return;
	}
	if (dw == ROM_BAR)
		return;
	if (dw == PCI_COMMAND && off < PCI_COMMAND + 2) {
		gp->vcmd = (uint16_t)(size == 1 ? (gp->vcmd & 0xff00) | (val & 0xff) : val);
		return;
	}
	if (size == 1)
		pci_cfg_write8(d, off, (uint8_t)val);
	else if (size == 2)
		pci_cfg_write16(d, off, (uint16_t)val);
	else
		pci_cfg_write32(d, off, val);
}

/* ibm,read-pci-config(config_addr, buid_hi, buid_lo, size) -> status, value */
int32_t passthrough_rtas_read(struct guest *g, const uint32_t *args, uint32_t nargs,
			      uint32_t *rets, uint32_t nret)
{
	uint32_t off;
	int k;

	if (nargs != 4 || nret != 2)
		return RTAS_PARAM_ERROR;
	k = dev_of(g, args[1], args[2], args[0], &off);
	if (k < 0 || !size_ok(off, args[3])) {
		rets[1] = 0xffffffff;	/* like an empty slot */
		return RTAS_PARAM_ERROR;
	}
	rets[1] = cfg_read(g, (unsigned int)k, off, args[3]);
	return RTAS_OK;
}

/* ibm,write-pci-config(config_addr, buid_hi, buid_lo, size, value) -> status */
int32_t passthrough_rtas_write(struct guest *g, const uint32_t *args, uint32_t nargs,
			       uint32_t *rets, uint32_t nret)
{
	uint32_t off;
	int k;

	if (nargs != 5 || nret != 1)
		return RTAS_PARAM_ERROR;
	k = dev_of(g, args[1], args[2], args[0], &off);
	if (k < 0 || !size_ok(off, args[3]))
		return RTAS_PARAM_ERROR;
	cfg_write(g, (unsigned int)k, off, args[3], args[4]);
	return RTAS_OK;
}
