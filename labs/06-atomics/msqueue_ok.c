/* msqueue_ok.c - the correct Michael-Scott queue: node pool, Treiber free
 * list, 32+32-bit tagged indices.  See msqueue_ok.h.  Comments E/D give the
 * paper's line numbers (E1-E17, D1-D21). */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "hb.h"
#include "kit.h"
#include "msqueue_ok.h"

#define NIL UINT32_MAX /* the null index */

#if MSQ_TEST_HOOKS
void (*msq_test_linked)(struct msq *q);
#endif

typedef uint64_t tagged; /* count << 32 | index */
static inline uint32_t idx(tagged t) { return (uint32_t)t; }
static inline uint32_t cnt(tagged t) { return (uint32_t)(t >> 32); }
static inline tagged mk(uint32_t i, uint32_t c) { return (uint64_t)c << 32 | i; }

struct node {
    _Atomic tagged next;     /* queue link */
    atomic_long value;       /* relaxed: may be read stale, see header */
    _Atomic uint32_t free_next; /* free-list link (relaxed: published by the list's CAS) */
};

struct msq {
    KIT_ALIGNED _Atomic tagged head;
    KIT_ALIGNED _Atomic tagged tail;
    KIT_ALIGNED _Atomic tagged free_top; /* Treiber stack of spare nodes */
    struct node *pool;
    uint32_t n;
};

/* Treiber pop: acquire on the top load so the popped node's free_next (written
 * before the pushing thread's release CAS) is read correctly; the tag makes a
 * stale (top, free_next) pair fail the CAS. */
static uint32_t node_alloc(struct msq *q)
{
    tagged top = atomic_load_explicit(&q->free_top, memory_order_acquire);
    for (;;) {
        if (idx(top) == NIL)
            return NIL;
        uint32_t next = atomic_load_explicit(&q->pool[idx(top)].free_next, memory_order_relaxed);
        if (atomic_compare_exchange_weak_explicit(&q->free_top, &top, mk(next, cnt(top) + 1),
                                                  memory_order_acquire, memory_order_acquire)) {
            HB_AFTER(&q->pool[idx(top)]);
            return idx(top);
        }
    }
}

/* Treiber push: release, so everything done with the node happens before the
 * next allocator's acquire. */
static void node_release(struct msq *q, uint32_t i)
{
    tagged top = atomic_load_explicit(&q->free_top, memory_order_relaxed);
    HB_BEFORE(&q->pool[i]);
    do {
        atomic_store_explicit(&q->pool[i].free_next, idx(top), memory_order_relaxed);
    } while (!atomic_compare_exchange_weak_explicit(&q->free_top, &top, mk(i, cnt(top) + 1),
                                                    memory_order_release, memory_order_relaxed));
}

struct msq *msq_new(uint32_t capacity)
{
    KIT_CHECK(capacity >= 1 && capacity <= (1u << 31));
    /* aligned_alloc: the struct's cache-line-aligned members need it (calloc
     * only promises 16 bytes; UBSan checks) */
    size_t sz = (sizeof(struct msq) + KIT_CACHELINE - 1) / KIT_CACHELINE * KIT_CACHELINE;
    struct msq *q = aligned_alloc(KIT_CACHELINE, sz);
    KIT_CHECK(q != NULL);
    memset(q, 0, sz);
    q->n = capacity + 1; /* + the sentinel */
    q->pool = calloc(q->n, sizeof *q->pool);
    KIT_CHECK(q->pool != NULL);
    for (uint32_t i = 0; i < q->n; i++) {
        atomic_init(&q->pool[i].next, mk(NIL, 0));
        atomic_init(&q->pool[i].value, 0);
        atomic_init(&q->pool[i].free_next, i + 1 < q->n ? i + 1 : NIL);
    }
    /* node 0 is the first sentinel; 1..n-1 are free */
    atomic_init(&q->pool[0].free_next, NIL);
    atomic_init(&q->free_top, mk(q->n > 1 ? 1 : NIL, 0));
    atomic_init(&q->head, mk(0, 0));
    atomic_init(&q->tail, mk(0, 0));
    /* every field of the queue and the pool is an atomic: for helgrind their
     * accesses are not races; the hand-offs are annotated with HB_* */
    HB_IGNORE(q, sz);
    HB_IGNORE(q->pool, q->n * sizeof *q->pool);
    return q;
}

