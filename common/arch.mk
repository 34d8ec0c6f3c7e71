# arch.mk - ARCH, SAN, compiler and run-prefix selection, shared by the top
# Makefile and every lab (through lab.mk).  One place decides where builds go.

KIT_TOP ?= $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)

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
ifeq ($(origin CC),default)
  CC := $(CROSS_COMPILE)gcc
endif

ifeq ($(filter $(SAN),thread address undefined),$(SAN))
else
  $(error SAN must be thread, address or undefined, not '$(SAN)')
endif
SANFLAGS_thread    := -fsanitize=thread
SANFLAGS_address   := -fsanitize=address -fno-omit-frame-pointer
SANFLAGS_undefined := -fsanitize=undefined -fno-sanitize-recover=all
SANFLAGS := $(SANFLAGS_$(SAN))

BUILD_ROOT := $(KIT_TOP)/build/$(ARCH)$(if $(SAN),-$(SAN))
