/*
 * The NVMe script ops: a polled NVMe driver for one controller at a time,
 * no interrupts, one admin queue pair and one I/O queue pair.
 *
 * Everything the controller reads or writes by itself (queues, identify
 * data, PRP lists) lives in the driver area, the 2 MiB of guest RAM just
 * below the FDT, and the controller reaches it through window-0 TCEs the
 * driver maps itself with H_PUT_TCE at the top 2 MiB of window 0. Those
 * mappings are made again before every command, so a STORM or a script
 * hcall in between cannot break the driver. The data buffers are the
 * script's: it maps them in window 0 and names them by bus address; the
 * driver finds their guest-physical pages with H_GET_TCE (to fill or check
 * them) and hands the controller bus addresses only.
 *
 * Registers (BAR0, little-endian): CAP 0x00, CC 0x14, CSTS 0x1c, AQA 0x24,
 * ASQ 0x28, ACQ 0x30, INTMS 0x0c; doorbells from 0x1000, stride from CAP.
 */
#include <stdio.h>
#include <string.h>
#include "mmio.h"
#include "papr.h"
#include "script.h"
#include "vphb.h"

#define NVME_CLASS		0x010802	/* mass storage, NVM, NVMe */
#define REG_CAP			0x00
#define REG_INTMS		0x0c
#define REG_CC			0x14
#define REG_CSTS		0x1c
#define REG_AQA			0x24
#define REG_ASQ			0x28
#define REG_ACQ			0x30
#define REG_DOORBELLS		0x1000
#define CC_EN			0x1
#define CC_IOSQES		(6u << 16)	/* 64-byte submission entries */
#define CC_IOCQES		(4u << 20)	/* 16-byte completion entries */
#define CSTS_RDY		0x1
#define CSTS_CFS		0x2

#define ADM_CREATE_SQ		0x01
#define ADM_CREATE_CQ		0x05
#define ADM_IDENTIFY		0x06
#define IO_WRITE		0x01
#define IO_READ			0x02

#define NVME_PAGE		4096UL		/* CC.MPS = 0 */
#define QUEUE_ENTRIES		64u
#define LBA_SIZE		512u

/* Offsets in the driver area (each its own NVMe page). */
#define AREA_ASQ		0x0000
#define AREA_ACQ		0x1000
#define AREA_IOSQ		0x2000
#define AREA_IOCQ		0x3000
#define AREA_IDENTIFY		0x4000
#define AREA_PRP_LIST		0x5000

