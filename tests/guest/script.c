/*
 * mode=script: run the steps of /chosen/tcevisor,script, a sequence of
 * big-endian u64 words. Each record is (op << 32 | n) followed by n
 * argument words; steps are numbered from 0 and each prints one line
 * "S<i> ..." when done, then "script: done <steps>" and power-off. The
 * hypervisor's test harness builds the script; this file holds the
 * reader, the memory rules and the small ops (hcall, write, note, config
 * space). README.md is the reference.
 */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include "papr.h"
#include "script.h"
#include "vphb.h"

extern char _end[];

enum {
	OP_HCALL = 1, OP_WRITE64, OP_NOTE, OP_EDU, OP_NVME_WRITE, OP_NVME_READ,
	OP_NVME_INIT, OP_STORM, OP_CFGREAD, OP_CFGWRITE, OP_NVME_RAW, OP_NVME_BENCH, OP_MAX
};

struct op {
	uint32_t min_n, max_n;
	void (*run)(const struct step *s);
};

static uint64_t be64_at(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);	/* FDT properties are only 4-byte aligned */
	return __builtin_bswap64(v);
}

/* ---- the guest's memory ------------------------------------------------- */

bool range_inside(uint64_t addr, uint64_t len, uint64_t base, uint64_t size)
{
	return len != 0 && addr >= base && len <= size && addr - base <= size - len;
}

static bool overlaps(uint64_t addr, uint64_t len, uint64_t base, uint64_t size)
{
	return addr < base + size && base < addr + len;	/* callers keep these in RAM */
}

uint64_t guest_ram_size(void)
{
	return dt.mem_total;
}

uint64_t driver_area_gpa(void)
{
	return guest_ram_size() - 2 * DRIVER_AREA_SIZE;
}

bool mem_is_free(uint64_t addr, uint64_t len)
{
	uint64_t fdt = (uintptr_t)dt.fdt;

	if (!range_inside(addr, len, 0, guest_ram_size()))
		return false;
	return !overlaps(addr, len, 0, (uintptr_t)_end) &&
	       !overlaps(addr, len, fdt, fdt_totalsize(dt.fdt)) &&
	       !overlaps(addr, len, driver_area_gpa(), DRIVER_AREA_SIZE);
}

/* ---- small ops -------------------------------------------------------------- */

/* HCALL r3, r4, ...: the registers not given are 0 */
static void step_hcall(const struct step *s)
{
	unsigned long r[9] = { 0 };

	for (uint32_t k = 0; k < s->n; k++)
		r[k] = s->a[k];
	hcall_regs(r);
	printf("S%lu hcall rc=%ld r4=0x%lx\n", s->index, (long)r[0], r[1]);
}

/* WRITE64 addr, v0, v1, ...: big-endian at addr + 8k, all or nothing */
static void step_write64(const struct step *s)
{
	uint64_t addr = s->a[0], count = s->n - 1;

	if (!mem_is_free(addr, 8 * count)) {
		printf("S%lu write bad-address\n", s->index);
		return;
	}
	for (uint64_t k = 0; k < count; k++) {
		uint64_t be = __builtin_bswap64(be64_at(s->raw + 8 * (k + 1)));

		memcpy((void *)(uintptr_t)(addr + 8 * k), &be, 8);
	}
	printf("S%lu write ok\n", s->index);
}

static void step_note(const struct step *s)
{
	printf("S%lu note\n", s->index);
}

/* CFGREAD dev, offset, size */
static void step_cfgread(const struct step *s)
{
	uint32_t val = 0;
	int st = vphb_cfg_read(s->a[0], (uint32_t)s->a[1], (uint32_t)s->a[2], &val);

	printf("S%lu cfg status=%d value=0x%x\n", s->index, st, val);
}

/* CFGWRITE dev, offset, size, value */
static void step_cfgwrite(const struct step *s)
{
	int st = vphb_cfg_write(s->a[0], (uint32_t)s->a[1], (uint32_t)s->a[2],
				(uint32_t)s->a[3]);

	printf("S%lu cfg status=%d\n", s->index, st);
}

static const struct op ops[OP_MAX] = {
	[OP_HCALL] = { 1, 9, step_hcall },
	[OP_WRITE64] = { 2, UINT32_MAX, step_write64 },
	[OP_NOTE] = { 0, 0, step_note },
	[OP_EDU] = { 5, 5, step_edu },
	[OP_NVME_WRITE] = { 5, 5, step_nvme_write },
	[OP_NVME_READ] = { 4, 4, step_nvme_read },
	[OP_NVME_INIT] = { 1, 1, step_nvme_init },
	[OP_STORM] = { 2, 2, step_storm },
	[OP_CFGREAD] = { 3, 3, step_cfgread },
	[OP_CFGWRITE] = { 4, 4, step_cfgwrite },
	[OP_NVME_RAW] = { 5, 5, step_nvme_raw },
	[OP_NVME_BENCH] = { 5, 5, step_nvme_bench },
};

static void run_step(const struct step *s)
{
	const struct op *o = s->op < OP_MAX ? &ops[s->op] : NULL;

	if (!o || !o->run)
		printf("S%lu bad-op\n", s->index);
	else if (s->n < o->min_n || s->n > o->max_n)
		printf("S%lu bad-args\n", s->index);
	else
		o->run(s);
}

/*
 * Walk the records. A record whose arguments run past the end of the
 * property is reported ("S<i> truncated") and ends the script.
 */
void mode_script(void)
{
	int chosen = fdt_path_offset(dt.fdt, "/chosen"), len = 0;
	const unsigned char *p = chosen < 0 ? NULL :
				 fdt_getprop(dt.fdt, chosen, "tcevisor,script", &len);
	uint64_t words = p && len > 0 ? (uint64_t)len / 8 : 0, w = 0;
	struct step s = { 0 };

	vphb_init();
	printf("script: %lu words\n", words);
	for (s.index = 0; w < words; s.index++) {
		uint64_t head = be64_at(p + 8 * w++);

		s.op = (uint32_t)(head >> 32);
		s.n = (uint32_t)head;
		if (s.n > words - w) {
			printf("S%lu truncated\n", s.index++);
			break;
		}
		s.raw = p + 8 * w;
		for (uint32_t k = 0; k < s.n && k < STEP_ARGS_MAX; k++)
			s.a[k] = be64_at(s.raw + 8 * k);
		w += s.n;
		run_step(&s);
	}
	printf("script: done %lu\n", s.index);
}
