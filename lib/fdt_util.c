/* Typed FDT properties and Open Firmware address translation on libfdt. */
#include <libfdt.h>
#include <lib/fdt_util.h>

uint32_t fdtu_u32(const void *fdt, int node, const char *name, uint32_t dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p || len < 4)
		return dflt;
	return fdt32_to_cpu(p[0]);
}

uint64_t fdtu_cells(const void *fdt, int node, const char *name, uint64_t dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		return dflt;
	if (len == 4)
		return fdt32_to_cpu(p[0]);
	if (len == 8)
		return ((uint64_t)fdt32_to_cpu(p[0]) << 32) | fdt32_to_cpu(p[1]);
	return dflt;
}

int fdtu_addr_cells(const void *fdt, int node)
{
	return (int)fdtu_u32(fdt, node, "#address-cells", 2);
}

int fdtu_size_cells(const void *fdt, int node)
{
	return (int)fdtu_u32(fdt, node, "#size-cells", 1);
}

/* Read n (1..3) cells: the top one (if three) into *space, the rest as u64. */
static void read_cells(const fdt32_t *p, int n, uint32_t *space, uint64_t *val)
{
	*space = 0;
	*val = 0;
	if (n == 3) {
		*space = fdt32_to_cpu(*p++);
		n--;
	}
	while (n--)
		*val = (*val << 32) | fdt32_to_cpu(*p++);
}

bool fdtu_reg(const void *fdt, int node, int index, uint32_t *space, uint64_t *addr,
	      uint64_t *size)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac, sc, len;
	const fdt32_t *p;
	uint32_t dummy;

	if (parent < 0)
		return false;
	ac = fdtu_addr_cells(fdt, parent);
	sc = fdtu_size_cells(fdt, parent);
	if (ac < 1 || ac > 3 || sc < 0 || sc > 2)
		return false;
	p = fdt_getprop(fdt, node, "reg", &len);
	if (!p || len < (index + 1) * (ac + sc) * 4)
		return false;
	p += index * (ac + sc);
	read_cells(p, ac, space, addr);
	read_cells(p + ac, sc, &dummy, size);
	return true;
}

bool fdtu_translate_one(const void *fdt, int bus, uint32_t *space, uint64_t *addr)
{
	int parent = fdt_parent_offset(fdt, bus);
	int cac = fdtu_addr_cells(fdt, bus), csc = fdtu_size_cells(fdt, bus);
	int pac, len, entry, i;
	const fdt32_t *r;

	if (parent < 0)
		return false;
	pac = fdtu_addr_cells(fdt, parent);
	r = fdt_getprop(fdt, bus, "ranges", &len);
	if (!r)
		return false;
	if (len == 0)
		return true;	/* empty ranges: identity */
	if (cac < 1 || cac > 3 || pac < 1 || pac > 3 || csc < 1 || csc > 2)
		return false;
	entry = cac + pac + csc;
	for (i = 0; (i + 1) * entry * 4 <= len; i++) {
		const fdt32_t *e = r + i * entry;
		uint32_t cspace, pspace, d;
		uint64_t cbase, pbase, size;

		read_cells(e, cac, &cspace, &cbase);
		read_cells(e + cac, pac, &pspace, &pbase);
		read_cells(e + cac + pac, csc, &d, &size);
		if (cspace != *space || *addr < cbase || *addr - cbase >= size)
			continue;
		*space = pspace;
		*addr = pbase + (*addr - cbase);
		return true;
	}
	return false;
}

bool fdtu_reg_to_cpu(const void *fdt, int node, int index, uint64_t *cpu_addr,
		     uint64_t *size)
{
	uint32_t space;
	uint64_t addr;
	int bus = fdt_parent_offset(fdt, node);

	if (!fdtu_reg(fdt, node, index, &space, &addr, size))
		return false;
	/* Walk up until the root, whose address space is the CPU's. */
	while (bus > 0) {
		if (!fdtu_translate_one(fdt, bus, &space, &addr))
			return false;
		bus = fdt_parent_offset(fdt, bus);
	}
	*cpu_addr = addr;
	return space == 0;
}

int fdtu_count_compatible(const void *fdt, const char *compat)
{
	int n = 0, node = -1;

	while ((node = fdt_node_offset_by_compatible(fdt, node, compat)) >= 0)
		n++;
	return n;
}
