# tcevisor — build, run, test.
#
#   make            build build/tcevisor.bin (runs scripts/setup.sh first)
#   make run        boot it on QEMU powernv9 with the demo, interactive console
#                   (MACHINE=powernv8|powernv10, CONFIG=configs/NAME.dts)
#   make test       every test; last line "N passed, M failed"
#   make bench      benchmarks, printed as tables
#   make fuzz       the TCE fuzz target under libFuzzer for FUZZ_SECONDS (60)
#
# Public targets first make sure the Debian packages are present, then run a
# sub-make, so that everything computed from installed files (the newlib cache
# key) is evaluated after installation.

MACHINE ?= powernv9
CONFIG  ?= configs/demo.dts

PUBLIC := all run test bench image host-tests check-fp tsan fuzz
.PHONY: $(PUBLIC) setup clean distclean

ifeq ($(TCEVISOR_SUBMAKE),)
$(PUBLIC): setup
	@$(MAKE) --no-print-directory TCEVISOR_SUBMAKE=1 MACHINE=$(MACHINE) CONFIG=$(CONFIG) _$@
# make fuzz also needs clang-14 and its fuzzer runtime: setup.sh --fuzz.
setup:
	@./scripts/setup.sh $(if $(filter fuzz,$(MAKECMDGOALS)),--fuzz)
clean:
	rm -rf build/obj build/host build/tcevisor.* build/guest build/tests build/configs \
		build/bench build/fuzz/fuzz_tce build/fuzz/seeds
distclean:
	rm -rf build
else
include mk/build.mk
endif
