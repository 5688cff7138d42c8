/*
 * RTAS calls: power-off (stops the calling guest), SMP start/stop/query.
 * The argument buffer is validated whole — header, then nargs and nret
 * bounded, then every word inside the caller's RAM — before any is used.
 */
#include <stddef.h>
#include <arch/ppc.h>
#include <hv/guest.h>
#include <hv/hcall.h>
#include <hv/passthrough.h>
#include <hv/rtas.h>
#include <hv/sched.h>
#include <papr/hcall.h>

struct rtas_call {
	uint32_t token, nargs, nret;
	uint32_t args[RTAS_ARGS_MAX];
	uint32_t rets[RTAS_ARGS_MAX];
};

static uint32_t be32(uint32_t v)
{
	return __builtin_bswap32(v);
}

static int32_t rtas_power_off(struct vcpu *v, struct rtas_call *c)
{
	if (c->nargs != 2 || c->nret != 1)
		return RTAS_PARAM_ERROR;
	guest_stop(v->guest, "powered off");
	return RTAS_OK;
}

static struct vcpu *target(struct vcpu *v, uint32_t cpu)
{
	return cpu < v->guest->nr_vcpus ? &v->guest->vcpus[cpu] : NULL;
}

/* query-cpu-stopped-state(cpu) -> status, state (0 stopped, 2 running) */
static int32_t rtas_query_cpu(struct vcpu *v, struct rtas_call *c)
{
	struct vcpu *t;

	if (c->nargs != 1 || c->nret != 2 || !(t = target(v, c->args[0])))
		return RTAS_PARAM_ERROR;
	c->rets[1] = t->state == VCPU_STOPPED ? 0 : 2;
	return RTAS_OK;
}

/* start-cpu(cpu, start address, r3): the vCPU starts in real mode at the
 * address with r3 set and MSR = SF | ME (big-endian, as on PowerVM/QEMU). */
static int32_t rtas_start_cpu(struct vcpu *v, struct rtas_call *c)
{
	struct vcpu *t;
	int32_t rc;

	if (c->nargs != 3 || c->nret != 1 || !(t = target(v, c->args[0])))
		return RTAS_PARAM_ERROR;
	if (!guest_ram_ptr(v->guest, c->args[1], 4))
		return RTAS_PARAM_ERROR;
	/* the guest lock: two start-cpu calls cannot both load t's registers */
	lock_take(&v->guest->lock);
	if (t->state == VCPU_STOPPED) {
		t->regs = (struct regs){ 0 };
		t->regs.pc = c->args[1];
		t->regs.gpr[3] = c->args[2];
		t->regs.msr = MSR_SF | MSR_ME;
	}
	rc = sched_start_vcpu(t) ? RTAS_OK : RTAS_HARDWARE_ERROR;
	lock_release(&v->guest->lock);
	return rc;
}

static int32_t rtas_stop_self(struct vcpu *v, struct rtas_call *c)
{
	if (c->nargs != 0 || c->nret != 1)
		return RTAS_PARAM_ERROR;
	/* STOPPED only once this hcall is done with v's registers (sched.c) */
	sched_vcpu_move(v, VCPU_RUNNABLE, VCPU_STOPPING);
	return RTAS_OK;
}

static int32_t rtas_read_pci(struct vcpu *v, struct rtas_call *c)
{
	return passthrough_rtas_read(v->guest, c->args, c->nargs, c->rets, c->nret);
}

static int32_t rtas_write_pci(struct vcpu *v, struct rtas_call *c)
{
	return passthrough_rtas_write(v->guest, c->args, c->nargs, c->rets, c->nret);
}

/* The one list of services: the guest's /rtas node and the lookup. */
const struct rtas_service rtas_services[] = {
	{ "power-off", RTAS_TOKEN_POWER_OFF, rtas_power_off },
	{ "query-cpu-stopped-state", RTAS_TOKEN_QUERY_CPU_STOPPED, rtas_query_cpu },
	{ "start-cpu", RTAS_TOKEN_START_CPU, rtas_start_cpu },
	{ "stop-self", RTAS_TOKEN_STOP_SELF, rtas_stop_self },
	{ "ibm,read-pci-config", RTAS_TOKEN_READ_PCI_CONFIG, rtas_read_pci },
	{ "ibm,write-pci-config", RTAS_TOKEN_WRITE_PCI_CONFIG, rtas_write_pci },
};
const unsigned int rtas_nr_services = sizeof(rtas_services) / sizeof(rtas_services[0]);

static rtas_fn lookup(uint32_t token)
{
	unsigned int i;

	for (i = 0; i < rtas_nr_services; i++)
		if (rtas_services[i].token == token)
			return rtas_services[i].fn;
	return NULL;
}

/* H_RTAS(args address) */
int64_t h_rtas(struct vcpu *v, uint64_t *r)
{
	uint32_t *buf = guest_ram_ptr(v->guest, r[0], 12);
	struct rtas_call c;
	rtas_fn fn;
	uint32_t i;

	if (!buf)
		return H_PARAMETER;
	c.token = be32(buf[0]);
	c.nargs = be32(buf[1]);
	c.nret = be32(buf[2]);
	if (c.nargs > RTAS_ARGS_MAX || c.nret > RTAS_ARGS_MAX || c.nret < 1)
		return H_PARAMETER;
	buf = guest_ram_ptr(v->guest, r[0], 12 + 4 * (c.nargs + c.nret));
	if (!buf)
		return H_PARAMETER;
	for (i = 0; i < c.nargs; i++)
		c.args[i] = be32(buf[3 + i]);
	for (i = 0; i < c.nret; i++)
		c.rets[i] = 0;
	fn = lookup(c.token);
	c.rets[0] = (uint32_t)(fn ? fn(v, &c) : RTAS_PARAM_ERROR);
	for (i = 0; i < c.nret; i++)
		buf[3 + c.nargs + i] = be32(c.rets[i]);
	return H_SUCCESS;
}
