/*
 * The system-call layer newlib expects (built with -UMISSING_SYSCALL_NAMES,
 * so these are the underscored names). fd 1 and 2 are the console; stdout
 * is line-buffered (_isatty), so printf reaches _write one whole line at a
 * time. _sbrk hands out the small heap of guest.ld for that buffer.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/stat.h>
#include "guest.h"

#undef errno
extern int errno;
extern char __heap_start[], __heap_end[];

int _write(int fd, const void *buf, size_t len);
int _read(int fd, void *buf, size_t len);
int _close(int fd);
long _lseek(int fd, long off, int whence);
int _fstat(int fd, struct stat *st);
int _isatty(int fd);
void *_sbrk(ptrdiff_t incr);
void _exit(int status);
int _kill(int pid, int sig);
int _getpid(void);
void __stack_chk_fail(void);

int _write(int fd, const void *buf, size_t len)
{
	if (fd != 1 && fd != 2) {
		errno = EBADF;
		return -1;
	}
	console_write(buf, len);
	return (int)len;
}

int _read(int fd, void *buf, size_t len)
{
	errno = EBADF;
	return -1;
}

int _close(int fd)
{
	errno = EBADF;
	return -1;
}

long _lseek(int fd, long off, int whence)
{
	errno = ESPIPE;
	return -1;
}

int _fstat(int fd, struct stat *st)
{
	st->st_mode = S_IFCHR;
	return 0;
}

int _isatty(int fd)
{
	return 1;
}

void *_sbrk(ptrdiff_t incr)
{
	static char *brk = __heap_start;
	char *old = brk;

	if (incr < 0 || incr > __heap_end - brk) {
		errno = ENOMEM;
		return (void *)-1;
	}
	brk += incr;
	return old;
}

void _exit(int status)
{
	power_off();
}

int _kill(int pid, int sig)
{
	errno = EINVAL;
	return -1;
}

int _getpid(void)
{
	return 1;
}

/* libfdt is built with the stack protector (its canary is at r13-0x7010). */
void __stack_chk_fail(void)
{
	con_printf("guest: stack protector: canary overwritten\n");
	power_off();
}
