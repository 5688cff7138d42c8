/*
 * Table groups (one per PE) and the links that join them to TCE tables.
 * Locking and lifetime are described at the top of tce_table.c; the order
 * here is group lock, then table lock, then (inside phb_ops) the PHB's.
 */
#include <stddef.h>
#include <iommu/table_group.h>
#include <iommu/tce_table.h>
#include <lib/panic.h>

static struct group_link link_pool[GROUP_LINKS_MAX];
static struct lock link_pool_lock = LOCK_INIT;
static unsigned int links_used;

static struct group_link *link_alloc(void)
{
	struct group_link *l = NULL;
	unsigned int i;

	lock_take(&link_pool_lock);
	for (i = 0; i < GROUP_LINKS_MAX; i++) {
		if (!link_pool[i].in_use) {
			l = &link_pool[i];
			l->in_use = 1;
			l->stats = (struct table_group_stats){ 0 };
			l->in_plan = 0;
			__atomic_add_fetch(&links_used, 1, __ATOMIC_RELAXED);
			break;
		}
	}
	lock_release(&link_pool_lock);
	return l;
}

static void link_free(struct group_link *l)
{
	CHECK(l >= link_pool && l < link_pool + GROUP_LINKS_MAX && l->in_use);
	lock_take(&link_pool_lock);
	l->in_use = 0;
	l->tbl = NULL;
	l->grp = NULL;
	l->next = NULL;
	__atomic_sub_fetch(&links_used, 1, __ATOMIC_RELAXED);
	lock_release(&link_pool_lock);
}

unsigned int group_links_in_use(void)
{
	return __atomic_load_n(&links_used, __ATOMIC_RELAXED);
}

void table_group_init(struct table_group *grp, struct iommu_phb *phb, uint32_t pe)
{
	grp->lock = (struct lock)LOCK_INIT;
	grp->phb = phb;
	grp->pe = pe;
	grp->kill_token = phb->ops->kill_token ? phb->ops->kill_token(phb, pe) : pe;
	grp->windows[0] = grp->windows[1] = NULL;
	grp->stats = (struct table_group_stats){ 0 };
}

struct tce_table *table_group_table(const struct table_group *grp, int window)
{
	const struct group_link *l;

	if (window < 0 || window >= TCE_WINDOWS)
		return NULL;
	l = __atomic_load_n(&grp->windows[window], __ATOMIC_ACQUIRE);
	return l ? l->tbl : NULL;
}

static int link_check(const struct tce_table *tbl, const struct table_group *grp, int window)
{
	int w;

	if (window < 0 || window >= TCE_WINDOWS)
		return IOMMU_EINVAL;
	if (tbl->bus_offset != (window ? TCE_WINDOW1_BUS : 0))
		return IOMMU_EINVAL;
	if (!(grp->phb->page_sizes & (1ULL << tbl->hw_page_shift)))
		return IOMMU_EINVAL;
	for (w = 0; w < TCE_WINDOWS; w++)
		if (grp->windows[w] && (w == window || grp->windows[w]->tbl == tbl))
			return IOMMU_EBUSY;
	return IOMMU_OK;
}

/* Remove l from its table's list (under the table lock). */
/*
 * Into the table's list next to a link on the same PHB, if any, else at
 * the head: the links of one PHB stay together, so an update's fan-out,
 * which syncs a PHB when it moves on to the next one, syncs each PHB once
 * (tce_table.c). Under the table's lock.
 */
static void list_insert(struct tce_table *tbl, struct group_link *l)
{
	struct group_link *at;

	tce_table_plan_fold(tbl);
	for (at = tbl->links; at; at = at->next) {
		if (at->grp->phb == l->grp->phb) {
			l->next = at->next;
			at->next = l;
			tce_table_plan_build(tbl);
			return;
		}
	}
	l->next = tbl->links;
	tbl->links = l;
	tce_table_plan_build(tbl);
}

/* Out of the table's list; what the link counted moves to its group. */
static void list_remove(struct tce_table *tbl, struct group_link *l)
{
	struct table_group_stats *gs = &l->grp->stats;
	struct group_link **pp;

	lock_take(&tbl->lock);
	tce_table_plan_fold(tbl);
	for (pp = &tbl->links; *pp; pp = &(*pp)->next) {
		if (*pp == l) {
			*pp = l->next;
			tbl->nr_links--;
			break;
		}
	}
	tce_table_plan_build(tbl);
	__atomic_fetch_add(&gs->updates, l->stats.updates + l->stats.kills_pe, __ATOMIC_RELAXED);
	__atomic_fetch_add(&gs->kills_range, l->stats.kills_range, __ATOMIC_RELAXED);
	__atomic_fetch_add(&gs->kills_pe, l->stats.kills_pe, __ATOMIC_RELAXED);
	__atomic_fetch_add(&gs->kill_errors, l->stats.kill_errors, __ATOMIC_RELAXED);
	lock_release(&tbl->lock);
}

