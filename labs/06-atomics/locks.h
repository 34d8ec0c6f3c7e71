/* locks.h - one small interface over the lab's locks, so one benchmark
 * (lock_bench) and one status demo can run each:
 *
 *   swap     the book's SwapMutex: exchange, sched_yield while waiting (swap_mutex.h)
 *   ttas     test-and-test-and-set with exponential backoff (ttas_lock.h)
 *   ticket   the FIFO ticket lock (ticket_lock.h)
 *   futex    Drepper's three-state futex mutex (futex_mutex.h)
 *   pthread  glibc's pthread_mutex_t (default attributes)
 *
 * A switch on the kind, not function pointers: the branch is perfectly
 * predicted and the lock calls inline.  Each lock's orderings are in its header. */
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

/* The kind named s, or -1. */
static inline int lock_kind_parse(const char *s)
{
    for (int k = 0; k < LOCK_NKINDS; k++)
        if (strcmp(s, lock_names[k]) == 0)
            return k;
    return -1;
}

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

static inline void lock_destroy(struct lock *l)
{
    if (l->kind == LOCK_PTHREAD)
        kit_mutex_destroy(&l->u.pthread);
}

static inline void lock_acquire(struct lock *l)
{
    switch (l->kind) {
    case LOCK_SWAP: swap_mutex_lock(&l->u.swap); break;
    case LOCK_TTAS: ttas_lock(&l->u.ttas); break;
    case LOCK_TICKET: ticket_lock(&l->u.ticket); break;
    case LOCK_FUTEX: futex_mutex_lock(&l->u.futex); break;
    default: kit_mutex_lock(&l->u.pthread); break;
    }
}

static inline void lock_release(struct lock *l)
{
    switch (l->kind) {
    case LOCK_SWAP: swap_mutex_unlock(&l->u.swap); break;
    case LOCK_TTAS: ttas_unlock(&l->u.ttas); break;
    case LOCK_TICKET: ticket_unlock(&l->u.ticket); break;
    case LOCK_FUTEX: futex_mutex_unlock(&l->u.futex); break;
    default: kit_mutex_unlock(&l->u.pthread); break;
    }
}
#endif
