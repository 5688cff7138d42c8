/* The hypervisor proper, after the boot CPU has a console and a platform. */
#ifndef HV_MAIN_H
#define HV_MAIN_H

#define TCEVISOR_VERSION "0.1.0"

__attribute__((noreturn)) void hv_main(void);
/* Power the machine off (IPMI); QEMU exits with status 0. */
__attribute__((noreturn)) void hv_power_off(void);

#endif /* HV_MAIN_H */
