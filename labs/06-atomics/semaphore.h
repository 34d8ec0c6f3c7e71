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
 * Destroying right after the last wait (POSIX allows it for sem_t; glibc bug
 * 12674 was sem_post breaking it): a signal's token is visible before the
 * signal is done (msq_enq swings the tail after the link; then the sleeper
 * count, maybe the mutex), so a waiter taking that token could return and
 * free s under the signaller.  Hence, as musl does for its barriers: signal
 * counts itself in `signalling` from before its token is visible to its last
 * access (a release decrement), and wait, holding its token, returns only
 * once it reads the count 0 with acquire.  So every access a signal makes to
 * *s happens before the return of the wait that took its token.
 *
 * Synchronization: qsem_wait and qsem_signal may run concurrently from any
 * threads; qsem_init runs alone before; qsem_destroy (then free) may run as
 * soon as no thread is in qsem_wait and no qsem_signal call is still to
 * start - e.g. right after the last qsem_wait returns. */
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
    atomic_uint signalling;         /* qsem_signal calls in flight */
    pthread_mutex_t m;              /* guards the sleeper list */
    struct qsem_waiter *head, *tail; /* FIFO of sleepers */
};

/* Initialise with `capacity` tokens (1 .. 2^20).  Aborts on OOM. */
void qsem_init(struct qsem *s, unsigned capacity);
/* Free the token queue and the mutex; no thread may be waiting, and no
 * signal may start.  A signal whose token the last wait took needs no join:
 * that wait returned after the signal's last access to *s. */
void qsem_destroy(struct qsem *s);
/* Take a token, blocking while there is none; returns after every signal in
 * flight has finished with *s (see above). */
void qsem_wait(struct qsem *s);
/* Return a token; the oldest sleeper, if any, gets it directly. */
void qsem_signal(struct qsem *s);

#if QSEM_TEST_HOOKS
/* Test builds only (-DQSEM_TEST_HOOKS, semaphore_test): if set, called at
 * these points so a test can force a schedule. */
enum qsem_point {
    QSEM_SIGNAL_PUBLISHED, /* in qsem_signal, after msq_enq returned (token visible) */
    QSEM_WAIT_SIGNALLERS,  /* in qsem_wait, holding a token, about to wait for signallers in flight */
};
extern void (*qsem_test_hook)(struct qsem *s, enum qsem_point where);
#define QSEM_HOOK(s, where) do { if (qsem_test_hook) qsem_test_hook(s, where); } while (0)
#else
#define QSEM_HOOK(s, where) ((void)0)
#endif
#endif
