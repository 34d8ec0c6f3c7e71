/* msqueue_bad.h - BROKEN ON PURPOSE: the book's incorrect Michael-Scott queue
 * (ch. 6 section 9), ported line for line with its exact memory orderings.
 *
 * What is wrong with it (all three kept deliberately):
 *  1. deq frees the old head node at once, while other threads may still hold
 *     a pointer to it: use-after-free, the crash queue_spin shows (SIGSEGV with
 *     fault address 0x0 at `next->value`, or 0x8 loading `->next` through a
 *     null node).  Build with -DMSQUEUE_BAD_LEAK (queue_spin_leak) to leak
 *     nodes instead, as the book's repository does.
 *  2. bare pointers in every CAS: ABA (aba_demo shows the schedule).
 *  3. the "help swing the tail" else belongs to `if next == NULL` in the paper
 *     but to the outer `if tail == Q->tail` in the book; and the link CAS is
 *     relaxed, so a dequeuer's relaxed load of next has no happens-before edge
 *     to the node's initialisation (formally a data race in C11).
 * The correct twin is msqueue_ok.h. */
#ifndef MSQUEUE_BAD_H
#define MSQUEUE_BAD_H
#include <stdbool.h>

struct msqb;

/* A new empty queue (one sentinel node).  Aborts on OOM.  Never freed: the
 * book's Queue is shared by raw pointer and never dropped either. */
struct msqb *msqb_new(void);

/* Enqueue v.  Two allocations, as in the book: a box for the value and the
 * node.  Orderings: tail load acquire, next load relaxed, link CAS relaxed,
 * tail swing CAS release (both the book's). */
void msqb_enq(struct msqb *q, long v);

/* Dequeue into *out; false if the queue looked empty.  Orderings: head load
 * acquire, tail/next loads relaxed, help CAS on tail relaxed, head CAS release;
 * then frees the value box and (the bug) the old head node at once. */
bool msqb_deq(struct msqb *q, long *out);

/* Free q and every node still in it.  Single-threaded only (not in the book:
 * lets the tests run many queues without leak reports). */
void msqb_free(struct msqb *q);
#endif
