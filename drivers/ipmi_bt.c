/*
 * IPMI Block Transfer interface (LPC I/O 0xe4 on QEMU powernv): just enough
 * to send a Chassis Control request (boot-and-guest.md §2.3).
 *
 * A request is: CLR_WR_PTR, then the bytes (length, NetFn/LUN, sequence,
 * command, data) into BT_BUF, then H2B_ATN. QEMU's BMC acts on it at once.
 */
#include <stdint.h>
#include <drivers/ipmi.h>
#include <drivers/lpc.h>

#define BT_CTRL			0
#define BT_BUF			1
#define BT_CTRL_CLR_WR_PTR	0x01
#define BT_CTRL_H2B_ATN		0x04
#define NETFN_CHASSIS		0x00
#define CMD_CHASSIS_CONTROL	0x02
#define CHASSIS_POWER_DOWN	0x00
#define CHASSIS_HARD_RESET	0x03

static uint32_t bt_port;
static bool present;
static uint8_t seq;

bool ipmi_init(const void *fdt)
{
	present = lpc_find_io(fdt, "ipmi-bt", &bt_port);
	return present;
}

static void chassis_control(uint8_t action)
{
	const uint8_t msg[] = { 4, NETFN_CHASSIS << 2, seq++, CMD_CHASSIS_CONTROL, action };
	unsigned int i;

	if (!present)
		return;
	lpc_outb(bt_port + BT_CTRL, BT_CTRL_CLR_WR_PTR);
	for (i = 0; i < sizeof(msg); i++)
		lpc_outb(bt_port + BT_BUF, msg[i]);
	lpc_outb(bt_port + BT_CTRL, BT_CTRL_H2B_ATN);
}

void ipmi_power_off(void)
{
	chassis_control(CHASSIS_POWER_DOWN);
}

void ipmi_reset(void)
{
	chassis_control(CHASSIS_HARD_RESET);
}
