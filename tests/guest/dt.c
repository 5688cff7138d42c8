/*
 * What the test guest reads from its flattened device tree: the console
 * (/chosen/stdout-path), RTAS tokens, CPUs and their timebase, memory,
 * bootargs; and the demo's summary of PCI host bridges and DMA windows.
 */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include "guest.h"

/* Before dt_init() (an early exception): no RTAS to call. */
struct guest_dt dt = {
	.tok_power_off = RTAS_NO_TOKEN,
	.tok_start_cpu = RTAS_NO_TOKEN,
	.tok_query_stopped = RTAS_NO_TOKEN,
	.bootargs = "",
};

static bool node_is(const void *fdt, int node, const char *type)
{
	int len;
	const char *p = fdt_getprop(fdt, node, "device_type", &len);

	return p && len == (int)strlen(type) + 1 && !memcmp(p, type, (size_t)len);
}

/* device_type `type`, or, lacking a device_type, named `type` or `type@...` */
static bool node_is_or_named(const void *fdt, int node, const char *type)
{
	const char *name = fdt_get_name(fdt, node, NULL);
	size_t n = strlen(type);

	if (fdt_getprop(fdt, node, "device_type", NULL))
		return node_is(fdt, node, type);
	return name && !strncmp(name, type, n) && (name[n] == '\0' || name[n] == '@');
}

static uint32_t prop_u32(const void *fdt, int node, const char *name, uint32_t def)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	return p && len >= 4 ? fdt32_to_cpu(p[0]) : def;
}

/* A number of `cells` 32-bit cells, big-endian; only the low 64 bits count. */
uint64_t dt_cells(const void *p, int cells)
{
	const fdt32_t *c = p;
	uint64_t v = 0;

	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_to_cpu(c[i]);
	return v;
}

/* The vty: the first `reg` cells of the node stdout-path names
 * (a ":options" suffix is not part of the path). */
static unsigned long find_vty(const void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *path, *colon;
	const fdt32_t *reg;
	int node, len, ac;

	if (chosen < 0)
		return 0;
	path = fdt_getprop(fdt, chosen, "stdout-path", &len);
	if (!path)
		path = fdt_getprop(fdt, chosen, "linux,stdout-path", &len);
	if (!path)
		return 0;
	colon = memchr(path, ':', (size_t)len);
	node = fdt_path_offset_namelen(fdt, path, colon ? (int)(colon - path) : (int)strlen(path));
	if (node < 0)
		return 0;
	reg = fdt_getprop(fdt, node, "reg", &len);
	ac = fdt_address_cells(fdt, fdt_parent_offset(fdt, node));
	if (!reg || ac < 1 || ac > 2 || len < ac * 4)
		return 0;
	return dt_cells(reg, ac);
}

static void read_rtas(const void *fdt)
{
	int rtas = fdt_path_offset(fdt, "/rtas");

	dt.tok_power_off = prop_u32(fdt, rtas, "power-off", RTAS_NO_TOKEN);
	dt.tok_start_cpu = prop_u32(fdt, rtas, "start-cpu", RTAS_NO_TOKEN);
	dt.tok_query_stopped = prop_u32(fdt, rtas, "query-cpu-stopped-state", RTAS_NO_TOKEN);
}

/* cpu nodes under /cpus: count them, remember the first ones' interrupt
 * server numbers and the first timebase-frequency (or that of /cpus). */
static void read_cpus(const void *fdt)
{
	int cpus = fdt_path_offset(fdt, "/cpus");
	int node, len;

	dt.tb_freq = 0;
	dt.ncpus = 0;
	if (cpus < 0)
		return;
	fdt_for_each_subnode(node, fdt, cpus) {
		if (!node_is_or_named(fdt, node, "cpu"))
			continue;
		if (dt.ncpus < NR_VCPUS) {
			uint32_t reg = prop_u32(fdt, node, "reg", 0);

			dt.cpu_id[dt.ncpus] = prop_u32(fdt, node, "ibm,ppc-interrupt-server#s", reg);
		}
		if (!dt.tb_freq) {
			const fdt32_t *p = fdt_getprop(fdt, node, "timebase-frequency", &len);

			if (p && (len == 4 || len == 8))
				dt.tb_freq = dt_cells(p, len / 4);
		}
		dt.ncpus++;
	}
	if (!dt.tb_freq)
		dt.tb_freq = prop_u32(fdt, cpus, "timebase-frequency", 0);
}

