/* aba_demo - ABA in the Michael-Scott queue, made deterministic (ch. 6
 * sections 9-11; the schedule is the notes' section 11).  A small pool queue
 * with a LIFO free list (a freed node is the next one allocated, as with many
 * allocators); thread A's deq is split at the point the book's scheduler
 * interrupts it - after reading head, next and the value, before the head CAS -
 * and thread B's operations run to completion in between.  The interleaving is
 * scripted, so every run shows the same thing:
 *
 *   start: S(sentinel) -> N1(a)   A reads head=S, next=N1, value=a; A pauses
 *   B: deq -> a, frees S          B: enq(b) reuses S: N1 -> S(b)
 *   B: deq -> b, frees N1         head is S again: the same address
 *   A: CAS(head, S, N1)
 *
 * Untagged (the book's bare pointers) the CAS succeeds: A returns `a` a second
 * time and head points at N1, a node on the free list.  --tagged compares a
 * {index, count} pair as msqueue_ok does: the count moved on, the CAS fails,
 * A retries and finds the queue empty. */
#include <stdbool.h>
#include "kit.h"

#define NIL 0xffu
enum { POOL = 4 };
struct link { unsigned idx, count; };
struct node { char value; struct link next; unsigned free_next; };
static struct node pool[POOL];
static struct link head, tail;
static unsigned free_top = NIL;
static bool tagged;

static bool same(struct link a, struct link b) { return a.idx == b.idx && (!tagged || a.count == b.count); }
/* The CAS under test: compares the index alone (bare pointer) or index + count. */
static bool cas(struct link *p, struct link expect, unsigned idx)
{
    if (!same(*p, expect))
        return false;
    p->idx = idx;
    p->count++;
    return true;
}
static unsigned alloc_node(void) { unsigned i = free_top; KIT_CHECK(i != NIL); free_top = pool[i].free_next; return i; }
static void free_node(unsigned i) { pool[i].free_next = free_top; free_top = i; }
static const char *name(unsigned i) { static const char *n[] = { "S", "N1", "N2", "N3" }; return i == NIL ? "NIL" : n[i]; }

static void enq(char v)
{
    unsigned n = alloc_node();
    pool[n].value = v;
    pool[n].next.idx = NIL;
    pool[n].next.count++;
    struct link t = tail;
    KIT_CHECK(pool[t.idx].next.idx == NIL);
    cas(&pool[t.idx].next, pool[t.idx].next, n);
    cas(&tail, t, n);
}

/* A deq in two halves: begin reads (head, next, value), commit CASes head. */
struct deq_state { struct link head, next; char value; };
static bool deq_begin(struct deq_state *d)
{
    d->head = head;
    d->next = pool[head.idx].next;
    if (d->next.idx == NIL)
        return false; /* empty */
    d->value = pool[d->next.idx].value;
    return true;
}
static bool deq_commit(struct deq_state *d)
{
    if (!cas(&head, d->head, d->next.idx))
        return false;
    free_node(d->head.idx);
    return true;
}
static bool deq(char *out)
{
    struct deq_state d;
    for (;;) {
        if (!deq_begin(&d))
            return false;
        if (deq_commit(&d)) {
            *out = d.value;
            return true;
        }
    }
}
static bool on_free_list(unsigned i)
{
    for (unsigned f = free_top; f != NIL; f = pool[f].free_next)
        if (f == i)
            return true;
    return false;
}

static void usage(void)
{
    printf("usage: aba_demo [--tagged]\n"
           "A deterministic, scripted schedule that shows ABA in the Michael-Scott queue:\n"
           "with bare pointers (default; BROKEN ON PURPOSE) thread A dequeues 'a' a second time\n"
           "and head ends up on the free list.\n"
           "  --tagged   compare {index, count} pairs (msqueue_ok's tagged indices): the\n"
           "             stale CAS fails and nothing is dequeued twice\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "tagged", no_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 't': tagged = true; break;
        case 'h': usage(); return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    printf(tagged ? "aba_demo --tagged: the CAS compares {index, count}\n"
                  : "aba_demo: BROKEN ON PURPOSE: the CAS compares bare pointers (the book's queue)\n");
    for (unsigned i = 1; i < POOL; i++)
        free_node(POOL - i); /* free list N1, N2, N3 */
    head = tail = (struct link){ 0, 0 };
    pool[0].next.idx = NIL;
    enq('a');
    printf("start:   S -> %s(a)\n", name(pool[0].next.idx));
    struct deq_state a;
    KIT_CHECK(deq_begin(&a));
    printf("A: deq   reads head=%s next=%s value=%c, then is descheduled before its CAS\n",
           name(a.head.idx), name(a.next.idx), a.value);
    char v;
    KIT_CHECK(deq(&v));
    printf("B: deq   -> %c, frees S\n", v);
    enq('b');
    printf("B: enq(b) reuses %s: %s -> %s(b)\n", name(tail.idx), name(head.idx), name(tail.idx));
    KIT_CHECK(deq(&v));
    printf("B: deq   -> %c, frees %s; head is %s again (count %u, A saw count %u)\n", v, name(a.next.idx),
           name(head.idx), head.count, a.head.count);
    int delivered_a = 1;
    if (deq_commit(&a)) {
        delivered_a++;
        printf("A: CAS(head, S, N1) SUCCEEDS (ABA): A returns %c - dequeued twice\n", a.value);
        printf("   head = %s, which is %son the free list\n", name(head.idx), on_free_list(head.idx) ? "" : "not ");
    } else {
        printf("A: CAS(head, S, N1) fails: the count moved on; A retries\n");
        bool got = deq(&v);
        printf("A: deq   -> %s\n", got ? (char[]){ v, 0 } : "empty (right: a and b were both taken by B)");
        delivered_a += got && v == 'a';
    }
    printf("value a delivered %d time%s: %s\n", delivered_a, delivered_a == 1 ? "" : "s",
           delivered_a == 1 ? "correct" : "ABA: a value dequeued twice");
    return 0;
}
