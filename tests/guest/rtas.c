/*
 * RTAS through H_RTAS: r4 = guest-real address of a big-endian rtas_args
 * {token, nargs, nret, args[nargs], rets[nret]}. The buffer lives on the
 * caller's stack (guest-real = virtual: MMU off, image linked at 0), so
 * no lock is needed for it; only the boot vCPU calls RTAS, except
 * power_off() from the exception path.
 */
#include <stdarg.h>
#include "guest.h"
#include "papr.h"

#define RTAS_MAX_ARGS	8

struct rtas_args {
	uint32_t token;
	uint32_t nargs;
	uint32_t nret;
	uint32_t a[RTAS_MAX_ARGS];	/* args, then rets */
} __attribute__((aligned(8)));

/* CPU (little-endian) <-> big-endian, both ways */
static uint32_t be32(uint32_t v)
{
	return __builtin_bswap32(v);
}

/*
 * Call `token` with nargs uint32_t arguments (varargs); the nret return
 * words go to rets[] (rets[0] is the RTAS status). Returns the H_RTAS rc
 * if that failed, else the RTAS status (0 = success).
 */
int rtas_call(uint32_t token, int nargs, int nret, uint32_t *rets, ...)
{
	struct rtas_args args = {
		.token = be32(token),
		.nargs = be32((uint32_t)nargs),
		.nret = be32((uint32_t)nret),
	};
	va_list ap;
	long rc;

	if (token == RTAS_NO_TOKEN || nargs + nret > RTAS_MAX_ARGS)
		return -3;	/* RTAS "parameter error" */
	va_start(ap, rets);
	for (int i = 0; i < nargs; i++)
		args.a[i] = be32(va_arg(ap, uint32_t));
	va_end(ap);
	rc = hcall2(H_RTAS, (unsigned long)&args, 0);
	if (rc != H_SUCCESS)
		return (int)rc;
	for (int i = 0; i < nret; i++)
		rets[i] = be32(args.a[nargs + i]);
	return (int32_t)rets[0];
}

/* power-off(power_on_mask_hi, power_on_mask_lo). QEMU exits; tcevisor
 * stops the guest. Spin if that did not happen. */
void power_off(void)
{
	uint32_t ret;

	int rc = rtas_call(dt.tok_power_off, 2, 1, &ret, 0, 0);

	con_printf("guest: power-off failed (%d), stopping here\n", rc);
	for (;;)
		;
}
