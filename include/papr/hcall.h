/*
 * The guest-visible PAPR ABI: hypercall numbers, return codes, TCE bits.
 * Includes nothing internal: this is what a guest sees (LoPAPR; values as
 * in Linux's hvcall.h).
 */
#ifndef PAPR_HCALL_H
#define PAPR_HCALL_H

/* Return codes (r3) */
#define H_SUCCESS		0
#define H_BUSY			1
#define H_PARTIAL		5
#define H_HARDWARE		-1
#define H_FUNCTION		-2
#define H_PRIVILEGE		-3
#define H_PARAMETER		-4
#define H_NOT_ENOUGH_RESOURCES	-44
#define H_RESCINDED		-46
#define H_P2			-55
#define H_P3			-56
#define H_P4			-57
#define H_P5			-58
#define H_P6			-59
#define H_P7			-60
#define H_UNSUPPORTED_FLAG	-256
#define H_LONG_BUSY_MIN		9900
#define H_LONG_BUSY_MAX		9905

/* Hypercall numbers (r3 on entry) */
#define H_GET_TCE		0x1c
#define H_PUT_TCE		0x20
#define H_CEDE			0xe0
#define H_GET_TERM_CHAR		0x54
#define H_PUT_TERM_CHAR		0x58
#define H_PROD			0xe4
#define H_CONFER		0xe8
#define H_STUFF_TCE		0x138
#define H_PUT_TCE_INDIRECT	0x13c
#define H_SET_MODE		0x31c
#define H_RTAS			0xf000	/* KVM/QEMU's private number for RTAS */

/* H_SET_MODE */
#define H_SET_MODE_RESOURCE_LE			4
#define H_SET_MODE_RESOURCE_ADDR_TRANS_MODE	3

/* RTAS status (rets[0]) */
#define RTAS_OK			0
#define RTAS_HARDWARE_ERROR	-1
#define RTAS_BUSY		-2
#define RTAS_PARAM_ERROR	-3

#endif /* PAPR_HCALL_H */
