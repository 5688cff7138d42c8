/*
 * mode=smp: start the second vCPU the PAPR way (RTAS start-cpu), let both
 * print their line and count on one shared counter concurrently, check
 * the total, power off.
 *
 * The second vCPU is the second cpu node under /cpus; it enters
 * secondary_entry (entry.S) with r3 = its vCPU block.
 */
#include <stdio.h>
#include "guest.h"

#define COUNT_PER_VCPU	200000

static struct {
	uint32_t started;	/* the secondary printed its line */
	uint32_t go;		/* both may count */
	uint32_t done;		/* the secondary finished counting */
	uint64_t counter;
} smp;

static void count(void)
{
	for (int i = 0; i < COUNT_PER_VCPU; i++)
		__atomic_fetch_add(&smp.counter, 1, __ATOMIC_RELAXED);
}

/* Wait (bounded by the timebase) until *flag is set. */
static bool wait_flag(uint32_t *flag, unsigned int seconds)
{
	uint64_t end = mftb() + dt.tb_freq * seconds;

	while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE))
		if ((int64_t)(mftb() - end) >= 0)
			return false;
	return true;
}

void secondary_main(struct vcpu *v)
{
	con_printf("smp: cpu %u running\n", v->id);
	__atomic_store_n(&smp.started, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&smp.go, __ATOMIC_ACQUIRE))
		;
	count();
	__atomic_store_n(&smp.done, 1, __ATOMIC_RELEASE);
	for (;;)
		__asm__ volatile("or 1,1,1");	/* low SMT priority */
}

static int start_secondary(struct vcpu *v)
{
	uint32_t rets[2];
	int rc;

	v->canary = mftb() | 1;
	v->index = 1;
	v->id = dt.cpu_id[1];
	/* Optional: a vCPU that is not stopped cannot be started. */
	rc = rtas_call(dt.tok_query_stopped, 1, 2, rets, v->id);
	if (!rc && rets[1] != 0)
		printf("smp: cpu %u not stopped (state %u)\n", v->id, rets[1]);
	return rtas_call(dt.tok_start_cpu, 3, 1, rets, v->id,
			 (uint32_t)(uintptr_t)secondary_entry, (uint32_t)(uintptr_t)v);
}

void mode_smp(void)
{
	struct vcpu *self = vcpu_block(0), *v = vcpu_block(1);
	int rc;

	self->id = dt.cpu_id[0];
	if (dt.ncpus < 2 || dt.tok_start_cpu == RTAS_NO_TOKEN) {
		printf("smp: needs 2 cpus and start-cpu (cpus=%d)\n", dt.ncpus);
		return;
	}
	printf("smp: cpu %u running\n", self->id);
	rc = start_secondary(v);
	if (rc) {
		printf("smp: start-cpu %u rc %d\n", v->id, rc);
		return;
	}
	if (!wait_flag(&smp.started, 5)) {
		printf("smp: cpu %u did not start\n", v->id);
		return;
	}
	__atomic_store_n(&smp.go, 1, __ATOMIC_RELEASE);
	count();
	if (!wait_flag(&smp.done, 30)) {
		printf("smp: cpu %u did not finish counting\n", v->id);
		return;
	}
	printf("smp: counter %lu (2 x %d)\n", (unsigned long)smp.counter, COUNT_PER_VCPU);
	if (smp.counter == 2UL * COUNT_PER_VCPU)
		printf("smp: both vcpus ran\n");
}
