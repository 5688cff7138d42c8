/*
 * The LPC bus's I/O space, where the 16550 UART and the IPMI BT interface
 * live. POWER9/10 reach it by MMIO through the LPC/OPB "ranges"; POWER8 has
 * no LPC MMIO window and goes through XSCOM's ECCB registers.
 */
#ifndef DRIVERS_LPC_H
#define DRIVERS_LPC_H

#include <stdbool.h>
#include <stdint.h>

/* Locate the primary LPC bus. False if the FDT has none we can reach. */
bool lpc_init(const void *fdt);
/* I/O port of the first child of the LPC bus that is compatible with
 * `compat` and not disabled; false if none. */
bool lpc_find_io(const void *fdt, const char *compat, uint32_t *port);
uint8_t lpc_inb(uint32_t port);
void lpc_outb(uint32_t port, uint8_t val);
/* "mmio" or "xscom-eccb": how the bus is reached, for the boot report. */
const char *lpc_access_name(void);

#endif /* DRIVERS_LPC_H */
