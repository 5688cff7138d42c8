/*
 * Reset entry. QEMU's -bios loads the flat image at physical 0 and starts
 * every hardware thread at 0x10, big-endian, in hypervisor real mode, with
 * r3 = the FDT and MSR[ME] = 0. This file:
 *   1. switches to little-endian (the BE stub .incbin'ed at 0x10),
 *   2. sets HID0[HILE] before any interrupt can arrive (the bit depends on
 *      the CPU: POWER8 bit 19, POWER9/10 bit 4),
 *   3. sets r2 to the TOC, claims a CPU slot atomically (the first thread to
 *      claim is the boot CPU: QEMU does not start PIR 0 first),
 *   4. points r1/r13/HSPRG0 at the slot's CPU block (include/arch/cpu.h),
 *   5. on the boot CPU: clears BSS, seeds the stack canary and calls
 *      boot_main(fdt); on the others: records the PIR and parks.
 */
#include <arch/ppc.h>
#include <arch/cpu.h>

	.section .head.entry, "ax"
	.globl	_start
_start:
	.long	0, 0, 0, 0		/* 0x0: never executed */
	. = 0x10
	.incbin	"build/gen/be-stub.bin"
	b	boot_entry		/* first little-endian instruction */

	.text
	.globl	boot_entry
boot_entry:
	/* HILE: every interrupt from now on is taken little-endian. */
	mfspr	%r11, SPR_PVR
	srdi	%r11, %r11, 16
	lis	%r9, 0x0800
	sldi	%r9, %r9, 32		/* HID0_HILE_P9 = PPC_BIT(4) */
	cmpwi	%r11, PVR_POWER8E
	beq	1f
	cmpwi	%r11, PVR_POWER8NVL
	beq	1f
	cmpwi	%r11, PVR_POWER8
	bne	2f
1:	li	%r9, 1
	sldi	%r9, %r9, 44		/* HID0_HILE_P8 = PPC_BIT(19) */
2:	mfspr	%r10, SPR_HID0
	or	%r10, %r10, %r9
	sync
	mtspr	SPR_HID0, %r10
	isync
	/* Let a hypervisor doorbell and the decrementer end `stop` (POWER9+:
	 * LPCR[HDEE,DEE]) or nap (POWER8: LPCR[PECE1,PECE3], same bits).
	 * Neither is taken as an interrupt: MSR[EE] stays 0 in hypervisor. */
	mfspr	%r10, SPR_LPCR
	ori	%r10, %r10, 0xa000
	mtspr	SPR_LPCR, %r10
	isync

	/* TOC, position-independently */
	bcl	20, 31, 3f
3:	mflr	%r12
	addis	%r2, %r12, (.TOC. - 3b)@ha
	addi	%r2, %r2, (.TOC. - 3b)@l

	/* Claim a slot: the first claimer (slot 0) is the boot CPU. */
	addis	%r4, %r2, cpu_slots_claimed@toc@ha
	addi	%r4, %r4, cpu_slots_claimed@toc@l
4:	lwarx	%r5, 0, %r4
	addi	%r6, %r5, 1
	stwcx.	%r6, 0, %r4
	bne-	4b
	cmpwi	%r5, NR_CPUS
	bge	park_forever

	/* block = cpu_blocks + slot << CPU_BLOCK_SHIFT */
	addis	%r7, %r2, cpu_blocks@toc@ha
	addi	%r7, %r7, cpu_blocks@toc@l
	sldi	%r8, %r5, CPU_BLOCK_SHIFT
	add	%r7, %r7, %r8
	addi	%r13, %r7, CPU_R13_OFFSET
	addi	%r1, %r7, CPU_STACK_TOP - STACK_FRAME_MIN
	li	%r0, 0
	std	%r0, 0(%r1)		/* null back chain */
	mtspr	SPR_HSPRG0, %r13
	cmpwi	%r5, 0
	bne	secondary_park

	/* Boot CPU: clear BSS (QEMU zeroes RAM; hardware does not). */
	addis	%r8, %r2, __bss_start@toc@ha
	addi	%r8, %r8, __bss_start@toc@l
	addis	%r9, %r2, __bss_end@toc@ha
	addi	%r9, %r9, __bss_end@toc@l
