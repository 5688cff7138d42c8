/* Guest consoles multiplexed on the hypervisor UART (see vcons.h). */
#include <stdio.h>
#include <string.h>
#include <arch/spr.h>
#include <hv/platform.h>
#include <hv/sched.h>
#include <hv/vcons.h>
#include <lib/console.h>

static volatile unsigned int focus;	/* 0 = hypervisor */

static bool in_full(const struct guest *g)
{
	return g->cons.in_head - g->cons.in_tail >= sizeof(g->cons.in);
}

static void flush_line(struct guest *g)
{
	console_lock();
	printf("[%s] %.*s\n", g->name, (int)g->cons.len, g->cons.line);
	console_unlock();
	g->cons.len = 0;
}

/* Called only from g's vCPUs: vCPUs of one guest may sit on several CPUs,
 * so the line buffer is guarded by the guest lock. */
void vcons_put(struct guest *g, const char *s, size_t n)
{
	size_t i;

	lock_take(&g->lock);
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\r')
			continue;
		if (c == '\n') {
			/* a line that just filled the buffer is out already */
			if (g->cons.len || !g->cons.wrapped)
				flush_line(g);
			g->cons.wrapped = false;
			continue;
		}
		/* keep the console readable: no control bytes from guests */
		g->cons.line[g->cons.len++] = (c >= 0x20 && c < 0x7f) || c == '\t' ? c : '?';
		g->cons.wrapped = false;
		if (g->cons.len == sizeof(g->cons.line)) {
			flush_line(g);
			g->cons.wrapped = true;
		}
	}
	lock_release(&g->lock);
}

/* Any of g's vCPUs may call this at once: the guest lock makes them take
 * turns, so in_tail never passes in_head (vcons_input, the one producer,
 * needs no lock). */
size_t vcons_get(struct guest *g, char *buf, size_t max)
{
	size_t n = 0;
	unsigned int tail;

	lock_take(&g->lock);
	g->cons.last_read_tb = mftb();
	tail = g->cons.in_tail;
	while (n < max && tail != __atomic_load_n(&g->cons.in_head, __ATOMIC_ACQUIRE))
		buf[n++] = (char)g->cons.in[tail++ % sizeof(g->cons.in)];
	__atomic_store_n(&g->cons.in_tail, tail, __ATOMIC_RELEASE);
	lock_release(&g->lock);
	return n;
}

static void next_focus(void)
{
	unsigned int id = focus;

	do {
		id = (id + 1) % (guest_count() + 1);
	} while (id && (!guest_by_id(id) || guest_by_id(id)->state != GUEST_RUNNING));
	focus = id;
	printf("\n[focus: %s]\n", id ? guest_by_id(id)->name : "hypervisor (hv>)");
}

int vcons_input(int c)
{
	struct guest *g;

	if (c == VCONS_FOCUS_KEY) {
		next_focus();
		return -1;
	}
	g = focus ? guest_by_id(focus) : NULL;
	if (!g || g->state != GUEST_RUNNING) {
		focus = 0;
		return c;
	}
	/* full only if vcons_accepting() gave up on this guest: drop */
	if (in_full(g)) {
		g->cons.in_dropped++;
	} else {
		g->cons.in[g->cons.in_head % sizeof(g->cons.in)] = (uint8_t)c;
		__atomic_store_n(&g->cons.in_head, g->cons.in_head + 1, __ATOMIC_RELEASE);
	}
	sched_prod(&g->vcpus[0]);
	return -1;
}

bool vcons_accepting(void)
{
	struct guest *g = focus ? guest_by_id(focus) : NULL;

	if (!g || g->state != GUEST_RUNNING || !in_full(g))
		return true;
	sched_prod(&g->vcpus[0]);
	return tb_to_us(mftb() - g->cons.last_read_tb) > VCONS_STALL_MS * 1000ULL;
}
