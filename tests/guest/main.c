/*
 * tcevisor test guest: a small PAPR partition that runs on tcevisor and on
 * QEMU's pseries machine. guest_main() reads the device tree, picks a mode
 * from the `mode=` word of /chosen/bootargs (default demo) and runs it.
 * Every mode ends with a documented console line (tests wait on them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "guest.h"

struct mode {
	const char *name;
	void (*run)(void);
};

static const struct mode modes[] = {
	{ "demo", mode_demo },
	{ "smp", mode_smp },
	{ "spin", mode_spin },
	{ "wild", mode_wild },
	{ "illegal", mode_illegal },
	{ "unknown", mode_unknown },
	{ "trap", mode_trap },
	{ "heartbeat", mode_heartbeat },
	{ "nullbench", mode_nullbench },
	{ "script", mode_script },
	{ "tcebench", mode_tcebench },
	{ "nvmedemo", mode_nvmedemo },
	{ "regs", mode_regs },
};

/*
 * The value of the last `key=value` word of bootargs (later words win, as
 * with appended options). Returns false if the key is absent.
 */
bool opt_str(const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);
	const char *p = dt.bootargs;
	bool found = false;

	while (*p) {
		size_t wlen;

		p += strspn(p, " \t\n");
		wlen = strcspn(p, " \t\n");
		if (wlen > klen && !strncmp(p, key, klen) && p[klen] == '=') {
			size_t vlen = wlen - klen - 1;

			if (vlen >= size)
				vlen = size - 1;
			memcpy(out, p + klen + 1, vlen);
			out[vlen] = '\0';
			found = true;
		}
		p += wlen;
	}
	return found;
}

/* A number option, decimal or 0x-hex. */
unsigned long opt_ulong(const char *key, unsigned long def)
{
	char buf[32], *end;
	unsigned long v;

	if (!opt_str(key, buf, sizeof(buf)))
		return def;
	v = strtoul(buf, &end, 0);
	return *buf && !*end ? v : def;
}

void guest_main(const void *fdt, long set_mode_rc, unsigned long fdt_moved_from)
{
	char mode[32] = "demo";
	int err = dt_init(fdt);

	if (err) {
		con_printf("guest: no usable FDT at %p: %s\n", fdt, fdt_strerror(err));
		power_off();
	}
	if (dt.vty)
		console_init(dt.vty);
	if (!dt.tb_freq)
		dt.tb_freq = 512000000;	/* POWER's usual; the cpu node lacked it */
	opt_str("mode", mode, sizeof(mode));
	printf("guest: tcevisor test guest, mode %s, fdt at 0x%lx\n", mode, (unsigned long)fdt);
	if (fdt_moved_from)
		printf("guest: fdt moved from 0x%lx (it overlapped the image)\n", fdt_moved_from);
	if (set_mode_rc)
		printf("guest: H_SET_MODE(LE) rc %ld\n", set_mode_rc);

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (!strcmp(mode, modes[i].name)) {
			modes[i].run();
			power_off();
		}
	}
	printf("guest: unknown mode '%s'\n", mode);
	power_off();
}

/* Every vector but the decrementer's ends here (entry.S). */
void guest_exception(unsigned long vec, unsigned long srr0, unsigned long srr1)
{
	unsigned long dar, dsisr;

	__asm__ volatile("mfspr %0, 19" : "=r"(dar));
	__asm__ volatile("mfspr %0, 18" : "=r"(dsisr));
	con_emergency();
	con_printf("guest: srr1 0x%lx dar 0x%lx dsisr 0x%lx\n", srr1, dar, dsisr);
	con_printf("guest: exception 0x%lx at 0x%lx\n", vec, srr0);
	power_off();
}
