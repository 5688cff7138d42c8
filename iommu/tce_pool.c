/*
 * Buddy allocator for TCE table levels.
 *
 * Free blocks are kept on one doubly linked list per order, the links
 * stored in the free memory itself; free_order[] marks the first page of
 * every free block with its order, which is all a merge needs to know
 * whether a buddy is free. Lock: p->lock, a leaf (see tce_table.c).
 */
#include <string.h>
#include <iommu/tce_pool.h>
#include <lib/panic.h>

struct tce_pool_block {
	struct tce_pool_block *next, *prev;
};

static uint64_t block_bytes(unsigned int order)
{
	return TCE_POOL_PAGE << order;
}

static uint32_t page_of(const struct tce_pool *p, const void *va)
{
	return (uint32_t)(((const uint8_t *)va - p->base) >> TCE_POOL_PAGE_SHIFT);
}

static void list_add(struct tce_pool *p, struct tce_pool_block *b, unsigned int order)
{
	b->prev = NULL;
	b->next = p->free[order];
	if (b->next)
		b->next->prev = b;
	p->free[order] = b;
	p->free_order[page_of(p, b)] = (uint8_t)(order + 1);
}

static void list_del(struct tce_pool *p, struct tce_pool_block *b, unsigned int order)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		p->free[order] = b->next;
	if (b->next)
		b->next->prev = b->prev;
	p->free_order[page_of(p, b)] = 0;
}

unsigned int tce_pool_order_for(uint64_t bytes)
{
	unsigned int order = 0;

	while (block_bytes(order) < bytes)
		order++;
	return order;
}

bool tce_pool_init(struct tce_pool *p, void *base, uint64_t hpa_base, uint64_t size)
{
	uint64_t off = 0;

	memset(p, 0, sizeof(*p));
	p->lock = (struct lock)LOCK_INIT;
	size &= ~(TCE_POOL_PAGE - 1);
	if (size > (uint64_t)TCE_POOL_MAX_PAGES << TCE_POOL_PAGE_SHIFT)
		size = (uint64_t)TCE_POOL_MAX_PAGES << TCE_POOL_PAGE_SHIFT;
	if (!base || size == 0 || ((uintptr_t)base | hpa_base) & (TCE_POOL_PAGE - 1))
		return false;
	p->base = base;
	p->hpa_base = hpa_base;
	p->size = size;
	p->npages = (uint32_t)(size >> TCE_POOL_PAGE_SHIFT);
	p->max_order = TCE_POOL_ORDERS - 1;
	while (p->max_order > 0 && block_bytes(p->max_order) > size)
		p->max_order--;
	/* Blocks are aligned relative to base: base and hpa_base must share
	 * the largest block's alignment or tables would be misaligned. */
	while (p->max_order > 0 &&
	       (((uintptr_t)base | hpa_base) & (block_bytes(p->max_order) - 1)))
		p->max_order--;
	/* Carve the region into the largest aligned blocks that fit. */
	while (off < size) {
		unsigned int order = p->max_order;

		while (order > 0 && ((off & (block_bytes(order) - 1)) ||
				     off + block_bytes(order) > size))
			order--;
		list_add(p, (struct tce_pool_block *)(p->base + off), order);
		off += block_bytes(order);
	}
	p->bytes_free = size;
	return true;
}

void *tce_pool_alloc(struct tce_pool *p, unsigned int order)
{
	struct tce_pool_block *b = NULL;
	unsigned int o;

	if (order > p->max_order)
		return NULL;
	lock_take(&p->lock);
	for (o = order; o <= p->max_order; o++) {
		if (p->free[o]) {
			b = p->free[o];
			list_del(p, b, o);
			break;
		}
	}
	if (!b) {
		p->failures++;
		lock_release(&p->lock);
		return NULL;
	}
	/* Split down to the wanted order, freeing the upper halves. */
	while (o > order) {
		o--;
		list_add(p, (struct tce_pool_block *)((uint8_t *)b + block_bytes(o)), o);
	}
	p->bytes_free -= block_bytes(order);
	p->allocs++;
	lock_release(&p->lock);
	memset(b, 0, block_bytes(order));
	return b;
}

void tce_pool_free(struct tce_pool *p, void *blk, unsigned int order)
{
	uint8_t *b = blk;
	uint64_t off;

	CHECK(b >= p->base && b < p->base + p->size && order <= p->max_order);
	off = (uint64_t)(b - p->base);
	CHECK((off & (block_bytes(order) - 1)) == 0 && off + block_bytes(order) <= p->size);
	lock_take(&p->lock);
	CHECK(p->free_order[page_of(p, b)] == 0);	/* double free */
	p->bytes_free += block_bytes(order);
	p->frees++;
	/* Merge with the buddy while it is free and of the same order. */
	while (order < p->max_order) {
		uint64_t buddy_off = off ^ block_bytes(order);
		uint8_t *buddy = p->base + buddy_off;

		if (buddy_off + block_bytes(order) > p->size ||
		    p->free_order[buddy_off >> TCE_POOL_PAGE_SHIFT] != order + 1)
			break;
		list_del(p, (struct tce_pool_block *)buddy, order);
		off &= ~block_bytes(order);
		order++;
	}
	list_add(p, (struct tce_pool_block *)(p->base + off), order);
	lock_release(&p->lock);
}

uint64_t tce_pool_hpa(const struct tce_pool *p, const void *va)
{
	return p->hpa_base + (uint64_t)((const uint8_t *)va - p->base);
}

void *tce_pool_va(const struct tce_pool *p, uint64_t hpa)
{
	if (hpa < p->hpa_base || hpa - p->hpa_base >= p->size)
		return NULL;
	return p->base + (hpa - p->hpa_base);
}
