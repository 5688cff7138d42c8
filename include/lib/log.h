/*
 * A ring of recent hypervisor events (guest start/stop, configuration
 * errors, link/unlink, kill failures) for the debug shell's `log`. Fixed
 * size: the oldest entries are overwritten.
 */
#ifndef LIB_LOG_H
#define LIB_LOG_H

#include <stdint.h>

#define LOG_ENTRIES	64
#define LOG_MSG_LEN	96

__attribute__((format(printf, 1, 2)))
void log_event(const char *fmt, ...);
/* Call fn for each entry, oldest first. */
void log_for_each(void (*fn)(uint64_t tb, const char *msg, void *arg), void *arg);
uint64_t log_total(void);

#endif /* LIB_LOG_H */
