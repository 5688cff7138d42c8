/*
 * Register preservation across exits to the hypervisor (mode regs, regs.c).
 *
 *   void regs_spin(struct regs_round *rr)
 *   void regs_hcall(struct regs_round *rr)
 *
 * Both load every register from rr->in (GPRs 0 and 2-31, CR, XER, LR, CTR
 * and the guest-owned SPRs below; r1 is stored into in[1] instead), then
 * either spin on `bdnz` until CTR reaches 0 (the loop touches nothing else,
 * so whatever the hypervisor does on an asynchronous exit meanwhile must
 * leave every register as it was) or make one `sc 1` (r3 = the hcall, r4..
 * its arguments), and store every register into rr->out (layout: regs.h).
 */
#include "regs.h"

#define R_IN(n)		((n) * 8)
#define R_OUT(n)	(REGS_N * 8 + (n) * 8)

/* one SPR of REGS_SPRS in from rr->in, or out to rr->out (r3 = rr) */
#define SPR_IN(slot, spr, name)		ld %r0, R_IN(slot)(%r3); mtspr spr, %r0;
#define SPR_OUT(slot, spr, name)	mfspr %r0, spr; std %r0, R_OUT(slot)(%r3);

/* frame: ELFv2 minimum, r13-r31, r2, rr, a scratch slot; a 16-byte multiple */
#define F_GPR(n)	(32 + ((n) - 13) * 8)
#define F_R2		(32 + 19 * 8)
#define F_RR		(F_R2 + 8)
#define F_TMP		(F_RR + 8)
#define F_SIZE		(F_TMP + 8)

.macro ENTER
	mflr	%r0
	std	%r0, 16(%r1)
	mfcr	%r0
	stw	%r0, 8(%r1)
	stdu	%r1, -F_SIZE(%r1)
	.irp	n, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	std	%r\n, F_GPR(\n)(%r1)
	.endr
	std	%r2, F_R2(%r1)
	std	%r3, F_RR(%r1)
	std	%r1, R_IN(1)(%r3)
	ld	%r0, R_IN(REGS_CR)(%r3)
	mtcrf	0xff, %r0
	REGS_SPRS(SPR_IN)
	.irp	n, 0, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld	%r\n, R_IN(\n)(%r3)
	.endr
	ld	%r3, R_IN(3)(%r3)
.endm

.macro LEAVE
	std	%r3, F_TMP(%r1)
	ld	%r3, F_RR(%r1)
	.irp	n, 0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	std	%r\n, R_OUT(\n)(%r3)
	.endr
	ld	%r0, F_TMP(%r1)
	std	%r0, R_OUT(3)(%r3)
	mfcr	%r0
	std	%r0, R_OUT(REGS_CR)(%r3)
	REGS_SPRS(SPR_OUT)
	.irp	n, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld	%r\n, F_GPR(\n)(%r1)
	.endr
	ld	%r2, F_R2(%r1)
	addi	%r1, %r1, F_SIZE
	ld	%r0, 16(%r1)
	mtlr	%r0
	lwz	%r0, 8(%r1)
	mtcrf	0xff, %r0
	blr
.endm

	.text
	.globl	regs_spin
regs_spin:
	ENTER
0:	bdnz	0b
	LEAVE

	.globl	regs_hcall
regs_hcall:
	ENTER
	sc	1
	LEAVE
