/* locks.h - the lab's locks side by side, so one benchmark (lock_bench) can
 * run each:
 *
 *   swap     the book's SwapMutex: exchange, sched_yield while waiting (swap_mutex.h)
 *   ttas     test-and-test-and-set with exponential backoff (ttas_lock.h)
 *   ticket   the FIFO ticket lock (ticket_lock.h)
 *   futex    Drepper's three-state futex mutex (futex_mutex.h)
 *   pthread  glibc's pthread_mutex_t (default attributes)
 *
 * struct lock holds any one of them (its kind says which); lock_init and
 * lock_destroy set it up and tear it down.  Acquire and release through each
 * lock's own functions (lock_bench has one loop per lock, so the calls inline
 * and nothing dispatches in the timed loop).  Each lock's orderings are in
 * its header. */
#ifndef LOCKS_H
#define LOCKS_H
#include <string.h>
#include "futex_mutex.h"
#include "kit.h"
#include "swap_mutex.h"
#include "ticket_lock.h"
#include "ttas_lock.h"

enum lock_kind { LOCK_SWAP, LOCK_TTAS, LOCK_TICKET, LOCK_FUTEX, LOCK_PTHREAD, LOCK_NKINDS };

static const char *const lock_names[LOCK_NKINDS] = { "swap", "ttas", "ticket", "futex", "pthread" };

struct lock {
    enum lock_kind kind;
    union {
        struct swap_mutex swap;
        struct ttas_lock ttas;
        struct ticket_lock ticket;
        struct futex_mutex futex;
        pthread_mutex_t pthread;
    } u;
};

/* The kind named s ("swap", ... "pthread"), or -1. */
static inline int lock_kind_parse(const char *s)
{
    for (int k = 0; k < LOCK_NKINDS; k++)
        if (strcmp(s, lock_names[k]) == 0)
            return k;
    return -1;
}

/* Initialise l as a lock of kind k (unlocked). */
static inline void lock_init(struct lock *l, enum lock_kind k)
{
    l->kind = k;
    switch (k) {
    case LOCK_SWAP: swap_mutex_init(&l->u.swap); break;
    case LOCK_TTAS: ttas_init(&l->u.ttas); break;
    case LOCK_TICKET: ticket_init(&l->u.ticket); break;
    case LOCK_FUTEX: futex_mutex_init(&l->u.futex); break;
    default: kit_mutex_init(&l->u.pthread); break;
    }
}

/* Release what lock_init acquired (only pthread_mutex_t holds anything). */
static inline void lock_destroy(struct lock *l)
{
    if (l->kind == LOCK_PTHREAD)
        kit_mutex_destroy(&l->u.pthread);
}

#endif
