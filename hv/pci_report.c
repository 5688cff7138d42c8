/*
 * The boot listing of PHBs, PCI functions and PEs. Tests parse it: keep
 * the format stable. One line per item, PHBs in (chip, index) order, each
 * followed by the functions behind it in discovery order:
 *
 *   phb: <chip>:<index> <model> version 0x<16 hex> pes <n> regs 0x<hex> m32 0x<hex>
 *   phb: <chip>:<index> absent[ (<reason>)]
 *   pci: <bdf> <vendor>:<device> class <6 hex> root-port
 *   pci: <bdf> <vendor>:<device> class <6 hex> bridge
 *   pci: <bdf> <vendor>:<device> class <6 hex> pe <n>
 *   pci: <bdf> <vendor>:<device> class <6 hex> no-pe
 *   pci: <bdf> bar<r> mem32|mem64 pci 0x<hex> cpu 0x<hex> size 0x<hex>
 *   pci: <bdf> bar<r> mem32|mem64 unassigned size 0x<hex>
 *   pci: <n> PHB(s) present, <n> absent, <n> device(s), <n> PE(s)
 *
 * <bdf> is <domain>:<bus>:<slot>.<function> in hex (4:2:2.1 digits), the
 * domain being (chip << 4) | index. "m32" is the CPU address of PCI
 * 0x80000000. BAR lines follow their function's line; a function with an
 * unassigned BAR has memory decode off. "device(s)" counts the functions
 * behind the root ports, not the root ports themselves.
 */
#include <stdio.h>
#include <drivers/pci.h>
#include <drivers/phb.h>
#include <hv/pci_report.h>

static void print_bdf(const struct pci_dev *dev)
{
	char name[PCI_NAME_LEN];

	pci_dev_name(dev, name);
	printf("pci: %s", name);
}

static void report_bar(const struct pci_dev *dev, const struct pci_bar *bar)
{
	print_bdf(dev);
	printf(" bar%u %s", bar->reg, bar->is64 ? "mem64" : "mem32");
	if (bar->assigned)
		printf(" pci 0x%lx cpu 0x%lx size 0x%lx\n", bar->pci, bar->cpu, bar->size);
	else
		printf(" unassigned size 0x%lx\n", bar->size);
}

static void report_dev(const struct pci_dev *dev)
{
	unsigned int i;

	print_bdf(dev);
	printf(" %04x:%04x class %06x ", dev->vendor, dev->device, dev->class);
	if (dev->root_port)
		printf("root-port\n");
	else if (dev->hdr_type != PCI_HEADER_NORMAL)
		printf("bridge\n");
	else if (dev->pe >= 0)
		printf("pe %d\n", dev->pe);
	else
		printf("no-pe\n");
	for (i = 0; i < dev->nr_bars; i++)
		report_bar(dev, &dev->bars[i]);
}

static unsigned int report_phb(struct phb *p)
{
	unsigned int i, n = 0;

	printf("phb: %u:%u ", p->chip_id, p->index);
	if (!p->present) {
		printf("absent");
		if (p->why_absent)
			printf(" (%s)", p->why_absent);
		printf("\n");
		return 0;
	}
	printf("%s version 0x%016lx pes %u regs 0x%lx m32 0x%lx\n", p->hw->model, p->version,
	       p->num_pes, p->regs, p->m32_cpu);
	for (i = 0; i < pci_dev_count(); i++) {
		struct pci_dev *dev = pci_dev_get(i);

		if (dev->host != &p->pci)
			continue;
		report_dev(dev);
		n += !dev->root_port;
	}
	return n;
}

void pci_report(void)
{
	unsigned int i, present = 0, devices = 0;

	if (!phb_count()) {
		printf("phb: no supported PHB in the device tree\n");
		return;
	}
	for (i = 0; i < phb_count(); i++) {
		struct phb *p = phb_get(i);

		devices += report_phb(p);
		present += p->present;
	}
	printf("pci: %u PHB(s) present, %u absent, %u device(s), %u PE(s)\n", present,
	       phb_count() - present, devices, phb_pe_count());
}
