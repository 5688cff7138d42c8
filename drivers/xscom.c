/*
 * XSCOM access (phb-and-tce.md §2).
 *
 * POWER9/10 map PCB address p at base | p << 3; POWER8 interleaves it as
 * base | (p << 4 & ~0xff) | (p << 3 & 0x78). Accesses are 8 bytes and
 * big-endian. Every access ORs its status into HMER: bit 9 done, bit 8
 * failed (unit absent, the read returns 0). HMER is cleared (mtspr ANDs)
 * before each access so the result belongs to this access only.
 */
#include <libfdt.h>
#include <arch/cpu.h>
#include <arch/io.h>
#include <arch/spr.h>
#include <drivers/xscom.h>
#include <lib/fdt_util.h>
#include <lib/lock.h>

struct xscom_chip {
	uint32_t chip_id;
	uint64_t base;
};

static struct xscom_chip chips[MAX_CHIPS];
static int nr_chips;
static bool p8_layout;
/* HMER is per thread but the unit side is shared: serialise accesses. */
static struct lock xscom_lock = LOCK_INIT;

int xscom_init(const void *fdt)
{
	int node = -1;

	p8_layout = cpu_is_power8();
	nr_chips = 0;
	while ((node = fdt_node_offset_by_compatible(fdt, node, "ibm,xscom")) >= 0) {
		uint64_t base, size;

		if (nr_chips == MAX_CHIPS)
			break;
		if (!fdtu_reg_to_cpu(fdt, node, 0, &base, &size))
			continue;
		chips[nr_chips].chip_id = fdtu_u32(fdt, node, "ibm,chip-id", (uint32_t)nr_chips);
		chips[nr_chips].base = base;
		nr_chips++;
	}
	return nr_chips;
}

static uint64_t xscom_addr(uint32_t chip, uint64_t pcba)
{
	int i;

	for (i = 0; i < nr_chips; i++) {
		if (chips[i].chip_id != chip)
			continue;
		if (p8_layout)
			return chips[i].base | ((pcba << 4) & ~0xffULL) | ((pcba << 3) & 0x78);
		return chips[i].base | (pcba << 3);
	}
	return 0;
}

static int xscom_status(void)
{
	uint64_t hmer = MFSPR(SPR_HMER);

	return (hmer & HMER_XSCOM_FAIL) ? -1 : 0;
}

int xscom_read(uint32_t chip, uint64_t pcba, uint64_t *val)
{
	uint64_t addr = xscom_addr(chip, pcba);
	int rc;

	if (!addr)
		return -1;
	lock_take(&xscom_lock);
	MTSPR(SPR_HMER, 0);
	*val = in_be64(addr);
	rc = xscom_status();
	lock_release(&xscom_lock);
	if (rc)
		*val = 0;
	return rc;
}

int xscom_write(uint32_t chip, uint64_t pcba, uint64_t val)
{
	uint64_t addr = xscom_addr(chip, pcba);
	int rc;

	if (!addr)
		return -1;
	lock_take(&xscom_lock);
	MTSPR(SPR_HMER, 0);
	out_be64(addr, val);
	sync();
	rc = xscom_status();
	lock_release(&xscom_lock);
	return rc;
}
