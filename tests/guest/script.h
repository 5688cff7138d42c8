/*
 * mode=script: the steps of /chosen/tcevisor,script (script.c) and the
 * ops that live in their own files. Every op prints exactly one line,
 * "S<index> ...", when it is done. The format is in README.md.
 */
#ifndef GUEST_SCRIPT_H
#define GUEST_SCRIPT_H

#include <stdbool.h>
#include <stdint.h>
#include "guest.h"

#define STEP_ARGS_MAX		9

struct step {
	unsigned long index;
	uint32_t op, n;
	const unsigned char *raw;	/* the n argument words, big-endian */
	uint64_t a[STEP_ARGS_MAX];	/* the first of them, CPU order */
};

/*
 * Guest RAM the script's own machinery uses: the 2 MiB just below the FDT
 * (which tcevisor puts at RAM - 2 MiB) for the NVMe driver, and, during a
 * STORM only, its model of the windows from STORM_MODEL_GPA up.
 */
#define DRIVER_AREA_SIZE	(2UL << 20)
#define STORM_MODEL_GPA		0x400000UL

uint64_t guest_ram_size(void);
uint64_t driver_area_gpa(void);
/* [addr, addr + len) inside RAM and clear of the image, the FDT and the
 * driver area (overflow-safe; len 0 is never free). */
bool mem_is_free(uint64_t addr, uint64_t len);
/* [addr, addr + len) wholly inside [base, base + size), overflow-safe */
bool range_inside(uint64_t addr, uint64_t len, uint64_t base, uint64_t size);

void step_edu(const struct step *s);
void step_nvme_init(const struct step *s);
void step_nvme_write(const struct step *s);
void step_nvme_read(const struct step *s);
void step_storm(const struct step *s);
void step_nvme_raw(const struct step *s);
void step_nvme_bench(const struct step *s);

#endif /* GUEST_SCRIPT_H */
