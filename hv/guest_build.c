/*
 * Building a guest: host RAM (zeroed), its radix tree, the image at
 * guest-real 0, its DMA window tables linked to its devices' PEs, its
 * device tree, and its vCPUs handed to the scheduler. Every step that can
 * fail comes before the guest is started; a failure undoes nothing that
 * could matter (memory is never returned, tables and links are released).
 */
#include <stdio.h>
#include <string.h>
#include <arch/ppc.h>
#include <drivers/phb.h>
#include <hv/guest_build.h>
#include <hv/guest_fdt.h>
#include <hv/memory.h>
#include <hv/passthrough.h>
#include <hv/sched.h>
#include <iommu/table_group.h>
#include <iommu/tce_table.h>
#include <lib/log.h>

/* FDT at the top of RAM, below the last 2 MiB, as QEMU pseries does. */
#define FDT_FROM_TOP	(2ULL << 20)

static const struct guest *owner[PHB_PE_MAX];

const char *guest_build_device_owner(const struct phb_pe *pe)
{
	unsigned int i = phb_pe_index(pe);

	return i < PHB_PE_MAX && owner[i] ? owner[i]->name : NULL;
}

unsigned int guest_build_hw_page_shift(const struct guest_spec *s, unsigned int shift)
{
	uint64_t ok = ~0ULL & ((2ULL << shift) - 1);	/* sizes up to 1 << shift */
	unsigned int k;

	for (k = 0; k < s->nr_devs; k++)
		ok &= s->devs[k]->phb->iommu.page_sizes;
	if (!s->nr_devs)	/* no device yet: any size the core accepts */
		return shift;
	return ok ? 63 - (unsigned int)__builtin_clzll(ok) : 0;
}

static bool place_ram(struct guest *g, const struct guest_spec *s, char *err, size_t len)
{
	uint64_t align = 2ULL << 20;
	int w;

	/* Host pages must be aligned for the largest IOMMU page too. */
	for (w = 0; w < TCE_WINDOWS; w++)
		if (s->win[w].present && (1ULL << s->win[w].page_shift) > align)
			align = 1ULL << s->win[w].page_shift;
	if (s->host_address) {
		int rc;

		if (s->host_address & (align - 1)) {
			snprintf(err, len, "host-address 0x%lx not aligned to 0x%lx",
				 s->host_address, align);
			return false;
		}
		rc = memory_claim(s->host_address, s->memory);
		if (rc) {
			snprintf(err, len, "host-address 0x%lx size 0x%lx %s", s->host_address,
				 s->memory, rc == -1 ? "overlaps memory already in use" :
				 "is not in RAM");
			return false;
		}
		g->ram_hpa = s->host_address;
	} else {
		g->ram_hpa = memory_carve(s->memory, align);
		if (!g->ram_hpa) {
			snprintf(err, len, "not enough free memory for 0x%lx bytes", s->memory);
			return false;
		}
	}
	g->ram_size = s->memory;
	memset((void *)(uintptr_t)g->ram_hpa, 0, g->ram_size);
	g->mem.nr = 1;
	g->mem.r[0] = (struct guest_mem_range)GUEST_MEM_RANGE(0, g->ram_hpa, g->ram_size);
	if (!radix_tree_init(&g->radix, memory_alloc_zeroed) ||
	    !radix_map(&g->radix, 0, g->ram_hpa, g->ram_size, RADIX_RAM)) {
		snprintf(err, len, "no memory for page tables");
		return false;
	}
	return true;
}

static void release_windows(struct guest *g)
{
	unsigned int w, k;

	for (w = 0; w < TCE_WINDOWS; w++) {
		if (!g->win[w].tbl)
			continue;
		for (k = 0; k < g->nr_devs; k++)
			iommu_unlink(g->win[w].tbl, &g->devs[k]->group);
		tce_table_put(g->win[w].tbl);
		g->win[w].tbl = NULL;
	}
}

