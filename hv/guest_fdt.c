/*
 * The device tree each guest is entered with (r3), PAPR style, as a
 * pseries kernel expects it (linux-guest.md §3.2) for what tcevisor
 * implements:
 *
 *   /                  chrp, tcevisor,name = the guest's name
 *   /chosen            bootargs, stdout-path, ibm,architecture-vec-5 (radix,
 *                      GTSE, XICS), tcevisor,script (if configured)
 *   /rtas              ibm,hypertas-functions (only implemented sets), tokens
 *   /cpus/PowerPC,POWER9@n
 *   /memory@0
 *   /vdevice/vty@71000000
 *   /pci@800000020000000   one virtual PHB for all of the guest's devices:
 *                      ibm,dma-window = one (LIOBN, bus address, size) triple
 *                      per window, tcevisor,dma-page-shift one cell per window
 *
 * Built with libfdt's sequential-write API straight into guest memory.
 */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <drivers/phb.h>
#include <hv/guest_fdt.h>
#include <hv/platform.h>
#include <hv/rtas.h>
#include <hv/vcons.h>
#include <iommu/tce_table.h>

#define VPHB_BUID	GUEST_VPHB_BUID

/* hcall function sets advertised: only what is implemented. */
static const char hypertas[] = "hcall-term\0hcall-set-mode\0hcall-splpar\0"
			       "hcall-tce\0hcall-multi-tce";

static int prop_u32(void *f, const char *name, uint32_t v)
{
	return fdt_property_u32(f, name, v);
}

static int prop_cells(void *f, const char *name, const uint32_t *c, int n)
{
	fdt32_t be[24];
	int i;

	for (i = 0; i < n && i < 24; i++)
		be[i] = cpu_to_fdt32(c[i]);
	return fdt_property(f, name, be, n * 4);
}

static int chosen(void *f, const struct guest *g, const struct guest_fdt_args *a)
{
	/* CAS result: byte 24 radix, 26 GTSE, 23 = 0 (XICS) */
	static const uint8_t vec5[27] = { [0] = 0x19, [24] = 0x40, [26] = 0x40 };
	int rc = fdt_begin_node(f, "chosen");

	rc |= fdt_property_string(f, "bootargs", a->bootargs ? a->bootargs : "");
	rc |= fdt_property_string(f, "stdout-path", "/vdevice/vty@71000000");
	/* BARs are the hypervisor's: a Linux guest must not reassign them */
	if (g->nr_devs)
		rc |= prop_u32(f, "linux,pci-probe-only", 1);
	rc |= fdt_property(f, "ibm,architecture-vec-5", vec5, sizeof(vec5));
	if (a->script && a->script_len)
		rc |= fdt_property(f, "tcevisor,script", a->script, a->script_len);
	return rc | fdt_end_node(f);
}

static int rtas(void *f)
{
	unsigned int i;
	int rc = fdt_begin_node(f, "rtas");

	rc |= fdt_property(f, "ibm,hypertas-functions", hypertas, sizeof(hypertas));
	for (i = 0; i < rtas_nr_services; i++)
		rc |= prop_u32(f, rtas_services[i].name, rtas_services[i].token);
	return rc | fdt_end_node(f);
}

static int cpus(void *f, const struct guest *g)
{
	char name[32];
	unsigned int i;
	int rc = fdt_begin_node(f, "cpus");

	rc |= prop_u32(f, "#address-cells", 1);
	rc |= prop_u32(f, "#size-cells", 0);
	for (i = 0; i < g->nr_vcpus; i++) {
		snprintf(name, sizeof(name), "PowerPC,POWER9@%u", i);
		rc |= fdt_begin_node(f, name);
		rc |= fdt_property_string(f, "device_type", "cpu");
		rc |= prop_u32(f, "reg", i);
		rc |= prop_u32(f, "ibm,ppc-interrupt-server#s", i);
		rc |= prop_u32(f, "timebase-frequency", (uint32_t)platform.tb_hz);
		rc |= prop_u32(f, "clock-frequency", 1000000000);
		rc |= prop_u32(f, "cpu-version", 0x0f000005);	/* POWER9 architected */
		rc |= prop_u32(f, "ibm,vmx", 2);
		rc |= fdt_property_string(f, "status", "okay");
		rc |= fdt_property(f, "64-bit", NULL, 0);
		rc |= fdt_end_node(f);
	}
	return rc | fdt_end_node(f);
}

static int memory(void *f, const struct guest *g)
{
	uint32_t reg[4] = { 0, 0, (uint32_t)(g->ram_size >> 32), (uint32_t)g->ram_size };
	int rc = fdt_begin_node(f, "memory@0");

	rc |= fdt_property_string(f, "device_type", "memory");
	rc |= prop_cells(f, "reg", reg, 4);
	return rc | fdt_end_node(f);
}

