/*
 * The EDU script op: one DMA of QEMU's educational device between guest
 * memory (through the guest's TCEs: `bus` is an I/O bus address) and the
 * device's 4 KiB buffer, polled.
 *
 * Registers (BAR0, big-endian): +0x80 source, +0x88 destination, +0x90
 * count, +0x98 command (bit 0 run, bit 1 direction: 1 = buffer -> RAM).
 * The buffer is at device address 0x40000. QEMU stops the whole machine
 * (hw_error) on a transfer that is not inside the buffer, and its check
 * wants the transfer's end strictly below 0x41000, so a transfer that
 * ends exactly at the end of the buffer aborts QEMU too: the guest
 * refuses len == 0 and off + len > 0xfff. Writes while a transfer runs are
 * ignored by the device, so it must be idle first.
 */
#include <stdio.h>
#include "mmio.h"
#include "script.h"
#include "vphb.h"

#define EDU_VENDOR	0x1234
#define EDU_DEVICE	0x11e8
#define EDU_SRC		0x80
#define EDU_DST		0x88
#define EDU_CNT		0x90
#define EDU_CMD		0x98
#define EDU_CMD_RUN	0x1
#define EDU_CMD_TO_RAM	0x2
#define EDU_BUF		0x40000
#define EDU_BUF_SIZE	0x1000

/* BAR0 of the dev-th child if it is an edu, else 0. */
static uint64_t edu_regs(uint64_t dev)
{
	const struct vphb_dev *d;

	if (dev >= (uint64_t)vphb.ndev)
		return 0;
	d = &vphb.dev[dev];
	if (d->vendor != EDU_VENDOR || d->device != EDU_DEVICE)
		return 0;
	return d->bar_gpa[0];
}

/* Poll until the engine is idle, at most until the timebase reaches end. */
static bool edu_idle(uint64_t regs, uint64_t end)
{
	while (mmio_read64_be(regs + EDU_CMD) & EDU_CMD_RUN)
		if ((int64_t)(mftb() - end) > 0)
			return false;
	return true;
}

static const char *edu_dma(uint64_t regs, uint64_t dir, uint64_t bus, uint64_t len,
			   uint64_t off)
{
	uint64_t end = mftb() + 2 * dt.tb_freq, buf = EDU_BUF + off;

	if (!edu_idle(regs, end))
		return "timeout";
	mmio_write64_be(regs + EDU_SRC, dir ? buf : bus);
	mmio_write64_be(regs + EDU_DST, dir ? bus : buf);
	mmio_write64_be(regs + EDU_CNT, len);
	mmio_write64_be(regs + EDU_CMD, EDU_CMD_RUN | (dir ? EDU_CMD_TO_RAM : 0));
	return edu_idle(regs, end) ? "done" : "timeout";
}

/* EDU dev, dir, bus, len, off */
void step_edu(const struct step *s)
{
	uint64_t regs = edu_regs(s->a[0]), dir = s->a[1], bus = s->a[2];
	uint64_t len = s->a[3], off = s->a[4];
	const char *res;

	if (!regs)
		res = "bad-device";
	else if (dir > 1)
		res = "bad-direction";
	else if (!len || off >= EDU_BUF_SIZE || len > EDU_BUF_SIZE - 1 - off)
		res = "bad-range";
	else
		res = edu_dma(regs, dir, bus, len, off);
	printf("S%lu edu %s\n", s->index, res);
}
