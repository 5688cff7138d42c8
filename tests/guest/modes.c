/*
 * The single-vCPU modes of the test guest (demo is in demo.c, smp in
 * smp.c). Each prints the lines the tests wait for; see the ABI in
 * tests/guest/README.md.
 */
#include <stdio.h>
#include "guest.h"
#include "papr.h"

/* Spin forever with MSR[EE] = 0, never calling the hypervisor again. */
void mode_spin(void)
{
	printf("spin: start\n");
	__asm__ volatile("mtmsrd %0, 1" : : "r"(MSR_RI) : "memory");	/* EE = 0 */
	for (;;)
		__asm__ volatile("");
}

/* A store just past the end of guest memory: tcevisor stops the guest
 * (hypervisor data storage interrupt); QEMU pseries ignores it. */
void mode_wild(void)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)(dt.mem_total + 0x10000);

	printf("wild: storing outside memory\n");
	*p = 0x57494c44;	/* "WILD" */
	printf("wild: still alive\n");
}

void mode_illegal(void)
{
	printf("illegal: executing 0\n");
	__asm__ volatile(".globl illegal_insn\n"
			 "illegal_insn: .long 0" : : : "memory");
	printf("illegal: still alive\n");
}

/* Hcall numbers nobody implements (and misaligned ones): H_FUNCTION. */
void mode_unknown(void)
{
	static const unsigned long nr[] = { 0x1F0, 0x1F4, 0x0, 0x4 + 0x10000, 0x1234, 0x1F1 };

	for (size_t i = 0; i < sizeof(nr) / sizeof(nr[0]); i++) {
		long rc = hcall2(nr[i], 0, 0);

		printf("unknown: hcall 0x%lx rc %ld\n", nr[i], rc);
	}
	printf("unknown: done\n");
}

/* A trap: the CPU delivers the program interrupt to the guest itself, in
 * the endianness the guest set with H_SET_MODE; its 0x700 vector reports
 * the address and powers off. */
void mode_trap(void)
{
	printf("trap: trapping\n");
	__asm__ volatile(".globl trap_insn\n"
			 "trap_insn: trap" : : : "memory");
	printf("trap: still alive\n");
}

/* A line every ~50 ms of timebase, busy-waiting: only console hcalls. */
void mode_heartbeat(void)
{
	uint64_t next = mftb();

	printf("heartbeat: start\n");
	for (unsigned long n = 1;; n++) {
		next += dt.tb_freq / 20;
		tb_wait_until(next);
		printf("beat %lu\n", n);
	}
}

static unsigned long read_pmc6(void)
{
	unsigned long v;

	__asm__ volatile("mfspr %0, 776" : "=r"(v));
	return v;
}

/*
 * count= back-to-back `sc 1` with hcall= (default an unknown one). Also
 * reports how far PMC6 moved: under tcevisor's pmu-gate option and QEMU's
 * -icount that is exactly the hypervisor's instructions (measuring.md).
 */
void mode_nullbench(void)
{
	unsigned long count = opt_ulong("count", 100000);
	unsigned long nr = opt_ulong("hcall", 0x1F0);
	unsigned long ticks, pmc;

	if (!count)
		count = 1;
	pmc = read_pmc6();
	ticks = bench_null_hcall(nr, count);
	pmc = read_pmc6() - pmc;
	printf("bench: null hcall=0x%lx count=%lu ticks=%lu per_call_x100=%lu pmc6=%lu\n",
	       nr, count, ticks, ticks * 100 / count, pmc);
}
