/*
 * The debug shell on the hypervisor console (the hv> prompt): a command
 * table with generated help, and a line editor that survives anything
 * typed at it (backspace, Ctrl-U, Ctrl-C, history with up/down, tab
 * completion; over-long lines are refused, other control bytes and
 * non-ASCII ignored). It reads state through the same accessors as the
 * rest of the hypervisor. It runs on the boot CPU between guest runs, so
 * guests keep running while it works; Ctrl-] gives the console to a guest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arch/cpu.h>
#include <arch/spr.h>
#include <drivers/ipmi.h>
#include <drivers/phb.h>
#include <hv/guest.h>
#include <hv/hcall.h>
#include <hv/main.h>
#include <hv/memory.h>
#include <hv/platform.h>
#include <hv/sched.h>
#include <hv/shell.h>
#include <iommu/table_group.h>
#include <iommu/tce_pool.h>
#include <iommu/tce_table.h>
#include <lib/log.h>
#include <version.h>

#define LINE_MAX_LEN	128
#define HISTORY		16
#define ARGS_MAX	8

struct cmd {
	const char *name, *args, *help;
	void (*fn)(int argc, char **argv);
};

static const struct cmd cmds[];
static const unsigned int nr_cmds;

/* ---- helpers ------------------------------------------------------------ */

static bool number(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s)
		return false;
	*v = strtoull(s, &end, 0);
	return *end == '\0';
}

static bool arg_number(int argc, char **argv, int i, const char *what, uint64_t *v)
{
	if (i >= argc) {
		printf("error: missing %s\n", what);
		return false;
	}
	if (!number(argv[i], v)) {
		printf("error: bad number '%s' for %s\n", argv[i], what);
		return false;
	}
	return true;
}

/* A table by id, or by the LIOBN of a guest window (>= 0x80000000). */
static struct tce_table *table_find(uint64_t v)
{
	unsigned int i;

	if (v < TCE_TABLES_MAX)
		return tce_table_by_id((uint32_t)v);
	for (i = 0; i < TCE_TABLES_MAX; i++) {
		struct tce_table *t = tce_table_by_id(i);

		if (t && t->liobn == v)
			return t;
	}
	return NULL;
}

/* argv[i] as a table; NULL after printing why not. */
static struct tce_table *table_arg(int argc, char **argv, int i)
{
	struct tce_table *t;
	uint64_t v;

	if (!arg_number(argc, argv, i, "TABLE", &v))
		return NULL;
	t = table_find(v);
	if (!t)
		printf("error: no table %s (a table id or a LIOBN: see tables)\n", argv[i]);
	return t;
}

/* argv[i] as a group (PE); NULL after printing why not. */
static struct phb_pe *group_arg(int argc, char **argv, int i)
{
	uint64_t v;

	if (!arg_number(argc, argv, i, "GROUP", &v))
		return NULL;
	if (v >= phb_pe_count()) {
		printf("error: no group %s (see groups)\n", argv[i]);
		return NULL;
	}
	return phb_pe_get((unsigned int)v);
}

static const char *page_str(unsigned int shift, char *buf)
{
	if (shift >= 30)
		snprintf(buf, 8, "%uG", 1u << (shift - 30));
	else if (shift >= 20)
		snprintf(buf, 8, "%uM", 1u << (shift - 20));
	else
		snprintf(buf, 8, "%uK", 1u << (shift - 10));
	return buf;
}

static const char *owner_name(const struct tce_table *t)
{
	struct guest *g = guest_by_id(t->owner);

	return g ? g->name : "-";
}

/* A group's number: its PE's index in the PE list. */
static int group_index(const struct table_group *g)
{
	unsigned int i = phb_pe_index(phb_pe_of_group(g));

	return i < PHB_PE_MAX ? (int)i : -1;
}

/* ---- commands --------------------------------------------------------------- */

