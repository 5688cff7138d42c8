/*
 * PCI enumeration behind one host bridge (phb-and-tce.md §4).
 *
 * Bus numbers: the root port's secondary bus is 1; every bridge found
 * below it gets the next number, depth first. Memory BARs are assigned in
 * discovery order from the bottom of the host's 32-bit window, each aligned
 * to its size; a bridge's window is the 1 MiB-aligned span its children
 * took. I/O BARs are left alone: PHB3/PHB4 have no I/O space.
 *
 * The command register is always written as a whole dword with the status
 * half zero: status bits are write-one-to-clear, so zeros leave them alone,
 * and the PHB4 root complex space only takes 4-byte accesses anyway.
 */
#include <stddef.h>
#include <stdio.h>
#include <drivers/pci.h>

static struct pci_dev devs[PCI_MAX_DEVS];
static unsigned int nr_devs;

static uint32_t host_read(struct pci_host *h, uint16_t bdf, uint32_t off, unsigned int size)
{
	return h->cfg->read(h, bdf, off, size);
}

static void host_write(struct pci_host *h, uint16_t bdf, uint32_t off, unsigned int size,
		       uint32_t val)
{
	h->cfg->write(h, bdf, off, size, val);
}

uint8_t pci_cfg_read8(const struct pci_dev *dev, uint32_t off)
{
	return (uint8_t)host_read(dev->host, dev->bdf, off, 1);
}

uint16_t pci_cfg_read16(const struct pci_dev *dev, uint32_t off)
{
	return (uint16_t)host_read(dev->host, dev->bdf, off, 2);
}

uint32_t pci_cfg_read32(const struct pci_dev *dev, uint32_t off)
{
	return host_read(dev->host, dev->bdf, off, 4);
}

void pci_cfg_write8(const struct pci_dev *dev, uint32_t off, uint8_t val)
{
	host_write(dev->host, dev->bdf, off, 1, val);
}

void pci_cfg_write16(const struct pci_dev *dev, uint32_t off, uint16_t val)
{
	host_write(dev->host, dev->bdf, off, 2, val);
}

void pci_cfg_write32(const struct pci_dev *dev, uint32_t off, uint32_t val)
{
	host_write(dev->host, dev->bdf, off, 4, val);
}

static void write_command(const struct pci_dev *dev, uint16_t cmd)
{
	pci_cfg_write32(dev, PCI_COMMAND, cmd);
}

void pci_set_master(const struct pci_dev *dev, bool on)
{
	uint16_t cmd = pci_cfg_read16(dev, PCI_COMMAND);

	if (on)
		cmd |= PCI_COMMAND_MASTER;
	else
		cmd &= (uint16_t)~PCI_COMMAND_MASTER;
	write_command(dev, cmd);
}

unsigned int pci_dev_count(void)
{
	return nr_devs;
}

struct pci_dev *pci_dev_get(unsigned int index)
{
	return index < nr_devs ? &devs[index] : NULL;
}

void pci_dev_name(const struct pci_dev *dev, char buf[PCI_NAME_LEN])
{
	snprintf(buf, PCI_NAME_LEN, "%04x:%02x:%02x.%x", dev->host->domain, PCI_BUS(dev->bdf),
		 PCI_SLOT(dev->bdf), PCI_FUNC(dev->bdf));
}

#define PCI_BAR_MIN_SPAN	4096

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Take [addr, addr + size) from the window, aligned to size; false if it
 * does not fit. Every BAR gets at least a 4 KiB page of its own, so that a
 * guest given a device through a 4 KiB mapping sees no other device. */
static bool window_alloc(struct pci_host *h, uint64_t size, uint64_t *addr)
{
	uint64_t end = h->mem_pci + h->mem_size;
	uint64_t a;

	if (size < PCI_BAR_MIN_SPAN)
		size = PCI_BAR_MIN_SPAN;
	a = align_up(h->mem_next, size);

	if (a < h->mem_next || a >= end || size > end - a)
		return false;
	*addr = a;
	h->mem_next = a + size;
	return true;
}

/* Size BAR `reg` (decode must be off): the all-ones write reads back the
 * size mask. Restores the original value; 0 if unimplemented or bogus. */
