/* semaphore.h - the book's bounded semaphore (ch. 6 section 13): a queue of
 * `capacity` tokens.  wait() takes a token, blocking while there is none;
 * signal() gives one back.  The book builds it on crossbeam's MsQueue, whose
 * pop blocks by parking the caller and whose push hands its value straight to
 * the oldest parked popper.  Here the tokens live in the lab's correct
 * Michael-Scott queue (msqueue_ok) and the parking is done the same way:
 *
 *  - wait: take a token from the queue if there is one (lock-free fast path);
 *    else join a FIFO list of sleepers (under a mutex) and sleep on one's own
 *    condition variable until a signal hands a token over;
 *  - signal: put the token in the queue; if anyone sleeps, take a token back
 *    out and hand it to the oldest sleeper (first come, first served, as the
 *    book says crossbeam does).  The hand-off costs a context switch - the
 *    reason the book's binary semaphore does ~90k rounds/s where a mutex does 2M.
 *
 * Orderings: the token travels through the queue (release link, acquire
 * load) or the mutex, so everything before a signal() happens before the
 * wait() that gets its token.  The sleeper count is an acq_rel read-modify-
 * write on both sides: either the signaller sees the sleeper, or the sleeper's
 * RMW reads the signaller's and then finds the token - no lost wake-up.
 * Unmatched signal()s are a caller bug, as in the book (signal aborts if the
 * token pool overflows).
 *
 * Synchronization: qsem_wait and qsem_signal may run concurrently from any
 * threads; qsem_init and qsem_destroy run alone (before and after). */
#ifndef SEMAPHORE_H
#define SEMAPHORE_H
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include "msqueue_ok.h"

struct qsem_waiter;

struct qsem {
    struct msq *tokens;
    atomic_uint waiters;            /* threads in or entering the slow path */
    pthread_mutex_t m;              /* guards the sleeper list */
    struct qsem_waiter *head, *tail; /* FIFO of sleepers */
};

/* Initialise with `capacity` tokens (1 .. 2^20).  Aborts on OOM. */
void qsem_init(struct qsem *s, unsigned capacity);
/* Free the token queue and the mutex; no thread may be waiting. */
void qsem_destroy(struct qsem *s);
/* Take a token, blocking while there is none. */
void qsem_wait(struct qsem *s);
/* Return a token; the oldest sleeper, if any, gets it directly. */
void qsem_signal(struct qsem *s);
#endif
