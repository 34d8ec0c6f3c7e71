/* hb.h - helgrind happens-before annotations for code that synchronizes
 * through C11 atomics (CONTRIBUTING.md, "Race detectors and annotations").
 *
 * helgrind and DRD only understand pthread calls: an acquire load that reads a
 * release store looks like no synchronization at all to them, so correct
 * lock-free code gets "Possible data race" reports.  HB_BEFORE(addr) right
 * before the release operation and HB_AFTER(addr) right after the matching
 * acquire tell helgrind about the edge; HB_IGNORE(addr, len) tells it that the
 * synchronization word's own atomic accesses are not races.
 *
 * The annotations are valgrind client requests: 20-60 instructions each
 * outside valgrind (cachegrind: a futex-mutex acquisition costs 12
 * instructions without them, 34 with).  So they are compiled in only in the
 * valgrind build flavour (`make SAN=valgrind`, which defines KIT_VALGRIND),
 * the build that helgrind runs; every other build gets empty macros and its
 * figures are those of plain code.  HB_NO_ANNOTATE (an `_unannotated` twin)
 * empties them in the valgrind flavour too, to show the false positives. */
#ifndef HB_H
#define HB_H
#if defined(KIT_VALGRIND) && !defined(HB_NO_ANNOTATE)
#include <valgrind/helgrind.h>
#define HB_BEFORE(a) ANNOTATE_HAPPENS_BEFORE(a)
#define HB_AFTER(a) ANNOTATE_HAPPENS_AFTER(a)
#define HB_IGNORE(a, n) VALGRIND_HG_DISABLE_CHECKING(a, n)
#define HB_ANNOTATED 1
#else
#define HB_BEFORE(a) ((void)(a))
#define HB_AFTER(a) ((void)(a))
#define HB_IGNORE(a, n) ((void)(a), (void)(n))
#define HB_ANNOTATED 0
#endif
#endif
