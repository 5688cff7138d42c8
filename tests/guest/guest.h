/*
 * tcevisor test guest: memory layout shared with head.S, and the
 * declarations shared by the C files.
 *
 * Each vCPU owns a 64 KiB block in BSS: the stack-protector canary at
 * offset 0 (libfdt reads it at r13 - 0x7010), struct vcpu after it, and
 * the stack growing down from the top. r13 = block + 0x7010.
 */
#ifndef GUEST_H
#define GUEST_H

#define NR_VCPUS		2
#define CPU_BLOCK_SIZE		0x10000
#define CPU_R13_OFFSET		0x7010
#define STACK_FRAME_MIN		32
#define EXC_STACK_SIZE		0x4000

#define MSR_SF			(1UL << 63)
#define MSR_EE			0x8000
#define MSR_ME			0x1000
#define MSR_RI			0x2
#define MSR_LE			0x1

#define RTAS_NO_TOKEN		0xffffffffu

#ifndef __ASSEMBLY__
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The start of a vCPU block (see above). */
struct vcpu {
	uint64_t canary;	/* must stay at offset 0 */
	uint64_t index;
	uint32_t id;		/* interrupt server number (cpu node `reg`) */
};

extern char cpu_blocks[];	/* NR_VCPUS * CPU_BLOCK_SIZE, head.S */
extern char secondary_entry[];	/* start-cpu target, head.S */
extern char illegal_insn[];	/* the `.long 0` of mode=illegal */

static inline struct vcpu *vcpu_block(unsigned int i)
{
	return (struct vcpu *)(cpu_blocks + (size_t)i * CPU_BLOCK_SIZE);
}

/* What the guest learnt from its device tree (dt.c). */
struct guest_dt {
	const void *fdt;
	unsigned long vty;		/* reg of /chosen/stdout-path */
	uint32_t tok_power_off;		/* RTAS tokens, RTAS_NO_TOKEN if absent */
	uint32_t tok_start_cpu;
	uint32_t tok_query_stopped;
	uint64_t tb_freq;		/* timebase ticks per second */
	uint64_t mem_total;		/* bytes in all /memory nodes */
	int ncpus;			/* cpu nodes under /cpus */
	uint32_t cpu_id[NR_VCPUS];	/* servers of the first cpu nodes */
	const char *bootargs;		/* "" if absent */
};
extern struct guest_dt dt;

/* One DMA window of a PCI node: an ibm,dma-window triple and its
 * tcevisor,dma-page-shift entry (12 if absent). */
struct dma_window {
	uint32_t liobn;
	uint64_t start, size;
	unsigned int page_shift;
};
#define DMA_WINDOWS_MAX		4

/* dt.c */
int dt_init(const void *fdt);
void dt_print_summary(void);
uint64_t dt_cells(const void *p, int cells);
int dt_dma_windows(const void *fdt, int node, struct dma_window *w, int max);

/* console.c: whole lines, serialised across vCPUs */
void console_init(unsigned long termno);
void console_write(const char *s, size_t len);
int console_read(char buf[16]);
int con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void con_emergency(void);

/* rtas.c */
int rtas_call(uint32_t token, int nargs, int nret, uint32_t *rets, ...);
void power_off(void) __attribute__((noreturn));

/* main.c: boot options, `key=value` words of /chosen/bootargs */
bool opt_str(const char *key, char *out, size_t size);
unsigned long opt_ulong(const char *key, unsigned long def);

/* modes */
void mode_demo(void);
void mode_smp(void);
void mode_spin(void);
void mode_wild(void);
void mode_illegal(void);
void mode_unknown(void);
void mode_trap(void);
void mode_heartbeat(void);
void mode_nullbench(void);
void mode_script(void);
void mode_tcebench(void);
void mode_nvmedemo(void);
void mode_regs(void);

/* head.S */
unsigned long bench_null_hcall(unsigned long opcode, unsigned long count);

/* Called from head.S */
void guest_main(const void *fdt, long set_mode_rc, unsigned long fdt_moved_from);
void secondary_main(struct vcpu *v);
void guest_exception(unsigned long vec, unsigned long srr0, unsigned long srr1);

static inline uint64_t mftb(void)
{
	return __builtin_ppc_get_timebase();
}

/* Busy-wait until the timebase reaches `until`. */
static inline void tb_wait_until(uint64_t until)
{
	while ((int64_t)(mftb() - until) < 0)
		;
}

static inline void spin_lock(volatile uint32_t *l)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		while (*l)
			;
}

static inline void spin_unlock(volatile uint32_t *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

#endif /* __ASSEMBLY__ */
#endif /* GUEST_H */
