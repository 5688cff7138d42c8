/* What the machine is, as read from QEMU's FDT at boot. */
#ifndef HV_PLATFORM_H
#define HV_PLATFORM_H

#include <stdint.h>

#define MAX_MEM_RANGES	8

struct mem_range {
	uint64_t base, size;
};

struct platform {
	const void *fdt;		/* our copy of the FDT */
	const char *model;		/* root "model" */
	const char *compatible;		/* first root "compatible" */
	unsigned int fdt_cpus;		/* CPU nodes */
	unsigned int chips;
	uint64_t tb_hz;			/* timebase frequency */
	uint64_t mem_total;
	unsigned int nr_mem;
	struct mem_range mem[MAX_MEM_RANGES];
	const char *bootargs;		/* /chosen/bootargs (QEMU -append) */
	/* the configuration FDT given to QEMU with -kernel, if any */
	const void *config;
	uint64_t config_size;
	const char *config_error;
};

/* Where QEMU powernv loads -kernel (hw/ppc/pnv.c). */
#define QEMU_KERNEL_LOAD_ADDR	0x20000000ULL

extern struct platform platform;

void platform_parse(const void *fdt);
uint64_t tb_to_us(uint64_t ticks);
uint64_t us_to_tb(uint64_t us);

#endif /* HV_PLATFORM_H */
