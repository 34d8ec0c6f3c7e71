# The kit's top-level Makefile.  See README.md.
#   make                  build every lab for this machine (or ARCH=aarch64|armv7)
#   make lab-4            build lab 4 and run its guided demo
#   make test [LAB=4]     run the tests (scripts/test.sh); closing line "N passed, N failed, N skipped"
#   make test-all [LAB=4] the same plus the long checks (fuzzing campaigns); CI runs both
#   make measure          scripts/measure.sh: results/<machine-id>/ for this machine
#   make asm              .s at -O0 and -O2 for every architecture whose compiler is installed
#   make clean            remove build/
#   SAN=thread|address|undefined|valgrind|libfuzzer|afl   a build flavour in build/<arch>-<flavour>/
KIT_TOP := $(CURDIR)
include common/arch.mk

LAB_DIRS := $(sort $(wildcard labs/[0-9][0-9]-*))
DIRS := common $(LAB_DIRS)
PLANNED := 7 8 9 10

.PHONY: all test test-all measure asm clean $(DIRS)
all: $(DIRS)
$(DIRS):
	@$(MAKE) --no-print-directory -C $@ ARCH=$(ARCH) $(if $(SAN),SAN=$(SAN))

# lab-N: N is a lab number; one line and exit 2 for anything else.
lab-%:
	@n='$*'; case $$n in ''|*[!0-9]*) echo "make: lab-$$n: expected a lab number, e.g. make lab-4" >&2; exit 2 ;; esac; \
	n=$$(expr "$$n" + 0); d=$$(ls -d labs/$$(printf %02d $$n)-* 2>/dev/null | head -n 1); \
	if [ -z "$$d" ]; then \
	  case " $(PLANNED) " in *" $$n "*) echo "make: lab $$n is planned, not written yet (README.md, the lab table)" >&2 ;; \
	  *) echo "make: no lab $$n (labs: $(notdir $(LAB_DIRS)))" >&2 ;; esac; exit 2; fi; \
	$(MAKE) --no-print-directory -C $$d demo ARCH=$(ARCH) $(if $(SAN),SAN=$(SAN))

test:
	@ARCH=$(ARCH) scripts/test.sh $(LAB)

test-all:
	@ARCH=$(ARCH) KIT_TIER=full scripts/test.sh $(LAB)

measure:
	@ARCH=$(ARCH) scripts/measure.sh $(LAB)

ASM_ARCHES := x86_64 aarch64 armv7
asm:
	@for a in $(ASM_ARCHES); do \
	  cc=$$($(MAKE) -s -C common print-env ARCH=$$a | sed -n "s/.*KIT_CC='\([^']*\)'.*/\1/p"); \
	  if command -v $$cc >/dev/null 2>&1; then \
	    for d in $(DIRS); do $(MAKE) --no-print-directory -s -C $$d asm ARCH=$$a || exit 1; done; \
	    echo "asm: $$a -> build/$$a/<lab>/asm/"; \
	  else echo "asm: skip $$a ($$cc not installed)"; fi; \
	done

clean:
	rm -rf build
