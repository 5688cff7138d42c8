# make fuzz: the TCE fuzz target (tests/fuzz) under libFuzzer, built by
# clang-14 with ASan and UBSan against the unchanged core, the fake PHB and
# the shadow TCE cache, run for FUZZ_SECONDS (default 60). The corpus in
# build/fuzz/corpus is kept between runs and seeded with the replay test's
# fixed inputs; a failing input is left in build/fuzz/ (replay it under gcc
# with build/host/test_fuzz_replay FILE, FUZZ_TCE_TRACE=1 to see each step).

FUZZ_CC      := clang-14
FUZZ_SECONDS ?= 60
FUZZ_DIR     := $(B)/fuzz
FUZZ_BIN     := $(FUZZ_DIR)/fuzz_tce
FUZZ_SRCS    := tests/fuzz/fuzz_tce.c tests/fuzz/oracle.c $(wildcard iommu/*.c) \
	tests/host/fake_phb.c tests/host/host_support.c
FUZZ_HDRS    := $(wildcard include/iommu/*.h include/lib/*.h tests/fuzz/*.h tests/host/*.h)
FUZZ_IGNORE  := tests/fuzz/coverage-ignore.txt
FUZZ_CFLAGS  := -std=gnu11 -g -O1 $(WARN) -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer \
	-fsanitize-coverage-ignorelist=$(FUZZ_IGNORE) -Iinclude -Itests/host

$(FUZZ_BIN): $(FUZZ_SRCS) $(FUZZ_HDRS) $(FUZZ_IGNORE)
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SRCS) -o $@

_fuzz: $(FUZZ_BIN) $(FUZZ_REPLAY)
	@mkdir -p $(FUZZ_DIR)/corpus $(FUZZ_DIR)/seeds
	@$(FUZZ_REPLAY) -w $(FUZZ_DIR)/seeds
	@./scripts/run-fuzz $(FUZZ_BIN) $(FUZZ_SECONDS) $(FUZZ_DIR)
