/*
 * boot_main: the boot CPU's first C code (called by boot/entry.S with the
 * FDT QEMU placed at 16 MiB). Brings up the console first, so that every
 * later failure can be reported, then reports the machine and hands over to
 * the hypervisor's main loop.
 */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <arch/cpu.h>
#include <arch/spr.h>
#include <drivers/ipmi.h>
#include <drivers/lpc.h>
#include <drivers/phb.h>
#include <drivers/uart.h>
#include <drivers/xscom.h>
#include <hv/main.h>
#include <hv/memory.h>
#include <hv/options.h>
#include <hv/pci_report.h>
#include <hv/phb_bench.h>
#include <hv/selftest.h>
#include <hv/platform.h>
#include <lib/console.h>
#include <lib/panic.h>
#include <version.h>

void boot_main(void *qemu_fdt);

extern char __fdt_copy_start[], __fdt_copy_end[];
extern char _image_end[], _end[];

/* Move the FDT out of the way of everything that will use memory. */
static void *fdt_copy(const void *src)
{
	size_t room = (size_t)(__fdt_copy_end - __fdt_copy_start);

	if (fdt_magic(src) != FDT_MAGIC || fdt_totalsize(src) > room)
		return NULL;
	memmove(__fdt_copy_start, src, fdt_totalsize(src));
	if (fdt_check_header(__fdt_copy_start) != 0)
		return NULL;
	return __fdt_copy_start;
}

/* The configuration's bootargs, then QEMU's -append: later words win. */
static void load_options(void)
{
	char args[256];
	const char *cfg = NULL;

	if (platform.config)
		cfg = fdt_getprop(platform.config, 0, "bootargs", NULL);
	snprintf(args, sizeof(args), "%s %s", cfg ? cfg : "", platform.bootargs);
	options_parse(args);
}

static void report(void)
{
	unsigned int claimed = cpu_count_claimed(), i;

	printf("\ntcevisor %s (%s), a bare-metal POWER hypervisor\n", TCEVISOR_VERSION,
	       TCEVISOR_GIT);
	printf("machine: %s [%s]\n", platform.model, platform.compatible);
	printf("cpu: %s (PVR 0x%08lx), %u CPUs in the device tree, %u chip(s)\n",
	       cpu_model_name(), MFSPR(SPR_PVR), platform.fdt_cpus,
	       platform.chips);
	printf("memory: %lu MiB in %u range(s)\n",
	       (platform.mem_total >> 20), platform.nr_mem);
	printf("timebase: %lu Hz\n", platform.tb_hz);
	printf("console: %s at LPC I/O 0x%x (%s)\n", console_driver_name(), uart_port(),
	       lpc_access_name());
	printf("image: %lu KiB loaded, %lu KiB with BSS; boot CPU PIR %u\n",
	       ((uintptr_t)_image_end >> 10),
	       ((uintptr_t)_end >> 10), this_cpu()->pir);
	printf("secondaries: %u parked", claimed - 1);
	for (i = 1; i < claimed; i++)
		printf("%s%u", i == 1 ? " (PIR " : ", ", cpu_boot_pir_of(i));
	printf("%s\n", claimed > 1 ? ")" : "");
	if (claimed < platform.fdt_cpus)
		printf("warning: %u CPU(s) of the device tree did not arrive\n",
		       platform.fdt_cpus - claimed);
	if (platform.config)
		printf("config: %lu bytes\n", platform.config_size);
	else
		printf("config: none%s%s\n", platform.config_error ? ": " : "",
		       platform.config_error ? platform.config_error : "");
	printf("options: \"%s\"\n", options_string());
}

/* Debug aid for the exception path's own test: crash=trap|illegal|align. */
static void debug_crash(void)
{
	const char *how = options_get("crash");

	if (!how)
		return;
	printf("tcevisor: crashing on purpose (crash=%s)\n", how);
	if (!strcmp(how, "trap"))
		__asm__ volatile("trap");
	else if (!strcmp(how, "illegal"))
		__asm__ volatile(".long 0");
	else if (!strcmp(how, "align"))
		/* Real-mode loads never fault on QEMU; a misaligned lwarx does. */
		__asm__ volatile("lwarx 0,0,%0" : : "r"(0x1003UL) : "r0");
	printf("tcevisor: crash=%s did not crash\n", how);
}

void boot_main(void *qemu_fdt)
{
	void *fdt;

	cpu_init_boot();
	fdt = fdt_copy(qemu_fdt);
	if (!fdt)
		panic_halt();	/* no FDT, no console: nothing to report on */
	platform_parse(fdt);
	xscom_init(fdt);
	uart_init(fdt);
	if (ipmi_init(fdt))
		panic_set_power_off(ipmi_power_off);
	load_options();
	/* Every thread starts at once; give the others a moment to check in. */
	cpu_wait_secondaries(platform.fdt_cpus, platform.tb_hz / 10);
	report();
	debug_crash();
	memory_init();
	phb_init(fdt);
	pci_report();
	phb_bench();
	if (options_is("selftest", "dma"))
		selftest_dma();
	hv_main();
}
