/* semaphore.c - the token-queue semaphore with FIFO hand-off; see semaphore.h. */
#include "kit.h"
#include "semaphore.h"

struct qsem_waiter {
    pthread_cond_t cv;
    bool granted; /* guarded by qsem.m */
    struct qsem_waiter *next;
};

#if QSEM_TEST_HOOKS
void (*qsem_test_hook)(struct qsem *s, enum qsem_point where);
#endif

void qsem_init(struct qsem *s, unsigned capacity)
{
    KIT_CHECK(capacity >= 1 && capacity <= (1u << 20));
    s->tokens = msq_new(capacity + 8); /* slack: nodes in flight between threads */
    for (unsigned i = 0; i < capacity; i++)
        KIT_CHECK(msq_enq(s->tokens, 1));
    atomic_init(&s->waiters, 0);
    atomic_init(&s->signalling, 0);
    kit_mutex_init(&s->m);
    s->head = s->tail = NULL;
}

void qsem_destroy(struct qsem *s)
{
    kit_mutex_destroy(&s->m);
    msq_free(s->tokens);
}

/* Return only after every qsem_signal in flight has made its last access to
 * *s, so the caller may destroy and free s at once.  The token this waiter
 * holds came from a signal whose increment of `signalling` happens before the
 * token's hand-off (queue link or mutex), so the acquire load below reads that
 * increment or a later value; reading 0 means that signal's release decrement
 * (its last access) has happened, and it synchronizes with this load (all
 * changes of the count are RMWs, so it is in the decrement's release sequence). */
static void wait_for_signallers(struct qsem *s)
{
    if (atomic_load_explicit(&s->signalling, memory_order_acquire) == 0)
        return;
    QSEM_HOOK(s, QSEM_WAIT_SIGNALLERS);
    /* a signal in flight runs a bounded number of steps (it never waits for a
     * waiter); yield: with more threads than CPUs it may need ours */
    while (atomic_load_explicit(&s->signalling, memory_order_acquire) != 0)
        sched_yield();
}

void qsem_wait(struct qsem *s)
{
    long tok;
    if (!msq_deq(s->tokens, &tok)) {
        atomic_fetch_add_explicit(&s->waiters, 1, memory_order_acq_rel);
        kit_mutex_lock(&s->m);
        if (!msq_deq(s->tokens, &tok)) {
            struct qsem_waiter me = { .granted = false, .next = NULL };
            kit_cond_init(&me.cv);
            if (s->tail) s->tail->next = &me; else s->head = &me;
            s->tail = &me;
            while (!me.granted)
                kit_cond_wait(&me.cv, &s->m);
            kit_cond_destroy(&me.cv);
        }
        kit_mutex_unlock(&s->m);
        atomic_fetch_sub_explicit(&s->waiters, 1, memory_order_relaxed);
    }
    wait_for_signallers(s); /* not under s->m: a signal in flight may need it */
}

void qsem_signal(struct qsem *s)
{
    /* In flight from before the token is visible until the last access to *s
     * (see wait_for_signallers).  Relaxed: the token's publication, sequenced
     * after it, carries it to the waiter. */
    atomic_fetch_add_explicit(&s->signalling, 1, memory_order_relaxed);
    /* The pool holds capacity + 8 nodes: a failed enq means nodes are in
     * flight for a moment; a persistent failure means unmatched signals. */
    for (unsigned tries = 0; !msq_enq(s->tokens, 1); tries++) {
        KIT_CHECK(tries < 1000000);
        sched_yield();
    }
    QSEM_HOOK(s, QSEM_SIGNAL_PUBLISHED);
    if (atomic_fetch_add_explicit(&s->waiters, 0, memory_order_acq_rel) != 0) {
        kit_mutex_lock(&s->m);
        long tok;
        /* a barging wait() may already have taken the token: then no hand-off,
         * and the sleeper gets the next one */
        if (s->head != NULL && msq_deq(s->tokens, &tok)) {
            struct qsem_waiter *w = s->head;
            s->head = w->next;
            if (s->head == NULL)
                s->tail = NULL;
            w->granted = true;
            kit_cond_signal(&w->cv);
        }
        kit_mutex_unlock(&s->m);
    }
    /* the last access to *s; release: everything this call did happens before
     * the return of the wait that took its token */
    atomic_fetch_sub_explicit(&s->signalling, 1, memory_order_release);
}
