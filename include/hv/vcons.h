/*
 * Guest consoles on the hypervisor's UART: each guest's output is printed
 * a line at a time prefixed with "[name] "; input goes to whoever has the
 * focus — the hypervisor's own console (the hv> prompt) or one guest.
 * Ctrl-] (0x1d) moves the focus to the next one.
 */
#ifndef HV_VCONS_H
#define HV_VCONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <hv/guest.h>

#define VCONS_TERMNO		0x71000000u	/* the vty's reg, as on pseries */
#define VCONS_FOCUS_KEY		0x1d		/* Ctrl-] */

void vcons_put(struct guest *g, const char *s, size_t n);
/* Up to max bytes of g's pending input; returns the count. */
size_t vcons_get(struct guest *g, char *buf, size_t max);
/*
 * May the next byte be taken from the UART? No while the focused guest's
 * input ring is full and the guest is still reading its console: the byte
 * waits in the UART (and QEMU holds back the rest), so nothing typed is
 * lost. A guest that has not read for VCONS_STALL_MS cannot hold the
 * console: its input is then dropped (counted), so Ctrl-] still works.
 */
bool vcons_accepting(void);
#define VCONS_STALL_MS		1000
/* A byte typed on the UART: route it. Returns the byte if the hypervisor
 * console has the focus (for its own line editor), else -1. */
int vcons_input(int c);

#endif /* HV_VCONS_H */
