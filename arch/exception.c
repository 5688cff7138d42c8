/*
 * Unexpected exceptions in hypervisor state: print what a person bringing
 * the machine up needs (vector, NIA, MSR, fault addresses, LR, GPRs) and
 * power off. The hypervisor runs with MSR[EE] = 0 and never expects an
 * exception of its own, so none is resumed.
 *
 * A fault while printing the dump arrives here again at depth 2: print one
 * line with raw console access and power off. Depth 3 never reaches C
 * (arch/vectors.S stops the thread).
 */
#include <stdio.h>
#include <arch/cpu.h>
#include <arch/exception.h>
#include <arch/ppc.h>
#include <arch/spr.h>
#include <lib/console.h>
#include <lib/panic.h>

static const struct {
	uint16_t vec;
	const char *name;
} vec_names[] = {
	{ VEC_SRESET, "system reset" },	{ VEC_MCHECK, "machine check" },
	{ VEC_DSI, "data storage" },	{ VEC_DSEG, "data segment" },
	{ VEC_ISI, "instruction storage" }, { VEC_ISEG, "instruction segment" },
	{ VEC_EXTERNAL, "external" },	{ VEC_ALIGN, "alignment" },
	{ VEC_PROGRAM, "program" },	{ VEC_FPU, "floating-point unavailable" },
	{ VEC_DEC, "decrementer" },	{ VEC_HDEC, "hypervisor decrementer" },
	{ VEC_DOORBELL, "doorbell" },	{ VEC_SYSCALL, "system call" },
	{ VEC_TRACE, "trace" },		{ VEC_HDSI, "hypervisor data storage" },
	{ VEC_HISI, "hypervisor instruction storage" },
	{ VEC_HEAI, "hypervisor emulation assistance" },
	{ VEC_HMI, "hypervisor maintenance" },
	{ VEC_HDOORBELL, "hypervisor doorbell" },
	{ VEC_HVIRT, "hypervisor virtualization" },
	{ VEC_PERFMON, "performance monitor" }, { VEC_VMX, "vector unavailable" },
	{ VEC_VSX, "VSX unavailable" },	{ VEC_FAC, "facility unavailable" },
	{ VEC_HFAC, "hypervisor facility unavailable" },
};

const char *exception_name(uint64_t vec)
{
	unsigned int i;

	vec &= ~(uint64_t)VEC_FLAG_HSRR;
	for (i = 0; i < sizeof(vec_names) / sizeof(vec_names[0]); i++)
		if (vec_names[i].vec == vec)
			return vec_names[i].name;
	return "reserved";
}

/* Program-check reason from SRR1 (ISA: bits 43-47). */
static const char *program_reason(uint64_t srr1)
{
	if (srr1 & PPC_BIT(46))
		return "trap";
	if (srr1 & PPC_BIT(45))
		return "privileged instruction";
	if (srr1 & PPC_BIT(44))
		return "illegal instruction";
	if (srr1 & PPC_BIT(43))
		return "floating-point enabled";
	return "unknown reason";
}

void exception_dump(const struct regs *r)
{
	uint64_t vec = r->vec & ~(uint64_t)VEC_FLAG_HSRR;
	int i;

	printf("  vector 0x%03lx (%s)", vec, exception_name(vec));
	if (vec == VEC_PROGRAM)
		printf(": %s", program_reason(r->msr));
	printf("\n  NIA  %016lx  MSR   %016lx\n", r->pc,
	       r->msr);
	printf("  LR   %016lx  CTR   %016lx  CR %08lx  XER %08lx\n",
	       r->lr, r->ctr,
	       r->cr, r->xer);
	for (i = 0; i < 32; i += 4)
		printf("  r%-2d  %016lx %016lx %016lx %016lx\n", i,
		       r->gpr[i], r->gpr[i + 1],
		       r->gpr[i + 2], r->gpr[i + 3]);
}

static void dump_fault_sprs(void)
{
	printf("  DAR  %016lx  DSISR  %08lx\n", MFSPR(SPR_DAR),
	       MFSPR(SPR_DSISR));
	printf("  HDAR %016lx  HDSISR %08lx", MFSPR(SPR_HDAR),
	       MFSPR(SPR_HDSISR));
	if (cpu_has_radix())	/* ASDR exists from POWER9 on */
		printf("  ASDR %016lx", MFSPR(SPR_ASDR));
	printf("\n");
}

void exception_hv(struct regs *r)
{
	struct cpu *c = this_cpu();

	console_panic_mode();
	if (c->exc_depth > 1) {
		console_puts("\ntcevisor: exception while handling an exception; powering off\n");
		panic_halt();
	}
	console_lock();
	printf("\ntcevisor: unexpected exception in hypervisor on CPU %u (PIR %u)\n",
	       c->index, c->pir);
	exception_dump(r);
	dump_fault_sprs();
	printf("tcevisor: halted; powering off\n");
	console_unlock();
	panic_halt();
}
