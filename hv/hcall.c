/*
 * The hypercall dispatch table and the small hcalls (console, modes, idle).
 * The TCE hcalls are in hcall_tce.c, RTAS in rtas.c.
 */
#include <stdio.h>
#include <arch/cpu.h>
#include <arch/ppc.h>
#include <arch/spr.h>
#include <arch/vcpu.h>
#include <hv/hcall.h>
#include <hv/sched.h>
#include <hv/vcons.h>
#include <papr/hcall.h>

/* Opcodes 0..0x3fc index the table by opcode / 4; the private H_RTAS
 * (0xf000) has the slot after them, and every other opcode the last one
 * (answered H_FUNCTION, like every empty slot). */
#define HCALL_SLOT_RTAS		(0x400 / 4)
#define HCALL_SLOT_UNKNOWN	(0x400 / 4 + 1)
#define HCALL_SLOTS		(0x400 / 4 + 2)

static unsigned int slot_of(uint64_t op)
{
	if (op < 0x400 && !(op & 3))
		return (unsigned int)(op / 4);
	return op == H_RTAS ? HCALL_SLOT_RTAS : HCALL_SLOT_UNKNOWN;
}

/* Bytes of r6/r7 (big-endian packed), as H_PUT/GET_TERM_CHAR carry them. */
static void unpack(uint64_t hi, uint64_t lo, char *out)
{
	int i;

	for (i = 0; i < 8; i++) {
		out[i] = (char)(hi >> (56 - 8 * i));
		out[8 + i] = (char)(lo >> (56 - 8 * i));
	}
}

static void pack(const char *in, size_t n, uint64_t *hi, uint64_t *lo)
{
	size_t i;

	*hi = *lo = 0;
	for (i = 0; i < n; i++) {
		if (i < 8)
			*hi |= (uint64_t)(uint8_t)in[i] << (56 - 8 * i);
		else
			*lo |= (uint64_t)(uint8_t)in[i] << (56 - 8 * (i - 8));
	}
}

/* H_PUT_TERM_CHAR(termno, len, bytes 0-7, bytes 8-15) */
static int64_t h_put_term_char(struct vcpu *v, uint64_t *r)
{
	char buf[16];

	if (r[0] != VCONS_TERMNO)
		return H_PARAMETER;
	if (r[1] > 16)
		return H_PARAMETER;
	unpack(r[2], r[3], buf);
	vcons_put(v->guest, buf, r[1]);
	return H_SUCCESS;
}

/* H_GET_TERM_CHAR(termno) -> count, bytes 0-7, bytes 8-15 */
static int64_t h_get_term_char(struct vcpu *v, uint64_t *r)
{
	char buf[16];
	size_t n;

	if (r[0] != VCONS_TERMNO)
		return H_PARAMETER;
	n = vcons_get(v->guest, buf, sizeof(buf));
	r[0] = n;
	pack(buf, n, &r[1], &r[2]);
	return H_SUCCESS;
}

/* H_SET_MODE(mflags, resource, value1, value2): only interrupt endianness. */
static int64_t h_set_mode(struct vcpu *v, uint64_t *r)
{
	struct guest *g = v->guest;

	if (r[1] != H_SET_MODE_RESOURCE_LE)
		return H_P2;
	if (r[2] || r[3])
		return H_P3;
	if (r[0] > 1)
		return H_UNSUPPORTED_FLAG;
	/* LPCR is per partition here: in effect before this vCPU returns (the
	 * fast return skips the run loop that would reload it) */
	g->lpcr = arch_lpcr_set_ile(g->lpcr, r[0] == 1);
	sched_lpcr_changed(v);
	return H_SUCCESS;
}

/* H_CEDE: idle until the vCPU's decrementer fires, a prod or input. The
 * vCPU resumes with MSR[EE] = 1, so a pending DEC is taken at once. */
static int64_t h_cede(struct vcpu *v, uint64_t *r)
{
	int32_t dec = (int32_t)MFSPR(SPR_DEC);

	v->regs.msr |= MSR_EE;
	v->wake_tb = mftb() + (dec > 0 ? (uint64_t)dec : 0);
	v->stats.cede++;
	sched_cede(v, dec <= 0);
	return H_SUCCESS;
}

/* H_PROD(server): wake a ceded vCPU of the same guest. */
static int64_t h_prod(struct vcpu *v, uint64_t *r)
{
	struct guest *g = v->guest;

	if (r[0] >= g->nr_vcpus)
		return H_PARAMETER;
	sched_prod(&g->vcpus[r[0]]);
	return H_SUCCESS;
}

#define HCALL(op, fn)	[op / 4] = { fn, #op }
static const struct {
	hcall_fn fn;
	const char *name;
} table[HCALL_SLOTS] = {
	HCALL(H_GET_TCE, h_get_tce),
	HCALL(H_PUT_TCE, h_put_tce),
	HCALL(H_GET_TERM_CHAR, h_get_term_char),
	HCALL(H_PUT_TERM_CHAR, h_put_term_char),
	HCALL(H_CEDE, h_cede),
	HCALL(H_PROD, h_prod),
	HCALL(H_STUFF_TCE, h_stuff_tce),
	HCALL(H_PUT_TCE_INDIRECT, h_put_tce_indirect),
	HCALL(H_SET_MODE, h_set_mode),
	[HCALL_SLOT_RTAS] = { h_rtas, "H_RTAS" },
};

/* Statistics per CPU (no atomics on the hcall path) and per slot, summed
 * when read. */
static struct hcall_stat stats[NR_CPUS][HCALL_SLOTS];