static void cmd_help(int argc, char **argv)
{
	unsigned int i;

	for (i = 0; i < nr_cmds; i++) {
		if (argc > 1 && strcmp(argv[1], cmds[i].name))
			continue;
		printf("  %-8s %-24s %s\n", cmds[i].name, cmds[i].args, cmds[i].help);
		if (argc > 1)
			return;
	}
	if (argc > 1)
		printf("error: no command '%s'\n", argv[1]);
	else
		printf("  Ctrl-] moves the console to the next guest and back here\n");
}

static void cmd_version(int argc, char **argv)
{
	printf("tcevisor %s (%s)\n", TCEVISOR_VERSION, TCEVISOR_GIT);
}

static void cmd_cpus(int argc, char **argv)
{
	unsigned int i;

	for (i = 0; i < sched_cpu_count(); i++) {
		struct sched_cpu_info ci;

		sched_cpu_info(i, &ci);
		printf("cpu %u pir %u vcpus %u runs %lu idle-ms %lu\n", i, cpu_by_index(i)->pir,
		       ci.vcpus, ci.runs, tb_to_us(ci.idle_ticks) / 1000);
	}
}

static void cmd_mem(int argc, char **argv)
{
	struct tce_pool *p = hv_tce_pool();

	printf("ram %lu MiB\n", platform.mem_total >> 20);
	printf("carved %lu MiB, free %lu MiB\n", memory_carved_bytes() >> 20,
	       memory_free_bytes() >> 20);
	if (p)
		printf("tce-pool %lu KiB used of %lu KiB (%lu allocations, %lu failures)\n",
		       (p->size - p->bytes_free) >> 10, p->size >> 10, p->allocs, p->failures);
}

static void print_pe(unsigned int i)
{
	struct phb_pe *pe = phb_pe_get(i);
	char name[PCI_NAME_LEN];
	int w;

	pci_dev_name(pe->dev, name);
	printf("  pe %u group %u dev %s %04x:%04x", pe->pe, i, name, pe->dev->vendor,
	       pe->dev->device);
	for (w = 0; w < TCE_WINDOWS; w++) {
		struct tce_table *t = table_group_table(&pe->group, w);

		if (t)
			printf(" window%d table %u", w, t->id);
		else
			printf(" window%d -", w);
	}
	printf("\n");
}

static void cmd_phb(int argc, char **argv)
{
	unsigned int i, k;

	for (i = 0; i < phb_count(); i++) {
		struct phb *p = phb_get(i);

		if (!p->present) {
			printf("%s absent\n", p->name);
			continue;
		}
		printf("%s %s pes %u kill-threshold %lu kills pe %lu range %lu all %lu\n",
		       p->name, p->hw->model, p->num_pes, p->iommu.kill_threshold,
		       p->iommu.kills_pe, p->iommu.kills_range, p->iommu.kills_all);
		for (k = 0; k < phb_pe_count(); k++)
			if (phb_pe_get(k)->phb == p)
				print_pe(k);
	}
}

static void print_link_group(const struct group_link *l, void *arg)
{
	int *first = arg;

	printf("%s%d", *first ? "" : ",", group_index(l->grp));
	*first = 0;
}

static void cmd_tables(int argc, char **argv)
{
	struct tce_pool *p = hv_tce_pool();
	unsigned int i, n = 0;
	char b1[8], b2[8];

	for (i = 0; i < TCE_TABLES_MAX; i++)
		n += tce_table_by_id(i) != NULL;
	if (p)
		printf("pool %lu KiB used of %lu KiB, %u table(s), %u link(s)\n",
		       (p->size - p->bytes_free) >> 10, p->size >> 10, n, group_links_in_use());
	for (i = 0; i < TCE_TABLES_MAX; i++) {
		struct tce_table *t = tce_table_by_id(i);
		struct tce_table_stats st;
		int first = 1;

		if (!t)
			continue;
		printf("table %u liobn 0x%x guest %s bus 0x%lx size 0x%lx page %s hw %s levels %u "
		       "at 0x%lx valid %lu groups ", t->id, t->liobn, owner_name(t), t->bus_offset,
		       t->window_size, page_str(t->page_shift, b1), page_str(t->hw_page_shift, b2),
		       t->levels, t->top_hpa, tce_table_count_valid(t));
		tce_table_for_each_link(t, print_link_group, &first);
		tce_table_stats(t, &st);
		printf("%s updates %lu written %lu kills pe %lu range %lu\n", first ? "-" : "",
		       st.updates, st.entries_written, st.kills_pe, st.kills_range);
	}
}

