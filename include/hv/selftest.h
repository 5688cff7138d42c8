/* Boot-time self-tests, selected by the `selftest=` boot option. */
#ifndef HV_SELFTEST_H
#define HV_SELFTEST_H

/*
 * selftest=dma: DMA through a hand-built TCE table with every edu device
 * found, a TCE update with its kill fan-out, then power-off. The console
 * protocol is described at the top of hv/selftest_dma.c.
 */
__attribute__((noreturn)) void selftest_dma(void);

#endif /* HV_SELFTEST_H */
