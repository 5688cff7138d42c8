/*
 * Hypercall dispatch: one const table indexed by opcode, one handler
 * signature. A handler unpacks the registers, calls the core code that
 * validates and applies, and returns a PAPR H_* code or the IOMMU core's
 * error as it is (mapped by hcall_iommu_rc); values it returns go in the
 * guest's r4.. (hcall_fn). Anything else a handler returns that is not a
 * PAPR code is logged and turned into H_HARDWARE: no internal code reaches
 * a guest.
 */
#ifndef HV_HCALL_H
#define HV_HCALL_H

#include <stdint.h>
#include <hv/guest.h>
#include <iommu/tce_table.h>
#include <papr/hcall.h>

/*
 * r[0..7] = the guest's r4..r11: the arguments in, and the values the hcall
 * returns out (r4..r6). A handler reads the arguments it needs before it
 * writes a return value, and writes return values only when it succeeds;
 * registers it does not write keep what the guest had in them.
 */
typedef int64_t (*hcall_fn)(struct vcpu *v, uint64_t *r);

/* The per-CPU fast path (arch_set_hcall_fn): serve the hcall; 0 if the
 * vCPU can run on at once, 1 if the run loop must look (cede, stop...). */
int hcall_fast(struct regs *guest);
/* Point this CPU's statistics at its own slice (call once per CPU). */
void hcall_cpu_init(void);
/* An exit vector no hardware produces: the hcall was served already.
 * Bit 0 clear: the vCPU is re-entered with rfid. */
#define VEC_HCALL_DONE	0xc02

/* Results counted per hcall, in buckets */
enum { HC_RC_SUCCESS, HC_RC_PARAMETER, HC_RC_PN, HC_RC_FUNCTION, HC_RC_HARDWARE,
       HC_RC_RESOURCES, HC_RC_OTHER, HC_RC_BUCKETS };

/* 64 bytes: one shift to index (calls is the sum of the buckets) */
struct hcall_stat {
	uint64_t ticks;			/* timebase spent in the handler */
	uint64_t rc[HC_RC_BUCKETS];
};

static inline uint64_t hcall_stat_calls(const struct hcall_stat *st)
{
	uint64_t n = 0;
	int b;

	for (b = 0; b < HC_RC_BUCKETS; b++)
		n += st->rc[b];
	return n;
}

/* The statistics of each implemented hcall (by opcode order, H_RTAS last),
 * summed over CPUs, then of all unknown ones together with op = ~0. */
void hcall_for_each_served(void (*fn)(uint64_t op, const struct hcall_stat *st, void *arg),
			   void *arg);
const char *hcall_name(uint64_t opcode);

/*
 * H_PUT_TCE(liobn, ioba, tce): the hottest hcall (one per DMA map or unmap
 * of a guest without a direct window), so hcall_fast tests for it first
 * and runs it inline (hv/hcall.c, hcall_put_tce) instead of through the
 * table; its table slot names it for the statistics.
 */
static inline int64_t h_put_tce(struct vcpu *v, uint64_t *r)
{
	struct tce_table *t = guest_window(v->guest, r[0]);

	if (!t)
		return H_PARAMETER;
	return tce_table_put_tce(t, &v->guest->mem, r[1], r[2]);
}

/* An IOMMU core error (IOMMU_E*) as a PAPR code; 0 if rc is not one. */
int64_t hcall_iommu_rc(int64_t rc);

/* Handlers defined outside hcall.c */
int64_t h_rtas(struct vcpu *v, uint64_t *r);
int64_t h_get_tce(struct vcpu *v, uint64_t *r);
int64_t h_stuff_tce(struct vcpu *v, uint64_t *r);
int64_t h_put_tce_indirect(struct vcpu *v, uint64_t *r);

#endif /* HV_HCALL_H */
