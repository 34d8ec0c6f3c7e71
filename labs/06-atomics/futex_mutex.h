/* futex_mutex.h - a mutex that sleeps in the kernel instead of spinning:
 * Drepper's three-state futex mutex ("Futexes Are Tricky", 2011, mutex3).
 * The state is 0 unlocked, 1 locked with no waiters, 2 locked and maybe
 * waiters.  Uncontended lock and unlock are one atomic each and no system
 * call; only a thread that finds the lock taken calls futex(FUTEX_WAIT), and
 * unlock calls futex(FUTEX_WAKE) only when the state says someone may sleep.
 * This is the design glibc's pthread_mutex_t uses (without its spinning and
 * robustness extras); the book's "a less wasteful mutex" made concrete.
 *
 * Orderings: the CAS 0 -> 1 and the exchange to 2 are acquire (they take the
 * lock); unlock's fetch_sub is release (it gives it back); when it finds 2 the
 * store of 0 is release too.  FUTEX_WAIT re-checks the word in the kernel, so
 * a wake between our exchange and the sleep is not lost.  Linux only.
 * helgrind annotations (common/hb.h) exist only in the valgrind flavour. */
#ifndef FUTEX_MUTEX_H
#define FUTEX_MUTEX_H
#include <linux/futex.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "hb.h"
#include "kit.h"

struct futex_mutex { atomic_int state; };

/* Initialise m unlocked (state 0). */
static inline void futex_mutex_init(struct futex_mutex *m)
{
    atomic_init(&m->state, 0);
    HB_IGNORE(&m->state, sizeof m->state);
}

/* Sleep while *addr == val (returns at once if it changed; spurious wakes happen). */
static inline void futex_wait_(atomic_int *addr, int val)
{
    /* EAGAIN (the word changed) and EINTR just mean: look again */
    syscall(SYS_futex, (int *)addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

/* Wake up to n threads sleeping on addr. */
static inline void futex_wake_(atomic_int *addr, int n)
{
    syscall(SYS_futex, (int *)addr, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
}

/* Take m: one acquire CAS when uncontended, else mark it contended (2) and
 * sleep in FUTEX_WAIT until an exchange to 2 finds it free. */
static inline void futex_mutex_lock(struct futex_mutex *m)
{
    int c = 0;
    if (!atomic_compare_exchange_strong_explicit(&m->state, &c, 1, memory_order_acquire, memory_order_relaxed)) {
        if (c != 2)
            c = atomic_exchange_explicit(&m->state, 2, memory_order_acquire);
        while (c != 0) {
            futex_wait_(&m->state, 2);
            c = atomic_exchange_explicit(&m->state, 2, memory_order_acquire);
        }
    }
    HB_AFTER(m);
}

/* Release m (the caller holds it): a release fetch_sub; FUTEX_WAKE one
 * sleeper only when the state was 2 (contended). */
static inline void futex_mutex_unlock(struct futex_mutex *m)
{
    HB_BEFORE(m);
    if (atomic_fetch_sub_explicit(&m->state, 1, memory_order_release) != 1) {
        atomic_store_explicit(&m->state, 0, memory_order_release);
        /* After the store another thread may lock, unlock, destroy and free m
         * (POSIX allows it for mutexes).  The wake only hands the address to
         * the kernel, which for a private futex reads no user memory; on a
         * freed or reused word it is at worst a spurious wake, which every
         * futex waiter tolerates (glibc's unlock does the same). */
        futex_wake_(&m->state, 1);
    }
}
#endif
