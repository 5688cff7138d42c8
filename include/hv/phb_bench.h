/* The phb-bench=N boot option: the PHB kill handshake timed from the
 * hypervisor (hv/phb_bench.c). Does nothing without the option. */
#ifndef HV_PHB_BENCH_H
#define HV_PHB_BENCH_H

void phb_bench(void);

#endif /* HV_PHB_BENCH_H */
