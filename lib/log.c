/* The event ring (see log.h). Lock: a leaf. */
#include <stdarg.h>
#include <stdio.h>
#include <arch/spr.h>
#include <lib/lock.h>
#include <lib/log.h>

static struct {
	uint64_t tb;
	char msg[LOG_MSG_LEN];
} ring[LOG_ENTRIES];
static uint64_t total;
static struct lock log_lock = LOCK_INIT;

void log_event(const char *fmt, ...)
{
	va_list ap;
	unsigned int slot;

	lock_take(&log_lock);
	slot = (unsigned int)(total++ % LOG_ENTRIES);
	ring[slot].tb = mftb();
	va_start(ap, fmt);
	vsnprintf(ring[slot].msg, LOG_MSG_LEN, fmt, ap);
	va_end(ap);
	lock_release(&log_lock);
}

void log_for_each(void (*fn)(uint64_t tb, const char *msg, void *arg), void *arg)
{
	uint64_t i, first;

	lock_take(&log_lock);
	first = total > LOG_ENTRIES ? total - LOG_ENTRIES : 0;
	for (i = first; i < total; i++)
		fn(ring[i % LOG_ENTRIES].tb, ring[i % LOG_ENTRIES].msg, arg);
	lock_release(&log_lock);
}

uint64_t log_total(void)
{
	return total;
}
