/*
 * mode=demo: print a summary of the device tree, then serve the console:
 * echo each input line, power off on "quit", and print a tick every ~5 s
 * of timebase. Between polls the vCPU yields with H_CEDE.
 */
#include <stdio.h>
#include <string.h>
#include "guest.h"
#include "papr.h"

#define LINE_MAX	128

struct line {
	char buf[LINE_MAX + 1];
	size_t len;
	bool after_cr;		/* a CR ended the last line: skip one LF */
};

/* Feed one input byte; true when it completed a line (CR, LF or CRLF). */
static bool line_feed(struct line *l, char c)
{
	bool lf_after_cr = c == '\n' && l->after_cr;

	l->after_cr = c == '\r';
	if (lf_after_cr)
		return false;
	if (c == '\r' || c == '\n') {
		l->buf[l->len] = '\0';
		return true;
	}
	if ((c == '\b' || c == 0x7f) && l->len)
		l->len--;
	else if (c >= 0x20 && c < 0x7f && l->len < LINE_MAX)
		l->buf[l->len++] = c;
	return false;
}

static void handle_line(struct line *l)
{
	printf("demo: you typed '%s'\n", l->buf);
	if (!strcmp(l->buf, "quit"))
		power_off();
	l->len = 0;
}

/*
 * Yield until the hypervisor thinks we should look again. On pseries
 * H_CEDE sets MSR[EE] and wakes on the next interrupt, which can only be
 * the decrementer: arm it for 10 ms (entry.S's 0x900 handler re-arms it
 * far out), and turn EE off again afterwards.
 */
static long cede(void)
{
	unsigned long dec = dt.tb_freq / 100;
	long rc;

	__asm__ volatile("mtspr 22, %0" : : "r"(dec));
	rc = hcall2(H_CEDE, 0, 0);
	__asm__ volatile("mtmsrd %0, 1" : : "r"(MSR_RI) : "memory");
	return rc;
}

void mode_demo(void)
{
	struct line l = { .len = 0 };
	uint64_t period = dt.tb_freq * 5, next_tick = mftb() + period;
	unsigned long ticks = 0;
	bool can_cede = true;
	char in[16];

	dt_print_summary();
	printf("demo: ready\n");
	for (;;) {
		int n = console_read(in);

		for (int i = 0; i < n; i++)
			if (line_feed(&l, in[i]))
				handle_line(&l);
		if ((int64_t)(mftb() - next_tick) >= 0) {
			printf("demo: tick %lu\n", ++ticks);
			next_tick += period;
		}
		/* An error means this hypervisor has no H_CEDE: just poll. */
		if (!n && can_cede)
			can_cede = cede() == H_SUCCESS;
	}
}
