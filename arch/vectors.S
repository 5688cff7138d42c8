/*
 * Interrupt vectors 0x100-0xF80 and the two ways out of them.
 *
 * The hypervisor runs in real mode with HRMOR = 0 and LPCR[AIL] = 0, so every
 * interrupt lands here. Each stub saves r13 in HSPRG1, loads this CPU's
 * struct cpu from HSPRG0, saves r12, and passes the vector number (with
 * VEC_FLAG_HSRR if the interrupt saved its state in HSRR0/1) to exc_common,
 * which looks at MSR[HV] of the interrupted context:
 *
 *   HV = 0: a guest was running. Its registers go into the vCPU frame given
 *           to arch_run_vcpu(), the hypervisor context saved by that call is
 *           restored, and arch_run_vcpu() returns the vector: the run loop
 *           in hv/ decides what to do (KVM style). An hcall first tries the
 *           registered fast handler with only the volatile registers
 *           saved (guest_exit below).
 *   HV = 1: the hypervisor itself took an exception. A frame is built on
 *           this CPU's exception stack and exception_hv() is called. Nested
 *           exceptions move down the exception stack; exception_hv() stops
 *           the machine before nesting can loop.
 */
#include <arch/ppc.h>
#include <arch/cpu.h>

#define STUB(vec, flag)				\
	. = (vec) - 0x100;			\
	mtspr	SPR_HSPRG1, %r13;		\
	mfspr	%r13, SPR_HSPRG0;		\
	std	%r12, CPU_SCRATCH0(%r13);	\
	li	%r12, (vec) | (flag);		\
	b	exc_common

	.section .head.vectors, "ax"
	.globl	vectors_start
vectors_start:
	STUB(VEC_SRESET, 0)
	STUB(VEC_MCHECK, 0)
	STUB(VEC_DSI, 0)
	STUB(VEC_DSEG, 0)
	STUB(VEC_ISI, 0)
	STUB(VEC_ISEG, 0)
	STUB(VEC_EXTERNAL, VEC_FLAG_HSRR)	/* LPCR[LPES0] = 0 */
	STUB(VEC_ALIGN, 0)
	STUB(VEC_PROGRAM, 0)
	STUB(VEC_FPU, 0)
	STUB(VEC_DEC, 0)
	STUB(VEC_HDEC, VEC_FLAG_HSRR)
	STUB(VEC_DOORBELL, 0)
	STUB(VEC_RSVD_B00, 0)
	/* 0xc00: the null-hcall floor, answered right here with nothing
	 * saved (r3 and cr0 are volatile across an hcall), for the
	 * benchmarks; every other hcall takes the full path. */
	. = VEC_SYSCALL - 0x100
	cmpldi	%r3, H_TCEVISOR_FLOOR
	bne	1f
	li	%r3, 0
	rfid
1:	mtspr	SPR_HSPRG1, %r13
	mfspr	%r13, SPR_HSPRG0
	std	%r12, CPU_SCRATCH0(%r13)
	li	%r12, VEC_SYSCALL
	b	exc_common
	STUB(VEC_TRACE, 0)
	STUB(VEC_HDSI, VEC_FLAG_HSRR)
	STUB(VEC_HISI, VEC_FLAG_HSRR)
	STUB(VEC_HEAI, VEC_FLAG_HSRR)
	STUB(VEC_HMI, VEC_FLAG_HSRR)
	STUB(VEC_HDOORBELL, VEC_FLAG_HSRR)
	STUB(VEC_HVIRT, VEC_FLAG_HSRR)
	STUB(0xec0, VEC_FLAG_HSRR)
	STUB(0xee0, VEC_FLAG_HSRR)
	STUB(VEC_PERFMON, 0)
	STUB(VEC_VMX, 0)
	STUB(VEC_VSX, 0)
	STUB(VEC_FAC, 0)
	STUB(VEC_HFAC, VEC_FLAG_HSRR)
	. = 0x1000 - 0x100
	.globl	vectors_end
vectors_end:

/*
 * SAVE_VOLATILE: store the interrupted context into the struct regs at r11,
 * except r14-r31 (the ELFv2 non-volatile GPRs, which C code preserves).
 * On entry r12 = vector|flag, scratch0/1 = its r12/r11, scratch_cr = its
 * CR, HSPRG1 = its r13; its r1 must already be stored. LR is saved before
 * anything can change it. Clobbers r10; r12 is the vector|flag again at
 * the end.
 */
.macro SAVE_VOLATILE
	std	%r12, REGS_VEC(%r11)
	mflr	%r12
	std	%r12, REGS_LR(%r11)
	std	%r0, REGS_GPR(0)(%r11)
	.irp	n, 2, 3, 4, 5, 6, 7, 8, 9, 10
	std	%r\n, REGS_GPR(\n)(%r11)
	.endr
	ld	%r10, CPU_SCRATCH1(%r13)
	std	%r10, REGS_GPR(11)(%r11)
	ld	%r10, CPU_SCRATCH0(%r13)
	std	%r10, REGS_GPR(12)(%r11)
	mfspr	%r10, SPR_HSPRG1
	std	%r10, REGS_GPR(13)(%r11)
	ld	%r10, CPU_SCRATCH_CR(%r13)
	std	%r10, REGS_CR(%r11)
	mfctr	%r10
	std	%r10, REGS_CTR(%r11)
	mfxer	%r10
	std	%r10, REGS_XER(%r11)
	ld	%r12, REGS_VEC(%r11)
	andi.	%r10, %r12, VEC_FLAG_HSRR
	beq	100f
	mfspr	%r10, SPR_HSRR0
	std	%r10, REGS_PC(%r11)
	mfspr	%r10, SPR_HSRR1
	b	101f
100:	mfspr	%r10, SPR_SRR0
	std	%r10, REGS_PC(%r11)
	mfspr	%r10, SPR_SRR1
101:	std	%r10, REGS_MSR(%r11)
.endm

/* SAVE_NONVOLATILE: r14-r31 into the struct regs at r11. */
.macro SAVE_NONVOLATILE
	.irp	n, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	std	%r\n, REGS_GPR(\n)(%r11)
	.endr
.endm

/* SAVE_CONTEXT: the whole interrupted context (as SAVE_VOLATILE). */
.macro SAVE_CONTEXT
	SAVE_VOLATILE
	SAVE_NONVOLATILE
.endm

/*
 * RESTORE_VOLATILE: what SAVE_VOLATILE stored, r1 included, r11 last; for
 * an hcall answered at once, whose r14-r31 the C code left as they were.
 */
.macro RESTORE_VOLATILE
	ld	%r10, REGS_CR(%r11)
	mtcrf	0xff, %r10
	ld	%r10, REGS_LR(%r11)
	mtlr	%r10
	ld	%r10, REGS_CTR(%r11)
	mtctr	%r10
	ld	%r10, REGS_XER(%r11)
	mtxer	%r10
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13
	ld	%r\n, REGS_GPR(\n)(%r11)
	.endr
	ld	%r11, REGS_GPR(11)(%r11)
.endm

/*
 * RESTORE_CONTEXT: load every GPR, CR, LR, CTR and XER from the struct regs
 * at r11, r11 itself last. The caller has already loaded (H)SRR0/1.
 */
.macro RESTORE_CONTEXT
	.irp	n, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld	%r\n, REGS_GPR(\n)(%r11)
	.endr
	RESTORE_VOLATILE
.endm

/* (H)SRR0/1 <- pc/msr of the struct regs at r11, by its vector's flag;
 * cr0.eq is set when SRR0/1 were used. Clobbers r9, r10, r12. */
.macro LOAD_SRRS
	ld	%r12, REGS_PC(%r11)
	ld	%r10, REGS_MSR(%r11)
	ld	%r9, REGS_VEC(%r11)
	andi.	%r9, %r9, VEC_FLAG_HSRR
	beq	102f
	mtspr	SPR_HSRR0, %r12
	mtspr	SPR_HSRR1, %r10
	b	103f