/* The sizes of every (address, size) pair of the memory nodes at the root. */
static void read_memory(const void *fdt)
{
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
	int node;

	dt.mem_total = 0;
	if (ac < 1 || ac > 4 || sc < 1 || sc > 4)
		return;
	fdt_for_each_subnode(node, fdt, 0) {
		int len;
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

		if (!reg || !node_is_or_named(fdt, node, "memory"))
			continue;
		for (int i = 0; i + ac + sc <= len / 4; i += ac + sc)
			dt.mem_total += dt_cells(reg + i + ac, sc);
	}
}

int dt_init(const void *fdt)
{
	int err = fdt_check_header(fdt);
	int chosen;

	if (err)
		return err;
	dt.fdt = fdt;
	dt.vty = find_vty(fdt);
	read_rtas(fdt);
	read_cpus(fdt);
	read_memory(fdt);
	chosen = fdt_path_offset(fdt, "/chosen");
	dt.bootargs = chosen < 0 ? NULL : fdt_getprop(fdt, chosen, "bootargs", NULL);
	if (!dt.bootargs)
		dt.bootargs = "";
	return 0;
}

/*
 * The windows of a PCI node's `ibm,dma-window`: (liobn, bus address, size)
 * triples, the address and size widths from ibm,#dma-address-cells /
 * ibm,#dma-size-cells (default 2/2), the page size from the matching
 * tcevisor,dma-page-shift entry (default 12). Windows are numbered
 * within the node, the same index as the page-shift list. Returns how
 * many were stored (at most max).
 */
int dt_dma_windows(const void *fdt, int node, struct dma_window *out, int max)
{
	int ac = (int)prop_u32(fdt, node, "ibm,#dma-address-cells", 2);
	int sc = (int)prop_u32(fdt, node, "ibm,#dma-size-cells", 2);
	int len, slen, k;
	const fdt32_t *w = fdt_getprop(fdt, node, "ibm,dma-window", &len);
	const fdt32_t *shift = fdt_getprop(fdt, node, "tcevisor,dma-page-shift", &slen);

	if (!w || ac < 1 || ac > 4 || sc < 1 || sc > 4)
		return 0;
	if (!shift)
		slen = 0;
	for (k = 0; k < max && (k + 1) * (1 + ac + sc) <= len / 4; k++) {
		const fdt32_t *t = w + k * (1 + ac + sc);

		out[k].liobn = fdt32_to_cpu(t[0]);
		out[k].start = dt_cells(t + 1, ac);
		out[k].size = dt_cells(t + 1 + ac, sc);
		out[k].page_shift = k < slen / 4 ? fdt32_to_cpu(shift[k]) : 12;
	}
	return k;
}

/* One summary line per window of a PCI node. */
static void print_windows(const void *fdt, int node)
{
	struct dma_window w[DMA_WINDOWS_MAX];
	int n = dt_dma_windows(fdt, node, w, DMA_WINDOWS_MAX);

	for (int k = 0; k < n; k++)
		printf("summary: window %d liobn=0x%x start=0x%lx size=0x%lx page=0x%lx\n",
		       k, w[k].liobn, (unsigned long)w[k].start, (unsigned long)w[k].size,
		       w[k].page_shift < 64 ? 1UL << w[k].page_shift : 0UL);
}

void dt_print_summary(void)
{
	const void *fdt = dt.fdt;
	int node = -1, child, devices = 0, len;
	const char *name = fdt_getprop(fdt, 0, "tcevisor,name", &len);

	if (!name) {
		name = "pseries";
		len = (int)sizeof("pseries");
	}
	printf("summary: name=%.*s memory=0x%lx cpus=%d\n", (int)strnlen(name, (size_t)len), name,
	       (unsigned long)dt.mem_total, dt.ncpus);
	while ((node = fdt_node_offset_by_prop_value(fdt, node, "device_type",
						     "pci", sizeof("pci"))) >= 0) {
		print_windows(fdt, node);
		fdt_for_each_subnode(child, fdt, node)
			devices++;
	}
	printf("summary: devices=%d\n", devices);
}