const char *hcall_name(uint64_t op)
{
	const char *name = table[slot_of(op)].name;

	return name ? name : "unknown";
}

/* Result buckets by -rc, for rc in -63..0; anything else is "other". */
static const uint8_t bucket[64] = {
	[0] = HC_RC_SUCCESS, [1] = HC_RC_HARDWARE, [2] = HC_RC_FUNCTION,
	[3] = HC_RC_OTHER, [4] = HC_RC_PARAMETER, [5 ... 43] = HC_RC_OTHER,
	[44] = HC_RC_RESOURCES, [45 ... 54] = HC_RC_OTHER, [55 ... 60] = HC_RC_PN,
	[61 ... 63] = HC_RC_OTHER,
};

_Static_assert(sizeof(struct hcall_stat) == 64, "hcall_stat indexes by shift");

void hcall_cpu_init(void)
{
	this_cpu()->hv_data = stats[this_cpu()->index];
}

static void account(unsigned int slot, int64_t rc, uint64_t ticks)
{
	struct hcall_stat *st = (struct hcall_stat *)this_cpu()->hv_data + slot;

	st->ticks += ticks;
	st->rc[rc <= 0 && rc > -64 ? bucket[-rc] : HC_RC_OTHER]++;
}

static bool papr_code(int64_t rc)
{
	return rc == H_SUCCESS || rc == H_BUSY || rc == H_PARTIAL ||
	       (rc <= H_HARDWARE && rc >= H_UNSUPPORTED_FLAG) ||
	       (rc >= H_LONG_BUSY_MIN && rc <= H_LONG_BUSY_MAX);
}

/* A handler's result that is not a PAPR code: an IOMMU core error, mapped,
 * or a bug, logged; the guest gets H_HARDWARE. */
static __attribute__((noinline, cold)) int64_t internal_rc(uint64_t op, int64_t rc)
{
	int64_t papr = hcall_iommu_rc(rc);

	if (papr)
		return papr;
	printf("tcevisor: hcall 0x%lx returned internal code %ld; guest gets H_HARDWARE\n", op, rc);
	return H_HARDWARE;
}

/* The end of every hcall: its status into r3, counted under slot. */
static inline __attribute__((always_inline)) void finish(uint64_t *gpr, uint64_t op,
							 unsigned int slot, int64_t rc, uint64_t t0)
{
	if (!papr_code(rc))
		rc = internal_rc(op, rc);
	gpr[3] = (uint64_t)rc;
	account(slot, rc, mftb() - t0);
}

static inline __attribute__((always_inline)) void dispatch(struct vcpu *v)
{
	uint64_t *gpr = v->regs.gpr, op = gpr[3], t0 = mftb();
	unsigned int slot = slot_of(op);
	int64_t rc;

	v->stats.hcalls++;
	if (v->regs.msr & MSR_PR) {
		rc = H_PRIVILEGE;	/* sc 1 from the guest's user mode */
	} else if (slot == HCALL_SLOT_UNKNOWN || !table[slot].fn) {
		slot = HCALL_SLOT_UNKNOWN;
		rc = H_FUNCTION;
	} else {
		rc = table[slot].fn(v, &gpr[4]);
	}
	finish(gpr, op, slot, rc, t0);
}

/* After the hcall: 0 to resume the vCPU at once, 1 for the run loop. */
static inline __attribute__((always_inline)) int fast_return(struct vcpu *v)
{
	if (__builtin_expect(v->state == VCPU_RUNNABLE, 1))
		return 0;
	v->regs.vec = VEC_HCALL_DONE;
	return 1;
}

/*
 * H_PUT_TCE from supervisor state, the hottest hcall: the same steps as
 * dispatch() in a function of its own, with the handler inline (hcall.h)
 * and its slot a constant, so neither path's registers burden the other.
 */
static __attribute__((noinline)) int hcall_put_tce(struct vcpu *v)
{
	uint64_t *gpr = v->regs.gpr, t0 = mftb();

	v->stats.hcalls++;
	finish(gpr, H_PUT_TCE, H_PUT_TCE / 4, h_put_tce(v, &gpr[4]), t0);
	return fast_return(v);
}

/* Sum over CPUs (the counts are a moment's snapshot: no lock). */
static void sum(unsigned int slot, struct hcall_stat *out)
{
	unsigned int c, b;

	*out = (struct hcall_stat){ 0 };
	for (c = 0; c < NR_CPUS; c++) {
		out->ticks += stats[c][slot].ticks;
		for (b = 0; b < HC_RC_BUCKETS; b++)
			out->rc[b] += stats[c][slot].rc[b];
	}
}

void hcall_for_each_served(void (*fn)(uint64_t op, const struct hcall_stat *st, void *arg),
			   void *arg)
{
	struct hcall_stat st;
	unsigned int slot;

	for (slot = 0; slot < HCALL_SLOT_UNKNOWN; slot++) {
		if (!table[slot].fn)
			continue;
		sum(slot, &st);
		fn(slot == HCALL_SLOT_RTAS ? H_RTAS : slot * 4, &st, arg);
	}
	sum(HCALL_SLOT_UNKNOWN, &st);
	fn(~0ULL, &st, arg);
}

/* Every other hcall, through the table. */
static __attribute__((noinline)) int hcall_table(struct vcpu *v)
{
	dispatch(v);
	return fast_return(v);
}

/* Two tail calls, so that neither path pays for the other's frame. */
int hcall_fast(struct regs *guest)
{
	struct vcpu *v = (struct vcpu *)guest;

	if (guest->gpr[3] == H_PUT_TCE && !(guest->msr & MSR_PR))
		return hcall_put_tce(v);
	return hcall_table(v);
}