static void cmd_groups(int argc, char **argv)
{
	unsigned int i;
	int w;

	for (i = 0; i < phb_pe_count(); i++) {
		struct phb_pe *pe = phb_pe_get(i);
		struct table_group_stats st;
		char name[PCI_NAME_LEN];

		table_group_stats(&pe->group, &st);
		pci_dev_name(pe->dev, name);
		printf("group %u %s pe %u dev %s", i, pe->phb->name, pe->pe, name);
		for (w = 0; w < TCE_WINDOWS; w++) {
			struct tce_table *t = table_group_table(&pe->group, w);

			printf(t ? " window%d table %u" : " window%d -", w, t ? t->id : 0);
		}
		printf(" updates %lu kills pe %lu range %lu errors %lu\n", st.updates,
		       st.kills_pe, st.kills_range, st.kill_errors);
	}
}

static void print_link(const struct group_link *l, void *arg)
{
	printf("link table %u -> group %d (%s pe %u) window %u\n", l->tbl->id,
	       group_index(l->grp), l->grp->phb->name, l->grp->pe, l->window);
}

static void cmd_links(int argc, char **argv)
{
	unsigned int i;

	for (i = 0; i < TCE_TABLES_MAX; i++) {
		struct tce_table *t = tce_table_by_id(i);

		if (t)
			tce_table_for_each_link(t, print_link, NULL);
	}
	printf("%u link(s)\n", group_links_in_use());
}

static const char *perm_str(uint64_t v)
{
	static const char *const s[] = { "--", "R-", "-W", "RW" };

	return s[v & TCE_PERM_MASK];
}

static void cmd_tce(int argc, char **argv)
{
	static const struct guest_mem no_mem;	/* a table no guest owns */
	struct tce_table *t = table_arg(argc, argv, 1);
	const struct guest *g;
	uint64_t ioba, count = 1, k;

	if (!t)
		return;
	if (!arg_number(argc, argv, 2, "IOBA", &ioba))
		return;
	if (argc > 3 && !arg_number(argc, argv, 3, "COUNT", &count))
		return;
	if (count > 64)
		count = 64;
	g = guest_by_id(t->owner);
	for (k = 0; k < count; k++) {
		uint64_t a = ioba + (k << t->page_shift), gv = 0, hw;
		char gbuf[20];
		int rc = tce_table_get_tce(t, g ? &g->mem : &no_mem, a, &gv);

		if (rc == IOMMU_ERANGE || rc == IOMMU_EALIGN) {
			printf("error: ioba 0x%lx outside table %u's window\n", a, t->id);
			return;
		}
		/* a mapping outside any guest's memory has no guest view */
		snprintf(gbuf, sizeof(gbuf), rc ? "-" : "0x%lx", gv);
		hw = tce_table_read_hw(t, (a - t->bus_offset) >> t->hw_page_shift);
		printf("tce table %u ioba 0x%lx guest %s hw 0x%lx %s\n", t->id, a, gbuf, hw,
		       perm_str(hw));
	}
}

/* A running guest owns the table (or the device): refuse unless forced. */
static bool in_use(const struct tce_table *t, struct phb_pe *pe, bool force)
{
	struct guest *g = guest_by_id(t->owner);

	if (force || !g || g->state != GUEST_RUNNING)
		return false;
	printf("error: table %u belongs to running guest %s; add 'force' to do it anyway\n",
	       t->id, g->name);
	return true;
}

