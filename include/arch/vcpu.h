/*
 * A vCPU's architected state beyond its register frame (struct regs): the
 * supervisor SPRs a guest owns. arch/vectors.S saves and restores the
 * frame on every exit and entry; these SPRs are not touched by the
 * hypervisor, so they are switched only when another vCPU (or the idle
 * loop, which uses DEC) takes the hardware thread.
 *
 * Not switched: FP, VMX and VSX registers (the image may contain no such
 * instruction, checked at build time); see the README.
 */
#ifndef ARCH_VCPU_H
#define ARCH_VCPU_H

#include <stdint.h>
#include <arch/cpu.h>

struct vcpu_sprs {
	uint64_t srr0, srr1;
	uint64_t sprg[4];
	uint64_t dar, dsisr;
	uint64_t dec_expiry;	/* timebase at which DEC reaches 0 */
	uint64_t pid, amr, iamr, uamor;
	uint64_t fscr, pspb, dscr, tar, ppr, ctrl;
};

/* The guest's partition context on this CPU. */
struct vcpu_context {
	uint32_t lpid;
	uint64_t lpcr;
};

void arch_vcpu_sprs_init(struct vcpu_sprs *s);
void arch_vcpu_sprs_save(struct vcpu_sprs *s);
void arch_vcpu_sprs_load(const struct vcpu_sprs *s);
void arch_set_partition_context(const struct vcpu_context *c);
/* Guest entry/exit (arch/vectors.S): returns the exit vector | flag. */
uint64_t arch_run_vcpu(struct regs *guest);
/* Hypervisor registers every CPU sets once before running guests. */
void arch_guest_cpu_init(void);
void arch_set_hdec(uint64_t ticks);
/* LPCR bits for a radix guest in real mode with LE interrupts optional. */
uint64_t arch_guest_lpcr(bool little_endian);
/* LPCR[ILE] as H_SET_MODE changes it */
uint64_t arch_lpcr_set_ile(uint64_t lpcr, bool le);
/*
 * The hypervisor's hcall fast path for this CPU: called by the exit code
 * on every `sc 1` from a guest with the guest's full frame saved; answer 0
 * to resume the guest at once, anything else to return from
 * arch_run_vcpu() with the vector the handler left in guest->vec. Must be
 * set before this CPU enters any guest: the exit code calls it unchecked.
 */
void arch_set_hcall_fn(int (*fn)(struct regs *guest));

#endif /* ARCH_VCPU_H */
