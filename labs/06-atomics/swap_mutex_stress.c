/* swap_mutex_stress - threads x iterations of lock; counter++; unlock on the
 * book's SwapMutex (ch. 6 section 7): the final count must be exact.  On
 * common/stress.h (workers released together from a start barrier, --threads,
 * --iters or --seconds); the checks are check.h lines.
 *
 * In the valgrind flavour (make SAN=valgrind) the lock's hand-off is
 * annotated for helgrind (common/hb.h), so helgrind reports nothing.  Its twin
 * swap_mutex_unannotated_stress (-DHB_NO_ANNOTATE) is the same code without
 * the annotations: helgrind, which only understands pthread calls, then
 * reports "Possible data race" on the lock byte and on the counter - false
 * positives, because the acquire exchange does synchronize with the release
 * store.  ThreadSanitizer models C11 atomics and is clean on both.  Run
 * helgrind with --iters: a --seconds run's stop flag is a relaxed atomic that
 * helgrind cannot see either. */
#include "check.h"
#include "kit.h"
#include "stress.h"
#include "swap_mutex.h"

#if HB_NO_ANNOTATE
#define PROG "swap_mutex_unannotated_stress"
#else
#define PROG "swap_mutex_stress"
#endif

struct shared {
    struct swap_mutex lock;
    uint64_t counter; /* guarded by lock: a plain variable on purpose */
};

static void body(struct stress_thread *t)
{
    struct shared *s = t->arg;
    while (stress_more(t)) {
        swap_mutex_lock(&s->lock);
        s->counter++;
        swap_mutex_unlock(&s->lock);
        t->ops++;
    }
}

static void usage(const struct stress_opts *o)
{
    printf("usage: " PROG " [--threads N] [--iters N | --seconds S] [--pin]\n"
           "N threads each lock the SwapMutex, increment a plain counter and unlock; the\n"
           "final count must equal the increments the threads made (threads x iters).\n"
#if HB_NO_ANNOTATE
           "NOT annotated for helgrind (-DHB_NO_ANNOTATE): helgrind's race reports on it\n"
           "are false positives.\n"
#else
           "Its lock hand-off is annotated for helgrind in the valgrind flavour\n"
           "(make SAN=valgrind, common/hb.h).\n"
#endif
           STRESS_USAGE
           "Default: --iters 1000000 (the notes' 4 x 10^6 increments).\n",
           o->threads, o->seconds);
}

int main(int argc, char **argv)
{
    struct stress_opts o = STRESS_DEFAULTS;
    o.threads = 4;
    o.iters = 1000000;
    stress_parse_args(argc, argv, &o, usage);
#if HB_NO_ANNOTATE
    printf(PROG ": helgrind annotations off: helgrind's race reports here are false positives\n");
#endif
    static struct shared s = { SWAP_MUTEX_INIT, 0 };
    swap_mutex_init(&s.lock);
    struct stress_result r;
    stress_run(&o, body, &s, &r);
    CHECK_THAT(s.counter == r.total_ops, "the counter is exact: every increment under the lock counted once",
               "counter %" PRIu64 ", increments %" PRIu64, s.counter, r.total_ops);
    if (o.iters)
        CHECK_EQ_U64(r.total_ops, (uint64_t)o.threads * o.iters, "%u threads x %" PRIu64 " iterations all ran",
                     o.threads, o.iters);
    stress_report("lock_unlock", &o, &r);
    return check_done();
}
