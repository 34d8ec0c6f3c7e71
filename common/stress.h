/* stress.h - the kit's stress and throughput harness (CONTRIBUTING.md,
 * "Benchmarks and stress programs"), in the spirit of perfbook's
 * counttorture.h: N workers, optional pinning, a start barrier, a run of so
 * many seconds or so many operations per worker, per-thread counters on their
 * own cache lines, then rates and the fairness spread as METRIC lines.  The
 * program checks its own invariant (nothing lost, counter = threads x iters)
 * after stress_run() returns, when every worker has been joined.
 *
 *   static void body(struct stress_thread *t) {
 *       struct state *s = t->arg;
 *       while (stress_more(t)) { push_pop(s, t->id); t->ops++; }
 *   }
 *   struct stress_opts o = STRESS_DEFAULTS;      ... getopt: stress_opt(c, optarg, &o)
 *   struct stress_result r;
 *   stress_run(&o, body, &state, &r);
 *   ... check the state; stress_report("swap_mutex", &o, &r);
 *
 * Timing: every worker waits at a start barrier, so thread creation is not
 * counted and no worker runs uncontended while the others are still being
 * created.  Each worker reads the clock itself as it leaves the barrier and as
 * its body returns; the run lasts from the earliest start to the latest end.
 * (Not main's clock: with pinned workers on every CPU, main may not run again
 * until they are done.)  A --seconds run ends at the stop signal (workers
 * finish the operation in hand).  One sweep point per run: the thread count is
 * --threads, and sweeps are written in measure.conf.
 *
 * Synchronization: workers read the stop flag with a relaxed load (it only
 * ends the loop; the counts are read after pthread_join, which orders them);
 * in the valgrind flavour the flag is marked for helgrind (hb.h HB_IGNORE).
 * stress_run() is not reentrant per stress_opts; run one at a time. */
#ifndef STRESS_H
#define STRESS_H
#include <getopt.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include "hb.h"
#include "kit.h"
#include "machine.h"

struct stress_opts {
    unsigned threads;   /* workers, >= 1 */
    double seconds;     /* run length when iters == 0 */
    uint64_t iters;     /* operations per worker; 0 = run for `seconds` */
    bool pin;           /* pin worker i to the i-th CPU of the affinity set */
};
#define STRESS_DEFAULTS { .threads = 2, .seconds = 1.0, .iters = 0, .pin = false }

/* One worker's view; each on its own cache lines (no false sharing of ops). */
struct stress_thread {
    KIT_ALIGNED uint64_t ops;   /* operations this worker completed: the body counts them */
    unsigned id;                /* 0 .. threads-1 */
    unsigned threads;
    void *arg;                  /* the program's shared state */
    uint64_t iters;             /* from stress_opts */
    const atomic_bool *stop;
    void (*body)(struct stress_thread *);
    pthread_barrier_t *start;
    bool pin;
    atomic_int *pin_err;        /* the first refused pin's errno, reported once */
    uint64_t t_start, t_end;    /* this worker's clock, ns */
};

struct stress_result {
    uint64_t total_ops;         /* sum of the workers' ops */
    uint64_t min_ops, max_ops;  /* the least and most productive worker */
    uint64_t elapsed_ns;        /* barrier release to the end of the run */
    double per_s;               /* total_ops / elapsed, operations per second */
    double fairness;            /* min_ops / max_ops: 1 = every worker did as much */
};

/* stress_more(t): the body's loop condition.  With --iters, true until this
 * worker has counted that many operations; otherwise until the stop signal. */
static inline bool stress_more(const struct stress_thread *t)
{
    if (t->iters)
        return t->ops < t->iters;
    return !atomic_load_explicit(t->stop, memory_order_relaxed);
}

static inline void *stress_worker_(void *p)
{
    struct stress_thread *t = p;
    if (t->pin) {
        int e = machine_pin((int)t->id), zero = 0;
        if (e != 0)
            atomic_compare_exchange_strong(t->pin_err, &zero, e);
    }
    kit_barrier_wait(t->start);
    t->t_start = kit_now_ns();
    t->body(t);
    t->t_end = kit_now_ns();
    return NULL;
}

/* stress_run(o, body, arg, r): start o->threads workers running body(t) with
 * t->arg = arg, pinned to the i-th CPU of the process's affinity set with
 * o->pin (machine_pin), time them as described above, join them and fill *r.
 * Aborts (kit.h) when a thread cannot be created; a refused pin is reported
 * once on stderr and the run goes on unpinned. */
