/*
 * The hypercall dispatch table and the small hcalls (console, modes, idle).
 * The TCE hcalls are in hcall_tce.c, RTAS in rtas.c.
 */
#include <stdio.h>
#include <arch/ppc.h>
#include <arch/spr.h>
#include <arch/vcpu.h>
#include <hv/hcall.h>
#include <hv/sched.h>
#include <hv/vcons.h>
#include <papr/hcall.h>

/* Opcodes 0..0x3fc index the table by opcode / 4; the private H_RTAS
 * (0xf000) has the slot after them. */
#define HCALL_SLOTS		(0x400 / 4 + 1)
#define HCALL_SLOT_RTAS		(0x400 / 4)

static int slot_of(uint64_t op)
{
	if (op & 3)
		return -1;
	if (op < 0x400)
		return (int)(op / 4);
	if (op == H_RTAS)
		return HCALL_SLOT_RTAS;
	return -1;
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
static int64_t h_put_term_char(struct vcpu *v, const uint64_t *args, uint64_t *rets)
{
	char buf[16];

	if (args[0] != VCONS_TERMNO)
		return H_PARAMETER;
	if (args[1] > 16)
		return H_PARAMETER;
	unpack(args[2], args[3], buf);
	vcons_put(v->guest, buf, args[1]);
	return H_SUCCESS;
}

/* H_GET_TERM_CHAR(termno) -> count, bytes 0-7, bytes 8-15 */
static int64_t h_get_term_char(struct vcpu *v, const uint64_t *args, uint64_t *rets)
{
	char buf[16];
	size_t n;

	if (args[0] != VCONS_TERMNO)
		return H_PARAMETER;
	n = vcons_get(v->guest, buf, sizeof(buf));
	rets[0] = n;
	pack(buf, n, &rets[1], &rets[2]);
	return H_SUCCESS;
}

/* H_SET_MODE(mflags, resource, value1, value2): only interrupt endianness. */
static int64_t h_set_mode(struct vcpu *v, const uint64_t *args, uint64_t *rets)
{
	struct guest *g = v->guest;

	if (args[1] != H_SET_MODE_RESOURCE_LE)
		return H_P2;
	if (args[2] || args[3])
		return H_P3;
	if (args[0] > 1)
		return H_UNSUPPORTED_FLAG;
	/* LPCR is per partition here; the scheduler reloads it when it differs */
	g->lpcr = arch_lpcr_set_ile(g->lpcr, args[0] == 1);
	return H_SUCCESS;
}

/* H_CEDE: idle until the vCPU's decrementer fires, a prod or input. The
 * vCPU resumes with MSR[EE] = 1, so a pending DEC is taken at once. */
static int64_t h_cede(struct vcpu *v, const uint64_t *args, uint64_t *rets)
{
	int32_t dec = (int32_t)MFSPR(SPR_DEC);

	v->regs.msr |= MSR_EE;
	v->wake_tb = mftb() + (dec > 0 ? (uint64_t)dec : 0);
	v->stats.cede++;
	if (!v->prod && dec > 0)
		v->state = VCPU_CEDED;
	v->prod = false;
	return H_SUCCESS;
}

/* H_PROD(server): wake a ceded vCPU of the same guest. */
static int64_t h_prod(struct vcpu *v, const uint64_t *args, uint64_t *rets)
{
	struct guest *g = v->guest;

	if (args[0] >= g->nr_vcpus)
		return H_PARAMETER;
	sched_prod(&g->vcpus[args[0]]);
	return H_SUCCESS;
}

static const hcall_fn table[HCALL_SLOTS] = {
	[H_GET_TCE / 4] = h_get_tce,
	[H_PUT_TCE / 4] = h_put_tce,
	[H_GET_TERM_CHAR / 4] = h_get_term_char,
	[H_PUT_TERM_CHAR / 4] = h_put_term_char,
	[H_CEDE / 4] = h_cede,
	[H_PROD / 4] = h_prod,
	[H_STUFF_TCE / 4] = h_stuff_tce,
	[H_PUT_TCE_INDIRECT / 4] = h_put_tce_indirect,
	[H_SET_MODE / 4] = h_set_mode,
	[HCALL_SLOT_RTAS] = h_rtas,
};

/* Statistics per slot, the unknown opcodes in the extra last one. */
static struct hcall_stat stats[HCALL_SLOTS + 1];

static const struct {
	uint64_t op;
	const char *name;
} names[] = {
	{ H_GET_TCE, "H_GET_TCE" }, { H_PUT_TCE, "H_PUT_TCE" },
	{ H_GET_TERM_CHAR, "H_GET_TERM_CHAR" }, { H_PUT_TERM_CHAR, "H_PUT_TERM_CHAR" },
	{ H_CEDE, "H_CEDE" }, { H_PROD, "H_PROD" }, { H_STUFF_TCE, "H_STUFF_TCE" },
	{ H_PUT_TCE_INDIRECT, "H_PUT_TCE_INDIRECT" }, { H_SET_MODE, "H_SET_MODE" },
	{ H_RTAS, "H_RTAS" },
};

const char *hcall_name(uint64_t op)
{
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].op == op)
			return names[i].name;
	return "unknown";
}

