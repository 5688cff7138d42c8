/* The LPC 16550 UART: polled transmit and receive. */
#ifndef DRIVERS_UART_H
#define DRIVERS_UART_H

#include <stdbool.h>
#include <stdint.h>

/* Find the console UART in the FDT (an ns16550 on the LPC bus) and set it
 * up. False if there is none. Registers it as the console driver. */
bool uart_init(const void *fdt);
void uart_putc(char c);
/* -1 when no byte is waiting */
int uart_getc(void);
uint32_t uart_port(void);

#endif /* DRIVERS_UART_H */
