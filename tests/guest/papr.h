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
#define H_PARAMETER		(-4)
#define H_P4			(-57)

#define H_GET_TCE		0x1C
#define H_PUT_TCE		0x20
#define H_GET_TERM_CHAR		0x54
#define H_PUT_TERM_CHAR		0x58
#define H_CEDE			0xE0
#define H_SET_MODE		0x31C
#define H_STUFF_TCE		0x138
#define H_PUT_TCE_INDIRECT	0x13C
#define H_RTAS			0xF000

/* The longest TCE list (H_PUT_TCE_INDIRECT) and H_STUFF_TCE count. */
#define TCE_LIST_MAX		512

/* H_SET_MODE(mflags, resource): mflags 1 + resource 4 = LE interrupts */
#define H_SET_MODE_LE_MFLAGS	1
#define H_SET_MODE_RES_LE	4

#ifndef __ASSEMBLY__
#include <stddef.h>

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

/*
 * A hypercall with every argument register a script can set: r[0] = r3
 * (the opcode) ... r[8] = r11, all written back. Same clobbers as above.
 */
static inline void hcall_regs(unsigned long r[9])
{
	register unsigned long r3 __asm__("r3") = r[0];
	register unsigned long r4 __asm__("r4") = r[1];
	register unsigned long r5 __asm__("r5") = r[2];
	register unsigned long r6 __asm__("r6") = r[3];
	register unsigned long r7 __asm__("r7") = r[4];
	register unsigned long r8 __asm__("r8") = r[5];
	register unsigned long r9 __asm__("r9") = r[6];
	register unsigned long r10 __asm__("r10") = r[7];
	register unsigned long r11 __asm__("r11") = r[8];

	__asm__ volatile("sc 1"
			 : "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7),
			   "+r"(r8), "+r"(r9), "+r"(r10), "+r"(r11)
			 :
			 : "r0", "r12", "ctr", "xer", "lr",
			   "cr0", "cr1", "cr5", "cr6", "cr7", "memory");
	r[0] = r3;
	r[1] = r4;
	r[2] = r5;
	r[3] = r6;
	r[4] = r7;
	r[5] = r8;
	r[6] = r9;
	r[7] = r10;
	r[8] = r11;
}

/*
 * The TCE hypercalls for loops that only want the rc (and H_GET_TCE's
 * r4): arguments straight in registers, nothing through memory.
 */
static inline long hcall_tce(unsigned long opcode, unsigned long a0, unsigned long a1,
			     unsigned long a2, unsigned long a3, unsigned long *r4_out)
{
	register unsigned long r3 __asm__("r3") = opcode;
	register unsigned long r4 __asm__("r4") = a0;
	register unsigned long r5 __asm__("r5") = a1;
	register unsigned long r6 __asm__("r6") = a2;
	register unsigned long r7 __asm__("r7") = a3;

	__asm__ volatile("sc 1"
			 : "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7)
			 :
			 : "r0", "r8", "r9", "r10", "r11", "r12", "ctr", "xer", "lr",
			   "cr0", "cr1", "cr5", "cr6", "cr7", "memory");
	if (r4_out)
		*r4_out = r4;
	return (long)r3;
}

static inline long h_put_tce(unsigned long liobn, unsigned long ioba, unsigned long tce)
{
	return hcall_tce(H_PUT_TCE, liobn, ioba, tce, 0, NULL);
}

static inline long h_get_tce(unsigned long liobn, unsigned long ioba, unsigned long *tce)
{
	return hcall_tce(H_GET_TCE, liobn, ioba, 0, 0, tce);
}

static inline long h_stuff_tce(unsigned long liobn, unsigned long ioba, unsigned long tce,
			       unsigned long count)
{
	return hcall_tce(H_STUFF_TCE, liobn, ioba, tce, count, NULL);
}

/* list: guest-real address of big-endian TCEs in one 4 KiB-aligned page */
static inline long h_put_tce_indirect(unsigned long liobn, unsigned long ioba,
				      unsigned long list, unsigned long count)
{
	return hcall_tce(H_PUT_TCE_INDIRECT, liobn, ioba, list, count, NULL);
}

#endif /* __ASSEMBLY__ */
#endif /* GUEST_PAPR_H */