static uint64_t bar_size(struct pci_dev *dev, unsigned int reg, bool is64)
{
	uint32_t off = PCI_BAR0 + 4 * reg;
	uint32_t lo = pci_cfg_read32(dev, off), lo_mask, hi_mask = 0xffffffff;
	uint64_t size;

	pci_cfg_write32(dev, off, 0xffffffff);
	lo_mask = pci_cfg_read32(dev, off) & ~(uint32_t)PCI_BAR_MEM_MASK;
	pci_cfg_write32(dev, off, lo);
	if (is64) {
		uint32_t hi = pci_cfg_read32(dev, off + 4);

		pci_cfg_write32(dev, off + 4, 0xffffffff);
		hi_mask = pci_cfg_read32(dev, off + 4);
		pci_cfg_write32(dev, off + 4, hi);
		if (!hi_mask && !lo_mask)
			return 0;
	} else if (!lo_mask) {
		return 0;
	}
	size = ~(((uint64_t)hi_mask << 32) | lo_mask) + 1;
	return (size & (size - 1)) ? 0 : size;
}

static void bar_assign(struct pci_dev *dev, struct pci_bar *bar)
{
	uint32_t off = PCI_BAR0 + 4 * bar->reg;
	uint64_t addr;

	if (!window_alloc(dev->host, bar->size, &addr))
		return;
	pci_cfg_write32(dev, off, (uint32_t)addr);
	if (bar->is64)
		pci_cfg_write32(dev, off + 4, (uint32_t)(addr >> 32));
	bar->pci = addr;
	bar->cpu = dev->host->mem_cpu + (addr - dev->host->mem_pci);
	bar->assigned = true;
}

/* Size and assign every memory BAR; true if all of them fitted. */
static bool setup_bars(struct pci_dev *dev, unsigned int nr_regs)
{
	bool all = true;
	unsigned int reg;

	for (reg = 0; reg < nr_regs; reg++) {
		uint32_t v = pci_cfg_read32(dev, PCI_BAR0 + 4 * reg);
		bool is64 = (v & PCI_BAR_MEM_TYPE) == PCI_BAR_MEM_64;
		struct pci_bar *bar = &dev->bars[dev->nr_bars];
		uint64_t size;

		if (v & PCI_BAR_IO)
			continue;
		if (is64 && reg + 1 >= nr_regs)
			break;		/* malformed: no upper half */
		size = bar_size(dev, reg, is64);
		if (size) {
			*bar = (struct pci_bar){ .reg = (uint8_t)reg, .size = size, .is64 = is64 };
			bar_assign(dev, bar);
			all &= bar->assigned;
			dev->nr_bars++;
		}
		if (is64)
			reg++;
	}
	return all;
}

static struct pci_dev *dev_add(struct pci_host *h, uint16_t bdf)
{
	struct pci_dev *dev;
	uint32_t id;

