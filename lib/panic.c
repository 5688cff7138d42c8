/*
 * Fatal errors of the hypervisor itself. The message goes out even if
 * another CPU holds the console (it may be the CPU that died), then the
 * registered power-off hook ends the machine: under QEMU the process exits
 * instead of hanging.
 */
#include <stdarg.h>
#include <stdio.h>
#include <arch/cpu.h>
#include <lib/console.h>
#include <lib/panic.h>

static void (*power_off_hook)(void);

void panic_set_power_off(void (*fn)(void))
{
	power_off_hook = fn;
}

void panic_halt(void)
{
	if (power_off_hook)
		power_off_hook();
	console_puts("tcevisor: power-off failed; halting this CPU\n");
	for (;;)
		cpu_idle_stop();
}

void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	console_panic_mode();
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_lock();
	printf("\nPANIC on CPU %u: %s\n", this_cpu()->index, buf);
	console_unlock();
	panic_halt();
}
