/*
 * LPC I/O space access (boot-and-guest.md §2).
 *
 * MMIO: the I/O space address <1 port> is translated through the lpc node's
 * ranges (I/O -> OPB 0xd0010000) and the lpcm-opb node's ranges (OPB -> CPU).
 * ECCB (POWER8): write the byte to ECCB_DATA bits 0-7 and the command
 * (size 1, OPB address) to ECCB_CTL, or set ECCB_CTL[READ] and take the
 * byte from ECCB_STAT bits 6-13; poll ECCB_STAT[OP_DONE] (bit 52).
 */
#include <string.h>
#include <libfdt.h>
#include <arch/io.h>
#include <drivers/lpc.h>
#include <drivers/xscom.h>
#include <lib/fdt_util.h>
#include <lib/lock.h>

#define LPC_SPACE_IO		1
/* POWER8's LPC node carries no ranges; this is the fixed I/O window on OPB. */
#define LPC_IO_OPB_DEFAULT	0xd0010000ULL

#define ECCB_CTL		0
#define ECCB_STAT		2
#define ECCB_DATA		3
#define ECCB_CTL_READ		(1ULL << (63 - 15))
#define ECCB_CTL_SIZE1		(1ULL << (63 - 7))
#define ECCB_STAT_DONE		(1ULL << (63 - 52))
#define ECCB_STAT_DATA_SHIFT	(63 - 37 + 24)
#define ECCB_POLL_LIMIT		100000

static int lpc_node = -1;
static uint64_t io_mmio_base;	/* CPU address of I/O port 0, MMIO mode */
static bool use_eccb;
static uint32_t eccb_chip;
static uint64_t eccb_pcba;
static uint64_t io_opb_base = LPC_IO_OPB_DEFAULT;
static struct lock eccb_lock = LOCK_INIT;

/* LPC addresses are two cells <space offset>, read as one 64-bit number. */
#define LPC_IO_ADDR(port)	(((uint64_t)LPC_SPACE_IO << 32) | (port))

static bool lpc_io_to_opb(const void *fdt, int node)
{
	uint32_t space = 0;
	uint64_t addr = LPC_IO_ADDR(0);

	if (!fdt_getprop(fdt, node, "ranges", NULL))
		return true;	/* POWER8: keep the default */
	if (!fdtu_translate_one(fdt, node, &space, &addr))
		return false;
	io_opb_base = addr;
	return true;
}

static bool lpc_setup_mmio(const void *fdt, int node)
{
	uint32_t space = 0;
	uint64_t addr = LPC_IO_ADDR(0);
	int bus = node;

	/* Translate <1 0> up to the root through every ranges. */
	while (bus > 0) {
		if (!fdtu_translate_one(fdt, bus, &space, &addr))
			return false;
		bus = fdt_parent_offset(fdt, bus);
	}
	io_mmio_base = addr;
	return space == 0;
}

static bool lpc_setup_eccb(const void *fdt, int node)
{
	uint32_t space;
	uint64_t pcba, size;
	int xnode = fdt_parent_offset(fdt, node);

	if (xnode < 0 || fdt_node_check_compatible(fdt, xnode, "ibm,xscom") != 0)
		return false;
	if (!fdtu_reg(fdt, node, 0, &space, &pcba, &size))
		return false;
	eccb_chip = fdtu_u32(fdt, xnode, "ibm,chip-id", 0);
	eccb_pcba = pcba;
	use_eccb = true;
	return true;
}

bool lpc_init(const void *fdt)
{
	int node = -1, first = -1;

	while ((node = fdt_node_offset_by_compatible(fdt, node, "ibm,lpc")) >= 0) {
		if (first < 0)
			first = node;
		if (fdt_getprop(fdt, node, "primary", NULL))
			break;
	}
	if (node < 0)
		node = first;
	if (node < 0)
		return false;
	lpc_node = node;
	if (!lpc_io_to_opb(fdt, node))
		return false;
	if (lpc_setup_mmio(fdt, node))
		return true;
	return lpc_setup_eccb(fdt, node);
}

bool lpc_find_io(const void *fdt, const char *compat, uint32_t *port)
{
	int child;

	if (lpc_node < 0)
		return false;
	fdt_for_each_subnode(child, fdt, lpc_node) {
		uint32_t space;
		uint64_t addr, size;
		const char *status = fdt_getprop(fdt, child, "status", NULL);

		if (fdt_node_check_compatible(fdt, child, compat) != 0)
			continue;
		/* QEMU marks the BT interface "reserved" (for the BMC): usable. */
		if (status && !strcmp(status, "disabled"))
			continue;
		if (!fdtu_reg(fdt, child, 0, &space, &addr, &size))
			continue;
		if ((addr >> 32) != LPC_SPACE_IO)
			continue;
		*port = (uint32_t)addr;
		return true;
	}
	return false;
}

static bool eccb_wait(uint64_t *stat)
{
	int i;

	for (i = 0; i < ECCB_POLL_LIMIT; i++) {
		if (xscom_read(eccb_chip, eccb_pcba + ECCB_STAT, stat))
			return false;
		if (*stat & ECCB_STAT_DONE)
			return true;
	}
	return false;
}

uint8_t lpc_inb(uint32_t port)
{
	uint64_t stat = ~0ULL;

	if (!use_eccb)
		return in_8(io_mmio_base + port);
	lock_take(&eccb_lock);
	xscom_write(eccb_chip, eccb_pcba + ECCB_CTL,
		    ECCB_CTL_READ | ECCB_CTL_SIZE1 | (io_opb_base + port));
	if (!eccb_wait(&stat))
		stat = ~0ULL;
	lock_release(&eccb_lock);
	return (uint8_t)(stat >> ECCB_STAT_DATA_SHIFT);
}

void lpc_outb(uint32_t port, uint8_t val)
{
	uint64_t stat;

	if (!use_eccb) {
		out_8(io_mmio_base + port, val);
		return;
	}
	lock_take(&eccb_lock);
	xscom_write(eccb_chip, eccb_pcba + ECCB_DATA, (uint64_t)val << 56);
	xscom_write(eccb_chip, eccb_pcba + ECCB_CTL, ECCB_CTL_SIZE1 | (io_opb_base + port));
	eccb_wait(&stat);
	lock_release(&eccb_lock);
}

const char *lpc_access_name(void)
{
	return use_eccb ? "xscom-eccb" : "mmio";
}
