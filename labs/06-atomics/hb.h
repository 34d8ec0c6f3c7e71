/* hb.h - helgrind happens-before annotations for code that synchronizes
 * through C11 atomics.  helgrind and DRD only understand pthread calls; an
 * acquire load that reads a release store looks like no synchronization at all
 * to them, so correct lock-free code gets "Possible data race" reports.
 * HB_BEFORE(addr) right before the release operation and HB_AFTER(addr) right
 * after the matching acquire tell helgrind about the edge (SPEC section 9);
 * HB_IGNORE(addr, len) tells it the lock word's own atomic accesses are not races.
 * Outside valgrind the macros cost a few instructions; when the header is
 * missing, or HB_NO_ANNOTATE is defined (to show the false positives), they
 * are empty. */
#ifndef HB_H
#define HB_H
#if !defined(HB_NO_ANNOTATE) && defined(__has_include)
#if __has_include(<valgrind/helgrind.h>)
#include <valgrind/helgrind.h>
#define HB_BEFORE(a) ANNOTATE_HAPPENS_BEFORE(a)
#define HB_AFTER(a) ANNOTATE_HAPPENS_AFTER(a)
/* the synchronization variable itself: its atomic accesses are not races */
#define HB_IGNORE(a, n) VALGRIND_HG_DISABLE_CHECKING(a, n)
#define HB_ANNOTATED 1
#endif
#endif
#ifndef HB_BEFORE
#define HB_BEFORE(a) ((void)(a))
#define HB_AFTER(a) ((void)(a))
#define HB_IGNORE(a, n) ((void)(a), (void)(n))
#define HB_ANNOTATED 0
#endif
#endif
