/*
 * Console through the hypervisor's virtual terminal: H_PUT_TERM_CHAR out,
 * H_GET_TERM_CHAR in, at most 16 bytes per call, packed big-endian into
 * two registers (the first byte in the most significant byte of the
 * first). Output is serialised across vCPUs by a spinlock so that every
 * line reaches the terminal whole.
 */
#include <stdarg.h>
#include <stdio.h>
#include "guest.h"
#include "papr.h"

/* Until the device tree names the vty: the number pseries and tcevisor use,
 * so that an early exception can still be reported. */
static unsigned long vty = 0x71000000;
static volatile uint32_t con_lock;

void console_init(unsigned long termno)
{
	vty = termno;
}

static unsigned long pack_be(const char *s, size_t n)
{
	unsigned long w = 0;

	for (size_t i = 0; i < 8; i++)
		w = (w << 8) | (i < n ? (unsigned char)s[i] : 0);
	return w;
}

static void put_chunk(const char *s, size_t n)
{
	int tries = 1000;
	long rc;

	do {
		unsigned long a[6] = {
			vty, n, pack_be(s, n), n > 8 ? pack_be(s + 8, n - 8) : 0,
		};

		rc = hcall(H_PUT_TERM_CHAR, a);
	} while (rc == H_BUSY && --tries);
}

static void write_unlocked(const char *s, size_t len)
{
	while (len) {
		size_t n = len < 16 ? len : 16;

		put_chunk(s, n);
		s += n;
		len -= n;
	}
}

void console_write(const char *s, size_t len)
{
	spin_lock(&con_lock);
	write_unlocked(s, len);
	spin_unlock(&con_lock);
}

/*
 * For the exception path: the faulting vCPU may hold the lock (or the
 * other vCPU may, and never let go). Wait a bounded time, then take it.
 */
void con_emergency(void)
{
	for (long i = 0; i < 100000000 && con_lock; i++)
		;
	con_lock = 0;
}

/* Up to 16 bytes of input, 0 if none. */
int console_read(char buf[16])
{
	unsigned long a[6] = { vty };
	unsigned long n;

	if (hcall(H_GET_TERM_CHAR, a) != H_SUCCESS)
		return 0;
	n = a[0] > 16 ? 16 : a[0];
	for (unsigned long i = 0; i < n; i++)
		buf[i] = (char)(a[1 + i / 8] >> (56 - 8 * (i % 8)));
	return (int)n;
}

/*
 * printf for any vCPU: newlib's stdout is not thread-safe (built
 * single-threaded), snprintf into a local buffer is.
 */
int con_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return n;
	console_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}