struct sqe {
	uint32_t cdw0;		/* opcode | command id << 16 */
	uint32_t nsid;
	uint32_t cdw2, cdw3;
	uint64_t mptr, prp1, prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

struct cqe {
	uint32_t dw0, dw1;
	uint16_t sqhd, sqid;
	uint16_t cid;
	uint16_t status;	/* phase in bit 0, the status field above it */
};

_Static_assert(sizeof(struct sqe) == 64, "submission entry");
_Static_assert(sizeof(struct cqe) == 16, "completion entry");

struct nvq {
	uint16_t qid;
	uint32_t tail, head;
	uint16_t phase;
	struct sqe *sq;
	volatile struct cqe *cq;
};

static struct {
	bool ready;
	uint64_t dev;
	uint64_t regs;
	uint64_t stride;	/* doorbell stride, bytes */
	uint32_t entries;	/* per queue */
	uint16_t cid;
	uint64_t max_xfer;	/* bytes per command */
	uint64_t nsze;
	struct nvq admin, io;
} nv;

static const struct dma_window *window0(void)
{
	return vphb.nwin ? &vphb.win[0] : NULL;
}

static uint64_t area_bus(uint64_t off)
{
	const struct dma_window *w = window0();

	return w->start + w->size - DRIVER_AREA_SIZE + off;
}

static void *area_ptr(uint64_t off)
{
	return (void *)(uintptr_t)(driver_area_gpa() + off);
}

/* The window can hold the driver area at its top, page-aligned. */
static bool window_fits(void)
{
	const struct dma_window *w = window0();

	return w && w->page_shift >= 12 && w->page_shift <= 21 && w->size >= DRIVER_AREA_SIZE &&
	       driver_area_gpa() >= 2 * DRIVER_AREA_SIZE;
}

/* (Re)map the driver area at the top 2 MiB of window 0, read/write. */
static bool map_area(void)
{
	const struct dma_window *w = window0();
	uint64_t page = 1ULL << w->page_shift;

	for (uint64_t off = 0; off < DRIVER_AREA_SIZE; off += page)
		if (h_put_tce(w->liobn, area_bus(off), (driver_area_gpa() + off) | 3))
			return false;
	return true;
}

static uint64_t read64(uint64_t reg)
{
	return mmio_read32(nv.regs + reg) | (uint64_t)mmio_read32(nv.regs + reg + 4) << 32;
}

static void write64(uint64_t reg, uint64_t v)
{
	mmio_write32(nv.regs + reg, (uint32_t)v);
	mmio_write32(nv.regs + reg + 4, (uint32_t)(v >> 32));
}

static void doorbell(uint16_t qid, bool cq, uint32_t v)
{
	mmio_write32(nv.regs + REG_DOORBELLS + (2u * qid + cq) * nv.stride, v);
}

static bool wait_csts(uint32_t mask, uint32_t want, uint64_t ticks)
{
	uint64_t end = mftb() + ticks;

	while ((mmio_read32(nv.regs + REG_CSTS) & mask) != want)
		if ((int64_t)(mftb() - end) > 0)
			return false;
	return true;
}

static void queue_init(struct nvq *q, uint16_t qid, uint64_t sq_off, uint64_t cq_off)
{
	q->qid = qid;
	q->tail = q->head = 0;
	q->phase = 1;
	q->sq = area_ptr(sq_off);
	q->cq = area_ptr(cq_off);
	memset(area_ptr(sq_off), 0, NVME_PAGE);
	memset(area_ptr(cq_off), 0, NVME_PAGE);
}

/*
 * Submit one command and poll its completion (2 s of timebase): the
 * status field (without the phase bit), or -1 on a timeout.
 */
static long submit(struct nvq *q, struct sqe *cmd)
{
	uint64_t end = mftb() + 2 * dt.tb_freq;
	volatile struct cqe *c = &q->cq[q->head];
	uint16_t cid = ++nv.cid, status;

	cmd->cdw0 |= (uint32_t)cid << 16;
	q->sq[q->tail] = *cmd;
	q->tail = (q->tail + 1) % nv.entries;
	doorbell(q->qid, false, q->tail);	/* its sync orders the entry first */
	while ((c->status & 1) != q->phase)
		if ((int64_t)(mftb() - end) > 0)
			return -1;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	status = c->status;
	if (++q->head == nv.entries) {
		q->head = 0;
		q->phase ^= 1;
	}
	doorbell(q->qid, true, q->head);
	return c->cid == cid ? status >> 1 : 0x7fff;
}

static long identify(uint32_t cns, uint32_t nsid)
{
	struct sqe c = { .cdw0 = ADM_IDENTIFY, .nsid = nsid, .prp1 = area_bus(AREA_IDENTIFY),
			 .cdw10 = cns };

	memset(area_ptr(AREA_IDENTIFY), 0xff, NVME_PAGE);
	return submit(&nv.admin, &c);
}

/* CAP checks, disable, admin queues, enable, wait for RDY. */
static const char *controller_up(void)
{
	uint64_t cap = read64(REG_CAP), tb = dt.tb_freq;
	uint64_t timeout = ((cap >> 24) & 0xff) * (tb / 2);	/* CAP.TO, 500 ms units */

	if ((cap >> 48) & 0xf)
		return "mpsmin";	/* no 4 KiB pages */
	if (!((cap >> 37) & 1))
		return "no-nvm-command-set";
	nv.stride = 4ULL << ((cap >> 32) & 0xf);
	nv.entries = (uint32_t)(cap & 0xffff) + 1 < QUEUE_ENTRIES ?
		     (uint32_t)(cap & 0xffff) + 1 : QUEUE_ENTRIES;
	if (timeout < tb)
		timeout = tb;
	mmio_write32(nv.regs + REG_CC, 0);
	if (!wait_csts(CSTS_RDY, 0, timeout))
		return "disable-timeout";
	queue_init(&nv.admin, 0, AREA_ASQ, AREA_ACQ);
	mmio_write32(nv.regs + REG_AQA, (nv.entries - 1) << 16 | (nv.entries - 1));
	write64(REG_ASQ, area_bus(AREA_ASQ));
	write64(REG_ACQ, area_bus(AREA_ACQ));
	mmio_write32(nv.regs + REG_CC, CC_EN | CC_IOSQES | CC_IOCQES);
	if (!wait_csts(CSTS_RDY | CSTS_CFS, CSTS_RDY, timeout)) {
		bool fatal = mmio_read32(nv.regs + REG_CSTS) & CSTS_CFS;

		return fatal ? "fatal-status" : "enable-timeout";
	}
	/* Polled: keep the pin-based interrupt masked (no MSI-X is enabled). */
	mmio_write32(nv.regs + REG_INTMS, 0xffffffff);
	return NULL;
}

/* Identify Controller (MDTS) and Namespace 1 (size, LBA format). */
static const char *learn(uint64_t *lba)
{
	const uint8_t *id = area_ptr(AREA_IDENTIFY);
	uint64_t nsze;
	unsigned int fmt;

	if (identify(1, 0))
		return "identify-controller";
	/* MDTS, in units of the minimum page; 0: no limit (one PRP list here) */
	nv.max_xfer = id[77] && id[77] < 9 ? NVME_PAGE << id[77] : NVME_PAGE * 512;
	if (identify(0, 1))
		return "identify-namespace";
	memcpy(&nsze, id, 8);
	fmt = id[26] & 0xf;
	*lba = 1ULL << id[128 + 4 * fmt + 2];
	nv.nsze = nsze;
	return *lba == LBA_SIZE ? NULL : "lba-size";
}

static const char *create_io_queues(void)
{
	struct sqe cq = { .cdw0 = ADM_CREATE_CQ, .prp1 = area_bus(AREA_IOCQ),
			  .cdw10 = (nv.entries - 1) << 16 | 1, .cdw11 = 1 };	/* contiguous */
	struct sqe sq = { .cdw0 = ADM_CREATE_SQ, .prp1 = area_bus(AREA_IOSQ),
			  .cdw10 = (nv.entries - 1) << 16 | 1, .cdw11 = 1u << 16 | 1 };

	queue_init(&nv.io, 1, AREA_IOSQ, AREA_IOCQ);
	if (submit(&nv.admin, &cq))
		return "create-cq";
	if (submit(&nv.admin, &sq))
		return "create-sq";
	return NULL;
}

static const char *nvme_bring_up(uint64_t dev, uint64_t *lba)
{
	const char *err;

	if (dev >= (uint64_t)vphb.ndev || vphb.dev[dev].class_code != NVME_CLASS ||
	    !vphb.dev[dev].bar_gpa[0])
		return "bad-device";
	if (!window_fits())
		return "window";
	if (!map_area())
		return "tce";
	nv.dev = dev;
	nv.regs = vphb.dev[dev].bar_gpa[0];
	err = controller_up();
	if (!err)
		err = learn(lba);
	if (!err)
		err = create_io_queues();
	return err;
}

/* NVME_INIT dev */
void step_nvme_init(const struct step *s)
{
	uint64_t lba = 0;
	const char *err;

	nv.ready = false;
	err = nvme_bring_up(s->a[0], &lba);
	if (err) {
		printf("S%lu nvme init fail %s\n", s->index, err);
		return;
	}
	nv.ready = true;
	printf("S%lu nvme init ok lba=%lu blocks=%lu\n", s->index, lba, nv.nsze);
}

/* ---- data buffers ------------------------------------------------------------- */

enum buf_action { BUF_FILL, BUF_CHECK };

struct buf_check {
	uint8_t first;
	bool uniform;
};

/*
 * Visit the guest-physical pieces of [ioba, ioba + len) of window 0, page
 * by page through H_GET_TCE: fill them with `byte`, or check they all
 * equal the first byte. NULL, or why not.
 */
static const char *buf_walk(uint64_t ioba, uint64_t len, enum buf_action act, uint8_t byte,
			    struct buf_check *chk)
{
	const struct dma_window *w = window0();
	uint64_t page = 1ULL << w->page_shift, end = ioba + len;

