/*
 * Guest images linked into tcevisor: flat binaries loaded at guest-real 0
 * and entered at 0x1000 (tests/guest/, the guest ABI in docs/guest-abi.md).
 */
	.section .rodata.guest_images, "a"
	.balign	4096
	.globl	image_testguest_start, image_testguest_end
image_testguest_start:
	.incbin	"build/guest/testguest.bin"
image_testguest_end:
	.balign	8
