# The real build, run as a sub-make after scripts/setup.sh (see Makefile).

CROSS   ?= powerpc64le-linux-gnu-
CC      := $(CROSS)gcc
OBJCOPY := $(CROSS)objcopy
OBJDUMP := $(CROSS)objdump
HOSTCC  ?= gcc
PYTHON  ?= python3
B       := build

# One image boots on POWER8, POWER9 and POWER10: C is compiled for POWER8 and
# the few POWER9-only instructions (stop, radix tlbie, PTCR) sit in assembly
# under `.machine power9`, used only after the PVR says POWER9 or later.
ARCH_FLAGS := -mcpu=power8 -mlittle-endian -mabi=elfv2 -mcmodel=medium \
	-msoft-float -mno-altivec -mno-vsx -mlong-double-64 -fno-pie -fno-stack-protector
# The Linux cross compiler predefines __linux__; newlib's headers would then
# expect glibc conventions (toolchain.md §2.2).
UNLINUX := -U__linux__ -U__linux -Ulinux -U__gnu_linux__ -U__unix__ -U__unix -Uunix

# --- newlib, built once per key ------------------------------------------------
NEWLIB_CFLAGS := $(ARCH_FLAGS) $(UNLINUX) -O2 -g -ffunction-sections -fdata-sections \
	-mno-relocatable-lib -UMISSING_SYSCALL_NAMES
NEWLIB_VER := $(shell dpkg-query -W -f='$${Version}' newlib-source 2>/dev/null)
NEWLIB_TAR := $(notdir $(wildcard /usr/src/newlib/newlib-*.tar.xz))
NEWLIB_KEY := $(shell printf '%s\n' '$(NEWLIB_VER)' '$(NEWLIB_TAR)' '$(NEWLIB_CFLAGS)' | \
	cat - scripts/build-newlib.sh | sha1sum | cut -c1-12)
NEWLIB     := $(B)/newlib-$(NEWLIB_KEY)
NEWLIB_STAMP := $(NEWLIB)/.stamp

$(NEWLIB_STAMP): scripts/build-newlib.sh
	@./scripts/build-newlib.sh $(abspath $(NEWLIB)) $(CROSS) "$(NEWLIB_CFLAGS)"

# libfdt's headers live in the host's /usr/include, which must never be on a
# cross include path (it is the amd64 one): copy the three we need.
FDT_INC := $(B)/fdt-include
$(FDT_INC)/libfdt.h:
	@mkdir -p $(FDT_INC)
	@cp /usr/include/fdt.h /usr/include/libfdt.h /usr/include/libfdt_env.h $(FDT_INC)/

# --- the hypervisor image -----------------------------------------------------
WARN := -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes -Wshadow \
	-Wundef -Wvla -Wframe-larger-than=2048 -Wno-unused-parameter
CFLAGS := $(ARCH_FLAGS) $(UNLINUX) $(WARN) -std=gnu11 -O2 -g -ffreestanding -fno-common \
	-ffunction-sections -fdata-sections -nostdinc \
	-isystem $(NEWLIB)/include -isystem $(shell $(CC) -print-file-name=include) \
	-I$(FDT_INC) -Iinclude -I$(B)/gen -MMD -MP
ASFLAGS := $(ARCH_FLAGS) -Iinclude -I$(B)/gen -MMD -MP -D__ASSEMBLY__
LIBGCC := $(shell $(CC) -print-libgcc-file-name)
LIBFDT := /usr/lib/powerpc64le-linux-gnu/libfdt.a
LDFLAGS := -nostdlib -static -no-pie -T link.ld -Wl,--gc-sections -Wl,--build-id=none \
	-Wl,--no-warn-rwx-segments -Wl,--orphan-handling=error -Wl,-Map=$(B)/tcevisor.map

LDFLAGS += -Wl,--wrap=printf,--wrap=vprintf,--wrap=puts,--wrap=putchar

