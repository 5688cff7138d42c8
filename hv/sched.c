/*
 * Per-CPU run loop (see sched.h).
 *
 * A vCPU is bound to one host CPU for its life, so its registers and SPRs
 * are only ever touched by that CPU: the loop needs no lock around them.
 * Other CPUs only change vcpu->state / ->prod and send a doorbell.
 *
 * vcpu->state moves only by compare-and-swap from a named state, so no
 * CPU can undo another's move (HALTED, set by guest_stop from any CPU, is
 * final). Who moves what:
 *   STOPPED  -> RUNNABLE   RTAS start-cpu, any CPU (sched_start_vcpu)
 *   RUNNABLE -> CEDED      H_CEDE, own CPU (sched_cede)
 *   CEDED    -> RUNNABLE   the loop, own CPU, on a prod or the DEC
 *   RUNNABLE -> STOPPING   RTAS stop-self, own CPU
 *   STOPPING -> STOPPED    the loop, own CPU, once the hcall has written
 *                          its results: a start-cpu can then load new ones
 *   any      -> HALTED     guest_stop, any CPU
 * v->prod is set by anyone (sched_prod) and consumed with an exchange by
 * H_CEDE (then it returns at once) or by the loop when it wakes v.
 *
 * The guest-owned SPRs stay loaded between exits of the same vCPU and are
 * switched only when another vCPU or the idle loop (which uses DEC) takes
 * the thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <arch/exception.h>
#include <arch/ppc.h>
#include <arch/spr.h>
#include <arch/vcpu.h>
#include <hv/hcall.h>
#include <hv/options.h>
#include <hv/platform.h>
#include <hv/sched.h>
#include <lib/panic.h>

#define RUNQ_MAX	(GUESTS_MAX * GUEST_VCPUS_MAX)	/* all on one CPU */

struct sched_cpu {
	struct vcpu *runq[RUNQ_MAX];
	unsigned int n, next;
	struct vcpu *loaded;		/* whose SPRs are in the thread */
	struct vcpu_context ctx;	/* partition context loaded */
	bool ctx_valid;
	uint64_t idle_ticks, runs;
};

static struct sched_cpu cpus[NR_CPUS];
static unsigned int nr_hcpus, next_assign;
static uint64_t slice_tb;

unsigned int sched_cpu_count(void)
{
	return nr_hcpus ? nr_hcpus : cpu_count_claimed();
}

void sched_cpu_info(unsigned int i, struct sched_cpu_info *out)
{
	out->vcpus = cpus[i].n;
	out->runs = cpus[i].runs;
	out->idle_ticks = cpus[i].idle_ticks;
}

void sched_add_vcpu(struct vcpu *v)
{
	struct sched_cpu *sc;

	if (!nr_hcpus)
		nr_hcpus = cpu_count_claimed();
	v->hcpu = next_assign++ % nr_hcpus;
	sc = &cpus[v->hcpu];
	CHECK(sc->n < RUNQ_MAX);
	sc->runq[sc->n++] = v;
}

void sched_kick(struct vcpu *v)
{
	if (v->hcpu != this_cpu()->index)
		cpu_kick(v->hcpu);
}

bool sched_vcpu_move(struct vcpu *v, enum vcpu_state from, enum vcpu_state to)
{
	enum vcpu_state expect = from;

	return __atomic_compare_exchange_n(&v->state, &expect, to, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST);
}

/* prod before state: a vCPU ceding at this moment either sees the prod
 * (sched_cede) or is seen CEDED here and kicked. */
void sched_prod(struct vcpu *v)
{
	__atomic_store_n(&v->prod, true, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&v->state, __ATOMIC_SEQ_CST) == VCPU_CEDED)
		sched_kick(v);
}

bool sched_start_vcpu(struct vcpu *v)
{
	if (!sched_vcpu_move(v, VCPU_STOPPED, VCPU_RUNNABLE))
		return false;
	sched_kick(v);
	return true;
}

void sched_cede(struct vcpu *v, bool timer_pending)
{
	if (__atomic_exchange_n(&v->prod, false, __ATOMIC_SEQ_CST) || timer_pending)
		return;
	sched_vcpu_move(v, VCPU_RUNNABLE, VCPU_CEDED);
}

static bool ready(const struct vcpu *v, uint64_t now)
{
	if (v->state == VCPU_RUNNABLE)
		return true;
	return v->state == VCPU_CEDED && (v->prod || now >= v->wake_tb);
}

static struct vcpu *pick(struct sched_cpu *sc)
{
	uint64_t now = mftb();
	unsigned int i;

	for (i = 0; i < sc->n; i++) {
		unsigned int k = (sc->next + i) % sc->n;

		if (ready(sc->runq[k], now)) {
			sc->next = k + 1;
			return sc->runq[k];
		}
	}
	return NULL;
}

/* Earliest wake-up of a ceded vCPU, capped (the boot CPU polls input). */
static uint64_t sleep_ticks(struct sched_cpu *sc, bool boot)
{
	uint64_t now = mftb(), best = boot ? platform.tb_hz / 1000 : platform.tb_hz;
	unsigned int i;

	for (i = 0; i < sc->n; i++) {
		const struct vcpu *v = sc->runq[i];

		if (v->state == VCPU_CEDED) {
			uint64_t d = v->wake_tb > now ? v->wake_tb - now : 1;

			if (d < best)
				best = d;
		}
	}
	return best;
}