static void cmd_link(int argc, char **argv)
{
	struct tce_table *t = table_arg(argc, argv, 1);
	struct phb_pe *pe = t ? group_arg(argc, argv, 2) : NULL;
	bool force = argc > 4 && !strcmp(argv[4], "force");
	uint64_t w;
	int rc;

	if (!t || !pe)
		return;
	if (!arg_number(argc, argv, 3, "WINDOW", &w) || in_use(t, pe, force))
		return;
	rc = iommu_link(t, &pe->group, (int)w);
	if (rc)
		printf("error: link: %s\n", iommu_strerror(rc));
	else
		printf("linked table %u to group %s window %lu\n", t->id, argv[2], w);
	log_event("shell: link table %u group %s window %lu: %s", t->id, argv[2], w,
		  iommu_strerror(rc));
}

static void cmd_unlink(int argc, char **argv)
{
	struct tce_table *t = table_arg(argc, argv, 1);
	struct phb_pe *pe = t ? group_arg(argc, argv, 2) : NULL;
	bool force = argc > 3 && !strcmp(argv[argc - 1], "force");
	int rc;

	if (!t || !pe || in_use(t, pe, force))
		return;
	rc = iommu_unlink(t, &pe->group);
	if (rc)
		printf("error: unlink: %s\n", iommu_strerror(rc));
	else
		printf("unlinked table %u from group %s\n", t->id, argv[2]);
	log_event("shell: unlink table %u group %s: %s", t->id, argv[2], iommu_strerror(rc));
}

static void cmd_kill(int argc, char **argv)
{
	struct phb_pe *pe = group_arg(argc, argv, 1);
	struct iommu_phb *ip;
	uint64_t bus, n;
	int rc;

	if (!pe)
		return;
	ip = &pe->phb->iommu;
	if (argc > 2) {
		if (!arg_number(argc, argv, 2, "BUS-ADDRESS", &bus) ||
		    !arg_number(argc, argv, 3, "PAGES", &n))
			return;
		rc = n <= ip->kill_threshold ? ip->ops->kill_range(ip, pe->pe, bus, n, 12) :
		     ip->ops->kill_pe(ip, pe->pe);
	} else {
		rc = ip->ops->kill_pe(ip, pe->pe);
	}
	if (ip->ops->sync(ip))
		rc = IOMMU_EHW;
	printf(rc ? "error: kill failed\n" : "killed group %s\n", argv[1]);
}

static void cmd_guests(int argc, char **argv)
{
	static const char *const vstate[] = { "stopped", "runnable", "ceded", "halted",
					       "stopping" };
	unsigned int id, i;

	for (id = 1; id <= guest_count(); id++) {
		struct guest *g = guest_by_id(id);
		uint64_t exits = 0, hcalls = 0;

		if (!g)
			continue;
		for (i = 0; i < g->nr_vcpus; i++) {
			exits += g->vcpus[i].stats.exits + g->vcpus[i].stats.hcalls;
			hcalls += g->vcpus[i].stats.hcalls;
		}
		printf("guest %u %s %s vcpus %u mem %lu MiB exits %lu hcalls %lu input-dropped %lu%s%s\n",
		       g->id, g->name, g->state == GUEST_RUNNING ? "running" : "stopped",
		       g->nr_vcpus, g->ram_size >> 20, exits, hcalls, g->cons.in_dropped,
		       g->state == GUEST_RUNNING ? "" : ": ", g->state == GUEST_RUNNING ? "" : g->reason);
		for (i = 0; i < g->nr_vcpus; i++)
			printf("  vcpu %u cpu %u %s exits %lu hcalls %lu hdec %lu irq %lu cede %lu\n", i,
			       g->vcpus[i].hcpu, vstate[g->vcpus[i].state],
			       g->vcpus[i].stats.exits + g->vcpus[i].stats.hcalls,
			       g->vcpus[i].stats.hcalls, g->vcpus[i].stats.hdec, g->vcpus[i].stats.irq,
			       g->vcpus[i].stats.cede);
	}
}

