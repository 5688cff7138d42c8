/* The boot listing of PHBs, PCI functions and PEs (format: hv/pci_report.c). */
#ifndef HV_PCI_REPORT_H
#define HV_PCI_REPORT_H

void pci_report(void);

#endif /* HV_PCI_REPORT_H */
