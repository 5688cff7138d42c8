/*
 * Test guest, first instructions and exception vectors (guest-real
 * addresses; the image is linked and loaded at 0):
 *
 *   0x100        pseries entry: the big-endian stub (be-stub.s), then a
 *                branch to 0x1000. QEMU pseries starts here in 32-bit BE
 *                real mode with MSR = 0 and r3 = FDT.
 *   0x200-0xF60  our own little-endian exception vectors: each reports
 *                "guest: exception 0x<vec> at 0x<srr0>" and powers off,
 *                except the decrementer (see 0x900 below).
 *   0x1000       little-endian entry. tcevisor enters here directly with
 *                MSR = SF|ME|LE|RI, MMU off, r3 = FDT, r4 = r5 = 0.
 *
 * The entry calls H_SET_MODE(LE) before anything else, moves the FDT out
 * of the way if it overlaps the image (BSS clearing would wipe it), clears
 * BSS, sets up vCPU block 0 (guest.h) and calls guest_main().
 */
#include "guest.h"
#include "papr.h"

#define SPR_DEC		22
#define SPR_SRR0	26
#define SPR_SRR1	27
#define SPR_SPRG1	273

/* r2 = .TOC., position-independently (clobbers r12, LR) */
.macro LOAD_TOC
	bcl	20, 31, 9f
9:	mflr	%r12
	addis	%r2, %r12, (.TOC. - 9b)@ha
	addi	%r2, %r2, (.TOC. - 9b)@l
.endm

/* \reg = address of \sym (needs r2) */
.macro LOAD_ADDR reg, sym
	addis	\reg, %r2, \sym@toc@ha
	addi	\reg, \reg, \sym@toc@l
.endm

	.section .head, "ax"
	.globl	_start
_start:
	. = 0x100
	.incbin	"be-stub.bin"
	b	guest_entry		/* first little-endian instruction */

/*
 * Vectors, one every 0x20 bytes from 0x200 to 0xF60 (the 0x80-spaced
 * ones and the 0x20-spaced 0xE00/0xF00 groups alike): r3 = vector number,
 * then the common fatal path. Registers are not preserved: none of these
 * returns.
 *
 * 0x900, the decrementer, is the exception: on pseries H_CEDE returns
 * with MSR[EE] = 1 and wakes only when the decrementer fires, so the
 * demo's idle loop takes decrementer interrupts. The handler pushes the
 * decrementer far out (~4 s at 512 MHz) and returns.
 */
	.set	vec, 0x200
	.rept	(0xF80 - 0x200) / 0x20
	. = vec
	.if vec == 0x900
	mtspr	SPR_SPRG1, %r10
	lis	%r10, 0x7fff
	ori	%r10, %r10, 0xffff
	mtspr	SPR_DEC, %r10
	mfspr	%r10, SPR_SPRG1
	rfid
	.else
	li	%r3, vec
	b	exc_fatal
	.endif
	.set	vec, vec + 0x20
	.endr

	. = 0x1000
	.globl	guest_entry
guest_entry:
	/* First thing: little-endian interrupts. The rc goes to C. */
	mr	%r31, %r3
	li	%r3, H_SET_MODE
	li	%r4, H_SET_MODE_LE_MFLAGS
	li	%r5, H_SET_MODE_RES_LE
	li	%r6, 0
	li	%r7, 0
	sc	1
	mr	%r30, %r3
	LOAD_TOC

	/*
	 * The FDT may sit anywhere in guest RAM. If it starts below _end it
	 * overlaps the image, BSS or a stack: copy it (backwards, the target
	 * is above) to _end. r29 = where it was, or 0.
	 */
	li	%r29, 0
	lwbrx	%r9, 0, %r31		/* magic, big-endian */
	lis	%r10, 0xd00d
	ori	%r10, %r10, 0xfeed
	cmplw	%r9, %r10
	bne	2f			/* not an FDT: guest_main reports it */
	LOAD_ADDR %r10, _end
	cmpld	%r31, %r10
	bge	2f
	addi	%r9, %r31, 4
	lwbrx	%r9, 0, %r9		/* totalsize */
	add	%r11, %r31, %r9
	add	%r12, %r10, %r9
	cmpdi	%r9, 0
	beq	1f
	mtctr	%r9
0:	lbzu	%r0, -1(%r11)
	stbu	%r0, -1(%r12)
	bdnz	0b