static void print_hcall(uint64_t op, const struct hcall_stat *st, void *arg)
{
	uint64_t calls = hcall_stat_calls(st);
	char opname[32];

	if (!calls)
		return;
	if (op == ~0ULL)
		snprintf(opname, sizeof(opname), "- unknown");
	else
		snprintf(opname, sizeof(opname), "0x%lx %s", op, hcall_name(op));
	printf("hcall %s calls %lu success %lu parameter %lu pN %lu function %lu "
	       "hardware %lu resources %lu other %lu mean-ticks %lu\n",
	       opname, calls, st->rc[HC_RC_SUCCESS],
	       st->rc[HC_RC_PARAMETER], st->rc[HC_RC_PN], st->rc[HC_RC_FUNCTION],
	       st->rc[HC_RC_HARDWARE], st->rc[HC_RC_RESOURCES], st->rc[HC_RC_OTHER],
	       st->ticks / calls);
}

static void cmd_stats(int argc, char **argv)
{
	unsigned int i;

	hcall_for_each_served(print_hcall, NULL);
	for (i = 0; i < phb_pe_count(); i++) {
		struct phb_pe *pe = phb_pe_get(i);
		struct table_group_stats st;

		table_group_stats(&pe->group, &st);
		printf("kills group %u %s pe %u pe-kills %lu range-kills %lu errors %lu\n", i,
		       pe->phb->name, pe->pe, st.kills_pe, st.kills_range, st.kill_errors);
	}
}

static void print_log(uint64_t tb, const char *msg, void *arg)
{
	uint64_t us = tb_to_us(tb);

	printf("[%5lu.%06lu] %s\n", us / 1000000, us % 1000000, msg);
}

static void cmd_log(int argc, char **argv)
{
	log_for_each(print_log, NULL);
	printf("%lu event(s) logged\n", log_total());
}

static void cmd_reset(int argc, char **argv)
{
	printf("tcevisor: resetting\n");
	ipmi_reset();
}

static void cmd_poweroff(int argc, char **argv)
{
	hv_power_off();
}

static const struct cmd cmds[] = {
	{ "help", "[CMD]", "list commands, or explain one", cmd_help },
	{ "version", "", "hypervisor version", cmd_version },
	{ "cpus", "", "host CPUs, their vCPUs and load", cmd_cpus },
	{ "mem", "", "memory: RAM, carved, free, TCE pool", cmd_mem },
	{ "phb", "", "PHBs, their PEs, windows and devices", cmd_phb },
	{ "tables", "", "TCE pool use and every table", cmd_tables },
	{ "groups", "", "per PE: windows and tables", cmd_groups },
	{ "links", "", "the table <-> group graph", cmd_links },
	{ "tce", "TABLE|LIOBN IOBA [COUNT]", "decoded TCEs", cmd_tce },
	{ "link", "TABLE GROUP WINDOW [force]", "link a table to a group", cmd_link },
	{ "unlink", "TABLE GROUP [force]", "unlink a table from a group", cmd_unlink },
	{ "kill", "GROUP [BUS PAGES]", "invalidate a PE's TCE cache", cmd_kill },
	{ "guests", "", "guests, vCPUs, exits (slice ends, interrupts), hcalls", cmd_guests },
	{ "stats", "", "hcalls by opcode and result, kills per PE", cmd_stats },
	{ "log", "", "recent events", cmd_log },
	{ "reset", "", "reset the machine", cmd_reset },
	{ "poweroff", "", "power the machine off", cmd_poweroff },
};
static const unsigned int nr_cmds = sizeof(cmds) / sizeof(cmds[0]);

/* ---- line editor -------------------------------------------------------------- */

static char line[LINE_MAX_LEN];
static unsigned int len;
static bool overflow;
static char history[HISTORY][LINE_MAX_LEN];
static unsigned int hist_n, hist_pos;
static enum { ED_NORMAL, ED_ESC, ED_CSI } ed_state;

void shell_prompt(void)
{
	printf("hv> ");
}

