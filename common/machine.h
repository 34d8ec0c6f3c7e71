/* machine.h - what the kit's programs need to know about the machine they run on:
 * whether they are emulated (qemu-user), how many CPUs they may use, pinning
 * a thread to a CPU, and the data cache sizes.  Implemented in machine.c. */
#ifndef MACHINE_H
#define MACHINE_H
#include "kit.h"

/* 1 if this binary's architecture differs from the CPU that /proc/cpuinfo
 * describes, i.e. it runs under qemu-user: an aarch64/armv7 binary sees the
 * x86 host's cpuinfo (field "vendor_id"), an x86 one sees an ARM host's
 * ("CPU implementer").  0 when native or when /proc/cpuinfo is unreadable.
 * Emulated runs have the host's memory order and speed: no ARM result. */
int machine_emulated(void);

/* The architecture this binary was compiled for: "x86_64", "aarch64", "armv7", ... */
const char *machine_arch(void);

/* 1 if the binary is x86 and runs natively, so x86-TSO rules its memory order. */
int machine_x86_native(void);

/* The CPUs this process may run on (sched_getaffinity), at least 1. */
int machine_cpus(void);

/* Pin the calling thread to the nth CPU of the affinity set the process started with
 * (n modulo the set's size).  Returns 0 on success, an errno value when the
 * kernel (or qemu) refuses; callers report that and carry on unpinned. */
int machine_pin(int n);

/* Size in bytes of the level-`level` data (or unified) cache of CPU 0 from
 * sysfs, 0 if unknown.  Under qemu these are the host's caches. */
uint64_t machine_cache_bytes(int level);

/* One line for programs to print when emulated, naming what the numbers are not. */
void machine_note_emulated(const char *what);
#endif
