/*
 * The PAPR interface the test guest uses: hypercall numbers, return codes,
 * and the one-instruction hypercall itself. Shared with head.S (numbers
 * only). Values from LoPAPR; the same ones QEMU pseries and tcevisor serve.
 */
#ifndef GUEST_PAPR_H
#define GUEST_PAPR_H

#define H_SUCCESS		0
#define H_BUSY			1
#define H_FUNCTION		(-2)

#define H_GET_TERM_CHAR		0x54
#define H_PUT_TERM_CHAR		0x58
#define H_CEDE			0xE0
#define H_SET_MODE		0x31C
#define H_RTAS			0xF000

/* H_SET_MODE(mflags, resource): mflags 1 + resource 4 = LE interrupts */
#define H_SET_MODE_LE_MFLAGS	1
#define H_SET_MODE_RES_LE	4

#ifndef __ASSEMBLY__

/*
 * One hypercall: r3 = opcode, r4-r9 = a[0..5] in, and on return r4-r9 are
 * written back to a[] (H_GET_TERM_CHAR answers in r4-r6). The hypervisor
 * may change r0, r3-r12, CTR, XER and the volatile CR fields, like a
 * function call; LR is listed too so that a hypervisor that does not
 * restore it cannot break us. Memory may be read or written (H_RTAS).
 */
static inline long hcall(unsigned long opcode, unsigned long a[6])
{
	register unsigned long r3 __asm__("r3") = opcode;
	register unsigned long r4 __asm__("r4") = a[0];
	register unsigned long r5 __asm__("r5") = a[1];
	register unsigned long r6 __asm__("r6") = a[2];
	register unsigned long r7 __asm__("r7") = a[3];
	register unsigned long r8 __asm__("r8") = a[4];
	register unsigned long r9 __asm__("r9") = a[5];

	__asm__ volatile("sc 1"
			 : "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7),
			   "+r"(r8), "+r"(r9)
			 :
			 : "r0", "r10", "r11", "r12", "ctr", "xer", "lr",
			   "cr0", "cr1", "cr5", "cr6", "cr7", "memory");
	a[0] = r4;
	a[1] = r5;
	a[2] = r6;
	a[3] = r7;
	a[4] = r8;
	a[5] = r9;
	return (long)r3;
}

/* An hcall with up to two arguments whose outputs are not needed. */
static inline long hcall2(unsigned long opcode, unsigned long a0, unsigned long a1)
{
	unsigned long a[6] = { a0, a1 };

	return hcall(opcode, a);
}

#endif /* __ASSEMBLY__ */
#endif /* GUEST_PAPR_H */
