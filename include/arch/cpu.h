/*
 * Per-CPU state, the register frame and their assembly offsets.
 *
 * Every hardware thread owns one CPU block of CPU_BLOCK_SIZE bytes:
 *
 *   +0x0000  stack canary (libfdt is built with the stack protector and reads
 *            its canary at r13 - 0x7010, glibc's TLS slot)
 *   ...      hypervisor stack, growing down from +CPU_STACK_TOP
 *   +0x7010  struct cpu; r13 and HSPRG0 point here
 *   +0x8000  exception stack (unexpected exceptions in hypervisor state)
 *   +0x10000 end
 *
 * The offsets below are used by assembly; _Static_asserts in arch/cpu.c keep
 * them equal to the C layout.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#define NR_CPUS			16
#define CPU_BLOCK_SHIFT		16
#define CPU_BLOCK_SIZE		(1 << CPU_BLOCK_SHIFT)
#define CPU_R13_OFFSET		0x7010
#define CPU_STACK_TOP		0x7000
#define CPU_EXC_STACK_TOP	0x10000
#define CPU_EXC_NEST_STEP	0x4000

/* struct regs */
#define REGS_GPR(n)	((n) * 8)
#define REGS_CR		256
#define REGS_LR		264
#define REGS_CTR	272
#define REGS_XER	280
#define REGS_PC		288
#define REGS_MSR	296
#define REGS_VEC	304
#define REGS_SIZE	320

/* struct cpu */
#define CPU_SCRATCH0	0	/* r12 of the interrupted context */
#define CPU_SCRATCH1	8	/* r11 of the interrupted context */
#define CPU_SCRATCH2	16	/* r10 of the interrupted context */
#define CPU_TOC		24	/* the hypervisor's r2 */
#define CPU_HV_R1	32	/* stack pointer of arch_run_vcpu() while a guest runs */
#define CPU_GUEST_REGS	40	/* struct regs * of the running vCPU, else 0 */
#define CPU_EXC_DEPTH	48	/* nesting of hypervisor-state exceptions */
#define CPU_BLOCK	56	/* base of this CPU's block */
#define CPU_PMU_GATE	64	/* MMCR0 freeze value (count hypervisor only), or 0 */
#define CPU_HCALL_FN	72	/* int (*)(struct regs *): hcall fast path (always set) */
#define CPU_SCRATCH_CR	80	/* CR of the interrupted context */

/* Minimum ELFv2 stack frame: back chain, CR save, LR save, TOC save. */
#define STACK_FRAME_MIN	32

#ifndef __ASSEMBLY__
#include <stdint.h>
#include <stdbool.h>

/* A full register frame: a hypervisor exception, or a vCPU's state. */
struct regs {
	uint64_t gpr[32];
	uint64_t cr, lr, ctr, xer;
	uint64_t pc, msr;	/* from SRR0/1 or HSRR0/1, by vector */
	uint64_t vec;		/* vector | VEC_FLAG_HSRR */
	uint64_t pad;
};

struct cpu {
	uint64_t scratch0, scratch1, scratch2;
	uint64_t toc;
	uint64_t hv_r1;
	struct regs *guest_regs;
	uint64_t exc_depth;
	uint64_t block;
	uint64_t pmu_gate;
	int (*hcall_fn)(struct regs *guest);
	uint64_t scratch_cr;
	/* C-only fields below */
	uint32_t index;		/* slot claimed at boot; 0 is the boot CPU */
	uint32_t pir;
	void (*start_fn)(void *);	/* what a released secondary runs */
	void *start_arg;
	void *hv_data;		/* the hypervisor's per-CPU data (hcall statistics) */
};

/* This CPU: r13 holds the pointer in hypervisor state. */
static inline struct cpu *this_cpu(void)
{
	struct cpu *c;

	__asm__ volatile("mr %0, 13" : "=r"(c));
	return c;
}

struct cpu *cpu_by_index(unsigned int index);
/* Threads that reached the entry code and claimed a slot (boot CPU included). */
unsigned int cpu_count_claimed(void);
uint32_t cpu_boot_pir_of(unsigned int index);
uint32_t cpu_pvr_version(void);
bool cpu_is_power8(void);
bool cpu_has_radix(void);
const char *cpu_model_name(void);
void cpu_init_boot(void);
void cpu_wait_secondaries(unsigned int expected, uint64_t timeout_tb);
void cpu_start_secondary(unsigned int index, void (*fn)(void *), void *arg);
/* Wake a CPU sleeping in cpu_idle_stop() (hypervisor doorbell). */
void cpu_kick(unsigned int index);
/* Sleep until an interrupt condition (doorbell, timer) is pending. */
void cpu_idle_stop(void);
/* Sleep up to `ticks` timebase ticks, less if a doorbell arrives. */
void cpu_sleep_tb(uint64_t ticks);
/* Clear this CPU's pending hypervisor doorbell. */
void cpu_doorbell_clear(void);

/* Entry from the parked state: called on a released secondary's own stack. */
void secondary_main(unsigned int index);
#endif

#endif /* ARCH_CPU_H */
