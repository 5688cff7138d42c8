/*
 * CPUs: identification, per-CPU blocks, and releasing parked secondaries.
 *
 * boot/entry.S parks every thread but the first in park_wait() until its
 * cpu_release[] word is set, then calls secondary_main() on its own stack.
 */
#include <stddef.h>
#include <arch/cpu.h>
#include <arch/ppc.h>
#include <arch/spr.h>
#include <lib/panic.h>

_Static_assert(offsetof(struct regs, cr) == REGS_CR, "REGS_CR");
_Static_assert(offsetof(struct regs, lr) == REGS_LR, "REGS_LR");
_Static_assert(offsetof(struct regs, ctr) == REGS_CTR, "REGS_CTR");
_Static_assert(offsetof(struct regs, xer) == REGS_XER, "REGS_XER");
_Static_assert(offsetof(struct regs, pc) == REGS_PC, "REGS_PC");
_Static_assert(offsetof(struct regs, msr) == REGS_MSR, "REGS_MSR");
_Static_assert(offsetof(struct regs, vec) == REGS_VEC, "REGS_VEC");
_Static_assert(sizeof(struct regs) == REGS_SIZE, "REGS_SIZE");
_Static_assert(offsetof(struct cpu, scratch0) == CPU_SCRATCH0, "CPU_SCRATCH0");
_Static_assert(offsetof(struct cpu, scratch1) == CPU_SCRATCH1, "CPU_SCRATCH1");
_Static_assert(offsetof(struct cpu, scratch2) == CPU_SCRATCH2, "CPU_SCRATCH2");
_Static_assert(offsetof(struct cpu, toc) == CPU_TOC, "CPU_TOC");
_Static_assert(offsetof(struct cpu, hv_r1) == CPU_HV_R1, "CPU_HV_R1");
_Static_assert(offsetof(struct cpu, guest_regs) == CPU_GUEST_REGS, "CPU_GUEST_REGS");
_Static_assert(offsetof(struct cpu, exc_depth) == CPU_EXC_DEPTH, "CPU_EXC_DEPTH");
_Static_assert(offsetof(struct cpu, block) == CPU_BLOCK, "CPU_BLOCK");
_Static_assert(offsetof(struct cpu, pmu_gate) == CPU_PMU_GATE, "CPU_PMU_GATE");
_Static_assert(offsetof(struct cpu, hcall_fn) == CPU_HCALL_FN, "CPU_HCALL_FN");
_Static_assert(offsetof(struct cpu, scratch_cr) == CPU_SCRATCH_CR, "CPU_SCRATCH_CR");
_Static_assert(CPU_R13_OFFSET + sizeof(struct cpu) <= 0x8000, "struct cpu too big");

extern uint8_t cpu_blocks[];
extern volatile uint32_t cpu_slots_claimed;
extern volatile uint64_t cpu_boot_pir[NR_CPUS];
extern volatile uint64_t cpu_release[NR_CPUS];
void park_wait(void);
void arch_stop(void);

struct cpu *cpu_by_index(unsigned int index)
{
	if (index >= NR_CPUS)
		return NULL;
	return (struct cpu *)(cpu_blocks + ((size_t)index << CPU_BLOCK_SHIFT) + CPU_R13_OFFSET);
}

unsigned int cpu_count_claimed(void)
{
	uint32_t n = __atomic_load_n(&cpu_slots_claimed, __ATOMIC_ACQUIRE);

	return n > NR_CPUS ? NR_CPUS : n;
}

uint32_t cpu_boot_pir_of(unsigned int index)
{
	return index < NR_CPUS ? (uint32_t)cpu_boot_pir[index] : ~0u;
}

uint32_t cpu_pvr_version(void)
{
	return (uint32_t)(MFSPR(SPR_PVR) >> 16);
}

bool cpu_is_power8(void)
{
	uint32_t v = cpu_pvr_version();

	return v == PVR_POWER8E || v == PVR_POWER8NVL || v == PVR_POWER8;
}

bool cpu_has_radix(void)
{
	return !cpu_is_power8();
}

const char *cpu_model_name(void)
{
	switch (cpu_pvr_version()) {
	case PVR_POWER8E: return "POWER8E";
	case PVR_POWER8NVL: return "POWER8NVL";
	case PVR_POWER8: return "POWER8";
	case PVR_POWER9: return "POWER9";
	case PVR_POWER10: return "POWER10";
	default: return "unknown POWER";
	}
}

void cpu_init_boot(void)
{
	struct cpu *c = this_cpu();

	c->index = 0;
	c->pir = (uint32_t)MFSPR(SPR_PIR);
}

void cpu_wait_secondaries(unsigned int expected, uint64_t timeout_tb)
{
	uint64_t end = mftb() + timeout_tb;

	while (cpu_count_claimed() < expected && mftb() < end)
		;
}

static void msgsnd(uint32_t pir)
{
	uint64_t rb = ((uint64_t)DBELL_TYPE_HV << DBELL_TYPE_SHIFT) | pir;

	__asm__ volatile("sync; msgsnd %0" : : "r"(rb) : "memory");
}

void cpu_doorbell_clear(void)
{
	uint64_t rb = (uint64_t)DBELL_TYPE_HV << DBELL_TYPE_SHIFT;

	__asm__ volatile("msgclr %0" : : "r"(rb) : "memory");
}

void cpu_kick(unsigned int index)
{
	struct cpu *c = cpu_by_index(index);

	if (c)
		msgsnd(c->pir);
}

void cpu_idle_stop(void)
{
	park_wait();
}

void cpu_sleep_tb(uint64_t ticks)
{
	uint64_t end = mftb() + ticks;

	if (cpu_is_power8()) {
		while (mftb() < end)
			;
		return;
	}
	if (ticks > 0x7fffffff)
		ticks = 0x7fffffff;
	MTSPR(SPR_DEC, ticks);
	arch_stop();
	MTSPR(SPR_DEC, 0x7fffffff);	/* a positive DEC lowers the pending DEC */
}

void cpu_start_secondary(unsigned int index, void (*fn)(void *), void *arg)
{
	struct cpu *boot = this_cpu();
	struct cpu *c = cpu_by_index(index);
	uint64_t *canary;

	CHECK(c && index != 0 && index < cpu_count_claimed());
	c->toc = boot->toc;
	c->pmu_gate = boot->pmu_gate;
	c->block = (uint64_t)(uintptr_t)c - CPU_R13_OFFSET;
	c->index = index;
	c->pir = (uint32_t)cpu_boot_pir[index];
	c->start_fn = fn;
	c->start_arg = arg;
	canary = (uint64_t *)(uintptr_t)c->block;
	*canary = mftb() | 1;
	sync();
	cpu_release[index] = 1;
	sync();
	msgsnd(c->pir);
}

void secondary_main(unsigned int index)
{
	struct cpu *c = this_cpu();

	cpu_doorbell_clear();
	c->start_fn(c->start_arg);
	for (;;)
		cpu_idle_stop();
}
