# Host build of the portable core and its unit tests (cmocka), with
# AddressSanitizer and UndefinedBehaviorSanitizer. The sources are the very
# files linked into the hypervisor: iommu/ compiles unchanged on the host.

HOST_CFLAGS := -std=gnu11 -g -O1 $(WARN) -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -Iinclude -Itests/host -MMD -MP
HOST_LIBS := -lcmocka -l:libfdt.so.1 -lpthread
HOST_CORE_SRCS := $(wildcard iommu/*.c) lib/fdt_util.c hv/options.c
HOST_CORE_OBJS := $(patsubst %.c,$(B)/host/obj/%.o,$(HOST_CORE_SRCS))
HOST_TEST_SRCS := $(wildcard tests/host/test_*.c)
HOST_TESTS := $(patsubst tests/host/%.c,$(B)/host/%,$(HOST_TEST_SRCS))
HOST_SUPPORT_SRCS := $(filter-out $(HOST_TEST_SRCS),$(wildcard tests/host/*.c))
HOST_SUPPORT_OBJS := $(patsubst %.c,$(B)/host/obj/%.o,$(HOST_SUPPORT_SRCS))

# The TCE fuzz target (tests/fuzz), replayed on fixed pseudo-random inputs.
FUZZ_REPLAY := $(B)/host/test_fuzz_replay
FUZZ_REPLAY_OBJS := $(patsubst %.c,$(B)/host/obj/%.o,tests/fuzz/fuzz_tce.c tests/fuzz/oracle.c \
	tests/fuzz/replay_main.c)

_host-tests: $(HOST_TESTS) $(FUZZ_REPLAY)

$(B)/host/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(HOSTCC) $(HOST_CFLAGS) -c $< -o $@

$(B)/host/test_%: $(B)/host/obj/tests/host/test_%.o $(HOST_CORE_OBJS) $(HOST_SUPPORT_OBJS)
	@echo "  HOSTLD  $@"
	@$(HOSTCC) $(HOST_CFLAGS) $^ $(HOST_LIBS) -o $@

$(FUZZ_REPLAY): $(FUZZ_REPLAY_OBJS) $(HOST_CORE_OBJS) $(HOST_SUPPORT_OBJS)
	@echo "  HOSTLD  $@"
	@$(HOSTCC) $(HOST_CFLAGS) $^ $(HOST_LIBS) -o $@

-include $(HOST_CORE_OBJS:.o=.d) $(FUZZ_REPLAY_OBJS:.o=.d) $(HOST_SUPPORT_OBJS:.o=.d) \
	$(patsubst %,$(B)/host/obj/tests/host/%.d,$(notdir $(HOST_TESTS)))
.SECONDARY:

# ThreadSanitizer run of the concurrency stress test (longer than in `make test`).
TSAN_SRCS := tests/host/test_concurrency.c $(wildcard iommu/*.c) tests/host/host_support.c
_tsan: $(TSAN_SRCS)
	@mkdir -p $(B)/tsan
	@echo "  TSAN    test_concurrency"
	@$(HOSTCC) -std=gnu11 -g -O1 $(WARN) -Wno-error=tsan -Wno-tsan -fsanitize=thread -Iinclude -Itests/host \
		-DSTRESS_ITERS=200000 $(TSAN_SRCS) -lcmocka -lpthread -o $(B)/tsan/test_concurrency
	@TSAN_OPTIONS=halt_on_error=1 $(B)/tsan/test_concurrency
