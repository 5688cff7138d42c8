/*
 * mode=nvmedemo: what `make run` shows of passthrough. The guest finds the
 * NVMe controller on its virtual PHB, brings it up (queues mapped with
 * H_PUT_TCE by the driver), then writes and reads disk blocks through
 * buffers it maps itself: one page with H_PUT_TCE, four pages with one
 * H_PUT_TCE_INDIRECT. Then it unmaps the buffer with H_STUFF_TCE and shows
 * the same read being blocked by the IOMMU (its buffer stays untouched).
 * It ends in demo mode (echo, ticks). The last line of the demo part is
 * "nvmedemo: done ok" or "nvmedemo: done FAILED" (tests/system/test_demo.py).
 */
#include <stdio.h>
#include <string.h>
#include "papr.h"
#include "script.h"
#include "vphb.h"

#define NVME_CLASS	0x010802
#define DEMO_BUF_GPA	0x1000000UL	/* 16 MiB: four free pages of guest RAM */
#define DEMO_PAGES	4
#define BUS_ONE		0x100000UL	/* window-0 bus address of the one-page buffer */
#define BUS_FOUR	0x200000UL	/* and of the four-page one */

/* H_PUT_TCE_INDIRECT's list: one 4 KiB-aligned page, not across pages. */
static uint64_t list[DEMO_PAGES] __attribute__((aligned(4096)));

static int find_nvme(void)
{
	for (int i = 0; i < vphb.ndev; i++)
		if (vphb.dev[i].class_code == NVME_CLASS)
			return i;
	return -1;
}

static void step(void (*fn)(const struct step *), unsigned long index, uint64_t a0, uint64_t a1,
		 uint64_t a2, uint64_t a3, uint64_t a4)
{
	struct step s = { .index = index, .a = { a0, a1, a2, a3, a4 } };

	fn(&s);
}

/* Every byte of [p, p + len) equals b. */
static bool all_bytes(const uint8_t *p, uint64_t len, uint8_t b)
{
	for (uint64_t i = 0; i < len; i++)
		if (p[i] != b)
			return false;
	return true;
}

static bool demo(int dev, const struct dma_window *w)
{
	uint64_t page = 1ULL << w->page_shift;
	uint8_t *buf = (uint8_t *)(uintptr_t)DEMO_BUF_GPA;
	long rc;

	step(step_nvme_init, 1, (uint64_t)dev, 0, 0, 0, 0);

	rc = h_put_tce(w->liobn, BUS_ONE, DEMO_BUF_GPA | 3);
	printf("nvmedemo: H_PUT_TCE bus 0x%lx -> guest 0x%lx: rc %ld\n", BUS_ONE, DEMO_BUF_GPA, rc);
	printf("nvmedemo: write LBA 16-23 with 0x5a from bus 0x%lx, then read them back:\n", BUS_ONE);
	step(step_nvme_write, 2, (uint64_t)dev, 16, 8, 0x5a, BUS_ONE);
	step(step_nvme_read, 3, (uint64_t)dev, 16, 8, BUS_ONE, 0);
	if (rc || !all_bytes(buf, 8 * 512, 0x5a))
		return false;

	for (int k = 0; k < DEMO_PAGES; k++)
		list[k] = __builtin_bswap64((DEMO_BUF_GPA + (uint64_t)k * page) | 3);
	__asm__ volatile("sync" : : : "memory");
	rc = h_put_tce_indirect(w->liobn, BUS_FOUR, (uintptr_t)list, DEMO_PAGES);
	printf("nvmedemo: H_PUT_TCE_INDIRECT %d pages at bus 0x%lx: rc %ld\n", DEMO_PAGES, BUS_FOUR,
	       rc);
	printf("nvmedemo: write LBA 64-%lu with 0xc3, read back (a PRP list):\n",
	       64 + DEMO_PAGES * page / 512 - 1);
	step(step_nvme_write, 4, (uint64_t)dev, 64, DEMO_PAGES * page / 512, 0xc3, BUS_FOUR);
	step(step_nvme_read, 5, (uint64_t)dev, 64, DEMO_PAGES * page / 512, BUS_FOUR, 0);
	if (rc || !all_bytes(buf, DEMO_PAGES * page, 0xc3))
		return false;

	rc = h_stuff_tce(w->liobn, BUS_FOUR, 0, DEMO_PAGES);
	printf("nvmedemo: H_STUFF_TCE unmaps bus 0x%lx: rc %ld; the same read again:\n", BUS_FOUR,
	       rc);
	memset(buf, 0xee, DEMO_PAGES * page);
	step(step_nvme_raw, 6, (uint64_t)dev, 0, 16, 8, BUS_FOUR);
	if (rc || !all_bytes(buf, DEMO_PAGES * page, 0xee))
		return false;
	printf("nvmedemo: blocked by the IOMMU: the buffer still holds 0xee\n");
	return true;
}

void mode_nvmedemo(void)
{
	int dev;
	bool ok = false;

	vphb_init();
	dev = find_nvme();
	if (dev < 0 || !vphb.nwin)
		printf("nvmedemo: no NVMe controller or no DMA window\n");
	else if (!mem_is_free(DEMO_BUF_GPA, DEMO_PAGES << vphb.win[0].page_shift) ||
		 vphb.win[0].page_shift != 12)
		printf("nvmedemo: needs 4 KiB IOMMU pages and 32 MiB of RAM\n");
	else
		ok = demo(dev, &vphb.win[0]);
	printf("nvmedemo: done %s\n", ok ? "ok" : "FAILED");
	mode_demo();
}
