/* semaphore.c - the token-queue semaphore with FIFO hand-off; see semaphore.h. */
#include "kit.h"
#include "semaphore.h"

struct qsem_waiter {
    pthread_cond_t cv;
    bool granted; /* guarded by qsem.m */
    struct qsem_waiter *next;
};

void qsem_init(struct qsem *s, unsigned capacity)
{
    KIT_CHECK(capacity >= 1 && capacity <= (1u << 20));
    s->tokens = msq_new(capacity + 8); /* slack: nodes in flight between threads */
    for (unsigned i = 0; i < capacity; i++)
        KIT_CHECK(msq_enq(s->tokens, 1));
    atomic_init(&s->waiters, 0);
    kit_mutex_init(&s->m);
    s->head = s->tail = NULL;
}

void qsem_destroy(struct qsem *s)
{
    kit_mutex_destroy(&s->m);
    msq_free(s->tokens);
}

void qsem_wait(struct qsem *s)
{
    long tok;
    if (msq_deq(s->tokens, &tok))
        return;
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

void qsem_signal(struct qsem *s)
{
    /* The pool holds capacity + 8 nodes: a failed enq means nodes are in
     * flight for a moment; a persistent failure means unmatched signals. */
    for (unsigned tries = 0; !msq_enq(s->tokens, 1); tries++) {
        KIT_CHECK(tries < 1000000);
        sched_yield();
    }
    if (atomic_fetch_add_explicit(&s->waiters, 0, memory_order_acq_rel) == 0)
        return;
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
