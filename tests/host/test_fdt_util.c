/* lib/fdt_util.c: reg parsing and address translation through "ranges",
 * on trees shaped like QEMU's powernv9 and powernv8 LPC buses. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <libfdt.h>
#include <lib/fdt_util.h>

static char tree[8192];

static void prop_cells(void *fdt, const char *name, const uint32_t *c, int n)
{
	fdt32_t be[16];
	int i;

	for (i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(c[i]);
	assert_int_equal(fdt_property(fdt, name, be, n * 4), 0);
}

#define CELLS(fdt, name, ...) do {					\
		const uint32_t c_[] = { __VA_ARGS__ };			\
		prop_cells(fdt, name, c_, sizeof(c_) / 4);		\
	} while (0)

/* powernv9: / -> lpcm-opb (1 cell) -> lpc (2 cells) -> serial <1 0x3f8 8> */
static void build_p9(void)
{
	void *f = tree;

	assert_int_equal(fdt_create(f, sizeof(tree)), 0);
	assert_int_equal(fdt_finish_reservemap(f), 0);
	fdt_begin_node(f, "");
	CELLS(f, "#address-cells", 2);
	CELLS(f, "#size-cells", 2);
	fdt_begin_node(f, "lpcm-opb@6030000000000");
	CELLS(f, "#address-cells", 1);
	CELLS(f, "#size-cells", 1);
	CELLS(f, "ranges", 0x0, 0x60300, 0x0, 0x80000000,
	      0x80000000, 0x60300, 0x80000000, 0x80000000);
	fdt_begin_node(f, "lpc@0");
	CELLS(f, "#address-cells", 2);
	CELLS(f, "#size-cells", 1);
	CELLS(f, "ranges", 0, 0, 0xe0000000, 0x10000000,
	      1, 0, 0xd0010000, 0x10000,
	      3, 0, 0xf0000000, 0x10000000);
	fdt_begin_node(f, "serial@i3f8");
	CELLS(f, "reg", 1, 0x3f8, 8);
	fdt_end_node(f);
	fdt_end_node(f);
	fdt_end_node(f);
	fdt_end_node(f);
	assert_int_equal(fdt_finish(f), 0);
}

static void test_p9_uart_translates(void **state)
{
	uint64_t addr, size;
	uint32_t space;
	int node;

	build_p9();
	node = fdt_path_offset(tree, "/lpcm-opb@6030000000000/lpc@0/serial@i3f8");
	assert_true(node >= 0);
	assert_true(fdtu_reg(tree, node, 0, &space, &addr, &size));
	assert_int_equal(addr, 0x1000003f8ULL);
	assert_int_equal(size, 8);
	assert_true(fdtu_reg_to_cpu(tree, node, 0, &addr, &size));
	assert_int_equal(addr, 0x00060300d00103f8ULL);
}

static void test_untranslatable_space_fails(void **state)
{
	uint32_t space = 0;
	uint64_t addr = (2ULL << 32) | 0x10;	/* space 2 is not in ranges */
	int lpc;

	build_p9();
	lpc = fdt_path_offset(tree, "/lpcm-opb@6030000000000/lpc@0");
	assert_false(fdtu_translate_one(tree, lpc, &space, &addr));
	addr = (1ULL << 32) | 0x10000;		/* one past the I/O window */
	assert_false(fdtu_translate_one(tree, lpc, &space, &addr));
}

/* powernv8: the LPC bus sits under xscom without "ranges" */
static void test_p8_lpc_has_no_mmio(void **state)
{
	void *f = tree;
	uint64_t addr, size;
	int node;

	assert_int_equal(fdt_create(f, sizeof(tree)), 0);
	assert_int_equal(fdt_finish_reservemap(f), 0);
	fdt_begin_node(f, "");
	CELLS(f, "#address-cells", 2);
	CELLS(f, "#size-cells", 2);
	fdt_begin_node(f, "xscom@3fc0000000000");
	CELLS(f, "#address-cells", 1);
	CELLS(f, "#size-cells", 1);
	CELLS(f, "reg", 0x3fc00, 0, 8, 0);
	fdt_begin_node(f, "isa@b0020");
	CELLS(f, "#address-cells", 2);
	CELLS(f, "#size-cells", 1);
	CELLS(f, "reg", 0xb0020, 4);
	fdt_begin_node(f, "serial@i3f8");
	CELLS(f, "reg", 1, 0x3f8, 8);
	fdt_end_node(f);
	fdt_end_node(f);
	fdt_end_node(f);
	fdt_end_node(f);
	assert_int_equal(fdt_finish(f), 0);
	node = fdt_path_offset(tree, "/xscom@3fc0000000000/isa@b0020/serial@i3f8");
	assert_true(node >= 0);
	assert_false(fdtu_reg_to_cpu(tree, node, 0, &addr, &size));
	node = fdt_path_offset(tree, "/xscom@3fc0000000000");
	assert_true(fdtu_reg_to_cpu(tree, node, 0, &addr, &size));
	assert_int_equal(addr, 0x3fc0000000000ULL);
	assert_int_equal(size, 0x800000000ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_p9_uart_translates),
		cmocka_unit_test(test_untranslatable_space_fails),
		cmocka_unit_test(test_p8_lpc_has_no_mmio),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
