# lab.mk - the rules every lab Makefile includes.
#
# A lab Makefile sets PROGS (one program a file: prog.c) and, per program,
# optional prog_EXTRA (module .c files it links), prog_DEPS (other files it
# includes) and prog_LDLIBS, then
# includes this file.  `make -C labs/NN-name` then works on its own.
#
#   make                 build the lab's programs into build/<arch>[-<san>]/<lab>/
#   make demo            build, then run demo.sh (what `make lab-N` does)
#   make test            build, then run test.sh through scripts/test.sh
#   make asm             .s files at -O0 and -O2 into build/<arch>/<lab>/asm/
#   make print-env       the variables scripts use (KIT_BIN, KIT_RUN, ...)
#   ARCH=aarch64|armv7   cross-compile (runs go through qemu-user)
#   SAN=thread|address|undefined   sanitizer build in its own folder

include $(dir $(lastword $(MAKEFILE_LIST)))arch.mk

LAB ?= $(notdir $(CURDIR))
BIN := $(BUILD_ROOT)/$(LAB)

# -gdwarf-4: valgrind 3.19 cannot read clang 14's default DWARF 5.
CFLAGS ?= -O2 -g -gdwarf-4
KIT_CFLAGS := -std=c11 -Wall -Wextra -Werror -pthread -D_GNU_SOURCE -I$(KIT_TOP)/common $(SANFLAGS)
KIT_LDFLAGS := -pthread $(SANFLAGS)
HEADERS := $(wildcard *.h) $(wildcard $(KIT_TOP)/common/*.h)

.PHONY: all demo test asm clean print-env
all: $(addprefix $(BIN)/,$(PROGS))

$(BIN):
	@mkdir -p $@

.SECONDEXPANSION:
$(BIN)/%: %.c $$($$*_EXTRA) $$($$*_DEPS) $(HEADERS) | $(BIN)
	$(CC) $(KIT_CFLAGS) $(CPPFLAGS) $(CFLAGS) -o $@ $< $($*_EXTRA) $(KIT_LDFLAGS) $(LDFLAGS) $($*_LDLIBS) $(LDLIBS)

ASM_DIR := $(KIT_TOP)/build/$(ARCH)/$(LAB)/asm
asm: $(foreach p,$(PROGS),$(ASM_DIR)/$(p).O0.s $(ASM_DIR)/$(p).O2.s)
$(ASM_DIR)/%.O0.s: %.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(KIT_CFLAGS) $(CPPFLAGS) -O0 -S -o $@ $<
$(ASM_DIR)/%.O2.s: %.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(KIT_CFLAGS) $(CPPFLAGS) -O2 -S -o $@ $<

# Everything a script needs to run this lab's programs, as shell assignments.
print-env:
	@echo "KIT_TOP='$(KIT_TOP)' KIT_LAB='$(LAB)' KIT_ARCH='$(ARCH)' KIT_SAN='$(SAN)'"
	@echo "KIT_BIN='$(BIN)' KIT_RUN='$(RUN)' KIT_NATIVE='$(KIT_NATIVE)' KIT_CC='$(CC)'"
	@echo "KIT_CFLAGS='$(KIT_CFLAGS) $(CPPFLAGS) $(CFLAGS)'"

demo: all
	@KIT_TOP='$(KIT_TOP)' ARCH='$(ARCH)' ./demo.sh

test: all
	@ARCH='$(ARCH)' $(KIT_TOP)/scripts/test.sh $(LAB)

clean:
	rm -rf $(BIN) $(ASM_DIR)
