/* ticket_lock.h - the ticket lock (Mellor-Crummey & Scott 1991, "Algorithms
 * for scalable synchronization on shared-memory multiprocessors"; Linux's
 * x86 spin lock 2008-2015): take a ticket with fetch_add on `next`, wait until
 * `serving` shows it.  FIFO: threads get the lock in the order they arrived,
 * so the per-thread spread of lock_bench should be close to 1.0 - at a price:
 * if the next ticket's owner is preempted, everyone behind it waits.  Waiters
 * spin with pause/yield, then sched_yield() (this machine may have fewer CPUs
 * than threads).
 *
 * Orderings: the ticket fetch_add is relaxed (it only hands out numbers);
 * the load of `serving` that sees our ticket is acquire and pairs with the
 * previous holder's release store; unlock reads `serving` relaxed (only the
 * holder writes it) and stores +1 with release. */
#ifndef TICKET_LOCK_H
#define TICKET_LOCK_H
#include <sched.h>
#include <stdatomic.h>
#include "hb.h"
#include "kit.h"

struct ticket_lock {
    atomic_uint next;
    atomic_uint serving;
};

/* Initialise l unlocked (next == serving == 0). */
static inline void ticket_init(struct ticket_lock *l)
{
    atomic_init(&l->next, 0);
    atomic_init(&l->serving, 0);
    HB_IGNORE(l, sizeof *l);
}

/* Take a ticket and wait (pause, then sched_yield) until it is served. */
static inline void ticket_lock(struct ticket_lock *l)
{
    unsigned me = atomic_fetch_add_explicit(&l->next, 1, memory_order_relaxed);
    for (unsigned spins = 0; atomic_load_explicit(&l->serving, memory_order_acquire) != me; spins++) {
        if (spins < 128)
            kit_cpu_relax();
        else
            sched_yield();
    }
    HB_AFTER(l);
}

/* Release l (the caller holds it): serve the next ticket, with release. */
static inline void ticket_unlock(struct ticket_lock *l)
{
    unsigned s = atomic_load_explicit(&l->serving, memory_order_relaxed);
    HB_BEFORE(l);
    atomic_store_explicit(&l->serving, s + 1, memory_order_release);
}
#endif
