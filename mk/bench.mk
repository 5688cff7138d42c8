# make bench: bench/run.py runs every benchmark and prints its table.
#
# The IOMMU benchmark is the unchanged core (iommu/*.c,) built
# with plain gcc -O2, no sanitizer, and a minimal fake PHB of its own
# (bench/iommu_bench.c), measured by callgrind's instruction counts.

BENCH_DIR    := $(B)/bench
BENCH_IOMMU  := $(BENCH_DIR)/iommu_bench
BENCH_CFLAGS := -std=gnu11 -O2 -g $(WARN) -Iinclude -MMD -MP
BENCH_SRCS   := bench/iommu_bench.c $(wildcard iommu/*.c) tests/host/host_support.c
BENCH_OBJS   := $(patsubst %.c,$(BENCH_DIR)/obj/%.o,$(BENCH_SRCS))

$(BENCH_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  BENCHCC $<"
	@$(HOSTCC) $(BENCH_CFLAGS) -c $< -o $@

$(BENCH_IOMMU): $(BENCH_OBJS)
	@echo "  BENCHLD $@"
	@$(HOSTCC) $(BENCH_CFLAGS) $^ -o $@

-include $(BENCH_OBJS:.o=.d)