# build/gen/version.h: rewritten only when the git revision changes.
GEN_HDRS := $(B)/gen/version.h
.PHONY: FORCE
$(B)/gen/version.h: FORCE
	@mkdir -p $(dir $@)
	@v="$$(git describe --always --dirty 2>/dev/null || echo unknown)"; \
	 printf '#define TCEVISOR_GIT "%s"\n' "$$v" > $@.tmp; \
	 cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

SRC_DIRS := boot arch drivers iommu hv lib
C_SRCS  := $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c))
S_SRCS  := $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.S))
OBJS    := $(patsubst %.c,$(B)/obj/%.o,$(C_SRCS)) $(patsubst %.S,$(B)/obj/%.o,$(S_SRCS))
IMAGE   := $(B)/tcevisor.bin
ELF     := $(B)/tcevisor.elf

_all: _image _host-tests
_image: $(IMAGE) $(B)/.check-fp

$(B)/obj/%.o: %.c | $(NEWLIB_STAMP) $(FDT_INC)/libfdt.h $(GEN_HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c $< -o $@

$(B)/obj/%.o: %.S | $(NEWLIB_STAMP) $(GEN_HDRS)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(ASFLAGS) -c $< -o $@

# The first instructions run big-endian: assemble them as BE, flatten them,
# and let boot/entry.S .incbin the bytes at 0x10.
$(B)/gen/be-stub.bin: boot/be-stub.s
	@mkdir -p $(dir $@)
	@echo "  AS(BE)  $<"
	@$(CC) -mbig -c $< -o $(B)/gen/be-stub.o
	@$(OBJCOPY) -O binary $(B)/gen/be-stub.o $@
$(B)/obj/boot/entry.o: $(B)/gen/be-stub.bin

$(ELF): $(OBJS) link.ld $(NEWLIB_STAMP)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) $(OBJS) -Wl,--start-group $(LIBFDT) $(NEWLIB)/lib/libc.a $(LIBGCC) \
		-Wl,--end-group -o $@

$(IMAGE): $(ELF)
	@echo "  OBJCOPY $@"
	@$(OBJCOPY) -O binary $< $@
	@test $$(stat -c %s $@) -lt 16777216 || { echo "image over QEMU's 16 MiB -bios limit"; exit 1; }

# No FP/VMX/VSX instruction may reach the image: every interrupt clears
# MSR[FP,VEC,VSX], and guest FP state is never saved on an exit.
_check-fp: $(B)/.check-fp
$(B)/.check-fp: $(ELF) scripts/check-fp.sh
	@./scripts/check-fp.sh $(OBJDUMP) $(ELF)
	@touch $@

-include $(OBJS:.o=.d)

# --- the test guest (tests/guest) ---------------------------------------------
include mk/guest.mk

# --- host build of the portable core -------------------------------------------
include mk/host.mk
include mk/fuzz.mk
include mk/bench.mk

# --- configurations (configs/*.dts -> build/configs/*.dtb) --------------------
CONFIG_DTBS := $(patsubst configs/%.dts,$(B)/configs/%.dtb,$(wildcard configs/*.dts))
$(B)/configs/%.dtb: configs/%.dts
	@mkdir -p $(dir $@)
	@echo "  DTC     $<"
	@dtc -q -I dts -O dtb -i configs -o $@ $<
_image: $(CONFIG_DTBS)

# --- running -------------------------------------------------------------------
RUN_DTB := $(B)/configs/$(basename $(notdir $(CONFIG))).dtb
_run: _image $(RUN_DTB)
	@./scripts/run-qemu --machine $(MACHINE) --config $(RUN_DTB) $(RUN_ARGS)

_test: _image _host-tests
	@$(PYTHON) tests/run.py --build $(B)

_bench: _image $(BENCH_IOMMU)
	@$(PYTHON) bench/run.py --build $(B)
$(B)/obj/hv/guest_images.o: $(B)/guest/testguest.bin
