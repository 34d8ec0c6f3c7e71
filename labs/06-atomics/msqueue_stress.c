/* msqueue_stress - queue_spin on the correct queue (msqueue_ok: node pool,
 * tagged indices): the C analogue of the book's crossbeam_queue_spin (ch. 6
 * section 11).  N workers loop { enq(i); i++; deq(); } and must not crash; on
 * common/stress.h (start barrier, --threads, --seconds or --iters).  Checked
 * after the join (check.h lines): every enq succeeded, every deq found a value
 * (each worker dequeues only after its own enqueue, so a linearizable queue is
 * never empty there), enqueues == dequeues, and the queue is empty at the end.
 * Run helgrind with --iters: the --seconds stop flag is a relaxed atomic
 * helgrind cannot see. */
#include <stdatomic.h>
#include "check.h"
#include "kit.h"
#include "msqueue_ok.h"
#include "stress.h"

struct shared {
    struct msq *q;
    atomic_ullong enqs, deqs, empty_deqs, full_enqs; /* summed once per worker */
};

static void body(struct stress_thread *t)
{
    struct shared *s = t->arg;
    long i = 0, v;
    unsigned long long e = 0, d = 0, empty = 0, full = 0;
    while (stress_more(t)) {
        if (msq_enq(s->q, i)) e++; else full++;
        i++;
        if (msq_deq(s->q, &v)) d++; else empty++;
        t->ops++; /* one enq/deq pair */
    }
    atomic_fetch_add_explicit(&s->enqs, e, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->deqs, d, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->empty_deqs, empty, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->full_enqs, full, memory_order_relaxed);
}

static void usage(const struct stress_opts *o)
{
    printf("usage: msqueue_stress [--threads N] [--seconds S | --iters N] [--pin]\n"
           "queue_spin on the correct Michael-Scott queue (node pool, tagged indices):\n"
           "runs to the end without a crash; enq == deq counts checked at the end.\n"
           STRESS_USAGE
           "An operation is one enq/deq pair.  Default: 4 threads, 3 seconds.\n",
           o->threads, o->seconds);
}

int main(int argc, char **argv)
{
    struct stress_opts o = STRESS_DEFAULTS;
    o.threads = 4;
    o.seconds = 3;
    stress_parse_args(argc, argv, &o, usage);
    static struct shared s;
    /* each worker holds at most one value and one node in flight */
    s.q = msq_new(2 * o.threads + 2);
    struct stress_result r;
    stress_run(&o, body, &s, &r);
    long v;
    bool left = msq_deq(s.q, &v);
    unsigned long long e = atomic_load(&s.enqs), d = atomic_load(&s.deqs);
    check_note("%u threads, %.1f s, no crash: %llu enqueues, %llu dequeues", o.threads,
               (double)r.elapsed_ns / 1e9, e, d);
    CHECK_EQ_U64(atomic_load(&s.full_enqs), 0, "every enqueue found a free node");
    CHECK_EQ_U64(atomic_load(&s.empty_deqs), 0, "no dequeue found the queue empty (each follows its own enqueue)");
    CHECK_THAT(e == d && e == r.total_ops, "enqueues == dequeues == the pairs the workers ran",
               "%llu enqueues, %llu dequeues, %" PRIu64 " pairs", e, d, r.total_ops);
    CHECK(!left, "the queue is empty at the end");
    stress_report("enq_deq_pairs", &o, &r);
    msq_free(s.q);
    return check_done();
}
