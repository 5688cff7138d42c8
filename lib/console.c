/*
 * Console output shared by all CPUs, and the glue that makes newlib's stdio
 * reach it.
 *
 * newlib is built without locks (--disable-newlib-multithread): its stdout
 * FILE must not be used by two CPUs at once. printf/vprintf/puts/putchar
 * are therefore wrapped (-Wl,--wrap) to hold the console lock around the
 * real call, and stdout is unbuffered so that each call's output leaves
 * through _write() before the lock is dropped.
 *
 * Lock order: the console lock is a leaf; nothing is taken while holding it.
 */
#include <stdio.h>
#include <string.h>
#include <arch/cpu.h>
#include <lib/console.h>
#include <lib/lock.h>

static const struct console_driver *driver;
static struct lock console_spin = LOCK_INIT;
static volatile int owner = -1;	/* CPU index holding console_spin */
static int depth;
static volatile int panicking;

void console_set_driver(const struct console_driver *drv)
{
	driver = drv;
	setvbuf(stdout, NULL, _IONBF, 0);
}

const char *console_driver_name(void)
{
	return driver ? driver->name : "none";
}

void console_lock(void)
{
	int me = (int)this_cpu()->index;

	if (owner == me) {
		depth++;
		return;
	}
	while (!lock_try(&console_spin)) {
		if (panicking)
			break;	/* the holder may be dead; print anyway */
	}
	owner = me;
	depth = 1;
}

void console_unlock(void)
{
	if (--depth > 0)
		return;
	owner = -1;
	lock_release(&console_spin);
}

void console_panic_mode(void)
{
	panicking = 1;
}

void console_write(const char *s, size_t len)
{
	if (!driver)
		return;
	console_lock();
	driver->write(s, len);
	console_unlock();
}

void console_puts(const char *s)
{
	console_write(s, strlen(s));
}

int console_getc(void)
{
	return driver ? driver->getc() : -1;
}

/* --- newlib stdio, serialised ---------------------------------------------- */
int __real_vprintf(const char *fmt, va_list ap);
int __real_puts(const char *s);
int __real_putchar(int c);
int __wrap_printf(const char *fmt, ...);
int __wrap_vprintf(const char *fmt, va_list ap);
int __wrap_puts(const char *s);
int __wrap_putchar(int c);

int __wrap_vprintf(const char *fmt, va_list ap)
{
	int n;

	console_lock();
	n = __real_vprintf(fmt, ap);
	console_unlock();
	return n;
}

int __wrap_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = __wrap_vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int __wrap_puts(const char *s)
{
	int n;

	console_lock();
	n = __real_puts(s);
	console_unlock();
	return n;
}

int __wrap_putchar(int c)
{
	int n;

	console_lock();
	n = __real_putchar(c);
	console_unlock();
	return n;
}
