/* stress_test - tests of common/stress.h: the harness counts every operation
 * (an atomic counter bumped by every worker equals the workers' summed ops),
 * --iters gives each worker exactly that many, a --seconds run ends by itself,
 * and the report prints the METRIC lines measure.sh collects.  check.h lines. */
#include <stdatomic.h>
#include "check.h"
#include "kit.h"
#include "stress.h"

static void body(struct stress_thread *t)
{
    atomic_uint_fast64_t *counter = t->arg;
    while (stress_more(t)) {
        atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
        t->ops++;
    }
}

static void usage(const struct stress_opts *o)
{
    printf("usage: stress_test [options]\n"
           "Tests of common/stress.h with a shared atomic counter.\n" STRESS_USAGE,
           o->threads, o->seconds);
}

int main(int argc, char **argv)
{
    struct stress_opts o = STRESS_DEFAULTS;
    stress_parse_args(argc, argv, &o, usage);

    atomic_uint_fast64_t counter = 0;
    struct stress_result r;
    struct stress_opts it = o;
    it.threads = 4;
    it.iters = 100000;
    stress_run(&it, body, &counter, &r);
    CHECK_EQ_U64(r.total_ops, 400000, "--iters: 4 workers x 100000 operations counted");
    CHECK_EQ_U64(atomic_load(&counter), r.total_ops, "--iters: the shared counter equals the summed ops");
    CHECK(r.min_ops == 100000 && r.max_ops == 100000 && r.fairness == 1.0, "--iters: every worker did exactly its share");

    counter = 0;
    struct stress_opts sec = o;
    sec.iters = 0;
    sec.seconds = 0.2;
    sec.threads = 3;
    uint64_t t0 = kit_now_ns();
    stress_run(&sec, body, &counter, &r);
    uint64_t took = kit_now_ns() - t0;
    CHECK_THAT(r.elapsed_ns >= 200000000u && took < 5000000000u, "--seconds 0.2: the run ends by itself after >= 0.2 s",
               "elapsed %" PRIu64 " ns, took %" PRIu64 " ns", r.elapsed_ns, took);
    CHECK_EQ_U64(atomic_load(&counter), r.total_ops, "--seconds: the shared counter equals the summed ops");
    CHECK(r.total_ops > 0 && r.per_s > 0 && r.fairness >= 0 && r.fairness <= 1, "--seconds: a rate and a fairness in [0, 1]");
    stress_report("stress_test", &sec, &r);
    return check_done();
}
