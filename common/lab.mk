# lab.mk - the rules every lab Makefile includes (CONTRIBUTING.md, "Makefiles").
#
# A lab Makefile declares its programs by role, then includes this file:
#   PROGS    the chapter's programs (the book's names) and the kit's demos (*_demo)
#   TESTS    test programs: *_test (common/check.h), *_prop (common/prop.h),
#            *_stress (common/stress.h); scripts/test.sh checks that test.sh runs each
#   BENCHES  benchmarks (*_bench); scripts/test.sh checks that measure.conf runs each
#   FUZZ     fuzz entry points (NAME_fuzz.c defines LLVMFuzzerTestOneInput), seeds in
#            corpus/NAME_fuzz/; built with common/fuzz_driver.c's replay main() here,
#            for libFuzzer with SAN=libfuzzer and for AFL++ with SAN=afl
#   USES     other labs' modules, as LAB/MODULE (04-sync-send/chan): adds
#            labs/LAB to the include path and links labs/LAB/MODULE.c
#   SUBLABS  sub-folders that are labs of their own (05-locks: hopper)
# and, per program P:
#   P_SRCS      the lab's module .c files P links (besides P.c)
#   P_FROM      a twin: the source P is built from instead of P.c ...
#   P_CPPFLAGS  ... with the switch that makes it the twin (-DRING_CHECKED)
#   P_LDLIBS    e.g. -lm
#
#   make                 build into build/<arch>[-<flavour>]/<lab>/
#   make demo            build, then run demo.sh (what `make lab-N` does)
#   make test            build, then run this lab's tests through scripts/test.sh
#   make asm             .s files at -O0 and -O2 into build/<arch>/<lab>/asm/
#   make print-env       the variables scripts use (KIT_BIN, KIT_RUN, KIT_PROGS, ...)
#   ARCH=aarch64|armv7   cross-compile (runs go through qemu-user)
#   SAN=thread|address|undefined|valgrind|libfuzzer|afl   a build flavour (arch.mk)

include $(dir $(lastword $(MAKEFILE_LIST)))arch.mk

# The lab's name: its folder under labs/ with / as - (05-locks/hopper ->
# 05-locks-hopper).  Derived, never taken from the command line: `make test
# LAB=4` must not move the build folder.
override KIT_LAB := $(if $(filter $(KIT_TOP)/labs/%,$(CURDIR)),$(subst /,-,$(patsubst $(KIT_TOP)/labs/%,%,$(CURDIR))),$(notdir $(CURDIR)))
BIN := $(BUILD_ROOT)/$(KIT_LAB)
OBJ := $(BIN)/obj

ALL_PROGS := $(PROGS) $(TESTS) $(BENCHES) $(FUZZ)
# The fuzzer flavours build the fuzz targets only.
BUILT := $(if $(filter libfuzzer afl,$(SAN)),$(FUZZ),$(ALL_PROGS))

$(foreach u,$(USES),$(if $(wildcard $(KIT_TOP)/labs/$(u).c),,$(error USES: no module labs/$(u).c)))

# -gdwarf-4: valgrind 3.19 cannot read clang 14's default DWARF 5.
CFLAGS ?= -O2 -g -gdwarf-4
KIT_INCLUDES := -I$(KIT_TOP)/common $(addprefix -I$(KIT_TOP)/labs/,$(patsubst %/,%,$(sort $(dir $(USES)))))
KIT_CFLAGS := -std=c11 -Wall -Wextra -Werror -pthread -D_GNU_SOURCE $(KIT_INCLUDES) $(SANFLAGS)
KIT_LDFLAGS := -pthread $(SANLDFLAGS)