102:	mtspr	SPR_SRR0, %r12
	mtspr	SPR_SRR1, %r10
103:
.endm

	.text
/* r12 = vector | flag, r13 = struct cpu, HSPRG1 = r13, scratch0 = r12 */
exc_common:
	std	%r11, CPU_SCRATCH1(%r13)
	/* CR before any compare below: an interrupted guest (or hypervisor)
	 * may be between a compare and its branch. */
	mfcr	%r11
	std	%r11, CPU_SCRATCH_CR(%r13)
	/* pmu-gate (benchmarks): count from here, hypervisor only */
	ld	%r11, CPU_PMU_GATE(%r13)
	cmpdi	%r11, 0
	beq	0f
	li	%r11, 0
	mtspr	SPR_MMCR0, %r11
0:
	andi.	%r11, %r12, VEC_FLAG_HSRR
	beq	1f
	mfspr	%r11, SPR_HSRR1
	b	2f
1:	mfspr	%r11, SPR_SRR1
2:	rldicl.	%r11, %r11, 64 - MSR_HV_LG, 63
	beq	guest_exit

/* ---- an exception in hypervisor state ---------------------------------- */
	std	%r10, CPU_SCRATCH2(%r13)
	ld	%r11, CPU_EXC_DEPTH(%r13)
	addi	%r11, %r11, 1
	std	%r11, CPU_EXC_DEPTH(%r13)
	cmpdi	%r11, 3
	bge	exc_give_up
	/* frame top = block + EXC_STACK_TOP - (depth - 1) * NEST_STEP */
	mulli	%r11, %r11, CPU_EXC_NEST_STEP
	neg	%r11, %r11
	addi	%r11, %r11, CPU_EXC_NEST_STEP
	ld	%r10, CPU_BLOCK(%r13)
	add	%r11, %r11, %r10
	addis	%r11, %r11, CPU_EXC_STACK_TOP@ha
	addi	%r11, %r11, CPU_EXC_STACK_TOP@l
	subi	%r11, %r11, REGS_SIZE + STACK_FRAME_MIN
	std	%r1, STACK_FRAME_MIN + REGS_GPR(1)(%r11)
	mr	%r1, %r11
	ld	%r10, CPU_SCRATCH2(%r13)
	addi	%r11, %r1, STACK_FRAME_MIN
	SAVE_CONTEXT
	li	%r10, 0
	std	%r10, 0(%r1)			/* null back chain */
	ld	%r2, CPU_TOC(%r13)
	addi	%r3, %r1, STACK_FRAME_MIN
	bl	exception_hv
	nop
	/* exception_hv() returned: the exception was handled; resume. */
	ld	%r11, CPU_EXC_DEPTH(%r13)
	subi	%r11, %r11, 1
	std	%r11, CPU_EXC_DEPTH(%r13)
	addi	%r11, %r1, STACK_FRAME_MIN
	LOAD_SRRS
	beq	3f
	RESTORE_CONTEXT
	hrfid
3:	RESTORE_CONTEXT
	rfid

/* Three nested exceptions: the handlers themselves are failing. Stop this
 * thread without touching memory; exception_hv() has already tried to
 * report and power off at depth 2. */
exc_give_up:
	bl	park_wait
	b	exc_give_up

/* ---- a guest exited ------------------------------------------------------ */
#define RUN_FRAME	(STACK_FRAME_MIN + 8 + 18 * 8 + 8)	/* 16-byte multiple */
#define RUN_R14		(STACK_FRAME_MIN + 8)

