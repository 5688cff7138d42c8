/*
 * Hypercall dispatch: one const table indexed by opcode, one handler
 * signature. A handler unpacks the registers, calls the core code that
 * validates and applies, and returns a PAPR H_* code; values it returns go
 * in rets[] (r4..r9). Anything a handler returns that is not a PAPR code
 * is logged and turned into H_HARDWARE: no internal code reaches a guest.
 */
#ifndef HV_HCALL_H
#define HV_HCALL_H

#include <stdint.h>
#include <hv/guest.h>

/* args[0..7] = r4..r11 as the guest left them; rets[0..5] -> r4..r9 */
typedef int64_t (*hcall_fn)(struct vcpu *v, const uint64_t *args, uint64_t *rets);

void hcall_dispatch(struct vcpu *v);

/* Results counted per hcall, in buckets */
enum { HC_RC_SUCCESS, HC_RC_PARAMETER, HC_RC_PN, HC_RC_FUNCTION, HC_RC_HARDWARE,
       HC_RC_RESOURCES, HC_RC_OTHER, HC_RC_BUCKETS };

struct hcall_stat {
	uint64_t calls, ticks;		/* ticks: timebase spent in the handler */
	uint64_t rc[HC_RC_BUCKETS];
};

/* Statistics of an opcode (every unknown opcode shares one record). */
const struct hcall_stat *hcall_stats(uint64_t opcode);
/* Each implemented hcall, then the unknown ones with op = ~0. */
void hcall_for_each_served(void (*fn)(uint64_t op, const struct hcall_stat *st, void *arg),
			   void *arg);
const char *hcall_name(uint64_t opcode);

/* Handlers defined outside hcall.c */
int64_t h_rtas(struct vcpu *v, const uint64_t *args, uint64_t *rets);
int64_t h_put_tce(struct vcpu *v, const uint64_t *args, uint64_t *rets);
int64_t h_get_tce(struct vcpu *v, const uint64_t *args, uint64_t *rets);
int64_t h_stuff_tce(struct vcpu *v, const uint64_t *args, uint64_t *rets);
int64_t h_put_tce_indirect(struct vcpu *v, const uint64_t *args, uint64_t *rets);

#endif /* HV_HCALL_H */
