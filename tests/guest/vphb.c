/*
 * Reading the guest's PCI host bridge from the device tree (see vphb.h),
 * and PCI config space through RTAS ibm,read-pci-config /
 * ibm,write-pci-config, which address a function as
 * (reg & 0xf00) << 20 | bus << 16 | devfn << 8 | (reg & 0xff) on a BUID.
 */
#include <string.h>
#include <libfdt.h>
#include "vphb.h"

struct vphb vphb = {
	.tok_read = RTAS_NO_TOKEN,
	.tok_write = RTAS_NO_TOKEN,
};

static uint32_t get_u32(const void *fdt, int node, const char *name, uint32_t def)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	return p && len >= 4 ? fdt32_to_cpu(p[0]) : def;
}

/*
 * PCI address -> guest-physical through the node's `ranges` (3-cell PCI
 * child address, parent cells of the root, 2 size cells). Only the 64-bit
 * address is compared, not the space code: a 64-bit BAR placed below
 * 4 GiB sits in a 32-bit memory range. 0 if no range covers it.
 */
static uint64_t pci_to_gpa(const void *fdt, int node, uint64_t pci, uint64_t size)
{
	int pac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, node), len;
	const fdt32_t *r = fdt_getprop(fdt, node, "ranges", &len);
	int step = 3 + pac + sc;

	if (!r || pac < 1 || pac > 2 || sc < 1 || sc > 2)
		return 0;
	for (int i = 0; (i + 1) * step <= len / 4; i++) {
		const fdt32_t *e = r + i * step;
		uint64_t child = dt_cells(e + 1, 2), parent = dt_cells(e + 3, pac);
		uint64_t rsize = dt_cells(e + 3 + pac, sc);

		if (pci >= child && pci - child < rsize && size <= rsize - (pci - child))
			return parent + (pci - child);
	}
	return 0;
}

/* assigned-addresses: (phys.hi, phys.mid, phys.lo, size.hi, size.lo) per
 * BAR; the register number in phys.hi's low byte says which BAR. */
static void read_bars(const void *fdt, int phb, int node, struct vphb_dev *d)
{
	int len;
	const fdt32_t *aa = fdt_getprop(fdt, node, "assigned-addresses", &len);

	for (int i = 0; aa && (i + 1) * 5 <= len / 4; i++) {
		uint32_t reg = fdt32_to_cpu(aa[5 * i]) & 0xff;
		unsigned int bar = (reg - 0x10) / 4;

		if (reg < 0x10 || reg >= 0x10 + 4 * PCI_BARS || (reg & 3))
			continue;
		d->bar_pci[bar] = dt_cells(aa + 5 * i + 1, 2);
		d->bar_size[bar] = dt_cells(aa + 5 * i + 3, 2);
		d->bar_gpa[bar] = pci_to_gpa(fdt, phb, d->bar_pci[bar], d->bar_size[bar]);
	}
}

static void read_children(const void *fdt, int phb)
{
	int node;

	fdt_for_each_subnode(node, fdt, phb) {
		struct vphb_dev *d;

		if (vphb.ndev == VPHB_DEVS_MAX)
			break;
		d = &vphb.dev[vphb.ndev++];
		memset(d, 0, sizeof(*d));
		d->vendor = get_u32(fdt, node, "vendor-id", 0xffff);
		d->device = get_u32(fdt, node, "device-id", 0xffff);
		d->class_code = get_u32(fdt, node, "class-code", 0);
		read_bars(fdt, phb, node, d);
	}
}

void vphb_init(void)
{
	const void *fdt = dt.fdt;
	int node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "pci", sizeof("pci"));
	int rtas = fdt_path_offset(fdt, "/rtas"), len;
	const fdt32_t *reg;

	vphb.tok_read = get_u32(fdt, rtas, "ibm,read-pci-config", RTAS_NO_TOKEN);
	vphb.tok_write = get_u32(fdt, rtas, "ibm,write-pci-config", RTAS_NO_TOKEN);
	if (node < 0)
		return;
	vphb.present = true;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (reg && len >= 8)
		vphb.buid = dt_cells(reg, 2);
	vphb.nwin = dt_dma_windows(fdt, node, vphb.win, DMA_WINDOWS_MAX);
	read_children(fdt, node);
}

static uint32_t cfg_addr(uint64_t dev, uint32_t off)
{
	uint32_t devfn = (uint32_t)((dev + 1) << 3) & 0xff;

	return (off & 0xf00) << 20 | devfn << 8 | (off & 0xff);
}

int vphb_cfg_read(uint64_t dev, uint32_t off, uint32_t size, uint32_t *val)
{
	uint32_t rets[2] = { 0, 0 };
	int rc = rtas_call(vphb.tok_read, 4, 2, rets, cfg_addr(dev, off),
			   (uint32_t)(vphb.buid >> 32), (uint32_t)vphb.buid, size);

	*val = rets[1];
	return rc;
}

int vphb_cfg_write(uint64_t dev, uint32_t off, uint32_t size, uint32_t val)
{
	uint32_t ret = 0;

	return rtas_call(vphb.tok_write, 5, 1, &ret, cfg_addr(dev, off),
			 (uint32_t)(vphb.buid >> 32), (uint32_t)vphb.buid, size, val);
}