guest_exit:
	ld	%r11, CPU_GUEST_REGS(%r13)
	std	%r1, REGS_GPR(1)(%r11)
	/*
	 * Hypercalls first try the fast path: the guest's volatile registers
	 * are saved, and the hcall handler registered by the hypervisor
	 * (cpu->hcall_fn, see arch_set_hcall_fn) runs on the hypervisor stack
	 * below arch_run_vcpu()'s frame, without unwinding it. C code keeps
	 * r14-r31 as they were, so they still hold the guest's values when it
	 * returns. If it answers 0 the guest is resumed at once and r14-r31
	 * were never stored; otherwise they are stored now and the exit goes
	 * on to the run loop, which sees the vector as for any other exit.
	 * Any other exit saves everything at once.
	 */
	cmpdi	%r12, VEC_SYSCALL	/* r12: the vector (no HSRR flag) */
	bne	5f
	SAVE_VOLATILE
	ld	%r12, CPU_HCALL_FN(%r13)	/* set before any guest runs */
	ld	%r1, CPU_HV_R1(%r13)
	li	%r10, 0
	stdu	%r10, -STACK_FRAME_MIN(%r1)
	ld	%r2, CPU_TOC(%r13)
	mr	%r3, %r11
	mtctr	%r12
	bctrl
	cmpdi	%r3, 0
	ld	%r11, CPU_GUEST_REGS(%r13)
	bne	8f
	ld	%r10, CPU_PMU_GATE(%r13)	/* the MMCR0 value that freezes, or 0 */
	cmpdi	%r10, 0
	beq	7f
	mtspr	SPR_MMCR0, %r10
7:	ld	%r12, REGS_PC(%r11)	/* an hcall saved SRR0/1: rfid */
	ld	%r10, REGS_MSR(%r11)
	mtspr	SPR_SRR0, %r12
	mtspr	SPR_SRR1, %r10
	RESTORE_VOLATILE
	rfid
8:	SAVE_NONVOLATILE		/* the run loop needs the whole frame */
	b	6f
5:	SAVE_CONTEXT
6:	li	%r10, 0
	std	%r10, CPU_GUEST_REGS(%r13)
	ld	%r1, CPU_HV_R1(%r13)
	ld	%r2, CPU_TOC(%r13)
	.irp	n, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld	%r\n, RUN_R14 + (\n - 14) * 8(%r1)
	.endr
	addi	%r1, %r1, RUN_FRAME
	ld	%r0, 16(%r1)
	mtlr	%r0
	lwz	%r12, 8(%r1)
	mtcrf	0xff, %r12
	ld	%r3, REGS_VEC(%r11)
	blr

/*
 * uint64_t arch_run_vcpu(struct regs *guest)
 *
 * Enter a guest with the registers in *guest. MMU context (LPIDR, LPCR,
 * PTCR) and the SPRs the exit path does not touch are loaded by the caller.
 * Returns, when the guest next interrupts to the hypervisor, the vector
 * (| VEC_FLAG_HSRR) with *guest updated.
 *
 * Enters with rfid when the last exit saved SRR0/1 (an hcall, or the first
 * entry) and with hrfid after an HSRR exit. After `sc 1` the guest's SRR0/1
 * already equal its return PC/MSR, so rfid changes nothing the guest can
 * see; after an HSRR exit only hrfid keeps the guest's own SRR0/1. (rfid
 * also matters because QEMU 7.2 aborts on hrfid under -icount.)
 */
	.globl	arch_run_vcpu
arch_run_vcpu:
	mflr	%r0
	std	%r0, 16(%r1)
	mfcr	%r12
	stw	%r12, 8(%r1)
	stdu	%r1, -RUN_FRAME(%r1)
	.irp	n, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	std	%r\n, RUN_R14 + (\n - 14) * 8(%r1)
	.endr
	std	%r1, CPU_HV_R1(%r13)
	std	%r3, CPU_GUEST_REGS(%r13)
	mr	%r11, %r3
	/* pmu-gate: stop counting before the guest runs (r10 is reloaded) */
	ld	%r10, CPU_PMU_GATE(%r13)	/* the MMCR0 value that freezes, or 0 */
	cmpdi	%r10, 0
	beq	5f
	mtspr	SPR_MMCR0, %r10
5:	LOAD_SRRS
	beq	4f
	RESTORE_CONTEXT
	hrfid
4:	RESTORE_CONTEXT
	rfid