1:	mr	%r29, %r31
	mr	%r31, %r10
2:
	/* Clear BSS: QEMU zeroes RAM, a hypervisor need not. */
	LOAD_ADDR %r8, __bss_start
	LOAD_ADDR %r9, __bss_end
	li	%r0, 0
3:	cmpld	%r8, %r9
	bge	4f
	std	%r0, 0(%r8)
	addi	%r8, %r8, 8
	b	3b
4:
	/* vCPU block 0, with a non-zero canary from the timebase */
	LOAD_ADDR %r7, cpu_blocks
	mftb	%r8
	ori	%r8, %r8, 1
	std	%r8, 0(%r7)
	addi	%r13, %r7, CPU_R13_OFFSET
	addis	%r1, %r7, CPU_BLOCK_SIZE@h
	addi	%r1, %r1, -STACK_FRAME_MIN
	std	%r0, 0(%r1)		/* null back chain */
	mr	%r3, %r31
	mr	%r4, %r30
	mr	%r5, %r29
	bl	guest_main
	nop
5:	b	5b

	.text
/*
 * Secondary vCPUs, started with RTAS start-cpu, r3 = their vCPU block.
 * QEMU pseries enters big-endian (MSR = SF|ME), tcevisor little-endian,
 * so the first word must work both ways: `tdi 0,0,0x48` never traps when
 * read little-endian, and its bytes read big-endian are `b .+8`, which
 * lands on the BE stub; little-endian goes on to `b 1f` past the stub.
 */
	.balign	4
	.globl	secondary_entry
secondary_entry:
	tdi	0, 0, 0x48
	b	1f
	.incbin	"be-stub.bin"
1:	LOAD_TOC
	addi	%r13, %r3, CPU_R13_OFFSET
	addis	%r1, %r3, CPU_BLOCK_SIZE@h
	addi	%r1, %r1, -STACK_FRAME_MIN
	li	%r0, 0
	std	%r0, 0(%r1)
	bl	secondary_main
	nop
2:	b	2b

/*
 * Fatal exceptions, r3 = vector: guest_exception(vec, srr0, srr1) on the
 * one exception stack. A second vCPU faulting meanwhile just stops here.
 */
exc_fatal:
	mfspr	%r4, SPR_SRR0
	mfspr	%r5, SPR_SRR1
	LOAD_TOC
	LOAD_ADDR %r6, exc_claimed
0:	lwarx	%r7, 0, %r6
	cmpwi	%r7, 0
	bne	1f
	li	%r7, 1
	stwcx.	%r7, 0, %r6
	bne-	0b
	isync
	LOAD_ADDR %r1, exc_stack
	addi	%r1, %r1, EXC_STACK_SIZE - STACK_FRAME_MIN
	li	%r0, 0
	std	%r0, 0(%r1)
	bl	guest_exception
	nop
1:	b	1b

/*
 * unsigned long bench_null_hcall(opcode, count): `count` back-to-back
 * hcalls, timebase ticks for the whole loop. The loop is only
 * mr/sc/addi/cmpdi/bne; its state lives in non-volatile registers, which
 * an hcall preserves. They are saved in the ELFv2 protected zone below
 * r1 (this is a leaf and nothing else uses the stack meanwhile). count
 * must be >= 1.
 */
	.globl	bench_null_hcall
bench_null_hcall:
	std	%r28, -32(%r1)
	std	%r29, -24(%r1)
	std	%r30, -16(%r1)
	std	%r31, -8(%r1)
	mflr	%r28			/* in case the hypervisor clobbers LR */
	mr	%r30, %r3
	mr	%r31, %r4
	mftb	%r29
0:	mr	%r3, %r30
	sc	1
	addi	%r31, %r31, -1
	cmpdi	%r31, 0
	bne	0b
	mftb	%r3
	subf	%r3, %r29, %r3
	mtlr	%r28
	ld	%r28, -32(%r1)
	ld	%r29, -24(%r1)
	ld	%r30, -16(%r1)
	ld	%r31, -8(%r1)
	blr

	.data
	.balign	4
exc_claimed:
	.long	0

	.section .bss.cpu_blocks, "aw", @nobits
	.balign	4096
	.globl	cpu_blocks
cpu_blocks:
	.space	NR_VCPUS * CPU_BLOCK_SIZE
exc_stack:
	.space	EXC_STACK_SIZE
