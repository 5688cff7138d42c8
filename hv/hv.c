/*
 * The hypervisor proper: start the guests of the configuration, then run
 * the scheduler. Between guest runs the boot CPU does the housekeeping:
 * console input (routed to the focused guest or to the debug shell) and,
 * with the option exit-when-done, powering off once every guest stopped.
 */
#include <stdio.h>
#include <string.h>
#include <arch/cpu.h>
#include <arch/radix.h>
#include <arch/spr.h>
#include <drivers/ipmi.h>
#include <hv/config.h>
#include <hv/guest.h>
#include <hv/main.h>
#include <hv/memory.h>
#include <hv/options.h>
#include <hv/platform.h>
#include <hv/sched.h>
#include <hv/shell.h>
#include <hv/vcons.h>
#include <lib/console.h>
#include <lib/panic.h>

static bool exit_when_done;

void hv_power_off(void)
{
	printf("tcevisor: powering off\n");
	ipmi_power_off();
	panic_halt();
}

bool hv_housekeeping(void)
{
	bool busy = false;
	int c;

	while (vcons_accepting() && (c = console_getc()) >= 0) {
		busy = true;
		c = vcons_input(c);
		if (c >= 0)
			shell_input(c);
	}
	if (exit_when_done && guest_count() && guest_all_stopped()) {
		printf("tcevisor: every guest has stopped\n");
		hv_power_off();
	}
	return busy;
}

static void start_guests(void)
{
	unsigned int n;

	if (!platform.config)
		return;
	if (!cpu_has_radix()) {
		printf("guests: not on %s (no radix MMU); none started\n", cpu_model_name());
		return;
	}
	radix_partition_table_init(memory_alloc_zeroed(4096));
	n = config_start_guests(platform.config);
	printf("guests: %u started, %u rejected\n", n, config_errors());
}

void hv_main(void)
{
	exit_when_done = options_get("exit-when-done") != NULL;
	/* benchmarks: count hypervisor instructions in PMC6 (all CPUs) */
	this_cpu()->pmu_gate = options_get("pmu-gate") ? 0x80000000 : 0;	/* MMCR0[FC] */
	start_guests();
	printf("tcevisor: ready\n");
	shell_prompt();
	sched_start();
}
