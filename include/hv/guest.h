/*
 * Guest partitions and their vCPUs.
 *
 * A guest is a radix LPAR (LPID = its id) with one contiguous block of host
 * RAM mapped at guest-real 0, up to two DMA windows (a TCE table each,
 * linked to the PEs of every device assigned to it), a console, and 1..4
 * vCPUs. Guests are created once at boot from the configuration and never
 * freed; a guest that faults is stopped and stays stopped.
 *
 * Lock order: guest.lock (state, LIOBN map) -> tce_table locks (iommu/)
 *             -> PHB locks; the scheduler's run-queue lock is a leaf.
 */
#ifndef HV_GUEST_H
#define HV_GUEST_H

#include <stdbool.h>
#include <stdint.h>
#include <arch/cpu.h>
#include <arch/radix.h>
#include <arch/vcpu.h>
#include <iommu/guest_mem.h>
#include <iommu/tce.h>
#include <lib/lock.h>

#define GUESTS_MAX		8
#define GUEST_VCPUS_MAX		4
#define GUEST_DEVS_MAX		8
#define GUEST_NAME_LEN		16
#define GUEST_REASON_LEN	112
#define GUEST_LIOBN_BASE	0x80000000u
/* LIOBN of window w of guest id g: one per window, unique machine-wide */
#define GUEST_LIOBN(g, w)	(GUEST_LIOBN_BASE | ((uint32_t)(g) << 4) | (uint32_t)(w))
/* Where a guest is entered (guest-real) and where its FDT goes. */
#define GUEST_ENTRY		0x1000ULL
#define GUEST_FDT_MAX		(64 << 10)

struct guest;
struct phb_pe;
struct tce_table;

enum vcpu_state {
	VCPU_STOPPED,		/* not started yet, or stop-self */
	VCPU_RUNNABLE,
	VCPU_CEDED,		/* H_CEDE: waits for its DEC, a prod or input */
	VCPU_HALTED,		/* its guest was stopped: final */
	VCPU_STOPPING,		/* stop-self, until its CPU has left the hcall */
};

struct vcpu_stats {
	uint64_t exits;		/* exits other than hcalls */
	uint64_t hcalls, hdec, irq, cede, faults;	/* irq: external, HVI, doorbell */
	uint64_t hv_ticks;	/* timebase ticks spent handling its exits */
};

struct vcpu {
	struct regs regs;		/* the frame arch_run_vcpu() uses */
	struct vcpu_sprs sprs;
	struct guest *guest;
	unsigned int index;		/* within the guest; also its cpu `reg` */
	unsigned int hcpu;		/* host CPU (slot) it runs on */
	volatile enum vcpu_state state;
	volatile bool prod;		/* wake a ceded vCPU */
	uint64_t wake_tb;		/* ceded until this timebase */
	struct vcpu_stats stats;
	/* H_PUT_TCE_INDIRECT's private copy of the guest's list */
	uint64_t tce_list[512];
};

enum guest_state {
	GUEST_FREE,
	GUEST_RUNNING,
	GUEST_STOPPED,
};

struct guest_window {
	struct tce_table *tbl;		/* NULL: no such window */
	uint64_t liobn;			/* 32 bits; compared with all 64 the guest gives */
};

struct guest_console {
	char line[256];
	unsigned int len;
	bool wrapped;			/* the last byte filled the line */
	uint8_t in[64];			/* input waiting for H_GET_TERM_CHAR */
	volatile unsigned int in_head, in_tail;
	volatile uint64_t last_read_tb;	/* the guest's last H_GET_TERM_CHAR */
	uint64_t in_dropped;		/* bytes dropped: it was not reading */
};

/* What the guest sees of an assigned function's BARs and command register */
struct guest_pci {
	uint64_t bar_pci[6];		/* guest PCI address, by index in pci_dev.bars */
	uint32_t sizing;		/* BAR registers the guest is sizing (bit per register) */
	uint16_t vcmd;			/* the guest's command register */
};

/* The guest's one virtual PHB (BUID as on QEMU pseries) */
#define GUEST_VPHB_BUID		0x800000020000000UL

struct guest {
	unsigned int id;		/* 1.., also its LPID */
	char name[GUEST_NAME_LEN];
	volatile enum guest_state state;
	char reason[GUEST_REASON_LEN];	/* why it stopped */
	struct lock lock;
	uint64_t ram_hpa, ram_size;
	struct guest_mem mem;		/* guest-real -> host, for the IOMMU core */
	struct radix_tree radix;
	uint64_t lpcr;
	uint64_t fdt_gpa;
	struct guest_window win[TCE_WINDOWS];
	unsigned int nr_devs;
	struct phb_pe *devs[GUEST_DEVS_MAX];
	struct guest_pci pci[GUEST_DEVS_MAX];
	unsigned int nr_vcpus;
	struct vcpu vcpus[GUEST_VCPUS_MAX];
	struct guest_console cons;
};

/* Guests in id order (ids 1..guest_count()). */
unsigned int guest_count(void);
struct guest *guest_by_id(unsigned int id);
/* Allocate the next guest slot (id), or NULL. */
struct guest *guest_alloc(const char *name);
/* Give back a slot allocate by guest_alloc() whose set-up failed. */
void guest_free_last(struct guest *g);

/* Stop every vCPU of g and say why, once (printf-style). Safe from any
 * CPU; the guest's running vCPUs leave at their next exit. */
__attribute__((format(printf, 2, 3)))
void guest_stop(struct guest *g, const char *fmt, ...);
bool guest_all_stopped(void);

/* Guest-real [gpa, gpa+len) as a host pointer, or NULL if not wholly RAM. */
void *guest_ram_ptr(struct guest *g, uint64_t gpa, uint64_t len);

/*
 * The table of g's window with this LIOBN (64-bit as the guest passed it);
 * NULL if none (upper bits set, or not g's). No lock and no reference:
 * g->win[] is written before g's first vCPU runs and never changes while
 * g exists (guests are not torn down; a failed build releases its windows
 * before any vCPU starts), and each window holds a reference on its table.
 * So a caller running on one of g's vCPUs holds the table alive already.
 * Whoever adds guest teardown must first wait for every vCPU of g to
 * leave the hypervisor's hcall path.
 */
static inline struct tce_table *guest_window(const struct guest *g, uint64_t liobn)
{
	unsigned int w;

	/* LIOBNs are 32 bits (PAPR): a value with upper bits set matches none */
	for (w = 0; w < TCE_WINDOWS; w++)
		if (g->win[w].liobn == liobn && g->win[w].tbl)
			return g->win[w].tbl;
	return NULL;
}

#endif /* HV_GUEST_H */
