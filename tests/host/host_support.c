/* What the portable core needs from the hypervisor, for host builds. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <lib/panic.h>

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "PANIC: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}
