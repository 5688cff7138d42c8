/*
 * The run loop: every host CPU runs the vCPUs assigned to it, round robin,
 * each for at most one time slice (HDEC), and sleeps in `stop` when none
 * is runnable. Entering a guest is a call that returns with the exit
 * reason (arch_run_vcpu); this loop decides what happens next.
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include <hv/guest.h>

/* Default time slice: 10 ms (option slice=<us>; slice=0: no preemption). */
#define SCHED_SLICE_US		10000

/* Assign v to a host CPU (round robin over the CPUs that checked in). */
void sched_add_vcpu(struct vcpu *v);
/* v->state from -> to if it is still from (the moves are listed at the top
 * of sched.c); false if another CPU moved it first. */
bool sched_vcpu_move(struct vcpu *v, enum vcpu_state from, enum vcpu_state to);
/* Wake v if it is ceded, or make its next H_CEDE return at once (H_PROD,
 * console input). */
void sched_prod(struct vcpu *v);
/* Make a stopped v runnable (RTAS start-cpu) and wake its CPU; false if
 * it was not stopped. */
bool sched_start_vcpu(struct vcpu *v);
/* H_CEDE on v's own CPU: v sleeps unless a prod is pending or its DEC has
 * fired already (timer_pending). */
void sched_cede(struct vcpu *v, bool timer_pending);
/* Force v's host CPU out of the guest / out of its sleep. */
void sched_kick(struct vcpu *v);
/* v's guest changed its LPCR (H_SET_MODE), called on v's CPU during the
 * hcall: load it here before v goes back, and kick the guest's other
 * vCPUs through the run loop, which loads it for them. */
void sched_lpcr_changed(struct vcpu *v);
/* Release the secondaries into the loop and run it here; never returns. */
__attribute__((noreturn)) void sched_start(void);
/* Host CPUs in use. */
unsigned int sched_cpu_count(void);

struct sched_cpu_info {
	unsigned int vcpus;		/* bound to this CPU */
	uint64_t runs;			/* guest entries */
	uint64_t idle_ticks;		/* timebase ticks asleep */
};
void sched_cpu_info(unsigned int cpu, struct sched_cpu_info *out);
/* Hook run by the boot CPU between guest runs (console, shell); true if
 * it had input to handle. */
bool hv_housekeeping(void);

#endif /* HV_SCHED_H */
