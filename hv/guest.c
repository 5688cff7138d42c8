/*
 * The guest table: allocation, stopping, guest-memory access, LIOBNs.
 * Building a guest from its configuration is hv/guest_build.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arch/radix.h>
#include <hv/guest.h>
#include <hv/passthrough.h>
#include <hv/sched.h>
#include <iommu/tce_table.h>
#include <lib/console.h>
#include <lib/log.h>

/* guest id = LPID: every guest needs an entry of the partition table */
_Static_assert(GUESTS_MAX <= RADIX_LPID_MAX, "partition table too small");

static struct guest guests[GUESTS_MAX];
static unsigned int nr_guests;

unsigned int guest_count(void)
{
	return nr_guests;
}

struct guest *guest_by_id(unsigned int id)
{
	if (id < 1 || id > nr_guests || guests[id - 1].state == GUEST_FREE)
		return NULL;
	return &guests[id - 1];
}

struct guest *guest_alloc(const char *name)
{
	struct guest *g;

	if (nr_guests == GUESTS_MAX)
		return NULL;
	g = &guests[nr_guests];
	memset(g, 0, sizeof(*g));
	g->id = ++nr_guests;
	g->lock = (struct lock)LOCK_INIT;
	snprintf(g->name, sizeof(g->name), "%s", name);
	return g;
}

void guest_free_last(struct guest *g)
{
	if (g->id == nr_guests) {
		g->state = GUEST_FREE;
		nr_guests--;
	}
}

void guest_stop(struct guest *g, const char *fmt, ...)
{
	va_list ap;
	unsigned int i;
	bool first;

	lock_take(&g->lock);
	first = g->state == GUEST_RUNNING;
	if (first) {
		va_start(ap, fmt);
		vsnprintf(g->reason, sizeof(g->reason), fmt, ap);
		va_end(ap);
		g->state = GUEST_STOPPED;
	}
	lock_release(&g->lock);
	if (!first)
		return;
	/* its devices stop DMA: nothing of a stopped guest's may run on */
	passthrough_enable(g, false);
	printf("tcevisor: guest %s stopped: %s\n", g->name, g->reason);
	log_event("guest %s stopped: %s", g->name, g->reason);
	for (i = 0; i < g->nr_vcpus; i++) {
		__atomic_store_n(&g->vcpus[i].state, VCPU_HALTED, __ATOMIC_SEQ_CST);
		sched_kick(&g->vcpus[i]);
	}
}

bool guest_all_stopped(void)
{
	unsigned int i;

	for (i = 0; i < nr_guests; i++)
		if (guests[i].state == GUEST_RUNNING)
			return false;
	return true;
}

void *guest_ram_ptr(struct guest *g, uint64_t gpa, uint64_t len)
{
	uint64_t hpa;

	if (!guest_mem_translate(&g->mem, gpa, len, &hpa))
		return NULL;
	return (void *)(uintptr_t)hpa;
}
