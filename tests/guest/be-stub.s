# Big-endian stub of the test guest, assembled with -mbig, flattened and
# .incbin'ed twice by head.S: at 0x100 (QEMU pseries starts the boot vCPU
# there in 32-bit big-endian real mode, MSR = 0) and at the start-cpu entry
# (QEMU starts secondaries with MSR = SF|ME, still big-endian).
# Sets MSR[SF|ME|RI|LE] with rfid and continues at the next word, now
# little-endian. Uses r10/r11 and LR only; r3-r5 are preserved.
	.text
	mfmsr	%r11
	li	%r10,1
	sldi	%r10,%r10,63		# MSR[SF]
	or	%r11,%r11,%r10
	ori	%r11,%r11,0x1003	# MSR[ME] | MSR[RI] | MSR[LE]
	bcl	20,31,1f
1:	mflr	%r10
	addi	%r10,%r10,(2f - 1b)
	mtspr	26,%r10			# SRR0
	mtspr	27,%r11			# SRR1
	rfid
2:
