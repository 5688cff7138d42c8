/*
 * POWER ISA registers and bits used by tcevisor (ISA 2.07 / 3.0 / 3.1).
 * Usable from C and from assembly.
 *
 * Bit numbers follow IBM numbering: bit 0 is the most significant bit of a
 * 64-bit register, PPC_BIT(n) = 1 << (63 - n).
 */
#ifndef ARCH_PPC_H
#define ARCH_PPC_H

#ifdef __ASSEMBLY__
#define PPC_BIT(n)		(0x8000000000000000 >> (n))
#else
#define PPC_BIT(n)		(0x8000000000000000ULL >> (n))
#define PPC_BITMASK(a, b)	((PPC_BIT(a) - PPC_BIT(b)) | PPC_BIT(a))
#define PPC_BITLSHIFT(b)	(63 - (b))
/* Field helpers for masks built with PPC_BITMASK (skiboot's convention). */
#define GETFIELD(m, v)		(((v) & (m)) >> __builtin_ctzll(m))
#define SETFIELD(m, v, val)	(((v) & ~(m)) | ((((unsigned long long)(val)) << __builtin_ctzll(m)) & (m)))
#endif

/* MSR */
#define MSR_SF		PPC_BIT(0)
#define MSR_HV		PPC_BIT(3)
#define MSR_VEC		PPC_BIT(38)
#define MSR_VSX		PPC_BIT(40)
#define MSR_EE		PPC_BIT(48)
#define MSR_PR		PPC_BIT(49)
#define MSR_FP		PPC_BIT(50)
#define MSR_ME		PPC_BIT(51)
#define MSR_IR		PPC_BIT(58)
#define MSR_DR		PPC_BIT(59)
#define MSR_RI		PPC_BIT(62)
#define MSR_LE		PPC_BIT(63)
/* MSR[HV] as a bit position counted from the LSB, for rldicl/andi tests */
#define MSR_HV_LG	60

/* SPR numbers */
#define SPR_XER		1
#define SPR_DSCR	17
#define SPR_DSISR	18
#define SPR_DAR		19
#define SPR_DEC		22
#define SPR_SRR0	26
#define SPR_SRR1	27
#define SPR_CFAR	28
#define SPR_AMR		29
#define SPR_PID		48
#define SPR_IAMR	61
#define SPR_TFHAR	128
#define SPR_CTRLF	136
#define SPR_CTRLT	152
#define SPR_FSCR	153
#define SPR_UAMOR	157
#define SPR_PSPB	159
#define SPR_DPDES	176
#define SPR_DAWR0	180
#define SPR_RPR		186
#define SPR_CIABR	187
#define SPR_DAWRX0	188
#define SPR_HFSCR	190
#define SPR_VRSAVE	256
#define SPR_SPRG0	272
#define SPR_SPRG1	273
#define SPR_SPRG2	274
#define SPR_SPRG3	275
#define SPR_TBL_W	284
#define SPR_TBU_W	285
#define SPR_TBU40	286
#define SPR_PVR		287
#define SPR_HSPRG0	304
#define SPR_HSPRG1	305
#define SPR_HDSISR	306
#define SPR_HDAR	307
#define SPR_SPURR	308
#define SPR_PURR	309
#define SPR_HDEC	310
#define SPR_HRMOR	313
#define SPR_HSRR0	314
#define SPR_HSRR1	315
#define SPR_TFMR	317
#define SPR_LPCR	318
#define SPR_LPIDR	319
#define SPR_HMER	336
#define SPR_HMEER	337
#define SPR_PCR		338
#define SPR_HEIR	339
#define SPR_AMOR	349
#define SPR_TIR		446
#define SPR_PTCR	464
#define SPR_PSSCR	855
#define SPR_MMCR0	795
#define SPR_MMCR1	798
#define SPR_PMC5	775
#define SPR_PMC6	776
#define SPR_HID0	1008
#define SPR_PIR		1023
#define SPR_ASDR	816

/* PVR versions (upper 16 bits) */
#define PVR_POWER8E	0x004b
#define PVR_POWER8NVL	0x004c
#define PVR_POWER8	0x004d
#define PVR_POWER9	0x004e
#define PVR_POWER10	0x0080

/* HID0[HILE]: hypervisor interrupts little-endian. The bit moved in POWER9. */
#define HID0_HILE_P8	PPC_BIT(19)
#define HID0_HILE_P9	PPC_BIT(4)

/* LPCR */
#define LPCR_VPM0	PPC_BIT(0)
#define LPCR_ISL	PPC_BIT(2)
#define LPCR_DPFD_MASK	PPC_BITMASK(9, 11)
#define LPCR_HAIL	PPC_BIT(37)
#define LPCR_ILE	PPC_BIT(38)
#define LPCR_AIL_MASK	PPC_BITMASK(39, 40)
#define LPCR_UPRT	PPC_BIT(41)
#define LPCR_EVIRT	PPC_BIT(42)
#define LPCR_HR		PPC_BIT(43)
#define LPCR_ONL	PPC_BIT(45)
#define LPCR_LD		PPC_BIT(46)
#define LPCR_PECE0	PPC_BIT(47)
#define LPCR_PECE1	PPC_BIT(48)
#define LPCR_PECE2	PPC_BIT(49)
#define LPCR_PECE3	PPC_BIT(50)
#define LPCR_PECE4	PPC_BIT(51)
#define LPCR_MER	PPC_BIT(52)
#define LPCR_GTSE	PPC_BIT(53)
#define LPCR_TC		PPC_BIT(54)
#define LPCR_HEIC	PPC_BIT(59)
#define LPCR_LPES0	PPC_BIT(60)
#define LPCR_LPES1	PPC_BIT(61)
#define LPCR_HVICE	PPC_BIT(62)
#define LPCR_HDICE	PPC_BIT(63)

/* HMER: XSCOM status bits */
#define HMER_XSCOM_FAIL	PPC_BIT(8)
#define HMER_XSCOM_DONE	PPC_BIT(9)

/* Interrupt vectors */
#define VEC_SRESET	0x100
#define VEC_MCHECK	0x200
#define VEC_DSI		0x300
#define VEC_DSEG	0x380
#define VEC_ISI		0x400
#define VEC_ISEG	0x480
#define VEC_EXTERNAL	0x500
#define VEC_ALIGN	0x600
#define VEC_PROGRAM	0x700
#define VEC_FPU		0x800
#define VEC_DEC		0x900
#define VEC_HDEC	0x980
#define VEC_DOORBELL	0xa00
#define VEC_RSVD_B00	0xb00
#define VEC_SYSCALL	0xc00
#define VEC_TRACE	0xd00
#define VEC_HDSI	0xe00
#define VEC_HISI	0xe20
#define VEC_HEAI	0xe40
#define VEC_HMI		0xe60
#define VEC_HDOORBELL	0xe80
#define VEC_HVIRT	0xea0
#define VEC_PERFMON	0xf00
#define VEC_VMX		0xf20
#define VEC_VSX		0xf40
#define VEC_FAC		0xf60
#define VEC_HFAC	0xf80

/* A private hypercall answered in the 0xc00 vector itself with H_SUCCESS:
 * the floor of an hcall round trip, for the benchmarks. */
#define H_TCEVISOR_FLOOR	0xf00c

/* Stub flag: this vector saves state in HSRR0/1 rather than SRR0/1 */
#define VEC_FLAG_HSRR	0x1

/* msgsnd types */
#define DBELL_TYPE_HV	5
#define DBELL_TYPE_SHIFT 27

#endif /* ARCH_PPC_H */