static inline void stress_run(const struct stress_opts *o, void (*body)(struct stress_thread *), void *arg,
                              struct stress_result *r)
{
    unsigned n = o->threads ? o->threads : 1;
    struct stress_thread *ts = aligned_alloc(KIT_CACHELINE, n * sizeof *ts);
    pthread_t *tids = calloc(n, sizeof *tids);
    KIT_CHECK(ts != NULL && tids != NULL);
    atomic_bool stop = false;
    atomic_int pin_err = 0;
    pthread_barrier_t start;
    HB_IGNORE(&stop, sizeof stop); /* helgrind: the flag's atomic accesses are not races */
    kit_barrier_init(&start, n + 1);
    for (unsigned i = 0; i < n; i++) {
        ts[i] = (struct stress_thread){ .ops = 0, .id = i, .threads = n, .arg = arg, .iters = o->iters,
                                        .stop = &stop, .body = body, .start = &start, .pin = o->pin,
                                        .pin_err = &pin_err };
        kit_thread_create(&tids[i], stress_worker_, &ts[i]);
    }
    kit_barrier_wait(&start);
    if (o->iters == 0) {
        kit_sleep_ns((uint64_t)(o->seconds * 1e9));
        atomic_store_explicit(&stop, true, memory_order_relaxed);
    }
    for (unsigned i = 0; i < n; i++)
        kit_thread_join(tids[i]);
    if (atomic_load(&pin_err) != 0)
        fprintf(stderr, "stress: cannot pin workers (%s); ran unpinned\n", strerror(atomic_load(&pin_err)));
    uint64_t t0 = UINT64_MAX, t1 = 0;
    *r = (struct stress_result){ .min_ops = UINT64_MAX };
    for (unsigned i = 0; i < n; i++) {
        r->total_ops += ts[i].ops;
        if (ts[i].ops < r->min_ops)
            r->min_ops = ts[i].ops;
        if (ts[i].ops > r->max_ops)
            r->max_ops = ts[i].ops;
        if (ts[i].t_start < t0)
            t0 = ts[i].t_start;
        if (ts[i].t_end > t1)
            t1 = ts[i].t_end;
    }
    r->elapsed_ns = t1 > t0 ? t1 - t0 : 1;
    r->per_s = (double)r->total_ops * 1e9 / (double)r->elapsed_ns;
    r->fairness = r->max_ops ? (double)r->min_ops / (double)r->max_ops : 1.0;
    kit_barrier_destroy(&start);
    free(tids);
    free(ts);
}

/* stress_report(name, o, r): one human line, then METRIC name_per_s (1/s) and
 * name_fairness (x, min/max operations per worker). */
static inline void stress_report(const char *name, const struct stress_opts *o, const struct stress_result *r)
{
    char m[128];
    printf("%s: %u threads, %.3f s, %" PRIu64 " operations, %.0f per second; per worker %" PRIu64
           " .. %" PRIu64 " (fairness %.2f)\n",
           name, o->threads, (double)r->elapsed_ns / 1e9, r->total_ops, r->per_s, r->min_ops, r->max_ops,
           r->fairness);
    snprintf(m, sizeof m, "%s_per_s", name);
    kit_metric(m, r->per_s, "1/s");
    snprintf(m, sizeof m, "%s_fairness", name);
    kit_metric(m, r->fairness, "x");
}

/* ---- the harness's command-line options, for a program's getopt_long table:
 *   static const struct option opts[] = { STRESS_LONGOPTS, {"help", no_argument, 0, 'h'}, {0} };
 *   ... default: if (!stress_opt(c, optarg, &o)) kit_bad_option(argc, argv);
 * stress_opt() exits 2 with one line naming a bad value (kit_arg_u64). */
enum { STRESS_OPT_THREADS = 0x5300, STRESS_OPT_SECONDS, STRESS_OPT_ITERS, STRESS_OPT_PIN };
#define STRESS_LONGOPTS                                                                 \
    { "threads", required_argument, 0, STRESS_OPT_THREADS },                            \
    { "seconds", required_argument, 0, STRESS_OPT_SECONDS },                            \
    { "iters", required_argument, 0, STRESS_OPT_ITERS },                                \
    { "pin", no_argument, 0, STRESS_OPT_PIN }
#define STRESS_USAGE                                                                    \
    "  --threads N    workers (default %u)\n"                                           \
    "  --seconds S    run S seconds, decimals allowed (default %.1f) ...\n"             \
    "  --iters N      ... or N operations per worker\n"                                 \
    "  --pin          pin worker i to CPU i (modulo the CPUs this process may use)\n"

/* stress_parse_args(argc, argv, o, usage): the whole command line of a
 * program whose only options are the harness's and --help: usage(o) and exit
 * 0 on --help; one line and exit 2 on anything bad.  --seconds replaces a
 * default --iters. */
static inline int stress_opt(int c, const char *arg, struct stress_opts *o);
static inline void stress_parse_args(int argc, char **argv, struct stress_opts *o,
                                     void (*usage)(const struct stress_opts *))
{
    static const struct option opts[] = { STRESS_LONGOPTS, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'h') {
            usage(o);
            exit(0);
        }
        if (c == STRESS_OPT_SECONDS)
            o->iters = 0;
        if (!stress_opt(c, optarg, o))
            kit_bad_option(argc, argv);
    }
    kit_no_operands(argc, argv);
}

/* stress_opt(c, arg, o): 1 if c was one of the harness's options (now stored in *o). */
static inline int stress_opt(int c, const char *arg, struct stress_opts *o)
{
    switch (c) {
    case STRESS_OPT_THREADS:
        o->threads = (unsigned)kit_arg_u64("threads", arg, 1, 4096);
        return 1;
    case STRESS_OPT_SECONDS: {
        char *end;
        errno = 0;
        double s = strtod(arg, &end);
        if (errno || end == arg || *end != '\0' || !(s > 0 && s <= 86400))
            kit_usage_error("--seconds: expected a number of seconds in (0, 86400], got '%s'", arg);
        o->seconds = s;
        return 1;
    }
    case STRESS_OPT_ITERS:
        o->iters = kit_arg_u64("iters", arg, 1, UINT64_MAX / 2);
        return 1;
    case STRESS_OPT_PIN:
        o->pin = true;
        return 1;
    }
    return 0;
}
#endif
