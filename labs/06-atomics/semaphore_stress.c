/* semaphore_stress - the token-queue semaphore (semaphore.c) under load, on
 * common/stress.h: N workers loop { wait(); holders++; note the maximum;
 * holders--; signal(); }.  Checked after the join (check.h lines): the
 * capacity was never exceeded, no worker deadlocked (the run ended), and every
 * token came back (capacity successful dequeues from the token queue at the
 * end: none lost, none invented). */
#include <stdatomic.h>
#include "check.h"
#include "kit.h"
#include "semaphore.h"
#include "stress.h"

struct shared {
    struct qsem sem;
    atomic_uint holders, max_holders; /* relaxed: counts, not synchronization */
};

static void body(struct stress_thread *t)
{
    struct shared *s = t->arg;
    while (stress_more(t)) {
        qsem_wait(&s->sem);
        unsigned h = atomic_fetch_add_explicit(&s->holders, 1, memory_order_relaxed) + 1;
        unsigned m = atomic_load_explicit(&s->max_holders, memory_order_relaxed);
        while (h > m && !atomic_compare_exchange_weak_explicit(&s->max_holders, &m, h, memory_order_relaxed,
                                                               memory_order_relaxed))
            ; /* a running maximum: a concurrent smaller store cannot hide a violation */
        atomic_fetch_sub_explicit(&s->holders, 1, memory_order_relaxed);
        qsem_signal(&s->sem);
        t->ops++;
    }
}

static void usage(const struct stress_opts *o, unsigned capacity)
{
    printf("usage: semaphore_stress [--capacity K] [--threads N] [--iters N | --seconds S] [--pin]\n"
           "N threads share a token-queue semaphore of capacity K, each doing wait/signal\n"
           "pairs; checks that at most K threads ever hold it and that all K tokens come back.\n"
           "  --capacity K   tokens (default %u)\n"
           STRESS_USAGE
           "An operation is one wait/signal pair.  Default: 8 threads x 125000 pairs.\n",
           capacity, o->threads, o->seconds);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        STRESS_LONGOPTS,
        { "capacity", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct stress_opts o = STRESS_DEFAULTS;
    o.threads = 8;
    o.iters = 125000;
    unsigned capacity = 2;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'c': capacity = (unsigned)kit_arg_u64("capacity", optarg, 1, 1024); break;
        case 'h': usage(&o, capacity); return 0;
        case STRESS_OPT_SECONDS: o.iters = 0; /* --seconds replaces the default --iters */ /* fall through */
        default:
            if (!stress_opt(c, optarg, &o))
                kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    static struct shared s;
    qsem_init(&s.sem, capacity);
    struct stress_result r;
    stress_run(&o, body, &s, &r);
    unsigned tokens = 0, mx = atomic_load(&s.max_holders);
    long tok;
    while (msq_deq(s.sem.tokens, &tok))
        tokens++;
    check_note("%" PRIu64 " wait/signal pairs on %u threads, capacity %u", r.total_ops, o.threads, capacity);
    CHECK_THAT(mx >= 1 && mx <= capacity, "never more holders than the capacity",
               "at most %u holders at once, capacity %u", mx, capacity);
    CHECK_EQ_U64(tokens, capacity, "every token came back at the end (none lost, none invented)");
    if (o.iters)
        CHECK_EQ_U64(r.total_ops, (uint64_t)o.threads * o.iters, "every worker finished its %" PRIu64 " pairs (no deadlock)",
                     o.iters);
    stress_report("wait_signal_pairs", &o, &r);
    qsem_destroy(&s.sem);
    return check_done();
}