	for (uint64_t a = ioba; a < end;) {
		uint64_t base = a & ~(page - 1), n = (base + page < end ? base + page : end) - a;
		unsigned long tce = 0;
		uint8_t *p;

		if (h_get_tce(w->liobn, base, &tce) || !(tce & 3))
			return "unmapped";
		if (!mem_is_free((tce & ~0xfffUL) + (a - base), n))
			return "bad-buffer";
		p = (uint8_t *)(uintptr_t)((tce & ~0xfffUL) + (a - base));
		if (act == BUF_FILL) {
			memset(p, byte, n);
		} else {
			if (a == ioba)
				chk->first = p[0];
			for (uint64_t k = 0; k < n; k++)
				chk->uniform &= p[k] == chk->first;
		}
		a += n;
	}
	return NULL;
}

/* PRP1/PRP2 for [ioba, ioba + len), with a PRP list in the driver area
 * when the transfer touches more than two NVMe pages. */
static void build_prps(struct sqe *c, uint64_t ioba, uint64_t len)
{
	uint64_t first = NVME_PAGE - (ioba & (NVME_PAGE - 1));
	uint64_t next = (ioba & ~(NVME_PAGE - 1)) + NVME_PAGE;
	uint64_t *list = area_ptr(AREA_PRP_LIST);

	c->prp1 = ioba;
	c->prp2 = 0;
	if (len <= first)
		return;
	if (len <= first + NVME_PAGE) {
		c->prp2 = next;
		return;
	}
	for (uint64_t k = 0; first + k * NVME_PAGE < len; k++)
		list[k] = next + k * NVME_PAGE;
	c->prp2 = area_bus(AREA_PRP_LIST);
}

/* Checks common to read and write; NULL if the command may go. */
static const char *io_check(uint64_t dev, uint64_t blocks, uint64_t ioba)
{
	const struct dma_window *w = window0();

	if (!nv.ready || dev != nv.dev)
		return "not-ready";
	if (!blocks || blocks > nv.max_xfer / LBA_SIZE)
		return "bad-length";
	if ((ioba & 3) || ioba < w->start || ioba - w->start >= w->size ||
	    blocks * LBA_SIZE > w->size - (ioba - w->start))
		return "bad-buffer";
	return map_area() ? NULL : "tce";
}

static long io(uint8_t opcode, uint64_t lba, uint64_t blocks, uint64_t ioba)
{
	struct sqe c = { .cdw0 = opcode, .nsid = 1, .cdw10 = (uint32_t)lba,
			 .cdw11 = (uint32_t)(lba >> 32), .cdw12 = (uint32_t)(blocks - 1) };

	build_prps(&c, ioba, blocks * LBA_SIZE);
	return submit(&nv.io, &c);
}

/* NVME_WRITE dev, lba, blocks, byte, ioba */
void step_nvme_write(const struct step *s)
{
	uint64_t lba = s->a[1], blocks = s->a[2], ioba = s->a[4];
	const char *err = io_check(s->a[0], blocks, ioba);
	long st;

	if (!err)
		err = buf_walk(ioba, blocks * LBA_SIZE, BUF_FILL, (uint8_t)s->a[3], NULL);
	if (err) {
		printf("S%lu nvme %s\n", s->index, err);
		return;
	}
	st = io(IO_WRITE, lba, blocks, ioba);
	if (st < 0)
		printf("S%lu nvme write timeout\n", s->index);
	else
		printf("S%lu nvme write status=0x%lx\n", s->index, st);
}

/* NVME_READ dev, lba, blocks, ioba */
void step_nvme_read(const struct step *s)
{
	uint64_t lba = s->a[1], blocks = s->a[2], ioba = s->a[3];
	struct buf_check chk = { 0, true };
	const char *err = io_check(s->a[0], blocks, ioba);
	long st;

	if (!err)
		err = buf_walk(ioba, blocks * LBA_SIZE, BUF_FILL, 0, NULL);
	if (err) {
		printf("S%lu nvme %s\n", s->index, err);
		return;
	}
	st = io(IO_READ, lba, blocks, ioba);
	if (st < 0) {
		printf("S%lu nvme read timeout\n", s->index);
		return;
	}
	buf_walk(ioba, blocks * LBA_SIZE, BUF_CHECK, 0, &chk);
	printf("S%lu nvme read status=0x%lx byte=0x%x uniform=%d\n", s->index, st, chk.first,
	       chk.uniform);
}

/*
 * NVME_RAW dev, write (1) or read (0), lba, blocks, ioba: the command goes
 * to the controller with the bus addresses as given, whatever is (or is
 * not) mapped there: how a test shows the IOMMU blocking a transfer.
 */
void step_nvme_raw(const struct step *s)
{
	uint64_t lba = s->a[2], blocks = s->a[3], ioba = s->a[4];
	const char *err = io_check(s->a[0], blocks, ioba);
	long st;

	if (err) {
		printf("S%lu nvme %s\n", s->index, err);
		return;
	}
	st = io(s->a[1] ? IO_WRITE : IO_READ, lba, blocks, ioba);
	if (st < 0)
		printf("S%lu nvme raw timeout\n", s->index);
	else
		printf("S%lu nvme raw status=0x%lx\n", s->index, st);
}

/* Map [ioba, ioba + len) of window 0 onto guest memory at gpa: one
 * H_PUT_TCE per page, or H_PUT_TCE_INDIRECT with up to 512 per call.
 * Returns the hcalls made, or -1 on a failed one. */
static long bench_map(const struct dma_window *w, uint64_t ioba, uint64_t gpa, uint64_t len,
		      bool indirect, uint64_t *list)
{
	uint64_t page = 1ULL << w->page_shift, n = len / page, k;
	long calls = 0;

	if (!indirect) {
		for (k = 0; k < n; k++, calls++)
			if (h_put_tce(w->liobn, ioba + k * page, (gpa + k * page) | 3))
				return -1;
		return calls;
	}
	for (k = 0; k < n; k += 512, calls++) {
		uint64_t m = n - k < 512 ? n - k : 512, j;

		for (j = 0; j < m; j++)
			list[j] = __builtin_bswap64((gpa + (k + j) * page) | 3);
		__asm__ volatile("sync" : : : "memory");
		if (h_put_tce_indirect(w->liobn, ioba + k * page, (uintptr_t)list, m))
			return -1;
	}
	return calls;
}

/*
 * NVME_BENCH dev, indirect (0: H_PUT_TCE per page, 1: H_PUT_TCE_INDIRECT),
 * total bytes, chunk bytes, gpa of a free buffer of one chunk: read the
 * disk sequentially from LBA 0, one chunk per command, mapping the buffer
 * before each command and unmapping it (H_STUFF_TCE) after, as an OS
 * driver does per I/O. Prints the ticks and the TCE hcalls it made.
 */
void step_nvme_bench(const struct step *s)
{
	const struct dma_window *w = window0();
	uint64_t total = s->a[2], chunk = s->a[3], gpa = s->a[4], page, done, t0;
	uint64_t ioba = w ? w->start : 0, *list = (uint64_t *)(uintptr_t)(gpa + chunk);
	long calls = 0, c;
	const char *err = w ? io_check(s->a[0], chunk / LBA_SIZE, ioba) : "no-window";

	page = w ? 1ULL << w->page_shift : 4096;
	if (!err && (!chunk || chunk % page || total % chunk || gpa % page ||
		     !mem_is_free(gpa, chunk + 4096)))
		err = "bad-args";
	if (err) {
		printf("S%lu nvme %s\n", s->index, err);
		return;
	}
	t0 = mftb();
	for (done = 0; done < total; done += chunk) {
		c = bench_map(w, ioba, gpa, chunk, s->a[1], list);
		if (c < 0 || io(IO_READ, (done / LBA_SIZE) % 2048, chunk / LBA_SIZE, ioba) != 0) {
			printf("S%lu nvme bench failed at %lu\n", s->index, done);
			return;
		}
		calls += c;
		for (uint64_t k = 0; k < chunk / page; k += 512, calls++)
			h_stuff_tce(w->liobn, ioba + k * page, 0,
				    chunk / page - k < 512 ? chunk / page - k : 512);
	}
	printf("S%lu nvme bench bytes=%lu ticks=%lu hcalls=%ld\n", s->index, total, mftb() - t0,
	       calls);
}
