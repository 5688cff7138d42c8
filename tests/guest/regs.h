/*
 * Mode regs (regs.c, regs-asm.S): the layout of struct regs_round and the
 * SPRs the mode moves, in one place for the C and the assembly.
 *
 * struct regs_round is in[REGS_N] then out[REGS_N] (8 bytes each): index
 * n < 32 is GPR n, REGS_CR the CR, then the SPRs below.
 */
#ifndef REGS_H
#define REGS_H

#define REGS_N		49
#define REGS_CR		32

/*
 * X(slot, SPR number, name) for each SPR, in slot order. Not IAMR: QEMU 7.2
 * lets a guest neither read nor write it (mfspr leaves the target as it
 * was).
 */
#define REGS_SPRS(X)								\
	X(33, 1, xer) X(34, 8, lr) X(35, 9, ctr) X(36, 26, srr0) X(37, 27, srr1)	\
	X(38, 272, sprg0) X(39, 273, sprg1) X(40, 274, sprg2) X(41, 275, sprg3)	\
	X(42, 19, dar) X(43, 18, dsisr) X(44, 13, amr) X(45, 157, uamor)		\
	X(46, 17, dscr) X(47, 815, tar) X(48, 896, ppr)

#define REGS_CTR	35
#define REGS_SRR0	36
#define REGS_SRR1	37
#define REGS_SPRG1	39

#endif /* REGS_H */
