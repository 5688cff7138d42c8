# Stand-in "kernel" for QEMU pseries: -append (our bootargs) is only
# accepted with -kernel, and -kernel must be an ELF. QEMU loads it at
# 0x400000, just above the test guest's 4 MiB, and nothing ever runs it.
	.text
	.globl	_start
_start:
	b	_start
