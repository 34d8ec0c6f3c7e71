/* lock_bench - every lock of the lab (locks.h) at one thread count, with an
 * empty and a small critical section: acquisitions per second in total and
 * per thread, and the fairness (min/max acquisitions over the threads; 1 =
 * perfectly even, near 0 = one thread starves).  Not in the book: its "less
 * wasteful mutex" done right and measured.  Read the contended numbers
 * against lab 1's c2c (cache-line round trip): a contended hand-off cannot be
 * faster than that.  On common/stress.h: the workers start together from a
 * barrier, --seconds per point or --iters acquisitions per thread; one thread
 * count per run (measure.conf sweeps --threads).
 *
 * Every point also checks mutual exclusion: a plain counter incremented inside
 * the critical section must equal the sum of the threads' acquisitions.  With
 * --iters (the correctness run) the rates mean little: threads may finish one
 * after another. */
#include <stdbool.h>
#include "kit.h"
#include "locks.h"
#include "stress.h"

struct bench {
    KIT_ALIGNED struct lock lock;
    KIT_ALIGNED uint64_t guarded;    /* plain: protected by lock */
    KIT_ALIGNED uint64_t line[8];    /* the small critical section's data: one cache line */
    bool small;                      /* read-only while the workers run */
};

static inline void critical_section(struct bench *b)
{
    b->guarded++;
    if (b->small)
        for (int i = 0; i < 8; i++)
            b->line[i] += (uint64_t)i + 1;
}

/* One body per lock, each calling its lock's own functions: no dispatch in
 * the timed loop, and each lock's fast path is a function of its own
 * (body_futex, ...), whose disassembly test.sh reads. */
#define LOCK_BODY(NAME, LOCK, UNLOCK)                \
    static void body_##NAME(struct stress_thread *t) \
    {                                                \
        struct bench *b = t->arg;                    \
        while (stress_more(t)) {                     \
            LOCK(&b->lock.u.NAME);                   \
            critical_section(b);                     \
            UNLOCK(&b->lock.u.NAME);                 \
            t->ops++;                                \
        }                                            \
    }
LOCK_BODY(swap, swap_mutex_lock, swap_mutex_unlock)
LOCK_BODY(ttas, ttas_lock, ttas_unlock)
LOCK_BODY(ticket, ticket_lock, ticket_unlock)
LOCK_BODY(futex, futex_mutex_lock, futex_mutex_unlock)
LOCK_BODY(pthread, kit_mutex_lock, kit_mutex_unlock)
static void (*const bodies[LOCK_NKINDS])(struct stress_thread *) = {
    [LOCK_SWAP] = body_swap, [LOCK_TTAS] = body_ttas, [LOCK_TICKET] = body_ticket,
    [LOCK_FUTEX] = body_futex, [LOCK_PTHREAD] = body_pthread,
};

/* One point: one row, two METRIC lines; returns false if mutual exclusion failed. */
static bool point(enum lock_kind k, bool small, const struct stress_opts *o)
{
    static struct bench b;
    lock_init(&b.lock, k);
    b.small = small;
    b.guarded = 0;
    struct stress_result r;
    stress_run(o, bodies[k], &b, &r);
    lock_destroy(&b.lock);
    bool ok = b.guarded == r.total_ops;
    const char *cs = small ? "small" : "empty";
    if (o->iters) {
        printf("%-8s %-6s %4u %13s %13s %8s  %s (counter %" PRIu64 ", expected %" PRIu64 ")\n", lock_names[k], cs,
               o->threads, "-", "-", "-", ok ? "exact" : "EXCLUSION BROKEN", b.guarded, r.total_ops);
        return ok;
    }
    printf("%-8s %-6s %4u %13.0f %13.0f %8.3f  %s\n", lock_names[k], cs, o->threads, r.per_s,
           r.per_s / o->threads, r.fairness, ok ? "ok" : "EXCLUSION BROKEN");
    char name[64];
    snprintf(name, sizeof name, "%s_%s_per_s", lock_names[k], cs);
    kit_metric(name, r.per_s, "1/s");
    snprintf(name, sizeof name, "%s_%s_fairness", lock_names[k], cs);
    kit_metric(name, r.fairness, "x");
    return ok;
}

static void usage(const struct stress_opts *o)
{
    printf("usage: lock_bench [--lock NAME|all] [--cs empty|small|both] [--threads N] [--seconds S | --iters N] [--pin]\n"
           "Acquisitions/s of each lock (swap, ttas, ticket, futex, pthread) at one thread count.\n"
           "  --lock NAME    one lock, or all (default)\n"
           "  --cs WHAT      critical section: empty (a counter), small (+ one cache line\n"
           "                 of updates) or both (default)\n"
           STRESS_USAGE
           "                 (--seconds is per lock and critical section; --iters checks\n"
           "                 the guarded counter is exact, rates are not printed)\n"
           "Columns: total/s, per-thread/s, fairness = min/max acquisitions over threads.\n",
           o->threads, o->seconds);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        STRESS_LONGOPTS,
        { "lock", required_argument, NULL, 'l' }, { "cs", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
    };
    struct stress_opts o = STRESS_DEFAULTS;
    o.seconds = 0.3;
    int only = -1, cs = 2; /* 0 empty, 1 small, 2 both */
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'l':
            if (strcmp(optarg, "all") != 0 && (only = lock_kind_parse(optarg)) < 0)
                kit_usage_error("--lock: expected swap, ttas, ticket, futex, pthread or all, got '%s'", optarg);
            break;
        case 'c':
            if (strcmp(optarg, "empty") == 0) cs = 0;
            else if (strcmp(optarg, "small") == 0) cs = 1;
            else if (strcmp(optarg, "both") == 0) cs = 2;
            else kit_usage_error("--cs: expected empty, small or both, got '%s'", optarg);
            break;
        case 'h': usage(&o); return 0;
        default:
            if (!stress_opt(c, optarg, &o))
                kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    printf("lock_bench: %d CPUs, %u threads; acquisitions per second; fairness = min/max over threads\n",
           machine_cpus(), o.threads);
    printf("%-8s %-6s %4s %13s %13s %8s  %s\n", "lock", "cs", "thr", "total/s", "per-thread/s", "fairness", "exclusion");
    bool ok = true;
    for (int k = 0; k < LOCK_NKINDS; k++) {
        if (only >= 0 && k != only)
            continue;
        for (int s = 0; s < 2; s++)
            if (cs == 2 || s == cs)
                ok &= point((enum lock_kind)k, s == 1, &o);
    }
    return ok ? 0 : 1;
}