void msq_free(struct msq *q)
{
    free(q->pool);
    free(q);
}

bool msq_enq(struct msq *q, long v)
{
    uint32_t n = node_alloc(q);                                            /* E1 */
    if (n == NIL)
        return false;
    struct node *node = &q->pool[n];
    atomic_store_explicit(&node->value, v, memory_order_relaxed);         /* E2 */
    /* E3: next = NULL, keeping a fresh count so a stale CAS on an old
     * incarnation of this node's link fails. */
    tagged old = atomic_load_explicit(&node->next, memory_order_relaxed);
    atomic_store_explicit(&node->next, mk(NIL, cnt(old) + 1), memory_order_relaxed);
    HB_BEFORE(node);
    for (;;) {                                                             /* E4 */
        tagged tail = atomic_load_explicit(&q->tail, memory_order_acquire);                /* E5 */
        tagged next = atomic_load_explicit(&q->pool[idx(tail)].next, memory_order_acquire); /* E6 */
        if (tail == atomic_load_explicit(&q->tail, memory_order_acquire)) {                /* E7 */
            if (idx(next) == NIL) {                                        /* E8 */
                /* E9: link; release publishes value and next to dequeuers */
                if (atomic_compare_exchange_strong_explicit(&q->pool[idx(tail)].next, &next,
                                                            mk(n, cnt(next) + 1),
                                                            memory_order_release, memory_order_relaxed)) {
#if MSQ_TEST_HOOKS
                    if (msq_test_linked)
                        msq_test_linked(q);
#endif
                    /* E17: swing the tail; failure means someone helped */
                    atomic_compare_exchange_strong_explicit(&q->tail, &tail, mk(n, cnt(tail) + 1),
                                                            memory_order_release, memory_order_relaxed);
                    return true;
                }
            } else {
                /* E12-E13: the tail lags: help it (the paper's else, not the book's) */
                atomic_compare_exchange_strong_explicit(&q->tail, &tail, mk(idx(next), cnt(tail) + 1),
                                                        memory_order_release, memory_order_relaxed);
            }
        }
    }
}

bool msq_deq(struct msq *q, long *out)
{
    for (;;) {                                                             /* D1 */
        tagged head = atomic_load_explicit(&q->head, memory_order_acquire);                 /* D2 */
        tagged tail = atomic_load_explicit(&q->tail, memory_order_acquire);                 /* D3 */
        tagged next = atomic_load_explicit(&q->pool[idx(head)].next, memory_order_acquire); /* D4 */
        if (head != atomic_load_explicit(&q->head, memory_order_acquire))                  /* D5 */
            continue;
        if (idx(head) == idx(tail)) {                                      /* D6 */
            if (idx(next) == NIL)                                          /* D7 */
                return false;                                              /* D8 */
            atomic_compare_exchange_strong_explicit(&q->tail, &tail, mk(idx(next), cnt(tail) + 1),
                                                    memory_order_release, memory_order_relaxed); /* D10 */
        } else {
            if (idx(next) == NIL) /* head moved since D4; D5 raced: retry */
                continue;
            /* D11: read the value before the CAS; after it another dequeuer
             * may free and reuse the node.  Stale values fail the CAS below. */
            long v = atomic_load_explicit(&q->pool[idx(next)].value, memory_order_relaxed);
            if (atomic_compare_exchange_strong_explicit(&q->head, &head, mk(idx(next), cnt(head) + 1),
                                                        memory_order_acq_rel, memory_order_relaxed)) { /* D12 */
                HB_AFTER(&q->pool[idx(next)]);
                *out = v;
                node_release(q, idx(head));                                /* D19: to the free list */
                return true;
            }
        }
    }
}
