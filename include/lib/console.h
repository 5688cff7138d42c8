/*
 * The hypervisor console: one output driver (the UART), shared by every
 * CPU. Output is serialised by a recursive lock so that one printf() line
 * is never torn by another CPU, and a CPU that faults while printing can
 * still print its dump.
 */
#ifndef LIB_CONSOLE_H
#define LIB_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

struct console_driver {
	const char *name;
	void (*write)(const char *s, size_t len);	/* '\n' -> "\r\n" */
	int (*getc)(void);				/* -1 if none */
};

void console_set_driver(const struct console_driver *drv);
const char *console_driver_name(void);
void console_write(const char *s, size_t len);
void console_puts(const char *s);
int console_getc(void);
/* Take/release the console for a multi-call message. Recursive per CPU. */
void console_lock(void);
void console_unlock(void);
/* After a fatal error: stop waiting for other CPUs' locks. */
void console_panic_mode(void);

#endif /* LIB_CONSOLE_H */
