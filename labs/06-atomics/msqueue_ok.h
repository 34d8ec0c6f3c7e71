/* msqueue_ok.h - a correct Michael-Scott queue (Michael & Scott, PODC 1996,
 * "Simple, Fast, and Practical Non-Blocking and Blocking Concurrent Queue
 * Algorithms"), done the way the paper does it and the book's queue does not:
 *
 *  - nodes come from a fixed pool and go back to a Treiber-stack free list,
 *    never to the allocator: memory is type-stable, so a thread still reading
 *    a node another thread has dequeued reads a valid (if stale) node - no
 *    use-after-free;
 *  - every shared link (head, tail, node->next, the free-list top) is a
 *    tagged index: a 32-bit node index and a 32-bit count packed into one
 *    64-bit word, the count bumped on every successful CAS, so a CAS that
 *    read a link before an A -> B -> A change fails - no ABA.  64-bit CAS
 *    exists on x86-64, AArch64 and ARMv7 (ldrexd/strexd): no 128-bit CAS needed;
 *  - the "help swing the tail" else is where the paper puts it;
 *  - the link CAS is release and loads of next are acquire, so the node's
 *    value is published to the dequeuer (C11-correct, not just x86-correct).
 *
 * Values are longs stored inline (relaxed atomics: a stale reader of a
 * recycled node may read one while it is rewritten; the head CAS then fails
 * and the value is discarded).  Bounded by the pool: enq fails when the pool
 * is exhausted.  Non-blocking: deq fails on an empty queue. */
#ifndef MSQUEUE_OK_H
#define MSQUEUE_OK_H
#include <stdbool.h>
#include <stdint.h>

struct msq;

/* A queue holding at most `capacity` values (1 .. 2^31).  Aborts on OOM. */
struct msq *msq_new(uint32_t capacity);
/* Free q and its pool; single-threaded (no enq/deq may be running).  Taking
 * the last value out does not mean its enq returned: msq_enq swings the tail
 * (E17) after the link that made the value visible, so join the enqueuers (or
 * count them out, as semaphore.c does) before msq_free. */
void msq_free(struct msq *q);

/* Enqueue v; false if the pool is exhausted (the queue holds `capacity`
 * values, or all spare nodes are momentarily held by other threads).
 * Lock-free. */
bool msq_enq(struct msq *q, long v);

/* Dequeue into *out; false if the queue was empty at the linearization point
 * (the acquire load of head->next that returned null).  Lock-free. */
bool msq_deq(struct msq *q, long *out);

#if MSQ_TEST_HOOKS
/* Test builds only (-DMSQ_TEST_HOOKS, semaphore_test): if set, msq_enq calls
 * it between the link that makes the value visible (E9) and the tail swing
 * (E17), so a test can run another thread inside that window. */
extern void (*msq_test_linked)(struct msq *q);
#endif
#endif