# ---- the build stamp: a change of compiler, its version or the flags rebuilds everything
KIT_CC_VERSION := $(shell $(CC) --version 2>/dev/null | head -n 1)
KIT_BUILD_LINE := $(CC) | $(KIT_CC_VERSION) | $(KIT_CFLAGS) $(CPPFLAGS) $(CFLAGS) | $(KIT_LDFLAGS) $(LDFLAGS) $(LDLIBS)
STAMP := $(BIN)/.build-flags
ifeq ($(filter print-env clean,$(MAKECMDGOALS)),)
$(shell mkdir -p '$(BIN)' && { printf '%s\n' '$(subst ','\'',$(KIT_BUILD_LINE))' | cmp -s - '$(STAMP)' || printf '%s\n' '$(subst ','\'',$(KIT_BUILD_LINE))' >'$(STAMP)'; })
endif

# ---- the shared archive: common/'s modules and the USES modules, compiled once
# per lab and flavour; the linker takes from it only what a program calls.
KIT_COMMON_MODULES := machine
LIB_SRCS := $(KIT_COMMON_MODULES:%=$(KIT_TOP)/common/%.c) $(USES:%=$(KIT_TOP)/labs/%.c)
lib_obj = $(OBJ)/lib/$(subst /,-,$(patsubst $(KIT_TOP)/%,%,$(basename $(1)))).o
LIB_OBJS := $(foreach s,$(LIB_SRCS),$(call lib_obj,$(s)))
LIBKIT := $(OBJ)/libkit.a

# ---- per program: its sources, each compiled to its own object with -MMD, so
# a touched header rebuilds exactly the programs that include it
prog_main = $(or $($(1)_FROM),$(1).c)
prog_srcs = $(call prog_main,$(1)) $($(1)_SRCS) $(if $(filter $(1),$(FUZZ)),$(if $(filter libfuzzer,$(SAN)),,$(KIT_TOP)/common/fuzz_driver.c))
obj_of = $(OBJ)/$(1)/$(basename $(notdir $(2))).o
prog_objs = $(foreach s,$(call prog_srcs,$(1)),$(call obj_of,$(1),$(s)))

# After compiling, `.link.d` names the archive's objects whose headers the
# source included: the program relinks when one of them changes, and only then
# (the archive itself is order-only, so a change to chan.c relinks the
# programs that include chan.h, not the whole lab).
# HEADER=OBJECT pairs, the header spelt as the compiler writes it in a .d file
# (bare when it sits in this folder, absolute when found through -I).
LIB_PAIRS := $(foreach s,$(LIB_SRCS),$(patsubst $(CURDIR)/%,%,$(s:.c=.h))=$(call lib_obj,$(s)))
# Each program's own switches (P_CPPFLAGS) in $(OBJ)/P/.cppflags, rewritten
# (one shell for all programs) only when they change: its objects depend on it.
prog_flag_cmd = mkdir -p '$(OBJ)/$(1)' && { printf '%s\n' '$(subst ','\'',$($(1)_CPPFLAGS))' | cmp -s - '$(OBJ)/$(1)/.cppflags' || printf '%s\n' '$(subst ','\'',$($(1)_CPPFLAGS))' >'$(OBJ)/$(1)/.cppflags'; };
ifeq ($(filter print-env clean,$(MAKECMDGOALS)),)
$(shell $(foreach p,$(BUILT),$(call prog_flag_cmd,$(p))) true)
endif
define KIT_OBJ_RULE
$(call obj_of,$(1),$(2)): $(2) $(STAMP) $(OBJ)/$(1)/.cppflags
	@mkdir -p $$(@D)
	$$(CC) $$(KIT_CFLAGS) $$(CPPFLAGS) $$(CFLAGS) $$($(1)_CPPFLAGS) -MMD -MP -c -o $$@ $$<
	@for p in $$(LIB_PAIRS); do grep -Eq " $$$${p%%=*}( |$$$$)" $$(@:.o=.d) && echo "$$(BIN)/$(1): $$$${p#*=}"; done >$$(@:.o=.link.d); true
endef
define KIT_PROG_RULE
$(BIN)/$(1): $(call prog_objs,$(1)) $(STAMP) | $(LIBKIT)
	$$(CC) $$(KIT_LDFLAGS) $$(LDFLAGS) -o $$@ $(call prog_objs,$(1)) $(LIBKIT) $$($(1)_LDLIBS) $$(LDLIBS)
endef
define KIT_LIB_RULE
$(call lib_obj,$(1)): $(1) $(STAMP)
	@mkdir -p $$(@D)
	$$(CC) $$(KIT_CFLAGS) $$(CPPFLAGS) $$(CFLAGS) -MMD -MP -c -o $$@ $$<
endef

.PHONY: all demo test asm clean print-env sublabs
all: $(addprefix $(BIN)/,$(BUILT))

$(foreach p,$(BUILT),$(foreach s,$(call prog_srcs,$(p)),$(eval $(call KIT_OBJ_RULE,$(p),$(s)))))
$(foreach p,$(BUILT),$(eval $(call KIT_PROG_RULE,$(p))))
$(foreach s,$(LIB_SRCS),$(eval $(call KIT_LIB_RULE,$(s))))

$(LIBKIT): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

-include $(wildcard $(OBJ)/*/*.d $(OBJ)/lib/*.d)

# ---- assembly: each program's main source at -O0 and -O2 (the normal flavour's flags)
ASM_DIR := $(KIT_TOP)/build/$(ARCH)/$(KIT_LAB)/asm
define KIT_ASM_RULE
$(ASM_DIR)/$(1).$(2).s: $(call prog_main,$(1)) $(STAMP)
	@mkdir -p $$(@D)
	$$(CC) $$(KIT_CFLAGS) $$(CPPFLAGS) $$($(1)_CPPFLAGS) -$(2) -MMD -MP -MF $$@.d -S -o $$@ $$<
endef
$(foreach p,$(ALL_PROGS),$(foreach o,O0 O2,$(eval $(call KIT_ASM_RULE,$(p),$(o)))))
-include $(wildcard $(ASM_DIR)/*.s.d)
asm: $(foreach p,$(ALL_PROGS),$(ASM_DIR)/$(p).O0.s $(ASM_DIR)/$(p).O2.s)

# ---- sub-labs build, assemble and clean with their parent
ifneq ($(SUBLABS),)
all asm clean: sublabs
sublabs:
	@for d in $(SUBLABS); do $(MAKE) --no-print-directory -C $$d $(filter all asm clean,$(or $(MAKECMDGOALS),all)) ARCH=$(ARCH) $(if $(SAN),SAN=$(SAN)) || exit 1; done
endif

# Everything a script needs to run this lab's programs, as shell assignments.
print-env:
	@echo "KIT_TOP='$(KIT_TOP)' KIT_LAB='$(KIT_LAB)' KIT_ARCH='$(ARCH)' KIT_SAN='$(SAN)'"
	@echo "KIT_BIN='$(BIN)' KIT_RUN='$(RUN)' KIT_NATIVE='$(KIT_NATIVE)' KIT_CC='$(CC)'"
	@echo "KIT_CC_VERSION='$(subst ','\'',$(KIT_CC_VERSION))'"
	@echo "KIT_CFLAGS='$(KIT_CFLAGS) $(CPPFLAGS) $(CFLAGS)'"
	@echo "KIT_PROGS='$(PROGS)' KIT_TESTS='$(TESTS)' KIT_BENCHES='$(BENCHES)' KIT_FUZZ='$(FUZZ)'"
	@echo "KIT_USES='$(USES)' KIT_SUBLABS='$(SUBLABS)' KIT_LABDIR='$(patsubst $(KIT_TOP)/%,%,$(CURDIR))'"

demo: all
	@KIT_TOP='$(KIT_TOP)' ARCH='$(ARCH)' ./demo.sh

test: all
	@ARCH='$(ARCH)' $(KIT_TOP)/scripts/test.sh $(patsubst $(KIT_TOP)/%,%,$(CURDIR))

clean:
	rm -rf $(BIN) $(ASM_DIR)
