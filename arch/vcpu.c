/*
 * Switching a hardware thread between vCPUs: the guest-owned SPRs, the
 * partition context (LPIDR, LPCR) and the hypervisor decrementer.
 */
#include <stdbool.h>
#include <arch/ppc.h>
#include <arch/spr.h>
#include <arch/vcpu.h>

#define SPR_TAR		815
#define SPR_PPR		896

/* HFSCR facilities guests may use without trapping to the hypervisor:
 * FP, VECVSX, DSCR, PM, BHRB, EBB, TAR (TM stays off). */
#define HFSCR_GUEST	0x19fULL

void arch_vcpu_sprs_init(struct vcpu_sprs *s)
{
	*s = (struct vcpu_sprs){ 0 };
	s->dec_expiry = mftb() + 0x7fffffff;
	s->uamor = 0;
	s->ppr = 0x0010000000000000ULL;	/* medium priority */
}

void arch_vcpu_sprs_save(struct vcpu_sprs *s)
{
	int64_t dec = (int32_t)MFSPR(SPR_DEC);

	s->srr0 = MFSPR(SPR_SRR0);
	s->srr1 = MFSPR(SPR_SRR1);
	s->sprg[0] = MFSPR(SPR_SPRG0);
	s->sprg[1] = MFSPR(SPR_SPRG1);
	s->sprg[2] = MFSPR(SPR_SPRG2);
	s->sprg[3] = MFSPR(SPR_SPRG3);
	s->dar = MFSPR(SPR_DAR);
	s->dsisr = MFSPR(SPR_DSISR);
	s->dec_expiry = mftb() + (uint64_t)dec;
	s->pid = MFSPR(SPR_PID);
	s->amr = MFSPR(SPR_AMR);
	s->iamr = MFSPR(SPR_IAMR);
	s->uamor = MFSPR(SPR_UAMOR);
	s->fscr = MFSPR(SPR_FSCR);
	s->pspb = MFSPR(SPR_PSPB);
	s->dscr = MFSPR(SPR_DSCR);
	s->tar = MFSPR(SPR_TAR);
	s->ppr = MFSPR(SPR_PPR);
	s->ctrl = MFSPR(SPR_CTRLF);
}

void arch_vcpu_sprs_load(const struct vcpu_sprs *s)
{
	int64_t dec = (int64_t)(s->dec_expiry - mftb());

	MTSPR(SPR_SRR0, s->srr0);
	MTSPR(SPR_SRR1, s->srr1);
	MTSPR(SPR_SPRG0, s->sprg[0]);
	MTSPR(SPR_SPRG1, s->sprg[1]);
	MTSPR(SPR_SPRG2, s->sprg[2]);
	MTSPR(SPR_SPRG3, s->sprg[3]);
	MTSPR(SPR_DAR, s->dar);
	MTSPR(SPR_DSISR, s->dsisr);
	/* DEC is 32 bits (LPCR[LD] = 0): an expiry already past fires at once */
	MTSPR(SPR_DEC, dec < 0 ? -1 : dec > 0x7fffffff ? 0x7fffffff : dec);
	MTSPR(SPR_PID, s->pid);
	MTSPR(SPR_AMR, s->amr);
	MTSPR(SPR_IAMR, s->iamr);
	MTSPR(SPR_UAMOR, s->uamor);
	MTSPR(SPR_FSCR, s->fscr);
	MTSPR(SPR_PSPB, s->pspb);
	MTSPR(SPR_DSCR, s->dscr);
	MTSPR(SPR_TAR, s->tar);
	MTSPR(SPR_PPR, s->ppr);
	MTSPR(SPR_CTRLT, s->ctrl);
}

void arch_set_partition_context(const struct vcpu_context *c)
{
	MTSPR(SPR_LPIDR, c->lpid);
	MTSPR(SPR_LPCR, c->lpcr);
	isync();
}

/* Benchmarks: PMC6 counts only hypervisor instructions between the gate
 * points in arch/vectors.S (exact under QEMU -icount, measuring.md). */
static void pmu_gate_init(void)
{
	MTSPR(SPR_MMCR0, 0x80000000);	/* frozen until the next exit */
	MTSPR(SPR_MMCR1, 0);
	MTSPR(SPR_PMC5, 0);
	MTSPR(SPR_PMC6, 0);
}

void arch_guest_cpu_init(void)
{
	if (this_cpu()->pmu_gate)
		pmu_gate_init();
	MTSPR(SPR_AMOR, ~0ULL);		/* guests may use every AMR key */
	MTSPR(SPR_HFSCR, HFSCR_GUEST);
	MTSPR(SPR_PCR, 0);
}

void arch_set_hdec(uint64_t ticks)
{
	/* HDEC is 56 bits on POWER9/10; stay below its sign bit */
	if (ticks > 0x7fffffffffffffULL)
		ticks = 0x7fffffffffffffULL;
	MTSPR(SPR_HDEC, ticks);
}

uint64_t arch_guest_lpcr(bool little_endian)
{
	/*
	 * HR, UPRT: radix. HVICE, HDICE: HV interrupts and HDEC exit the
	 * guest. LPES = 0: external interrupts go to the hypervisor. HDEE,
	 * DEE: a doorbell or DEC ends our own `stop` (LPCR is per thread and
	 * stays loaded while the hypervisor idles). GTSE: guests may tlbie
	 * their own translations.
	 */
	uint64_t lpcr = LPCR_HR | LPCR_UPRT | LPCR_HVICE | LPCR_HDICE | LPCR_GTSE |
			LPCR_PECE1 | LPCR_PECE3;	/* HDEE, DEE on POWER9 */

	return arch_lpcr_set_ile(lpcr, little_endian);
}

uint64_t arch_lpcr_set_ile(uint64_t lpcr, bool le)
{
	return le ? lpcr | LPCR_ILE : lpcr & ~LPCR_ILE;
}

void arch_set_hcall_fn(int (*fn)(struct regs *guest))
{
	this_cpu()->hcall_fn = fn;
}
