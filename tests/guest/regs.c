/*
 * Mode regs: every register the guest owns comes back as it left it.
 *
 * Spin rounds: load every GPR (r1 aside), CR, XER, LR and the guest-owned
 * SPRs (SRR0/1, SPRG0-3, DAR, DSISR, AMR, UAMOR, DSCR, TAR, PPR)
 * with random values and spin on `bdnz` for a few milliseconds while the
 * hypervisor preempts the vCPU (its time slice, HDEC; another guest may
 * run on the CPU meanwhile) and returns to it; then every register must
 * hold its value and CTR must be 0. Hcall rounds: the same around one
 * `sc 1` of each kind of path through tcevisor: an unknown hcall (the
 * dispatch table), H_PUT_TCE on no window (its own fast path) and H_CEDE
 * (the vCPU sleeps: out through the run loop). Everything but r3 (the
 * status), cr0 and SRR0/1 must come back; a failed hcall and H_CEDE
 * return nothing in r4-r12.
 *
 * Options: seed=, rounds= (spin rounds, default 16), ms= (per spin round,
 * default 4), hrounds= (rounds per hcall kind, default 8).
 */
#include <stdio.h>
#include <string.h>
#include "guest.h"
#include "papr.h"
#include "regs.h"

#define MISMATCH_REPORTS	8

struct regs_round {
	uint64_t in[REGS_N];
	uint64_t out[REGS_N];
};

/* regs-asm.S */
void regs_spin(struct regs_round *rr);
void regs_hcall(struct regs_round *rr);

static uint64_t rng;
static unsigned long reported;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

/* What SPR n reads back as after holding v (bits it does not implement
 * read 0); the SPR keeps its old value. */
#define READ_BACK(n, v) ({							\
	uint64_t old_, got_;							\
	__asm__ volatile("mfspr %0, " #n "; mtspr " #n ", %2; mfspr %1, " #n	\
			 "; mtspr " #n ", %0" : "=&r"(old_), "=&r"(got_) : "r"(v));	\
	got_; })

static uint64_t canonical(int slot, uint64_t v)
{
#define CANONICAL(slot, spr, name)	case slot: return READ_BACK(spr, v);
	switch (slot) {
	case REGS_CR:
		return v & 0xffffffff;
	REGS_SPRS(CANONICAL)
	default:
		return v;
	}
#undef CANONICAL
}

static void fill(struct regs_round *rr)
{
	for (int n = 0; n < REGS_N; n++)
		rr->in[n] = canonical(n, rnd());
}

static const char *reg_name(int n, char *buf)
{
#define NAME(slot, spr, name)	[slot - REGS_CR] = #name,
	static const char *const names[] = { [0] = "cr", REGS_SPRS(NAME) };
#undef NAME

	if (n >= REGS_CR)
		return names[n - REGS_CR];
	snprintf(buf, 8, "r%d", n);
	return buf;
}

/* Compare out with in (or with want for CTR) but the slots in skip, CR
 * under cr_mask. */
static unsigned long check(const char *what, unsigned long round, const struct regs_round *rr,
			   uint64_t skip, uint64_t cr_mask, uint64_t ctr_want)
{
	unsigned long bad = 0;

	for (int n = 0; n < REGS_N; n++) {
		uint64_t want = n == REGS_CTR ? ctr_want : rr->in[n], got = rr->out[n];
		char buf[8];

		if (skip >> n & 1)
			continue;
		if (n == REGS_CR) {
			want &= cr_mask;
			got &= cr_mask;
		}
		if (want == got)
			continue;
		bad++;
		if (reported++ < MISMATCH_REPORTS)
			printf("regs: %s round %lu %s want 0x%lx got 0x%lx\n", what, round,
			       reg_name(n, buf), (unsigned long)want, (unsigned long)got);
	}
	return bad;
}

/* Spins per round for about ms milliseconds, from a timed short run. */
static uint64_t calibrate(unsigned long ms)
{
	struct regs_round rr;
	uint64_t t0, ticks, want = dt.tb_freq / 1000 * ms;

	for (int i = 0; i < 2; i++) {	/* the first run also translates the code */
		fill(&rr);
		rr.in[REGS_CTR] = 1 << 20;
		t0 = mftb();
		regs_spin(&rr);
		ticks = mftb() - t0;
	}
	return ticks ? (want << 20) / ticks + 1 : 1 << 20;
}

static unsigned long spin_rounds(unsigned long rounds, unsigned long ms)
{
	uint64_t spins = calibrate(ms), t0 = mftb();
	unsigned long bad = 0;

	for (unsigned long i = 0; i < rounds; i++) {
		struct regs_round rr;

		fill(&rr);
		rr.in[REGS_CTR] = spins;
		regs_spin(&rr);
		bad += check("spin", i, &rr, 0, 0xffffffff, 0);
	}
	printf("regs: spin rounds=%lu spins=%lu ticks=%lu mismatches=%lu\n", rounds,
	       (unsigned long)spins, (unsigned long)(mftb() - t0), bad);
	return bad;
}

static unsigned long hcall_rounds(const char *what, unsigned long op, uint64_t r4,
				  long want_rc, unsigned long rounds)
{
	unsigned long bad = 0;

	for (unsigned long i = 0; i < rounds; i++) {
		struct regs_round rr;

		fill(&rr);
		rr.in[3] = op;
		rr.in[4] = r4;
		if (op == H_CEDE)	/* wake on the decrementer in ~1 ms */
			__asm__ volatile("mtspr 22, %0" : : "r"(dt.tb_freq / 1000));
		regs_hcall(&rr);
		if (op == H_CEDE)	/* H_CEDE returned with MSR[EE] = 1 */
			__asm__ volatile("mtmsrd %0, 1" : : "r"(MSR_RI) : "memory");
		if ((long)rr.out[3] != want_rc) {
			bad++;
			if (reported++ < MISMATCH_REPORTS)
				printf("regs: %s round %lu rc %ld want %ld\n", what, i,
				       (long)rr.out[3], want_rc);
		}
		/* r3: the status; SRR0/1: `sc` sets them; cr0: the 0xc00 vector
		 * compares r3 in it; after H_CEDE the decrementer handler also
		 * used SPRG1 (entry.S) */
		bad += check(what, i, &rr, 1ULL << 3 | 1ULL << REGS_SRR0 | 1ULL << REGS_SRR1 |
			     (op == H_CEDE ? 1ULL << REGS_SPRG1 : 0), 0x0fffffff, rr.in[REGS_CTR]);
	}
	printf("regs: hcall %s rounds=%lu mismatches=%lu\n", what, rounds, bad);
	return bad;
}

void mode_regs(void)
{
	unsigned long bad;

	rng = opt_ulong("seed", 0x5eed) | 1;
	bad = spin_rounds(opt_ulong("rounds", 16), opt_ulong("ms", 4));
	bad += hcall_rounds("unknown", 0x1F0, 0, H_FUNCTION, opt_ulong("hrounds", 8));
	bad += hcall_rounds("put-tce", H_PUT_TCE, ~0ULL, H_PARAMETER, opt_ulong("hrounds", 8));
	bad += hcall_rounds("cede", H_CEDE, 0, H_SUCCESS, opt_ulong("hrounds", 8));
	printf("regs: done mismatches=%lu\n", bad);
}
