/*
 * The TCE fuzz target's world and oracle (tests/fuzz/oracle.c): a model of
 * every table and link, the rules restated independently of the core, and
 * the checks run around and after each operation. fuzz_tce.c decodes
 * inputs into operations and calls these.
 *
 * oracle.c is not coverage-instrumented in the libFuzzer build: its loops
 * over whole tables would guide nothing and cost most of the run time.
 */
#ifndef TESTS_FUZZ_ORACLE_H
#define TESTS_FUZZ_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "fake_phb.h"

#define RW		(TCE_READ | TCE_WRITE)
#define W1		TCE_WINDOW1_BUS
#define NTABLES		6		/* tables alive at once */
#define NPES		8		/* PEs used on each fake PHB */
#define NLINKS		(2 * NPES * TCE_WINDOWS)
#define REGIONS_MAX	128		/* leaves in one snapshot */
#define HW_MAX		32768		/* hardware entries in one snapshot */
#define SAMPLE_MAX	48		/* guest entries read around one call */
#define PHB4_SIZES	((1ULL << 12) | (1ULL << 16) | (1ULL << 21) | (1ULL << 30))
#define PHB3_SIZES	((1ULL << 12) | (1ULL << 16) | (1ULL << 24) | (1ULL << 28))

enum upd_kind { UPD_PUT, UPD_STUFF, UPD_LIST };

/* The model of a table: its non-zero guest values, sorted by guest index,
 * each with the hardware value of its first hardware page (0: fault). */
struct mentry {
	uint64_t gi, guest, hw;
};

struct ftable {
	struct tce_table *tbl;		/* NULL: unused */
	const char *name;
	bool shadowed;			/* tracked by the shadow cache */
	bool zombie;			/* creator's reference dropped: lives on its links */
	struct mentry *m;
	size_t n;
};

struct flink {
	bool used;
	unsigned int t, phb, pe;	/* t: index in world.t */
	int window;
};

struct region {
	uint64_t first, count;
};

/* A table's hardware entries, in the regions (leaves) that exist. */
struct snap {
	struct region r[REGIONS_MAX];
	unsigned int nr;
	uint64_t n;
	uint64_t *hw;
};

struct run {
	uint64_t first, count;
};

struct world {
	struct ftable t[NTABLES];
	struct flink l[NLINKS];
	unsigned int nlinks;
	unsigned int op;		/* index of the running operation */
	bool kill_failed;		/* an injected kill failed in it */
	bool trace;			/* FUZZ_TCE_TRACE: print every operation */
	char what[200];			/* the running operation, for messages */
};

extern struct world W;
extern struct fake_phb phbs[2];		/* [0] PHB4-like, [1] PHB3-like */
extern const struct guest_mem gmem;
extern struct snap snap_a, snap_b;	/* before and after an operation */
extern struct run runs[HW_MAX];		/* changed runs, from snap_diff() */

__attribute__((noreturn, format(printf, 1, 2)))
void fail(const char *fmt, ...);
__attribute__((format(printf, 1, 2)))
void describe(const char *fmt, ...);

/* The rules, restated: the error a call must return (IOMMU_OK if valid). */
int predict_range(const struct tce_table *t, uint64_t ioba, uint64_t count, uint64_t *gi);
int predict_update(const struct tce_table *t, enum upd_kind kind, uint64_t ioba,
		   const uint64_t *tces, uint64_t count, uint64_t *gi, uint64_t *hw);
int predict_geometry(const struct tce_table_geometry *g, const struct tce_pool *p,
		     unsigned int *level_shift);
int predict_link(const struct ftable *ft, unsigned int phb, unsigned int pe, int window,
		 bool fails);

/* The model. */
uint64_t model_guest(const struct ftable *ft, uint64_t gi);
void model_set(struct ftable *ft, uint64_t gi, uint64_t count, const uint64_t *guest,
	       const uint64_t *hw, bool repeat);

/* Snapshots and what is checked on them. */
void snap_take(const struct ftable *ft, struct snap *s);
uint64_t snap_diff(const struct snap *a, const struct snap *b, unsigned int *nruns,
		   bool cached_only);
unsigned int sample(const struct tce_table *t, uint64_t lo, uint64_t hi, uint64_t *idx);
void guest_read(const struct ftable *ft, const uint64_t *idx, unsigned int n, uint64_t *out);
void guest_check(const struct ftable *ft, const uint64_t *idx, unsigned int n,
		 const uint64_t *v);
/* Kills of an update that changed `changed` entries in runs[0..nruns);
 * failing: the fake PHB whose kills were made to fail, or -1. */
void check_kills(const struct ftable *ft, unsigned int nruns, uint64_t changed, int failing);
void check_after_op(void);
void check_guest_view(const struct ftable *ft);
void check_readers(const struct ftable *ft);

/* Links. */
unsigned int table_index(const struct ftable *ft);
struct flink *link_find(unsigned int t, unsigned int phb, unsigned int pe);
unsigned int links_of(const struct ftable *ft);
void link_add(unsigned int t, unsigned int phb, unsigned int pe, int window);
void link_del(struct flink *l);
void check_links(unsigned int phb, unsigned int pe);

#endif /* TESTS_FUZZ_ORACLE_H */