/* One table per window, linked to every device's PE. */
static bool make_windows(struct guest *g, const struct guest_spec *s, char *err, size_t len)
{
	unsigned int w, k;

	for (w = 0; w < TCE_WINDOWS; w++) {
		struct tce_table_geometry geo = {
			.bus_offset = w ? TCE_WINDOW1_BUS : 0,
			.window_size = s->win[w].size,
			.page_shift = s->win[w].page_shift,
			.hw_page_shift = guest_build_hw_page_shift(s, s->win[w].page_shift),
			.levels = s->win[w].levels,
		};
		struct tce_table *t;
		int rc;

		if (!s->win[w].present)
			continue;
		t = hv_tce_pool() ? tce_table_create(hv_tce_pool(), &geo, &rc) : NULL;
		if (!t) {
			snprintf(err, len, "dma-window-%u: %s", w,
				 hv_tce_pool() ? iommu_strerror(rc) : "no TCE pool");
			return false;
		}
		t->owner = g->id;
		t->liobn = GUEST_LIOBN(g->id, w);
		g->win[w] = (struct guest_window){ t, t->liobn };
		for (k = 0; k < g->nr_devs; k++) {
			rc = iommu_link(t, &g->devs[k]->group, (int)w);
			if (rc) {
				snprintf(err, len, "dma-window-%u: linking %s pe %u: %s", w,
					 g->devs[k]->phb->name, g->devs[k]->pe, iommu_strerror(rc));
				return false;
			}
		}
	}
	return true;
}

static bool load(struct guest *g, const struct guest_spec *s, char *err, size_t len)
{
	uint64_t size = (uint64_t)(s->image->end - s->image->start);
	struct guest_fdt_args args = { s->bootargs, s->script, s->script_len,
				       passthrough_fdt_dev, passthrough_fdt_vphb };

	g->fdt_gpa = g->ram_size - FDT_FROM_TOP;
	if (size > g->fdt_gpa) {
		snprintf(err, len, "image of %lu bytes does not fit", size);
		return false;
	}
	memcpy((void *)(uintptr_t)g->ram_hpa, s->image->start, size);
	if (guest_fdt_build(g, guest_ram_ptr(g, g->fdt_gpa, GUEST_FDT_MAX), GUEST_FDT_MAX,
			    &args)) {
		snprintf(err, len, "device tree larger than %d bytes", GUEST_FDT_MAX);
		return false;
	}
	return true;
}

static void start_vcpus(struct guest *g, unsigned int n)
{
	unsigned int i;

	g->nr_vcpus = n;
	for (i = 0; i < n; i++) {
		struct vcpu *v = &g->vcpus[i];

		v->guest = g;
		v->index = i;
		arch_vcpu_sprs_init(&v->sprs);
		v->state = i ? VCPU_STOPPED : VCPU_RUNNABLE;
		sched_add_vcpu(v);
	}
	/* vCPU 0 enters at the image's entry, little-endian, MMU off, r3 = FDT */
	g->vcpus[0].regs.pc = GUEST_ENTRY;
	g->vcpus[0].regs.msr = MSR_SF | MSR_ME | MSR_LE | MSR_RI;
	g->vcpus[0].regs.gpr[3] = g->fdt_gpa;
}

static void report(const struct guest *g)
{
	unsigned int w, k;

	printf("guest %s: id %u, %lu MiB at 0x%lx, %u vcpu(s)", g->name, g->id,
	       g->ram_size >> 20, g->ram_hpa, g->nr_vcpus);
	for (w = 0; w < TCE_WINDOWS; w++)
		if (g->win[w].tbl)
			printf(", window %u liobn 0x%lx table %u", w, g->win[w].liobn,
			       g->win[w].tbl->id);
	for (k = 0; k < g->nr_devs; k++) {
		char name[PCI_NAME_LEN];

		pci_dev_name(g->devs[k]->dev, name);
		printf("%s%s", k ? " " : ", devices ", name);
	}
	printf("\n");
}

bool guest_build(const struct guest_spec *s, char *err, size_t errlen)
{
	struct guest *g = guest_alloc(s->name);
	unsigned int k;

	if (!g) {
		snprintf(err, errlen, "more than %d guests", GUESTS_MAX);
		return false;
	}
	g->nr_devs = s->nr_devs;
	g->nr_vcpus = s->vcpus;		/* the device tree lists them */
	for (k = 0; k < s->nr_devs; k++)
		g->devs[k] = s->devs[k];
	if (!place_ram(g, s, err, errlen) || !make_windows(g, s, err, errlen) ||
	    !passthrough_setup(g, err, errlen) || !load(g, s, err, errlen)) {
		release_windows(g);
		guest_free_last(g);
		return false;
	}
	for (k = 0; k < s->nr_devs; k++)
		owner[phb_pe_index(s->devs[k])] = g;
	g->lpcr = arch_guest_lpcr(false);
	radix_set_partition(g->id, &g->radix);
	g->state = GUEST_RUNNING;
	passthrough_enable(g, true);
	start_vcpus(g, s->vcpus);
	report(g);
	log_event("guest %s started: %lu MiB, %u vcpu(s), %u device(s)", g->name,
		  g->ram_size >> 20, g->nr_vcpus, g->nr_devs);
	return true;
}
