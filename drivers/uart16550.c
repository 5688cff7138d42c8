/*
 * 16550 UART on LPC I/O space, polled (boot-and-guest.md §2.1).
 * TX: wait for LSR[THRE], write THR. RX: LSR[DR], read RBR.
 * Init does not reset the RX FIFO: that would drop bytes a harness typed
 * before we were ready (FCR enables the FIFOs only).
 */
#include <drivers/lpc.h>
#include <drivers/uart.h>
#include <lib/console.h>

#define UART_THR	0
#define UART_RBR	0
#define UART_IER	1
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define LSR_DR		0x01
#define LSR_THRE	0x20
#define TX_POLL_LIMIT	1000000

static uint32_t base_port;
static bool present;

static void uart_console_write(const char *s, size_t len)
{
	while (len--) {
		if (*s == '\n')
			uart_putc('\r');
		uart_putc(*s++);
	}
}

static const struct console_driver uart_console = {
	.name = "uart16550",
	.write = uart_console_write,
	.getc = uart_getc,
};

bool uart_init(const void *fdt)
{
	if (!lpc_init(fdt) || !lpc_find_io(fdt, "ns16550", &base_port))
		return false;
	lpc_outb(base_port + UART_IER, 0x00);
	lpc_outb(base_port + UART_LCR, 0x03);	/* 8N1 */
	/* FIFOs on (no reset: that would drop typed bytes), receive trigger
	 * level 14: QEMU's 16550 then hands over up to 14 bytes per poll of
	 * its socket instead of 1, which is what bounds input speed. */
	lpc_outb(base_port + UART_FCR, 0xc1);
	lpc_outb(base_port + UART_MCR, 0x03);	/* DTR | RTS */
	present = true;
	console_set_driver(&uart_console);
	return true;
}

void uart_putc(char c)
{
	int i;

	if (!present)
		return;
	/* Bounded: a wedged UART must not hang the hypervisor. */
	for (i = 0; i < TX_POLL_LIMIT; i++)
		if (lpc_inb(base_port + UART_LSR) & LSR_THRE)
			break;
	lpc_outb(base_port + UART_THR, (uint8_t)c);
}

int uart_getc(void)
{
	if (!present || !(lpc_inb(base_port + UART_LSR) & LSR_DR))
		return -1;
	return lpc_inb(base_port + UART_RBR);
}

uint32_t uart_port(void)
{
	return base_port;
}
