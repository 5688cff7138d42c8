# The first instructions every thread runs, at 0x10, still big-endian.
# Assembled with -mbig, flattened and .incbin'ed by boot/entry.S.
# Turns on MSR[LE|ME|RI] and continues at the next word, now little-endian.
# Uses r10/r11 only; r3 (the FDT pointer from QEMU) is preserved.
# rfid rather than hrfid: QEMU 7.2 aborts on hrfid under -icount (measuring.md).
	.text
	mfmsr	%r11
	ori	%r11,%r11,0x1003	# MSR[ME] | MSR[RI] | MSR[LE]
	bcl	20,31,1f
1:	mflr	%r10
	addi	%r10,%r10,(2f - 1b)
	mtspr	26,%r10			# SRR0
	mtspr	27,%r11			# SRR1
	rfid
2:
