/*
 * XSCOM: the hypervisor's path to chip-internal units (PHB BARs, LPC on
 * POWER8) through an MMIO window, one 8-byte register per PCB address.
 */
#ifndef DRIVERS_XSCOM_H
#define DRIVERS_XSCOM_H

#include <stdbool.h>
#include <stdint.h>

#define MAX_CHIPS	4

/* Find every chip's XSCOM window in the FDT. Returns the chip count. */
int xscom_init(const void *fdt);
/* 0 on success; -1 when the access failed (HMER[XSCOM fail]: absent unit). */
int xscom_read(uint32_t chip, uint64_t pcba, uint64_t *val);
int xscom_write(uint32_t chip, uint64_t pcba, uint64_t val);

#endif /* DRIVERS_XSCOM_H */