static unsigned int rc_bucket(int64_t rc)
{
	switch (rc) {
	case H_SUCCESS: return HC_RC_SUCCESS;
	case H_PARAMETER: return HC_RC_PARAMETER;
	case H_FUNCTION: return HC_RC_FUNCTION;
	case H_HARDWARE: return HC_RC_HARDWARE;
	case H_NOT_ENOUGH_RESOURCES: return HC_RC_RESOURCES;
	default: return rc <= H_P2 && rc >= H_P7 ? HC_RC_PN : HC_RC_OTHER;
	}
}

static void account(int slot, int64_t rc, uint64_t ticks)
{
	struct hcall_stat *st = &stats[slot < 0 ? HCALL_SLOTS : slot];

	__atomic_fetch_add(&st->calls, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&st->ticks, ticks, __ATOMIC_RELAXED);
	__atomic_fetch_add(&st->rc[rc_bucket(rc)], 1, __ATOMIC_RELAXED);
}

static bool papr_code(int64_t rc)
{
	return rc == H_SUCCESS || rc == H_BUSY || rc == H_PARTIAL ||
	       (rc <= H_HARDWARE && rc >= H_UNSUPPORTED_FLAG) ||
	       (rc >= H_LONG_BUSY_MIN && rc <= H_LONG_BUSY_MAX);
}

void hcall_dispatch(struct vcpu *v)
{
	uint64_t *r = v->regs.gpr, op = r[3], rets[6] = { 0 }, t0 = mftb();
	int slot = slot_of(op);
	int64_t rc;
	int i;

	v->stats.hcalls++;
	if (slot >= 0 && !table[slot])
		slot = -1;
	if (v->regs.msr & MSR_PR) {
		rc = H_PRIVILEGE;	/* sc 1 from the guest's user mode */
	} else if (slot < 0) {
		rc = H_FUNCTION;
	} else {
		rc = table[slot](v, &r[4], rets);
		if (!papr_code(rc)) {
			printf("tcevisor: hcall 0x%lx returned internal code %ld; guest gets H_HARDWARE\n",
			       op, rc);
			rc = H_HARDWARE;
		}
	}
	r[3] = (uint64_t)rc;
	if (rc == H_SUCCESS)
		for (i = 0; i < 6; i++)
			r[4 + i] = rets[i];
	account(slot, rc, mftb() - t0);
}

const struct hcall_stat *hcall_stats(uint64_t opcode)
{
	int slot = slot_of(opcode);

	return &stats[slot < 0 || !table[slot] ? HCALL_SLOTS : slot];
}

void hcall_for_each_served(void (*fn)(uint64_t op, const struct hcall_stat *st, void *arg),
			   void *arg)
{
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		fn(names[i].op, hcall_stats(names[i].op), arg);
	fn(~0ULL, &stats[HCALL_SLOTS], arg);
}
