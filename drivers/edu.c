/*
 * edu's registers sit in BAR0 and are big-endian on ppc64 (QEMU's
 * DEVICE_NATIVE_ENDIAN). The DMA registers take 8-byte accesses; a write
 * to them while a transfer runs is ignored, so the engine is checked idle
 * first.
 */
#include <arch/io.h>
#include <arch/spr.h>
#include <drivers/edu.h>

#define EDU_ID			0x00
#define   EDU_ID_MAGIC		0xff
#define   EDU_ID_VALUE		0xed
#define EDU_DMA_SRC		0x80
#define EDU_DMA_DST		0x88
#define EDU_DMA_CNT		0x90
#define EDU_DMA_CMD		0x98
#define   EDU_CMD_RUN		0x1
#define   EDU_CMD_TO_MEMORY	0x2

static uint64_t edu_regs(const struct pci_dev *dev)
{
	return dev->bars[0].cpu;
}

bool edu_probe(const struct pci_dev *dev)
{
	if (!edu_match(dev) || !dev->mem_enabled || !dev->nr_bars || dev->bars[0].reg != 0)
		return false;
	return (in_be32(edu_regs(dev) + EDU_ID) & EDU_ID_MAGIC) == EDU_ID_VALUE;
}

static bool edu_wait_idle(uint64_t regs, uint64_t deadline)
{
	while (in_be64(regs + EDU_DMA_CMD) & EDU_CMD_RUN)
		if (mftb() > deadline)
			return false;
	return true;
}

int edu_dma(const struct pci_dev *dev, enum edu_dir dir, uint64_t bus, uint32_t buf_off,
	    uint32_t len, uint64_t timeout_tb)
{
	uint64_t regs = edu_regs(dev), deadline = mftb() + timeout_tb;
	uint64_t buf = EDU_BUFFER + buf_off;

	/* QEMU 7.2's edu aborts the whole machine on a transfer that ends at
	 * the last byte of its buffer (its bounds check is off by one), so
	 * stay one byte short of the end. */
	if (!len || buf_off >= EDU_BUFFER_SIZE || len >= EDU_BUFFER_SIZE - buf_off)
		return -1;
	if (!edu_wait_idle(regs, deadline))
		return -1;
	out_be64(regs + EDU_DMA_SRC, dir == EDU_TO_DEVICE ? bus : buf);
	out_be64(regs + EDU_DMA_DST, dir == EDU_TO_DEVICE ? buf : bus);
	out_be64(regs + EDU_DMA_CNT, len);
	out_be64(regs + EDU_DMA_CMD, EDU_CMD_RUN | (dir == EDU_TO_MEMORY ? EDU_CMD_TO_MEMORY : 0));
	return edu_wait_idle(regs, deadline) ? 0 : -1;
}
