/* swap_mutex.h - the book's SwapMutex (ch. 6 section 7): a spin lock built
 * from one atomic exchange, which yields the CPU while it waits.
 *
 * The book's six-point mutex specification holds:
 *  - lock: exchange(locked, true) with acq_rel until it returns false.  The
 *    thread that swapped false -> true holds the lock.  Acquire keeps the
 *    critical section's loads and stores from moving above the lock; the
 *    release half (the book's AcqRel) is not needed for mutual exclusion but
 *    is what the book wrote, and costs nothing on x86 (xchg is a full barrier).
 *  - unlock: assert the lock is held (relaxed load: only coherence of the one
 *    location matters, not ordering), then store false with release so the
 *    critical section's stores are visible to the next holder's acquire.
 * sched_yield() between attempts is the book's thread::yield_now(): the
 * waiter gives its CPU away instead of burning it (the measured numbers in
 * the book depend on it).  Not fair: nothing orders the waiters.
 *
 * Header-only.  In the valgrind flavour (make SAN=valgrind) helgrind
 * annotations (common/hb.h) tell valgrind about the hand-off, unless
 * HB_NO_ANNOTATE is defined; every other build has none. */
#ifndef SWAP_MUTEX_H
#define SWAP_MUTEX_H
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include "hb.h"
#include "kit.h"

struct swap_mutex {
    atomic_bool locked;
};
#define SWAP_MUTEX_INIT { false }

/* Initialise m unlocked (SWAP_MUTEX_INIT does the same statically). */
static inline void swap_mutex_init(struct swap_mutex *m)
{
    atomic_init(&m->locked, false);
    HB_IGNORE(&m->locked, sizeof m->locked);
}

/* Block (spinning with sched_yield) until this thread holds m. */
static inline void swap_mutex_lock(struct swap_mutex *m)
{
    while (atomic_exchange_explicit(&m->locked, true, memory_order_acq_rel))
        sched_yield();
    HB_AFTER(m);
}

/* One attempt: true if this thread now holds m. */
static inline bool swap_mutex_trylock(struct swap_mutex *m)
{
    if (atomic_exchange_explicit(&m->locked, true, memory_order_acq_rel))
        return false;
    HB_AFTER(m);
    return true;
}

/* Release m; the caller must hold it (checked even with NDEBUG: the book's
 * assert is the lock's defence against a broken caller). */
static inline void swap_mutex_unlock(struct swap_mutex *m)
{
    KIT_CHECK(atomic_load_explicit(&m->locked, memory_order_relaxed));
    HB_BEFORE(m);
    atomic_store_explicit(&m->locked, false, memory_order_release);
}
#endif
