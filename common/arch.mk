# arch.mk - ARCH, SAN (the build flavour), compiler and run-prefix selection,
# shared by the top Makefile and every lab (through lab.mk).  One place
# decides where builds go.  See CONTRIBUTING.md, "Building".

ifndef KIT_TOP
  KIT_TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
endif

HOST_ARCH := $(shell uname -m | sed -e 's/^arm64$$/aarch64/' -e 's/^armv[78].*/armv7/')
ifeq ($(strip $(ARCH)),)
  override ARCH := $(HOST_ARCH)
endif
ifeq ($(filter $(ARCH),x86_64 aarch64 armv7),)
  $(error ARCH must be x86_64, aarch64 or armv7, not '$(ARCH)')
endif

# Cross compiler prefix and qemu-user runner when ARCH is not this machine's.
CROSS_x86_64  := x86_64-linux-gnu-
CROSS_aarch64 := aarch64-linux-gnu-
CROSS_armv7   := arm-linux-gnueabihf-
QEMU_x86_64   := qemu-x86_64
QEMU_aarch64  := qemu-aarch64
QEMU_armv7    := qemu-arm
ifneq ($(ARCH),$(HOST_ARCH))
  CROSS_COMPILE ?= $(CROSS_$(ARCH))
  # The cross sysroot Debian's cross toolchains install (libc6-*-cross).
  SYSROOT ?= /usr/$(patsubst %-,%,$(CROSS_COMPILE))
  RUN ?= $(QEMU_$(ARCH)) -L $(SYSROOT)
  KIT_NATIVE := 0
else
  CROSS_COMPILE ?=
  RUN ?=
  KIT_NATIVE := 1
endif

# SAN= picks the build flavour; each has its own build folder.
#   (empty)     the normal build: what the demos, tests and benchmarks run
#   thread, address, undefined   the sanitizers
#   valgrind    the build valgrind runs: helgrind annotations (hb.h) compiled in
#   libfuzzer   the FUZZ targets only, linked with libFuzzer (clang)
#   afl         the FUZZ targets only, built with afl-clang-fast
KIT_FLAVOURS := thread address undefined valgrind libfuzzer afl
ifneq ($(filter-out $(KIT_FLAVOURS),$(SAN)),)
  $(error SAN must be one of $(KIT_FLAVOURS), not '$(SAN)')
endif
ifneq ($(word 2,$(SAN)),)
  $(error SAN takes one flavour, not '$(SAN)')
endif
SANFLAGS_thread    := -fsanitize=thread
SANFLAGS_address   := -fsanitize=address -fno-omit-frame-pointer
SANFLAGS_undefined := -fsanitize=undefined -fno-sanitize-recover=all
SANFLAGS_valgrind  := -DKIT_VALGRIND=1
SANFLAGS_libfuzzer := -fsanitize=fuzzer-no-link,address,undefined -DKIT_LIBFUZZER=1
SANFLAGS_afl       := -DKIT_AFL=1
SANFLAGS := $(SANFLAGS_$(SAN))
comma := ,
# Link flags: libFuzzer brings its own main().
SANLDFLAGS := $(if $(filter libfuzzer,$(SAN)),-fsanitize=fuzzer$(comma)address$(comma)undefined,$(filter -fsanitize=%,$(SANFLAGS)))

ifeq ($(origin CC),default)
  CC := $(CROSS_COMPILE)gcc
  ifeq ($(SAN),libfuzzer)
    CC := clang
  endif
  ifeq ($(SAN),afl)
    CC := afl-clang-fast
  endif
endif
ifeq ($(origin AR),default)
  AR := $(CROSS_COMPILE)ar
endif

BUILD_ROOT := $(KIT_TOP)/build/$(ARCH)$(if $(SAN),-$(SAN))
