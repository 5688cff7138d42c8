/*
 * The hypervisor's main loop on the boot CPU. For now: report ready and
 * serve a minimal console (help, poweroff) until the debug shell lands.
 */
#include <stdio.h>
#include <string.h>
#include <drivers/ipmi.h>
#include <hv/main.h>
#include <lib/console.h>
#include <lib/panic.h>
#include <arch/cpu.h>
#include <hv/platform.h>

void hv_power_off(void)
{
	printf("tcevisor: powering off\n");
	ipmi_power_off();
	panic_halt();
}

static void run_command(const char *line)
{
	if (!strcmp(line, "poweroff"))
		hv_power_off();
	else if (!strcmp(line, "help") || !line[0])
		printf("commands: help, poweroff\n");
	else
		printf("unknown command '%s' (try help)\n", line);
}

void hv_main(void)
{
	char line[80];
	size_t len = 0;

	printf("tcevisor: ready\n");
	printf("hv> ");
	for (;;) {
		int c = console_getc();

		if (c < 0) {
			/* Nothing typed: sleep 1 ms rather than spin a host core. */
			cpu_sleep_tb(platform.tb_hz / 1000);
			continue;
		}
		if (c == '\r' || c == '\n') {
			line[len] = '\0';
			printf("\n");
			run_command(line);
			len = 0;
			printf("hv> ");
		} else if (c >= 0x20 && c < 0x7f && len < sizeof(line) - 1) {
			line[len++] = (char)c;
			printf("%c", c);
		}
	}
}
