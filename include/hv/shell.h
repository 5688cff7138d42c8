/* The debug shell on the hypervisor console (see hv/shell.c). */
#ifndef HV_SHELL_H
#define HV_SHELL_H

void shell_prompt(void);
/* One byte typed while the hypervisor console has the focus. */
void shell_input(int c);

#endif /* HV_SHELL_H */
