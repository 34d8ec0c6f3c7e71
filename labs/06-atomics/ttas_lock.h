/* ttas_lock.h - test-and-test-and-set spin lock with exponential backoff
 * (Rudolph & Segall 1984; Anderson 1990, "The performance of spin lock
 * alternatives for shared-memory multiprocessors"; Herlihy & Shavit ch. 7).
 *
 * The swap mutex hammers the lock's cache line with exchanges, each of which
 * takes the line exclusive.  TTAS waits with plain loads (the line stays
 * shared in every waiter's cache) and only tries the exchange once the lock
 * looks free; after a failed try it backs off for a random-free, doubling
 * number of pause/yield instructions, so the waiters don't all pounce at once.
 * Past the largest backoff it sched_yield()s: with more threads than CPUs the
 * holder may be preempted, and spinning would only delay it.
 *
 * Orderings: acquire on the winning exchange, relaxed on the test loads (they
 * only decide when to try), release on unlock.  Not fair. */
#ifndef TTAS_LOCK_H
#define TTAS_LOCK_H
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include "hb.h"
#include "kit.h"

#define TTAS_MAX_BACKOFF 1024u

struct ttas_lock { atomic_bool locked; };

/* Initialise l unlocked. */
static inline void ttas_init(struct ttas_lock *l)
{
    atomic_init(&l->locked, false);
    HB_IGNORE(&l->locked, sizeof l->locked);
}

/* Take l: exchange (acquire) when it looks free, else back off and watch it
 * with relaxed loads. */
static inline void ttas_lock(struct ttas_lock *l)
{
    unsigned backoff = 1;
    while (atomic_exchange_explicit(&l->locked, true, memory_order_acquire)) {
        do {
            if (backoff < TTAS_MAX_BACKOFF) {
                for (unsigned i = 0; i < backoff; i++)
                    kit_cpu_relax();
                backoff <<= 1;
            } else {
                sched_yield();
            }
        } while (atomic_load_explicit(&l->locked, memory_order_relaxed));
    }
    HB_AFTER(l);
}

/* Release l (the caller holds it): a release store of false. */
static inline void ttas_unlock(struct ttas_lock *l)
{
    HB_BEFORE(l);
    atomic_store_explicit(&l->locked, false, memory_order_release);
}
#endif
