# The test guest (tests/guest): a PAPR partition image for tcevisor and QEMU
# pseries, built with the hypervisor's compiler, ABI flags, newlib and libfdt.
# Included from mk/build.mk, which defines CC, ARCH_FLAGS, NEWLIB, FDT_INC...
#
#   build/guest/testguest.{bin,elf,map}   the guest, linked at 0, <= 4 MiB
#   build/guest/dummy-kernel.elf          for pseries' -kernel (see the .s)

G          := $(B)/guest
GUEST_DIR  := tests/guest
GUEST_OBJS := $(patsubst $(GUEST_DIR)/%.c,$(G)/obj/%.o,$(wildcard $(GUEST_DIR)/*.c)) \
	$(patsubst $(GUEST_DIR)/%.S,$(G)/obj/%.o,$(wildcard $(GUEST_DIR)/*.S))
GUEST_CFLAGS := $(ARCH_FLAGS) $(UNLINUX) $(WARN) -std=gnu11 -O2 -g -ffreestanding \
	-fno-common -ffunction-sections -fdata-sections -nostdinc \
	-isystem $(NEWLIB)/include -isystem $(shell $(CC) -print-file-name=include) \
	-I$(FDT_INC) -I$(GUEST_DIR) -MMD -MP
# .incbin "be-stub.bin" is looked up on the assembler's include path.
GUEST_ASFLAGS := $(ARCH_FLAGS) -I$(GUEST_DIR) -Wa,-I$(G)/gen -MMD -MP -D__ASSEMBLY__
GUEST_LDFLAGS := -nostdlib -static -no-pie -T $(GUEST_DIR)/guest.ld -Wl,--gc-sections \
	-Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,--orphan-handling=error \
	-Wl,-Map=$(G)/testguest.map

_image: $(G)/testguest.bin $(G)/.check-fp $(G)/dummy-kernel.elf

$(G)/obj/%.o: $(GUEST_DIR)/%.c | $(NEWLIB_STAMP) $(FDT_INC)/libfdt.h
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(G)/obj/%.o: $(GUEST_DIR)/%.S | $(NEWLIB_STAMP)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(GUEST_ASFLAGS) -c $< -o $@

# pseries enters big-endian: assemble the stub as BE and flatten it.
$(G)/gen/be-stub.bin: $(GUEST_DIR)/be-stub.s
	@mkdir -p $(dir $@)
	@echo "  AS(BE)  $<"
	@$(CC) -mbig -c $< -o $(G)/gen/be-stub.o
	@$(OBJCOPY) -O binary $(G)/gen/be-stub.o $@
$(G)/obj/entry.o: $(G)/gen/be-stub.bin

$(G)/testguest.elf: $(GUEST_OBJS) $(GUEST_DIR)/guest.ld $(NEWLIB_STAMP)
	@echo "  LD      $@"
	@$(CC) $(GUEST_LDFLAGS) $(GUEST_OBJS) -Wl,--start-group $(LIBFDT) \
		$(NEWLIB)/lib/libc.a $(LIBGCC) -Wl,--end-group -o $@

$(G)/testguest.bin: $(G)/testguest.elf
	@echo "  OBJCOPY $@"
	@$(OBJCOPY) -O binary $< $@
	@test $$(stat -c %s $@) -le 4194304 || { echo "guest over pseries' 4 MiB -bios limit"; exit 1; }

$(G)/.check-fp: $(G)/testguest.elf scripts/check-fp.sh
	@./scripts/check-fp.sh $(OBJDUMP) $<
	@touch $@

$(G)/dummy-kernel.elf: $(GUEST_DIR)/dummy-kernel.s
	@mkdir -p $(dir $@)
	@echo "  AS+LD   $@"
	@$(CC) -nostdlib -static -no-pie -Wl,-Ttext=0 -Wl,--build-id=none $< -o $@

-include $(GUEST_OBJS:.o=.d)
