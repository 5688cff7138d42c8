/* Read the machine description from QEMU's FDT (boot-and-guest.md §1.4). */
#include <string.h>
#include <libfdt.h>
#include <hv/platform.h>
#include <lib/fdt_util.h>

struct platform platform;
extern char __config_copy_start[], __config_copy_end[];

static void parse_cpus(const void *fdt)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node;

	platform.fdt_cpus = 0;
	if (cpus < 0)
		return;
	fdt_for_each_subnode(node, fdt, cpus) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);

		if (!type || strcmp(type, "cpu"))
			continue;
		if (!platform.tb_hz)
			platform.tb_hz = fdtu_u32(fdt, node, "timebase-frequency", 0);
		platform.fdt_cpus++;
	}
}

static void parse_memory(const void *fdt)
{
	int node;

	fdt_for_each_subnode(node, fdt, 0) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		uint32_t space;
		uint64_t base, size;
		int i;

		if (!type || strcmp(type, "memory"))
			continue;
		for (i = 0; fdtu_reg(fdt, node, i, &space, &base, &size); i++) {
			if (platform.nr_mem < MAX_MEM_RANGES) {
				platform.mem[platform.nr_mem].base = base;
				platform.mem[platform.nr_mem].size = size;
				platform.nr_mem++;
			}
			platform.mem_total += size;
		}
	}
}

/*
 * The configuration comes as a flattened device tree given to QEMU with
 * -kernel, which loads it raw at KERNEL_LOAD_ADDR (the FDT does not say
 * where: it is a fixed QEMU fact). Copy it out and wipe the original, so
 * that a later reset without -kernel cannot mistake guest memory for it.
 */
static void parse_config(void)
{
	uint8_t *src = (uint8_t *)(uintptr_t)QEMU_KERNEL_LOAD_ADDR;
	size_t room = (size_t)(__config_copy_end - __config_copy_start);

	if (platform.mem_total <= QEMU_KERNEL_LOAD_ADDR || fdt_magic(src) != FDT_MAGIC)
		return;
	if (fdt_totalsize(src) > room || fdt_check_header(src) != 0) {
		platform.config_error = "configuration blob invalid or too large";
		return;
	}
	memcpy(__config_copy_start, src, fdt_totalsize(src));
	memset(src, 0, sizeof(fdt32_t));
	platform.config = __config_copy_start;
	platform.config_size = fdt_totalsize(__config_copy_start);
}

void platform_parse(const void *fdt)
{
	memset(&platform, 0, sizeof(platform));
	platform.fdt = fdt;
	platform.model = fdt_getprop(fdt, 0, "model", NULL);
	platform.compatible = fdt_getprop(fdt, 0, "compatible", NULL);
	if (!platform.model)
		platform.model = "unknown";
	if (!platform.compatible)
		platform.compatible = "unknown";
	platform.chips = (unsigned int)fdtu_count_compatible(fdt, "ibm,xscom");
	parse_cpus(fdt);
	parse_memory(fdt);
	platform.bootargs = "";
	if (fdt_path_offset(fdt, "/chosen") >= 0) {
		const char *a = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "bootargs", NULL);

		if (a)
			platform.bootargs = a;
	}
	parse_config();
	if (!platform.tb_hz)
		platform.tb_hz = 512000000;	/* POWER8-10 all use 512 MHz */
}

uint64_t tb_to_us(uint64_t ticks)
{
	return ticks / (platform.tb_hz / 1000000);
}

uint64_t us_to_tb(uint64_t us)
{
	return us * (platform.tb_hz / 1000000);
}
