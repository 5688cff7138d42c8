/* Small helpers on top of libfdt: typed properties and address translation. */
#ifndef LIB_FDT_UTIL_H
#define LIB_FDT_UTIL_H

#include <stdbool.h>
#include <stdint.h>

uint32_t fdtu_u32(const void *fdt, int node, const char *name, uint32_t dflt);
/* A property of one or two cells read as an integer. */
uint64_t fdtu_cells(const void *fdt, int node, const char *name, uint64_t dflt);
int fdtu_addr_cells(const void *fdt, int node);
int fdtu_size_cells(const void *fdt, int node);
/* The index-th (address, size) pair of node's "reg", in its parent's
 * address space (not translated). The address keeps all its cells folded
 * into *space (cells above the low two) and *addr (low two). */
bool fdtu_reg(const void *fdt, int node, int index, uint32_t *space, uint64_t *addr,
	      uint64_t *size);
/* Translate the index-th "reg" entry of node to a CPU physical address
 * through every parent's "ranges". False when a parent has no "ranges"
 * (the bus is not memory-mapped, as for POWER8's LPC behind XSCOM). */
bool fdtu_reg_to_cpu(const void *fdt, int node, int index, uint64_t *cpu_addr,
		     uint64_t *size);
/* Translate a (space, addr) child address of bus node `bus` one level up;
 * false if no range of `bus` covers it. */
bool fdtu_translate_one(const void *fdt, int bus, uint32_t *space, uint64_t *addr);
/* Count compatible nodes. */
int fdtu_count_compatible(const void *fdt, const char *compat);

#endif /* LIB_FDT_UTIL_H */