static void execute(char *s)
{
	char *argv[ARGS_MAX + 1], *p = s;
	int argc = 0;
	unsigned int i;

	while (*p && argc < ARGS_MAX) {
		while (*p == ' ')
			*p++ = '\0';
		if (!*p)
			break;
		argv[argc++] = p;
		while (*p && *p != ' ')
			p++;
	}
	if (*p) {
		printf("error: more than %d words\n", ARGS_MAX);
		return;
	}
	if (!argc)
		return;
	for (i = 0; i < nr_cmds; i++) {
		if (!strcmp(argv[0], cmds[i].name)) {
			cmds[i].fn(argc, argv);
			return;
		}
	}
	printf("error: unknown command '%s' (try help)\n", argv[0]);
}

static void erase_line(void)
{
	while (len) {
		printf("\b \b");
		len--;
	}
}

static void set_line(const char *s)
{
	erase_line();
	len = (unsigned int)strlen(s);
	memcpy(line, s, len);
	printf("%.*s", (int)len, line);
}

static void history_add(void)
{
	if (!len || (hist_n && !strcmp(history[(hist_n - 1) % HISTORY], line)))
		return;
	strcpy(history[hist_n++ % HISTORY], line);
}

static void history_move(int dir)
{
	unsigned int oldest = hist_n > HISTORY ? hist_n - HISTORY : 0;

	if (dir < 0 && hist_pos > oldest)
		hist_pos--;
	else if (dir > 0 && hist_pos < hist_n)
		hist_pos++;
	else
		return;
	set_line(hist_pos == hist_n ? "" : history[hist_pos % HISTORY]);
}

static void complete(void)
{
	unsigned int i, n = 0, match = 0;

	if (memchr(line, ' ', len))
		return;	/* only command names complete */
	for (i = 0; i < nr_cmds; i++) {
		if (!strncmp(cmds[i].name, line, len)) {
			n++;
			match = i;
		}
	}
	if (n == 1) {
		char buf[LINE_MAX_LEN];

		snprintf(buf, sizeof(buf), "%s ", cmds[match].name);
		set_line(buf);
	} else if (n > 1) {
		printf("\n");
		for (i = 0; i < nr_cmds; i++)
			if (!strncmp(cmds[i].name, line, len))
				printf("%s ", cmds[i].name);
		printf("\n");
		shell_prompt();
		printf("%.*s", (int)len, line);
	}
}

static void enter(void)
{
	printf("\n");
	if (overflow) {
		printf("error: line longer than %d characters; ignored\n", LINE_MAX_LEN - 1);
	} else {
		line[len] = '\0';
		history_add();
		execute(line);
	}
	len = 0;
	overflow = false;
	hist_pos = hist_n;
	shell_prompt();
}

static bool escape(int c)
{
	if (ed_state == ED_ESC) {
		ed_state = c == '[' ? ED_CSI : ED_NORMAL;
		return true;
	}
	if (ed_state == ED_CSI) {
		if (c >= 0x40 && c <= 0x7e) {	/* the final byte */
			ed_state = ED_NORMAL;
			if (c == 'A')
				history_move(-1);
			else if (c == 'B')
				history_move(1);
		}
		return true;
	}
	return false;
}

void shell_input(int c)
{
	if (escape(c))
		return;
	switch (c) {
	case 0x1b:
		ed_state = ED_ESC;
		return;
	case '\r':
	case '\n':
		enter();
		return;
	case 0x7f:
	case 0x08:
		if (len) {
			len--;
			printf("\b \b");
		}
		return;
	case 0x15:	/* Ctrl-U */
		erase_line();
		overflow = false;
		return;
	case 0x03:	/* Ctrl-C */
		printf("^C\n");
		len = 0;
		overflow = false;
		shell_prompt();
		return;
	case '\t':
		complete();
		return;
	}
	if (c < 0x20 || c > 0x7e)
		return;	/* other control bytes and non-ASCII: ignored */
	if (len >= LINE_MAX_LEN - 1) {
		overflow = true;
		return;
	}
	line[len++] = (char)c;
	printf("%c", c);
}