	if (nr_devs == PCI_MAX_DEVS)
		return NULL;
	dev = &devs[nr_devs++];
	*dev = (struct pci_dev){ .host = h, .bdf = bdf, .pe = -1 };
	id = pci_cfg_read32(dev, PCI_VENDOR_ID);
	dev->vendor = (uint16_t)id;
	dev->device = (uint16_t)(id >> 16);
	dev->class = pci_cfg_read32(dev, PCI_CLASS_REVISION) >> 8;
	dev->hdr_type = pci_cfg_read8(dev, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK;
	return dev;
}

/* Bus numbers and windows of a bridge that forwards everything below it:
 * memory [base, limit], I/O and prefetchable windows closed. */
static void bridge_program(struct pci_dev *br, unsigned int sec, unsigned int sub,
			   uint64_t base, uint64_t limit)
{
	uint32_t mem = 0x0000fff0;	/* base > limit: closed */

	pci_cfg_write32(br, PCI_BRIDGE_BUSES,
			PCI_BUS(br->bdf) | (sec << 8) | (sub << 16));
	if (limit > base)
		mem = (uint32_t)(((base >> 16) & 0xfff0) | (limit & 0xfff00000));
	pci_cfg_write32(br, PCI_BRIDGE_MEM, mem);
	pci_cfg_write32(br, PCI_BRIDGE_IO, 0x000000f0);
	pci_cfg_write32(br, PCI_BRIDGE_PREF, 0x0000fff0);
	pci_cfg_write32(br, PCI_BRIDGE_PREF_HI_BASE, 0xffffffff);
	pci_cfg_write32(br, PCI_BRIDGE_PREF_HI_LIM, 0);
	/* A bridge must master the bus to forward its children's DMA. */
	write_command(br, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

static int scan_bus(struct pci_host *h, unsigned int bus);

/* A bridge below the root port: its own BARs first, then a window that
 * starts on a 1 MiB boundary and covers whatever its children took. */
static int bridge_setup(struct pci_dev *br)
{
	struct pci_host *h = br->host;
	unsigned int sec;
	uint64_t base;
	int n;

	write_command(br, 0);
	setup_bars(br, 2);
	if (h->last_bus >= 0xff)
		return 0;
	sec = ++h->last_bus;
	/* Route config cycles for [sec, 0xff] while scanning below. */
	bridge_program(br, sec, 0xff, 1, 0);
	h->mem_next = align_up(h->mem_next, PCI_BRIDGE_WINDOW_ALIGN);
	base = h->mem_next;
	n = scan_bus(h, sec);
	h->mem_next = align_up(h->mem_next, PCI_BRIDGE_WINDOW_ALIGN);
	bridge_program(br, sec, h->last_bus, base, h->mem_next - 1);
	br->mem_enabled = true;
	return n;
}

static int function_setup(struct pci_host *h, uint16_t bdf)
{
	struct pci_dev *dev = dev_add(h, bdf);

	if (!dev)
		return -1;
	if (dev->hdr_type == PCI_HEADER_BRIDGE) {
		int n = bridge_setup(dev);

		return n < 0 ? n : n + 1;
	}
	/* Decode off while sizing; on only if every BAR has an address, so
	 * that no BAR decodes at its reset value 0. Bus mastering stays off
	 * until the hypervisor hands the device to someone. */
	write_command(dev, 0);
	dev->mem_enabled = setup_bars(dev, PCI_MAX_BARS);
	if (dev->mem_enabled && dev->nr_bars)
		write_command(dev, PCI_COMMAND_MEMORY);
	else
		dev->mem_enabled = false;
	return 1;
}

static int scan_slot(struct pci_host *h, unsigned int bus, unsigned int slot)
{
	unsigned int fn, nfn = 1;
	int total = 0;

	for (fn = 0; fn < nfn; fn++) {
		uint16_t bdf = PCI_BDF(bus, slot, fn);
		int n;

		if ((host_read(h, bdf, PCI_VENDOR_ID, 2) & 0xffff) == 0xffff)
			continue;
		if (fn == 0 && (host_read(h, bdf, PCI_HEADER_TYPE, 1) & PCI_HEADER_MULTIFUNC))
			nfn = 8;
		n = function_setup(h, bdf);
		if (n < 0)
			return -1;
		total += n;
	}
	return total;
}

static int scan_bus(struct pci_host *h, unsigned int bus)
{
	unsigned int slot;
	int total = 0;

	for (slot = 0; slot < 32; slot++) {
		int n = scan_slot(h, bus, slot);

		if (n < 0)
			return -1;
		total += n;
	}
	return total;
}

/*
 * The root port at 00:00.0 (the root bus has no other slot): secondary
 * bus 1, subordinate 0xff, and the whole 32-bit window, so that nothing
 * has to be revisited when buses or BARs are added below it.
 */
static struct pci_dev *root_port_setup(struct pci_host *h)
{
	struct pci_dev *rp;

	if ((host_read(h, 0, PCI_VENDOR_ID, 2) & 0xffff) == 0xffff)
		return NULL;
	if ((host_read(h, 0, PCI_HEADER_TYPE, 1) & PCI_HEADER_TYPE_MASK) != PCI_HEADER_BRIDGE)
		return NULL;
	rp = dev_add(h, 0);
	if (!rp)
		return NULL;
	rp->root_port = true;
	bridge_program(rp, 1, 0xff, h->mem_pci, h->mem_pci + h->mem_size - 1);
	rp->mem_enabled = true;
	return rp;
}

int pci_enumerate(struct pci_host *h)
{
	int n;

	h->mem_next = h->mem_pci;
	h->last_bus = 1;
	h->root_port = false;
	if (!root_port_setup(h))
		return nr_devs == PCI_MAX_DEVS ? -1 : 0;
	h->root_port = true;
	n = scan_bus(h, 1);
	return n < 0 ? -1 : n + 1;
}
