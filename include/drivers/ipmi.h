/* IPMI over the BT interface of QEMU's internal BMC: chassis power-off. */
#ifndef DRIVERS_IPMI_H
#define DRIVERS_IPMI_H

#include <stdbool.h>

bool ipmi_init(const void *fdt);
/* Ask the BMC to power the machine down. QEMU then exits with status 0.
 * Returns only if the request could not be sent. */
void ipmi_power_off(void);
/* Power-cycle (chassis control "hard reset"). */
void ipmi_reset(void);

#endif /* DRIVERS_IPMI_H */
