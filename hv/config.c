/*
 * The configuration: a device tree (configs/, described in docs/config.md) naming
 * the guests to run. Each /guests/<name> node is validated on its own; a
 * bad one is reported with its node path and skipped, and the others still
 * start.
 *
 *   /guests/<name> {
 *       memory = <bytes>;                 1 or 2 cells, multiple of 2 MiB
 *       vcpus = <n>;                      1..GUEST_VCPUS_MAX, default 1
 *       image = "testguest";              an image built into tcevisor
 *       bootargs = "...";                 the guest's /chosen/bootargs
 *       host-address = <addr>;            optional fixed host placement
 *       pci-devices = "0000:01:00.0", ... assigned devices (as listed at boot)
 *       script = [bytes];                 optional, the guest's tcevisor,script
 *       dma-window-0 { size = <bytes>; page-shift = <12>; levels = <1>; };
 *       dma-window-1 { ... };             at bus address 2^59
 *   };
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <drivers/phb.h>
#include <hv/config.h>
#include <hv/guest_build.h>
#include <hv/images.h>
#include <hv/platform.h>
#include <lib/fdt_util.h>
#include <lib/log.h>

static unsigned int errors;

__attribute__((format(printf, 2, 3)))
static bool bad(const char *node, const char *fmt, ...)
{
	va_list ap;
	char msg[160];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("config: /guests/%s: %s; guest not started\n", node, msg);
	log_event("config: /guests/%s: %s", node, msg);
	errors++;
	return false;
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static struct phb_pe *find_device(const char *name)
{
	unsigned int i;

	for (i = 0; i < phb_pe_count(); i++) {
		struct phb_pe *pe = phb_pe_get(i);
		char buf[PCI_NAME_LEN];

		pci_dev_name(pe->dev, buf);
		if (!strcmp(buf, name))
			return pe;
	}
	return NULL;
}

static bool parse_devices(const void *cfg, int node, const char *name, struct guest_spec *s)
{
	int len, off = 0;
	const char *list = fdt_getprop(cfg, node, "pci-devices", &len);

	while (list && off < len) {
		const char *dev = list + off;
		struct phb_pe *pe = find_device(dev);
		unsigned int k;

		off += (int)strlen(dev) + 1;
		if (!pe)
			return bad(name, "pci-devices: no device %s (or it has no PE)", dev);
		if (guest_build_device_owner(pe))
			return bad(name, "pci-devices: %s is already given to guest %s", dev,
				   guest_build_device_owner(pe));
		for (k = 0; k < s->nr_devs; k++)
			if (s->devs[k] == pe)
				return bad(name, "pci-devices: %s listed twice", dev);
		if (s->nr_devs == GUEST_DEVS_MAX)
			return bad(name, "pci-devices: more than %d devices", GUEST_DEVS_MAX);
		s->devs[s->nr_devs++] = pe;
	}
	return true;
}


static bool parse_window(const void *cfg, int node, const char *name, int w,
			 struct guest_spec *s)
{
	char wname[16];
	unsigned int bits;
	int wn;

	snprintf(wname, sizeof(wname), "dma-window-%d", w);
	wn = fdt_subnode_offset(cfg, node, wname);
	if (wn < 0)
		return true;
	s->win[w].present = true;
	s->win[w].size = fdtu_cells(cfg, wn, "size", 0);
	s->win[w].page_shift = fdtu_u32(cfg, wn, "page-shift", 12);
	s->win[w].levels = fdtu_u32(cfg, wn, "levels", 1);
	if (!is_pow2(s->win[w].size))
		return bad(name, "%s: size 0x%lx is not a power of two", wname, s->win[w].size);
	if (s->win[w].page_shift < 12 || s->win[w].page_shift > 30 ||
	    s->win[w].size < (1ULL << s->win[w].page_shift))
		return bad(name, "%s: page-shift %u impossible for size 0x%lx", wname,
			   s->win[w].page_shift, s->win[w].size);
	if (!guest_build_hw_page_shift(s, s->win[w].page_shift))
		return bad(name, "%s: a PHB of its devices has no IOMMU page of %lu KiB or less",
			   wname, (1UL << s->win[w].page_shift) >> 10);
	if (s->win[w].levels < 1 || s->win[w].levels > 5)
		return bad(name, "%s: levels %u not in 1..5", wname, s->win[w].levels);
	/* equal levels of at least 512 entries (4 KiB), in hardware pages */
	bits = (unsigned int)__builtin_ctzll(s->win[w].size) -
	       guest_build_hw_page_shift(s, s->win[w].page_shift);
	if (bits % s->win[w].levels || bits / s->win[w].levels < 9)
		return bad(name, "%s: 2^%u entries cannot make %u equal levels of at least 512",
			   wname, bits, s->win[w].levels);
	return true;
}

static bool parse_guest(const void *cfg, int node, struct guest_spec *s)
{
	const char *name = fdt_get_name(cfg, node, NULL);
	int w;

	memset(s, 0, sizeof(*s));
	s->name = name;
	if (strlen(name) >= GUEST_NAME_LEN)
		return bad(name, "name longer than %d characters", GUEST_NAME_LEN - 1);
	s->memory = fdtu_cells(cfg, node, "memory", 0);
	if (!s->memory || s->memory % (2 << 20) || s->memory < (16 << 20))
		return bad(name, "memory 0x%lx: need a multiple of 2 MiB, at least 16 MiB",
			   s->memory);
	s->vcpus = fdtu_u32(cfg, node, "vcpus", 1);
	if (s->vcpus < 1 || s->vcpus > GUEST_VCPUS_MAX)
		return bad(name, "vcpus %u not in 1..%d", s->vcpus, GUEST_VCPUS_MAX);
	s->image = image_find(fdt_getprop(cfg, node, "image", NULL));
	if (!s->image)
		return bad(name, "image: unknown (built in: %s)", image_names());
	s->bootargs = fdt_getprop(cfg, node, "bootargs", NULL);
	s->script = fdt_getprop(cfg, node, "script", &s->script_len);
	if (!s->script)
		s->script_len = 0;
	s->host_address = fdtu_cells(cfg, node, "host-address", 0);
	if (!parse_devices(cfg, node, name, s))
		return false;
	for (w = 0; w < TCE_WINDOWS; w++)
		if (!parse_window(cfg, node, name, w, s))
			return false;
	return true;
}

unsigned int config_start_guests(const void *cfg)
{
	struct guest_spec spec;
	int guests, node;
	unsigned int started = 0;

	errors = 0;
	if (!cfg)
		return 0;
	guests = fdt_path_offset(cfg, "/guests");
	if (guests < 0)
		return 0;
	fdt_for_each_subnode(node, cfg, guests) {
		char err[160];

		if (!parse_guest(cfg, node, &spec))
			continue;
		if (guest_build(&spec, err, sizeof(err)))
			started++;
		else
			bad(spec.name, "%s", err);
	}
	return started;
}

unsigned int config_errors(void)
{
	return errors;
}
