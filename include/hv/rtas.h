/*
 * RTAS, the PAPR run-time services, reached through the private hypercall
 * H_RTAS (0xf000) with r4 = the guest-real address of a big-endian
 * rtas_args: token, nargs, nret, args[nargs], rets[nret]. The tokens are
 * the hypervisor's to choose; the guest finds them in /rtas.
 */
#ifndef HV_RTAS_H
#define HV_RTAS_H

#include <stdint.h>

#define RTAS_TOKEN_POWER_OFF		0x2003
#define RTAS_TOKEN_QUERY_CPU_STOPPED	0x2005
#define RTAS_TOKEN_START_CPU		0x2006
#define RTAS_TOKEN_STOP_SELF		0x2007
#define RTAS_TOKEN_READ_PCI_CONFIG	0x2016
#define RTAS_TOKEN_WRITE_PCI_CONFIG	0x2017

/* Most arguments and results any call takes: a bigger nargs/nret is
 * refused before anything is read (CVE-2021-37576's lesson). */
#define RTAS_ARGS_MAX			16

struct vcpu;
struct rtas_call;			/* the validated argument buffer (rtas.c) */
typedef int32_t (*rtas_fn)(struct vcpu *v, struct rtas_call *c);

struct rtas_service {
	const char *name;		/* the /rtas property */
	unsigned int token;
	rtas_fn fn;
};

/* The services implemented, for the guest's /rtas node. */
extern const struct rtas_service rtas_services[];
extern const unsigned int rtas_nr_services;

#endif /* HV_RTAS_H */