5:	cmpld	%r8, %r9
	bge	6f
	std	%r0, 0(%r8)
	addi	%r8, %r8, 8
	b	5b
6:	/* A non-zero canary from the timebase: libfdt checks it on return. */
	mftb	%r8
	ori	%r8, %r8, 1
	std	%r8, 0(%r7)
	std	%r2, CPU_TOC(%r13)
	std	%r7, CPU_BLOCK(%r13)
	bl	boot_main		/* boot_main(fdt in r3) never returns */
	nop
	b	park_forever

/*
 * Secondary threads: publish the PIR in cpu_boot_pir[slot] (in .data, so
 * usable before BSS is cleared) and wait in `stop` until the boot CPU sets
 * cpu_release[slot] and sends a hypervisor doorbell. BSS is not touched
 * before release: the boot CPU clears it concurrently.
 */
secondary_park:
	mfspr	%r6, SPR_PIR
	addis	%r8, %r2, cpu_boot_pir@toc@ha
	addi	%r8, %r8, cpu_boot_pir@toc@l
	sldi	%r9, %r5, 3
	stdx	%r6, %r8, %r9
	addis	%r10, %r2, cpu_release@toc@ha
	addi	%r10, %r10, cpu_release@toc@l
	add	%r10, %r10, %r9		/* r10 = &cpu_release[slot] */
	mr	%r31, %r5
	sync
7:	ld	%r11, 0(%r10)
	cmpdi	%r11, 0
	bne	8f
	bl	park_wait		/* sleeps until some interrupt is pending */
	b	7b
8:	/* Released: the boot CPU has filled struct cpu for this slot. */
	sync
	ld	%r2, CPU_TOC(%r13)
	mr	%r3, %r31
	bl	secondary_main
	nop
	b	park_forever

/*
 * park_wait: sleep until an interrupt condition is pending, with MSR[EE] = 0
 * so that nothing is taken. POWER9+: `stop` with PSSCR = 0 (EC = 0) resumes
 * after the instruction. POWER8 has no `stop`: spin at low SMT priority.
 * DEC and HDEC are pushed far into the future first, or their expiry would
 * keep a stopped thread awake. Clobbers r3-r5 only.
 */
	.globl	park_wait
park_wait:
	lis	%r4, 0x7fff
	ori	%r4, %r4, 0xffff
	mtspr	SPR_DEC, %r4
	mfspr	%r5, SPR_PVR
	srdi	%r5, %r5, 16
	cmpwi	%r5, PVR_POWER9
	blt	9f
	lis	%r4, 0x7f
	sldi	%r4, %r4, 32		/* HDEC is 56 bits wide on POWER9+ */
	mtspr	SPR_HDEC, %r4
	b	arch_stop
9:	mtspr	SPR_HDEC, %r4		/* 32 bits wide on POWER8 */
	or	1, 1, 1			/* low SMT priority */
	li	%r5, 2000
	mtctr	%r5
10:	bdnz	10b
	or	2, 2, 2			/* medium priority */
	blr

park_forever:
	bl	park_wait
	b	park_forever

/*
 * arch_stop: POWER9+ only. `stop` with PSSCR = 0 (EC = 0, lightest level):
 * execution resumes after it once a wake-up event enabled in LPCR is
 * pending. Clobbers r5.
 */
	.globl	arch_stop
arch_stop:
	li	%r5, 0
	mtspr	SPR_PSSCR, %r5
	.machine push
	.machine power9
	stop
	.machine pop
	blr

	.data
	.balign	8
	.globl	cpu_slots_claimed, cpu_boot_pir, cpu_release
cpu_slots_claimed:
	.long	0, 0
cpu_boot_pir:
	.rept	NR_CPUS
	.quad	-1
	.endr
cpu_release:
	.rept	NR_CPUS
	.quad	0
	.endr

	.section .bss.cpu_blocks, "aw", @nobits
	.balign	CPU_BLOCK_SIZE
	.globl	cpu_blocks
cpu_blocks:
	.space	NR_CPUS * CPU_BLOCK_SIZE