static void unload(struct sched_cpu *sc)
{
	if (sc->loaded) {
		arch_vcpu_sprs_save(&sc->loaded->sprs);
		sc->loaded = NULL;
	}
}

static void idle(struct sched_cpu *sc, bool boot)
{
	uint64_t t0 = mftb();

	unload(sc);
	cpu_sleep_tb(sleep_ticks(sc, boot));
	cpu_doorbell_clear();
	sc->idle_ticks += mftb() - t0;
}

static void switch_to(struct sched_cpu *sc, struct vcpu *v)
{
	struct guest *g = v->guest;

	if (sc->loaded != v) {
		unload(sc);
		arch_vcpu_sprs_load(&v->sprs);
		sc->loaded = v;
	}
	if (!sc->ctx_valid || sc->ctx.lpid != g->id || sc->ctx.lpcr != g->lpcr) {
		sc->ctx.lpid = g->id;
		sc->ctx.lpcr = g->lpcr;
		sc->ctx_valid = true;
		arch_set_partition_context(&sc->ctx);
	}
}

void sched_lpcr_changed(struct vcpu *v)
{
	struct guest *g = v->guest;
	unsigned int i;

	switch_to(&cpus[v->hcpu], v);	/* v runs here: this is its CPU */
	for (i = 0; i < g->nr_vcpus; i++)
		if (&g->vcpus[i] != v)
			sched_kick(&g->vcpus[i]);
}

static uint32_t guest_insn(struct vcpu *v, uint64_t pc)
{
	uint32_t *p = guest_ram_ptr(v->guest, pc & ~3ULL, 4);

	return p ? *p : 0;
}

static void fault(struct vcpu *v, uint64_t vec)
{
	struct guest *g = v->guest;
	uint64_t pc = v->regs.pc;

	v->stats.faults++;
	switch (vec) {
	case VEC_HDSI:
		guest_stop(g, "vcpu %u: data access outside its memory at 0x%lx (pc 0x%lx)",
			   v->index, MFSPR(SPR_HDAR), pc);
		break;
	case VEC_HISI:
		guest_stop(g, "vcpu %u: instruction fetch outside its memory at 0x%lx",
			   v->index, pc);
		break;
	case VEC_HEAI:
		guest_stop(g, "vcpu %u: illegal instruction 0x%08x at 0x%lx", v->index,
			   guest_insn(v, pc), pc);
		break;
	default:
		guest_stop(g, "vcpu %u: unexpected exit 0x%lx (%s) at 0x%lx", v->index, vec,
			   exception_name(vec), pc);
	}
}

static void handle_exit(struct vcpu *v, uint64_t vec)
{
	switch (vec) {
	case VEC_HCALL_DONE:	/* served by hcall_fast() from the exit path */
		return;
	case VEC_HDEC:
		v->stats.hdec++;
		return;
	case VEC_HDOORBELL:	/* a kick: look at the run queue again */
	case VEC_HVIRT:
	case VEC_EXTERNAL:
		v->stats.irq++;
		return;
	default:
		fault(v, vec);
	}
}

static void run_once(struct sched_cpu *sc, struct vcpu *v)
{
	uint64_t vec, t0;

	switch_to(sc, v);
	if (v->state == VCPU_CEDED) {
		/* the prod that woke it is used up; a later one is kept */
		__atomic_store_n(&v->prod, false, __ATOMIC_SEQ_CST);
		sched_vcpu_move(v, VCPU_CEDED, VCPU_RUNNABLE);
	}
	arch_set_hdec(slice_tb ? slice_tb : ~0ULL);
	vec = arch_run_vcpu(&v->regs);
	t0 = mftb();
	if (vec != VEC_HCALL_DONE)
		v->stats.exits++;	/* hcalls are counted apart */
	sc->runs++;
	handle_exit(v, vec & ~(uint64_t)VEC_FLAG_HSRR);
	sched_vcpu_move(v, VCPU_STOPPING, VCPU_STOPPED);
	v->stats.hv_ticks += mftb() - t0;
}

static __attribute__((noreturn)) void loop(struct sched_cpu *sc, bool boot)
{
	arch_guest_cpu_init();
	hcall_cpu_init();
	arch_set_hcall_fn(hcall_fast);
	radix_load_ptcr();
	for (;;) {
		struct vcpu *v;
		bool busy = boot && hv_housekeeping();

		v = pick(sc);
		if (v)
			run_once(sc, v);
		else if (!busy)	/* input keeps coming: look again at once */
			idle(sc, boot);
	}
}

static void secondary_loop(void *arg)
{
	loop(arg, false);
}

void sched_start(void)
{
	const char *opt = options_get("slice");
	unsigned int i;

	slice_tb = us_to_tb(opt ? strtoul(opt, NULL, 0) : SCHED_SLICE_US);
	if (!nr_hcpus)
		nr_hcpus = cpu_count_claimed();
	for (i = 1; i < nr_hcpus; i++)
		cpu_start_secondary(i, secondary_loop, &cpus[i]);
	loop(&cpus[0], true);
}