static int vdevice(void *f)
{
	int rc = fdt_begin_node(f, "vdevice");

	rc |= fdt_property_string(f, "device_type", "vdevice");
	rc |= fdt_property_string(f, "compatible", "IBM,vdevice");
	rc |= prop_u32(f, "#address-cells", 1);
	rc |= prop_u32(f, "#size-cells", 0);
	rc |= fdt_begin_node(f, "vty@71000000");
	rc |= fdt_property_string(f, "device_type", "serial");
	rc |= fdt_property_string(f, "compatible", "hvterm1");
	rc |= prop_u32(f, "reg", VCONS_TERMNO);
	rc |= fdt_end_node(f);
	return rc | fdt_end_node(f);
}

/* One child per assigned device, on the virtual PHB's bus 0, slot k+1. */
static int vphb_devices(void *f, const struct guest *g, const struct guest_fdt_args *a)
{
	unsigned int k;
	int rc = 0;

	for (k = 0; k < g->nr_devs; k++) {
		const struct pci_dev *d = g->devs[k]->dev;
		uint32_t reg[5] = { (k + 1) << 11, 0, 0, 0, 0 };
		char name[24];

		snprintf(name, sizeof(name), "pci%x,%x@%x", d->vendor, d->device, k + 1);
		rc |= fdt_begin_node(f, name);
		rc |= prop_cells(f, "reg", reg, 5);
		rc |= prop_u32(f, "vendor-id", d->vendor);
		rc |= prop_u32(f, "device-id", d->device);
		rc |= prop_u32(f, "class-code", d->class);
		if (a->dev_node)
			rc |= a->dev_node(f, g, k);
		rc |= fdt_end_node(f);
	}
	return rc;
}

static int vphb(void *f, const struct guest *g, const struct guest_fdt_args *a)
{
	uint32_t reg[4] = { (uint32_t)(VPHB_BUID >> 32), (uint32_t)VPHB_BUID, 0, 0 };
	uint32_t win[2 * 5], shifts[2];
	char name[32];
	int n = 0, w, rc;

	snprintf(name, sizeof(name), "pci@%lx", VPHB_BUID);
	rc = fdt_begin_node(f, name);
	rc |= fdt_property_string(f, "device_type", "pci");
	rc |= fdt_property_string(f, "compatible", "IBM,Logical_PHB");
	rc |= prop_cells(f, "reg", reg, 4);
	rc |= prop_u32(f, "#address-cells", 3);
	rc |= prop_u32(f, "#size-cells", 2);
	rc |= prop_u32(f, "ibm,#dma-address-cells", 2);
	rc |= prop_u32(f, "ibm,#dma-size-cells", 2);
	for (w = 0; w < TCE_WINDOWS; w++) {
		const struct tce_table *t = g->win[w].tbl;

		if (!t)
			continue;
		win[5 * n] = (uint32_t)g->win[w].liobn;
		win[5 * n + 1] = (uint32_t)(t->bus_offset >> 32);
		win[5 * n + 2] = (uint32_t)t->bus_offset;
		win[5 * n + 3] = (uint32_t)(t->window_size >> 32);
		win[5 * n + 4] = (uint32_t)t->window_size;
		shifts[n++] = t->page_shift;
	}
	if (n) {
		rc |= prop_cells(f, "ibm,dma-window", win, 5 * n);
		rc |= prop_cells(f, "tcevisor,dma-page-shift", shifts, n);
	}
	if (a->vphb_props)
		rc |= a->vphb_props(f, g);
	rc |= vphb_devices(f, g, a);
	return rc | fdt_end_node(f);
}

int guest_fdt_build(struct guest *g, void *buf, size_t size, const struct guest_fdt_args *a)
{
	int rc = fdt_create(buf, (int)size);

	rc |= fdt_add_reservemap_entry(buf, g->fdt_gpa, size);
	rc |= fdt_finish_reservemap(buf);
	rc |= fdt_begin_node(buf, "");
	rc |= prop_u32(buf, "#address-cells", 2);
	rc |= prop_u32(buf, "#size-cells", 2);
	rc |= fdt_property_string(buf, "device_type", "chrp");
	rc |= fdt_property_string(buf, "model", "tcevisor guest");
	rc |= fdt_property_string(buf, "compatible", "tcevisor,guest");
	rc |= fdt_property_string(buf, "tcevisor,name", g->name);
	rc |= chosen(buf, g, a);
	rc |= rtas(buf);
	rc |= cpus(buf, g);
	rc |= memory(buf, g);
	rc |= vdevice(buf);
	rc |= vphb(buf, g, a);
	rc |= fdt_end_node(buf);
	rc |= fdt_finish(buf);
	return rc ? -1 : 0;
}