void table_group_stats(struct table_group *grp, struct table_group_stats *out)
{
	uint64_t plan;
	int w;

	lock_take(&grp->lock);	/* the links stay */
	out->updates = __atomic_load_n(&grp->stats.updates, __ATOMIC_RELAXED);
	out->kills_range = __atomic_load_n(&grp->stats.kills_range, __ATOMIC_RELAXED);
	out->kills_pe = __atomic_load_n(&grp->stats.kills_pe, __ATOMIC_RELAXED);
	out->kill_errors = __atomic_load_n(&grp->stats.kill_errors, __ATOMIC_RELAXED);
	for (w = 0; w < TCE_WINDOWS; w++) {
		struct group_link *l = grp->windows[w];

		if (!l)
			continue;
		lock_take(&l->tbl->lock);
		/* a fan-out by PE kill counts once, in kills_pe: it is an
		 * update too; the plan's are counted in the table */
		plan = l->in_plan ? l->tbl->plan.kills : 0;
		out->updates += l->stats.updates + l->stats.kills_pe + plan;
		out->kills_range += l->stats.kills_range;
		out->kills_pe += l->stats.kills_pe + plan;
		out->kill_errors += l->stats.kill_errors;
		lock_release(&l->tbl->lock);
	}
	lock_release(&grp->lock);
}

int iommu_kill_pes_each(struct iommu_phb *phb, const uint64_t *tokens, unsigned int n)
{
	int rc = IOMMU_OK;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (phb->ops->kill_pe(phb, (uint32_t)tokens[i]))
			rc = IOMMU_EHW;
	if (phb->ops->sync(phb))
		rc = IOMMU_EHW;
	return rc;
}

int iommu_link(struct tce_table *tbl, struct table_group *grp, int window)
{
	struct iommu_phb *phb = grp->phb;
	struct group_link *l;
	int rc;

	lock_take(&grp->lock);
	rc = link_check(tbl, grp, window);
	if (rc)
		goto out;
	l = link_alloc();
	if (!l) {
		rc = IOMMU_ENOMEM;
		goto out;
	}
	l->tbl = tbl;
	l->grp = grp;
	l->window = (uint8_t)window;
	tce_table_get(tbl);
	/* Into the fan-out list before the TVE points at the table: from
	 * then on every update kills this PE. */
	lock_take(&tbl->lock);
	list_insert(tbl, l);
	tbl->nr_links++;
	lock_release(&tbl->lock);
	rc = phb->ops->set_window(phb, grp->pe, window, tbl);
	if (!rc) {
		/* The PE may still cache entries of whatever it used before. */
		rc = phb->ops->kill_pe(phb, grp->pe);
		if (phb->ops->sync(phb))
			rc = IOMMU_EHW;
		group_stat_inc(rc ? &grp->stats.kill_errors : &grp->stats.kills_pe);
		if (rc)
			phb->ops->set_window(phb, grp->pe, window, NULL);
	}
	if (rc) {
		list_remove(tbl, l);
		link_free(l);
		tce_table_put(tbl);
		rc = rc == IOMMU_EINVAL ? IOMMU_EINVAL : IOMMU_EHW;
		goto out;
	}
	__atomic_store_n(&grp->windows[window], l, __ATOMIC_RELEASE);
out:
	lock_release(&grp->lock);
	return rc;
}

int iommu_unlink(struct tce_table *tbl, struct table_group *grp)
{
	struct iommu_phb *phb = grp->phb;
	struct group_link *l = NULL;
	int w, rc;

	lock_take(&grp->lock);
	for (w = 0; w < TCE_WINDOWS; w++) {
		if (grp->windows[w] && grp->windows[w]->tbl == tbl) {
			l = grp->windows[w];
			break;
		}
	}
	if (!l) {
		lock_release(&grp->lock);
		return IOMMU_ENOENT;
	}
	/* Stop translating through the table and flush what the PE holds;
	 * only then leave the fan-out list (updates meanwhile still kill us).
	 * The PE kill counts only once the PHB has synced it.
	 * If the PHB fails either step the link stays, TVE included: the PE
	 * may still reach the table or hold its entries, so the table must
	 * stay alive and in the PE's fan-out. */
	if (phb->ops->set_window(phb, grp->pe, w, NULL)) {
		lock_release(&grp->lock);
		return IOMMU_EHW;
	}
	rc = phb->ops->kill_pe(phb, grp->pe);
	if (phb->ops->sync(phb))
		rc = IOMMU_EHW;
	if (rc) {
		group_stat_inc(&grp->stats.kill_errors);
		phb->ops->set_window(phb, grp->pe, w, tbl);
		lock_release(&grp->lock);
		return IOMMU_EHW;
	}
	group_stat_inc(&grp->stats.kills_pe);
	list_remove(tbl, l);
	__atomic_store_n(&grp->windows[w], NULL, __ATOMIC_RELEASE);
	lock_release(&grp->lock);
	link_free(l);
	tce_table_put(tbl);
	return IOMMU_OK;
}

void tce_table_for_each_link(struct tce_table *tbl,
			     void (*fn)(const struct group_link *link, void *arg), void *arg)
{
	const struct group_link *l;

	lock_take(&tbl->lock);
	for (l = tbl->links; l; l = l->next)
		fn(l, arg);
	lock_release(&tbl->lock);
}
