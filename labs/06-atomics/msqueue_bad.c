/* msqueue_bad.c - BROKEN ON PURPOSE: the book's incorrect Michael-Scott queue;
 * see msqueue_bad.h for the flaws.  The line comments give the book's
 * queue.rs line numbers its crash report refers to (78: next->value). */
#include <stdatomic.h>
#include <stdlib.h>
#include "kit.h"
#include "msqueue_bad.h"

struct node {
    long *value;                  /* offset 0: the boxed value (NULL in the sentinel) */
    _Atomic(struct node *) next;  /* offset 8 on 64-bit: the crash's fault address 0x8 */
};

struct msqb {
    _Atomic(struct node *) head;
    _Atomic(struct node *) tail;
};

/* The book's compare_and_swap returns the previous value; C11's CAS returns a
 * bool and writes the previous value into `expected`.  Failure orderings as
 * Rust derives them (relaxed/release -> relaxed). */
static struct node *cas_relaxed(_Atomic(struct node *) *p, struct node *expected, struct node *desired)
{
    atomic_compare_exchange_strong_explicit(p, &expected, desired, memory_order_relaxed, memory_order_relaxed);
    return expected;
}
static struct node *cas_release(_Atomic(struct node *) *p, struct node *expected, struct node *desired)
{
    atomic_compare_exchange_strong_explicit(p, &expected, desired, memory_order_release, memory_order_relaxed);
    return expected;
}

struct msqb *msqb_new(void)
{
    struct msqb *q = malloc(sizeof *q);
    struct node *s = calloc(1, sizeof *s);
    KIT_CHECK(q != NULL && s != NULL);
    atomic_init(&s->next, NULL);
    atomic_init(&q->head, s);
    atomic_init(&q->tail, s);
    return q;
}

void msqb_enq(struct msqb *q, long v)
{
    struct node *node = malloc(sizeof *node);
    long *box = malloc(sizeof *box);
    KIT_CHECK(node != NULL && box != NULL);
    *box = v;
    node->value = box;
    atomic_init(&node->next, NULL);
    for (;;) {
        struct node *tail = atomic_load_explicit(&q->tail, memory_order_acquire);
        struct node *next = atomic_load_explicit(&tail->next, memory_order_relaxed);
        if (tail == atomic_load_explicit(&q->tail, memory_order_relaxed)) {
            if (next == NULL) {
                if (cas_relaxed(&tail->next, next, node) == next) {
                    cas_release(&q->tail, tail, node);
                    return;
                }
            }
            /* the book: a lagging tail (next != NULL) is not helped here */
        } else {
            /* the book's misplaced else: "help" after the tail already moved */
            cas_release(&q->tail, tail, next);
        }
    }
}

bool msqb_deq(struct msqb *q, long *out)
{
    struct node *head;                                                     /* 65 */
    long *val;                                                             /* 66 */
    for (;;) {                                                             /* 67 */
        head = atomic_load_explicit(&q->head, memory_order_acquire);       /* 68 */
        struct node *tail = atomic_load_explicit(&q->tail, memory_order_relaxed); /* 69 */
        struct node *next = atomic_load_explicit(&head->next, memory_order_relaxed); /* 70 */
        if (head == atomic_load_explicit(&q->head, memory_order_relaxed)) { /* 71 */
            if (head == tail) {                                            /* 72 */
                if (next == NULL)                                          /* 73 */
                    return false;                                          /* 74 */
                cas_relaxed(&q->tail, tail, next);                         /* 76 */
            } else {                                                       /* 77 */
                val = next->value;                                         /* 78 */
                if (cas_release(&q->head, head, next) == head)             /* 79 */
                    break;                                                 /* 81 */
            }
        }
    }
    *out = *val;                                                           /* 80 */
    free(val);
#if !MSQUEUE_BAD_LEAK
    free(head);                                                            /* 85 */
#endif
    return true;                                                           /* 88 */
}

void msqb_free(struct msqb *q)
{
    struct node *n = atomic_load_explicit(&q->head, memory_order_relaxed);
    while (n != NULL) {
        struct node *next = atomic_load_explicit(&n->next, memory_order_relaxed);
        if (n != atomic_load_explicit(&q->head, memory_order_relaxed))
            free(n->value);
        free(n);
        n = next;
    }
    free(q);
}
